"""Rules from reading issue 27's cedar corpus: a label echoed with where it is ("The long
number on the bill."), an address's first part as two words joined by a dot, what
someone said still to come, a trip still to be placed, and "a number" asked for as a
phone number."""

from __future__ import annotations

import pytest

from worker.turns.dictation import asked_for
from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Right. The reference number on the letter.", "Can you read me the reference number?"),
        ("It's jo.marsh.", "Where should we send the receipt?"),
        ("I rang last week, and the engineer said.", "What's happened since?"),
        ("We're planning on travelling.", "When would you like to go?"),
        ("The home number is 0161.", "Can I get a number for you?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("That's what the engineer said.", "Did they say why?"),
        ("Just as my GP said.", "So it got worse?"),
        ("It's example.com.", "What's the website?"),
        ("It's www.example.org.", "Which website did you use?"),
        # Which the author of one corpus hears as whole and another as going on: left whole.
        ("It's the same as the billing address.", "What's the postcode for the delivery?"),
    ],
)
def test_the_same_words_closing_a_sentence_do_not_hold(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


def test_a_number_asked_for_by_itself_is_a_phone_number() -> None:
    assert asked_for("Can I take a number for the family?") == ("phone", None)
    assert asked_for("Could I have your number, please?") == ("phone", None)
    assert asked_for("Can I take your order number?") == ("reference", None)
