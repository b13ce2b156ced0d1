"""Caller speech for simulated calls: espeak-ng synthesis, cached on disk as WAV.

Two caller paths are modelled:

* **Wideband** (app caller over WebRTC): espeak-ng's native 22 050 Hz output resampled
  by sox to 16 kHz mono int16.
* **Narrowband** (phone caller over SIP): resampled to 8 kHz, G.711 mu-law encoded and
  decoded (the lossy step of a phone call), then upsampled to 48 kHz. The 48 kHz end is
  deliberate: the LiveKit SIP bridge decodes G.711 and resamples to 48 kHz for the room,
  so the agent receives 48 kHz frames whose content stops below 4 kHz. The result's
  ``sample_rate`` is therefore 48 000.

Every result is trimmed to its voiced span so that harness timings (speech start/end)
are exact rather than offset by espeak's leading and trailing silence.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import structlog
from livekit import rtc

from sim._audio_synth import wav_bytes

__all__ = [
    "NARROWBAND_SAMPLE_RATE",
    "TELEPHONE_SAMPLE_RATE",
    "WIDEBAND_SAMPLE_RATE",
    "SpeechToolMissingError",
    "SynthesisError",
    "Utterance",
    "mulaw_decode",
    "mulaw_encode",
    "read_wav",
    "silence",
    "synthesize",
    "voiced_span",
    "write_wav",
]

log = structlog.get_logger(__name__)

WIDEBAND_SAMPLE_RATE = 16_000
"""What an app caller's audio is delivered at."""
TELEPHONE_SAMPLE_RATE = 8_000
"""G.711's sampling rate: the band limit of a phone call."""
NARROWBAND_SAMPLE_RATE = 48_000
"""What the SIP bridge hands the room after decoding G.711."""

# Bump when the processing below changes, so stale cache entries are not reused.
_PIPELINE_VERSION = 1
# -46 dBFS: above sox's resampling ripple and mu-law's smallest steps, below any phoneme.
_VOICED_THRESHOLD = 164

# G.711 mu-law constants (ITU-T G.711, as in the reference g711.c).
_MULAW_BIAS = 0x84
_MULAW_CLIP = 32635

Int16Array = npt.NDArray[np.int16]
UInt8Array = npt.NDArray[np.uint8]

_version_cache: dict[str, str] = {}


class SpeechToolMissingError(RuntimeError):
    """espeak-ng or sox is not installed."""


class SynthesisError(RuntimeError):
    """espeak-ng or sox ran but failed."""


@dataclass(frozen=True)
class Utterance:
    """One piece of caller speech, ready to feed to a simulated microphone.

    Attributes:
        samples: mono int16 PCM.
        sample_rate: rate of ``samples`` in Hz.
        text: what is said.
        duration_s: length of ``samples`` in seconds.
        voiced_start_s: offset of the first voiced sample (0 for synthesised speech,
            which is trimmed).
        voiced_duration_s: length of the span from the first to the last voiced sample.
    """

    samples: Int16Array
    sample_rate: int
    text: str
    duration_s: float
    voiced_start_s: float
    voiced_duration_s: float

    @classmethod
    def from_samples(cls, samples: Int16Array, sample_rate: int, text: str) -> Utterance:
        """Build an utterance from PCM, measuring its voiced span.

        Args:
            samples: mono int16 PCM.
            sample_rate: rate of ``samples`` in Hz.
            text: what is said.
        """
        start, end = voiced_span(samples)
        return cls(
            samples=samples,
            sample_rate=sample_rate,
            text=text,
            duration_s=len(samples) / sample_rate,
            voiced_start_s=start / sample_rate,
            voiced_duration_s=(end - start) / sample_rate,
        )


def at_rate(utterance: Utterance, sample_rate: int) -> Utterance:
    """``utterance`` as the agent's session receives it when the room's track is decoded
    at ``sample_rate`` (RoomIO's audio input rate): resampled by the rtc library, as its
    audio stream does before any Python code sees a frame.

    Synchronous and CPU-bound (a few milliseconds a second of audio): call it off the
    event loop.
    """
    if utterance.sample_rate == sample_rate:
        return utterance
    resampler = rtc.AudioResampler(input_rate=utterance.sample_rate, output_rate=sample_rate)
    source = rtc.AudioFrame(
        utterance.samples.tobytes(),
        sample_rate=utterance.sample_rate,
        num_channels=1,
        samples_per_channel=len(utterance.samples),
    )
    frames = [*resampler.push(source), *resampler.flush()]
    samples = np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in frames])
    return Utterance.from_samples(np.ascontiguousarray(samples), sample_rate, utterance.text)


def silence(duration_s: float, sample_rate: int) -> Int16Array:
    """Digital silence.

    Args:
        duration_s: length in seconds.
        sample_rate: rate in Hz.
    """
    return np.zeros(round(duration_s * sample_rate), dtype=np.int16)


def voiced_span(samples: Int16Array, threshold: int = _VOICED_THRESHOLD) -> tuple[int, int]:
    """Sample indices ``[start, end)`` from the first to the last sample above threshold.

    Args:
        samples: mono int16 PCM.
        threshold: absolute amplitude counted as voiced.

    Returns:
        ``(0, 0)`` when nothing is voiced.
    """
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if loud.size == 0:
        return 0, 0
    return int(loud[0]), int(loud[-1]) + 1


def mulaw_encode(samples: Int16Array) -> UInt8Array:
    """G.711 mu-law encoding of 16-bit linear PCM.

    Args:
        samples: int16 PCM.
    """
    x = samples.astype(np.int32)
    negative = x < 0
    magnitude = np.minimum(np.abs(x), _MULAW_CLIP) + _MULAW_BIAS
    # magnitude lies in [132, 32767], so its top bit is bit 7..14: segment 0..7.
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    code = (negative.astype(np.int32) << 7) | (exponent << 4) | mantissa
    encoded: UInt8Array = (~code & 0xFF).astype(np.uint8)
    return encoded


def mulaw_decode(codes: UInt8Array) -> Int16Array:
    """G.711 mu-law decoding to 16-bit linear PCM.

    Args:
        codes: mu-law bytes.
    """
    u = ~codes.astype(np.int32) & 0xFF
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    magnitude = (((mantissa << 3) + _MULAW_BIAS) << exponent) - _MULAW_BIAS
    return np.where(u & 0x80, -magnitude, magnitude).astype(np.int16)


def read_wav(path: Path) -> tuple[Int16Array, int]:
    """Read a mono 16-bit WAV file (blocking; use ``asyncio.to_thread`` on a loop).

    Args:
        path: the file.

    Returns:
        The samples and their sample rate.
    """
    with wave.open(str(path), "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise ValueError(f"{path}: expected mono 16-bit PCM")
        rate = wav.getframerate()
        data = wav.readframes(wav.getnframes())
    return np.frombuffer(data, dtype="<i2").astype(np.int16), rate


def write_wav(path: Path, samples: Int16Array, sample_rate: int) -> None:
    """Write a mono 16-bit WAV file (blocking; use ``asyncio.to_thread`` on a loop).

    Args:
        path: the file.
        samples: mono int16 PCM.
        sample_rate: rate in Hz.
    """
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(samples.astype("<i2").tobytes())


async def synthesize(
    text: str,
    *,
    cache_dir: Path,
    voice: str = "en-us",
    words_per_minute: int = 175,
    narrowband: bool = False,
    espeak: str = "espeak-ng",
    sox: str = "sox",
) -> Utterance:
    """Caller speech for ``text``, from the cache or freshly synthesised.

    Args:
        text: what the caller says.
        cache_dir: where synthesised WAV files are kept (created if missing).
        voice: espeak-ng voice name.
        words_per_minute: espeak-ng speaking rate.
        narrowband: model a phone caller (8 kHz G.711, delivered at 48 kHz) rather
            than an app caller (16 kHz).
        espeak: espeak-ng executable.
        sox: sox executable.

    Raises:
        SpeechToolMissingError: espeak-ng or sox is not installed.
        SynthesisError: a tool failed, or ``text`` produced no audible speech.
    """
    espeak_path = _require_tool(espeak, "espeak-ng")
    version = await _espeak_version(espeak_path)
    key = _cache_key(text, voice, words_per_minute, narrowband, version)
    path = cache_dir / f"{key}.wav"

    if await asyncio.to_thread(path.is_file):
        samples, rate = await asyncio.to_thread(read_wav, path)
        log.debug("caller_voice.cache_hit", key=key, narrowband=narrowband)
        return Utterance.from_samples(samples, rate, text)

    sox_path = _require_tool(sox, "sox")
    wav = await _run(
        [espeak_path, "-v", voice, "-s", str(words_per_minute), "--stdin", "--stdout"],
        text.encode(),
    )
    if narrowband:
        line = await _resample(sox_path, wav, TELEPHONE_SAMPLE_RATE)
        line = mulaw_decode(mulaw_encode(line))
        samples = await _resample(
            sox_path,
            wav_bytes(line.astype("<i2").tobytes(), TELEPHONE_SAMPLE_RATE),
            NARROWBAND_SAMPLE_RATE,
        )
        rate = NARROWBAND_SAMPLE_RATE
    else:
        samples = await _resample(sox_path, wav, WIDEBAND_SAMPLE_RATE)
        rate = WIDEBAND_SAMPLE_RATE

    start, end = voiced_span(samples)
    if end <= start:
        raise SynthesisError(f"espeak-ng produced no audible speech for {text!r}")
    samples = np.ascontiguousarray(samples[start:end])

    await asyncio.to_thread(_store, path, samples, rate)
    log.debug(
        "caller_voice.synthesized", key=key, narrowband=narrowband, seconds=len(samples) / rate
    )
    return Utterance.from_samples(samples, rate, text)


def _require_tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SpeechToolMissingError(f"{name} not found: install {package}: make setup")
    return found


async def _espeak_version(espeak_path: str) -> str:
    # Part of the cache key: a different espeak-ng speaks differently. Asked once per process.
    if espeak_path not in _version_cache:
        out = await _run([espeak_path, "--version"], b"")
        _version_cache[espeak_path] = out.decode(errors="replace").split("Data at")[0].strip()
    return _version_cache[espeak_path]


def _cache_key(text: str, voice: str, wpm: int, narrowband: bool, version: str) -> str:
    material = json.dumps(
        [_PIPELINE_VERSION, text, voice, wpm, narrowband, version], ensure_ascii=False
    )
    return hashlib.sha256(material.encode()).hexdigest()[:32]


async def _run(argv: list[str], stdin: bytes) -> bytes:
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate(stdin)
    if proc.returncode != 0:
        raise SynthesisError(
            f"{Path(argv[0]).name} exited {proc.returncode}: {err.decode(errors='replace').strip()}"
        )
    return out


async def _resample(sox_path: str, wav: bytes, rate: int) -> Int16Array:
    # -D: no dither, so silence stays digital zero; -G: lower the gain rather than clip
    # when the resampling filter overshoots.
    raw = await _run(
        [
            sox_path, "-D", "-G", "-V1",
            "-t", "wav", "-",
            "-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", "-r", str(rate),
            "-",
        ],
        wav,
    )  # fmt: skip
    return np.frombuffer(raw, dtype="<i2").astype(np.int16)


def _store(path: Path, samples: Int16Array, rate: int) -> None:
    # Write beside the target and rename: concurrent synthesisers of the same text never
    # expose a half-written file, and the last rename wins with identical content.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    os.close(fd)
    try:
        write_wav(Path(tmp), samples, rate)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
