"""Rules from reading issue 27's fir corpus: going to look after a comma ("..., hold
on."), which document the caller has ("the card the man left"), where on it the value
is ("up in the corner"), what a document said, a place owed after "put it", "went to"
after "yes", a number described before it is read ("a US number"), a request put as "I
just need", a hospital number, a value asked for after "If so", and "It's now."."""

from __future__ import annotations

import pytest

from worker.turns.dictation import asked_for
from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It's in my other bag, one sec.", "Can you read me the booking reference?"),
        ("I've got the letter they sent me.", "Do you have the claim number?"),
        ("It's down at the bottom of the page.", "Is there a reference on the invoice?"),
        ("My bank statement said.", "How much was taken?"),
        ("Could you pop it.", "Where shall I leave the parcel?"),
        ("Yeah, we went to.", "Have you been abroad this year?"),
        ("Yes, it's a French number.", "What's the best number to call you on?"),
        ("Patient number A.", "Do you know your patient number?"),
        ("Yes, I do.", "Do you have a loyalty card? If so, what's the number on it?"),
        ("It's changed, it's now.", "Is the email still jo at example dot com?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Yes, we went to the one in town.", "Have you been to a branch?"),
        ("That's what my bank statement said.", "So the payment went out twice?"),
        ("Put it in the recycling.", "What should I do with the old one?"),
        ("No, I don't have one.", "Do you have a loyalty card? If so, what's the number on it?"),
        ("It's a French number, is that okay?", "What's the best number to call you on?"),
    ],
)
def test_the_same_words_closing_a_sentence_do_not_hold(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


def test_a_request_put_as_a_need_asks_for_the_value() -> None:
    assert asked_for("And I just need the expiry and the three digit code.") is not None
    assert asked_for("I also need your postcode.") == ("zip", None)
