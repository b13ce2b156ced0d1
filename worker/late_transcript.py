"""A bridge line when the caller has finished speaking but the STT's final transcript is
late (a stalled STT socket), so the caller does not sit in silence meanwhile.

Only while the STT owes a final: it showed words (an interim result) or heard speech
begin (Deepgram's ``SpeechStarted``) and has not finalized or endpointed since. A short
answer ("Yes.") ends before Deepgram's first interim, so speech begun is the only sign a
stalled socket holds the caller's words; a cough the STT endpoints with no words clears
it, and the agent stays quiet.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from livekit.agents import AgentSession
from livekit.agents.voice.events import (
    AgentStateChangedEvent,
    CloseEvent,
    UserInputTranscribedEvent,
    UserStateChangedEvent,
)

from worker.state import CallState
from worker.turn_judge import RawTurnText

__all__ = ["LateTranscriptBridge"]

log = structlog.get_logger(__name__)


class LateTranscriptBridge:
    """Speaks ``lines`` (one per wait) while a final transcript is overdue.

    Args:
        session: the call's session.
        lines: what to say, in order; silence once they run out.
        after_s: how long after the caller stops speaking a final counts as late (a
            healthy streaming STT finalises within a few hundred milliseconds).
        every_s: wait between further lines, counted from the end of the previous one.
    """

    def __init__(
        self,
        session: AgentSession[CallState],
        lines: Sequence[str],
        *,
        after_s: float = 1.5,
        every_s: float = 1.5,
    ) -> None:
        self._session = session
        self._stt_state: RawTurnText = session.userdata.turn_text
        self._lines = tuple(lines)
        self._after_s = after_s
        self._every_s = every_s
        self._heard_words = False
        self._caller_speaking = False
        self._task: asyncio.Task[None] | None = None
        session.on("user_input_transcribed", self._on_transcript)
        session.on("user_state_changed", self._on_user_state)
        session.on("agent_state_changed", self._on_agent_state)
        session.on("close", self._on_close)

    def _on_transcript(self, event: UserInputTranscribedEvent) -> None:
        if event.is_final:
            self._heard_words = False
            self._cancel()
        elif event.transcript.strip():
            self._heard_words = True
            if not self._caller_speaking:
                self._start()

    def _on_user_state(self, event: UserStateChangedEvent) -> None:
        self._caller_speaking = event.new_state == "speaking"
        if self._caller_speaking:
            self._cancel()
        elif self._owed():
            self._start()

    def _on_agent_state(self, event: AgentStateChangedEvent) -> None:
        # Thinking: the turn reached the LLM, whose own bridge lines take over.
        if event.new_state == "thinking":
            self._heard_words = False
            self._cancel()

    def _on_close(self, _: CloseEvent) -> None:
        self._cancel()

    def _owed(self) -> bool:
        """Whether the STT still owes a final for speech it heard."""
        return self._heard_words or self._stt_state.awaiting_final

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._bridge(), name="LateTranscriptBridge")

    def _cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def _bridge(self) -> None:
        await asyncio.sleep(self._after_s)
        for line in self._lines:
            # The STT's endpoint with no words (noise) sends no transcript event.
            if not self._owed():
                return
            log.warning("stt_final_late_bridging")
            handle = self._session.say(line, add_to_chat_ctx=False)
            await handle
            await asyncio.sleep(self._every_s)
