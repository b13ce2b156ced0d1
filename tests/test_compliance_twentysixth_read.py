"""Kinds of error read from the twenty-sixth PII corpus's leaks: a licence number read
straight after "license," with no letters in it, the agent asking for "your license" in a
statement, and a SIM's PUK code; and what stays, a licence's age and a TV licence's
count. (Its other leaks are ZIPs, an Australian postcode and a German PLZ, kept by
policy.)"""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_a_licence_number_straight_after_the_word() -> None:
    said = redacted_text(
        ("a", "How can I help today?"),
        ("c", "I'm renting a van, it's an Ohio license, 631 402 885, I've had it years."),
    )
    assert "631 402 885" not in said
    assert "I've had it years" in said


def test_your_license_asked_for_in_a_statement() -> None:
    said = redacted_text(
        ("a", "Before we hand over the keys I'll need your license."),
        ("c", "No problem, it's 9 4 0 1 7 7 3 2 8."),
    )
    assert "9 4 0 1" not in said


def test_a_sim_puk_code() -> None:
    said = redacted_text(
        ("a", "Can you read me the PUK from the SIM holder?"),
        ("c", "It's 63018254."),
    )
    assert "63018254" not in said


@pytest.mark.parametrize(
    "caller",
    [
        "I passed my license 3 years ago.",
        "Do I pay your license fee 2 times a year?",
    ],
)
def test_what_names_no_licence_stays(caller: str) -> None:
    assert redacted_text(("a", "How can I help?"), ("c", caller)).endswith(caller[-12:])
