"""Rules from reading issue 27's dogwood corpus: a number asked for as the one to call
on, a caller's "ring me on", a value's name said to be written somewhere, a date asked
for with "tell me the date", and a condition after a request ("...if we can.") that
closes the sentence."""

from __future__ import annotations

import pytest

from worker.turns.dictation import asked_for
from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Ring me on 0161.", "How can I help?"),
        ("Best to text me on 07700. 900.", "Anything else?"),
        ("It's 212.", "Which number is easiest for us to ring you on?"),
        ("Our reference is printed at the top of the statement.", "Do you have the reference?"),
        ("It happened on.", "Could you give me the date of the accident?"),
        ("I was asking if you could.", "What can I do for you?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Ring me on Thursday.", "How can I help?"),
        ("Please send it first class if you could.", "How should we post it?"),
        ("Yes, if they can.", "Shall we ask the engineer to call first?"),
        ("My reference is printed in the corner, but I can't read it.", "The reference?"),
        ("It happened on the motorway.", "Where did it happen?"),
    ],
)
def test_the_same_words_closing_a_sentence_do_not_hold(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


def test_the_number_to_be_called_on_is_a_phone_number() -> None:
    assert asked_for("Which number would be best for us to call you on?") == ("phone", None)
    assert asked_for("What time would be best for us to call you?") is None


def test_a_phone_number_read_after_ring_me_on_is_whole_at_its_length() -> None:
    said = "You can ring me on 312. 555. 0148."
    verdict = judge_turn(said, "How can we reach you?")
    assert verdict.state == "final"
    assert verdict.dictation is not None and verdict.dictation.kind == "phone"
