"""Rules from reading issue 27's hazel corpus: going to look ("I'll just pull up the
confirmation."), where under something the value is ("underneath the seat"), "..., and I
just." owing its verb, and a label's first letter read ("Job number J.")."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I'll just look up the email.", "What's the booking reference?"),
        ("It's behind the panel.", "Is there a serial number on it?"),
        ("It's been a hard week, and we just.", "How can I help?"),
        ("Booking number K.", "Do you have the booking number?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I looked up the email and it's not there.", "Did you get the confirmation?"),
        ("It's behind the panel, I can't reach it.", "Is there a serial number on it?"),
        ("Number I, I think.", "Which option did you pick?"),
    ],
)
def test_the_same_words_closing_a_sentence_do_not_hold(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"
