"""The STT the worker builds for Flux (``worker.providers.providers.flux_stt``, the real
``deepgram.STTv2``) against the /v2/listen simulator: what it asks for, and the speech
events the session gets from Flux's turn events."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from livekit import rtc
from livekit.agents import stt, utils
from livekit.plugins import deepgram, openai
from pydantic import SecretStr

from config import Settings
from sim.deepgram_flux import DeepgramFluxSim, FluxLatency, Segment
from sim.latency import Delay
from worker.channel_profile import channel_profile
from worker.providers.providers import build_stt_engines, flux_stt

pytestmark = pytest.mark.sim

EV = stt.SpeechEventType
Pcm = npt.NDArray[np.int16]


def flux_settings(url: str, **providers: Any) -> Settings:
    base = Settings(_env_file=None)  # type: ignore[call-arg]
    update = {
        "stt_order": ["flux", "deepgram", "openai"],
        "deepgram_flux_base_url": url,
        "deepgram_api_key": SecretStr("key"),
        "openai_api_key": SecretStr("key"),
        **providers,
    }
    return base.model_copy(update={"providers": base.providers.model_copy(update=update)})


def voiced(seconds: float, rate: int) -> Pcm:
    t = np.arange(round(seconds * rate)) / rate
    sig = sum(np.sin(2 * np.pi * 140.0 * k * t) / k for k in range(1, 4))
    return (sig / np.max(np.abs(sig)) * 0.5 * 32767).astype(np.int16)


def quiet(seconds: float, rate: int) -> Pcm:
    return np.zeros(round(seconds * rate), dtype=np.int16)


async def stream_through(engine: stt.STT[Any], pcm: Pcm, rate: int) -> list[stt.SpeechEvent]:
    stream = engine.stream()
    events: list[stt.SpeechEvent] = []

    async def consume() -> None:
        async for event in stream:
            if event.type != EV.RECOGNITION_USAGE:
                events.append(event)

    consumer = asyncio.create_task(consume())
    step = rate // 50
    for start in range(0, len(pcm), step):
        chunk = pcm[start : start + step]
        stream.push_frame(rtc.AudioFrame(chunk.tobytes(), rate, 1, samples_per_channel=len(chunk)))
    stream.end_input()
    await asyncio.wait_for(consumer, timeout=10)
    await stream.aclose()
    return events


async def test_a_phone_call_asks_flux_for_what_settings_say() -> None:
    async with DeepgramFluxSim() as sim, utils.http_context.open():
        settings = flux_settings(
            sim.base_url,
            flux_eager_eot_threshold=0.4,
            flux_eot_threshold=0.8,
            flux_eot_timeout_ms=3000,
        )
        profile = channel_profile(settings, "phone")
        engine = flux_stt(settings, profile, "en-US")
        assert engine is not None
        await stream_through(engine, quiet(0.5, 8000), 8000)
    query = sim.connections[0].query
    assert query is not None
    assert query.model == "flux-general-en"
    assert query.sample_rate == 8000
    assert (query.eager_eot_threshold, query.eot_threshold, query.eot_timeout_ms) == (
        0.4,
        0.8,
        3000,
    )
    assert query.numerals  # phone callers dictate digits
    assert list(query.keyterm) == settings.telephony.keyterms
    # 80 ms of 8 kHz linear16 per message, as Deepgram recommends for Flux (the last
    # one holds what was left at the end of the stream).
    sizes = sim.connections[0].audio_message_sizes
    assert sizes.most_common(1)[0][0] == 8000 * 2 * 80 // 1000
    assert sum(n for size, n in sizes.items() if size != 1280) <= 1


async def test_eager_end_of_turn_reaches_the_session_as_a_preflight_then_the_final() -> None:
    rate = 16000
    script = [Segment("I would like to check my order", duration_s=1.5)]
    latency = FluxLatency(complete_eot=Delay.constant(0.6))
    async with DeepgramFluxSim(script, latency=latency) as sim, utils.http_context.open():
        settings = flux_settings(sim.base_url, flux_eager_eot_threshold=0.4)
        engine = flux_stt(settings, channel_profile(settings, "app"), "en-US")
        assert engine is not None
        pcm = np.concatenate([quiet(0.3, rate), voiced(1.5, rate), quiet(1.2, rate)])
        events = await stream_through(engine, pcm, rate)
    kinds = [e.type for e in events]
    assert kinds[0] == EV.START_OF_SPEECH
    assert kinds.index(EV.PREFLIGHT_TRANSCRIPT) < kinds.index(EV.FINAL_TRANSCRIPT)
    assert kinds[-1] == EV.END_OF_SPEECH
    preflight = next(e for e in events if e.type == EV.PREFLIGHT_TRANSCRIPT)
    final = next(e for e in events if e.type == EV.FINAL_TRANSCRIPT)
    # The session keeps the preemptive reply when the final says the same.
    assert preflight.alternatives[0].text == final.alternatives[0].text
    assert final.alternatives[0].text == "I would like to check my order."


def test_flux_is_left_out_for_a_language_it_does_not_speak() -> None:
    settings = flux_settings("http://127.0.0.1:9/v2/listen")
    profile = channel_profile(settings, "app")
    engines = build_stt_engines(settings, profile, language="es")
    assert [type(e) for e in engines] == [deepgram.STT, openai.STT]
    only_flux = flux_settings("http://127.0.0.1:9/v2/listen", stt_order=["flux"])
    with pytest.raises(ValueError, match=r"providers\.stt_order"):
        build_stt_engines(only_flux, profile, language="es")
