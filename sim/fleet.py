"""A simulated fleet: the agent-dispatch simulator and real worker processes
(`python -m sim.fleet_worker start`), for the capacity and soak benchmarks and the drain
test.

Each worker is a separate OS process run by the framework's CLI, exactly as
``python -m worker start`` runs in production; only its jobs are simulated calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sim.fleet_worker import JobRequest
from sim.livekit_agent_ws import AgentDispatchSim, DispatchedJob

__all__ = ["Fleet", "WorkerProcess", "fleet", "worker_environment"]

_ROOT = Path(__file__).resolve().parents[1]
_AGENT_NAME = "callcenter"


@dataclass
class WorkerProcess:
    process: asyncio.subprocess.Process
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def signal(self, signum: int = signal.SIGTERM) -> None:
        self.process.send_signal(signum)

    async def wait_exit(self, within: float) -> int:
        async with asyncio.timeout(within):
            return await self.process.wait()

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class Fleet:
    dispatcher: AgentDispatchSim
    workers: list[WorkerProcess]
    results_dir: Path
    agent_name: str = _AGENT_NAME
    _jobs: int = field(default=0)

    async def call(
        self,
        scenario: str,
        *,
        latency: str | None = None,
        profile: bool = False,
        by_load: bool = True,
        leak_check: bool = False,
    ) -> tuple[DispatchedJob, Path]:
        """Dispatch one simulated call; returns the job and where its result will be.

        ``by_load=False`` places the call whatever load the worker reports (load tests).
        """
        self._jobs += 1
        out = self.results_dir / f"call-{self._jobs}.json"
        request = JobRequest(
            scenario=scenario,
            out=str(out),
            latency=latency,
            profile=profile,
            leak_check=leak_check,
        )
        job = await self.dispatcher.dispatch(
            agent_name=self.agent_name,
            room=f"sim-room-{self._jobs}",
            metadata=request.to_metadata(),
            by_load=by_load,
        )
        return job, out


def worker_environment(
    livekit_url: str,
    api_key: str,
    api_secret: str,
    *,
    results_dir: Path,
    env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A fleet worker's environment: this process's, minus its ``CALLCENTER_*`` settings,
    plus the fleet's and then ``env``'s.

    The workers read their settings the production way (`config.load_settings`), so a
    variable a developer's shell exports would change what a benchmark measures; only
    what the caller asks for through ``env`` applies.
    """
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTER_")}
    return {
        **inherited,
        "PYTHONPATH": str(_ROOT),
        "LIVEKIT_URL": livekit_url,
        "LIVEKIT_API_KEY": api_key,
        "LIVEKIT_API_SECRET": api_secret,
        "CALLCENTER_LIVEKIT__AGENT_NAME": _AGENT_NAME,
        # Several workers on one host: each health endpoint on a free port.
        "CALLCENTER_WORKER__HEALTH_PORT": "0",
        # ...and no fixed Prometheus port or shared multiprocess directory, which the
        # framework empties at start: fleets side by side (parallel tests) stay apart.
        "CALLCENTER_OBSERVABILITY__METRICS_PORT": "0",
        "CALLCENTER_OBSERVABILITY__METRICS_MULTIPROC_DIR": str(results_dir / "prometheus"),
        **(env or {}),
    }


@contextlib.asynccontextmanager
async def fleet(
    results_dir: Path,
    *,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
    register_timeout: float = 90.0,
) -> AsyncIterator[Fleet]:
    """Start the dispatcher and ``workers`` worker processes; stop them on exit.

    Args:
        results_dir: where job results and worker logs go.
        workers: how many worker processes register.
        env: ``CALLCENTER_*`` settings for the workers (drain timeout, idle processes...).
        register_timeout: how long the workers may take to start and register.
    """
    api_key, api_secret = "sim-fleet", secrets.token_urlsafe(32)
    await asyncio.to_thread(results_dir.mkdir, parents=True, exist_ok=True)
    async with AgentDispatchSim(api_key=api_key, api_secret=api_secret) as dispatcher:
        worker_env = worker_environment(
            dispatcher.url, api_key, api_secret, results_dir=results_dir, env=env
        )
        started: list[WorkerProcess] = []
        try:
            for index in range(workers):
                log_path = results_dir / f"worker-{index}.log"
                with log_path.open("wb") as log_file:
                    process = await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "sim.fleet_worker",
                        "start",
                        cwd=_ROOT,
                        env=worker_env,
                        stdout=log_file,
                        stderr=asyncio.subprocess.STDOUT,
                        # Its own process group: teardown reaches the job processes too.
                        start_new_session=True,
                    )
                started.append(WorkerProcess(process, log_path))
            await dispatcher.wait_for_workers(workers, within=register_timeout)
            yield Fleet(dispatcher=dispatcher, workers=started, results_dir=results_dir)
        finally:
            for worker in started:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.pid, signal.SIGKILL)
                await worker.process.wait()
