"""Readiness means "registered with LiveKit": the worker's own `AgentServer`, registering
with the agent-dispatch simulator (sim/livekit_agent_ws.py, built from LiveKit's
protocol and server source), and ``GET /ready`` read over HTTP.

It also checks what the one read of framework state means
(`worker.framework.connection_state`, whose shape tests/test_framework_contract.py
pins) while a real worker connects, is refused, registers and gives up.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import aiohttp
import pytest
from livekit.agents import AgentServer, JobContext
from support import ROOT

from config import Settings, TenantDirectory
from sim.faults import Fault, FaultPlan
from sim.livekit_agent_ws import AgentDispatchSim
from worker.server import build_server
from worker.telemetry.ops_http import OpsServers

pytestmark = pytest.mark.sim

_KEY = "readiness-key"


@dataclass
class _Running:
    server: AgentServer
    ops: OpsServers
    sim: AgentDispatchSim
    task: asyncio.Task[None]
    http: aiohttp.ClientSession

    async def status(self, port: int, path: str) -> tuple[int, str]:
        url = f"http://127.0.0.1:{port}{path}"
        async with self.http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
            return response.status, await response.text()

    async def ready(self) -> tuple[int, str]:
        return await self.status(self.ops.readiness_port, "/ready")

    async def live(self) -> int:
        # The framework's own health route on its own port (liveness).
        return (await self.status(self.server.worker_info.http_port, "/"))[0]

    async def until(self, condition: Callable[[int], bool], within: float) -> tuple[int, str]:
        deadline = time.monotonic() + within
        while True:
            answer = await self.ready()
            if condition(answer[0]) or time.monotonic() > deadline:
                return answer
            await asyncio.sleep(0.05)


async def _entrypoint(ctx: JobContext) -> None:  # never dispatched here
    ctx.shutdown()


@pytest.fixture
async def running(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[_Running]:
    # AgentServer.run() exports these for its job processes; undone after the test.
    for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        monkeypatch.setenv(name, "")
    secret = secrets.token_urlsafe(32)
    # The first two connections are refused the way LiveKit refuses a key it does not
    # know (401): the worker retries (after 0 s, then 2 s), unregistered meanwhile.
    refused = FaultPlan([Fault("http_error", request=i, status=401) for i in (0, 1)])
    async with AgentDispatchSim(api_key=_KEY, api_secret=secret, faults=refused) as sim:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            livekit={"url": sim.url, "api_key": _KEY, "api_secret": secret},
            worker={
                "num_idle_processes": 0,
                "health_port": 0,
                "readiness_port": 0,
                "health_host": "127.0.0.1",
            },
            observability={"metrics_port": 0},
        )
        server = build_server(settings, TenantDirectory({}, "default"), entrypoint=_entrypoint)
        ops = OpsServers(server, settings)
        started = asyncio.Event()
        server.on("worker_started", started.set)
        task = asyncio.create_task(server.run())
        async with aiohttp.ClientSession() as http:
            try:
                await asyncio.wait_for(started.wait(), 60)
                await asyncio.sleep(0.2)  # our sites start on the next loop turns
                yield _Running(server, ops, sim, task, http)
            finally:
                await server.aclose()
                await asyncio.gather(task, return_exceptions=True)
                await ops.aclose()


async def test_ready_only_while_registered(running: _Running) -> None:
    # Refused by LiveKit: the framework's health route says OK, readiness does not.
    status, body = await running.ready()
    assert status == 503, body
    assert "not registered" in body
    assert await running.live() == 200

    status, body = await running.until(lambda s: s == 200, within=30)
    assert status == 200, body
    (worker,) = running.sim.registered
    assert body.strip() == f"registered {worker.id}"
    refusals = [r for r in running.sim.received if r.kind == "refused"]
    assert [r.payload for r in refusals] == [401, 401]

    # A lost connection: the worker registers again, and readiness names the new one.
    await running.sim.disconnect_workers()
    await running.sim.wait_until(
        lambda: len(running.sim.workers) == 2 and len(running.sim.registered) == 1, within=30
    )
    assert len(running.sim.workers) == 2
    (again,) = running.sim.registered
    assert again.id != worker.id
    status, body = await running.until(lambda s: s == 200, within=10)
    assert body.strip() == f"registered {again.id}"

    # LiveKit gone: readiness drops while the process (liveness) stays up.
    await running.sim.stop()
    status, body = await running.until(lambda s: s == 503, within=10)
    assert status == 503, body
    assert await running.live() == 200


async def test_gave_up_is_reported_and_not_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        monkeypatch.setenv(name, "")
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        livekit={
            "url": f"ws://127.0.0.1:{closed_port}",
            "api_key": _KEY,
            "api_secret": "x" * 32,
        },
        worker={
            "num_idle_processes": 0,
            "health_port": 0,
            "readiness_port": 0,
            "health_host": "127.0.0.1",
            "connect_attempts": 0,
        },
        observability={"metrics_port": 0},
    )
    server = build_server(settings, TenantDirectory({}, "default"), entrypoint=_entrypoint)
    ops = OpsServers(server, settings)
    assert not ops.watch.gave_up
    with pytest.raises(RuntimeError, match="failed to connect to livekit"):
        await asyncio.wait_for(server.run(), 60)
    assert ops.watch.gave_up
    assert not ops.watch.registered
    await server.aclose()
    await ops.aclose()


def test_the_worker_exits_non_zero_when_it_gives_up(tmp_path: object) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LIVEKIT_URL": f"ws://127.0.0.1:{closed_port}",
        "LIVEKIT_API_KEY": _KEY,
        "LIVEKIT_API_SECRET": "x" * 32,
        "DEEPGRAM_API_KEY": "dg",
        "OPENAI_API_KEY": "sk",
        "ELEVEN_API_KEY": "el",
        "CALLCENTER_WORKER__CONNECT_ATTEMPTS": "1",
        "CALLCENTER_WORKER__NUM_IDLE_PROCESSES": "0",
        "CALLCENTER_WORKER__HEALTH_PORT": "0",
        "CALLCENTER_WORKER__READINESS_PORT": "0",
        "CALLCENTER_WORKER__HEALTH_HOST": "127.0.0.1",
        "CALLCENTER_OBSERVABILITY__METRICS_PORT": "0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "worker", "start"],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "gave up connecting to LiveKit" in done.stderr
    assert "failed to connect to livekit after 1 attempts" in done.stdout + done.stderr
