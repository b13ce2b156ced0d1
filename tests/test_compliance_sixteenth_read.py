"""Kinds of error read from the sixteenth PII corpus's leaks: a value the agent reads
back whole to be confirmed (a card, a date of birth, an e-mail address, a number of no
known kind) and the caller's correction of it, another try at a security answer after
"that doesn't match what we have", and "Where should the engineer go?" asking for an
address. What stays: a number the agent names as an order's, and an answer with no
digits to correct."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        (
            (
                ("a", "I have 5105 1051 0510 5109, is that correct?"),
                ("c", "No, it ends 5100. The rest is right."),
            ),
            "5100",
        ),
        (
            (
                ("a", "I've got the 3rd of March 1961 on file, is that right?"),
                ("c", "No, the 13th. 13th of March 1961."),
            ),
            "13th of March",
        ),
        (
            (
                ("a", "So that's jbrown@example.com?"),
                ("c", "No, with an underscore. j_brown. J underscore Brown."),
            ),
            "j_brown",
        ),
        (
            (
                ("a", "I've got 714 228 391 on the form."),
                ("c", "No, it's 319 at the end. 714 228 319."),
            ),
            "319",
        ),
        (
            (
                ("a", "Sorry, that doesn't match our records."),
                ("c", "Oh. Try Whitcombe then."),
            ),
            "Whitcombe",
        ),
        (
            (
                ("a", "Where should the fitter come to?"),
                ("c", "Brook House, off the A6, Mill Lane, Darley."),
            ),
            "Brook House",
        ),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            (
                ("a", "How can I help with order 7731-20458?"),
                ("c", "Can you move order 7731-20458 to Friday? I'll be out 2 days."),
            ),
            "7731-20458",
        ),
        (
            (
                ("a", "I've got 714 228 391 on the form."),
                ("c", "Yes, that's right, thanks."),
            ),
            "that's right",
        ),
    ],
)
def test_what_is_no_secret_stays(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))
