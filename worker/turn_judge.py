"""End-of-turn judgment from the (redacted) transcript.

The offline audio model scores synthetic and narrowband speech poorly (see
shared notes: complete sentences under its threshold, fragments above it), so a turn
that is plainly finished would wait the full maximum delay. This judge reads the words
instead: a turn that stops on a word that cannot end a sentence ("of", "the", "my",
"number is") is unfinished and gets the long delay; a punctuated, complete-looking turn
gets the short one. It plugs into the framework's ``turn_detection`` protocol, so a better
model replaces it without touching the session.
"""

from __future__ import annotations

import re

from livekit.agents import llm
from livekit.agents.language import LanguageCode

__all__ = ["TranscriptTurnJudge", "last_user_text"]

_DANGLING = frozenset(
    """
    a an the to of for from with without in on at by under over into about as than
    and or but so because if when while that which who whose where my your our their his her its
    is are was were be been am i'm it's i we you they he she um uh er like just um-hmm
    uh-huh then also plus
    """.split()
)
_WORD = re.compile(r"[\w'\-\[\]]+")


def last_user_text(chat_ctx: llm.ChatContext) -> str:
    """The caller's latest message, or "" before the caller has said anything."""
    for item in reversed(chat_ctx.items):
        if item.type == "message" and item.role == "user":
            return (item.text_content or "").strip()
    return ""


class TranscriptTurnJudge:
    """Implements the framework's turn-detector protocol on transcript text."""

    def __init__(self, *, unlikely_threshold: float = 0.2) -> None:
        self._threshold = unlikely_threshold

    @property
    def model(self) -> str:
        return "transcript-judge"

    @property
    def provider(self) -> str:
        return "callcenter"

    async def unlikely_threshold(self, language: LanguageCode | None) -> float | None:
        return self._threshold

    async def supports_language(self, language: LanguageCode | None) -> bool:
        return language is None or str(language).lower().startswith("en")

    async def predict_end_of_turn(
        self,
        chat_ctx: llm.ChatContext,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the framework's protocol signature
    ) -> float:
        return self.score(last_user_text(chat_ctx))

    @staticmethod
    def score(text: str) -> float:
        """Probability-like score that the caller has finished their turn."""
        words = _WORD.findall(text.lower())
        if not words:
            return 1.0
        if words[-1].strip("-") in _DANGLING or text.endswith((",", "-", "...")):
            return 0.05
        # Digits or a placeholder with no full stop: a number read out in groups, and
        # callers breathe between groups ("4111 1111 ... 1111 1111").
        if text[-1].isdigit() or text.endswith("]"):
            return 0.05
        if text.endswith(("?", ".", "!")):
            return 0.9
        # Unpunctuated: Deepgram (punctuate=true) ends what it hears as a complete
        # sentence with a mark, so a bare fragment ("I would like to change") is a pause.
        return 0.1
