"""A noun still to come: an adjective after its article, or a place held with no article
(from issue 27's orchard corpus, read)."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I booked the wrong.", "What's the issue with your booking?"),
        ("It's the wrong.", "What's the reason for the return?"),
        ("They sent me a different.", "What's gone wrong?"),
        ("I was charged the full.", "How can I help?"),
    ],
)
def test_an_adjective_after_its_article_waits_for_its_noun(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "unfinished"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I have plot.", "Which plot is yours?"),
        ("We rent pitch.", "Where are you staying on the site?"),
    ],
)
def test_a_place_held_with_no_article_waits_for_its_number(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It was the wrong one.", "What happened?"),
        ("That is the same.", "Is the address still the same?"),
        ("Does that include the hygienist, or is that separate?", "It covers two check-ups."),
        ("I have room.", "Can you fit one more in?"),
        ("I rent a plot.", "How can I help?"),
    ],
)
def test_a_noun_said_or_not_needed_is_answered(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"
