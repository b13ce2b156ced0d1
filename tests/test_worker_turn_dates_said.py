"""Dates as callers say them, as the turn judge hears them (from issue 27's orchard
corpus, read, and call-centre practice)."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # A date asked for: the month and year said, the day not yet.
        ("2025. October.", "What date did the extra charges start?"),
        ("October 2025.", "Which date was the payment taken?"),
        # One date of the two asked for.
        ("The 22nd.", "What dates do you need the parking for?"),
        # "Starting." to a "when": the time is next.
        ("Starting.", "When would you like the monthly gift to start?"),
        ("Beginning.", "When do you want the cover to start?"),
        ("Summer of.", "When did you graduate?"),
        # A weekday beside its day of the month: in the corpora read, 5 of 36 such turns
        # went on (the month, a time, a correction), so it waits like any date fragment.
        ("Tuesday the 9th.", "What day was the delivery?"),
        ("Last. Thursday, the 9th.", "Which collection day was missed?"),
    ],
)
def test_a_date_not_yet_whole_is_held(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("2025. October. 3.", "What date did the extra charges start?"),
        # "When" takes a month: only "what date" asks for the day.
        ("October 2025.", "When did the charges start?"),
        # A year said as "of 98" or "this year".
        ("Summer of. 98.", "When did you graduate?"),
        ("The 2nd of January this year.", "When did the incident happen?"),
        # Two dates for the two asked for.
        ("The 22nd. Back on the 30th.", "What dates do you need the parking for?"),
    ],
)
def test_a_whole_date_is_answered(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"
