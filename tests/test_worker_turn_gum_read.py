"""Rules from reading issue 27's gum corpus: a code's first letters read off a page ("It
says Q."), a flat's number when the property was asked, "passed away on" owing its day, a
contrast's subject after "but", a word searched for after "a bit like", a date asked as
"And the date ...?", and a postcode described before it is read."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It's on the booking. It says KX.", "Have you got the booking reference?"),
        ("We're in flat 9.", "Which property is it about?"),
        ("She passed away on.", "Can you tell me a bit about what happened?"),
        ("The hot tap works, but the cold.", "What's the problem with the taps?"),
        ("It sounds like.", "What kind of noise is it making?"),
        ("The 3rd.", "And the date of the move?"),
        ("It's a Dutch postcode.", "What's the postcode there?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It says OK.", "Does the screen say anything?"),
        ("3.", "How many bedrooms does the property have?"),
        ("She passed it on to her daughter.", "What happened to the ring?"),
        ("The hot tap works, but the cold one doesn't.", "What's the problem with the taps?"),
        ("I'd like it.", "Would you like a copy of the report?"),
    ],
)
def test_the_same_words_closing_a_sentence_do_not_hold(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"
