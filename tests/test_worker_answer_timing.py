"""Content TTFA, defined once: what counts as the answer, what callers notice of
fillers, and the worker's tap that times what the caller heard."""

from __future__ import annotations

import asyncio
import time

import pytest
from livekit import rtc
from livekit.agents.voice import io

from worker.telemetry.answer_clock import AnswerTap
from worker.telemetry.answer_timing import (
    AnswerStats,
    AnswerTiming,
    AudioStretch,
    answer_timing,
    frame_mark,
    mark_frame,
    stretches,
)

pytestmark = pytest.mark.unit


def test_content_ttfa_is_the_models_words_not_a_filler_or_an_apology() -> None:
    heard = [
        AudioStretch(10.5, 10.9, "acknowledgment", "Let me see."),
        AudioStretch(11.2, 12.5, "content", ready_at=11.0),
    ]
    timing = answer_timing(10.0, heard, until=13.0)
    assert timing.first_sound_s == pytest.approx(0.5)
    assert timing.content_s == pytest.approx(1.2)
    assert timing.fillers == ("Let me see.",)
    assert timing.silence_after_filler_s == pytest.approx(0.3)
    # Ready at 11.0 while the filler had ended: it did not wait behind it.
    assert timing.filler_delay_s == pytest.approx(0.2)

    apology = answer_timing(10.0, [AudioStretch(10.4, 13.0, "apology")], until=14.0)
    assert apology.first_sound_s == pytest.approx(0.4) and apology.content_s is None
    # Cached audio of the model's own opener is the model's words.
    opener = answer_timing(10.0, [AudioStretch(10.3, 10.6, "content")])
    assert opener.content_s == pytest.approx(0.3) and not opener.had_filler


def test_audio_over_the_caller_and_a_filler_with_no_answer() -> None:
    heard = [
        AudioStretch(9.0, 9.8, "content"),  # talking over the caller answers nothing
        AudioStretch(10.8, 11.2, "llm_bridge", "One moment, please."),
    ]
    timing = answer_timing(10.0, heard, until=14.0)
    assert timing.first_sound_s == pytest.approx(0.8)
    assert timing.content_s is None
    assert timing.silence_after_filler_s == pytest.approx(2.8)


def test_a_ready_answer_held_behind_a_filler_shows_as_delay() -> None:
    heard = [
        AudioStretch(10.5, 11.3, "llm_bridge", "One moment, please."),
        AudioStretch(11.3, 12.0, "content", ready_at=10.9),
    ]
    timing = answer_timing(10.0, heard)
    assert timing.filler_delay_s == pytest.approx(0.4)
    assert timing.silence_after_filler_s == pytest.approx(0.0)


def test_frames_group_into_stretches_by_kind_and_line() -> None:
    frames = [
        (1.00, 0.02, "acknowledgment", "Okay.", None),
        (1.02, 0.02, "acknowledgment", "Okay.", None),
        (1.30, 0.02, "content", None, 1.25),
        (1.32, 0.02, "content", None, None),
        (2.00, 0.02, "content", None, None),  # a gap: a new stretch
    ]
    out = stretches(frames)  # type: ignore[arg-type]
    assert [(s.kind, round(s.start, 2), round(s.end, 2)) for s in out] == [
        ("acknowledgment", 1.0, 1.04),
        ("content", 1.3, 1.34),
        ("content", 2.0, 2.02),
    ]
    assert out[1].ready_at == 1.25


def test_stats_count_what_callers_notice() -> None:
    def t(filler: str | None, content: float = 1.0) -> AnswerTiming:
        return AnswerTiming(
            first_sound_s=0.7 if filler else content,
            content_s=content,
            fillers=(filler,) if filler else (),
            filler_kinds=("acknowledgment",) if filler else (),
            silence_after_filler_s=0.1 if filler else None,
            filler_delay_s=0.0 if filler else None,
        )

    stats = AnswerStats([t("I see."), t(None), t("I see."), t("Got it."), t(None, 0.5)])
    out = stats.as_dict()
    assert out["turns"] == 5
    assert out["filler_rate"] == pytest.approx(0.6)
    assert out["filler_same_line_in_a_row"] == 1  # "I see." heard twice running
    assert out["filler_consecutive_turns"] == 1  # turns 3 and 4
    assert out["ttfa_content_p50_ms"] == pytest.approx(1000.0)
    assert out["first_sound_p50_ms"] == pytest.approx(700.0)
    assert out["fillers_by_kind"] == {"acknowledgment": 3}


def _frame(kind: str | None = None, ms: int = 20) -> rtc.AudioFrame:
    frame = rtc.AudioFrame(
        b"\x00\x00" * (16 * ms), sample_rate=16000, num_channels=1, samples_per_channel=16 * ms
    )
    return mark_frame(frame, kind, line="Okay.") if kind else frame  # type: ignore[arg-type]


def test_an_unmarked_frame_is_the_models() -> None:
    assert frame_mark(_frame())[0] == "content"
    assert frame_mark(_frame("acknowledgment")) == ("acknowledgment", "Okay.", None)


class _Sink(io.AudioOutput):
    def __init__(self) -> None:
        super().__init__(
            label="sink", capabilities=io.AudioOutputCapabilities(pause=False), sample_rate=16000
        )

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)

    def flush(self) -> None:
        super().flush()

    def clear_buffer(self) -> None:
        pass


async def test_the_tap_times_what_played_back_to_back_and_stops_at_an_interruption() -> None:
    sink = _Sink()
    heard: list[list[AudioStretch]] = []
    tap = AnswerTap(sink, heard.append)
    started = time.time()
    for _ in range(10):  # 200 ms of filler, pushed at once
        await tap.capture_frame(_frame("acknowledgment"))
    await asyncio.sleep(0.3)  # the answer's audio comes after the filler has played
    for _ in range(10):
        await tap.capture_frame(_frame())
    tap.flush()
    sink.on_playback_started(created_at=started)
    # The sink played 300 ms of the 400 ms: the caller interrupted.
    sink.on_playback_finished(playback_position=0.3, interrupted=True)
    [played] = heard
    assert [s.kind for s in played] == ["acknowledgment", "content"]
    assert played[0].start == pytest.approx(started)
    assert played[0].end == pytest.approx(started + 0.2)
    # Arrived after the filler ended: it played when it arrived, not at 0.2 s.
    assert played[1].start == pytest.approx(started + 0.3, abs=0.05)
    assert played[1].end - played[1].start == pytest.approx(0.1, abs=0.001)


class _History:
    """The session's events the clock listens to, without a session."""

    def __init__(self) -> None:
        self.handlers: dict[str, object] = {}

    def on(self, event: str, handler: object) -> None:
        self.handlers[event] = handler


def test_the_clock_times_each_spoken_turn_and_not_a_keyed_one() -> None:
    from livekit.agents import llm
    from livekit.agents.voice.events import ConversationItemAddedEvent

    from worker.telemetry.answer_clock import AnswerClock

    history = _History()
    clock = AnswerClock(history)  # type: ignore[arg-type]
    timings: list[AnswerTiming] = []
    clock.listeners.append(timings.append)

    def user(stopped: float | None) -> None:
        message = llm.ChatMessage(role="user", content=["x"])
        if stopped is not None:
            message.metrics["stopped_speaking_at"] = stopped
            message.metrics["started_speaking_at"] = stopped - 1.0
        handler = history.handlers["conversation_item_added"]
        handler(ConversationItemAddedEvent(item=message))  # type: ignore[operator]

    user(10.0)
    clock.heard([AudioStretch(10.6, 11.0, "acknowledgment", "I see.")])
    assert timings == []  # no answer yet
    clock.heard([AudioStretch(11.2, 12.0, "content")])
    assert timings[-1].content_s == pytest.approx(1.2)
    user(20.0)
    clock.heard([AudioStretch(20.5, 21.0, "apology")])  # no answer to this turn
    user(None)  # then keys pressed: what answers them is not the spoken turn's answer
    clock.heard([AudioStretch(24.0, 25.0, "content")])
    clock.close()
    assert len(timings) == 2
    assert timings[-1].content_s is None and timings[-1].first_sound_s == pytest.approx(0.5)
