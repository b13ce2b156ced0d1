"""Draining, with a real worker process: the framework's CLI runs the worker's own
`AgentServer` registered with the agent-dispatch simulator; its jobs are simulated calls.

A rolling deploy sends SIGTERM: the worker must stop taking calls at once, let the live
call finish (within the drain timeout), then exit; a second signal exits at once.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import pytest
from livekit.protocol import agent

from sim.fleet import Fleet, fleet
from sim.livekit_agent_ws import NoWorkerAvailable

pytestmark = pytest.mark.sim

_CALL = """
name: drain-call
caller: app
latency: zero
turns:
  - caller: "Hi, I have a question about my bill."
    agent: {reply: "Sure, what would you like to know?"}
  - caller: "Can you tell me when the refund will arrive?"
    agent: {reply: "Refunds usually arrive within five business days."}
  - caller: "Great, thank you so much."
    agent: {reply: "You're welcome. Have a nice day."}
"""


def _scenario(tmp_path: Path) -> str:
    path = tmp_path / "drain-call.yaml"
    path.write_text(_CALL, encoding="utf-8")
    return str(path)


async def _running(fleet_: Fleet, scenario: str) -> tuple[float, Path, str]:
    job, out = await fleet_.call(scenario)
    await fleet_.dispatcher.wait_until(lambda: agent.JobStatus.JS_RUNNING in job.statuses, 60)
    return time.monotonic(), out, job.job.id


async def test_sigterm_stops_new_calls_and_lets_the_live_call_finish(tmp_path: Path) -> None:
    scenario = _scenario(tmp_path)
    env = {"CALLCENTER_WORKER__DRAIN_TIMEOUT": "120", "CALLCENTER_WORKER__NUM_IDLE_PROCESSES": "1"}
    async with fleet(tmp_path / "run", env=env) as fleet_:
        (worker,) = fleet_.workers
        _, out, job_id = await _running(fleet_, scenario)
        worker.signal(signal.SIGTERM)

        # The worker takes itself out of the pool: the server sees it full...
        sim_worker = fleet_.dispatcher.workers[0]
        await fleet_.dispatcher.wait_until(
            lambda: sim_worker.status == agent.WorkerStatus.WS_FULL, 10
        )
        # ...so a new call goes to no one rather than to a worker on its way out.
        with pytest.raises(NoWorkerAvailable):
            await fleet_.call(scenario)

        returncode = await worker.wait_exit(within=120)
        exited_at = time.monotonic()
        job = fleet_.dispatcher.jobs[job_id]
        assert job.status == agent.JobStatus.JS_SUCCESS, job.error
        result = json.loads(out.read_text(encoding="utf-8"))
        # Every turn of the live call was answered before the worker left.
        assert len(result["ttfa_ms"]) == 3
        assert all(ttfa is not None for ttfa in result["ttfa_ms"])
        assert returncode == 0
        # It left after the call ended, not before.
        assert job.ended_at is not None and exited_at >= job.ended_at


async def test_a_second_signal_exits_at_once(tmp_path: Path) -> None:
    scenario = _scenario(tmp_path)
    env = {"CALLCENTER_WORKER__DRAIN_TIMEOUT": "120", "CALLCENTER_WORKER__NUM_IDLE_PROCESSES": "1"}
    async with fleet(tmp_path / "run", env=env) as fleet_:
        (worker,) = fleet_.workers
        _, out, job_id = await _running(fleet_, scenario)
        worker.signal(signal.SIGTERM)
        await asyncio.sleep(0.5)
        signalled = time.monotonic()
        worker.signal(signal.SIGTERM)
        # "At once" against the 120 s drain: a quarter of it, not a few seconds a
        # loaded machine's process teardown could exceed.
        returncode = await worker.wait_exit(within=30)
        assert returncode != 0
        assert time.monotonic() - signalled < 30
        # The call was cut, not finished: no result was written.
        assert not out.exists()
        assert fleet_.dispatcher.jobs[job_id].status != agent.JobStatus.JS_SUCCESS


async def test_drain_timeout_bounds_how_long_a_worker_waits(tmp_path: Path) -> None:
    scenario = _scenario(tmp_path)
    env = {"CALLCENTER_WORKER__DRAIN_TIMEOUT": "2", "CALLCENTER_WORKER__NUM_IDLE_PROCESSES": "1"}
    async with fleet(tmp_path / "run", env=env) as fleet_:
        (worker,) = fleet_.workers
        await _running(fleet_, scenario)
        signalled = time.monotonic()
        worker.signal(signal.SIGTERM)
        await worker.wait_exit(within=60)
        waited = time.monotonic() - signalled
        assert 2.0 <= waited < 30
        assert "drain timed out" in worker.log_text()
