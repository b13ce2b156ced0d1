"""Kinds of error read from the tenth PII corpus's leaks: a count after a card ("3 times")
taken for more of it, the same expiry said again in other words, a correction of the
expiry, the caller's own social set beside a wrong one, a check letter after "the letter",
a street type inside a street's name, a name after a title in a security answer, a
password typed letter by letter, a unit named after the address, a Dutch postcode after
its street, a short group of an identifier or a plate read over turns, and chunks after
"Okay" or "I do". What stays: "184,000 miles", "4 digits", a word of the street."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        ((("c", "My debit card 5555 5555 5555 4444 was used twice today."),), "4444"),
        ((("a", "And the expiry?"), ("c", "Oh three twenty-eight. March '28.")), "'28"),
        (
            (("a", "When does it expire?"), ("c", "June 2028. No, sorry, July 2028.")),
            "July 2028",
        ),
        ((("c", "My social on the form is 123-45-6788 but mine is 123-45-6789."),), "6789"),
        ((("a", "Your PPS number?"), ("c", "7654321. Then the letter W.")), "letter W"),
        ((("c", "It's 22 Mill Pond Road, Ely."),), "Road"),
        (
            (
                ("a", "What's the answer to your security question?"),
                ("c", "Honestly. Mr. Fairbrother. It was always Mr. Fairbrother."),
            ),
            "Fairbrother",
        ),
        ((("c", "I'm entering capital K, E, V, then 9, 9. Kev99."),), "Kev99"),
        (
            (
                ("a", "Where should we send it?"),
                ("c", "14 Harbour Road, Leith. It's a flat, so add Flat 3 please."),
            ),
            "Flat 3",
        ),
        ((("c", "It's Prinsengracht 263, 1016 GV Amsterdam."),), "1016"),
        (
            (("a", "What's your member number?"), ("c", "4471."), ("a", "Mhm."), ("c", "90312.")),
            "90312",
        ),
        (
            (
                ("a", "What's the registration?"),
                ("c", "Bravo, Delta, 1, 9."),
                ("a", "Mhm."),
                ("c", "Echo, Kilo, Lima."),
            ),
            "Echo",
        ),
        ((("a", "Can you read me the VIN?"), ("c", "Okay, 2HG. FA16. 5X. 7H000321.")), "FA16"),
        ((("a", "Have you got the Eircode?"), ("c", "I do. A65. Then F, 4, E, 2.")), "A65"),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        ((("c", "The car has 184,000 miles on it."),), "184,000 miles"),
        ((("c", "I was putting in 4 digits, then it locked."),), "4 digits"),
        ((("c", "I'm typing in my email address and it fails."),), "my email address"),
        (
            (("a", "What's the address?"), ("c", "Keizersgracht 12 hoog. Hoog means upstairs.")),
            "Hoog means",
        ),
        ((("c", "We live at 4 Elm Road and have 2 cats."),), "2 cats"),
    ],
)
def test_ordinary_words_and_numbers_are_kept(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))
