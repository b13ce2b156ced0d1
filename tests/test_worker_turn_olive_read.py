"""Rules from reading issue 27's olive corpus: a yes or no with the question's verb echoed
("We do, yeah.") waits the comma's breath a bare "Yes." waits; a name searched for in
memory after a sentence left open ("It was sold to us by. Um, what's the name?"); and an
e-mail address's domain said in words after an "at" that ended its sentence ("Info at.
Brook Lane Stables."), to a question about where to send something, or after an initial
and "dot" ("J. Dot Patel.")."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("We do, yeah.", "Do you still have the original receipt?"),
        ("No, I haven't.", "Have you had a service this year?"),
        ("It was sold to us by. Um, what's the name?", "Who supplied the boiler?"),
        ("She was looked after by. What was her name?", "Who was the nurse on the ward?"),
        ("Info at. Brook Lane Stables.", "Where should we send the invoice?"),
        ("To accounts at. Hill and Dale Farm.", "Where should the paperwork go?"),
        # An initial said alone, then "dot" and the surname: an address's first part.
        ("J. Dot Patel.", "Where should we send the receipt?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # The echoed answer is held only for the comma's breath, never as unfinished.
        ("Yes, it is.", "Is this the address on the account?"),
        # A name searched for after a finished sentence, or asked of the agent.
        ("Thanks. What was the name again?", "Your engineer is booked for Tuesday."),
        ("It was sold to us by. Um, what's the name? Coldwell's.", "Who supplied the boiler?"),
        # The domain's dot and ending said; an "at" that is a place, not an address.
        ("Info at. Brook Lane Stables. Dot example.co.uk.", "Where should we send the invoice?"),
        ("We're at. The services at junction 4.", "Where are you at the moment?"),
        ("The one at. The big supermarket on the ring road.", "Which locker did you use?"),
        ("To the station, but I need to stop at. The bank first.", "Where are you heading?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished", verdict.reason


def test_the_echoed_answer_waits_the_short_hold_not_the_value_hold() -> None:
    verdict = judge_turn("We do, yeah.", "Do you still have the original receipt?")
    assert (verdict.state, verdict.reason) == ("maybe", "short_turn")
