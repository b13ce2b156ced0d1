"""Kinds of error read from the seventh PII corpus's leaks: a postcode ending in "AT"
(read as "@"), a date of birth's year said after its day and month, a name inside an
address's local part said again, a licence after "my license is", a key safe's code,
"Walk" and "Gardens" as streets. What stays: a business's freephone or shared-cost
number, an order number in the shape of a social, a meter reading beside an account."""

from __future__ import annotations

import pytest
from support import redact_call

from compliance import normalise

pytestmark = pytest.mark.unit


def test_a_postcodes_letters_are_no_at_sign() -> None:
    assert normalise("B1 1AT.").text == "B1 1AT."
    assert normalise("jo at example dot com").text == "jo@example.com"


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        ((("c", "Send it to B1 1AT, please."),), "1AT"),
        (
            (("a", "Your date of birth?"), ("c", "3rd of May."), ("a", "Mhm."), ("c", "1962.")),
            "1962",
        ),
        (
            (
                ("a", "What's the email?"),
                ("c", "M-O-R-R-I-S-O-N-J at example dot com. Morrison, then J."),
            ),
            "Morrison,",
        ),
        ((("c", "My licence is SMITH 710 238 JJ9."),), "710"),
        ((("c", "The key safe's round the back, the code's 4821."),), "4821"),
        ((("a", "What's the address?"), ("c", "It's 12 Willow Walk.")), "Willow"),
        ((("a", "What's the address?"), ("c", "It's 7 Laurel Gardens, Bath.")), "Laurel"),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        ((("c", "I rang your 0800 number, 0800 123 4567, and waited an hour."),), "0800 123 4567"),
        ((("c", "The helpline, 0345 300 3900, told me to call you."),), "0345 300 3900"),
        (
            (("a", "What's the order number?"), ("c", "Order number 123 45 6789, a fridge.")),
            "123 45 6789",
        ),
        ((("c", "Account number's 8800 4471 23, and the meter says 40417."),), "40417"),
        ((("c", "It's a 10 minute walk from the station."),), "10 minute walk"),
        ((("c", "The alarm went off at 1947 hours."),), "1947"),
    ],
)
def test_ordinary_words_and_numbers_are_kept(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))


def test_the_rest_of_a_password_joined_on_with_then_is_the_password() -> None:
    asked = ("a", "What's your telephone banking password?")
    out = redact_call(asked, ("c", "It's Bramble."), ("a", "Mhm."), ("c", "Then hash, then 4 4."))
    assert "4 4" not in out[1] and "hash" not in out[1]
    out = redact_call(
        asked, ("c", "It's Bramble."), ("a", "Mhm."), ("c", "Then can I ask something?")
    )
    assert out[1] == "Then can I ask something?"


def test_a_freephone_number_the_caller_calls_their_own_is_theirs() -> None:
    assert "123 4567" not in redact_call(("c", "Call me back on 0800 123 4567."))[0]
