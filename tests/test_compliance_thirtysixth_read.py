"""Kinds of error read from the thirty-sixth PII corpus's leaks: characters of a secret
or a maiden name asked for by their places and named with ordinal words ("First is W,
last is K.", "second is H"), not only with figures ("3 is L")."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_memorable_word_letters_named_by_ordinal_words() -> None:
    out = redacted_text(
        ("a", "The first and last letters of your memorable word, please."),
        ("c", "First is R, last is T."),
    )
    assert " R" not in out and " T" not in out


def test_maiden_name_letters_named_by_ordinal_words() -> None:
    out = redacted_text(
        ("a", "What are the third and fifth letters of your mother's maiden name?"),
        ("c", "Third is D, fifth is N."),
    )
    assert " D" not in out and " N" not in out


def test_a_place_word_without_a_letter_stays() -> None:
    said = "The first is fine, thanks."
    out = redacted_text(("a", "Which of the two dates suits you?"), ("c", said))
    assert out == said
