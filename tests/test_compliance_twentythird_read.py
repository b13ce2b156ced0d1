"""Kinds of error read from the twenty-third PII corpus's leaks: an expiry asked as the
"valid-to" date, a value read with its length said after it ("... Nine digits."), a
family's name said as the family ("the Donnellys") then alone, a DNI's letter told apart
by a word ("X de Xilófono"), a building's name before the street asked for; and what
stays: a day's date after its weekday, and a flight after a passport's digits."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_an_expiry_asked_as_the_valid_to_date() -> None:
    said = redacted_text(("a", "And what's the valid-to date?"), ("c", "Oh six, thirty."))
    assert "six" not in said and "thirty" not in said


def test_a_value_with_its_length_said_after_it() -> None:
    said = redacted_text(
        ("a", "And your tax file number?"), ("c", "It's 123 456 782. Nine digits.")
    )
    assert "456" not in said
    assert "Nine digits" in said


def test_a_maiden_name_said_as_the_family_then_alone() -> None:
    said = redacted_text(
        ("a", "What's your mother's maiden name?"), ("c", "She was one of the Donnellys. Donnelly.")
    )
    assert "Donnelly" not in said


def test_a_dni_letter_told_apart_by_a_word() -> None:
    said = redacted_text(("a", "Your DNI, please."), ("c", "87654321 X. X de Xilófono."))
    assert "87654321" not in said and "Xilófono" not in said


def test_a_building_name_before_the_street() -> None:
    said = redacted_text(
        ("a", "What's the delivery address?"), ("c", "It's Kestrel Point, 9 Mill Lane.")
    )
    assert "Kestrel Point" not in said and "Mill Lane" not in said


def test_a_days_date_after_its_weekday_stays() -> None:
    said = redacted_text(
        ("a", "The card's expiry, and which day do you arrive?"),
        ("c", "Expires 11/29. We arrive Sunday, March 22."),
    )
    assert "11/29" not in said
    assert "March 22" in said


def test_a_flight_after_a_passports_digits_stays() -> None:
    said = redacted_text(
        ("a", "Passport number, please."),
        ("c", "Mine is 5520."),
        ("a", "Mhm."),
        ("c", "31184. We fly on the EK 173 on Friday."),
    )
    assert "31184" not in said
    assert "EK 173" in said
