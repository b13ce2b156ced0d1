"""Kinds of error read from the thirty-second PII corpus's leaks: a house number given by
its label beside the postcode it belongs to, and a password the caller offers as a
question and then says ("Do you need the wifi password? It's ..."). What stays: a flat
number said with no address around it, and a sentence about a house number."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_a_house_number_beside_its_postcode() -> None:
    out = redacted_text(
        ("a", "And the postcode of the flat in Rotterdam?"),
        ("c", "It's 3011 BD, and the house number's 243."),
    )
    assert "243" not in out


def test_a_house_number_after_its_street_earlier_in_the_call() -> None:
    out = redacted_text(
        ("a", "What's the street?"),
        ("c", "Kestrel Road, Leeds, LS6 2QT."),
        ("a", "Thanks."),
        ("c", "Oh, and the door number is 58."),
    )
    assert "58" not in out


@pytest.mark.parametrize(
    "said",
    [
        "We've lived here since 2019 and the flat number is 8.",
        "The house number is wrong on the letter you sent.",
    ],
)
def test_a_house_number_with_no_address_stays(said: str) -> None:
    out = redacted_text(("a", "How can I help today?"), ("c", said))
    assert out == said


def test_a_password_offered_as_a_question_then_said() -> None:
    out = redacted_text(
        ("a", "I'll reset the router for you now."),
        ("c", "Do you want the router password? It's bluebell hash 2021, all lower case."),
    )
    assert "bluebell" not in out and "2021" not in out
