"""A real worker process whose jobs are simulated calls: the fleet benchmarks and the
drain test run this.

It is the worker's own `AgentServer` (`worker.server.build_server`: the same prewarm,
load threshold, drain timeout, idle processes and agent name), registered with the
agent-dispatch simulator (`sim.livekit_agent_ws`) and run by the framework's own CLI, so
job processes, load reporting, SIGTERM draining and the second-signal exit are the
framework's. Only the job's body differs: with no media server here, a job runs a
simulated call (`sim.call.run_call`, the real `AgentSession` and plugins against the
provider simulators) instead of joining a LiveKit room.

A job's metadata is JSON: ``{"scenario": NAME, "latency": PROFILE, "out": PATH,
"profile": bool}``; the call's result is written to ``out`` as JSON.

``python -m sim.fleet_worker start`` with ``LIVEKIT_URL``/``LIVEKIT_API_KEY``/
``LIVEKIT_API_SECRET`` pointing at the simulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import json
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from livekit.agents import JobContext, cli

from config import SettingsError, load_settings
from sim.call import run_call
from sim.profiles import PROFILES
from sim.scenario import load_scenario

__all__ = ["JobRequest", "simulated_call_job"]

log = structlog.get_logger(__name__)

_LAG_TICK_S = 0.02


@dataclass(frozen=True)
class JobRequest:
    """What the benchmark asks one job to do (the job's dispatch metadata)."""

    scenario: str
    out: str
    latency: str | None = None
    profile: bool = False

    def to_metadata(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def from_metadata(cls, metadata: str) -> JobRequest:
        return cls(**json.loads(metadata))


class _LoopLag:
    """How far this process's event loop falls behind real time: a 20 ms tick that
    wakes late means the microphone's frames, and everything else, wake late too."""

    def __init__(self) -> None:
        self.max_s = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(_LAG_TICK_S)
            self.max_s = max(self.max_s, loop.time() - start - _LAG_TICK_S)

    def __enter__(self) -> _LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


async def simulated_call_job(ctx: JobContext) -> None:
    """The job body: one simulated call, measured, its result written for the benchmark."""
    request = JobRequest.from_metadata(ctx.job.metadata)
    settings = load_settings()
    scenario = load_scenario(request.scenario)
    latency = PROFILES[request.latency] if request.latency else None  # type: ignore[index]
    profiler = cProfile.Profile() if request.profile else None
    cpu_before = time.process_time()
    wall_before = time.monotonic()
    with _LoopLag() as lag:
        if profiler is not None:
            profiler.enable()
        try:
            result = await run_call(
                scenario,
                vad_model=ctx.proc.userdata["vad"],
                audio_turn_detector=ctx.proc.userdata.get("eot"),
                latency=latency,
                base_settings=settings,
            )
        finally:
            if profiler is not None:
                profiler.disable()
    report: dict[str, Any] = {
        "job_id": ctx.job.id,
        "pid": os.getpid(),
        "ttfa_ms": [t.ttfa_ms for t in result.turns],
        "premature": [t.premature for t in result.turns],
        "cpu_s": time.process_time() - cpu_before,
        "wall_s": time.monotonic() - wall_before,
        "max_loop_lag_ms": round(lag.max_s * 1000.0, 1),
        # ru_maxrss is in KiB on Linux: the job process's peak resident memory.
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    out = Path(request.out)
    if profiler is not None:
        await asyncio.to_thread(profiler.dump_stats, str(out.with_suffix(".prof")))
    await asyncio.to_thread(out.write_text, json.dumps(report), "utf-8")
    log.info("simulated_call_finished", job_id=ctx.job.id, turns=len(result.turns))
    ctx.shutdown(reason="simulated call finished")


def main() -> None:
    from worker.server import build_server

    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    with contextlib.suppress(KeyboardInterrupt):
        cli.run_app(build_server(settings, entrypoint=simulated_call_job))


if __name__ == "__main__":
    main()
