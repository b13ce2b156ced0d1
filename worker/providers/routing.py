"""Fast/strong model routing by intent class, never by length.

A short turn can be hard ("cancel it") and a long one trivial ("okay great thanks so much
that's all"); what the caller *does* decides whether the strong model is needed. Only a
closed class of conversational glue — acknowledgements, thanks, greetings, goodbyes — goes
to the fast model; anything else, and anything with a placeholder or a digit, is a task.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["IntentClass", "classify_intent"]

IntentClass = Literal["glue", "task"]

_GLUE_WORDS = frozenset(
    """
    ok okay alright right sure yes yeah yep no nope thanks thank you cheers great perfect
    cool fine good got it that's that all hi hello hey bye goodbye see ya mhm uh huh um oh
    so much very appreciate it sounds awesome wonderful nothing else is for now
    """.split()
)
_WORD = re.compile(r"[a-z']+")


def classify_intent(text: str) -> IntentClass:
    """``glue`` when every word belongs to conversational glue, else ``task``."""
    lowered = text.lower()
    if "[" in lowered or any(ch.isdigit() for ch in lowered):
        return "task"
    words = _WORD.findall(lowered)
    if words and all(word in _GLUE_WORDS for word in words):
        return "glue"
    return "task"
