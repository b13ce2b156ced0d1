"""How the transcript judge reads a turn Deepgram Flux ended, and which STT serves a call."""

from __future__ import annotations

import pytest
from livekit.agents import llm, stt
from livekit.agents.stt import AvailabilityChangedEvent
from livekit.plugins import deepgram

from worker.turns.flux_turns import STT_ENDED_REASON, ServingStt, SttEndOfTurnJudge, flux_serving
from worker.turns.turn_judge import FINAL_SCORE, TranscriptTurnJudge

pytestmark = pytest.mark.unit


def turn(user: str, agent: str = "How can I help?") -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="assistant", content=agent)
    ctx.add_message(role="user", content=user)
    return ctx


def judge(flux_serving_now: bool) -> SttEndOfTurnJudge:
    return SttEndOfTurnJudge(stt_ends_turns=lambda: flux_serving_now)


def test_a_flux_turn_without_a_full_stop_is_final() -> None:
    ctx = turn("I need help with my bill")
    assert judge(True).verdict(ctx).reason == STT_ENDED_REASON
    assert judge(True).verdict(ctx).state == "final"
    # Nova's final without a full stop is a fragment cut at a pause: still held.
    assert judge(False).verdict(ctx).state == "unfinished"
    assert TranscriptTurnJudge().verdict(ctx).state == "unfinished"


async def test_a_flux_turn_is_answered_after_the_short_delay() -> None:
    assert await judge(True).predict_end_of_turn(turn("I need help with my bill")) == FINAL_SCORE


@pytest.mark.parametrize(
    ("user", "agent", "reason"),
    [
        ("It's 415.", "What's the best phone number to reach you?", "dictation_incomplete:phone"),
        ("I would like to talk to", "How can I help?", "open_phrase"),
        ("I'd like to change.", "How can I help?", "verb_without_object"),
    ],
)
def test_what_flux_cannot_know_still_holds_the_turn(user: str, agent: str, reason: str) -> None:
    verdict = judge(True).verdict(turn(user, agent))
    assert verdict.state == "unfinished"
    assert verdict.reason == reason


def test_the_serving_stt_follows_the_fallback_adapters_availability() -> None:
    flux = deepgram.STTv2(api_key="key")
    nova = deepgram.STT(api_key="key")
    adapter = stt.FallbackAdapter([flux, nova])
    serving = ServingStt(adapter, [flux, nova])
    assert serving.ends_turns()
    adapter.emit("stt_availability_changed", AvailabilityChangedEvent(stt=flux, available=False))
    assert not serving.ends_turns()
    adapter.emit("stt_availability_changed", AvailabilityChangedEvent(stt=flux, available=True))
    assert serving.ends_turns()


def test_only_a_call_with_a_flux_engine_gets_the_flux_judge() -> None:
    nova = deepgram.STT(api_key="key")
    assert flux_serving(nova, [nova]) is None
    flux = deepgram.STTv2(api_key="key")
    found = flux_serving(flux, [flux])
    assert found is not None
    serving, make_judge = found
    built = make_judge()
    assert isinstance(built, SttEndOfTurnJudge)
    assert built.verdict(turn("Can you help me")).reason == STT_ENDED_REASON
    assert serving.ends_turns()
