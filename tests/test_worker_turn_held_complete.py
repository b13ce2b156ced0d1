"""Complete turns the judge held past 400 ms on corpora read earlier (hazel's and
orchard's, issue 27's complete-turn target): a question whose wh-word is its
preposition's object, "didn't catch that", and a date given with the day left out."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Which forms do I need to send off for?", "Some of the permits are free."),
        ("Who would I have to speak to?", "That team deals with refunds."),
        ("Sorry, I didn't catch that.", "Your parcel is due back on the ninth."),
        ("Any weekday except Friday.", "When would suit you for the visit?"),
        ("Any time next month apart from the 3rd.", "When can the engineer come?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "final", verdict.reason


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Is there a way to talk to?", "How can I help?"),
        ("Any weekday except.", "When would suit you for the visit?"),
    ],
)
def test_still_open(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"
