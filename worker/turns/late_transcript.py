"""A bridge line when the caller has finished speaking but the STT's final transcript is
late (a stalled STT socket), so the caller does not sit in silence meanwhile; and a
request to say it again when the STT connection that held their words failed.

Only while the STT owes a final: it showed words (an interim result) or heard speech
begin (Deepgram's ``SpeechStarted``) and has not finalized or endpointed since. A short
answer ("Yes.") ends before Deepgram's first interim, so speech begun is the only sign a
stalled socket holds the caller's words; a cough the STT endpoints with no words clears
it, and the agent stays quiet.

An STT that shows nothing at all (a socket whose handshake hangs until the plugin's
connect timeout) is seen through the framework's ``user_transcription_timeout``: the VAD
heard speech and no final came. A cough can do that too, so only speech long enough to
hold words counts.

A streaming STT transcribes only the audio its connection received, and the plugins do
not replay audio into the next one (Deepgram: "Recovering from connection errors and
timeouts when live streaming audio"). When a connection fails while it owes a final,
the words it held are gone: waiting with bridge lines would wait for nothing, so the
agent asks the caller to repeat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import structlog
from livekit.agents import AgentSession, stt
from livekit.agents.voice.events import (
    AgentStateChangedEvent,
    CloseEvent,
    UserInputTranscribedEvent,
    UserStateChangedEvent,
    UserTranscriptionTimeoutEvent,
)

from worker.call.state import CallState
from worker.turns.turn_judge import RawTurnText

__all__ = ["LATE_FINAL_AFTER_S", "LateTranscriptBridge"]

log = structlog.get_logger(__name__)

_SETTLE_S = 0.2
LATE_FINAL_AFTER_S = 1.5
"""How long after the caller stops a final counts as late (a healthy streaming STT
finalises within a few hundred milliseconds); the session's ``transcription_timeout``."""
_FAULT_AFTER_LINE_S = 0.5
"""After the turn's one bridge line, how long the agent waits before asking again: the
request's own TTS time comes on top, and three seconds of silence sound like a dead line."""
_UNHEARD_MIN_SPEECH_S = 0.8
"""Speech the VAD heard without any sign from the STT that counts as words it owes:
longer than a cough or a click, about two words."""


class LateTranscriptBridge:
    """Speaks bridge lines while a final transcript is overdue, or asks the caller to
    repeat once the words it was owed were lost with a failed STT connection. The call's
    filler policy (``CallState.fillers``) chooses every line, as for the other fillers.

    Args:
        session: the call's session.
        stt_engines: the STT engines behind the session's STT, whose error events say
            a connection failed.
        after_s: how long after the caller stops speaking a final counts as late (a
            healthy streaming STT finalises within a few hundred milliseconds).
        every_s: wait between further lines, counted from the end of the previous one
            (the final, then the turn's commit and the model, are all still to come
            when it ends: shorter than the LLM path's stall interval).
        max_lines: lines said while waiting before the words count as lost.
        interims_show_progress: whether, for the STT serving the call now, an interim is
            a sign of a working connection (Deepgram Flux repeats the turn's words every
            0.25 s of audio and sends the final only when it ends the turn): each one
            starts the wait again. None: never (Nova's interims stop with the speech).
        reconnect: opens a new STT connection. Called when the caller is asked again
            because the connection went quiet (no error): their repeat must not go to
            the socket that stalled, which the plugins do not replace by themselves.
    """

    def __init__(
        self,
        session: AgentSession[CallState],
        *,
        stt_engines: Sequence[stt.STT[Any]] = (),
        after_s: float = LATE_FINAL_AFTER_S,
        every_s: float = 1.5,
        max_lines: int = 4,
        interims_show_progress: Callable[[], bool] | None = None,
        reconnect: Callable[[], None] | None = None,
    ) -> None:
        self._session = session
        self._state: CallState = session.userdata
        self._stt_state: RawTurnText = self._state.turn_text
        self._after_s = after_s
        self._every_s = every_s
        self._max_lines = max_lines
        self._interims_show_progress = interims_show_progress
        self._reconnect = reconnect
        self._heard_words = False
        self._unheard_speech = False
        self._words_lost = False
        self._caller_speaking = False
        self._agent_spoke_until = 0.0
        self._task: asyncio.Task[None] | None = None
        self._check_lost_handle: asyncio.TimerHandle | None = None
        self._engines = tuple(stt_engines)
        for engine in self._engines:
            engine.on("error", self._on_stt_error)
        session.on("user_transcription_timeout", self._on_transcription_timeout)
        session.on("user_input_transcribed", self._on_transcript)
        session.on("user_state_changed", self._on_user_state)
        session.on("agent_state_changed", self._on_agent_state)
        session.on("close", self._on_close)

    def _on_stt_error(self, error: stt.STTError) -> None:
        # The events the connection sent before it failed (SpeechStarted, an interim)
        # are still on their way through the STT node: judge what it owed once they
        # are in.
        self._check_lost_handle = asyncio.get_running_loop().call_later(
            _SETTLE_S, self._check_lost, error.recoverable
        )

    def _check_lost(self, recoverable: bool) -> None:
        self._check_lost_handle = None
        if self._owed():
            # The connection is retried; what it had heard and not finalized is not.
            log.warning("stt_connection_lost_words", recoverable=recoverable)
            self._words_lost = True
            if not self._caller_speaking:
                self._start()

    def _on_transcription_timeout(self, event: UserTranscriptionTimeoutEvent) -> None:
        if event.speech_duration < _UNHEARD_MIN_SPEECH_S or self._owed():
            return
        if self._stt_state.endpointed_at >= event.vad_speech_started_at:
            # The STT heard this speech and endpointed it with no words (mumbling, a
            # voice far off): it is answering, there was nothing to transcribe.
            return
        speaking = self._session.agent_state == "speaking"
        if speaking or self._agent_spoke_until >= event.vad_speech_started_at:
            # Speech over the agent's: the framework may have kept it from the STT on
            # purpose (echo-cancellation warm-up, an uninterruptible line).
            return
        log.warning("stt_silent_after_speech", speech_s=round(event.speech_duration, 2))
        self._unheard_speech = True
        if not self._caller_speaking:
            # The timeout is counted from the end of speech: the wait is already over.
            self._start(wait_s=0.0)

    def _on_transcript(self, event: UserInputTranscribedEvent) -> None:
        if event.is_final:
            # A final after a failure: the caller went on and the new connection heard
            # it; the turn goes to the LLM with what survived.
            self._forget_owed()
            self._cancel()
        elif event.transcript.strip():
            self._heard_words = True
            if not self._caller_speaking:
                if self._interims_show_progress is not None and self._interims_show_progress():
                    self._cancel()
                self._start()

    def _on_user_state(self, event: UserStateChangedEvent) -> None:
        self._caller_speaking = event.new_state == "speaking"
        if self._caller_speaking:
            self._cancel()
        elif self._owed() or self._words_lost:
            self._start()

    def _on_agent_state(self, event: AgentStateChangedEvent) -> None:
        if event.old_state == "speaking":
            self._agent_spoke_until = event.created_at
        # Thinking: the turn reached the LLM, whose own bridge lines take over.
        if event.new_state == "thinking":
            self._forget_owed()
            self._cancel()

    def _on_close(self, _: CloseEvent) -> None:
        self._cancel()
        if self._check_lost_handle is not None:
            self._check_lost_handle.cancel()
        for engine in self._engines:
            engine.off("error", self._on_stt_error)

    def _owed(self) -> bool:
        """Whether the STT still owes a final for speech it heard."""
        return self._heard_words or self._unheard_speech or self._stt_state.awaiting_final

    def _forget_owed(self) -> None:
        """The turn's words arrived, reached the LLM or were asked for again."""
        self._heard_words = False
        self._unheard_speech = False
        self._words_lost = False

    def _start(self, wait_s: float | None = None) -> None:
        if self._task is None or self._task.done():
            wait = self._after_s if wait_s is None else wait_s
            self._task = asyncio.create_task(self._bridge(wait), name="LateTranscriptBridge")

    def _cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def _bridge(self, wait_s: float) -> None:
        await asyncio.sleep(wait_s)
        policy = self._state.fillers
        said = 0
        first = True
        while said < self._max_lines and policy is not None:
            if self._words_lost:
                await self._ask_again()
                return
            # The STT's endpoint with no words (noise) sends no transcript event.
            if not self._owed():
                return
            if first:
                # The final, then the model and the TTS, are all still to come.
                due = policy.answer_due_in(None, ahead_waited_s=self._after_s)
                filler = policy.choose("stt_bridge", answer_due_in_s=due)
            else:
                filler = policy.stall_line("stt_bridge")
            if filler is None and first:
                # Refused as a filler (one a turn...): a line only once the silence
                # would read as a dead line.
                first = False
                await asyncio.sleep(max(0.0, policy.rules.stall_s - self._after_s))
                continue
            first = False
            said += 1
            if filler is None:
                if policy.enabled:
                    # One line a turn, said: still nothing after it is a fault, and the
                    # fault path (asking again) speaks next, a beat after the line.
                    await asyncio.sleep(_FAULT_AFTER_LINE_S)
                    break
                # Lines are off: wait as long as they would have taken.
                await asyncio.sleep(self._every_s)
                continue
            log.warning("stt_final_late_bridging")
            self._state.recovery_lines["stt_bridge"] += 1
            self._state.speech.expect("stt_bridge", filler.line)
            handle = self._session.say(filler.line, add_to_chat_ctx=False)
            await handle
            await asyncio.sleep(self._every_s)
        if self._words_lost or self._owed():
            # Every bridge line spent and still nothing: whatever held the words is not
            # giving them back in any time a caller would wait.
            await self._ask_again(stalled=not self._words_lost)

    async def _ask_again(self, *, stalled: bool = False) -> None:
        if stalled and self._reconnect is not None:
            # No error came, so the plugin keeps the quiet socket: the repeat goes to a
            # new one (a final the old one still sends is not waited for: we asked again).
            log.warning("stt_stalled_reconnecting")
            self._reconnect()
        # Nothing is owed any more: the judge must not hold the next turn for it.
        self._forget_owed()
        self._stt_state.speech_ended()
        log.warning("stt_words_lost_asking_again")
        self._state.recovery_lines["repeat_request"] += 1
        policy = self._state.fillers
        if policy is not None:
            line = policy.repeat_request().line
        else:
            line = self._state.lines.repeat_request[0]
        self._state.speech.expect("repeat_request", line)
        # In the history, so the model knows why the caller says it twice.
        await self._session.say(line)
