"""The TTS node's side of fillers: telling our own lines from the model's words, playing
a filler so the answer never waits behind more than its current word, and marking every
frame with what it is (:mod:`worker.telemetry.answer_timing`).

The LLM node (and the bridges that use ``session.say``) tell the :class:`SpeechLedger`
which line they are about to send; the TTS node reads its text, takes those lines off
the front (they always come before the model's words of the same reply), and
:func:`play_reply` plays them:

- a line whose audio is cached is played a word at a time, each word handed to the
  output just before the previous one ends, so the output never holds more than a word
  of it ahead;
- a line not cached (a cache still warming) is played as the TTS streams it, handed to
  the output no further ahead than that;
- meanwhile the model's words (the rest of the text) are already being synthesised; the
  moment their first audio is ready, the line stops at the end of its current word and
  the answer plays.

A line said with ``session.say`` (STT, tool bridge, repeat request) is a speech of its
own; the answer is queued behind it, and the framework synthesises the answer only once
it is its turn. There the line stops at its current word as soon as the model has
produced the answer's first words (:meth:`SpeechLedger.model_spoke`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from livekit import rtc

from worker.speech.audio_frames import short_frames
from worker.telemetry.answer_timing import CONTENT, SpeechKind, mark_frame

__all__ = ["ExpectedLine", "SpeechLedger", "play_reply", "word_chunks"]

_LEAD_S: Final = 0.06
"""How far ahead of its start a word is handed to the output: three 20 ms frames, so
the output never runs dry between two words."""
_QUIET: Final = 0.05
"""A frame quieter than this share of the line's loudest is between two words."""
_STALE_S: Final = 30.0
_MIN_PREFIX: Final = 3
"""Characters of one of our lines the text must show before it is taken for that line
(the framework's markdown filter hands text on a word at a time)."""

Synthesize = Callable[[AsyncIterable[str]], AsyncIterable[rtc.AudioFrame]]


@dataclass
class ExpectedLine:
    """A line of ours on its way to the TTS node."""

    kind: SpeechKind
    line: str
    owner: object | None = None
    at: float = field(default_factory=time.monotonic)


class SpeechLedger:
    """One call's lines of ours not yet heard, and when the model last spoke."""

    def __init__(self) -> None:
        self._expected: deque[ExpectedLine] = deque()
        self.model_spoke_at = -float("inf")
        """Monotonic time the model's words for a reply last began."""

    def expect(self, kind: SpeechKind, line: str, owner: object | None = None) -> None:
        """``line`` is about to reach the TTS node as ``kind``."""
        self._expected.append(ExpectedLine(kind, line, owner))

    def retract(self, owner: object) -> None:
        """Forget ``owner``'s lines: its reply was discarded before it was spoken."""
        self._expected = deque(e for e in self._expected if e.owner is not owner)

    def model_spoke(self) -> None:
        """The model produced the first words of an answer."""
        self.model_spoke_at = time.monotonic()

    def match(self, head: str) -> tuple[ExpectedLine | None, bool]:
        """(the expected line ``head`` starts with or begins to, whether more text is
        needed to tell)."""
        now = time.monotonic()
        while self._expected and now - self._expected[0].at > _STALE_S:
            self._expected.popleft()
        text = " ".join(head.split())
        could = False
        for expected in self._expected:
            line = expected.line
            if text.startswith(line) or (len(text) >= _MIN_PREFIX and line.startswith(text)):
                return expected, False
            if line.startswith(text):
                could = True
        return None, could

    def take(self, expected: ExpectedLine) -> None:
        with contextlib.suppress(ValueError):
            self._expected.remove(expected)


def _rms(frame: rtc.AudioFrame) -> float:
    samples = np.frombuffer(frame.data, dtype=np.int16).astype(np.float32)
    return float(np.sqrt(np.mean(samples * samples))) if samples.size else 0.0


def word_chunks(frames: Sequence[rtc.AudioFrame], line: str) -> list[list[rtc.AudioFrame]]:
    """Cut a line's audio into its words: at the quiet frames between them, or, when the
    audio has fewer quiet gaps than the line has word breaks (a TTS that runs words
    together), in proportion to the words' lengths."""
    words = line.split()
    if len(words) <= 1 or len(frames) <= 1:
        return [list(frames)]
    levels = [_rms(f) for f in frames]
    loud = max(levels) or 1.0
    quiet = [level < _QUIET * loud for level in levels]
    cuts: list[int] = []
    index = 0
    while index < len(quiet):
        if quiet[index]:
            end = index
            while end < len(quiet) and quiet[end]:
                end += 1
            if index > 0 and end < len(quiet):  # inside the line, not before or after
                cuts.append((index + end) // 2)
            index = end
        else:
            index += 1
    if len(cuts) != len(words) - 1:
        total = sum(len(w) + 1 for w in words)
        cuts, seen = [], 0
        for word in words[:-1]:
            seen += len(word) + 1
            cuts.append(max(1, round(len(frames) * seen / total)))
    chunks: list[list[rtc.AudioFrame]] = []
    start = 0
    for cut in [*cuts, len(frames)]:
        if cut > start:
            chunks.append(list(frames[start:cut]))
            start = cut
    return chunks


async def _split(
    text: AsyncIterable[str],
    ledger: SpeechLedger,
    lines: asyncio.Queue[ExpectedLine | None],
    start_content: Callable[[asyncio.Queue[str | None]], None],
) -> None:
    """Read the TTS node's text: our lines off the front (onto ``lines``), then the
    model's words (to ``start_content`` at once, so they are synthesised while a line
    still plays)."""
    source = aiter(text)
    buffer = ""
    ended = False
    words: asyncio.Queue[str | None] | None = None

    async def more() -> None:
        nonlocal buffer, ended
        try:
            buffer += await anext(source)
        except StopAsyncIteration:
            ended = True

    try:
        while True:
            while not buffer.strip() and not ended:
                await more()
            if not buffer.strip():
                return
            expected, could = ledger.match(buffer)
            while expected is None and could and not ended:
                await more()
                expected, could = ledger.match(buffer)
            if expected is None:
                break
            ledger.take(expected)
            lines.put_nowait(expected)
            # Consume the line's characters (whitespace aside) before looking further.
            wanted = len("".join(expected.line.split()))
            while len("".join(buffer.split())) < wanted and not ended:
                await more()
            buffer = _drop_chars(buffer, wanted)
        lines.put_nowait(None)
        words = asyncio.Queue()
        start_content(words)
        words.put_nowait(buffer)
        async for chunk in source:
            words.put_nowait(chunk)
    finally:
        lines.put_nowait(None)
        if words is not None:
            words.put_nowait(None)


def _drop_chars(text: str, count: int) -> str:
    """``text`` without its first ``count`` non-space characters (and spaces among them)."""
    seen = 0
    for index, char in enumerate(text):
        if seen == count:
            return text[index:]
        if not char.isspace():
            seen += 1
    return ""


async def _drain(queue: asyncio.Queue[str | None]) -> AsyncIterator[str]:
    while (chunk := await queue.get()) is not None:
        yield chunk


async def play_reply(
    text: AsyncIterable[str],
    *,
    ledger: SpeechLedger,
    clip: Callable[[str], Sequence[rtc.AudioFrame] | None],
    synthesize: Synthesize,
    speak_line: Synthesize,
    on_content_ttfb: Callable[[float], None] = lambda _s: None,
) -> AsyncIterator[rtc.AudioFrame]:
    """The audio for one segment of text, every frame marked.

    Args:
        text: what the framework sends the TTS node.
        ledger: our lines on their way.
        clip: a line's cached audio, or None.
        synthesize: the model's words to audio (the phrase cache, then the TTS).
        speak_line: one of our lines to audio when it is not cached (the TTS).
        on_content_ttfb: the time from the model's first words reaching this node to
            their first audio (the filler policy's running estimate).
    """
    lines: asyncio.Queue[ExpectedLine | None] = asyncio.Queue()
    content_frames: asyncio.Queue[rtc.AudioFrame | None] = asyncio.Queue()
    content_ready = asyncio.Event()
    producers: list[asyncio.Task[None]] = []

    async def produce(words: asyncio.Queue[str | None]) -> None:
        started = time.monotonic()
        first = True
        try:
            async for frame in synthesize(_drain(words)):
                if first:
                    on_content_ttfb(time.monotonic() - started)
                    mark_frame(frame, CONTENT, ready_at=time.time())
                    first = False
                else:
                    mark_frame(frame, CONTENT)
                content_frames.put_nowait(frame)
                content_ready.set()
        finally:
            content_frames.put_nowait(None)
            content_ready.set()

    def start_content(words: asyncio.Queue[str | None]) -> None:
        producers.append(asyncio.create_task(produce(words), name="reply_audio_content"))

    splitter = asyncio.create_task(
        _split(text, ledger, lines, start_content), name="reply_audio_split"
    )
    try:
        while (expected := await lines.get()) is not None:
            stop = _said_on_its_own(ledger) if expected.owner is None else content_ready.is_set
            async for frame in _play_line(expected, clip, speak_line, stop=stop):
                yield frame
        if not producers:
            await splitter  # our lines only: done, or its error (the text failed)
            return
        while (played := await content_frames.get()) is not None:
            yield played
        producers[0].result()  # a TTS that failed mid-answer fails the node
        await splitter  # and so does text that failed mid-answer
    finally:
        tasks = [splitter, *producers]
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _said_on_its_own(ledger: SpeechLedger) -> Callable[[], bool]:
    """The stop cue of a line said as a speech of its own: the answer queued behind it
    is synthesised only once it is its turn, so the model's first words are the cue."""
    since = time.monotonic()
    return lambda: ledger.model_spoke_at > since


async def _play_line(
    expected: ExpectedLine,
    clip: Callable[[str], Sequence[rtc.AudioFrame] | None],
    speak_line: Synthesize,
    *,
    stop: Callable[[], bool],
) -> AsyncIterator[rtc.AudioFrame]:
    """One of our lines, a word at a time, stopping after the current word once
    ``stop()`` says the answer is ready."""
    frames = clip(expected.line)
    if not frames:

        async def one() -> AsyncIterator[str]:
            yield expected.line

        async for frame in _streamed_line(speak_line(one()), stop=stop):
            yield mark_frame(frame, expected.kind, line=expected.line)
        return
    began = time.monotonic()
    offset = 0.0
    for index, word in enumerate(word_chunks(frames, expected.line)):
        if index > 0 and not await _paced(began + offset - _LEAD_S, stop):
            return
        for frame in word:
            yield mark_frame(_copy(frame), expected.kind, line=expected.line)
            offset += frame.duration


async def _streamed_line(
    frames: AsyncIterable[rtc.AudioFrame], *, stop: Callable[[], bool]
) -> AsyncIterator[rtc.AudioFrame]:
    """A line the TTS is synthesising now, handed on no more than ``_LEAD_S`` ahead of
    its playout, and ended at its next quiet frame (the end of the current word) once
    ``stop()`` says the answer is ready.

    A TTS streams faster than speech plays: handed on as it comes, the whole line would
    sit in the output's buffer and the answer would wait for all of it.
    """
    began: float | None = None
    offset = 0.0
    loudest = 0.0
    async for frame in _sliced(frames):
        level = _rms(frame)
        if began is None:
            if stop():
                return  # the answer is ready before the line began: not a word of it
            began = time.monotonic()
        else:
            answer_ready = not await _paced(began + offset - _LEAD_S, stop)
            if answer_ready and loudest and level < _QUIET * loudest:
                return  # between two words
        loudest = max(loudest, level)
        offset += frame.duration
        yield frame


async def _sliced(frames: AsyncIterable[rtc.AudioFrame]) -> AsyncIterator[rtc.AudioFrame]:
    """``frames`` in short frames (:mod:`worker.speech.audio_frames`), the first piece
    of each keeping its frame's userdata (the TTS's timed transcript)."""
    async for frame in frames:
        pieces = short_frames(
            bytes(frame.data), sample_rate=frame.sample_rate, num_channels=frame.num_channels
        )
        if pieces:
            pieces[0].userdata.update(frame.userdata)
        for piece in pieces:
            yield piece


async def _paced(at: float, stop: Callable[[], bool]) -> bool:
    """Wait until ``at`` (monotonic), unless ``stop()`` first; whether it was not."""
    wait = at - time.monotonic()
    if wait > 0:
        await _sleep_unless(wait, stop)
    return not stop()


async def _sleep_unless(seconds: float, stop: Callable[[], bool]) -> None:
    """Sleep, looking at ``stop`` every frame so a ready answer is noticed at once."""
    deadline = time.monotonic() + seconds
    while not stop():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        await asyncio.sleep(min(left, 0.02))


def _copy(frame: rtc.AudioFrame) -> rtc.AudioFrame:
    # Cached frames are shared by every call of the process: marks go on a copy.
    return rtc.AudioFrame(
        frame.data,
        sample_rate=frame.sample_rate,
        num_channels=frame.num_channels,
        samples_per_channel=frame.samples_per_channel,
    )
