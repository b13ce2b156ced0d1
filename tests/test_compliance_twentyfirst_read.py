"""Kinds of error read from the twenty-first PII corpus's leaks: an identifier read off
"the card" it is printed on, a passport's number asked with its expiry, a street named in
one word ("Kingsway"), and what stays: a meter's reading, the place a mother's family
came from, and a second date after a date of birth said whole."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


def test_an_identifier_read_off_the_card_it_is_printed_on() -> None:
    said = redact_call(
        ("a", "Could I take your national insurance number?"),
        ("c", "I'll need to get my card. QQ."),
        ("a", "Okay."),
        ("c", "12 34 56 C."),
    )
    assert "34 56" not in " ".join(said)
    assert "[CARD" not in " ".join(said)


def test_a_social_security_number_after_going_for_the_card() -> None:
    said = redact_call(
        ("a", "And your social security number?"),
        ("c", "Hang on, the card's in my purse. 219."),
        ("a", "Go on."),
        ("c", "09."),
        ("a", "Mhm."),
        ("c", "9999."),
    )
    joined = " ".join(said)
    assert "219" not in joined and "9999" not in joined


def test_a_passport_number_asked_with_its_expiry() -> None:
    said = " ".join(
        redact_call(
            ("a", "Can I have the passport number and when it expires?"),
            ("c", "It's 1203."),
            ("a", "Mhm."),
            ("c", "88417, and it runs out in 2029."),
        )
    )
    assert "1203" not in said and "88417" not in said
    # A passport's expiry is no card's: it stays.
    assert "2029" in said


@pytest.mark.parametrize(
    ("agent", "caller", "street"),
    [
        ("Where should we send it?", "To 47 Broadway, please.", "47 Broadway"),
        ("How can I help?", "We've moved to 3 Ridgeway.", "3 Ridgeway"),
        ("What's the delivery address?", "8 The Crescent.", "8 The Crescent"),
        ("And the address?", "It's 19 Holloway.", "19 Holloway"),
    ],
)
def test_a_street_named_in_one_word(agent: str, caller: str, street: str) -> None:
    assert street not in " ".join(redact_call(("a", agent), ("c", caller)))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            (("a", "Could you read me your gas meter?"), ("c", "The digits say 07231, then a 4.")),
            "07231",
        ),
        (
            (
                ("a", "What was your mother's name before she married?"),
                ("c", "Brennan, and her people came from Sligo."),
            ),
            "Sligo",
        ),
        (
            (
                ("a", "Before I book you in, your date of birth?"),
                ("c", "2nd of March 1961, and could I have a slot on the 18th?"),
            ),
            "the 18th",
        ),
    ],
)
def test_what_is_no_value_stays(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))
