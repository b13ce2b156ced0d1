"""Rules from reading issue 27's yew corpus: a value described before it is read ("it's
this long one", "there's such a long number on the card"), "What was the word?" asked
of oneself, "..., but only.", a hedge alone to a how-much question, "first, then.", "he
will get.", and what is whole: "There isn't one on it." (nothing to read) and "or do I
have to?" (the verb said before)."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("The membership one, it's this long one.", "What's your membership number?"),
        ("There's such a long number on the card.", "What's the number on your card?"),
        ("He said it was. What was the word?", "What did the engineer say?"),
        ("It's the blue one, but only.", "Which form do you need?"),
        ("Perhaps.", "How many tickets do you need?"),
        ("The bath drained first, then.", "Which one blocked first?"),
        ("She said we will get.", "What refund were you promised?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("There isn't one on it, only a reference.", "What's the account number on the bill?"),
        ("Okay. Will you book the van, or do I need to?", "The sofa needs a van to move it."),
        ("Perhaps.", "Would you like a receipt?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished", verdict.reason
