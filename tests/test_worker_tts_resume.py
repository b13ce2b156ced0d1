"""A reply whose TTS breaks part-way is finished by the next TTS from the sentence it
broke in: the real ElevenLabs and OpenAI plugins in the framework's FallbackAdapter,
built by ``worker.providers.providers``, against the simulators."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import pytest
from livekit import rtc
from livekit.agents import APIConnectOptions, tts, utils

from sim.elevenlabs_multistream import ElevenLabsLatency, ElevenLabsSim
from sim.faults import Fault, FaultPlan
from sim.openai_chat import OpenAIChatSim, OpenAILatency
from sim.settings import simulator_settings
from worker.channel_profile import channel_profile
from worker.providers.providers import build_tts
from worker.speech.tts_resume import finish_cut_replies, restart_point

REPLY = "Your order shipped on Tuesday. It arrives on Friday before noon."
SECOND = "It arrives on Friday before noon."
MS_PER_CHAR = 65.0


@pytest.mark.unit
@pytest.mark.parametrize(
    ("spoken", "start"),
    # Letters and digits heard: the first sentence has 25, the reply 51.
    [(0, 0), (12, 0), (24, 0), (25, 31), (40, 31), (51, 31)],
)
def test_a_reply_restarts_at_the_sentence_it_broke_in(spoken: int, start: int) -> None:
    assert restart_point(REPLY, spoken) == start
    assert restart_point("No stop at all", 9) == 0
    # Markdown the framework strips before the TTS does not move the point.
    assert restart_point("Your **order** shipped on Tuesday. It arrives soon.", 25) == 35


def _engine(openai: OpenAIChatSim, elevenlabs: ElevenLabsSim) -> tts.TTS[Any]:
    settings = simulator_settings(
        None,
        deepgram_url="http://127.0.0.1:9/v1/listen",
        openai_url=openai.base_url,
        elevenlabs_url=elevenlabs.base_url,
        api_key="sim-key",
    )
    providers = settings.providers.model_copy(update={"tts_order": ["elevenlabs", "openai"]})
    settings = settings.model_copy(update={"providers": providers})
    return build_tts(settings, channel_profile(settings, "phone"))


async def _text(*chunks: str) -> AsyncIterator[str]:
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(0)


def _synthesize(engine: tts.TTS[Any]) -> Any:
    """What the framework's default tts_node does with a streaming TTS: push the text
    as it comes, yield the audio."""

    async def run(text: AsyncIterable[str]) -> AsyncIterator[rtc.AudioFrame]:
        conn = APIConnectOptions(max_retry=0, timeout=2.0)
        async with engine.stream(conn_options=conn) as stream:

            async def forward() -> None:
                async for chunk in text:
                    stream.push_text(chunk)
                stream.end_input()

            task = asyncio.create_task(forward())
            try:
                async for event in stream:
                    yield event.frame
            finally:
                await utils.aio.cancel_and_wait(task)

    return run


async def _heard(elevenlabs_faults: FaultPlan) -> tuple[float, OpenAIChatSim, ElevenLabsSim]:
    async with (
        utils.http_context.open(),
        OpenAIChatSim(latency=OpenAILatency.instant()) as openai,
        ElevenLabsSim(
            latency=ElevenLabsLatency.instant(MS_PER_CHAR), faults=elevenlabs_faults
        ) as elevenlabs,
    ):
        engine = _engine(openai, elevenlabs)
        assert isinstance(engine, tts.FallbackAdapter)
        seconds = 0.0
        try:
            text = _text("Your order shipped ", "on Tuesday. It arrives ", "on Friday before noon.")
            async for frame in finish_cut_replies(text, _synthesize(engine), engine):
                seconds += frame.duration
        finally:
            await engine.aclose()
    return seconds, openai, elevenlabs


@pytest.mark.sim
async def test_a_tts_dropped_mid_reply_is_finished_from_the_broken_sentence() -> None:
    # 80 ms of audio per message: 30 messages are 2.4 s, inside the second sentence.
    seconds, openai, _ = await _heard(
        FaultPlan([Fault("disconnect", request=0, after_messages=30)])
    )
    # The second sentence was said again by the next TTS, not the first one.
    assert [r["input"].strip() for r in openai.speech_requests][:1] == [SECOND]
    # The caller heard all of the reply: the part before the break, then the sentence.
    assert seconds >= len(REPLY) * MS_PER_CHAR / 1000


@pytest.mark.sim
async def test_a_reply_the_tts_finished_is_not_said_again() -> None:
    seconds, openai, elevenlabs = await _heard(FaultPlan([]))
    assert openai.speech_requests == []
    assert len(elevenlabs.contexts) == 1
    assert seconds == pytest.approx(len(REPLY) * MS_PER_CHAR / 1000, abs=0.1)
