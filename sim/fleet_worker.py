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

from config import (
    Settings,
    SettingsError,
    TenantsFileError,
    load_settings,
    load_tenant_directory,
)
from sim.call import CallResult, run_call
from sim.latency_profiles import PROFILES, ProviderLatency
from sim.scenario import Scenario, load_scenario

__all__ = ["JobRequest", "simulated_call_job"]

log = structlog.get_logger(__name__)

_LAG_TICK_S = 0.02
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def thread_cpu_s() -> dict[str, float]:
    """CPU seconds so far of this process's threads, summed by thread name (Linux).

    The VAD runs its model on executor threads and cProfile sees only the event loop's
    thread, so the benchmark splits CPU by thread first.
    """
    totals: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended while we looked
            continue
        # stat fields after the name: state is [0]; utime and stime are [11] and [12].
        cpu = (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        # Pool threads are numbered (asyncio_0, asyncio_1...): one bucket per pool.
        bucket = name.rstrip("0123456789_-")
        totals[bucket] = totals.get(bucket, 0.0) + cpu
    return totals


@dataclass(frozen=True)
class JobRequest:
    """What the benchmark asks one job to do (the job's dispatch metadata)."""

    scenario: str
    out: str
    latency: str | None = None
    profile: bool = False
    leak_check: bool = False
    """Run the call a second time in the same process and report what the second one
    left behind: growth per call, not what the process opens once on its first call."""

    def to_metadata(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def from_metadata(cls, metadata: str) -> JobRequest:
        return cls(**json.loads(metadata))


def open_sockets() -> set[str]:
    """Sockets this process holds open (Linux: fds linking to ``socket:[inode]``)."""
    found = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed while we looked
            continue
        if target.startswith("socket:"):
            found.add(target[len("socket:[") : -1])
    return found


def describe_sockets(inodes: set[str]) -> list[str]:
    """What the sockets are, from /proc/net: protocol, ports and TCP state."""
    described = []
    for table in ("tcp", "tcp6", "udp", "unix"):
        for line in Path(f"/proc/self/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            inode = fields[-1] if table == "unix" else fields[9]
            if inode in inodes:
                detail = " ".join(fields[1:4]) if table != "unix" else " ".join(fields[-2:])
                described.append(f"{table} {detail}")
    return described


def _task_label(task: asyncio.Task[Any]) -> str:
    coro = task.get_coro()
    return getattr(coro, "__qualname__", None) or task.get_name()


class _LoopLag:
    """How far this process's event loop falls behind real time: a 20 ms tick that
    wakes late means the microphone's frames, and everything else, wake late too."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(_LAG_TICK_S)
            self.samples.append(max(0.0, loop.time() - start - _LAG_TICK_S))

    def quantile_ms(self, q: float) -> float:
        if not self.samples:
            return 0.0
        ordered = sorted(self.samples)
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000.0, 1)

    def __enter__(self) -> _LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


async def _call(
    ctx: JobContext, scenario: Scenario, latency: ProviderLatency | None, settings: Settings
) -> CallResult:
    return await run_call(
        scenario,
        vad_model=ctx.proc.userdata["vad"],
        audio_turn_detector=ctx.proc.userdata.get("eot"),
        latency=latency,
        base_settings=settings,
    )


async def simulated_call_job(ctx: JobContext) -> None:
    """The job body: one simulated call, measured, its result written for the benchmark."""
    request = JobRequest.from_metadata(ctx.job.metadata)
    settings = load_settings()
    scenario = load_scenario(request.scenario)
    latency = PROFILES[request.latency] if request.latency else None  # type: ignore[index]
    # The event loop thread's CPU time, not wall time: waiting in epoll costs nothing.
    profiler = cProfile.Profile(time.thread_time) if request.profile else None
    if request.leak_check:
        await _call(ctx, scenario, latency, settings)
    cpu_before = time.process_time()
    threads_before = thread_cpu_s()
    sockets_before = open_sockets()
    tasks_before = set(asyncio.all_tasks())
    wall_before = time.monotonic()
    with _LoopLag() as lag:
        if profiler is not None:
            profiler.enable()
        try:
            result = await _call(ctx, scenario, latency, settings)
        finally:
            if profiler is not None:
                profiler.disable()
    cpu_s = time.process_time() - cpu_before
    wall_s = time.monotonic() - wall_before
    threads_after = thread_cpu_s()
    # A call's own tasks and connections must be gone once it has ended; give the
    # plugins' close handshakes a moment before counting what is left.
    await asyncio.sleep(1.0)
    leaked = [
        _task_label(task)
        for task in asyncio.all_tasks()
        if task not in tasks_before and task is not asyncio.current_task() and not task.done()
    ]
    report: dict[str, Any] = {
        "job_id": ctx.job.id,
        "pid": os.getpid(),
        "ttfa_ms": [t.ttfa_ms for t in result.turns],
        "premature": [t.premature for t in result.turns],
        "cpu_s": cpu_s,
        "thread_cpu_s": {
            name: round(cpu - threads_before.get(name, 0.0), 3)
            for name, cpu in threads_after.items()
            if cpu - threads_before.get(name, 0.0) > 0
        },
        "wall_s": wall_s,
        "leaked_tasks": sorted(leaked),
        "leaked_sockets": describe_sockets(open_sockets() - sockets_before),
        "loop_lag_p99_ms": lag.quantile_ms(0.99),
        "loop_lag_max_ms": lag.quantile_ms(1.0),
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
        tenants = load_tenant_directory(settings)
    except (SettingsError, TenantsFileError) as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    with contextlib.suppress(KeyboardInterrupt):
        cli.run_app(
            build_server(
                settings, tenants, entrypoint=simulated_call_job, preload=("sim.fleet_worker",)
            )
        )


if __name__ == "__main__":
    main()
