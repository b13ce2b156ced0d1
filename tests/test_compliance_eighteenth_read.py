"""Kinds of error read from the eighteenth PII corpus's leaks: a date of birth said again
as its day and month ("That's December 5th."), and a policy number's letters read before
a pause and its digits after ("MTR. 0058."). What stays: a setting "set to" a number
("It's set to 4 degrees" named no password), and another date after a date of birth."""

from __future__ import annotations

import pytest
from support import redact_call

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        (
            (
                ("a", "And the date of birth?"),
                ("c", "03/14/1988. So March 14th."),
            ),
            "March 14th",
        ),
        (
            (
                ("a", "Can I take your date of birth?"),
                ("c", "The 2nd of June 1954."),
                ("a", "Thank you. Was that the 2nd?"),
                ("c", "Yes, June the 2nd."),
            ),
            "June the 2nd",
        ),
        (
            (
                ("a", "Your policy number is printed under your name."),
                ("c", "Okay, it says policy number KLB. 4471. 9023."),
            ),
            "KLB",
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
                ("a", "What seems to be the problem with the freezer?"),
                ("c", "It's set to 18 below and it's still icing up."),
            ),
            "18",
        ),
        (
            (
                ("a", "What's the trouble with the heating?"),
                ("c", "I set it to 21 and the radiators stay cold."),
            ),
            "21",
        ),
        (
            (
                ("a", "Date of birth, please?"),
                ("c", "The 2nd of June 1954, and the visit is on the 9th of June."),
            ),
            "9th of June",
        ),
    ],
)
def test_what_is_no_secret_stays(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))
