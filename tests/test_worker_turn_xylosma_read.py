"""Rules from reading issue 27's xylosma corpus.

Answered promptly: a possessive before "number" ("Use my son's number.") names whose
number, where "It's number." still waits for it; and "that" after a verb that takes a
thing ("I don't think we need that.") is the thing, where "I think that." still waits
for its clause.

Held: groups read off a form after "It says" ("It says 0161. 496."), and the first letters
of a number printed on a pass or ticket said after its name ("Season ticket KT.").
"""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Use my son's number.", "What's the best number to call you on?"),
        ("I don't think we need that.", "We also offer a gift-wrapping service."),
        ("We'll take that.", "The next slot is Tuesday at ten."),
    ],
)
def test_answered_in_the_short_delay(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "final", verdict.reason


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It's number.", "Which house is it?"),
        ("I think that.", "What would you like to do?"),
    ],
)
def test_the_rest_of_the_sentence_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "unfinished"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It says 0113. 496.", "Is there a number on the letter we can use?"),
        ("Gym pass GT.", "Have you got the gym pass number?"),
    ],
)
def test_the_rest_of_the_value_is_waited_for(said: str, agent: str) -> None:
    # The value hold, not the short hold of a bare answer.
    verdict = judge_turn(said, agent)
    assert verdict.state != "final"
    assert verdict.reason not in ("short_turn", "short_answer"), verdict.reason
