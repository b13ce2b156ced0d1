"""In-process microphone and loudspeaker, alone and under a real ``AgentSession``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    Agent,
    AgentSession,
    APIConnectOptions,
    tts,
)
from livekit.agents.vad import VAD
from livekit.agents.voice.io import PlaybackFinishedEvent, PlaybackStartedEvent
from livekit.plugins import silero
from support import needs_tools

from sim.audio_io import CapturingAudioOutput, ScriptedAudioInput
from sim.caller_voice import Utterance, silence, synthesize

pytestmark = pytest.mark.unit


RATE = 16_000
FRAME = 0.02


def _tone(seconds: float, rate: int = RATE, amplitude: int = 8000) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (np.sin(2 * np.pi * 440 * t) * amplitude).astype(np.int16)


def _frame(rate: int = RATE, value: int = 1000, seconds: float = FRAME) -> rtc.AudioFrame:
    n = round(rate * seconds)
    return rtc.AudioFrame(
        data=np.full(n, value, np.int16).tobytes(),
        sample_rate=rate,
        num_channels=1,
        samples_per_channel=n,
    )


class _Reader:
    """Stands in for the session's audio forwarding task: reads every frame, with times."""

    def __init__(self, mic: ScriptedAudioInput) -> None:
        self.frames: list[tuple[float, rtc.AudioFrame]] = []
        self._mic = mic
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        async for frame in self._mic:
            self.frames.append((loop.time(), frame))

    async def aclose(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    def samples(self) -> np.ndarray:
        return np.concatenate([np.frombuffer(f.data, np.int16) for _, f in self.frames])


@pytest.fixture
async def mic() -> AsyncIterator[ScriptedAudioInput]:
    source = ScriptedAudioInput(sample_rate=RATE)
    yield source
    await source.aclose()


@pytest.fixture
async def speaker() -> AsyncIterator[CapturingAudioOutput]:
    async with CapturingAudioOutput(sample_rate=RATE) as sink:
        yield sink


def _record_events(
    sink: CapturingAudioOutput,
) -> tuple[list[PlaybackStartedEvent], list[PlaybackFinishedEvent]]:
    started: list[PlaybackStartedEvent] = []
    finished: list[PlaybackFinishedEvent] = []
    sink.on("playback_started", started.append)
    sink.on("playback_finished", finished.append)
    return started, finished


# --- microphone --------------------------------------------------------------------------


@pytest.mark.virtual_time
async def test_mic_sends_20ms_silence_frames_in_real_time(mic: ScriptedAudioInput) -> None:
    loop = asyncio.get_running_loop()
    begin = loop.time()
    frames = [await mic.__anext__() for _ in range(25)]
    elapsed = loop.time() - begin
    assert all(f.samples_per_channel == 320 and f.sample_rate == RATE for f in frames)
    assert all(f.num_channels == 1 for f in frames)
    assert not any(np.frombuffer(f.data, np.int16).any() for f in frames)
    # 25 frames of 20 ms: never faster than real time, and not grossly slower.
    assert elapsed == pytest.approx(0.5, abs=1e-9), elapsed


async def test_mic_frame_size_follows_sample_rate() -> None:
    narrowband = ScriptedAudioInput(sample_rate=48_000)
    frame = await narrowband.__anext__()
    assert frame.samples_per_channel == 960
    assert frame.duration == pytest.approx(FRAME)
    await narrowband.aclose()


@pytest.mark.virtual_time
async def test_mic_pacing_uses_absolute_deadlines(mic: ScriptedAudioInput) -> None:
    # A stalled consumer gets the frames it missed at once, so the call stays on schedule.
    loop = asyncio.get_running_loop()
    begin = loop.time()
    for _ in range(10):
        await mic.__anext__()
    # Past every deadline of the next ten frames (0.2 s of audio): they come at once.
    # Deadlines counted from each frame instead would take 0.7 s in all.
    await asyncio.sleep(0.3)
    for _ in range(10):
        await mic.__anext__()
    elapsed = loop.time() - begin
    assert elapsed == pytest.approx(0.5, abs=1e-9), elapsed


async def test_mic_plays_clips_in_order_on_frame_boundaries(mic: ScriptedAudioInput) -> None:
    reader = _Reader(mic)
    first = _tone(0.05)  # 2.5 frames: padded to 3
    second = np.full(320 * 2, 777, np.int16)
    try:
        await mic.silence(0.04)
        t1 = mic.play(first)
        t2 = await mic.play_and_wait(second)
        times1 = await t1
    finally:
        await reader.aclose()

    audio = reader.samples()
    assert np.array_equal(audio[:640], np.zeros(640, np.int16))
    assert np.array_equal(audio[640 : 640 + 800], first)
    assert not audio[640 + 800 : 640 + 960].any()  # padding
    assert np.array_equal(audio[640 + 960 : 640 + 960 + 640], second)

    assert len(times1.frames_delivered_at) == 3
    assert len(t2.frames_delivered_at) == 2
    assert times1.start < times1.end < t2.start < t2.end
    assert t2.start - times1.end == pytest.approx(FRAME, abs=0.015)
    # The first sample of a clip is captured one frame before its frame is delivered.
    assert times1.start - times1.audio_start == pytest.approx(FRAME, abs=0.015)
    delivered = [t for t, _ in reader.frames]
    assert delivered[2] == pytest.approx(times1.start, abs=1e-3)
    assert delivered[4] == pytest.approx(times1.end, abs=1e-3)


async def test_mic_keeps_sending_silence_after_the_script(mic: ScriptedAudioInput) -> None:
    reader = _Reader(mic)
    try:
        await mic.play_and_wait(_tone(0.04))
        await asyncio.sleep(0.2)
    finally:
        await reader.aclose()
    assert len(reader.frames) >= 10
    tail = [np.frombuffer(f.data, np.int16) for _, f in reader.frames[3:]]
    assert not any(chunk.any() for chunk in tail)


async def test_mic_say_reports_the_voiced_span(mic: ScriptedAudioInput) -> None:
    samples = np.concatenate([silence(0.1, RATE), _tone(0.3), silence(0.2, RATE)])
    utterance = Utterance.from_samples(samples, RATE, "tone")
    reader = _Reader(mic)
    try:
        spoken = await mic.say(utterance)
        after = await mic.silence(0.1)
    finally:
        await reader.aclose()
    loud = [t for t, f in reader.frames if np.frombuffer(f.data, np.int16).any()]
    assert spoken.end - spoken.start == pytest.approx(0.3, abs=1e-3)
    # The voiced span sits inside the frames that carried it (give or take loop jitter:
    # speech times are on the microphone's clock, deliveries are when the reader ran).
    jitter = 0.005
    assert loud[0] - FRAME - jitter <= spoken.start < loud[0]
    assert loud[-1] - FRAME - jitter < spoken.end <= loud[-1]
    assert spoken.delivered_end == pytest.approx(loud[-1], abs=1e-3)
    assert spoken.delivered_end < after.start


async def test_mic_rejects_a_mismatched_sample_rate(mic: ScriptedAudioInput) -> None:
    wrong = Utterance.from_samples(_tone(0.1, 8000), 8000, "tone")
    with pytest.raises(ValueError, match="8000 Hz"):
        await mic.say(wrong)


async def test_mic_close_ends_iteration_and_cancels_pending_clips() -> None:
    mic = ScriptedAudioInput(sample_rate=RATE)
    pending = mic.play(_tone(1.0))
    await mic.aclose()
    assert pending.cancelled()
    with pytest.raises(StopAsyncIteration):
        await mic.__anext__()


# --- loudspeaker ---------------------------------------------------------------------------


@pytest.mark.virtual_time
async def test_speaker_plays_a_segment_in_real_time(speaker: CapturingAudioOutput) -> None:
    started, finished = _record_events(speaker)
    loop = asyncio.get_running_loop()
    begin = loop.time()
    for _ in range(10):
        await speaker.capture_frame(_frame())
    speaker.flush()
    assert not finished  # nothing has played out yet

    event = await asyncio.wait_for(speaker.wait_for_playout(), 2)
    elapsed = loop.time() - begin
    assert elapsed == pytest.approx(0.2, abs=1e-9), elapsed
    assert event.interrupted is False
    assert event.playback_position == pytest.approx(0.2)
    assert len(started) == 1
    assert len(finished) == 1
    assert abs(started[0].created_at - time.time()) < 1.0  # wall clock, as the framework wants

    (segment,) = speaker.segments
    played = [f.played_at for f in segment.frames]
    assert all(t is not None for t in played)
    # Back to back on the device clock.
    assert np.allclose(np.diff(np.array(played, dtype=float)), FRAME)
    assert segment.end - segment.start == pytest.approx(0.2)
    assert segment.duration_s == pytest.approx(0.2)
    assert segment.sample_rate == RATE
    assert len(segment.samples) == 3200
    assert not segment.interrupted
    assert speaker.first_frame_after(begin - 1) == segment.start
    assert speaker.first_frame_after(segment.start + 0.001) == played[1]
    assert speaker.first_frame_after(segment.end) is None


@pytest.mark.virtual_time
async def test_speaker_clear_buffer_interrupts_playout(speaker: CapturingAudioOutput) -> None:
    _, finished = _record_events(speaker)
    for _ in range(50):  # one second
        await speaker.capture_frame(_frame())
    speaker.flush()
    await asyncio.sleep(0.2)
    speaker.clear_buffer()
    event = await asyncio.wait_for(speaker.wait_for_playout(), 1)

    assert event.interrupted is True
    assert event.playback_position == pytest.approx(0.2, abs=1e-9), event.playback_position
    assert len(finished) == 1
    (segment,) = speaker.segments
    assert segment.interrupted
    assert segment.duration_s == pytest.approx(event.playback_position)
    assert len(segment.samples) == round(event.playback_position * RATE)
    unplayed = [f for f in segment.frames if f.played_at is None]
    assert len(segment.frames) == 50
    assert len(unplayed) == 40, len(unplayed)


@pytest.mark.virtual_time
async def test_speaker_clear_before_flush_ends_at_the_flush(
    speaker: CapturingAudioOutput,
) -> None:
    # The session cancels a forwarding task with flush() then clear_buffer(), but a clear
    # can also land while frames are still arriving; the segment ends at the flush.
    _, finished = _record_events(speaker)
    for _ in range(5):
        await speaker.capture_frame(_frame())
    speaker.clear_buffer()
    for _ in range(5):
        await speaker.capture_frame(_frame())
    await asyncio.sleep(0.05)
    assert not finished
    speaker.flush()
    event = await asyncio.wait_for(speaker.wait_for_playout(), 1)
    assert event.interrupted
    # Cleared before the device clock moved (virtual time): nothing had played.
    assert event.playback_position == 0.0
    assert len(speaker.segments[0].frames) == 10


async def test_speaker_underrun_plays_late_frames_when_they_arrive(
    speaker: CapturingAudioOutput,
) -> None:
    loop = asyncio.get_running_loop()
    await speaker.capture_frame(_frame())
    await asyncio.sleep(0.1)
    late_at = loop.time()
    await speaker.capture_frame(_frame())
    speaker.flush()
    event = await asyncio.wait_for(speaker.wait_for_playout(), 1)
    first, second = speaker.segments[0].frames
    assert first.played_at is not None
    assert second.played_at is not None
    assert second.played_at == second.received_at
    assert second.played_at >= late_at
    assert event.playback_position == pytest.approx(0.04)


async def test_speaker_flush_without_audio_is_not_a_segment(
    speaker: CapturingAudioOutput,
) -> None:
    _, finished = _record_events(speaker)
    speaker.flush()
    speaker.clear_buffer()
    await asyncio.wait_for(speaker.wait_for_playout(), 0.5)
    await asyncio.sleep(0.05)
    assert not finished
    assert not speaker.segments


async def test_speaker_plays_segments_one_after_another(speaker: CapturingAudioOutput) -> None:
    for _ in range(5):
        await speaker.capture_frame(_frame(value=1))
    speaker.flush()
    for _ in range(5):
        await speaker.capture_frame(_frame(value=2))
    speaker.flush()
    await asyncio.wait_for(speaker.wait_for_playout(), 1)
    first, second = speaker.segments
    assert first.end <= second.start
    assert set(first.samples.tolist()) == {1}
    assert set(second.samples.tolist()) == {2}
    assert speaker.captured_playout_segments == 2


async def test_speaker_pause_holds_playout(speaker: CapturingAudioOutput) -> None:
    for _ in range(5):
        await speaker.capture_frame(_frame())
    speaker.flush()
    await asyncio.sleep(0.03)
    speaker.pause()
    await asyncio.sleep(0.2)
    assert not speaker.segments
    speaker.resume()
    event = await asyncio.wait_for(speaker.wait_for_playout(), 1)
    segment = speaker.segments[0]
    assert event.playback_position == pytest.approx(0.1)
    assert segment.end - segment.start > 0.25


@pytest.mark.virtual_time
async def test_speaker_close_ends_a_playing_segment_as_interrupted() -> None:
    sink = CapturingAudioOutput(sample_rate=RATE)
    for _ in range(25):
        await sink.capture_frame(_frame())
    sink.flush()
    await asyncio.sleep(0.1)
    await sink.aclose()
    event = await asyncio.wait_for(sink.wait_for_playout(), 0.1)
    assert event.interrupted
    assert event.playback_position == pytest.approx(0.1, abs=1e-9), event.playback_position
    assert sink.segments[0].interrupted
    assert len(sink.segments[0].frames) == 25
    with pytest.raises(RuntimeError, match="closed"):
        await sink.capture_frame(_frame())


async def test_speaker_rejects_mixed_rates_in_one_segment() -> None:
    async with CapturingAudioOutput() as sink:
        await sink.capture_frame(_frame(rate=24_000))
        with pytest.raises(ValueError, match="frame at 16000 Hz in a 24000 Hz segment"):
            await sink.capture_frame(_frame(rate=16_000))


# --- under a real AgentSession --------------------------------------------------------------


class _ToneTTS(tts.TTS[None]):
    """A non-streaming TTS that answers any text with ``seconds`` of 440 Hz at 24 kHz."""

    def __init__(self, seconds: float = 0.5) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False), sample_rate=24_000, num_channels=1
        )
        self.seconds = seconds

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _ToneStream(tts=self, input_text=text, conn_options=conn_options)


class _ToneStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        output_emitter.initialize(
            request_id="tone", sample_rate=24_000, num_channels=1, mime_type="audio/pcm"
        )
        assert isinstance(self._tts, _ToneTTS)
        output_emitter.push(_tone(self._tts.seconds, 24_000).tobytes())
        output_emitter.flush()


async def _start_session(
    mic: ScriptedAudioInput,
    speaker: CapturingAudioOutput,
    *,
    vad: VAD | None,
    tts_engine: tts.TTS[None] | None = None,
) -> AgentSession[None]:
    session: AgentSession[None] = AgentSession(
        vad=vad,
        tts=tts_engine if tts_engine is not None else NOT_GIVEN,
        turn_handling={"turn_detection": None},
    )
    session.input.audio = mic
    session.output.audio = speaker
    await session.start(Agent(instructions="Say what you are told."))
    return session


async def test_session_say_plays_through_the_speaker(
    mic: ScriptedAudioInput, speaker: CapturingAudioOutput
) -> None:
    session = await _start_session(mic, speaker, vad=None, tts_engine=_ToneTTS())
    try:
        loop = asyncio.get_running_loop()
        asked = loop.time()
        handle = session.say("hello")
        await asyncio.wait_for(handle.wait_for_playout(), 5)
        assert handle.done()
        assert not handle.interrupted
    finally:
        await session.aclose()

    (segment,) = speaker.segments
    assert not segment.interrupted
    # The session resampled the 24 kHz TTS audio to the speaker's rate.
    assert segment.sample_rate == RATE
    assert segment.duration_s == pytest.approx(0.5, abs=0.05)
    assert segment.end - segment.start == pytest.approx(segment.duration_s, abs=0.01)
    assert speaker.first_frame_after(asked) == segment.start
    # The say() waited for the audio to play, not merely to be generated.
    assert loop.time() >= segment.end
    # The microphone was read all along, as a room's would be.
    assert mic.frames_sent >= 20


async def test_session_interruption_clears_the_speaker(
    mic: ScriptedAudioInput, speaker: CapturingAudioOutput
) -> None:
    # Three seconds of tone, interrupted once the speaker has played some of it: the cut
    # is asserted against the tone's length, so a loaded machine only moves where it falls.
    session = await _start_session(mic, speaker, vad=None, tts_engine=_ToneTTS(3.0))
    try:
        playing = asyncio.Event()
        speaker.on("playback_started", lambda _: playing.set())
        handle = session.say("hello")
        await asyncio.wait_for(playing.wait(), 5)
        handle.interrupt()
        await asyncio.wait_for(handle.wait_for_playout(), 5)
        assert handle.interrupted
    finally:
        await session.aclose()

    (segment,) = speaker.segments
    assert segment.interrupted
    assert 0.0 < segment.duration_s < 2.5


@needs_tools
@pytest.mark.parametrize("narrowband", [False, True])
async def test_session_vad_hears_the_scripted_caller(tmp_path: Path, narrowband: bool) -> None:
    utterance = await synthesize(
        "Hello, I would like to check my order status please.",
        cache_dir=tmp_path,
        narrowband=narrowband,
    )
    mic = ScriptedAudioInput(sample_rate=utterance.sample_rate)
    loop = asyncio.get_running_loop()
    states: list[tuple[float, str]] = []
    async with CapturingAudioOutput(sample_rate=RATE) as speaker:
        session = await _start_session(mic, speaker, vad=silero.VAD.load())
        session.on("user_state_changed", lambda ev: states.append((loop.time(), ev.new_state)))
        try:
            await mic.silence(0.3)
            spoken = await mic.say(utterance)
            await mic.silence(1.0)
        finally:
            await session.aclose()
            await mic.aclose()

    speaking = [t for t, s in states if s == "speaking"]
    stopped = [t for t, s in states if s == "listening" and t > spoken.start]
    assert speaking
    assert stopped
    # VAD hears speech shortly after it starts and notices silence after it ends.
    assert spoken.start < speaking[0] < spoken.start + 0.5
    assert spoken.end < stopped[0] < spoken.end + 1.0
