"""Suite-wide fixtures: keep a developer's environment out of the tests, fail a test that
leaks asyncio tasks or module state, run our CLIs, share the loaded VAD."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from livekit.agents import vad
from prometheus_client import values
from pytest_asyncio import is_async_test
from support import ROOT, RunModule
from virtual_time import VirtualTimeLoop

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
    # Fillers stay on, as in production (worker/speech/filler_policy.py): a filler is only
    # considered once the caller has waited 0.7 s and only when the call's own model
    # has been predicted slow, which a zero-latency simulator never is. A test that
    # needs them off says so (CALLCENTER_LATENCY__FILLERS or latency.fillers).


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    """A test marked ``virtual_time`` runs on a loop whose clock jumps to the next timer
    (tests/virtual_time.py); every other test on asyncio's own loop."""
    if item.get_closest_marker("virtual_time") is not None:
        return {"virtual_time": VirtualTimeLoop}
    return {"asyncio": asyncio.new_event_loop}


# Tasks a test may leave on its loop, by coroutine qualname: each is the framework's own,
# kept for the process and outside our control.
_FRAMEWORK_TASKS: dict[str, str] = {}

# Loop turns given to tasks cancelled during teardown to finish unwinding: a task whose
# owner cancelled it without awaiting it is done after one or two.
_SETTLE_TURNS = 5


def _describe_task(task: asyncio.Task[object]) -> str:
    coro = task.get_coro()
    name = getattr(coro, "__qualname__", repr(coro))
    frames = task.get_stack()
    where = f" at {frames[0].f_code.co_filename}:{frames[0].f_lineno}" if frames else ""
    return f"{task.get_name()} ({name}){where}"


@pytest.fixture(autouse=True)
def _no_leaked_tasks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves asyncio tasks running on its loop once the test and every
    fixture it used have ended.

    pytest-asyncio cancels whatever is left when it closes the loop, so a task without an
    owner (one nobody cancels or awaits) would otherwise pass unnoticed here and run on
    in production. Autouse and depending on the loop's runner, this fixture is set up
    before the test's other fixtures and torn down after them, before the loop closes.
    Only function-scoped loops are checked: a wider loop legitimately carries tasks of
    fixtures that outlive the test.
    """
    if not is_async_test(request.node):
        yield
        return
    marker = request.node.get_closest_marker("asyncio")
    scope = (marker.kwargs.get("loop_scope") if marker else None) or "function"
    if scope != "function":
        yield
        return
    runner = request.getfixturevalue("_function_scoped_runner")
    loop = runner.get_loop()
    before = asyncio.all_tasks(loop)
    yield
    for _ in range(_SETTLE_TURNS):
        if not any(not t.done() for t in asyncio.all_tasks(loop) - before):
            break
        runner.run(asyncio.sleep(0))
    leaked = [
        task
        for task in asyncio.all_tasks(loop) - before
        if not task.done() and getattr(task.get_coro(), "__qualname__", "") not in _FRAMEWORK_TASKS
    ]
    if leaked:
        listing = "\n  ".join(sorted(_describe_task(task) for task in leaked))
        pytest.fail(f"asyncio tasks still running after the test:\n  {listing}", pytrace=False)


@pytest.fixture(autouse=True)
def _restore_module_state() -> Iterator[None]:
    """Put back the process-wide state our code configures, so no test sees what an
    earlier one left: the environment (`worker.telemetry.prometheus_metrics` writes
    PROMETHEUS_MULTIPROC_DIR itself), prometheus-client's value class, structlog's
    configuration and bound context, and the stdlib loggers' levels, handlers and
    handler filters (`config.log_setup`).

    Not the default Prometheus registry: our collectors are registered once per
    process on first use (`worker.telemetry.prometheus_metrics.collectors`), as in
    production, and tests
    read their values as differences."""
    environ = dict(os.environ)
    value_class = values.ValueClass
    structlog_config = structlog.get_config()
    manager = logging.Logger.manager
    loggers = [logging.getLogger()] + [
        logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = {
        logger: (logger.level, list(logger.handlers), logger.propagate, logger.disabled)
        for logger in loggers
    }
    handler_filters = {
        handler: list(handler.filters) for logger in loggers for handler in logger.handlers
    }
    yield
    os.environ.clear()
    os.environ.update(environ)
    values.ValueClass = value_class
    structlog.configure(**structlog_config)
    structlog.contextvars.clear_contextvars()
    for logger, (level, handlers, propagate, disabled) in saved.items():
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate = propagate
        logger.disabled = disabled
    for handler, filters in handler_filters.items():
        handler.filters[:] = filters


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


AppClient = TestClient[Any, Any]


@pytest.fixture
async def app_client() -> AsyncIterator[Callable[[web.Application], Awaitable[AppClient]]]:
    """Serve an aiohttp app on a loopback port behind a test client; every client the
    test started is closed at teardown."""
    clients: list[AppClient] = []

    async def start(app: web.Application) -> AppClient:
        client: AppClient = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()
