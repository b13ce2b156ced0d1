"""Kinds of error read from the seventeenth PII corpus's leaks: a card read after an
amount once the filler between them is dropped, a card's first groups read alone after
"Go ahead.", a flat and a house number said as pieces of their own around a street, a
UK postcode begun and then corrected, a maiden name's pronunciation after its spelling,
a password typed as a word and then spelled with digits, an amount asked as a security
question, and a National Insurance number read over two turns after "Go ahead." or a
remark. What stays: a car's model after its year (no spelled letter), a span of tax
years beside an identifier asked for, a reference read in fours when asked, and a flight
number."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        (
            (
                ("a", "That comes to £42. Which card would you like to use?"),
                ("c", "£42, okay. 5555 5555 5555 4444."),
            ),
            "4444",
        ),
        (
            (
                ("a", "Okay, go on."),
                ("c", "5555 5555."),
                ("a", "Mhm."),
                ("c", "5555 4444."),
            ),
            "5555 5555",
        ),
        (
            (
                ("a", "What's the address for the delivery?"),
                ("c", "Apartment 12. 7. Harbour Street. Cork."),
            ),
            "Apartment 12",
        ),
        (
            (
                ("a", "Which street is it?"),
                ("c", "Cheadle Road. C H E A D L E. Number 48."),
            ),
            "48",
        ),
        (
            (
                ("a", "What's your postcode?"),
                ("c", "LS6 2... sorry, LS6 3QW."),
            ),
            "LS6 2",
        ),
        (
            (
                ("a", "And your mother's maiden name?"),
                ("c", "Wriothesley. W R I O T H E S L E Y. Most people say it Rizly."),
            ),
            "Rizly",
        ),
        (
            (
                ("a", "What's happening when you log in?"),
                (
                    "c",
                    "It says the password's wrong, and I keep typing sparrow, s p a r r o w, 19.",
                ),
            ),
            "sparrow",
        ),
        (
            (
                ("a", "For security, how much was your most recent bill?"),
                ("c", "Around 62 pounds, I think. Or 61.80."),
            ),
            "61.80",
        ),
        (
            (
                ("a", "Okay, whenever you're ready."),
                ("c", "JG 41."),
                ("a", "Yep."),
                ("c", "03 77 B."),
            ),
            "03 77",
        ),
        (
            (
                ("a", "It should be on your P60."),
                ("c", "Got it. JG 41 03."),
                ("a", "Mhm."),
                ("c", "77 B."),
            ),
            "JG 41",
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
                ("a", "What's the policy number, and which car is it?"),
                ("c", "Policy RTX 55120934, and it's a 2019 Golf, 2.0 petrol."),
            ),
            "2019 Golf, 2.0",
        ),
        (
            (
                ("a", "Which tax year, and what's your National Insurance number?"),
                ("c", "The 2022 to 2023 year, and it's QQ 12 34 56 C."),
            ),
            "2022 to 2023",
        ),
        (
            (
                ("a", "What's the booking reference?"),
                ("c", "It's 4455 6677."),
            ),
            "4455 6677",
        ),
        (
            (
                ("a", "How much was your last payment?"),
                ("c", "It was 62 pounds."),
            ),
            "62 pounds",
        ),
        (
            (
                ("a", "And the flight number?"),
                ("c", "BA 12."),
            ),
            "BA 12",
        ),
    ],
)
def test_what_is_no_secret_stays(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))
