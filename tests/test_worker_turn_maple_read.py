"""Rules from reading issue 27's maple corpus: a label read where it sits on the page
("Up in the corner, it says quote number."), where it is on "a" something and "Got it."
to a question for a value, the label said back with where it is ("The little number on
the back."), "are already." with its complement owed, and how a value is written ("All
one word.") in the middle of it."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        (
            "Right. Down at the bottom, it says booking reference.",
            "Is there a reference on the email?",
        ),
        ("It's on a sticky note here somewhere.", "What's your membership number?"),
        ("It's in the drawer. Right, I've got it now.", "What's the policy number?"),
        ("The long number on the front.", "And the card number on the front?"),
        ("The tiles you fitted are already.", "What's gone wrong?"),
        ("Fernhill Farm. No spaces.", "Where should we send the invitation?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Got it, thanks.", "Your appointment is at three on Friday."),
        ("They are already.", "Are the tiles paid for?"),
        ("The one on the back.", "Which side is the damage on?"),
    ],
)
def test_the_same_words_as_a_whole_answer_are_not_held_open(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "unfinished"
