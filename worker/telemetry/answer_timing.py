"""Time to the answer: the one definition every figure of this project uses.

**Content TTFA** of a caller's turn: from the caller's last voiced frame to the first
audio frame of words the model produced for this turn. Cached audio of the model's own
opener ("Sure," from :mod:`worker.speech.phrase_cache`) counts; a filler (acknowledgment,
bridge line, repeat request, :mod:`worker.speech.filler_policy`) and the apology do not.

**First-sound TTFA**: from the same instant to the first agent audio of any kind. It is
what the caller hears first, not when they are answered; it is reported as a second
figure and never as the headline.

The agent's audio is marked where it is made: the TTS node tags every frame with its
kind (:func:`mark_frame`), and whoever watches it play (the worker's
:class:`worker.telemetry.answer_clock.AnswerTap`, the simulated caller's loudspeaker) turns the
frames into :class:`AudioStretch` es and calls :func:`answer_timing`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from livekit import rtc

__all__ = [
    "CONTENT",
    "FILLERS",
    "KIND_KEY",
    "LINE_KEY",
    "NOT_CONTENT",
    "READY_KEY",
    "AnswerStats",
    "AnswerTiming",
    "AudioStretch",
    "SpeechKind",
    "answer_timing",
    "frame_mark",
    "mark_frame",
    "stretches",
]

SpeechKind = Literal[
    "content",
    "acknowledgment",
    "llm_bridge",
    "stt_bridge",
    "tool_bridge",
    "repeat_request",
    "apology",
]
CONTENT: Final[SpeechKind] = "content"
NOT_CONTENT: Final[frozenset[str]] = frozenset(
    {"acknowledgment", "llm_bridge", "stt_bridge", "tool_bridge", "repeat_request", "apology"}
)
FILLERS: Final[frozenset[str]] = NOT_CONTENT - {"apology"}

# Keys in ``rtc.AudioFrame.userdata`` (a per-frame dict the framework carries to the
# output): what the frame is, which line, and when the first frame of a reply's content
# was ready to play (wall clock) so a filler's delay of it can be measured.
KIND_KEY: Final = "callcenter.speech_kind"
LINE_KEY: Final = "callcenter.line"
READY_KEY: Final = "callcenter.content_ready_at"


def mark_frame(
    frame: rtc.AudioFrame,
    kind: SpeechKind,
    *,
    line: str | None = None,
    ready_at: float | None = None,
) -> rtc.AudioFrame:
    """Tag ``frame`` with what it is; returns it."""
    frame.userdata[KIND_KEY] = kind
    if line is not None:
        frame.userdata[LINE_KEY] = line
    if ready_at is not None:
        frame.userdata[READY_KEY] = ready_at
    return frame


def frame_mark(frame: rtc.AudioFrame) -> tuple[SpeechKind, str | None, float | None]:
    """(kind, line, content ready time) of a frame. An unmarked frame is content: every
    line of ours is marked where it is made, so only the model's words go unmarked."""
    data = frame.userdata
    kind = data.get(KIND_KEY, CONTENT)
    return (kind if isinstance(kind, str) else CONTENT), data.get(LINE_KEY), data.get(READY_KEY)  # type: ignore[return-value]


@dataclass(frozen=True)
class AudioStretch:
    """A stretch of agent audio the caller heard: one kind (and line), back to back.

    Attributes:
        start: when its first frame began to play (any clock, the same as the caller's).
        end: when its last frame stopped.
        kind: what it was.
        line: the filler's line, for fillers.
        ready_at: for content, when its first frame was ready to play.
    """

    start: float
    end: float
    kind: SpeechKind
    line: str | None = None
    ready_at: float | None = None


def stretches(
    frames: Iterable[tuple[float, float, SpeechKind, str | None, float | None]],
) -> list[AudioStretch]:
    """Group played frames ``(start, duration, kind, line, ready_at)`` into stretches of
    one kind and line; a gap of more than a frame starts a new stretch."""
    out: list[AudioStretch] = []
    current: AudioStretch | None = None
    for start, duration, kind, line, ready_at in sorted(frames, key=lambda f: f[0]):
        if (
            current is not None
            and current.kind == kind
            and current.line == line
            and start - current.end <= max(duration, 0.03)
        ):
            current = AudioStretch(current.start, start + duration, kind, line, current.ready_at)
            out[-1] = current
            continue
        current = AudioStretch(start, start + duration, kind, line, ready_at)
        out.append(current)
    return out


@dataclass(frozen=True)
class AnswerTiming:
    """One caller turn, timed from the caller's last voiced frame (seconds).

    Attributes:
        first_sound_s: to the first agent audio of any kind.
        content_s: to the first audio of the model's words (content TTFA); None when the
            caller heard none (an apology, silence, a hang-up).
        fillers: the filler lines heard before the answer, in order.
        filler_kinds: their kinds.
        silence_after_filler_s: from the end of the last filler before the answer to the
            next agent audio (the answer's, or nothing: then to ``until``).
        filler_delay_s: how long the answer, ready to play, waited behind a filler.
    """

    first_sound_s: float | None
    content_s: float | None
    fillers: tuple[str, ...] = ()
    filler_kinds: tuple[str, ...] = ()
    silence_after_filler_s: float | None = None
    filler_delay_s: float | None = None

    @property
    def had_filler(self) -> bool:
        return bool(self.fillers)


def answer_timing(
    stopped_at: float, heard: Sequence[AudioStretch], *, until: float | None = None
) -> AnswerTiming:
    """Time one turn of the caller's.

    Args:
        stopped_at: the caller's last voiced frame.
        heard: the agent audio the caller heard after it, up to their next turn (earlier
            stretches are ignored: talking over the caller answers nothing).
        until: when the caller stopped waiting (their next turn, a hang-up), for the
            silence after a filler that no answer followed.
    """
    after = [s for s in sorted(heard, key=lambda s: s.start) if s.start >= stopped_at]
    if not after:
        return AnswerTiming(None, None)
    first_sound = after[0].start - stopped_at
    content = next((s for s in after if s.kind not in NOT_CONTENT), None)
    before = [s for s in after if content is None or s.start < content.start]
    fillers = [s for s in before if s.kind in FILLERS]
    lines = tuple(s.line or s.kind for s in fillers)
    kinds = tuple(s.kind for s in fillers)
    silence: float | None = None
    delay: float | None = None
    if fillers:
        last_end = fillers[-1].end
        nxt = next((s for s in after if s.start >= last_end and s is not fillers[-1]), None)
        if nxt is not None:
            silence = max(0.0, nxt.start - last_end)
        elif until is not None:
            silence = max(0.0, until - last_end)
        if content is not None:
            ready = content.ready_at if content.ready_at is not None else content.start
            delay = max(0.0, content.start - max(ready, fillers[0].start))
    return AnswerTiming(
        first_sound_s=first_sound,
        content_s=content.start - stopped_at if content is not None else None,
        fillers=lines,
        filler_kinds=kinds,
        silence_after_filler_s=silence,
        filler_delay_s=delay,
    )


def _percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest rank, as every benchmark here reports it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100.0 * len(ordered))) - 1]


@dataclass
class AnswerStats:
    """Turns timed by :func:`answer_timing`, in call order, and what callers notice of
    them: how long until the answer, how often a filler, the same line twice in a row,
    fillers on consecutive turns, the silence after a filler and the answer's wait
    behind one. The call summary and every bench cell aggregate with this."""

    timings: list[AnswerTiming]

    def __init__(self, timings: Iterable[AnswerTiming] = ()) -> None:
        self.timings = list(timings)

    def add(self, timing: AnswerTiming) -> None:
        self.timings.append(timing)

    def extend(self, other: AnswerStats) -> None:
        """Another call's turns (a bench cell sums calls; repeats count within a call)."""
        self.timings.extend(other.timings)

    @property
    def content_ms(self) -> list[float]:
        return [t.content_s * 1000.0 for t in self.timings if t.content_s is not None]

    @property
    def first_sound_ms(self) -> list[float]:
        return [t.first_sound_s * 1000.0 for t in self.timings if t.first_sound_s is not None]

    def as_dict(self) -> dict[str, object]:
        turns = len(self.timings)
        with_filler = [t for t in self.timings if t.had_filler]
        same_line = 0
        consecutive = 0
        previous_line: str | None = None
        previous_had = False
        for t in self.timings:
            if t.had_filler:
                if t.fillers[0] == previous_line:
                    same_line += 1
                if previous_had:
                    consecutive += 1
                previous_line = t.fillers[-1]
            previous_had = t.had_filler
        silences = [
            t.silence_after_filler_s * 1000.0
            for t in with_filler
            if t.silence_after_filler_s is not None
        ]
        delays = [t.filler_delay_s * 1000.0 for t in with_filler if t.filler_delay_s is not None]
        kinds: dict[str, int] = {}
        for t in with_filler:
            for kind in t.filler_kinds:
                kinds[kind] = kinds.get(kind, 0) + 1
        content, first = self.content_ms, self.first_sound_ms
        return {
            "turns": turns,
            "ttfa_content_p50_ms": _percentile(content, 50),
            "ttfa_content_p95_ms": _percentile(content, 95),
            "first_sound_p50_ms": _percentile(first, 50),
            "first_sound_p95_ms": _percentile(first, 95),
            "unanswered": turns - len(content),
            "filler_turns": len(with_filler),
            "filler_rate": len(with_filler) / turns if turns else 0.0,
            "filler_same_line_in_a_row": same_line,
            "filler_consecutive_turns": consecutive,
            "silence_after_filler_p50_ms": _percentile(silences, 50),
            "silence_after_filler_max_ms": max(silences) if silences else None,
            "filler_delay_p50_ms": _percentile(delays, 50),
            "filler_delay_max_ms": max(delays) if delays else None,
            "fillers_by_kind": kinds,
        }
