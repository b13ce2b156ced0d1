"""Rules from reading issue 27's pine corpus: going to open the app ("Let me just open
it."), "I'll have to read it off the ...", "...gave me." with what was given owed, a
preposition left after "but we need to stop at" (no noun before a clause there), "they
kind of.", "He's always loved.", "what are they called?" asked of oneself, an ABN asked
for, and pieces of an e-mail address with digits ("Jack and Emily 24.", "The number
3.")."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It's in my account. Let me just load it.", "What's your customer number?"),
        ("I'll need to read it off the certificate.", "What's the serial number?"),
        ("We went to the counter and the man sold us.", "What happened?"),
        ("To the station, but we need to stop at.", "Where to?"),
        ("The lid on the bin, they kind of.", "What's the problem with it?"),
        ("It's for my mum. She's always liked.", "Who is the gift for?"),
        ("I need two bags of the. Oh, what were they called?", "What would you like?"),
        ("62.", "And the ABN for the business?"),
        ("It's our family one. Smith and Jones 7.", "Can I take an email address?"),
        ("Team of 5. The number 5.", "What's the email for the booking?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("He told me.", "Who gave you this number?"),
        ("Yeah, kind of.", "Is it working now?"),
        ("The hotel we're staying at.", "Where should the driver go?"),
        ("She's always loved it.", "Is the gift for your mum?"),
    ],
)
def test_the_same_words_said_whole_are_answered(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "unfinished"
