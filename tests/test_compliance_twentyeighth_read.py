"""Kinds of error read from the twenty-eighth PII corpus's leaks: a code asked for as
"Code please?", a plate after "plates", a rural route box; and what stays: an order
number written with dashes (no card sought inside it), and a freephone range named by its
prefix ("the 0800 number")."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


def test_a_code_asked_for_in_two_words() -> None:
    said = redacted_text(("a", "Code, please?"), ("c", "It's showing 3318, valid for 5 minutes."))
    assert "3318" not in said
    assert "5 minutes" in said


def test_a_plate_after_plates() -> None:
    said = redacted_text(
        ("a", "Which vehicle is it?"), ("c", "Blue Transit van, Ohio plates, K T Y 2 2 0 7.")
    )
    assert "2 2 0 7" not in said


def test_a_rural_route_box() -> None:
    said = redacted_text(("a", "Mailing address?"), ("c", "RR 4 Box 92, Dalton, Georgia."))
    assert "RR 4" not in said and "92" not in said


@pytest.mark.parametrize(
    ("agent", "caller", "kept"),
    [
        (
            "What's the order number?",
            "It's order 203-3641207-5598123.",
            "203-3641207-5598123",
        ),
        ("Where did you see our number?", "On the van, the 0808 number.", "0808"),
    ],
)
def test_what_names_no_one_stays(agent: str, caller: str, kept: str) -> None:
    assert kept in redacted_text(("a", agent), ("c", caller))
