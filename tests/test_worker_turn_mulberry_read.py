"""Rules from reading issue 27's mulberry corpus: "I'll read you what it says on the
tin.", the caller's own label for the value asked ("My member number.", "Account
number." to a customer-number question), "The trouble is that if ..." with its main
clause still to come, a measure before its noun ("a 12 foot."), "it's got these.", a
denial's predicate owed ("The boiler is not."), "the Amex ending." before its digits.
What stays whole: "The account number." to a question asking which, "a 50-seater", "a
2 bed", and a question "Is that before or after ...?"."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Okay, I'll read out what it says on the tin.", "Which paint did you buy?"),
        ("My booking number.", "Do you have the reservation reference?"),
        ("Policy number.", "Have you got your membership number handy?"),
        ("The trouble is that if I leave it running overnight.", "What's wrong with it?"),
        ("It's a 12 foot.", "What size is the trailer?"),
        ("The car has got these.", "What's the damage like?"),
        ("The boiler is not.", "What's the issue with the heating?"),
        ("Use the Amex ending.", "How would you like to pay?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("The account number.", "Which number would you like to change?"),
        ("I'd like a quote for a 50-seater.", "Coach hire, how can I help?"),
        ("It's a 2 bed.", "How big is the flat?"),
        ("Is that before or after the bridge?", "Park on the lower level."),
        ("It is not.", "Is the gate locked?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished", verdict.reason
