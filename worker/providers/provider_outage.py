"""Ending a call the pipeline can no longer serve.

With every TTS in the fallback chain down, the caller cannot hear anything the agent
says, not even an apology: keeping the line open only leaves them in silence. The
framework closes the session by itself only after several unrecoverable errors in a
row (``max_unrecoverable_errors``), each a caller turn met with silence; the first
one already means the whole chain failed, so the call ends there with its outcome
recorded.
"""

from __future__ import annotations

import structlog
from livekit.agents import AgentSession, tts
from livekit.agents.voice.events import CloseEvent, CloseReason, ErrorEvent

from worker.call.outcome import CallOutcome
from worker.call.state import CallState

__all__ = ["end_call_when_unservable"]

log = structlog.get_logger(__name__)


def end_call_when_unservable(session: AgentSession[CallState], state: CallState) -> None:
    """Record ``error`` and close the session once no TTS can speak to the caller.

    Args:
        session: the call's session.
        state: the call's state, where the outcome is recorded.
    """

    def on_error(event: ErrorEvent) -> None:
        error = event.error
        if isinstance(error, tts.TTSError) and not error.recoverable:
            log.error("tts_unavailable_ending_call", error=type(error.error).__name__)
            state.end_with(CallOutcome.ERROR)
            if state.actions is not None:
                # Hang up the way the agent does: deleting the room ends the caller's SIP
                # leg. Closing only our session would leave the caller on an open line.
                state.actions.hang_up_soon()
            else:
                session.shutdown(drain=False)

    def on_close(event: CloseEvent) -> None:
        # The framework's own close after repeated STT/LLM/TTS failures.
        if event.reason == CloseReason.ERROR:
            state.end_with(CallOutcome.ERROR)

    session.on("error", on_error)
    session.on("close", on_close)
