"""The redactor keeps what callers say when they give no value.

The end-of-turn corpora were written by other engineers, as callers talk, for issue 27:
their complete sentences, mid-sentence pauses and backchannels hold no personal value by
construction. Each such turn, with the agent's line before it as the redactor's context,
must reach the model word for word. (The corpora no one changing the turn judge has read
are left out, so that a failure here never has anyone read them.)
"""

from __future__ import annotations

import pytest

from bench.turn_corpus_independent import (
    LATER_CORPORA,
    UNREAD_CORPORA,
    load_independent,
    load_later,
)
from compliance import CallRedactor, RedactionPolicy

_NO_VALUE = ("complete", "complete_noun_end", "mid_pause", "backchannel")


def _turns() -> list[tuple[str, str, str]]:
    items = [("independent", i) for i in load_independent()]
    items += [(n, i) for n in LATER_CORPORA if n not in UNREAD_CORPORA for i in load_later(n)]
    return [
        (f"{name}/{item.id}", item.agent, " ".join(p.heard for p in item.parts))
        for name, item in items
        if item.cls in _NO_VALUE
    ]


def test_a_turn_that_gives_no_value_reaches_the_model_as_said() -> None:
    turns = _turns()
    changed = []
    for key, agent, said in turns:
        redactor = CallRedactor(RedactionPolicy())
        redactor.agent_said(agent)
        out = redactor.redact(said)
        if out != said:
            changed.append((key, said, out))
    assert len(turns) > 1900
    assert changed == []


@pytest.mark.parametrize(
    "said",
    [
        "It keeps saying my password is wrong.",
        "The app says my security word is expired.",
    ],
)
def test_what_a_password_is_is_not_the_password(said: str) -> None:
    redactor = CallRedactor(RedactionPolicy())
    redactor.agent_said("How can I help?")
    assert redactor.redact(said) == said
