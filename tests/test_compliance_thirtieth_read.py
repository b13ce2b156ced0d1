"""Kinds of error read from the thirtieth PII corpus's leaks: a card begun, then the
caller's aside and the agent's reassurance, then its rest; and what stays: a citation's
number said beside a plate, and a question of the agent's own after a whole value."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_a_card_resumed_after_an_aside_and_a_reassurance() -> None:
    said = redacted_text(
        ("a", "Could I take the long number on the card?"),
        ("c", "5555 4444."),
        ("a", "Mhm."),
        ("c", "Hang on, you're definitely the bank, aren't you?"),
        ("a", "Yes, this line is secure."),
        ("c", "Right. 3333 1111."),
    )
    assert "3333" not in said and "1111" not in said


def test_a_citation_number_beside_a_plate_stays() -> None:
    said = redacted_text(
        ("a", "Can I have the plate and the citation number?"),
        ("c", "Plate's 7ABC 123. Citation number 5520913."),
    )
    assert "5520913" in said
    assert "7ABC" not in said


def test_a_question_of_the_agents_own_ends_the_value() -> None:
    said = redacted_text(
        ("a", "Read me the VIN, please."),
        ("c", "1 H G. C M 8 2. 6 3 3. A 0 0 4 3 5 2."),
        ("a", "Thanks, that's a Honda, isn't it?"),
        ("c", "Yes, a 2003 model."),
    )
    assert "2003 model" in said
