"""Kinds of error read from the twentieth PII corpus's leaks: a number of no kind asked
for ("Go ahead with the number.") read in groups of three, its first group included, and
a security answer said inside a story ("Mum was a Kavanagh before she married Dad in
1968."), whose story, year and kin words stay."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


def test_a_number_asked_for_is_redacted_from_its_first_group() -> None:
    said = redact_call(
        ("a", "Okay, go ahead with the number."),
        ("c", "617."),
        ("a", "Mhm."),
        ("c", "555."),
        ("a", "Mhm."),
        ("c", "0144."),
    )
    assert "617" not in " ".join(said)
    assert "0144" not in " ".join(said)


def test_a_security_answer_told_as_a_story_keeps_the_story() -> None:
    said = " ".join(
        redact_call(
            ("a", "For security, what was your mother's maiden name?"),
            ("c", "Well, Mum was a Prendergast until she married Dad in 1971."),
        )
    )
    assert "Prendergast" not in said
    assert "1971" in said
    assert "married Dad" in said


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        ((("a", "Which number did you want?"), ("c", "12.")), "12"),
        ((("a", "What's the number?"), ("c", "3 tickets, please.")), "3 tickets"),
    ],
)
def test_a_count_answering_a_number_question_stays(
    turns: tuple[tuple[str, str], ...], kept: str
) -> None:
    assert kept in " ".join(redact_call(*turns))
