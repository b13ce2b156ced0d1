"""Kinds of error read from the nineteenth PII corpus's leaks: a name spelled with
hyphens beside the e-mail address or street it belongs to ("That's A-S-H-C-O-M-B-E."),
"her licence is", a Steuer ID asked for with a space in its name, the new code after
"That code has expired, I've sent another.", a PIN typed as spoken digits ("I keep
putting in one nine five eight"), and a number read in groups after "Go ahead." with
nothing asked. What stays: "the first one" beside a code, the digits read after "Mhm."
once a question asked for an ordinary number, and a count typed in."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        (
            (
                ("a", "So that's smith at..."),
                ("c", "No, it's S-M-Y-T-H-E, with a Y. smythe.home@example.org."),
            ),
            "S-M-Y-T-H-E",
        ),
        (
            (
                ("a", "What's the house number and street?"),
                ("c", "It's 14."),
                ("a", "Mhm."),
                ("c", "Pendle Close. That's P-E-N-D-L-E."),
            ),
            "P-E-N-D-L-E",
        ),
        (
            (
                ("a", "Who else will be driving?"),
                ("c", "My son. His licence is 0412 7789 in Queensland."),
            ),
            "0412 7789",
        ),
        (
            (
                ("a", "And your Steuer ID, please?"),
                ("c", "It's 47 036 892 816."),
            ),
            "816",
        ),
        (
            (
                ("a", "That code looks to have expired, I've sent another."),
                ("c", "Right, the new one is 48 20 17."),
            ),
            "48 20 17",
        ),
        (
            (
                ("a", "Why do you want it unblocked?"),
                ("c", "Because I keep typing in two four six eight and it says it's wrong."),
            ),
            "two four six eight",
        ),
        (
            (
                ("a", "Go ahead."),
                ("c", "485."),
                ("a", "Mhm."),
                ("c", "777."),
                ("a", "Mhm."),
                ("c", "3485."),
            ),
            "485",
        ),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    said = " ".join(redact_call(*turns))
    assert gone not in said
    assert gone.replace(" ", "") not in said.replace(" ", "")


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            (
                ("a", "I've texted you a new code."),
                ("c", "Got it. The first one never came, this one is 30 19 22."),
            ),
            "The first one",
        ),
        (
            (
                ("a", "What's the order reference?"),
                ("c", "It's 47"),
                ("a", "Mhm."),
                ("c", "2210."),
            ),
            "2210",
        ),
        (
            (
                ("a", "How are you taking the tablets?"),
                ("c", "I keep putting in 2 tablets a day."),
            ),
            "2 tablets",
        ),
    ],
)
def test_what_is_no_secret_stays(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))
