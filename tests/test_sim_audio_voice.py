"""Caller speech: espeak-ng synthesis, the telephone path, mu-law, and the disk cache."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import numpy as np
import pytest
from support import needs_tools

from sim.caller_voice import (
    NARROWBAND_SAMPLE_RATE,
    WIDEBAND_SAMPLE_RATE,
    SpeechToolMissingError,
    Utterance,
    at_rate,
    mulaw_decode,
    mulaw_encode,
    read_wav,
    silence,
    synthesize,
    voiced_span,
    write_wav,
)

pytestmark = pytest.mark.unit


# Fricatives put energy well above 4 kHz in wideband speech.
SIBILANT_TEXT = "She sells sea shells by the sea shore."


def _fraction_above(samples: np.ndarray, rate: int, hz: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(spectrum[freqs > hz].sum() / spectrum.sum())


def _counting_espeak(tmp_path: Path) -> tuple[str, Path]:
    """An espeak-ng wrapper that logs each invocation's arguments."""
    log = tmp_path / "espeak-calls.log"
    script = tmp_path / "espeak-ng-counting"
    real = shutil.which("espeak-ng")
    script.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    return str(script), log


def _synthesis_calls(log: Path) -> int:
    if not log.exists():
        return 0
    return sum("--version" not in line for line in log.read_text().splitlines())


def test_mulaw_decoder_matches_reference_for_every_code() -> None:
    audioop = pytest.importorskip("audioop")
    codes = np.arange(256, dtype=np.uint8)
    reference = np.frombuffer(audioop.ulaw2lin(codes.tobytes(), 2), dtype=np.int16)
    assert np.array_equal(mulaw_decode(codes), reference)


def test_mulaw_encoder_matches_reference_for_non_negative_input() -> None:
    # The reference g711.c floors negative input before taking its magnitude; G.711
    # leaves that rounding open, so only the non-negative half must agree bit for bit.
    audioop = pytest.importorskip("audioop")
    x = np.arange(0, 32768, dtype=np.int16)
    reference = np.frombuffer(audioop.lin2ulaw(x.tobytes(), 2), dtype=np.uint8)
    assert np.array_equal(mulaw_encode(x), reference)


def test_mulaw_round_trip_error_is_within_half_a_quantisation_step() -> None:
    x = np.arange(-32635, 32636, dtype=np.int32)
    decoded = mulaw_decode(mulaw_encode(x.astype(np.int16))).astype(np.int32)
    # In segment e the step is 2**(e+3) and |x| + 132 >= 2**(e+7): half a step bounds it.
    assert np.all(np.abs(decoded - x) <= (np.abs(x) + 132) / 32)
    assert np.all(np.sign(decoded) * np.sign(x) >= 0)


def test_mulaw_round_trip_keeps_a_sine_at_telephone_quality() -> None:
    t = np.arange(8000) / 8000
    x = (np.sin(2 * np.pi * 440 * t) * 12000).astype(np.int16)
    err = mulaw_decode(mulaw_encode(x)).astype(np.float64) - x
    snr_db = 10 * np.log10(np.sum(x.astype(np.float64) ** 2) / np.sum(err**2))
    assert snr_db > 35


def test_mulaw_codes_are_stable_under_re_encoding() -> None:
    values = mulaw_decode(np.arange(256, dtype=np.uint8))
    assert np.array_equal(mulaw_decode(mulaw_encode(values)), values)


def test_wav_round_trip(tmp_path: Path) -> None:
    samples = np.array([0, 1, -1, 32767, -32768, 1234], dtype=np.int16)
    write_wav(tmp_path / "x.wav", samples, 8000)
    back, rate = read_wav(tmp_path / "x.wav")
    assert rate == 8000
    assert np.array_equal(back, samples)


def test_silence_has_the_requested_length() -> None:
    quiet = silence(0.25, 16000)
    assert quiet.dtype == np.int16
    assert len(quiet) == 4000
    assert not quiet.any()


def test_utterance_from_samples_measures_the_voiced_span() -> None:
    tone = (np.sin(np.arange(1600) / 3) * 10000).astype(np.int16)
    padded = np.concatenate([silence(0.2, 16000), tone, silence(0.3, 16000)])
    utt = Utterance.from_samples(padded, 16000, "tone")
    assert utt.duration_s == pytest.approx(0.6)
    assert utt.voiced_start_s == pytest.approx(0.2, abs=1e-3)
    assert utt.voiced_duration_s == pytest.approx(0.1, abs=1e-3)
    assert voiced_span(silence(0.1, 16000)) == (0, 0)


async def test_missing_espeak_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(SpeechToolMissingError, match="make setup"):
        await synthesize("hello", cache_dir=tmp_path, espeak="no-such-espeak-ng")


@needs_tools
async def test_wideband_is_16k_trimmed_speech(tmp_path: Path) -> None:
    utt = await synthesize(SIBILANT_TEXT, cache_dir=tmp_path)
    assert utt.sample_rate == WIDEBAND_SAMPLE_RATE
    assert utt.samples.dtype == np.int16
    assert utt.text == SIBILANT_TEXT
    assert 1.0 < utt.duration_s < 5.0
    # Trimmed: voiced from the first sample to the last.
    assert utt.voiced_start_s == 0.0
    assert utt.voiced_duration_s == pytest.approx(utt.duration_s)
    assert utt.duration_s == pytest.approx(len(utt.samples) / utt.sample_rate)
    assert _fraction_above(utt.samples, utt.sample_rate, 4000) > 1e-2


@needs_tools
async def test_narrowband_is_48k_with_nothing_above_4khz(tmp_path: Path) -> None:
    wide = await synthesize(SIBILANT_TEXT, cache_dir=tmp_path)
    narrow = await synthesize(SIBILANT_TEXT, cache_dir=tmp_path, narrowband=True)
    assert narrow.sample_rate == NARROWBAND_SAMPLE_RATE
    assert narrow.voiced_start_s == 0.0
    assert narrow.duration_s == pytest.approx(wide.duration_s, abs=0.05)
    assert _fraction_above(narrow.samples, narrow.sample_rate, 4000) < 1e-5
    # The telephone band itself survives.
    assert _fraction_above(narrow.samples, narrow.sample_rate, 300) > 0.5


@needs_tools
async def test_a_phone_line_decoded_at_8k_keeps_its_speech_and_timing(tmp_path: Path) -> None:
    # The worker's room input decodes the 48 kHz room track at the STT's 8 kHz.
    narrow = await synthesize(SIBILANT_TEXT, cache_dir=tmp_path, narrowband=True)
    line = at_rate(narrow, 8000)
    assert line.sample_rate == 8000
    assert line.duration_s == pytest.approx(narrow.duration_s, abs=0.01)
    assert line.voiced_duration_s == pytest.approx(narrow.voiced_duration_s, abs=0.02)
    assert _fraction_above(line.samples, 8000, 300) > 0.5
    rms = float(np.sqrt(np.mean(line.samples.astype(np.float64) ** 2)))
    rms_48k = float(np.sqrt(np.mean(narrow.samples.astype(np.float64) ** 2)))
    assert rms == pytest.approx(rms_48k, rel=0.05)  # nothing of the speech band lost
    assert at_rate(narrow, NARROWBAND_SAMPLE_RATE) is narrow


@needs_tools
async def test_cache_hit_does_not_run_espeak(tmp_path: Path) -> None:
    espeak, calls = _counting_espeak(tmp_path)
    cache = tmp_path / "cache"

    first = await synthesize("Where is my parcel?", cache_dir=cache, espeak=espeak)
    assert _synthesis_calls(calls) == 1
    (cached,) = cache.glob("*.wav")
    mtime = cached.stat().st_mtime_ns

    second = await synthesize("Where is my parcel?", cache_dir=cache, espeak=espeak)
    assert _synthesis_calls(calls) == 1
    assert cached.stat().st_mtime_ns == mtime
    assert np.array_equal(first.samples, second.samples)
    assert second.sample_rate == first.sample_rate


@needs_tools
async def test_cache_key_separates_every_option(tmp_path: Path) -> None:
    espeak, calls = _counting_espeak(tmp_path)
    cache = tmp_path / "cache"
    text = "Where is my parcel?"
    await synthesize(text, cache_dir=cache, espeak=espeak)
    await synthesize(text, cache_dir=cache, espeak=espeak, narrowband=True)
    await synthesize(text, cache_dir=cache, espeak=espeak, words_per_minute=140)
    await synthesize(text, cache_dir=cache, espeak=espeak, voice="en-gb")
    await synthesize(text + " Today.", cache_dir=cache, espeak=espeak)
    assert _synthesis_calls(calls) == 5
    assert len(list(cache.glob("*.wav"))) == 5


@needs_tools
async def test_slower_speech_lasts_longer(tmp_path: Path) -> None:
    fast = await synthesize(SIBILANT_TEXT, cache_dir=tmp_path, words_per_minute=220)
    slow = await synthesize(SIBILANT_TEXT, cache_dir=tmp_path, words_per_minute=120)
    assert slow.duration_s > fast.duration_s * 1.3


@needs_tools
async def test_concurrent_synthesis_of_one_text_leaves_one_complete_file(tmp_path: Path) -> None:
    results = await asyncio.gather(
        *(synthesize("Concurrent caller.", cache_dir=tmp_path) for _ in range(4))
    )
    assert all(np.array_equal(r.samples, results[0].samples) for r in results)
    (only,) = await asyncio.to_thread(lambda: list(tmp_path.iterdir()))
    assert only.suffix == ".wav"
    samples, rate = await asyncio.to_thread(read_wav, only)
    assert rate == WIDEBAND_SAMPLE_RATE
    assert np.array_equal(samples, results[0].samples)
