"""Kinds of error read from the thirty-first PII corpus's leaks: a maiden name said
before the words that name it, or as the caller's name before marriage; a birth date's
day and month, then its year in the next turn; and a porting code named by its initials
alone (PAC, STAC). What stays: a sentence about a maiden name that gives none."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "said",
    [
        "Oh, Pemberton is my maiden name, it might be under that.",
        "It could be in Quinlan, that was my mum's maiden name.",
        "I think so, before I got married my name was Rosa Delgado.",
    ],
)
def test_a_maiden_name_said_before_its_label(said: str) -> None:
    out = redacted_text(("a", "Is there another name the policy could be under?"), ("c", said))
    for name in ("Pemberton", "Quinlan", "Delgado"):
        assert name not in out


@pytest.mark.parametrize(
    "said",
    ["That was my maiden name, yes.", "It's all under my maiden name.", "What's a maiden name?"],
)
def test_a_sentence_about_a_maiden_name_keeps_its_words(said: str) -> None:
    out = redacted_text(("a", "How can I help today?"), ("c", said))
    assert out == said


def test_a_birth_dates_year_in_the_turn_after_its_day_and_month() -> None:
    out = redacted_text(
        ("a", "Can I take your date of birth?"),
        ("c", "March 14."),
        ("a", "Mhm."),
        ("c", "1962."),
    )
    assert "1962" not in out and "14" not in out


@pytest.mark.parametrize(
    ("said", "code"),
    [
        ("Yes, the PAC is XKT 448 201 and it's valid for a month.", "448 201"),
        ("I've got my STAC here, it's 339 120 LMP.", "339 120"),
    ],
)
def test_a_porting_code_named_by_its_initials(said: str, code: str) -> None:
    out = redacted_text(("a", "How can I help?"), ("c", said))
    assert code not in out
    assert "valid for a month" in out or "I've got my" in out
