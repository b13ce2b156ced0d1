"""The ElevenLabs simulator driven by the real livekit elevenlabs plugin."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import numpy as np
import pytest
from livekit import rtc
from livekit.agents import APIConnectOptions, APIError, APIStatusError, tts, utils
from livekit.agents.types import USERDATA_TIMED_TRANSCRIPT
from livekit.plugins import elevenlabs

from sim.elevenlabs_multistream import ElevenLabsLatency, ElevenLabsSim
from sim.faults import Fault, FaultPlan
from sim.latency import Delay

pytestmark = pytest.mark.sim

KEY = "xi-test-key"
CONN = APIConnectOptions(max_retry=1, retry_interval=0.05, timeout=2)
MS_PER_CHAR = 20.0
INSTANT = ElevenLabsLatency.instant(ms_per_char=MS_PER_CHAR)
TEXT = "Hello, thanks for calling. How can I help you today?"


@pytest.fixture
async def http() -> AsyncIterator[None]:
    async with utils.http_context.open():
        yield


def _tts(sim: ElevenLabsSim, encoding: str = "pcm_16000", **kwargs: Any) -> elevenlabs.TTS:
    return elevenlabs.TTS(base_url=sim.base_url, api_key=KEY, encoding=encoding, **kwargs)  # type: ignore[arg-type]


async def _speak(
    engine: elevenlabs.TTS, text: str, conn_options: APIConnectOptions = CONN
) -> list[tts.SynthesizedAudio]:
    async with engine.stream(conn_options=conn_options) as stream:
        stream.push_text(text)
        stream.end_input()
        return [ev async for ev in stream]


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.usefixtures("http")
@pytest.mark.parametrize(("encoding", "rate"), [("pcm_16000", 16000), ("pcm_8000", 8000)])
async def test_stream_round_trip(encoding: str, rate: int) -> None:
    async with ElevenLabsSim(latency=INSTANT, api_key=KEY) as sim:
        engine = _tts(sim, encoding)
        try:
            events = await _speak(engine, TEXT)
        finally:
            await engine.aclose()

    conn = sim.connections[0]
    assert conn.voice_id == elevenlabs.tts.DEFAULT_VOICE_ID
    assert conn.query["output_format"] == encoding
    assert conn.query["model_id"] == "eleven_turbo_v2_5"
    assert conn.query["sync_alignment"] == "true"
    (context_id,) = conn.context_ids
    assert sim.context_inits[context_id] == {
        "text": " ",
        "voice_settings": {},
        "context_id": context_id,
    }
    sent = sim.context_text(context_id)
    assert _normalise(sent) == TEXT
    assert conn.messages[-1] == {"context_id": context_id, "close_context": True}

    frames = [ev.frame for ev in events]
    assert {f.sample_rate for f in frames} == {rate}
    audio = rtc.combine_audio_frames(frames)
    assert audio.duration == pytest.approx(len(sent) * MS_PER_CHAR / 1000, abs=0.02)
    samples = np.frombuffer(audio.data, dtype=np.int16)
    assert np.abs(samples).max() > 3000
    assert events[-1].is_final

    timed = [w for f in frames for w in f.userdata.get(USERDATA_TIMED_TRANSCRIPT, [])]
    assert _normalise("".join(str(w) for w in timed)) == TEXT
    assert timed[-1].end_time == pytest.approx(audio.duration, abs=0.05)
    timing = sim.context_timings[context_id]
    assert timing.final_at is not None
    assert timing.closed_by_client


async def test_raw_protocol_alignment_and_final() -> None:
    async with (
        ElevenLabsSim(latency=INSTANT, chunk_ms=50.0) as sim,
        aiohttp.ClientSession() as http,
        http.ws_connect(
            f"{sim.base_url.replace('http', 'ws')}/text-to-speech/v1/multi-stream-input"
            "?model_id=m&output_format=pcm_16000&sync_alignment=true",
            headers={"xi-api-key": KEY},
        ) as ws,
    ):
        await ws.send_json({"text": " ", "voice_settings": {}, "context_id": "c1"})
        await ws.send_json({"text": "Hi there. ", "context_id": "c1", "flush": True})
        await ws.send_json({"context_id": "c1", "close_context": True})
        messages = []
        while True:
            msg = json.loads((await ws.receive()).data)
            messages.append(msg)
            if msg.get("isFinal"):
                break
        await ws.send_json({"close_socket": True})
        closing = await ws.receive()

    assert messages[-1] == {"isFinal": True, "contextId": "c1"}
    audio_msgs = messages[:-1]
    assert all(m["contextId"] == "c1" for m in audio_msgs)
    pcm = b"".join(base64.b64decode(m["audio"]) for m in audio_msgs)
    assert len(pcm) == round(len("Hi there. ") * MS_PER_CHAR * 16) * 2
    assert all(len(base64.b64decode(m["audio"])) <= 50 * 16 * 2 for m in audio_msgs)
    chars = [
        c for m in audio_msgs if m["normalizedAlignment"] for c in m["normalizedAlignment"]["chars"]
    ]
    starts = [s for m in audio_msgs if m["alignment"] for s in m["alignment"]["charStartTimesMs"]]
    assert "".join(chars) == "Hi there. "
    assert starts == [round(i * MS_PER_CHAR) for i in range(len("Hi there. "))]
    assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert sim.connections[0].close_reason == "close_socket"


async def test_inactivity_timeout_closes_with_policy_violation() -> None:
    async with (
        ElevenLabsSim(latency=INSTANT) as sim,
        aiohttp.ClientSession() as http,
        http.ws_connect(
            f"{sim.base_url.replace('http', 'ws')}/text-to-speech/v1/multi-stream-input"
            "?model_id=m&output_format=pcm_8000&inactivity_timeout=0.2",
            headers={"xi-api-key": KEY},
        ) as ws,
    ):
        error = await ws.receive_json()
        closing = await ws.receive()
    assert error["error"] == "input_timeout_exceeded"
    assert error["code"] == 1008
    assert closing.type == aiohttp.WSMsgType.CLOSE
    assert closing.data == aiohttp.WSCloseCode.POLICY_VIOLATION


@pytest.mark.usefixtures("http")
async def test_contexts_share_one_socket() -> None:
    texts = ["First answer, short and sweet.", "Second answer comes right after."]
    async with ElevenLabsSim(latency=INSTANT) as sim:
        engine = _tts(sim)
        try:
            engine.prewarm()
            for _ in range(100):
                if sim.connections:
                    break
                await asyncio.sleep(0.01)
            for text in texts:
                await _speak(engine, text)
        finally:
            await engine.aclose()

    assert len(sim.connections) == 1
    ids = sim.connections[0].context_ids
    assert len(ids) == 2
    assert [_normalise(sim.context_text(c)) for c in ids] == texts
    assert all(sim.context_timings[c].final_at is not None for c in ids)


@pytest.mark.usefixtures("http")
async def test_ttfb_and_pacing_honoured() -> None:
    latency = ElevenLabsLatency.constant(0.3, realtime_factor=0.5, ms_per_char=MS_PER_CHAR)
    async with ElevenLabsSim(latency=latency) as sim:
        engine = _tts(sim)
        loop = asyncio.get_running_loop()
        try:
            await engine._current_connection()  # connected up front, like prewarm
            started = loop.time()
            first: float | None = None
            async with engine.stream(conn_options=CONN) as stream:
                stream.push_text(TEXT)
                stream.end_input()
                async for _ in stream:
                    if first is None:
                        first = loop.time()
            ended = loop.time()
        finally:
            await engine.aclose()

    assert first is not None
    assert first - started >= 0.3
    audio_s = len(sim.context_text(sim.connections[0].context_ids[0])) * MS_PER_CHAR / 1000
    assert ended - started >= 0.3 + 0.5 * audio_s * 0.9
    timing = sim.context_timings[sim.connections[0].context_ids[0]]
    assert timing.ttfb_s is not None
    assert timing.ttfb_s >= 0.3


@pytest.mark.usefixtures("http")
async def test_unsupported_format_is_rejected() -> None:
    async with ElevenLabsSim(latency=INSTANT) as sim:
        engine = _tts(sim, "mp3_44100_128")
        short = APIConnectOptions(max_retry=0, retry_interval=0.05, timeout=1)
        try:
            with pytest.raises(APIStatusError) as info:
                await _speak(engine, TEXT, short)
        finally:
            await engine.aclose()
    assert sim.connections[0].close_reason == "invalid_output_format"
    assert info.value.status_code == 403


@pytest.mark.usefixtures("http")
async def test_wrong_key_fails_the_handshake() -> None:
    async with ElevenLabsSim(latency=INSTANT, api_key="right") as sim:
        engine = _tts(sim)
        try:
            with pytest.raises(APIError):
                await _speak(engine, TEXT)
        finally:
            await engine.aclose()
    assert sim.connections[0].close_reason == "unauthorized"
    assert not sim.contexts


@pytest.mark.usefixtures("http")
async def test_http_error_on_upgrade_then_retry_succeeds() -> None:
    faults = FaultPlan([Fault("http_error", request=0, status=503)])
    async with ElevenLabsSim(latency=INSTANT, faults=faults) as sim:
        engine = _tts(sim)
        try:
            events = await _speak(engine, TEXT)
        finally:
            await engine.aclose()
    assert sim.connections[0].close_reason == "http_error 503"
    assert len(sim.connections) == 2
    assert events
    assert _normalise(sim.context_text(sim.connections[1].context_ids[0])) == TEXT


@pytest.mark.usefixtures("http")
@pytest.mark.parametrize("kind", ["disconnect", "malformed", "invalid_utf8"])
async def test_broken_socket_raises(kind: str) -> None:
    faults = FaultPlan([Fault(kind, request=None, after_messages=2)])  # type: ignore[arg-type]
    short = APIConnectOptions(max_retry=0, retry_interval=0.05, timeout=1)
    async with ElevenLabsSim(latency=INSTANT, faults=faults) as sim:
        engine = _tts(sim)
        try:
            with pytest.raises(APIError):
                await _speak(engine, TEXT * 3, short)
        finally:
            await engine.aclose()
    assert sim.connections[0].context_ids
    expected = "disconnect fault" if kind == "disconnect" else "client closed"
    assert sim.connections[0].close_reason == expected


@pytest.mark.usefixtures("http")
async def test_stall_trips_the_context_timeout() -> None:
    faults = FaultPlan([Fault("stall", request=None, after_messages=1, seconds=3.0)])
    short = APIConnectOptions(max_retry=0, retry_interval=0.05, timeout=0.4)
    async with ElevenLabsSim(latency=INSTANT, faults=faults) as sim:
        engine = _tts(sim)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            with pytest.raises(APIError):
                await _speak(engine, TEXT, short)
        finally:
            await engine.aclose()
        # The client gave up, not the stall ending (3 s): no tighter wall-clock bound.
        assert loop.time() - started < 3.0


@pytest.mark.usefixtures("http")
async def test_context_error_fails_the_stream_and_closes_the_socket() -> None:
    no_retry = APIConnectOptions(max_retry=0, retry_interval=0.05, timeout=2)
    async with ElevenLabsSim(latency=INSTANT, context_errors={0: "quota_exceeded"}) as sim:
        engine = _tts(sim)
        try:
            with pytest.raises(APIError):
                await _speak(engine, TEXT, no_retry)
            events = await _speak(engine, "This one works.")
        finally:
            await engine.aclose()
    assert events
    # The error cost the client its socket; the next stream opened a new one.
    assert sim.connections[0].close_reason == "quota_exceeded"
    assert len(sim.connections) == 2


@pytest.mark.usefixtures("http")
async def test_chunked_http_synthesize() -> None:
    async with ElevenLabsSim(latency=INSTANT) as sim:
        engine = _tts(sim, "pcm_24000")
        try:
            frames = [ev.frame async for ev in engine.synthesize("Goodbye.", conn_options=CONN)]
        finally:
            await engine.aclose()
    audio = rtc.combine_audio_frames(frames)
    assert audio.sample_rate == 24000
    # The emitter pads the last 10 ms frame.
    assert audio.duration == pytest.approx(len("Goodbye.") * MS_PER_CHAR / 1000, abs=0.015)
    assert sim.http_requests[0]["text"] == "Goodbye."


def _ws_url(sim: ElevenLabsSim, fmt: str = "pcm_16000") -> str:
    return (
        f"{sim.base_url.replace('http', 'ws')}/text-to-speech/v1/multi-stream-input"
        f"?model_id=eleven_flash_v2_5&output_format={fmt}"
    )


async def test_sixth_context_is_refused_and_the_socket_closed_with_1008() -> None:
    """ElevenLabs' Multi-Context Websocket guide: "Each connection is limited to 5
    concurrent contexts"; the error and close as users report them (pipecat#4114)."""
    async with (
        ElevenLabsSim(latency=INSTANT) as sim,
        aiohttp.ClientSession() as http,
        http.ws_connect(_ws_url(sim), headers={"xi-api-key": KEY}) as ws,
    ):
        for n in range(6):
            await ws.send_json({"text": " ", "voice_settings": {}, "context_id": f"c{n}"})
        error = await ws.receive_json()
        closing = await ws.receive()
    assert error == {
        "message": "Maximum simultaneous contexts per WebSocket connection exceeded (5). "
        "Please close an existing context before opening a new one.",
        "error": "max_active_conversations",
        "code": 1008,
        "contextId": "c5",
    }
    assert closing.type == aiohttp.WSMsgType.CLOSE
    assert closing.data == aiohttp.WSCloseCode.POLICY_VIOLATION
    assert list(sim.context_timings) == [f"c{n}" for n in range(5)]


async def test_a_finished_context_frees_its_slot() -> None:
    async with (
        ElevenLabsSim(latency=INSTANT) as sim,
        aiohttp.ClientSession() as http,
        http.ws_connect(_ws_url(sim), headers={"xi-api-key": KEY}) as ws,
    ):
        for n in range(5):
            await ws.send_json({"text": " ", "voice_settings": {}, "context_id": f"c{n}"})
        await ws.send_json({"context_id": "c0", "close_context": True})
        assert (await ws.receive_json()) == {"isFinal": True, "contextId": "c0"}
        await ws.send_json({"text": "Hi. ", "context_id": "c5", "flush": True})
        reply = await ws.receive_json()
    assert reply["contextId"] == "c5"
    assert "audio" in reply
    assert sim.connections[0].close_reason != "max_active_conversations"


@pytest.mark.usefixtures("http")
async def test_plugin_streams_past_the_limit_lose_the_socket() -> None:
    async with ElevenLabsSim(latency=INSTANT) as sim:
        engine = _tts(sim)
        streams = [engine.stream(conn_options=APIConnectOptions(max_retry=0)) for _ in range(6)]
        try:
            for stream in streams:
                stream.push_text("Still talking. ")
                stream.flush()
            outcomes = await asyncio.wait_for(
                asyncio.gather(*(_drain(s) for s in streams), return_exceptions=True), 10
            )
        finally:
            for stream in streams:
                await stream.aclose()
            await engine.aclose()
    assert sim.connections[0].close_reason == "max_active_conversations"
    assert any(isinstance(o, APIError) for o in outcomes)


async def _drain(stream: tts.SynthesizeStream) -> int:
    return len([ev async for ev in stream])


@pytest.mark.usefixtures("http")
@pytest.mark.parametrize("kind", ["hang", "half_open"])
async def test_silent_socket_fails_the_stream_at_the_client_timeout(kind: str) -> None:
    faults = FaultPlan([Fault(kind, request=None)])  # type: ignore[arg-type]
    short = APIConnectOptions(max_retry=0, retry_interval=0.05, timeout=0.6)
    loop = asyncio.get_running_loop()
    engine: elevenlabs.TTS | None = None
    try:
        async with ElevenLabsSim(latency=INSTANT, faults=faults) as sim:
            engine = _tts(sim)
            started = loop.time()
            with pytest.raises(APIError):
                await _speak(engine, TEXT, short)
            elapsed = loop.time() - started
    finally:
        # Closed after the simulator: on a half-open socket the plugin's close would
        # otherwise wait out aiohttp's close handshake, which a dead peer never answers.
        if engine is not None:
            await engine.aclose()
    assert 0.55 <= elapsed < 4.0
    assert sim.connections[0].close_reason == kind
    assert all(t.first_audio_at is None for t in sim.context_timings.values())


@pytest.mark.usefixtures("http")
async def test_ttfb_is_drawn_per_context_and_reproducible() -> None:
    latency = ElevenLabsLatency(ttfb=Delay(p50_s=0.02, p90_s=0.08), realtime_factor=0.0)

    async def drawn(seed: int) -> list[tuple[float, float]]:
        async with ElevenLabsSim(latency=latency, seed=seed) as sim:
            engine = _tts(sim)
            try:
                for _ in range(3):
                    await _speak(engine, "Okay.")
            finally:
                await engine.aclose()
        return [(t.drawn_ttfb_s, t.ttfb_s or 0.0) for t in sim.context_timings.values()]

    first, again = await drawn(5), await drawn(5)
    assert len(first) == 3
    # The same seed draws the same delays, a new one per context.
    assert [d for d, _ in first] == [d for d, _ in again]
    assert len({d for d, _ in first}) == 3
    # The first audio waits for the draw; the event loop's own delay only adds to it.
    assert all(measured >= d - 1e-3 for d, measured in first + again)
