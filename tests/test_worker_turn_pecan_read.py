"""Rules from reading issue 27's pecan corpus: "The thing is, ..." is a sentence of its own,
not a relative clause, so a preposition left at its end is left open; an auxiliary and
"never" after "and" or "but" owe their verb; a number's first group after "The number's";
and "Where should it be emailed?" asks for an e-mail address."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("The thing is, I'm quite worried about.", "Anything on your mind before the surgery?"),
        ("The problem was, she got really anxious about.", "How did the last visit go?"),
        ("It worked last week, and it's never.", "Has it given you trouble before?"),
        ("The number's 0161.", "Is there anyone at the site office we can ring?"),
        ("It's bookings.", "Where should the confirmation be emailed?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # A relative clause's preposition still takes the noun before it as its object.
        ("It's the price they told me about.", "How can I help?"),
        ("No, never.", "Has it happened before?"),
        ("It's bookings at example.com.", "Where should the confirmation be emailed?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished", verdict.reason
