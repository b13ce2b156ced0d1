"""One log shape in every process: the key of the message, the case of the level and the
logger's name are the same under the framework's CLI (`python -m worker start`) as under
our own handler (the token endpoint; the simulators and dispatch use the same)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support import ROOT

pytestmark = pytest.mark.unit

_KEYS = {"message", "level", "name", "timestamp", "pid"}
_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def _closed_port() -> int:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return int(unused.getsockname()[1])


def _lines(text: str) -> list[dict[str, Any]]:
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines
    return [json.loads(line) for line in lines]  # every line is one JSON object


def _assert_shape(records: list[dict[str, Any]]) -> None:
    for record in records:
        assert set(record) >= _KEYS, record
        assert record["level"] in _LEVELS, record
        assert "event" not in record, record


def _env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LIVEKIT_URL": f"ws://127.0.0.1:{_closed_port()}",
        "LIVEKIT_API_KEY": "shape-key",
        "LIVEKIT_API_SECRET": "s" * 32,
        "CALLCENTER_OBSERVABILITY__LOG_FORMAT": "json",
        "CALLCENTER_OBSERVABILITY__LOG_LEVEL": "INFO",
        **extra,
    }


def test_worker_start_lines_ours_and_the_frameworks_share_one_shape(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "worker", "start"],
        env=_env(
            DEEPGRAM_API_KEY="dg",
            OPENAI_API_KEY="sk",
            ELEVEN_API_KEY="el",
            CALLCENTER_WORKER__CONNECT_ATTEMPTS="0",
            CALLCENTER_WORKER__NUM_IDLE_PROCESSES="0",
            CALLCENTER_WORKER__HEALTH_PORT="0",
            CALLCENTER_WORKER__READINESS_PORT="0",
            CALLCENTER_WORKER__HEALTH_HOST="127.0.0.1",
            CALLCENTER_OBSERVABILITY__METRICS_PORT="0",
        ),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    records = _lines(done.stdout)
    _assert_shape(records)
    names = {r["name"] for r in records}
    # The framework's lines and ours, through the same handler.
    assert "livekit.agents" in names
    (ours,) = [r for r in records if r["message"] == "ops_http_listening"]
    assert ours["name"] == "worker.telemetry.ops_http" and ours["level"] == "INFO"


def test_token_endpoint_lines_have_the_same_shape(tmp_path: Path) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "worker", "tokens"],
        env=_env(
            CALLCENTER_TOKENS__BEARER_SECRET=secrets.token_urlsafe(32),
            CALLCENTER_TOKENS__HOST="127.0.0.1",
            CALLCENTER_TOKENS__PORT=str(port),
        ),
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
    finally:
        time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        rest = process.communicate(timeout=30)[1]
    records = _lines(first + rest)
    _assert_shape(records)
    assert records[0]["message"] == "token_endpoint_listening"
    assert records[0]["name"] == "worker.tokens.server"
