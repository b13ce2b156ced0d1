"""The transcript turn judge inside the call's real session: a caller dictating a phone
number in groups, with pauses a VAD takes for the end of speech, is one turn. The
judge's decisions on transcripts are unit-tested in test_worker_turn_judge.py; this is
its wiring (the STT node's raw finals behind the placeholders, the framework's
endpointing waiting on its verdict). About a second each: the caller's pauses are real
time."""

from __future__ import annotations

import re

import pytest
from livekit.agents import llm
from scripted_models import ScriptedLLM, scripted_settings
from scripted_voice import VoiceCall, voice_call

pytestmark = pytest.mark.unit


def _digit_runs(text: str) -> list[str]:
    return re.findall(r"\d[\d ]{2,}\d", text)


def _answer_once(ctx: llm.ChatContext) -> str:
    return "Thanks, got it."


async def _dictate_in_groups(turn_detection: str) -> VoiceCall:
    # The caller's pauses outlast even the maximum endpointing delay, as they do on real
    # calls (test_turn_judge_calls.py: 1.3 s against 1.2 s); scaled down here so the test
    # is quick: only the judge's dictation hold waits longer.
    settings = scripted_settings(
        latency={
            "turn_detection": turn_detection,
            "max_endpointing_delay": 0.3,
            "turn_dictation_hold": 1.0,
        }
    )
    async with voice_call(ScriptedLLM(responder=_answer_once), settings=settings) as call:
        # Each group is its own final with a period, as a real STT punctuates pauses.
        await call.voice.say("My phone number is 415.", "555.", "0123.", pause=0.5)
        await call.reply(1)
        return call


async def test_the_turn_judge_keeps_a_half_dictated_number_in_one_turn() -> None:
    call = await _dictate_in_groups("transcript")

    # One caller turn with the whole number, one answer: the judge read the raw groups
    # behind the placeholders (the STT node fills `turn_text`) and held the turn open.
    assert len(call.said("user")) == 1
    assert call.said("user")[0].startswith("My phone number is [PHONE_1]")
    assert _digit_runs(call.said("user")[0]) == []
    assert call.said("assistant") == ["Thanks, got it."]


async def test_without_the_judge_the_same_dictation_is_answered_mid_number() -> None:
    """The control for the test above: VAD endpointing alone answers after the first
    group, so the judge is what keeps the number whole."""
    call = await _dictate_in_groups("vad")

    assert call.said("user")[0] == "My phone number is [PHONE_1]."
    assert call.said("assistant")[0] == "Thanks, got it."


async def test_a_caller_naming_their_mobile_then_reading_it_is_one_turn() -> None:
    """The STT punctuates the breath after "my mobile," as the end of a sentence, and a
    request to text one's mobile reads as finished: without a short hold on a value
    named last, the agent answered before the first digit group (seen at a 0.15 s VAD
    silence in tests/test_call_pipeline.py's phone call)."""
    settings = scripted_settings(latency={"max_endpointing_delay": 0.3, "turn_dictation_hold": 1.0})
    async with voice_call(ScriptedLLM(responder=_answer_once), settings=settings) as call:
        await call.voice.say(
            "Could you send a text to my mobile.", "415.", "555.", "2671.", pause=0.25
        )
        await call.reply(1)

        assert len(call.said("user")) == 1
        assert "[PHONE_1]" in call.said("user")[0]
        assert call.said("assistant") == ["Thanks, got it."]
