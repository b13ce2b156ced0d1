"""A provider that hangs costs the call its configured timeout, then the fallback serves.

The real plugins and the framework's FallbackAdapters, built by the worker's own
``worker.providers.providers`` from Settings, against simulators that accept the request and then
send nothing. The timeout is shortened the way a test should: by replacing the settings
field, not by patching.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from livekit.agents import APIConnectionError, APIConnectOptions, llm, tts, utils

from config import Settings
from sim.elevenlabs_multistream import ElevenLabsLatency, ElevenLabsSim
from sim.faults import Fault, FaultPlan
from sim.openai_chat import OpenAIChatSim, OpenAILatency
from sim.settings import simulator_settings
from worker.channel_profile import channel_profile
from worker.providers.providers import build_llm, build_tts

pytestmark = pytest.mark.sim

KEY = "sim-key"
TIMEOUT_S = 1.5
# The client's timer and the simulator's poll each add a little; never less than this.
EARLIEST_S = TIMEOUT_S - 0.05
# Well under the production 10 s: the configured timeout, not a default, decided.
LATEST_S = TIMEOUT_S + 3.0


@pytest.fixture
async def http() -> AsyncIterator[None]:
    async with utils.http_context.open():
        yield


def _settings(openai: OpenAIChatSim, elevenlabs: ElevenLabsSim, **providers: object) -> Settings:
    settings = simulator_settings(
        None,
        deepgram_url="http://127.0.0.1:9/v1/listen",
        openai_url=openai.base_url,
        elevenlabs_url=elevenlabs.base_url,
        api_key=KEY,
    )
    update = {"request_timeout": TIMEOUT_S, "max_retries": 0, "retry_interval": 0.05, **providers}
    return settings.model_copy(update={"providers": settings.providers.model_copy(update=update)})


def _conn(settings: Settings) -> APIConnectOptions:
    # What the session factory hands every stream (worker/session_factory.py).
    p = settings.providers
    return APIConnectOptions(
        max_retry=p.max_retries, retry_interval=p.retry_interval, timeout=p.request_timeout
    )


async def _speak(engine: tts.TTS[Any], settings: Settings, text: str) -> None:
    async with engine.stream(conn_options=_conn(settings)) as stream:
        stream.push_text(text)
        stream.end_input()
        async for _ in stream:
            pass


def test_simulated_calls_keep_the_production_timeout() -> None:
    production = Settings(_env_file=None)  # type: ignore[call-arg]
    simulated = simulator_settings(
        production,
        deepgram_url="http://d",
        openai_url="http://o",
        elevenlabs_url="http://e",
        api_key=KEY,
    )
    assert simulated.providers.request_timeout == production.providers.request_timeout == 10.0


@pytest.mark.usefixtures("http")
@pytest.mark.parametrize("kind", ["hang", "half_open"])
async def test_llm_falls_back_only_after_the_timeout(kind: str) -> None:
    faults = FaultPlan([Fault(kind, request=0)])  # type: ignore[arg-type]
    latency = OpenAILatency.instant()
    async with (
        OpenAIChatSim(replies=["From the fallback."], latency=latency, faults=faults) as openai,
        ElevenLabsSim() as elevenlabs,
    ):
        settings = _settings(openai, elevenlabs)
        model = build_llm(settings)
        assert isinstance(model, llm.FallbackAdapter)
        ctx = llm.ChatContext.empty()
        ctx.add_message(role="user", content="Where is my order?")
        loop = asyncio.get_running_loop()
        started = loop.time()
        text = ""
        try:
            async with model.chat(chat_ctx=ctx, conn_options=_conn(settings)) as stream:
                async for chunk in stream:
                    text += chunk.delta.content or "" if chunk.delta else ""
        finally:
            await model.aclose()
    # (A third request, if any, is the adapter probing the primary for recovery.)
    first, second = openai.timings[:2]
    assert (first.model, second.model) == (
        settings.providers.openai_model,
        settings.providers.openai_fallback_models[0],
    )
    assert first.first_token_at is None
    assert EARLIEST_S <= second.arrived_at - started < LATEST_S
    assert text == "From the fallback."


@pytest.mark.usefixtures("http")
async def test_a_silent_model_gives_way_after_the_llm_attempt_timeout() -> None:
    # A model that sends nothing is stuck well before the generic request timeout: the
    # next model answers after llm_attempt_timeout, so one stall line covers the wait.
    faults = FaultPlan([Fault("hang", request=0)])
    async with (
        OpenAIChatSim(
            replies=["From the fallback."], latency=OpenAILatency.instant(), faults=faults
        ) as openai,
        ElevenLabsSim() as elevenlabs,
    ):
        settings = _settings(openai, elevenlabs, request_timeout=8.0, llm_attempt_timeout=1.0)
        model = build_llm(settings)
        ctx = llm.ChatContext.empty()
        ctx.add_message(role="user", content="Where is my order?")
        started = asyncio.get_running_loop().time()
        try:
            async with model.chat(chat_ctx=ctx, conn_options=_conn(settings)) as stream:
                async for _chunk in stream:
                    pass
        finally:
            await model.aclose()
    second = openai.timings[1]
    assert second.model == settings.providers.openai_fallback_models[0]
    assert 1.0 - 0.05 <= second.arrived_at - started < 1.0 + 3.0


@pytest.mark.usefixtures("http")
async def test_tts_falls_back_only_after_the_timeout() -> None:
    hang = FaultPlan([Fault("hang", request=None)])
    async with (
        OpenAIChatSim(latency=OpenAILatency.instant()) as openai,
        ElevenLabsSim(latency=ElevenLabsLatency.instant(), faults=hang) as elevenlabs,
    ):
        settings = _settings(openai, elevenlabs, tts_order=["elevenlabs", "openai"])
        engine = build_tts(settings, channel_profile(settings, "phone"))
        assert isinstance(engine, tts.FallbackAdapter)
        loop = asyncio.get_running_loop()
        started = loop.time()
        first_audio: float | None = None
        try:
            async with engine.stream(conn_options=_conn(settings)) as stream:
                stream.push_text("Your order shipped on Tuesday.")
                stream.end_input()
                async for _ in stream:
                    first_audio = first_audio or loop.time()
        finally:
            await engine.aclose()
    # ElevenLabs got the text and never answered; OpenAI's speech endpoint then served.
    assert elevenlabs.context_text(next(iter(elevenlabs.contexts))).strip()
    assert all(t.first_audio_at is None for t in elevenlabs.context_timings.values())
    assert [r["input"] for r in openai.speech_requests] == ["Your order shipped on Tuesday."]
    assert first_audio is not None
    assert EARLIEST_S <= first_audio - started < LATEST_S


@pytest.mark.usefixtures("http")
async def test_a_stalled_tts_hands_over_after_one_timeout_even_with_retries() -> None:
    """A context on a socket that stops sending times out without the socket being
    dropped: a retry of the same engine would wait on the same socket for a second
    timeout. With a next engine in the chain, the caller's silence is one timeout."""
    stall = FaultPlan([Fault("stall", request=0, after_messages=0, seconds=30)])
    async with (
        OpenAIChatSim(latency=OpenAILatency.instant()) as openai,
        ElevenLabsSim(latency=ElevenLabsLatency.instant(), faults=stall) as elevenlabs,
    ):
        # The production retry count: each engine may be retried on its own.
        settings = _settings(openai, elevenlabs, tts_order=["elevenlabs", "openai"], max_retries=1)
        engine = build_tts(settings, channel_profile(settings, "phone"))
        loop = asyncio.get_running_loop()
        started = loop.time()
        first_audio: float | None = None
        asked_before_fallback = 0
        try:
            async with engine.stream(conn_options=_conn(settings)) as stream:
                stream.push_text("Your order shipped on Tuesday.")
                stream.end_input()
                async for _ in stream:
                    if first_audio is None:
                        first_audio = loop.time()
                        asked_before_fallback = len(elevenlabs.contexts)
        finally:
            await engine.aclose()
    assert [r["input"] for r in openai.speech_requests] == ["Your order shipped on Tuesday."]
    assert asked_before_fallback == 1, "ElevenLabs was retried before the next engine"
    assert first_audio is not None
    assert EARLIEST_S <= first_audio - started < 2 * TIMEOUT_S


@pytest.mark.usefixtures("http")
async def test_a_hanging_openai_tts_fallback_gives_up_after_the_configured_timeout() -> None:
    """The OpenAI TTS plugin asks for a 30 s read timeout of its own (its
    ``httpx.Timeout(30, connect=...)``), which neither the FallbackAdapter nor the
    session's TTS timeout bounds; our OpenAI client holds every timeout to
    ``request_timeout``, so the last TTS in the chain fails within it, not in 30 s."""
    down = FaultPlan([Fault("http_error", request=None, status=503)])
    hang = FaultPlan([Fault("hang", request=None)])
    async with (
        OpenAIChatSim(latency=OpenAILatency.instant(), audio_faults=hang) as openai,
        ElevenLabsSim(latency=ElevenLabsLatency.instant(), faults=down) as elevenlabs,
    ):
        settings = _settings(openai, elevenlabs, tts_order=["elevenlabs", "openai"])
        engine = build_tts(settings, channel_profile(settings, "phone"))
        assert isinstance(engine, tts.FallbackAdapter)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            # Well short of the plugin's 30 s: a failure here is the 30 s wait, cut short.
            async with asyncio.timeout(LATEST_S + 5.0):
                with pytest.raises(APIConnectionError, match="all TTSs failed"):
                    await _speak(engine, settings, "Your order shipped on Tuesday.")
            failed_at = loop.time()
        finally:
            await engine.aclose()
    # OpenAI's speech endpoint got the text and held the request open until the client left.
    assert [r["input"] for r in openai.speech_requests][:1] == ["Your order shipped on Tuesday."]
    assert EARLIEST_S <= failed_at - started < LATEST_S
