"""Rules from reading issue 27's linden corpus: a value read off as "it looks like 18",
a word searched for by describing it ("How do you say, the thing you hang washing on?"),
"...and said." owing what was said, "I want to say." before the value, a caller going
to check where the value is ("I'll check my phone."), and a "work line" that names a
phone number. What stays whole: "I'll check my email." said back to a remark that asks for
no value."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It looks like 29.", "Is there a model number on the side?"),
        ("It's to buy the. How do you say, the thing you hang washing on?", "What's it for?"),
        ("The plumber came round and said.", "What happened with the leak?"),
        ("I want to say.", "How long have you had the scooter?"),
        ("Hmm. I'll have a look on the letter.", "What's your customer number?"),
        ("My office line is 212.", "Is there another number we could try?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I'll check my email.", "I've sent the tickets over now."),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished", verdict.reason
