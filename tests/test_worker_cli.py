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
