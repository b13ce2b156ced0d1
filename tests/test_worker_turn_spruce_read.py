"""Rules from reading issue 27's spruce corpus: "She really likes." with what she likes
owed, "How to say?" asked of oneself, "It's my son's email." said to an offer to e-mail
(the address next), a clause's subject said alone after "..., the." (its verb next), and
a day said in words ("The second, I think.") to a date question."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("She really enjoys.", "What flavour should the cake be?"),
        ("He always loves.", "What does your dad enjoy doing?"),
        ("The washer, it makes. How to say?", "What's the problem with it?"),
        ("Yes, please. It's my wife's email.", "Would you like the tickets emailed to you?"),
        ("The lift was fixed, but since Monday, the. The button panel.", "What's wrong?"),
        ("It came on. The third, I think.", "When did the parcel arrive?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("They really like it.", "How are the kids finding the new school?"),
        ("Yes. It's my wife's email.", "Would you like a receipt?"),
        ("We need a quote for. The back fence.", "What can I do for you?"),
        ("Last Friday, the. The 9th.", "When did it happen?"),
        ("The third, I think.", "Which of the three options suits you?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished", verdict.reason
