"""Kinds of error read from the fourteenth PII corpus's leaks: a password with a symbol
inside it, a Wi-Fi key asked for or read off ("network key, then ..."), a sort code's
first pair said alone, a German number plate. What stays: an age said after a security
answer ("when I was 4")."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        ((("c", "I keep typing daisy#1987 and it won't let me in."),), "daisy#1987"),
        (
            (
                ("a", "Could you read me the WiFi key off the back of the box?"),
                ("c", "Sure, 9KQT-77ZX-M2PL."),
            ),
            "9KQT-77ZX-M2PL",
        ),
        (
            (
                ("a", "And the sort code?"),
                ("c", "40"),
                ("a", "Mm-hm."),
                ("c", "11 62."),
            ),
            "40",
        ),
        ((("c", "The van's M-KL 882, it was parked outside all day."),), "M-KL 882"),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            (
                ("a", "What was the name of your first school?"),
                ("c", "Hillside, but we left when I was 7."),
            ),
            "when I was 7",
        ),
        ((("c", "It's COVID-19 related, the delay."),), "COVID-19"),
        ((("a", "How many nights?"), ("c", "2, maybe 3.")), "2, maybe 3"),
    ],
)
def test_what_is_no_secret_stays(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))
