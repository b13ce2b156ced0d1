"""A running worker's /metrics, scraped after simulated calls.

No LiveKit server is reachable here, so the worker is the framework's `AgentServer` run
unregistered (tests/_metrics_worker.py) with our metrics options, and its jobs come from
`AgentServer.simulate_job(fake_job=True)`: each runs a simulated call (real session,
plugins and simulators) in a framework job process, and the main process serves what
every process recorded.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from support import ROOT

from worker.telemetry.ledger import read_ledger
from worker.telemetry.metrics_store import pid_alive

pytestmark = pytest.mark.sim


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _scrape(port: int) -> list[Sample]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def _value(samples: list[Sample], name: str, **labels: str) -> float:
    return sum(
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


@dataclass
class _Worker:
    port: int
    directory: Path
    log: Path


def _launch(tmp_path: Path, rooms: list[str]) -> Iterator[_Worker]:
    port = _free_port()
    log = tmp_path / "worker.log"
    directory = tmp_path / "prom"
    # What `python -m worker` does first, before anything imports prometheus-client.
    launch = (
        "import sys; from pathlib import Path; from config.metrics_env import export_metrics_dir;"
        " export_metrics_dir(Path(sys.argv[2])); import _metrics_worker; _metrics_worker.main()"
    )
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", launch, str(port), str(directory), *rooms],
            env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"},
            cwd=tmp_path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "launched", log.read_text()[-3000:]
            yield _Worker(port, directory, log)
        finally:
            assert process.stdin is not None
            process.stdin.close()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[int]:
    for launched in _launch(tmp_path, []):
        yield launched.port


def test_worker_metrics_show_the_calls(worker: int) -> None:
    deadline = time.monotonic() + 150
    samples: list[Sample] = []
    while time.monotonic() < deadline:
        samples = _scrape(worker)
        if _value(samples, "callcenter_calls_total") >= 2:
            break
        time.sleep(1.0)

    phone = {"caller_kind": "phone", "tenant": "default"}
    assert _value(samples, "callcenter_calls_total", outcome="completed", **phone) == 1
    assert _value(samples, "callcenter_calls_total", outcome="caller_hung_up", **phone) == 1
    for histogram in (
        "callcenter_ttfa_content_seconds",
        "callcenter_ttfa_seconds",
        "callcenter_llm_ttft_seconds",
        "callcenter_tts_ttfb_seconds",
        "callcenter_end_of_turn_delay_seconds",
        "callcenter_transcription_delay_seconds",
    ):
        assert _value(samples, f"{histogram}_count", **phone) == 2, histogram
        # The framework's transcription delay is 0 when the final came before the VAD
        # ended speech (a loaded machine runs the VAD late): a sum of 0 is a real value.
        floor = 0 if histogram == "callcenter_transcription_delay_seconds" else 1e-9
        assert _value(samples, f"{histogram}_sum", **phone) >= floor, histogram
        assert _value(samples, f"{histogram}_bucket", le="+Inf", **phone) == 2, histogram
    # Both calls ended: the live sum over job processes is back to zero.
    assert _value(samples, "callcenter_active_calls", caller_kind="phone") == 0
    # The framework's main-process gauges reach the same scrape (multiprocess mode).
    assert any(s.name == "lk_agents_worker_load" for s in samples)
    assert any(s.name == "lk_agents_active_job_count" for s in samples)


def _running_call(directory: Path, within: float) -> tuple[int, dict[str, str]]:
    """The job process holding a call, found from its ledger as the main process would."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for path in directory.glob("calls_*.ledger"):
            for entry in read_ledger(path):
                return int(path.stem.removeprefix("calls_")), entry
        time.sleep(0.02)
    raise AssertionError("no call started")


def test_a_killed_job_process_is_counted_at_the_next_scrape(tmp_path: Path) -> None:
    for worker in _launch(tmp_path, ["obs-crash-long"]):
        pid, entry = _running_call(worker.directory, within=120)
        phone = {"caller_kind": "phone", "tenant": "default"}
        assert _value(_scrape(worker.port), "callcenter_active_calls", caller_kind="phone") == 1

        os.kill(pid, signal.SIGKILL)  # what the OOM killer does
        deadline = time.monotonic() + 10
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        samples = _scrape(worker.port)  # one scrape
        assert _value(samples, "callcenter_active_calls", caller_kind="phone") == 0
        assert _value(samples, "callcenter_calls_total", outcome="crashed", **phone) == 1
        assert _value(samples, "callcenter_calls_total") == 1

        # The main process says which call died, by its call_id.
        lines = [
            json.loads(line) for line in worker.log.read_text().splitlines() if line[:1] == "{"
        ]
        (crashed,) = [line for line in lines if line.get("message") == "call_crashed"]
        assert crashed["call_id"] == entry["call_id"] and crashed["call_id"]
        assert crashed["pid"] == pid
        assert crashed["level"] == "ERROR"
        # Its files are gone from the directory: only archives and live processes remain.
        assert not list(worker.directory.glob(f"*_{pid}.*"))
