"""Holding a turn committed while the STT still owed words: at most once in a row, never
for a flag gone stale, and the held text always reaches the LLM with the next turn."""

from __future__ import annotations

import time

import pytest
from livekit.agents import llm

from worker.turns.turn_hold import TurnHold
from worker.turns.turn_judge import RawTurnText

pytestmark = pytest.mark.unit


def _message(text: str) -> llm.ChatMessage:
    return llm.ChatMessage(role="user", content=[text])


def test_a_held_turn_goes_with_the_next_and_is_held_only_once() -> None:
    stt = RawTurnText()
    hold = TurnHold(stt)
    stt.speech_started()  # the second breath: heard, not finalized
    assert hold.should_hold(_message("Hi there."))
    # Still owed (the STT never cleared it): answered anyway, with both parts.
    second = _message("I have a question about my bill.")
    assert not hold.should_hold(second)
    assert second.text_content == "Hi there. I have a question about my bill."


def test_nothing_owed_or_owed_too_long_is_answered_at_once() -> None:
    stt = RawTurnText()
    hold = TurnHold(stt)
    first = _message("Hi there.")
    assert not hold.should_hold(first)
    assert first.text_content == "Hi there."
    stt.speech_started()
    stt.awaiting_since = time.time() - 6.0
    assert not hold.should_hold(_message("Hello?"))
