"""Kinds of error read from the twenty-second PII corpus's leaks: a policy's letters
spelled and joined by "then", a licence's first letters spelled with hyphens, a
passphrase's next words and digits, a numeric birth date said again in the other order,
a birthday named by the age the caller turns, a flat or lot number said beside a street,
a postcode's rest before its town, an e-mail's local part spelled with the spelling
alphabet and "then the number"; and what stays, a card's start date."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_a_policy_spelled_after_a_remark() -> None:
    said = redacted_text(
        ("a", "Could I have the policy number?"),
        ("c", "It's on the schedule. P O L, then 55102 8841."),
    )
    assert "55102" not in said and "8841" not in said


def test_a_licence_begun_with_its_letters_spelled() -> None:
    said = redacted_text(
        ("a", "Your driving licence number, please."),
        ("c", "Let me see. S-M-I-T-H."),
        ("a", "Mhm."),
        ("c", "906143 JB 9 XY."),
    )
    assert "S-M-I-T-H" not in said and "906143" not in said


def test_a_passphrase_said_in_two_turns() -> None:
    said = redacted_text(
        ("a", "What's your passphrase?"),
        ("c", "Harbour."),
        ("a", "Mhm."),
        ("c", "Lights 27."),
    )
    assert "Harbour" not in said and "Lights 27" not in said


def test_a_numeric_birth_date_said_again_as_day_and_month() -> None:
    said = redacted_text(
        ("a", "Can I take your date of birth?"), ("c", "03/07/1992. The 3rd of July.")
    )
    assert "3rd of July" not in said


def test_a_birthday_named_by_the_age_turned() -> None:
    said = redacted_text(
        ("a", "How can I help today?"),
        ("c", "I turn 70 on the 14th of August 1956, so I'm asking about my bus pass."),
    )
    assert "14th of August" not in said
    assert "bus pass" in said


@pytest.mark.parametrize(
    "turns",
    [
        (
            ("a", "What's the address for the delivery?"),
            ("c", "It's 48."),
            ("a", "Mhm."),
            ("c", "Maple Grove. Flat 6."),
        ),
        (("a", "What's the site address?"), ("c", "Lot 12, 88 Ridge Road.")),
    ],
)
def test_the_flat_or_lot_of_an_address(turns: tuple[tuple[str, str], ...]) -> None:
    said = redacted_text(*turns)
    assert "Flat 6" not in said and "Lot 12" not in said


def test_a_postcode_finished_before_its_town() -> None:
    said = redacted_text(
        ("a", "And the postcode?"), ("c", "LS6."), ("a", "Mhm."), ("c", "2 AB. Leeds.")
    )
    assert "2 AB" not in said
    assert "Leeds" in said


def test_an_email_spelled_with_the_spelling_alphabet() -> None:
    said = redacted_text(
        ("a", "Can you spell the part before the at sign?"),
        ("c", "D for delta, A for alpha, N for november, U. Danu. Then the number 4. At hotmail."),
    )
    assert "Danu" not in said and "delta" not in said


def test_a_cards_start_date_stays() -> None:
    said = redacted_text(
        ("a", "And the card's expiry date?"), ("c", "Valid from 09/22, expires 09/27.")
    )
    assert "09/22" in said
    assert "09/27" not in said
