"""A listener's noise ("Mhmm.") said while the agent talks is never a secret answer, even
when the agent's line reads like a security question ("...the first game starts at two
fifteen"). Found when xylosma's turns joined the read corpora the redactor must pass
word for word (tests/test_compliance_turn_corpora_keep.py)."""

from __future__ import annotations

import pytest
from support import redacted_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("said", ["Mhmm.", "Mm-hmm.", "Mhm.", "Mmhmm."])
def test_a_listeners_noise_is_not_the_answer(said: str) -> None:
    out = redacted_text(("a", "What was the name of your first school?"), ("c", said))
    assert out == said


def test_the_answer_after_the_noise_is_still_taken() -> None:
    out = redacted_text(("a", "What was the name of your first school?"), ("c", "Mhmm. Hillcrest."))
    assert "Hillcrest" not in out
