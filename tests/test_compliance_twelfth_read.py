"""Kinds of error read from the twelfth PII corpus's leaks: an e-mail's local part said
again in a later turn, a maiden name in a relative clause, a year of birth asked for,
a Canadian cheque's transit number, a policy reference's letters and digits, a
licence's long number read over turns, what the caller has been typing, a town of
birth. What stays: an address's common local part ("info") said as a word, a year that
is not the birth's."""

from __future__ import annotations

import pytest
from support import redact_call

from compliance.cues import question_context

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        (
            (
                ("c", "It's marco77@example.org."),
                ("a", "So that's marco77 at example.org?"),
                ("c", "Yes, marco77."),
            ),
            "marco77",
        ),
        ((("c", "My maiden name, which was Pemberton, is still on it."),), "Pemberton"),
        ((("a", "What year were you born?"), ("c", "Born in 1961, love.")), "1961"),
        (
            (("a", "Can you read the cheque?"), ("c", "Transit is 10452, then the account.")),
            "10452",
        ),
        ((("c", "It says policy reference, CAT, 5, 5, 1, 9, 0, 2."),), "5, 5, 1"),
        (
            (
                ("a", "The long number on the front of the licence, please."),
                ("c", "It's MORGA."),
                ("a", "Mhm."),
                ("c", "753116SM9IJ."),
            ),
            "753116",
        ),
        ((("a", "What were you typing?"), ("c", "Capital B, then 77.")), "77"),
        ((("a", "What's your town of birth?"), ("c", "Kirkcaldy.")), "Kirkcaldy"),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            (("c", "Send it to info@example.com."), ("a", "Thanks."), ("c", "I need more info.")),
            "more info",
        ),
        (
            (("a", "What year were you born?"), ("c", "1961, and I joined you in 1988.")),
            "1988",
        ),
    ],
)
def test_ordinary_words_and_numbers_are_kept(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))


def test_what_year_were_you_born_asks_for_the_birth() -> None:
    assert question_context("What year were you born?") == "birth"
    assert question_context("Where were you born?") == "secret"
