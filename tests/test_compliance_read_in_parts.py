"""A long number read in counted parts ("The first eight are ...", "And the last eight are
..."), with no card named, and a value's digits read back after it ("That's 0 1 2 3 at the
end."), and an identifier's last letter after "and". The count is never a digit of the value;
an ordinary number after a value stays."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


def test_a_card_read_in_counted_halves_over_two_turns_is_one_card() -> None:
    out = redact_call(
        ("c", "The first eight are 5500 0055."),
        ("a", "Mhm."),
        ("c", "And the last eight are 5555 5559."),
    )
    assert "0055" not in out[0] and "5559" not in out[1]
    assert "eight" in out[1]  # the count stays words, not a digit of the card
    # Both halves carry one placeholder: the model sees one card.
    first = out[0].split("are ", 1)[1].rstrip(".")
    assert first in out[1]


def test_the_count_is_not_chained_onto_the_card() -> None:
    out = redact_call(
        ("a", "Can I take the card number?"),
        ("c", "The first eight are 4111 1111."),
        ("a", "Mhm."),
        ("c", "And the last eight are 1111 1111."),
    )
    assert out[1].startswith("And the last eight are [")


@pytest.mark.parametrize(
    "turn",
    ["0161 496 0123. That's 0 1 2 3 at the end.", "0161 496 0123. That's 0123 at the end."],
)
def test_a_values_digits_read_back_after_it_are_the_value(turn: str) -> None:
    out = redact_call(("a", "What's the best number for you?"), ("c", turn))[0]
    assert "0123" not in out and "0 1 2 3" not in out


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("My card is 4111 1111 1111 1111 and I owe 111 pounds.", "111 pounds"),
        ("My number is 0161 496 0123, and I have 496 points.", "496 points"),
        ("The first 2 are fine, the third is broken.", "first 2"),
    ],
)
def test_an_ordinary_number_after_a_value_stays(said: str, kept: str) -> None:
    assert kept in redact_call(("c", said))[0]


def test_an_identifiers_last_letter_after_and_is_part_of_it() -> None:
    out = redact_call(
        ("a", "What's your National Insurance number?"), ("c", "QQ 12 34 56, and C at the end.")
    )[0]
    assert " C " not in f" {out} " and out.endswith("at the end.")


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("My policy is ABC12345 and 2 cars are on it.", "2 cars"),
        ("The plate is AB12 CDE and I think it's blue.", "and I think"),
    ],
)
def test_and_before_a_word_or_a_number_ends_the_identifier(said: str, kept: str) -> None:
    assert kept in redact_call(("c", said))[0]
