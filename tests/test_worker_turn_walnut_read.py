"""Rules from reading issue 27's walnut corpus: going to find the value ("It's jotted
down somewhere.", "Where's my handbag?", "Let me fetch the step ladder.", "I'll need my
reading glasses.", "I can barely read it."), a number described before it is read ("It's
an Irish number as I'm over here."), an estimate begun ("It'll be roughly."), "set 1 up"
as the STT writes "set one up", a code's joining symbol said alone ("Slash."), and a
phone number begun after "ask for ... on"."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I have one. It's jotted down somewhere.", "Could I take the claim reference?"),
        ("Hang on. Where's my handbag?", "Can I have your membership number?"),
        ("It's on the boiler. Let me fetch the step ladder.", "Is there a serial number?"),
        ("I'll need my reading glasses.", "What's the number on the meter?"),
        ("It's an Irish number as I'm over here.", "And a number to reach you on?"),
        ("It'll be roughly.", "How many people are coming?"),
        ("My daughter set 1 up.", "Have you got an email address?"),
        ("Oh, I can barely read it.", "What's the code on the back?"),
        ("It says HX. Slash.", "What's the reference on the letter?"),
        ("Ask for Sue on 0117.", "Who should the driver ask for, and on what number?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Where's my order?", "How can I help?"),
        ("It'll be roughly the same as last year.", "How many people are coming?"),
        ("Ask for Sue at reception.", "Who should the driver ask for?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "final", verdict.reason
