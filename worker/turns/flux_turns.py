"""Turns Deepgram Flux ends: which STT serves the call, and how the judge reads its turns.

Flux decides the end of a turn inside its model and sends the turn's transcript as one
final at ``EndOfTurn`` (an ``EagerEndOfTurn`` before it, where the session starts its
preemptive reply; ``docs/flux.md``). The transcript judge still reads that final: what
Flux cannot know, that the agent asked for a phone number and the caller has read three
digits of it, holds the turn as it does behind Nova. What the judge takes from
punctuation alone gives way: a Nova final without a full stop is a fragment cut at a
pause, while a Flux final exists only because Flux judged the turn over.

Between ``EndOfTurn`` messages Flux repeats the turn's words in an ``Update`` about every
0.25 s of audio (interim transcripts), so for a Flux call an interim is a sign of a
working connection, not of a final that is late.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from livekit.agents import llm, stt
from livekit.agents.stt import AvailabilityChangedEvent
from livekit.plugins import deepgram

from worker.turns.turn_judge import TranscriptTurnJudge, TurnVerdict

__all__ = ["STT_ENDED_REASON", "ServingStt", "SttEndOfTurnJudge", "flux_serving"]

STT_ENDED_REASON = "stt_end_of_turn"
"""The verdict's reason when the STT's own end of turn stood for a full stop."""

# Verdicts drawn from punctuation alone, which an STT that ends turns itself replaces.
_PUNCTUATION_ONLY = frozenset({"unpunctuated"})


class ServingStt:
    """Which of the call's STT engines serves it now: the first one the fallback adapter
    has not marked unavailable (its ``stt_availability_changed`` events).

    Args:
        session_stt: the STT the session uses (an engine, or a fallback adapter).
        engines: the engines behind it, in fallback order.
    """

    def __init__(self, session_stt: stt.STT[Any], engines: Sequence[stt.STT[Any]]) -> None:
        self._engines = tuple(engines)
        self._down: set[int] = set()
        if isinstance(session_stt, stt.FallbackAdapter):
            session_stt.on("stt_availability_changed", self._on_availability)

    def _on_availability(self, event: AvailabilityChangedEvent) -> None:
        for index, engine in enumerate(self._engines):
            if engine is event.stt:
                if event.available:
                    self._down.discard(index)
                else:
                    self._down.add(index)

    def ends_turns(self) -> bool:
        """Whether the serving STT ends turns itself (Deepgram Flux)."""
        serving = next(
            (e for i, e in enumerate(self._engines) if i not in self._down), self._engines[0]
        )
        return isinstance(serving, deepgram.STTv2)


class SttEndOfTurnJudge(TranscriptTurnJudge):
    """The transcript judge for a call whose STT may end turns itself.

    Args:
        stt_ends_turns: whether the STT serving the call now ends turns itself; while it
            does, a turn the judge would keep open only for want of a full stop is final.
        **options: the :class:`~worker.turns.turn_judge.TranscriptTurnJudge` options.
    """

    def __init__(self, *, stt_ends_turns: Callable[[], bool], **options: Any) -> None:
        super().__init__(**options)
        self._stt_ends_turns = stt_ends_turns

    def verdict(self, chat_ctx: llm.ChatContext) -> TurnVerdict:
        verdict = super().verdict(chat_ctx)
        if verdict.reason in _PUNCTUATION_ONLY and self._stt_ends_turns():
            return TurnVerdict("final", STT_ENDED_REASON, verdict.dictation)
        return verdict


def flux_serving(
    session_stt: stt.STT[Any], engines: Sequence[stt.STT[Any]]
) -> tuple[ServingStt, Callable[..., TranscriptTurnJudge]] | None:
    """For a call with a Flux engine: what serves it, and the judge to build; else None."""
    if not any(isinstance(engine, deepgram.STTv2) for engine in engines):
        return None
    serving = ServingStt(session_stt, engines)
    return serving, partial(SttEndOfTurnJudge, stt_ends_turns=serving.ends_turns)
