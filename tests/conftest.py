"""Suite-wide fixtures: keep a developer's environment out of the tests, run our CLIs,
share the loaded VAD."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from livekit.agents import vad
from support import ROOT, RunModule

from config import Settings
from worker.server import load_vad

# Settings read CALLCENTER_* and the provider variables; a developer's shell or .env
# must not change what a test sees. Tests build Settings explicitly instead.
_LEAKY_PREFIXES = (
    "CALLCENTER_",
    "LIVEKIT_",
    "DEEPGRAM_",
    "OPENAI_",
    "ELEVEN_",
    "OTEL_",
    "PROMETHEUS_",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(_LEAKY_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    # Opener audio outlives a process by default (the machine's temporary directory):
    # each test gets its own, so what a call heard never depends on an earlier run.
    monkeypatch.setenv("CALLCENTER_LATENCY__PHRASE_CACHE_DIR", str(tmp_path / "phrase-cache"))
    # Fillers stay on, as in production (worker/filler_policy.py): a filler is only
    # considered once the caller has waited 0.7 s and only when the call's own model
    # has been predicted slow, which a zero-latency simulator never is. A test that
    # needs them off says so (CALLCENTER_LATENCY__FILLERS or latency.fillers).


@pytest.fixture
def run_module(tmp_path: Path) -> RunModule:
    """Run ``python -m <args>`` from this checkout with the (cleaned) test environment.

    It runs in a scratch directory by default, so a developer's .env in the checkout
    cannot change what the test sees.
    """

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", *args],
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            cwd=cwd or tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )

    return run


@pytest.fixture(scope="session")
def vad_model() -> vad.VAD:
    """Silero with the worker's defaults, loaded once for the whole suite.

    `model_construct` takes the defaults without reading the environment: a session
    fixture is built before the per-test environment cleaning applies.
    """
    return load_vad(Settings.model_construct())
