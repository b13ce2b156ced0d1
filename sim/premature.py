"""What counts as a premature answer: one definition for simulated calls and benchmarks.

A turn is premature when the agent committed to answering before the caller had
finished: the end of turn was declared (the framework scheduled the reply, so the LLM
request holding only part of the sentence is the one answered) or the agent's audio
started, while the caller still had words to say after a pause.

A *preemptive* LLM request sent during the pause does not count by itself: the framework
discards it when the caller goes on, and nothing reaches the caller. What counts is the
commit: in livekit-agents 1.8 the agent state turns ``thinking`` once a reply is
scheduled, after the user message is added to the chat context
(``AgentActivity._pipeline_reply_task``), never for a preemptive generation still waiting
for the end of turn.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["premature_turn"]


def premature_turn(
    *,
    caller_end: float,
    committed_at: Iterable[float] = (),
    first_audio_at: float | None = None,
) -> bool:
    """Whether the agent answered a turn before the caller finished it.

    All times on one clock (the event loop's in simulated calls).

    Args:
        caller_end: end of the caller's last voiced sample in the turn.
        committed_at: when the agent committed to a reply during the turn (agent state
            ``thinking``), from the turn's start on.
        first_audio_at: first agent audio frame played during the turn, if any.
    """
    if first_audio_at is not None and first_audio_at < caller_end:
        return True
    return any(at < caller_end for at in committed_at)
