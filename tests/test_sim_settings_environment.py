"""Simulated calls and benchmarks start from the code's defaults: a ``CALLCENTER_*`` (or
provider) variable in the shell, or a ``.env`` in the working directory, changes nothing
they measure unless they are asked (``base_settings``, a fleet's ``env``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import ROOT

from config import Settings, default_settings
from sim.fleet import worker_environment
from sim.settings import simulator_settings

pytestmark = pytest.mark.unit

# Variables that change what a call measures, each read by the production settings.
_SHELL = {
    "CALLCENTER_LATENCY__VAD_MIN_SILENCE": "0.9",
    "CALLCENTER_LATENCY__FILLERS": "false",
    "CALLCENTER_PROVIDERS__REQUEST_TIMEOUT": "1.5",
    "CALLCENTER_LATENCY__PHRASE_CACHE_DIR": "/tmp/somebody-elses-cache",
    "DEEPGRAM_API_KEY": "a-real-key",
}


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A developer's shell and .env, set after the defaults were taken."""
    for name, value in _SHELL.items():
        monkeypatch.setenv(name, value)
    (tmp_path / ".env").write_text("CALLCENTER_LATENCY__VAD_MIN_SILENCE=0.8\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)


def test_the_shell_does_change_production_settings(shell: None) -> None:
    """The variables above are ones the settings read: the tests below mean something."""
    settings = Settings()
    assert settings.latency.vad_min_silence == 0.9
    assert settings.latency.fillers is False
    assert settings.providers.request_timeout == 1.5
    assert settings.providers.deepgram_api_key is not None


def test_default_settings_ignore_the_shell_and_dotenv(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _SHELL:
        monkeypatch.delenv(name, raising=False)
    clean = default_settings().model_dump()
    for name, value in _SHELL.items():
        monkeypatch.setenv(name, value)
    assert default_settings().model_dump() == clean
    assert clean["latency"]["phrase_cache_dir"] == Path("/tmp/callcenter-phrases")
    assert clean["providers"]["deepgram_api_key"] is None


def test_a_simulated_call_without_base_settings_keeps_the_defaults(shell: None) -> None:
    settings = simulator_settings(
        None,
        deepgram_url="http://127.0.0.1:1/v1/listen",
        openai_url="http://127.0.0.1:2/v1",
        elevenlabs_url="http://127.0.0.1:3/v1",
        api_key="sim-key",
    )
    defaults = default_settings()
    assert settings.latency == defaults.latency
    assert settings.providers.request_timeout == defaults.providers.request_timeout
    assert settings.providers.deepgram_api_key is not None
    assert settings.providers.deepgram_api_key.get_secret_value() == "sim-key"


def test_a_simulated_call_uses_the_base_settings_it_is_given(shell: None) -> None:
    base = default_settings(latency={"vad_min_silence": 0.3})
    settings = simulator_settings(
        base,
        deepgram_url="http://127.0.0.1:1/v1/listen",
        openai_url="http://127.0.0.1:2/v1",
        elevenlabs_url="http://127.0.0.1:3/v1",
        api_key="sim-key",
    )
    assert settings.latency.vad_min_silence == 0.3


def test_fleet_workers_get_only_the_settings_the_fleet_asks_for(
    shell: None, tmp_path: Path
) -> None:
    env = worker_environment(
        "ws://127.0.0.1:7880",
        "key",
        "secret",
        results_dir=tmp_path,
        env={"CALLCENTER_WORKER__NUM_IDLE_PROCESSES": "1"},
    )
    ours = {name: value for name, value in env.items() if name.startswith("CALLCENTER_")}
    assert ours == {
        "CALLCENTER_LIVEKIT__AGENT_NAME": "callcenter",
        "CALLCENTER_WORKER__HEALTH_PORT": "0",
        "CALLCENTER_OBSERVABILITY__METRICS_PORT": "0",
        "CALLCENTER_OBSERVABILITY__METRICS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "CALLCENTER_WORKER__NUM_IDLE_PROCESSES": "1",
    }
    # Everything else the process has (PATH, HOME...) still reaches the workers.
    assert env["PATH"]


# Where sim/ and bench/ may read the environment, and why.
_READS_ENVIRONMENT_ON_PURPOSE = {
    # `python -m sim demo`: trying a setting on a simulated call first is its job
    # (`make demo` passes the log level this way); it still reads no .env.
    "sim/__main__.py",
    # The fleet's worker process: it runs the production worker, and the fleet writes
    # its environment (worker_environment above).
    "sim/fleet_worker.py",
}


def test_sim_and_bench_build_settings_only_from_defaults() -> None:
    """No other module of sim/ or bench/ builds settings from the environment."""
    readers: dict[str, list[int]] = {}
    for package in ("sim", "bench"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                    name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                    if name in {"Settings", "load_settings"}:
                        key = str(path.relative_to(ROOT))
                        readers.setdefault(key, []).append(node.lineno)
    assert set(readers) == _READS_ENVIRONMENT_ON_PURPOSE, readers
