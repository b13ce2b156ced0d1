"""Kinds of error read from the thirty-third PII corpus's leaks: a house number or half a
postcode corrected in the same breath ("Sorry, 26."), a value read back after a bare
"So ..." and corrected at its end, characters of a memorable word named by their place
("2 is R, 6 is P"), and an end of a value named before the whole of it ("the one ending
883 ... 07700 900883"). What stays: a stall after a house number."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_a_house_number_corrected_in_the_same_breath() -> None:
    out = redacted_text(
        ("a", "What's the address for the engineer?"),
        ("c", "62 Linden Avenue. No, 26. I always swap them. 26 Linden Avenue."),
    )
    assert "62" not in out and "26" not in out


def test_half_a_postcode_corrected_in_the_same_breath() -> None:
    out = redacted_text(
        ("a", "And the postcode?"),
        ("c", "LS6 2QT. Sorry, 3QT. LS6 3QT."),
    )
    assert "3QT" not in out and "2QT" not in out


def test_a_correction_after_a_bare_so_read_back() -> None:
    out = redacted_text(
        ("a", "What's the IBAN for the refund?"),
        ("c", "GB33 BUKB 2020 1555 5555 55."),
        ("a", "So GB33 BUKB 2020 1555 5555 56."),
        ("c", "No, 55. Five five at the end."),
    )
    assert "No, 55" not in out and "Five five" not in out


def test_characters_named_by_their_place() -> None:
    out = redacted_text(
        ("a", "Could I have characters two and six of your memorable word?"),
        ("c", "2 is R, 6 is P."),
    )
    assert " R" not in out and " P" not in out


def test_an_end_named_before_the_whole_value() -> None:
    out = redacted_text(
        ("a", "Which number should we call?"),
        ("c", "The one ending 883, my mobile. The whole number is 07700 900883."),
    )
    assert "883" not in out


def test_a_start_named_before_the_whole_iban() -> None:
    out = redacted_text(
        ("a", "Which account is the refund going to?"),
        ("c", "The German one, it starts DE89. DE89 3704 0044 0532 0130 00."),
    )
    assert "DE89" not in out


def test_a_stall_after_a_house_number_stays() -> None:
    out = redacted_text(
        ("a", "What's the address?"), ("c", "12 Mill Lane. Sorry, 2 minutes, the kettle.")
    )
    assert "2 minutes, the kettle." in out
