"""A reply whose TTS breaks part-way is finished by the next TTS, not cut off.

The framework's TTS ``FallbackAdapter`` hands a segment to the next TTS only while none of
its audio has been pushed. Once some has, a failing TTS ends the segment where it broke
("already synthesized of audio, ignoring the current segment for the tts fallback") and
the rest of the reply is never spoken: a socket dropped two audio messages into "What is
the order number?" left the caller with "Okay. Wh-" and then nothing, the question lost
(``bench faults``, ``tts-disconnect``).

:func:`finish_cut_replies` watches the adapter for that: when it marks a TTS unavailable
while this reply's audio is streaming and the audio so far covers less than the reply's
text, the reply is said again from the start of the sentence it broke in, by whichever
TTS the adapter now takes, followed by any text still to come. A sentence said again is
how people repair a word cut off; half a question is not.

How much was said comes from the timed words the TTS attached to the audio (ElevenLabs'
alignment; none yet when it broke inside the first word). Only a TTS that gives timed
words is followed: audio without them would look unspoken however much of it played, so
an availability change the adapter reports for another stream (the opener warm-up) would
have a whole reply said twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any

import structlog
from livekit import rtc
from livekit.agents import tts

from worker.framework import timed_transcript

__all__ = ["finish_cut_replies", "restart_point"]

log = structlog.get_logger(__name__)

# A sentence ends at a stop followed by a space: where a repeated part may start.
_SENTENCE_END = re.compile(r"[.!?]+\s+")


def _letters(text: str) -> int:
    """Letters and digits: what the reply and the TTS's timed words are compared by. The
    framework strips markdown and emoji before the TTS and the TTS may change spacing,
    so the raw lengths differ for a reply said in full."""
    return sum(c.isalnum() for c in text)


def restart_point(text: str, spoken_letters: int) -> int:
    """Where to start saying ``text`` again when its first ``spoken_letters`` letters and
    digits were heard: the start of the sentence the break fell in (0 in the first)."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if _letters(text[: end.end()]) > spoken_letters:
            break
        start = end.end()
    return start


def _timed_letters(frame: rtc.AudioFrame) -> int:
    words = timed_transcript(frame)
    return sum(_letters(str(word)) for word in words)


async def finish_cut_replies(
    text: AsyncIterable[str],
    synthesize: Callable[[AsyncIterable[str]], AsyncIterable[rtc.AudioFrame]],
    engine: tts.TTS[Any] | None,
) -> AsyncIterator[rtc.AudioFrame]:
    """The audio of ``synthesize(text)``, and, when ``engine`` (a FallbackAdapter) cut it
    short, the rest of the reply from the broken sentence on.

    The text is read by a task of its own, so ending the first synthesis (the framework
    cancels its reader) does not close the reply's text for the second.
    """
    if not isinstance(engine, tts.FallbackAdapter):
        async for frame in synthesize(text):
            yield frame
        return

    sent: list[str] = []
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    async def pump() -> None:
        try:
            async for chunk in text:
                sent.append(chunk)
                queue.put_nowait(chunk)
        finally:
            queue.put_nowait(None)

    async def queued(first: str = "") -> AsyncIterator[str]:
        if first:
            yield first
        while (chunk := await queue.get()) is not None:
            yield chunk
        queue.put_nowait(None)  # the end stays visible to a later reader

    broke = False

    def on_availability(event: tts.AvailabilityChangedEvent) -> None:
        nonlocal broke
        if not event.available and event.tts.capabilities.aligned_transcript:
            broke = True

    reader = asyncio.create_task(pump(), name="tts_resume_text")
    engine.on("tts_availability_changed", on_availability)
    spoken = 0
    try:
        async for frame in synthesize(queued()):
            spoken += _timed_letters(frame)
            yield frame
        said = "".join(sent)
        if not broke or spoken >= _letters(said):
            return
        start = restart_point(said, spoken)
        log.warning("tts_reply_resumed", spoken_letters=spoken, resumed_at=start, chars=len(said))
        # What the first synthesis read and never said, then whatever is still to come.
        while not queue.empty():
            chunk = queue.get_nowait()
            if chunk is None:
                queue.put_nowait(None)
                break
        async for frame in synthesize(queued(said[start:])):
            yield frame
    finally:
        engine.off("tts_availability_changed", on_availability)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
