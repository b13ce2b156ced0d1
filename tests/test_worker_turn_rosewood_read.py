"""Rules from reading issue 27's rosewood corpus: a word that is one of the agent's own
choices is an answer, not a label read before its number ("Flat." to "Flat or crown
green?"); "Yes. There's a reference at the top." answers whether there is one; and a
number read off the paper in hand ("The number on here is 0114.")."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("The number on here is 0161.", "What number is on your tenancy agreement?"),
        ("The number on it is 020.", "Is there a contact on the tenancy agreement?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Room.", "Which did you book, the room or the suite?"),
        ("Yes, there's a reference in the corner of the letter.", "Is there a reference on it?"),
        ("No, there's a number but it's smudged.", "Was there a number on the receipt?"),
    ],
)
def test_answered_in_the_short_delay(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "final", verdict.reason


def test_a_label_said_alone_still_waits_for_its_number() -> None:
    assert judge_turn("Flat.", "What's the address?").state != "final"
