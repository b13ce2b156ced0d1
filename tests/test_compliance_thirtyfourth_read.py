"""Kinds of error read from the thirty-fourth PII corpus's leaks: a security question
about where the caller's parents were married, and a password read off a label ("The
password on the label reads ..."). What stays: emergency and public service numbers the
caller rang ("I rang 999"), and what a password screen says when it is no password."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_where_the_parents_were_married_is_a_security_question() -> None:
    out = redacted_text(
        ("a", "Which town were your grandparents married in?"),
        ("c", "Galway. Well, just outside Galway."),
    )
    assert "Galway" not in out


@pytest.mark.parametrize(
    "said",
    [
        "The password on the label reads Plum7Tree.",
        "The password on the back says code colon Hx7-Pq2-Zr.",
    ],
)
def test_a_password_read_off_a_label(said: str) -> None:
    out = redacted_text(("a", "What seems to be the problem with the hub?"), ("c", said))
    assert "Plum7Tree" not in out and "Hx7" not in out


def test_what_a_password_screen_says_stays() -> None:
    said = "The password box says incorrect every time."
    out = redacted_text(("a", "What happens when you log in?"), ("c", said))
    assert out == said


@pytest.mark.parametrize(
    "said",
    [
        "I called 911 first, then 311 the day after.",
        "I rang 999 when the smoke started, then 101 the next morning.",
    ],
)
def test_emergency_and_public_service_numbers_stay(said: str) -> None:
    out = redacted_text(("a", "Did anyone ring you about it?"), ("c", said))
    assert out == said


def test_a_phone_number_ending_in_999_is_still_a_phone_number() -> None:
    out = redacted_text(("a", "What's the best number to reach you?"), ("c", "020 7946 0999."))
    assert "0999" not in out and "7946" not in out
