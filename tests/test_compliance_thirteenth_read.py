"""Kinds of error read from the thirteenth PII corpus's leaks: a maiden name after the
cue's comma, a house's name and its road when the agent asks where the property is, an
identifier spelled then written whole, characters of a memorable word joined by "and",
the rest of a security answer after the agent's "Mhm.", and "I'm" after an identifier.
What stays: the words after the identifier, a remark after the answer, thanks."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        (
            (("a", "Did you have another surname before?"), ("c", "My maiden name, Okafor.")),
            "Okafor",
        ),
        (
            (
                ("a", "Where is the property located?"),
                ("c", "Rathmore Lodge, Castle Road, Dunmanway."),
            ),
            "Rathmore Lodge",
        ),
        (
            (("a", "Your passport number?"), ("c", "Z Y 4 4 0 9 1 7 2. ZY4409172, yes.")),
            "ZY4409172",
        ),
        (
            (
                ("a", "Could I have the 1st and 4th letters of your security word?"),
                ("c", "It's Marigold, so M and I."),
            ),
            "M and I",
        ),
        (
            (
                ("a", "What was the name of your first school?"),
                ("c", "St Aidan's."),
                ("a", "Mm-hm."),
                ("c", "Primary. It was in Leeds."),
            ),
            "Primary",
        ),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            (
                ("a", "Your membership number, please."),
                ("c", "7781 20334 5, and I'm on the family plan."),
            ),
            "and I'm on the family plan",
        ),
        (
            (
                ("a", "What was your first car?"),
                ("c", "A Fiesta."),
                ("a", "Mm-hm."),
                ("c", "Thanks. Can we talk about the bill?"),
            ),
            "Thanks. Can we talk about the bill?",
        ),
        (
            (
                ("a", "Where's the house?"),
                ("c", "It's the one by the church, 2 doors down."),
            ),
            "2 doors down",
        ),
    ],
)
def test_what_is_no_secret_stays(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))
