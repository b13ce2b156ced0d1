"""Short openers ("Sure.", "Let me check that.") synthesised once per voice and played the
moment the reply starts with one, while the TTS works on the rest.

An opener is kept in the forms a reply opens a clause with: "Sure." and also "Sure,"
("Sure, what's the order number?") and "Sure!", each synthesised on its own, because
a comma is said with the pitch held up for what follows and a period with it falling:
one recording for both would sound cut off or run on.

A reply's first audio waits for the TTS's first byte (hundreds of milliseconds on a
streaming TTS). An opener the agent uses often can be synthesised ahead of time: when
the LLM's reply begins with one, its audio plays at once and the rest of the reply is
sent to the TTS as usual, so the rest's first byte arrives while the opener plays.

The audio is kept per voice (provider, model, voice and sample rate) in the process and,
with a directory, on disk: a job process runs one call and exits, so memory alone would
synthesise every opener again on every call (TTS characters billed each time, a dozen
requests racing the greeting). With the directory, the first process on a machine
synthesises them and the rest read the files.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
import wave
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog
from livekit import rtc
from livekit.agents import tts

from worker.framework import forget_tts_start
from worker.speech.audio_frames import short_frames

__all__ = ["OPENERS", "PhraseCache", "clause_forms", "opener_instruction"]

log = structlog.get_logger(__name__)

OPENERS: tuple[str, ...] = (
    "Sure.",
    "Of course.",
    "Okay.",
    "Got it.",
    "Thanks.",
    "Let me check that.",
    "One moment.",
)
_TERMINAL = (".", "!", "?")
# Ways a reply opens with an opener. Warm-up order: each opener's period and comma forms
# together (a call's first reply often opens "Sure," and must not wait behind every
# period form), the exclamation forms after all of them.
_CLAUSE_MARKS = ((".", ","), ("!",))

# voice key -> phrase -> frames; shared by every call of the process.
_STORE: dict[str, dict[str, list[rtc.AudioFrame]]] = {}


def clause_forms(openers: tuple[str, ...]) -> tuple[str, ...]:
    """Every opener with each clause mark in place of its own ("Sure." -> "Sure.",
    "Sure,", "Sure!"), in warm-up order."""
    forms: list[str] = []
    for marks in _CLAUSE_MARKS:
        for phrase in openers:
            for mark in marks:
                form = phrase.rstrip("".join(_TERMINAL)) + mark
                if form not in forms:
                    forms.append(form)
    return tuple(forms)


def opener_instruction(openers: tuple[str, ...] = OPENERS) -> str:
    """The line added to the instructions so the LLM opens with a cached phrase."""
    quoted = ", ".join(f'"{p}"' for p in openers)
    return f"- Where it fits naturally, open your reply with one of: {quoted}\n"


@dataclass
class PhraseCache:
    """One call's view of the process's opener audio, with its hit counters.

    Args:
        voice_key: provider, model, voice and sample rate: audio is reused only for the same.
        openers: phrases to keep, each ending in a sentence mark; their comma and
            exclamation forms are kept too (:func:`clause_forms`).
        directory: where the audio outlives the process (one WAV per phrase and voice);
            None: memory only.
        lines: our own lines, said as they are (fillers, bridge lines, repeat requests:
            :mod:`worker.speech.filler_policy`): kept in their own form only, and warmed first.
    """

    voice_key: str
    openers: tuple[str, ...] = OPENERS
    directory: Path | None = None
    lines: tuple[str, ...] = ()
    hits: int = 0
    misses: int = 0
    _warming: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def phrases(self) -> tuple[str, ...]:
        """What is synthesised and matched: our lines, then the openers in each clause
        form."""
        return tuple(dict.fromkeys((*self.lines, *clause_forms(self.openers))))

    def cached(self, phrase: str) -> bool:
        """Whether ``phrase``'s audio is ready to play."""
        return phrase in self._audio

    def clip(self, phrase: str) -> list[rtc.AudioFrame] | None:
        """``phrase``'s audio, or None while it is not cached."""
        return self._audio.get(phrase)

    def duration_s(self, phrase: str) -> float | None:
        """How long ``phrase``'s cached audio plays, or None while it is not cached."""
        frames = self._audio.get(phrase)
        return sum(frame.duration for frame in frames) if frames else None

    @property
    def _audio(self) -> dict[str, list[rtc.AudioFrame]]:
        return _STORE.setdefault(self.voice_key, {})

    def start_warming(self, engine: tts.TTS[Any]) -> None:
        """Synthesise the missing openers in the background (the call owns the task)."""
        if self._warming is None and any(p not in self._audio for p in self.phrases):
            self._warming = asyncio.create_task(self._warm(engine), name="phrase_cache_warm")

    async def aclose(self) -> None:
        if self._warming is not None and not self._warming.done():
            self._warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._warming

    async def _warm(self, engine: tts.TTS[Any]) -> None:
        for phrase in self.phrases:
            if phrase in self._audio:
                continue
            if self.directory is not None:
                stored = await asyncio.to_thread(_read, self._path(phrase))
                if stored:
                    self._audio[phrase] = stored
                    continue
            try:
                frames: list[rtc.AudioFrame] = []
                async with engine.stream() as stream:
                    stream.push_text(phrase)
                    stream.end_input()
                    async for event in stream:
                        # The framework measures a reply's TTS time-to-first-byte from the
                        # moment the provider got the text, carried on each frame: a cached
                        # frame replayed later would report the warm-up's start (tens of
                        # seconds: false budget alarms). Without it the framework counts
                        # from the reply's first text, which is what a cached opener costs.
                        forget_tts_start(event.frame)
                        frames.append(event.frame)
            except Exception as error:  # a failed warm-up only costs the cache
                log.warning("phrase_cache_warm_failed", error=type(error).__name__)
                return
            if frames:
                # Short frames, as read back from a file: a line is cut at its words.
                first = frames[0]
                frames = short_frames(
                    b"".join(bytes(frame.data) for frame in frames),
                    sample_rate=first.sample_rate,
                    num_channels=first.num_channels,
                )
                self._audio[phrase] = frames
                if self.directory is not None:
                    await asyncio.to_thread(_write, self.directory, self._path(phrase), frames)

    def _path(self, phrase: str) -> Path:
        assert self.directory is not None
        digest = hashlib.sha256(f"{self.voice_key}\n{phrase}".encode()).hexdigest()[:32]
        return self.directory / f"{digest}.wav"

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def _match(self, text: str) -> tuple[str | None, bool]:
        """(cached opener ``text`` starts with, whether more text could still make one)."""
        head = text.lstrip()
        for phrase in self.phrases:
            if head.startswith(phrase) and phrase in self._audio:
                return phrase, False
        could = any(p.startswith(head) and p in self._audio for p in self.phrases)
        return None, could

    async def speak(
        self,
        text: AsyncIterable[str],
        synthesize: Callable[[AsyncIterable[str]], AsyncIterable[rtc.AudioFrame]],
    ) -> AsyncIterator[rtc.AudioFrame]:
        """The reply's audio: a cached opener at once if the reply starts with one, then
        ``synthesize`` for the rest (or for everything, on a miss)."""
        source = aiter(text)
        head = ""
        phrase: str | None = None
        ended = False
        while True:
            phrase, could = self._match(head)
            if phrase is not None or (head.strip() and not could):
                break
            try:
                head += await anext(source)
            except StopAsyncIteration:
                ended = True
                phrase, _ = self._match(head)
                break
        if phrase is not None:
            self.hits += 1
            rest = head.lstrip()[len(phrase) :]
        else:
            self.misses += 1
            rest = head

        async def remaining() -> AsyncIterator[str]:
            if rest.strip():
                yield rest
            if not ended:
                async for chunk in source:
                    yield chunk

        if phrase is not None:
            for frame in self._audio[phrase]:
                yield frame
            if not ended and not rest.strip():
                # The opener may be all there is ("Sure." as a whole answer): a
                # TTS stream opened for no text would still hold the next segment's
                # synthesis until it closed. Looked at once the opener is playing.
                try:
                    rest += await anext(source)
                except StopAsyncIteration:
                    ended = True
            if ended and not rest.strip():
                return
        async for frame in synthesize(remaining()):
            yield frame


def _read(path: Path) -> list[rtc.AudioFrame]:
    """A phrase's stored audio, or nothing when it is missing or unreadable (then it is
    synthesised again and the file replaced)."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                return []
            rate, channels = wav.getframerate(), wav.getnchannels()
            pcm = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error):
        return []
    return short_frames(pcm, sample_rate=rate, num_channels=channels)


def _write(directory: Path, path: Path, frames: list[rtc.AudioFrame]) -> None:
    """Store a phrase's audio whole or not at all: another process may read it at any
    moment, and one writing the same phrase replaces it with the same audio."""
    first = frames[0]
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".wav.part")
        try:
            with os.fdopen(handle, "wb") as raw, wave.open(raw, "wb") as wav:
                wav.setnchannels(first.num_channels)
                wav.setsampwidth(2)
                wav.setframerate(first.sample_rate)
                for frame in frames:
                    wav.writeframes(bytes(frame.data))
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as error:  # a read-only or full disk only costs the next process a warm-up
        log.warning("phrase_cache_store_failed", error=type(error).__name__)
