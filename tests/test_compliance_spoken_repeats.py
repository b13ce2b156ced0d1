""" "Double" and "treble" in digits read out, as the STT writes them."""

from __future__ import annotations

import pytest

from compliance import normalise, redact_text


@pytest.mark.parametrize(
    ("heard", "written"),
    [
        # The STT writes "double oh four" as "Double 04": the first digit said twice.
        ("Double 04.", "004."),
        ("077 double 0.", "077 00."),
        # "Treble" is how British callers say three of a digit.
        ("0 treble 9.", "0 999."),
        ("Treble 05.", "0005."),
        ("Double 5 double 5.", "55 55."),
        # Two written groups stay two.
        ("077 900.", "077 900."),
        ("It was a double. 4 nights.", "It was a double. 4 nights."),
    ],
)
def test_a_repeated_digit_is_written_out(heard: str, written: str) -> None:
    assert normalise(heard).text == written


def test_a_mobile_read_with_treble_is_redacted_whole() -> None:
    # Before "treble" was a repeat, its last digits were left in the transcript.
    assert redact_text("My mobile is 07700 900 treble 5.") == "My mobile is [PHONE]."
