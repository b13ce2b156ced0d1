"""Rules from reading issue 27's nutmeg corpus: a caller with someone's folder or card in
hand ("I've got her card here."), "Right then, where's my purse?" asked of oneself, going
out or upstairs to look, and a question for a value followed by why it is asked ("We need
to check you're over eighteen."), which still asks for it."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I've got her card here.", "Do you have her membership number?"),
        ("Right then, where's my purse?", "Can I take the card number?"),
        ("I'll go upstairs and check the letter.", "What's the reference on the letter?"),
        ("14.", "What's your date of birth? We need to check you're over 18."),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Yes, I've got my card here.", "Will you be paying by card today?"),
        ("Yes.", "Are you the account holder? We need to check before we go on."),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished", verdict.reason
