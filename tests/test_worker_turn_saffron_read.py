"""Rules from reading issue 27's saffron corpus: someone's number given by its label and
only its first group ("My sister's number is 0117."), a person to ring "on" a trunk
prefix ("It's Priya on 0113."), a value read off a screen with "it says" and no "here",
and a licence number asked for and begun with its letters."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("My sister's number is 0117.", "Is there anyone else we can call?"),
        ("Her number is 028.", "Who looks after the keys?"),
        ("It's Priya on 0113.", "Who's the best person to speak to at the depot?"),
        ("That's Mr Evans on 01632.", "Who manages the site?"),
        ("It says grey heron.", "What's the email address on the booking?"),
    ],
)
def test_the_rest_of_the_value_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


def test_a_licence_number_begun_with_its_letters_is_dictation() -> None:
    verdict = judge_turn("It's KJ.", "Can I take the operator's licence number?")
    assert verdict.state == "unfinished", verdict.reason


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # A place "on" something, not a person on a number.
        ("It's on platform 2.", "Where does the train leave from?"),
        ("The room number is 104.", "Which room are you in?"),
        ("No, I left it at home.", "Do you have your licence number to hand?"),
    ],
)
def test_answered_without_the_value_hold(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished", verdict.reason
