"""Content TTFA in a live call: which agent audio the caller heard, and when.

:class:`AnswerTap` sits in front of the session's audio output (LiveKit's room output
in the worker, the simulated loudspeaker in simulated calls) and passes every frame on.
It keeps each playout segment's frames with their marks (:mod:`worker.telemetry.answer_timing`)
and, when the sink reports the segment played (``playback_finished``), works out when
each frame played: the sink's ``playback_started`` time for the first, each next one
back to back unless it reached the output after the previous one had ended (the output
ran dry), up to the playback position the sink reports (an interruption). That is the
model of a playout queue the simulated loudspeaker implements and measures.

:class:`AnswerClock` pairs those stretches with the caller's turns (the framework's
``stopped_speaking_at``, the same instant its ``e2e_latency`` starts from) and hands
each turn's :func:`~worker.answer_timing.answer_timing` to its listeners as soon as the
turn's answer has played (or, with no answer, when the caller's next turn or the call's
end closes it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from livekit import rtc
from livekit.agents import AgentSession
from livekit.agents.llm import ChatMessage
from livekit.agents.voice import io
from livekit.agents.voice.events import ConversationItemAddedEvent

from worker.telemetry.answer_timing import (
    NOT_CONTENT,
    AnswerTiming,
    AudioStretch,
    SpeechKind,
    answer_timing,
    frame_mark,
    stretches,
)

__all__ = ["AnswerClock", "AnswerTap"]

_Frame = tuple[float, float, SpeechKind, str | None, float | None]


class AnswerTap(io.AudioOutput):
    """A pass-through audio output that reports the stretches the caller heard.

    Args:
        sink: the output the audio goes to.
        on_heard: called with each segment's stretches, as played.
    """

    def __init__(
        self, sink: io.AudioOutput, on_heard: Callable[[list[AudioStretch]], None]
    ) -> None:
        super().__init__(
            label="AnswerTap",
            capabilities=io.AudioOutputCapabilities(pause=True),
            next_in_chain=sink,
            sample_rate=sink.sample_rate,
        )
        self._on_heard = on_heard
        self._frames: list[tuple[float, float, SpeechKind, str | None, float | None]] = []
        self._started_at: float | None = None

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        kind, line, ready_at = frame_mark(frame)
        self._frames.append((time.time(), frame.duration, kind, line, ready_at))
        assert self.next_in_chain is not None
        await self.next_in_chain.capture_frame(frame)

    def flush(self) -> None:
        super().flush()
        assert self.next_in_chain is not None
        self.next_in_chain.flush()

    def clear_buffer(self) -> None:
        assert self.next_in_chain is not None
        self.next_in_chain.clear_buffer()

    def on_playback_started(self, *, created_at: float) -> None:
        if self._started_at is None:
            self._started_at = created_at
        super().on_playback_started(created_at=created_at)

    def on_playback_finished(
        self,
        *,
        playback_position: float,
        interrupted: bool,
        synchronized_transcript: str | None = None,
    ) -> None:
        frames, started = self._frames, self._started_at
        self._frames, self._started_at = [], None
        if frames and started is not None:
            self._on_heard(stretches(_played(frames, started, playback_position)))
        super().on_playback_finished(
            playback_position=playback_position,
            interrupted=interrupted,
            synchronized_transcript=synchronized_transcript,
        )


def _played(frames: list[_Frame], started: float, position: float) -> list[_Frame]:
    """When each captured frame played: back to back from ``started``, later when it
    arrived after the previous one ended; none past ``position`` seconds of audio."""
    out: list[_Frame] = []
    clock = started
    played = 0.0
    for captured_at, duration, kind, line, ready_at in frames:
        if played >= position - 1e-6:
            break
        start = max(clock, captured_at)
        out.append((start, duration, kind, line, ready_at))
        clock = start + duration
        played += duration
    return out


@dataclass
class _Turn:
    stopped_at: float
    heard: list[AudioStretch] = field(default_factory=list)
    reported: bool = False


class AnswerClock:
    """One call's turns, timed as they are answered.

    Args:
        session: the call's session (its user messages carry when the caller stopped).
    """

    def __init__(self, session: AgentSession[Any]) -> None:
        self.listeners: list[Callable[[AnswerTiming], None]] = []
        self.timings: list[AnswerTiming] = []
        self._turn: _Turn | None = None
        session.on("conversation_item_added", self._on_item)

    def tap(self, sink: io.AudioOutput) -> AnswerTap:
        """An output in front of ``sink`` that reports to this clock."""
        return AnswerTap(sink, self.heard)

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        item = event.item
        if not isinstance(item, ChatMessage) or item.role != "user":
            return
        stopped = item.metrics.get("stopped_speaking_at")
        if stopped is None:
            # Keys pressed, typed text: no silence to time, and what answers it is not
            # the answer to the spoken turn before it.
            self._close(until=time.time())
            return
        started = item.metrics.get("started_speaking_at")
        self._close(until=started if started is not None else float(stopped))
        self._turn = _Turn(stopped_at=float(stopped))

    def heard(self, played: list[AudioStretch]) -> None:
        """Stretches the caller heard (from the tap)."""
        turn = self._turn
        if turn is None or turn.reported:
            return
        turn.heard.extend(s for s in played if s.end > turn.stopped_at)
        if any(s.kind not in NOT_CONTENT and s.start >= turn.stopped_at for s in turn.heard):
            self._report(turn, until=None)

    def close(self) -> None:
        """The call ended: time the open turn as it stands."""
        self._close(until=time.time())

    def _close(self, until: float) -> None:
        if self._turn is not None and not self._turn.reported:
            self._report(self._turn, until=until)
        self._turn = None

    def _report(self, turn: _Turn, until: float | None) -> None:
        turn.reported = True
        timing = answer_timing(turn.stopped_at, turn.heard, until=until)
        self.timings.append(timing)
        for listener in self.listeners:
            listener(timing)
