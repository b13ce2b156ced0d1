"""Kinds of error read from the eighth PII corpus's leaks: a question followed by a remark
on where the value is printed, a code after "Did the text come through?", a German tax
ID, a street asked for alone and its name spelled after it, a directional and a unit
after the street, a house's name before its street, a card's expiry year alone. What
stays: what the caller says once the question has been answered (a car's model, a
router's model, a flight)."""

from __future__ import annotations

import pytest
from support import redact_call

from compliance.cues import question_context

pytestmark = pytest.mark.unit


def test_a_remark_after_the_question_does_not_replace_it() -> None:
    assert (
        question_context("Can I take your membership number? It's printed on the plastic card.")
        == "member"
    )
    assert question_context("Can I take your membership number?") == "member"
    assert question_context("It's printed on the plastic card.") == "card"


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        (
            (
                ("a", "What's your licence number? It's the long one on the photocard."),
                ("c", "MORGA753116SM9IJ."),
            ),
            "753116",
        ),
        ((("a", "Has the text arrived?"), ("c", "It has, the code's 448 193.")), "448"),
        ((("a", "Have you got the text?"), ("c", "Yes. 448 193.")), "193"),
        ((("a", "What's your Steuer-ID?"), ("c", "It's 12 345 678 901.")), "678"),
        ((("c", "My German tax ID is 12345678901."),), "12345678901"),
        ((("a", "And which street?"), ("c", "Tolland Way.")), "Tolland"),
        (
            (("a", "And the street name?"), ("c", "Dunmore Crescent. Dunmore with an E.")),
            "Dunmore with",
        ),
        ((("a", "Where to?"), ("c", "To 88 King Street East, suite 300, please.")), "300"),
        ((("a", "What's the address?"), ("c", "It's The Granary, Church Lane, Ely.")), "Granary"),
        ((("a", "What's the address?"), ("c", "Ivy Cottage, Mill Road.")), "Ivy"),
        ((("a", "The expiry?"), ("c", "Sometime in 2029, I think.")), "2029"),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            (("a", "What's the VIN?"), ("c", "WVWZZZ1JZXW000001. It's a 2011 Golf GTI.")),
            "2011 Golf",
        ),
        (
            (("a", "What's your Wi-Fi password?"), ("c", "It's Xb7Qm2Lp. The box is a Hub 5.")),
            "Hub 5",
        ),
        (
            (("a", "And your passport number?"), ("c", "K4817263. We fly out on BA 217 Tuesday.")),
            "BA 217",
        ),
        ((("c", "Our tax ID is 12-3456789, it's on the invoice."),), "12-3456789"),
        ((("a", "Hello, how can I help?"), ("c", "Hi, Sarah, it's about Mill Lane.")), "Sarah"),
        ((("a", "When does the card expire?"), ("c", "Not sure, I've had it since 2019.")), "2019"),
    ],
)
def test_ordinary_words_and_numbers_are_kept(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    "turn",
    [
        "0161 496 0123. No, sorry, 0124 at the end.",
        "0161 496 0123. Or my wife's, 0161 496 0999.",
    ],
)
def test_what_corrects_or_repeats_the_answer_stays_the_answer(turn: str) -> None:
    out = redact_call(("a", "What's the best number for you?"), ("c", turn))[0]
    assert "012" not in out and "0999" not in out
