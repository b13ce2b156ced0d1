"""Speaking the hand-off briefing into a consult room (PBX attended transfers).

The call's own TTS says the lines; the frames go to whatever the room gives for the
consult room: in a LiveKit job a second `rtc.Room` connection publishing one audio
track (`JobCallRoom.consult_output`), in a simulated call a recorder.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from livekit import api, rtc
from livekit.agents import tts

__all__ = ["FrameSink", "rtc_consult_output", "speak_lines"]

FrameSink = Callable[[rtc.AudioFrame], Awaitable[None]]


async def speak_lines(
    engine: tts.TTS[Any],
    lines: Sequence[str],
    output: AbstractAsyncContextManager[FrameSink],
) -> None:
    """Synthesise ``lines`` with ``engine`` and play them into ``output``."""
    async with output as sink:
        for line in lines:
            stream = engine.stream()
            try:
                stream.push_text(line)
                stream.end_input()
                async for event in stream:
                    await sink(event.frame)
            finally:
                await stream.aclose()


@asynccontextmanager
async def rtc_consult_output(
    *, url: str, api_key: str, api_secret: str, room_name: str, identity: str, sample_rate: int
) -> AsyncIterator[FrameSink]:
    """Join ``room_name`` as an agent participant and publish one audio track.

    Not run here (no LiveKit server speaks WebRTC on this machine: docs/handoff.md).
    """
    token = (
        api.AccessToken(api_key, api_secret)
        .with_identity(identity)
        .with_kind("agent")
        .with_grants(api.VideoGrants(room_join=True, room=room_name, can_publish=True))
        .to_jwt()
    )
    room = rtc.Room()
    await room.connect(url, token)
    try:
        source = rtc.AudioSource(sample_rate, 1)
        track = rtc.LocalAudioTrack.create_audio_track("handoff-briefing", source)
        await room.local_participant.publish_track(
            track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        )

        async def sink(frame: rtc.AudioFrame) -> None:
            await source.capture_frame(frame)

        yield sink
        await source.wait_for_playout()
    finally:
        await room.disconnect()
