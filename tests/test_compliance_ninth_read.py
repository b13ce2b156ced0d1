"""Kinds of error read from the ninth PII corpus's leaks: a street after a number that
reads as no street ("the old one was 112 ..."), a UK number said to a US tenant, the last
four of an account after a question for an amount, a licence read straight after
"license", a house number after "the house number is", the street after a house number,
an Indian flat, building and cross road, a password volunteered as what the caller
logged in with. What stays: a date after a whole date of birth, a cricket score after
"anything else on the account?"."""

from __future__ import annotations

import pytest
from support import redact_call

from compliance.cues import question_context

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        ((("c", "The old one was 27 Mill Lane, the new one is 4 Elm Road."),), "Mill"),
        ((("c", "If nobody answers, ring the office, 0161 496 0123."),), "496"),
        ((("c", "Or try my mum on 0118 496 0456."),), "0456"),
        (
            (
                ("a", "How much would you like to move?"),
                ("c", "500, from my current account, the one ending 9921."),
            ),
            "9921",
        ),
        ((("c", "Ohio license AB123456, if you need it."),), "123456"),
        (
            (
                ("a", "Your postcode and house number, please?"),
                ("c", "It's 3511 AB and the house number is 112."),
            ),
            "112",
        ),
        (
            (
                ("a", "What's the house number?"),
                ("c", "It's 7."),
                ("a", "Mhm."),
                ("c", "Beech Tree Gardens."),
            ),
            "Beech",
        ),
        (
            (
                ("a", "Where shall we deliver it?"),
                ("c", "Flat 12, Green Park Residency, 5th Main, Jayanagar."),
            ),
            "Green Park",
        ),
        ((("a", "Where shall we deliver it?"), ("c", "It's 3rd Cross, near the temple.")), "3rd"),
        ((("c", "I keep signing in with Arsenal 1971 and it's rejected."),), "1971"),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            (
                ("a", "Your date of birth and the date of the delivery?"),
                ("c", "It's 3rd March 1980, and the delivery was the 14th of June."),
            ),
            "14th of June",
        ),
        (
            (("a", "Is there anything else on the account?"), ("c", "No. Oh, Leeds are 2 1 up.")),
            "2 1",
        ),
        ((("c", "I log in with my email and it fails."),), "my email"),
        ((("c", "The parcel weighed 0.5 kilos."),), "0.5"),
        ((("c", "We waited 10 minutes from 4 o'clock."),), "10 minutes"),
    ],
)
def test_ordinary_words_and_numbers_are_kept(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))


def test_a_date_of_birth_corrected_by_day_stays_the_date_of_birth() -> None:
    out = redact_call(
        ("a", "Date of birth?"), ("c", "The 4th of May 1970. Sorry, the 5th of May.")
    )[0]
    assert "5th" not in out


def test_anything_else_asks_for_no_value() -> None:
    assert question_context("Is there anything else on the account?") is None
    assert question_context("Anything else? And what's the account number?") == "account"
