"""Deterministic, speech-like PCM for the simulated TTS services.

The audio is not intelligible speech; it only has to look like speech to whatever
consumes it downstream (level meters, VAD-ish checks, duration maths): voiced words
made of a few harmonics under a per-word amplitude envelope, with short dips between
words. The same text always gives the same samples, so tests can compare bytes.
"""

from __future__ import annotations

import io
import wave
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["CharTimings", "char_timings", "speech_like_pcm", "wav_bytes"]

_PEAK = 9000.0
# Amplitudes of harmonics 1..4: a falling spectrum, roughly like a vowel.
_HARMONICS = (1.0, 0.55, 0.3, 0.15)


@dataclass(frozen=True)
class CharTimings:
    """Per-character timing of synthesised text, in milliseconds from the audio start."""

    chars: list[str]
    start_ms: list[int]
    duration_ms: list[int]


def char_timings(text: str, ms_per_char: float, *, offset_ms: float = 0.0) -> CharTimings:
    """Timing of every character when each one lasts ``ms_per_char``.

    Args:
        text: the synthesised text.
        ms_per_char: speaking time per character.
        offset_ms: where the text starts on the caller's clock.
    """
    starts = [round(offset_ms + i * ms_per_char) for i in range(len(text))]
    ends = [round(offset_ms + (i + 1) * ms_per_char) for i in range(len(text))]
    return CharTimings(list(text), starts, [e - s for s, e in zip(starts, ends, strict=True)])


def speech_like_pcm(text: str, sample_rate: int, ms_per_char: float) -> bytes:
    """16-bit little-endian mono PCM lasting ``len(text) * ms_per_char``.

    Args:
        text: what is being "said"; word boundaries shape the envelope and each word's
            pitch is derived from its characters (stable across runs).
        sample_rate: output rate in Hz.
        ms_per_char: speaking time per character.
    """
    total = round(len(text) * ms_per_char * sample_rate / 1000)
    out = np.zeros(total, dtype=np.float64)
    per_char = ms_per_char * sample_rate / 1000
    nyquist = sample_rate / 2
    start = 0
    while start < len(text):
        if text[start].isspace():
            start += 1
            continue
        end = start
        while end < len(text) and not text[end].isspace():
            end += 1
        a, b = round(start * per_char), min(total, round(end * per_char))
        if b > a:
            out[a:b] = _voiced(text[start:end], b - a, sample_rate, nyquist)
        start = end
    pcm: npt.NDArray[np.int16] = np.clip(out, -32768, 32767).astype("<i2")
    return pcm.tobytes()


def _voiced(word: str, n: int, sample_rate: int, nyquist: float) -> npt.NDArray[np.float64]:
    # A pitch between 100 and 220 Hz keyed on the word, so words differ but runs don't.
    f0 = 100.0 + zlib.crc32(word.encode()) % 120
    t = np.arange(n, dtype=np.float64) / sample_rate
    # Slight downward glide within the word, as in declarative speech.
    phase = 2 * np.pi * (f0 * t - 0.15 * f0 * t * t)
    wave = np.zeros(n, dtype=np.float64)
    for k, amp in enumerate(_HARMONICS, start=1):
        if k * f0 < nyquist:
            wave += amp * np.sin(k * phase)
    # Raised-sine envelope: quiet at word edges, loud in the middle.
    envelope = np.sin(np.pi * (np.arange(n) + 0.5) / n) ** 0.6
    return _PEAK * wave * envelope / sum(_HARMONICS)


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """Mono 16-bit PCM wrapped in a WAV header (what OpenAI returns for ``wav``, and
    what sox needs to know the rate of audio handed over from memory)."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return buf.getvalue()
