"""Kinds of error read from the eleventh PII corpus's leaks: a card's little code after
its number, a card's new date, a one-time code after the first one expired, spelled
letters before "then" and a name, a name with how it is spelled after it, a PPS number
after "PPS is", Brazil's CPF, an identifier's first letters ("two letters, KH"), a
password typed as words and digits. What stays: a reading off a meter, a child's age,
a number asked about a person ("anyone else ... on the account?")."""

from __future__ import annotations

import pytest
from support import redact_call

from compliance.cues import question_context

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        ((("c", "It's 3782 822463 10005 on the front, and the small one is 4411."),), "4411"),
        (
            (
                ("a", "Has the card changed?"),
                ("c", "It ran out 02/25. Same number, new date, 02/30."),
            ),
            "02/30",
        ),
        (
            (
                ("a", "Read me the code from the text, please."),
                ("c", "It's 118 204. Oh, that's expired, there's a new one. 845 320."),
            ),
            "845",
        ),
        (
            (
                ("a", "Could you spell the email?"),
                ("c", "P for papa, J for juliet, then Moss, M O S S, at example.com."),
            ),
            "P,",
        ),
        (
            (("a", "And your mother's maiden name?"), ("c", "Doyle. Doyle, with a Y.")),
            "Doyle,",
        ),
        ((("c", "My PPS is 1234567TA."),), "1234567"),
        ((("a", "And your CPF?"), ("c", "CPF is 529.982.247-25.")), "529"),
        (
            (
                ("a", "Go ahead with the patient number."),
                ("c", "It starts with two letters, RX."),
            ),
            "RX",
        ),
        ((("c", "I keep typing Sunflower hash 19 and it won't let me in."),), "Sunflower"),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            (("a", "Could you read me the numbers on the gas meter?"), ("c", "It says 40217.")),
            "40217",
        ),
        ((("c", "My little one is 5 now."),), "5 now"),
        ((("c", "I keep typing my postcode and it fails."),), "my postcode"),
    ],
)
def test_ordinary_words_and_numbers_are_kept(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))


def test_a_question_about_a_person_asks_for_no_number() -> None:
    assert question_context("Is there anyone else we can speak to about the account?") is None
