"""Kinds of error read from the twenty-ninth PII corpus's leaks: an identifier's letter
asked for on its own after its digits ("And the letter at the end?"), a DNI's "letter Z"
after its digits, a one-time code read in three groups after the agent's "Mhm.", a
street ending in "View" or "Vale" given after its house number, a router's key read "off
the sticker"; and what stays: a four-digit code said whole still ends the question when
the agent asks something else."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_an_identifiers_letter_asked_for_on_its_own() -> None:
    said = redacted_text(
        ("a", "And your National Insurance number?"),
        ("c", "J G. 10 33 27."),
        ("a", "And the last letter?"),
        ("c", "C for Charlie."),
    )
    assert "C for Charlie" not in said


def test_a_dni_letter_after_its_digits() -> None:
    said = redacted_text(("a", "And the DNI, please?"), ("c", "87654321, letter X."))
    assert "letter X" not in said


def test_a_code_read_in_three_groups() -> None:
    said = redacted_text(
        ("a", "Read me the code as soon as it comes."),
        ("c", "Right, 71."),
        ("a", "Mhm."),
        ("c", "4 4."),
        ("a", "Mhm."),
        ("c", "06."),
    )
    assert "71" not in said and "4 4" not in said and "06" not in said


def test_a_street_ending_in_view_after_its_number() -> None:
    said = redacted_text(
        ("a", "What's the address for the delivery?"),
        ("c", "It's 27."),
        ("a", "Mhm."),
        ("c", "Castle View."),
    )
    assert "Castle View" not in said


def test_a_router_key_read_off_the_sticker() -> None:
    said = redacted_text(
        ("a", "Have you tried reconnecting?"),
        ("c", "Yes, I type the key from the router, it's h 4 t 9 w 2, and nothing."),
    )
    assert "h 4 t 9 w 2" not in said
    assert "and nothing" in said


def test_a_four_digit_code_then_a_new_question() -> None:
    said = redacted_text(
        ("a", "What's the code we texted you?"),
        ("c", "5817."),
        ("a", "Thanks. How many people are travelling?"),
        ("c", "2 adults."),
    )
    assert "5817" not in said
    assert "2 adults" in said
