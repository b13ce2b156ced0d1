"""Kinds of error read from the twenty-fifth PII corpus's leaks: a health plan's group
number, a patient record number asked as such, a licence begun too short to be whole and
finished after the agent's "Mhm.", a one-time code asked for as "the digits when you get
them", a password tried, an age said just before the birth date, a house number named as
one before its road; and what stays: a product's barcode, a bag tag, the age itself, and
"Uh-huh." said back to an e-mail's mention (from the hawthorn turn corpus)."""

from __future__ import annotations

import pytest
from support import redacted_text

from compliance.checksums import gtin_valid

pytestmark = pytest.mark.unit


def test_a_health_plan_group_number() -> None:
    said = redacted_text(
        ("a", "Can I have the details from your insurance card?"),
        ("c", "Member ID is QRT 5512 00871, and the group number is 61207."),
    )
    assert "5512" not in said and "61207" not in said


def test_a_patient_record_number_read_in_pieces() -> None:
    said = redacted_text(
        ("a", "And your patient record number?"),
        ("c", "K. 4. 4. 0."),
        ("a", "Go on."),
        ("c", "7215."),
    )
    assert "K. 4. 4. 0." not in said and "7215" not in said


def test_a_licence_begun_short_and_finished_after_a_hold() -> None:
    said = redacted_text(
        ("a", "What's your driving licence number?"),
        ("c", "It starts D120."),
        ("a", "Okay."),
        ("c", "5567. 3301."),
    )
    assert "D120" not in said and "5567" not in said and "3301" not in said


def test_a_code_asked_for_as_the_digits_when_they_come() -> None:
    said = redacted_text(
        ("a", "Could you read me the digits as soon as you get them?"),
        ("c", "Yes, here it is. 4 7."),
        ("a", "Mhm."),
        ("c", "2 9 3 1."),
    )
    assert "4 7" not in said and "2 9 3 1" not in said


def test_a_password_tried_and_what_happened_next() -> None:
    said = redacted_text(
        ("a", "I can see your account is locked."),
        ("c", "I tried Bramble2021 and then the site says too many attempts."),
    )
    assert "Bramble2021" not in said
    assert "too many attempts" in said


def test_an_age_said_just_before_the_birth_date_stays() -> None:
    said = redacted_text(
        ("a", "Could you confirm your date of birth?"),
        ("c", "I'm 71. Twelfth of March, fifty-four."),
    )
    assert "71" in said
    assert "March" not in said


def test_a_house_number_named_as_one_before_its_road() -> None:
    said = redacted_text(
        ("a", "How can I help today?"),
        ("c", "The engineer needs to come to door number 14, 7th Main Road, Jayanagar."),
    )
    assert "14, 7th Main" not in said and "7th Main" not in said


@pytest.mark.parametrize(
    ("agent", "caller", "kept"),
    [
        (
            "Is there a code on the product?",
            "The barcode on the box reads 4006381333931.",
            "4006381333931",
        ),
        ("What's the bag tag number?", "It's BA 602 117, a blue holdall.", "602 117"),
        # A backchannel to an e-mail's mention is no address's local part.
        ("You'll get an email with the form.", "Uh-huh.", "Uh-huh."),
    ],
)
def test_what_names_a_thing_stays(agent: str, caller: str, kept: str) -> None:
    assert kept in redacted_text(("a", agent), ("c", caller))


def test_gtin_check_digit() -> None:
    # GS1's own examples: an EAN-13, a UPC-A, an EAN-8.
    assert gtin_valid("4006381333931")
    assert gtin_valid("036000291452")
    assert gtin_valid("73513537")
    assert not gtin_valid("4006381333932")
    assert not gtin_valid("40063813339")
