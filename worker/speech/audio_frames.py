"""Cutting audio into short frames.

A TTS hands over audio in long frames (the framework's are 200 ms) that run across word
boundaries; stopping a line of ours at the end of its current word needs frames short
enough to see the quiet between two words.
"""

from __future__ import annotations

from typing import Final

from livekit import rtc

__all__ = ["SHORT_FRAME_S", "short_frames"]

SHORT_FRAME_S: Final = 0.02
"""One 20 ms frame: WebRTC's own frame length, and shorter than the gap between words."""


def short_frames(
    pcm: bytes, *, sample_rate: int, num_channels: int, seconds: float = SHORT_FRAME_S
) -> list[rtc.AudioFrame]:
    """16-bit ``pcm`` as frames of ``seconds`` each (the last may be shorter); a
    trailing partial sample is dropped."""
    width = 2 * num_channels
    step = max(1, round(sample_rate * seconds)) * width
    usable = len(pcm) - len(pcm) % width
    return [
        rtc.AudioFrame(
            pcm[start : min(start + step, usable)],
            sample_rate=sample_rate,
            num_channels=num_channels,
            samples_per_channel=(min(start + step, usable) - start) // width,
        )
        for start in range(0, usable, step)
    ]
