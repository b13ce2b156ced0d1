"""A real `AgentServer`, run unregistered (no LiveKit server here), serving the
framework's /metrics with our multiprocess options; each job it is handed runs one
simulated call in a framework job process. Driven by test_metrics_endpoint.py.

Usage: python -c "import _metrics_worker; _metrics_worker.main()" PORT DIR [ROOM...], with
PROMETHEUS_MULTIPROC_DIR set first as `python -m worker` sets it (`launch` below).
Launches one simulated call per room (default: a completed call and a call the caller
hangs up; a room ending in "long" has three turns), prints "launched", and shuts down
when stdin closes. /metrics is served as `python -m worker start` serves it
(worker.telemetry.ops_http), and the job processes keep the call ledger as the worker's prewarm
opens it.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from livekit.agents import AgentServer, JobContext, JobProcess
from support import CACHE

from config import Settings
from config.log_setup import configure_logging
from sim.call import run_call
from sim.scenario import Scenario
from worker.server import load_vad
from worker.telemetry.ledger import open_call_ledger
from worker.telemetry.ops_http import OpsServers
from worker.telemetry.prometheus_metrics import metrics_server_options

TURNS: list[dict[str, Any]] = [
    {"caller": "Hello there, is anyone there?", "agent": {"reply": "Yes, I'm here."}}
]


def _settings(port: int, directory: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        observability={
            "metrics_port": port,
            "metrics_multiproc_dir": directory,
            "metrics_host": "127.0.0.1",
        },
        worker={"readiness_port": 0, "health_host": "127.0.0.1"},
    )


def setup(proc: JobProcess) -> None:
    open_call_ledger(Path(sys.argv[2]))  # what worker.server.Prewarm does
    proc.userdata["vad"] = load_vad(Settings.model_construct())


async def simulated_call(ctx: JobContext) -> None:
    room = ctx.job.room.name  # a fake job never connects its rtc.Room
    hang_up = room.endswith("hangup")
    turns = TURNS * 3 if room.endswith("long") else TURNS
    scenario = Scenario.model_validate(
        {"name": room, "caller": "phone", "latency": "zero", "turns": turns}
    )
    await run_call(
        scenario,
        vad_model=ctx.proc.userdata["vad"],
        cache_dir=CACHE,
        caller_hangs_up=hang_up,
        # The test's environment (its phrase cache directory), not the code's defaults.
        base_settings=Settings(_env_file=None),  # type: ignore[call-arg]
    )
    ctx.shutdown()


async def _serve(port: int, directory: str, rooms: list[str]) -> None:
    settings = _settings(port, directory)
    configure_logging(level="INFO", fmt="json", own_handler=True)
    server = AgentServer(
        setup_fnc=setup,
        num_idle_processes=len(rooms),
        load_threshold=1.0,
        port=0,
        **metrics_server_options(settings),
    )
    server.rtc_session(simulated_call, agent_name="metrics-test")
    OpsServers(server, settings)
    started = asyncio.Event()
    server.on("worker_started", lambda: started.set())
    running = asyncio.create_task(server.run(unregistered=True))
    await started.wait()
    for room in rooms:
        await server.simulate_job(room, fake_job=True)
    print("launched", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.aclose()
    await running


def main() -> None:
    port, directory = int(sys.argv[1]), sys.argv[2]
    rooms = sys.argv[3:] or ["obs-completed", "obs-hangup"]
    asyncio.run(_serve(port, directory, rooms))
