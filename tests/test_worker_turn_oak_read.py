"""Rules from reading issue 27's oak corpus: the agent's question before a remark on it
("When did you buy it? It affects the warranty."), where a value is after "Have you got
a ... number?", "It's got a name.", a value read off ("It says 205.") to a question for a
size or a number, "Oh, dear." while finding a word, a question to someone in the room
("..., babe?"), "..., but not.", "..., but that was.", ", so if nobody answers.", a
change of state left on "very", and "near." after a place."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Yes. It's in my folder.", "Have you got a certificate number from the course?"),
        ("It doesn't have a number. It's got a name.", "What's the house number?"),
        ("Right. It says 40.", "What size filter does it take?"),
        ("It's the one that starts with a. Oh, gosh.", "Which inhaler do you use?"),
        ("What was the date, hun?", "When did it arrive?"),
        ("At the back, but not.", "Where should we leave it?"),
        ("We tried once, but it was.", "Have you had it serviced before?"),
        ("I'm out till six, so if the driver comes early.", "Will anyone be home?"),
        ("His face went really.", "What happened when he fell?"),
        ("We're parked by the church near.", "Where are you?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


def test_a_question_before_a_remark_on_it_is_still_the_question() -> None:
    # "It was." to a when-question: the time is next, waited for as after "um" (not the
    # short wait after a bare short answer).
    said, agent = "It was.", "When did you order the part? It matters for the refund."
    assert judge_turn(said, agent).state == "unfinished"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It's fairly near.", "Is the depot far from you?"),
        ("No, it's got a number, 14.", "Does the house have a name?"),
        ("It says 205 pounds.", "How much was the bill?"),
        ("Yes, but not often.", "Do you use the app?"),
        ("The 3rd of March.", "When did you order the part? It matters for the refund."),
    ],
)
def test_the_same_shapes_said_whole_are_answered(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "unfinished"
