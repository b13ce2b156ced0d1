"""A caller about to read something out, as the turn judge hears it (from issue 27's
orchard corpus, read)."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # A reading verb with where it reads, and not yet what: held whatever was asked.
        ("It says on the sticker.", "Do you know when the boiler was installed?"),
        ("Um, it says here.", "What does the letter say?"),
        ("The label says on the back.", "What model is it?"),
        # Where the value is, the card named in three words.
        ("It's on the old green card.", "What's your society membership number?"),
        # "Like Quebec.": the letter just said, told apart.
        ("Yes, it is Q. Like Quebec.", "Can you give me the booking reference?"),
    ],
)
def test_a_caller_about_to_read_is_held(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It says on the website that it's free.", "How can I help?"),
        ("I like Lima.", "Where would you like to fly to?"),
        ("It's on the old green card, but I've lost it.", "What's your membership number?"),
    ],
)
def test_what_was_read_or_no_reading_is_answered(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"
