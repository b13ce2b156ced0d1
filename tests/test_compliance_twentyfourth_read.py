"""Kinds of error read from the twenty-fourth PII corpus's leaks: an address given line by
line through the agent's "Mhm." after its first line was whole, a house number said again
on its own, a licence number "wrong" on a booking, a PIN keyed in instead of the one given;
and what stays, a meter reading said after an account number."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_an_address_given_line_by_line() -> None:
    said = redacted_text(
        ("a", "What's your address?"),
        ("c", "It's Rose Farm."),
        ("a", "Mhm."),
        ("c", "Mill Road. Great Snoring."),
    )
    assert "Rose Farm" not in said and "Mill Road" not in said


def test_a_house_number_said_again_alone() -> None:
    said = redacted_text(
        ("a", "House number and street?"), ("c", "Number forty-one, Elm Drive. Forty-one.")
    )
    assert "forty-one" not in said.lower()


def test_a_licence_number_wrong_on_a_booking() -> None:
    said = redacted_text(
        ("a", "How can I help?"), ("c", "You've got my licence wrong, it's 5512 0093.")
    )
    assert "5512" not in said


def test_a_pin_keyed_in_instead() -> None:
    said = redacted_text(
        ("a", "How can I help?"), ("c", "My PIN is 3306 but I entered 3360 twice.")
    )
    assert "3306" not in said and "3360" not in said
    assert "twice" in said


def test_a_meter_reading_after_an_account_number_stays() -> None:
    said = redacted_text(
        ("a", "Your account number, and the meter reading?"),
        ("c", "Account 5541 2290 3. Reading was 41220."),
    )
    assert "5541" not in said
    assert "41220" in said
