"""``python -m worker``: the framework's CLI on our server, and a clear stop on bad config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]


def _worker(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CALLCENTER_", "LIVEKIT_"))}
    return subprocess.run(
        [sys.executable, "-m", "worker", *args],
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        # Not the checkout: a developer's .env there must not change what the test sees.
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_cli_offers_start_dev_console(tmp_path: Path) -> None:
    result = _worker("--help", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("start", "dev", "console"):
        assert command in result.stdout


def test_bad_setting_stops_the_worker_naming_the_field(tmp_path: Path) -> None:
    result = _worker("start", env={"CALLCENTER_WORKER__LOAD_THRESHOLD": "3"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "worker.load_threshold" in result.stderr
