"""Kinds of error left unsolved after reading the seventh to twelfth PII corpora, now
solved: a card's group corrected after the agent reads it back, an Indian IFSC, a
Canadian cheque's institution number, phone digits the STT wrote as a clock time, an
address spelled in the phonetic alphabet before "then dot, then", a password described
piece by piece, a date of birth given unasked in an identity check. What stays: a time
beside a phone number, a later date after a birth date, a date of a payment in an
identity check, "transit" in a sentence, an ordinary number after a read-back."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        (
            (
                ("a", "Read me the long number, please."),
                ("c", "4000 0566."),
                ("a", "Mm-hm."),
                ("c", "5566 5556."),
                ("a", "Just to check, did you say 5556 there?"),
                ("c", "Sorry, no, 5565."),
            ),
            "5565",
        ),
        (
            (
                ("a", "What's your mobile?"),
                ("c", "07700 900461."),
                ("a", "Was that [PHONE_1]?"),
                ("c", "No, the end is 416."),
            ),
            "416",
        ),
        ((("c", "The IFSC code is SBIN0005943, for the refund."),), "SBIN0005943"),
        ((("a", "And the IFSC?"), ("c", "It's ICIC0001122.")), "ICIC0001122"),
        ((("c", "On the cheque it's institution 010, transit 20451."),), "010"),
        (
            (("a", "What number should we call you back on?"), ("c", "Two one two, 5 5 5:01 4 2.")),
            "5:01",
        ),
        (
            (
                ("a", "Can you spell that for me?"),
                (
                    "c",
                    "Sure. M for Mike, A for Alpha, R for Romeo, A for Alpha. Mara. "
                    "Then dot, then Quist, at gmail.com.",
                ),
            ),
            "Mara",
        ),
        (
            (
                ("a", "What did you try typing in?"),
                ("c", "Capital p, then pumpkin, then star, then 19."),
            ),
            "pumpkin",
        ),
        (
            (
                ("a", "Before we go on, I need to run you through security."),
                ("c", "Okay, it's Mr. Dev Anand, 22nd of June 1961, and the postcode's BS3 4HJ."),
            ),
            "1961",
        ),
        (
            (
                ("a", "I'll just confirm your identity first."),
                ("c", "Yes, date is 07/14/1983."),
            ),
            "1983",
        ),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            (("a", "And a number to call you on?"), ("c", "Any time after 6:15 on 0412 345 678.")),
            "6:15",
        ),
        (
            (("c", "I was born 02/11/1975, and the delivery was 9th of March 2025."),),
            "9th of March 2025",
        ),
        (
            (
                ("a", "Let me take you through security."),
                ("c", "Sure. It's about the payment on the 3rd of May 2026."),
            ),
            "3rd of May 2026",
        ),
        ((("c", "The parcel was in transit 4 days."),), "transit 4 days"),
        (
            (
                ("a", "What's the card number?"),
                ("c", "4000 0566 5566 5556."),
                ("a", "Was that 5556 at the end?"),
                ("c", "Yes. And it was for 2 tickets."),
            ),
            "2 tickets",
        ),
        (
            (
                ("a", "What password did you try?"),
                ("c", "I tried it then it locked, then I rang you."),
            ),
            "it locked",
        ),
    ],
)
def test_what_is_no_secret_stays(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))
