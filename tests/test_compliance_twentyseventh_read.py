"""Kinds of error read from the twenty-seventh PII corpus's leaks: a phone number said
beside an e-mail the agent asked for, and a UK mobile's shape in an unallocated range; an
identifier "at the top" of a letter; an SSN wrong "on the 1099" (a tax form's name) and an
ITIN written like an SSN; a teacher's name offered as "Or did I put Mrs. Lowe?"; a birth
date given part by part ("the month is ..."); a year named as the birth year after it;
a password spelled, then its digits and all of it after the agent's "Mhm."; and what
stays: kilowatt hours, a cheque's own number, the tax form."""

from __future__ import annotations

import pytest
from support import redacted_text

from compliance.checksums import itin_valid

pytestmark = pytest.mark.unit


def test_a_phone_number_beside_the_email_asked_for() -> None:
    said = redacted_text(
        ("a", "Can I take an email and a phone number?"),
        ("c", "It's priya.shah@example.com. And 07911 123456."),
    )
    assert "07911" not in said


def test_a_uk_mobile_in_a_range_kept_for_drama() -> None:
    said = redacted_text(("a", "How can I help?"), ("c", "It's Sam, on 07700 900461."))
    assert "900461" not in said


def test_an_identifier_at_the_top_of_a_letter() -> None:
    said = redacted_text(
        ("a", "Have you got the letter there?"),
        ("c", "It has my national insurance number at the top, TN 31 12 58 F, and a date."),
    )
    assert "TN" not in said and "58 F" not in said
    assert "and a date" in said


def test_an_ssn_wrong_on_a_tax_form_and_an_itin() -> None:
    said = redacted_text(
        ("a", "What seems to be the problem?"),
        ("c", "My SSN is wrong on the 1040, it shows 912-70-1234 and it should be 912-70-1243."),
    )
    assert "1040" in said
    assert "912-70" not in said


def test_another_answer_offered_with_a_title() -> None:
    said = redacted_text(
        ("a", "Security question: the name of your first teacher?"),
        ("c", "Miss Pennington? Or was it Mr. Hale? Say Pennington."),
    )
    assert "Pennington" not in said and "Hale" not in said


def test_a_birth_date_given_part_by_part() -> None:
    said = redacted_text(
        ("a", "Can you confirm your date of birth?"),
        ("c", "Born 1964, and the month is June, the day is the 3rd."),
    )
    assert "June" not in said and "3rd" not in said


def test_a_year_named_as_the_birth_year_after_it() -> None:
    said = redacted_text(
        ("a", "What's the email on the account?"),
        ("c", "It's r.kaur1979@example.com. The 1979 is my birth year."),
    )
    assert "1979" not in said


def test_a_password_spelled_then_its_digits_and_all_of_it() -> None:
    said = redacted_text(
        ("a", "What's the password on the account?"),
        ("c", "It's T U L I P."),
        ("a", "Mhm."),
        ("c", "4 4. Tulip44."),
    )
    assert "4 4" not in said and "Tulip44" not in said


@pytest.mark.parametrize(
    ("agent", "caller", "kept"),
    [
        ("What can I help with on your gas account?", "We used 455 kilowatt hours in May.", "455"),
        (
            "Can you read me the numbers on the cheque?",
            "Sort code 40 11 62, and the cheque number is 000217.",
            "000217",
        ),
    ],
)
def test_what_names_no_one_stays(agent: str, caller: str, kept: str) -> None:
    assert kept in redacted_text(("a", agent), ("c", caller))


def test_itin_ranges() -> None:
    # The IRS's ITIN: 9, then a group of 50-65, 70-88, 90-92 or 94-99.
    assert itin_valid("912701234")
    assert itin_valid("987654328")
    assert not itin_valid("912891234")
    assert not itin_valid("123456789")
