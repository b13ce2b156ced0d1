"""In-process audio I/O for running a real ``AgentSession`` without a room.

:class:`ScriptedAudioInput` is the caller's microphone: it delivers 20 ms frames paced
in real time, speaking scripted utterances and otherwise sending silence, as a real
microphone never stops. :class:`CapturingAudioOutput` is the caller's loudspeaker: it
plays the agent's audio in real time, reports playout to the session exactly as a
playout device must, and records when every frame arrived and played.

All times recorded here are event-loop times (``loop.time()``); the framework's own
events carry wall-clock times (``time.time()``), converted at the moment of reporting.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import structlog
from livekit import rtc
from livekit.agents import utils
from livekit.agents.voice import io

from sim.caller_voice import Utterance
from worker.telemetry.answer_timing import CONTENT, SpeechKind, frame_mark

__all__ = [
    "CapturedFrame",
    "CapturedSegment",
    "CapturingAudioOutput",
    "PlaybackTimes",
    "ScriptedAudioInput",
    "SpeechTimes",
]

log = structlog.get_logger(__name__)

Int16Array = npt.NDArray[np.int16]

# A consumer this far behind the microphone clock is not keeping up; worth one warning.
_LAG_WARNING_S = 0.1


@dataclass(frozen=True)
class PlaybackTimes:
    """When a scripted clip went through the microphone, in loop time.

    Attributes:
        start: when the clip's first frame was delivered to the session.
        end: when the clip's last frame was delivered to the session.
        audio_start: on the microphone's clock, when the clip's first sample was
            captured (one frame before ``start`` when the consumer keeps up).
        frames_delivered_at: delivery time of each of the clip's frames.
    """

    start: float
    end: float
    audio_start: float
    frames_delivered_at: tuple[float, ...]


@dataclass(frozen=True)
class SpeechTimes:
    """When the caller was audibly speaking, on the microphone's clock (loop time).

    Attributes:
        start: the first voiced sample.
        end: the last voiced sample; what "the caller stopped talking" means for
            response-latency measurements.
        delivered_end: when the frame holding the last voiced sample reached the
            session (the earliest the agent could know).
    """

    start: float
    end: float
    delivered_end: float


@dataclass
class _Clip:
    samples: Int16Array
    done: asyncio.Future[PlaybackTimes]
    position: int = 0
    delivered_at: list[float] = field(default_factory=list)
    audio_start: float | None = None


class ScriptedAudioInput(io.AudioInput):
    """A caller's microphone playing a script of clips, in real time.

    Frames go out on an absolute schedule (frame ``k`` at ``t0 + (k + 1) * frame``,
    ``t0`` being the first read), so pacing does not drift however long the call runs;
    a consumer that falls behind gets the missed frames at once, as from a device
    buffer. Each clip starts on a frame boundary; its last frame is padded with
    silence.

    Args:
        sample_rate: rate of every frame and every clip, in Hz.
        frame_duration_s: length of each frame.
        label: name shown in the session's I/O log.
    """

    def __init__(
        self,
        *,
        sample_rate: int,
        frame_duration_s: float = 0.02,
        label: str = "ScriptedAudioInput",
    ) -> None:
        super().__init__(label=label)
        self._sample_rate = sample_rate
        self._frame_samples = round(sample_rate * frame_duration_s)
        self._frame_duration = self._frame_samples / sample_rate
        self._clips: deque[_Clip] = deque()
        self._t0: float | None = None
        self._frames_sent = 0
        self._closed = False
        self._lag_warned = False

    @property
    def sample_rate(self) -> int:
        """Rate of every frame, in Hz."""
        return self._sample_rate

    @property
    def frame_duration_s(self) -> float:
        """Length of each frame in seconds."""
        return self._frame_duration

    @property
    def frames_sent(self) -> int:
        """How many frames have been delivered so far."""
        return self._frames_sent

    def play(self, samples: Int16Array) -> asyncio.Future[PlaybackTimes]:
        """Queue a clip after everything already queued.

        Args:
            samples: mono int16 PCM at :attr:`sample_rate`.

        Returns:
            A future resolved when the clip's last frame has been delivered.
        """
        if self._closed:
            raise RuntimeError("microphone is closed")
        if samples.ndim != 1 or samples.dtype != np.int16:
            raise ValueError("expected mono int16 samples")
        clip = _Clip(samples=samples, done=asyncio.get_running_loop().create_future())
        if len(samples) == 0:
            now = asyncio.get_running_loop().time()
            clip.done.set_result(
                PlaybackTimes(start=now, end=now, audio_start=now, frames_delivered_at=())
            )
        else:
            self._clips.append(clip)
        return clip.done

    async def play_and_wait(self, samples: Int16Array) -> PlaybackTimes:
        """Queue a clip and wait until its last frame has been delivered.

        Args:
            samples: mono int16 PCM at :attr:`sample_rate`.
        """
        return await self.play(samples)

    async def say(self, utterance: Utterance) -> SpeechTimes:
        """Speak an utterance and wait until it has been delivered.

        Args:
            utterance: caller speech at :attr:`sample_rate`.

        Returns:
            When the voiced part was spoken, on the microphone's clock.
        """
        if utterance.sample_rate != self._sample_rate:
            raise ValueError(
                f"utterance is {utterance.sample_rate} Hz, microphone is {self._sample_rate} Hz"
            )
        times = await self.play_and_wait(utterance.samples)
        start = times.audio_start + utterance.voiced_start_s
        end = start + utterance.voiced_duration_s
        last_sample = round((end - times.audio_start) * self._sample_rate) - 1
        delivered_end = times.frames_delivered_at[max(0, last_sample) // self._frame_samples]
        return SpeechTimes(start=start, end=end, delivered_end=delivered_end)

    async def silence(self, seconds: float) -> PlaybackTimes:
        """Stay quiet for ``seconds`` after everything queued, and wait until then.

        Args:
            seconds: how long the caller says nothing.
        """
        return await self.play_and_wait(np.zeros(round(seconds * self._sample_rate), np.int16))

    async def aclose(self) -> None:
        """Stop delivering frames; clips not yet delivered are cancelled."""
        self._closed = True
        while self._clips:
            self._clips.popleft().done.cancel()

    async def __anext__(self) -> rtc.AudioFrame:
        if self._closed:
            raise StopAsyncIteration
        loop = asyncio.get_running_loop()
        if self._t0 is None:
            self._t0 = loop.time()
        deadline = self._t0 + (self._frames_sent + 1) * self._frame_duration
        delay = deadline - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif -delay > _LAG_WARNING_S and not self._lag_warned:
            self._lag_warned = True
            log.warning("scripted_audio_input.consumer_lagging", behind_s=round(-delay, 3))
        if self._closed:
            raise StopAsyncIteration

        data, clip = self._next_frame_samples(deadline - self._frame_duration)
        self._frames_sent += 1
        if clip is not None:
            clip.delivered_at.append(loop.time())
            if clip.position >= len(clip.samples) and not clip.done.done():
                assert clip.audio_start is not None
                clip.done.set_result(
                    PlaybackTimes(
                        start=clip.delivered_at[0],
                        end=clip.delivered_at[-1],
                        audio_start=clip.audio_start,
                        frames_delivered_at=tuple(clip.delivered_at),
                    )
                )
        return rtc.AudioFrame(
            data=data.tobytes(),
            sample_rate=self._sample_rate,
            num_channels=1,
            samples_per_channel=self._frame_samples,
        )

    def _next_frame_samples(self, audio_time: float) -> tuple[Int16Array, _Clip | None]:
        data = np.zeros(self._frame_samples, dtype=np.int16)
        if not self._clips:
            return data, None
        # Only the head clip contributes: each clip starts on a frame boundary, so clip
        # timings map to frame times exactly.
        clip = self._clips[0]
        if clip.position == 0:
            clip.audio_start = audio_time
        chunk = clip.samples[clip.position : clip.position + self._frame_samples]
        data[: len(chunk)] = chunk
        clip.position += len(chunk)
        if clip.position >= len(clip.samples):
            self._clips.popleft()
        return data, clip


@dataclass(frozen=True)
class CapturedFrame:
    """One frame the session handed to the loudspeaker.

    Attributes:
        received_at: loop time ``capture_frame`` was called.
        played_at: loop time the frame began to play; ``None`` if it was discarded
            by an interruption before it played.
        duration_s: frame length.
        kind: what the agent's TTS node marked it as (:mod:`worker.telemetry.answer_timing`).
        line: which of the agent's own lines, for those.
        ready_at: loop time the reply's first content frame was ready to play.
    """

    received_at: float
    played_at: float | None
    duration_s: float
    kind: SpeechKind = CONTENT
    line: str | None = None
    ready_at: float | None = None


@dataclass(frozen=True)
class CapturedSegment:
    """One playout segment (the audio between two flushes), as the caller heard it.

    Attributes:
        start: loop time the first frame began to play.
        end: loop time playback stopped (the last frame ended, or the interruption).
        duration_s: how much audio played (the ``playback_position`` reported).
        sample_rate: rate of ``samples``.
        interrupted: whether ``clear_buffer`` cut it short.
        samples: the audio that played, concatenated.
        frames: every frame received for the segment, played or not.
    """

    start: float
    end: float
    duration_s: float
    sample_rate: int
    interrupted: bool
    samples: Int16Array
    frames: tuple[CapturedFrame, ...]


_Mark = tuple[SpeechKind, str | None, float | None]


def _mark(frame: rtc.AudioFrame) -> _Mark:
    """The frame's mark, its ready time moved from the wall clock to the loop's."""
    kind, line, ready_wall = frame_mark(frame)
    ready = None if ready_wall is None else _loop_time(ready_wall)
    return kind, line, ready


@dataclass
class _Segment:
    queue: deque[tuple[rtc.AudioFrame, float, _Mark]] = field(default_factory=deque)
    frames: list[CapturedFrame] = field(default_factory=list)
    played: list[Int16Array] = field(default_factory=list)
    sample_rate: int | None = None
    start: float | None = None
    # when the frame now playing ends, on the device clock
    playing_until: float | None = None
    played_s: float = 0.0
    flushed: bool = False
    cleared_at: float | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)


class CapturingAudioOutput(io.AudioOutput):
    """A caller's loudspeaker that plays in real time and records what it heard.

    A playout task consumes captured frames on a device clock: each frame starts when
    the previous one ends, or when it arrives if the buffer ran dry, or on resume after
    a pause. It reports ``playback_started`` when a segment's first frame plays and
    ``playback_finished`` once the segment is flushed and has played out, or at once if
    ``clear_buffer`` cut it short. Mid-segment progress is not reported; the framework
    then describes the segment by its endpoints.

    Must be used inside ``async with`` or closed with :meth:`aclose`: the playout task
    lives until then.

    Args:
        sample_rate: rate the sink requires (the session resamples TTS audio to it);
            ``None`` takes any rate, one rate per segment.
        label: name shown in the session's I/O log.
    """

    def __init__(
        self, *, sample_rate: int | None = None, label: str = "CapturingAudioOutput"
    ) -> None:
        super().__init__(
            label=label,
            capabilities=io.AudioOutputCapabilities(pause=True),
            next_in_chain=None,
            sample_rate=sample_rate,
        )
        self.segments: list[CapturedSegment] = []
        self._current: _Segment | None = None
        self._paused = False
        self._resumed_at = 0.0
        self._wake = asyncio.Event()
        self._segment_done = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    async def __aenter__(self) -> CapturingAudioOutput:
        self._ensure_task()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop the playout task; a segment still playing ends as interrupted."""
        if self._task is not None:
            await utils.aio.cancel_and_wait(self._task)
            self._task = None
        self._closed = True
        seg = self._current
        if seg is not None:
            # Whoever waits for playout would otherwise wait forever.
            self.clear_buffer()
            self._finish(seg, asyncio.get_running_loop().time())

    def played_between(self, start: float, stop: float) -> list[CapturedFrame]:
        """Every frame that began playing in ``[start, stop]``, in order.

        Args:
            start: loop time.
            stop: loop time.
        """
        segments: list[list[CapturedFrame] | tuple[CapturedFrame, ...]] = [
            s.frames for s in self.segments
        ]
        if self._current is not None:
            segments.append(self._current.frames)
        return [
            f
            for frames in segments
            for f in frames
            if f.played_at is not None and start <= f.played_at <= stop
        ]

    def first_frame_after(self, t: float) -> float | None:
        """Loop time the first frame that began playing at or after ``t`` began playing.

        Args:
            t: loop time, e.g. when the caller stopped talking.
        """
        segments: list[list[CapturedFrame] | tuple[CapturedFrame, ...]] = [
            s.frames for s in self.segments
        ]
        if self._current is not None:
            segments.append(self._current.frames)
        for frames in segments:
            for frame in frames:
                if frame.played_at is not None and frame.played_at >= t:
                    return frame.played_at
        return None

    async def wait_for_segment(self, count: int = 1) -> CapturedSegment:
        """Wait until at least ``count`` segments have finished; return the ``count``-th.

        Args:
            count: 1-based segment number.
        """
        while len(self.segments) < count:
            self._segment_done.clear()
            await self._segment_done.wait()
        return self.segments[count - 1]

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        if self._closed:
            raise RuntimeError("audio output is closed")
        self._ensure_task()
        seg = self._current
        if seg is not None and seg.flushed:
            # The previous segment is still playing: hold the new one back, as a device
            # with a single playout queue would.
            await seg.done.wait()
            seg = None
        await super().capture_frame(frame)
        if seg is None:
            seg = self._current = _Segment()
        if seg.sample_rate is None:
            seg.sample_rate = frame.sample_rate
        elif frame.sample_rate != seg.sample_rate:
            raise ValueError(f"frame at {frame.sample_rate} Hz in a {seg.sample_rate} Hz segment")
        now = asyncio.get_running_loop().time()
        mark = _mark(frame)
        if seg.cleared_at is not None:
            # Interrupted: the rest of this segment is never heard.
            seg.frames.append(CapturedFrame(now, None, frame.duration, *mark))
            return
        seg.queue.append((frame, now, mark))
        self._wake.set()

    def flush(self) -> None:
        super().flush()
        if self._current is not None and not self._current.flushed:
            self._current.flushed = True
            self._wake.set()

    def clear_buffer(self) -> None:
        seg = self._current
        if seg is None or seg.cleared_at is not None:
            return
        seg.cleared_at = asyncio.get_running_loop().time()
        for frame, received_at, mark in seg.queue:
            seg.frames.append(CapturedFrame(received_at, None, frame.duration, *mark))
        seg.queue.clear()
        self._wake.set()

    def pause(self) -> None:
        super().pause()
        self._paused = True

    def resume(self) -> None:
        super().resume()
        if self._paused:
            self._paused = False
            self._resumed_at = asyncio.get_running_loop().time()
            self._wake.set()

    def _ensure_task(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._playout(), name="CapturingAudioOutput.playout")

    async def _playout(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            seg = self._current
            now = loop.time()
            if seg is None:
                await self._sleep_until(None)
            elif seg.cleared_at is not None:
                if seg.flushed:
                    self._finish(seg, now)
                else:
                    # A segment ends at a flush; the session flushes after clearing.
                    await self._sleep_until(None)
            elif seg.playing_until is not None and now < seg.playing_until:
                await self._sleep_until(seg.playing_until)
            elif seg.queue and not self._paused:
                self._play_next(seg)
            elif not seg.queue and seg.flushed:
                self._finish(seg, now)
            else:
                await self._sleep_until(None)

    def _play_next(self, seg: _Segment) -> None:
        frame, received_at, mark = seg.queue.popleft()
        # The device clock: back to back, unless the buffer ran dry or playback paused.
        start = max(seg.playing_until or 0.0, received_at, self._resumed_at)
        seg.playing_until = start + frame.duration
        seg.played_s += frame.duration
        seg.frames.append(CapturedFrame(received_at, start, frame.duration, *mark))
        seg.played.append(np.frombuffer(frame.data, dtype=np.int16)[:: frame.num_channels])
        if seg.start is None:
            seg.start = start
            self.on_playback_started(created_at=_wall_time(start))

    def _finish(self, seg: _Segment, now: float) -> None:
        end = seg.playing_until if seg.playing_until is not None else now
        position = seg.played_s
        if seg.cleared_at is not None and seg.playing_until is not None:
            # The frame that was playing stops where the clear caught it.
            unplayed = max(0.0, seg.playing_until - seg.cleared_at)
            position = max(0.0, position - unplayed)
            end = min(end, seg.cleared_at)
        samples = np.concatenate(seg.played) if seg.played else np.zeros(0, np.int16)
        if seg.sample_rate is not None:
            samples = samples[: round(position * seg.sample_rate)]
        self.segments.append(
            CapturedSegment(
                start=seg.start if seg.start is not None else end,
                end=end,
                duration_s=position,
                sample_rate=seg.sample_rate or 0,
                interrupted=seg.cleared_at is not None,
                samples=samples,
                frames=tuple(seg.frames),
            )
        )
        self._current = None
        seg.done.set()
        self._segment_done.set()
        self.on_playback_finished(
            playback_position=position, interrupted=seg.cleared_at is not None
        )

    async def _sleep_until(self, deadline: float | None) -> None:
        # Any capture, flush, clear or resume wakes the device early to re-evaluate.
        timeout = None if deadline is None else deadline - asyncio.get_running_loop().time()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)
        self._wake.clear()


def _loop_time(wall_time: float) -> float:
    return asyncio.get_running_loop().time() - (time.time() - wall_time)


def _wall_time(loop_time: float) -> float:
    # The framework stamps playback events with time.time(); map from the loop clock.
    return time.time() - (asyncio.get_running_loop().time() - loop_time)
