"""``python -m worker``: the framework's CLI on our server, a clear stop on bad config,
and a server whose callables reach job processes with the settings built in ``main``."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable

import pytest
from support import ROOT

from config import Settings, TenantDirectory
from config.tenants import TenantSettings
from worker.server import CallEntrypoint, Prewarm, build_server

pytestmark = pytest.mark.unit

RunModule = Callable[..., "subprocess.CompletedProcess[str]"]


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


def test_importing_the_server_reads_no_settings(run_module: RunModule) -> None:
    # A bad variable in a developer's shell must not break importing the module
    # (test collection, the sim, the benchmark).
    result = run_module("worker.server", env={"CALLCENTER_WORKER__LOAD_THRESHOLD": "not a number"})
    assert result.returncode == 0, result.stderr


def test_entrypoint_and_prewarm_survive_the_trip_to_a_job_process() -> None:
    # Job processes get the entrypoint and prewarm by pickling (forkserver/spawn).
    settings = Settings(_env_file=None, livekit={"agent_name": "acme-agent"})  # type: ignore[call-arg, arg-type]
    tenants = TenantDirectory({"acme": TenantSettings(numbers=["+15550100"])}, "acme")
    # Our own bytes, pickled as the framework pickles them.
    entrypoint = pickle.loads(pickle.dumps(CallEntrypoint(settings, tenants)))  # noqa: S301
    prewarm = pickle.loads(pickle.dumps(Prewarm(settings)))  # noqa: S301
    assert entrypoint.settings == settings
    assert entrypoint.tenants.resolve(dialed_number="+15550100").name == "acme"
    assert prewarm.settings == settings
    server = build_server(settings, tenants)
    assert server._agent_name == "acme-agent"


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING", "ERROR"])
def test_every_log_level_setting_builds_a_server(level: str) -> None:
    # The framework spells WARNING as WARN and raises on the stdlib name.
    settings = Settings(_env_file=None, observability={"log_level": level})  # type: ignore[call-arg, arg-type]
    build_server(settings, TenantDirectory({}, "default"))


def test_the_forkserver_preload_leaves_a_job_process_little_to_do() -> None:
    # What the forkserver imports, every job process (one per call) inherits: the worker's
    # modules and the TLS contexts a call's first request would otherwise build.
    probe = (
        "import sys, worker.forkserver_preload\n"
        "from worker.providers.providers import tls_context\n"
        "assert 'worker.entrypoint' in sys.modules\n"
        "assert tls_context.cache_info().currsize == 1\n"
        "assert 'openai.resources.chat.completions.completions' in sys.modules\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr


def test_the_server_asks_the_forkserver_to_preload_the_worker() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    server = build_server(settings, TenantDirectory({}, "default"), preload=("sim.fleet_worker",))
    assert server._preload_modules == ["worker.forkserver_preload", "sim.fleet_worker"]
