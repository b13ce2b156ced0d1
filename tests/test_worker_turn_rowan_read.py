"""Rules from reading issue 27's rowan corpus: going to find where a value is written
("Let me find the email they sent.", "I'll need to go and look.", "I'm at the boiler
now."), "I will read it off the ...", a denied verb still to come ("The lid, it will
not."), "there's this" before what it points at, "last Thursday" as a whole date, a
caller doubting the date just given ("Or was it the Monday?"), a caller who says they do
not know the value, and "under my ... name" as whose account, not where to look."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Let me find the email they sent me.", "Could I have the booking reference?"),
        ("I'll need to go and have a look.", "What's the make of the boiler?"),
        ("Okay, I'm by the boiler now.", "What's the model number on the boiler?"),
        ("I will read it off the letter.", "What's the claim number?"),
        ("The back door, it will not.", "What's wrong with the door?"),
        ("The bathroom, it cannot.", "What's the issue with the extractor?"),
        ("Yes, and now there's this.", "Is the printer still jamming?"),
        ("The 3rd. Or was it the 4th?", "What day was the delivery?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # Said to a yes/no question, or to "who", the denied verb is the question's.
        ("No, it does not.", "Does the heating come on at all?"),
        ("My brother does not.", "Who has the spare key?"),
        # Going to look, when no value was asked for, may end the turn.
        ("Let me just go and check.", "Is the router switched on?"),
        ("I'm in the garden now.", "How can I help?"),
        # A whole date, hedged.
        ("The plumber came last Thursday, I think.", "When did the plumber come?"),
        # No value to give.
        ("It's a loan car, so I don't know the registration.", "What's the registration?"),
        # Whose account, not where to read it.
        ("It's under my husband's name.", "What's the account number?"),
        ("There's this one and that one.", "Which ones do you want?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"
