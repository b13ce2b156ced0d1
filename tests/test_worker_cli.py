"""``python -m worker``: the framework's CLI on our server, and a clear stop on bad config."""

from __future__ import annotations

import pytest
from conftest import RunModule

pytestmark = pytest.mark.unit


def test_cli_offers_start_dev_console(run_module: RunModule) -> None:
    result = run_module("worker", "--help")
    assert result.returncode == 0, result.stderr
    for command in ("start", "dev", "console"):
        assert command in result.stdout


def test_bad_setting_stops_the_worker_naming_the_field(run_module: RunModule) -> None:
    result = run_module("worker", "start", env={"CALLCENTER_WORKER__LOAD_THRESHOLD": "3"})
    assert result.returncode == 2
    assert "worker.load_threshold" in result.stderr


def test_start_without_credentials_exits_2_naming_each(run_module: RunModule) -> None:
    result = run_module("worker", "start")
    assert result.returncode == 2
    for variable in (
        "LIVEKIT_API_KEY",
        "LIVEKIT_API_SECRET",
        "DEEPGRAM_API_KEY",
        "OPENAI_API_KEY",
        "ELEVEN_API_KEY",
    ):
        assert variable in result.stderr
    # Refused before the framework tried to register with a server.
    assert "failed to connect" not in result.stderr + result.stdout


def test_console_needs_only_the_provider_keys(run_module: RunModule) -> None:
    env = {
        "DEEPGRAM_API_KEY": "dg",
        "ELEVEN_API_KEY": "el",
        "CALLCENTER_PROVIDERS__TTS_ORDER": '["elevenlabs"]',
    }
    result = run_module("worker", "console", env=env)
    assert result.returncode == 2
    assert "OPENAI_API_KEY" in result.stderr
    assert "LIVEKIT_API_KEY" not in result.stderr
    assert "DEEPGRAM_API_KEY" not in result.stderr
