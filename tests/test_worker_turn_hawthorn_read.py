"""Rules from reading issue 27's hawthorn corpus: where a value is written, said with
its owner ("Her policy number is at the bottom of the page.") or "on the top of" a bill;
an ISBN is a reference of thirteen digits; "Please wait." holds the floor; a card's
"good thru" is a label read off it; "Someone has." to "What happened?" owes its verb.
And what stays whole: "Wait, please." to an offer of waiting, "Nobody has." to a
question that gives the verb, and a purse left in the other room."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Her policy number is at the bottom of the page.", "Do you have her policy number?"),
        ("It's on the top of the invoice.", "What's the order number?"),
        ("It's on the back cover.", "Could I have the ISBN?"),
        ("978014044913.", "What's the ISBN?"),
        ("I'm getting on fine. Please wait. My tutor is calling.", "How's the course going?"),
        ("Okay. It says good thru.", "And the expiry date on the card?"),
        ("Someone had.", "What went wrong with the deposit?"),
        ("They have.", "Why is the meter reading so high?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("9780140449136.", "What's the ISBN?"),
        ("Wait, please.", "Shall the driver wait for you, or drop you off?"),
        ("Nobody has.", "Has anyone been to fix the fence?"),
        ("Somebody has.", "Who has a key to the flat?"),
        ("Hang on, my wallet is upstairs.", "Can I take a card for the deposit?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished", verdict.reason
