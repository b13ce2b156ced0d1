"""Rules from reading issue 27's tamarack corpus: "I've got it here somewhere.", "I
wrote it down in my book.", a hedge with its figure owed ("We were thinking maybe."),
"...is making." with its noise owed, a phone number begun after "that's me on", a hedge
to an either-or question, a label owed its letter ("We're in zone."); and what is whole:
a verb and its particle at the end of a question ("do I have to come in?"), "right
outside", and a greeting card's message."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I've got it in here somewhere.", "Do you have the reference handy?"),
        ("I jotted it down on the calendar.", "What's the booking number?"),
        ("We were thinking perhaps.", "How many guests will there be?"),
        ("The fridge keeps making.", "What's wrong with the fridge?"),
        ("Yeah, that's me on 07.", "Who should the driver ask for on the day?"),
        ("You can catch me on 617.", "Who will be at home for the fitter?"),
        ("I guess.", "Do you want the morning slot or the afternoon one?"),
        ("We're in row.", "Where are your seats?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Or would it be easier for me to pop in?", "The part has arrived."),
        ("Is it better to call back?", "They're closed for lunch."),
        ("The van's parked right outside.", "Where's the van?"),
        ("Just write happy birthday from all of us.", "What should the card say?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "final", verdict.reason
