"""A turn the framework committed while the STT still owed the caller's words is held,
and its text goes with the turn those words arrive in.

The framework commits a turn at its maximum endpointing delay whatever the STT is
doing. A streaming STT's final can come later than that: Deepgram's measured p90 is
1.26 s after the caller stops, and a second breath ("Hi," then "I have a question about
my bill.") is finalized on its own. Replying to the first part alone answers half the
sentence; the late final then arrives as a new turn and interrupts that reply (the
framework logs "transcript arrives after turn has been committed"). Held instead, the
caller gets one reply to everything they said. If the final never comes, the
late-transcript bridge speaks meanwhile and asks the caller to repeat.
"""

from __future__ import annotations

import time

import structlog
from livekit.agents import llm

from worker.turns.turn_judge import RawTurnText

__all__ = ["TurnHold"]

log = structlog.get_logger(__name__)

_MAX_OWED_S = 5.0
"""A final owed for longer than this is not coming (a lost connection is the bridge's
to handle): the turn is answered with what it has."""


class TurnHold:
    """One call's held turn text.

    Args:
        stt: what the STT has and has not finalized.
    """

    def __init__(self, stt: RawTurnText) -> None:
        self._stt = stt
        self._held: str | None = None

    def should_hold(self, new_message: llm.ChatMessage) -> bool:
        """Whether to reply to ``new_message`` later; if not, it now carries any held
        text before its own. A turn is held at most once in a row, so a flag the STT
        never clears cannot keep the agent quiet."""
        text = new_message.text_content or ""
        if self._held is not None:
            new_message.content = [f"{self._held} {text}".strip()]
            self._held = None
            return False
        owed_for = time.time() - self._stt.awaiting_since
        if self._stt.awaiting_final and owed_for < _MAX_OWED_S:
            self._held = text
            log.info("turn_held_for_owed_final", owed_ms=round(owed_for * 1000.0))
            return True
        return False
