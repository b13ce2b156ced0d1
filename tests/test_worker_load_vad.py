"""The VAD the worker loads carries the silence knobs from settings."""

from __future__ import annotations

import pytest
from livekit.plugins import silero

from config import Settings
from config.settings import LatencySettings
from worker.server import load_vad

pytestmark = pytest.mark.unit


def _opts(settings: Settings) -> silero.vad._VADOptions:
    loaded = load_vad(settings)
    assert isinstance(loaded, silero.VAD)
    return loaded._opts


def test_the_settings_reach_silero() -> None:
    latency = LatencySettings(
        vad_min_silence=0.3, vad_activation_threshold=0.6, vad_deactivation_threshold=0.55
    )
    opts = _opts(Settings.model_construct(latency=latency))
    assert opts.min_silence_duration == pytest.approx(0.3)
    assert opts.activation_threshold == pytest.approx(0.6)
    assert opts.deactivation_threshold == pytest.approx(0.55)


def test_no_deactivation_threshold_keeps_silero_default() -> None:
    opts = _opts(Settings.model_construct(latency=LatencySettings(vad_activation_threshold=0.5)))
    assert opts.deactivation_threshold == pytest.approx(0.35)
