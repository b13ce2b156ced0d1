"""Rules from reading issue 27's quince corpus: an Australian state named to a postcode
question ("It's in Western Australia."), its four digits next; "I think this is it." when a
reference is asked for, the paper found and the value read next; and the label a
document prints, read off it ("The form says case number.")."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It's in Western Australia.", "And the postcode for the delivery in Perth?"),
        ("Oh, it's the Northern Territory.", "What postcode is the property?"),
        ("Right, I think this is it.", "Have you got the reference number from the letter?"),
        ("The form says case number.", "Do you have the case number from the tribunal?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Victoria, please.", "Which station would you like to travel from?"),
        ("I think this is it, thanks for your help.", "Is there anything else?"),
        ("The letter says I owe 40 pounds.", "How can I help?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished", verdict.reason
