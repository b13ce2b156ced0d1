"""Rules from reading issue 27's viburnum corpus: a question cut after a word that opens a
clause ("Do you know if?"), "the one called" with its name still to come, a time of day
left open after "around" or "by" in answer to "what time", and the first of two dates
asked for when the question names them apart ("What are your collection and return
dates?")."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Do you know if?", "Is there anything else?"),
        ("Could you let me know if?", "Anything else I can help with?"),
        ("We had the one called.", "Which room did you have?"),
        ("Maybe around.", "What time can you get here?"),
        ("Collecting on the 3rd of June.", "What are your collection and return dates?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Can you come by?", "Is there anything else?"),
        ("Around 4.", "What time can you get here?"),
        ("The one called Heron.", "Which room did you have?"),
        (
            "Collecting on the 3rd of June and back on the 10th.",
            "What are your collection and return dates?",
        ),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "final", verdict.reason
