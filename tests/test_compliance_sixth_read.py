"""Kinds of error read from the sixth PII corpus's leaks: national identifiers named by
their own cue (India's PAN, Spain's DNI and NIE, Singapore's NRIC), a licence after the
state it is from, "the newest code", a password after "my password, it's" or "the wifi
password on the back is", "Rise" as a street, an address ending "at gmail" with its
spelled pieces, an identifier's first letters after "It starts", and a house number
asked beside a postcode. What stays: "I looked at Outlook.", "I've got two." before the
codes, a percentage rise."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        ((("c", "Here's my PAN, it's AFZPK7190K."),), "7190"),
        ((("a", "Can I take your NIE?"), ("c", "It's X1234567L.")), "1234567"),
        ((("c", "My DNI number is 12345678Z."),), "12345678"),
        ((("a", "And your NRIC number?"), ("c", "T0123456Z.")), "0123456"),
        ((("a", "Licence number and the issuing state?"), ("c", "New York, 734 928 115.")), "928"),
        ((("a", "Could you read me the latest code?"), ("c", "It's 402 918.")), "402 918"),
        ((("c", "I enter my password, it's Pebbles88, and nothing happens."),), "Pebbles88"),
        ((("c", "The wifi password for the router is zQ4 tT8."),), "zQ4"),
        ((("a", "What's your address?"), ("c", "It's 5 Juniper Rise, Harrogate.")), "Juniper"),
        (
            (("a", "Can you spell it?"), ("c", "M A R I. Then dot, Keane, K E A N E. At hotmail.")),
            "Keane",
        ),
        ((("c", "Oh it's sam.okafor at gmail."),), "okafor"),
        (
            (
                ("a", "What's your National Insurance number?"),
                ("c", "It starts with Q Q."),
            ),
            "Q Q",
        ),
        (
            (
                ("a", "Can I have the house number and postcode?"),
                ("c", "Number 14, and it's LS6 2QT."),
            ),
            "14",
        ),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        ((("c", "I looked at Outlook and it wasn't there."),), "looked at Outlook"),
        ((("c", "I searched at Google for your number."),), "searched at Google"),
        ((("a", "Can you read the newest code?"), ("c", "I've got two. Which one?")), "got two"),
        ((("c", "There was a 5 percent rise in my bill."),), "5 percent rise"),
        ((("c", "Can I pan the camera round?"),), "pan the camera"),
        ((("a", "What's your house number?"), ("c", "Hold on, I'm new here.")), "new here"),
    ],
)
def test_ordinary_words_and_numbers_are_kept(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))
