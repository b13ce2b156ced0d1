"""Kinds of error read from the thirty-fifth PII corpus's leaks: an answer given again
after the caller says they have given it already, a date of birth's year corrected after
"hang on", passwords listed after "I've tried", a six-digit code asked back ("Was that
...?") and corrected, and more of an account than its last four said as its "ending".
What stays: a five-digit number asked back (a ZIP is kept by policy), an amount asked
back, and a card's last four."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_an_answer_given_again_in_a_temper() -> None:
    out = redacted_text(
        ("a", "And your mother's maiden name, please?"),
        ("c", "I've said it twice already! Okonkwo. O K O N K W O."),
    )
    assert "Okonkwo" not in out and "O K O N K W O" not in out


def test_a_birth_year_corrected_after_hang_on() -> None:
    out = redacted_text(
        ("a", "Can I take the date of birth?"),
        ("c", "12 March 1979. Oh, hang on, 1978, I always get that wrong."),
    )
    assert "1978" not in out and "1979" not in out


def test_passwords_listed_after_ive_tried() -> None:
    out = redacted_text(
        ("a", "What seems to be the problem?"),
        ("c", "I've tried Marigold77 and marigold77 and it won't let me in."),
    )
    assert "arigold77" not in out


def test_a_six_digit_code_asked_back_and_corrected() -> None:
    out = redacted_text(("a", "Was that 318 447?"), ("c", "318 474. It ends 474."))
    assert "474" not in out and "318" not in out


def test_more_than_the_last_four_said_as_an_ending() -> None:
    out = redacted_text(
        ("a", "Thanks for waiting."),
        ("c", "It's about the account ending 40 12 7755, I'd like to close it."),
    )
    assert "7755" not in out


@pytest.mark.parametrize(
    ("agent", "said", "kept"),
    [
        ("Was that 10001?", "No, 10010.", "10010"),
        ("Is that 2,500 pounds?", "No, 2,600.", "2,600"),
        ("Which card is it?", "The one ending 4242.", None),
    ],
)
def test_what_stays(agent: str, said: str, kept: str | None) -> None:
    out = redacted_text(("a", agent), ("c", said))
    if kept is not None:
        assert kept in out
    else:
        assert "[LASTFOUR_1]" in out
