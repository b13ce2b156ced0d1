"""Speculative LLM requests from stable interim transcripts, before the STT's final.

A streaming STT's final arrives some hundreds of milliseconds after the caller stops
(its endpointing plus finalisation). The interim results stop changing as soon as the
caller does, so an interim that has been stable for a short while is usually the final
without its closing period. livekit-agents already knows what to do with such a guess:
Deepgram Flux sends ``PREFLIGHT_TRANSCRIPT`` events, and the framework starts preemptive
generation from them, keeps it when the final transcript is equivalent, and cancels it
(``on_preflight_stale`` / a changed final) when not (``voice/audio_recognition.py``,
``voice/agent_activity.py``). This module turns a stable interim into exactly that event,
so the framework's own adopt-or-cancel path decides, with no LLM task of ours to leak.

The guess carries the closing period a punctuating STT puts on a final, so a final that
matches word for word also matches as a string and the framework does not restart the
request when it arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import replace

from livekit.agents import stt

from worker.framework import preflight_transcript

__all__ = ["predicted_final", "speculate_from_interims"]


def predicted_final(interim: str) -> str:
    """The final a punctuating STT would most likely send for a stable interim."""
    text = interim.strip()
    return text if not text or text.endswith((".", "?", "!")) else f"{text}."


async def speculate_from_interims(
    events: AsyncIterable[stt.SpeechEvent], stable_s: float
) -> AsyncIterator[stt.SpeechEvent]:
    """Pass ``events`` through, adding a ``PREFLIGHT_TRANSCRIPT`` once an interim has not
    changed for ``stable_s`` seconds and no final has superseded it."""
    source = aiter(events)
    pending: asyncio.Future[stt.SpeechEvent] | None = None
    interim: stt.SpeechEvent | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(source))
            timeout = stable_s if interim is not None else None
            done, _ = await asyncio.wait({pending}, timeout=timeout)
            if not done:
                assert interim is not None
                alternatives = [
                    replace(alt, text=predicted_final(alt.text)) for alt in interim.alternatives
                ]
                yield preflight_transcript(interim, alternatives)
                interim = None
                continue
            try:
                event = pending.result()
            except StopAsyncIteration:
                return
            finally:
                pending = None
            if event.type == stt.SpeechEventType.INTERIM_TRANSCRIPT:
                changed = interim is None or (
                    event.alternatives
                    and interim.alternatives
                    and event.alternatives[0].text != interim.alternatives[0].text
                )
                if event.alternatives and event.alternatives[0].text.strip():
                    interim = event if changed else interim
            elif event.type in (
                stt.SpeechEventType.FINAL_TRANSCRIPT,
                stt.SpeechEventType.PREFLIGHT_TRANSCRIPT,
                stt.SpeechEventType.START_OF_SPEECH,
            ):
                interim = None
            yield event
    finally:
        # The upstream STT stream is ours to close: no task of it outlives the node.
        if pending is not None and not pending.done():
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending
        closer = getattr(source, "aclose", None)
        if closer is not None:
            await closer()
