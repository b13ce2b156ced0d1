"""Stable interims become the framework's PREFLIGHT_TRANSCRIPT; finals supersede them; the
upstream stream is closed with the node."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from livekit.agents import stt

from worker.turns.speculation import predicted_final, speculate_from_interims

pytestmark = pytest.mark.unit

T = stt.SpeechEventType


def _event(kind: stt.SpeechEventType, text: str) -> stt.SpeechEvent:
    return stt.SpeechEvent(type=kind, alternatives=[stt.SpeechData(language="en", text=text)])


class _Upstream:
    def __init__(self, script: list[tuple[float, stt.SpeechEvent]]) -> None:
        self.script = script
        self.closed = False

    async def events(self) -> AsyncIterator[stt.SpeechEvent]:
        try:
            for delay, event in self.script:
                await asyncio.sleep(delay)
                yield event
            await asyncio.sleep(10)  # the live stream stays open
        finally:
            self.closed = True


async def _collect(upstream: _Upstream, count: int) -> list[stt.SpeechEvent]:
    out: list[stt.SpeechEvent] = []
    node = speculate_from_interims(upstream.events(), stable_s=0.05)
    async for event in node:
        out.append(event)
        if len(out) == count:
            break
    await node.aclose()  # type: ignore[attr-defined]
    return out


async def test_a_stable_interim_becomes_a_preflight_with_the_final_period() -> None:
    upstream = _Upstream(
        [
            (0.0, _event(T.INTERIM_TRANSCRIPT, "I'd like to")),
            (0.01, _event(T.INTERIM_TRANSCRIPT, "I'd like to check my order")),
            (0.2, _event(T.FINAL_TRANSCRIPT, "I'd like to check my order.")),
        ]
    )
    events = await _collect(upstream, 4)
    assert [e.type for e in events] == [
        T.INTERIM_TRANSCRIPT,
        T.INTERIM_TRANSCRIPT,
        T.PREFLIGHT_TRANSCRIPT,
        T.FINAL_TRANSCRIPT,
    ]
    # The same string as the final: the framework keeps the request it started.
    assert events[2].alternatives[0].text == events[3].alternatives[0].text
    assert upstream.closed


async def test_no_preflight_when_the_final_comes_first() -> None:
    upstream = _Upstream(
        [
            (0.0, _event(T.INTERIM_TRANSCRIPT, "yes")),
            (0.01, _event(T.FINAL_TRANSCRIPT, "Yes.")),
            (0.2, _event(T.INTERIM_TRANSCRIPT, "and")),
            (0.01, _event(T.FINAL_TRANSCRIPT, "And?")),
        ]
    )
    events = await _collect(upstream, 4)
    assert T.PREFLIGHT_TRANSCRIPT not in [e.type for e in events]
    assert upstream.closed


def test_predicted_final() -> None:
    assert predicted_final("my order") == "my order."
    assert predicted_final("is it shipped?") == "is it shipped?"
