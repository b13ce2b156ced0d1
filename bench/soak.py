"""``python -m bench soak --minutes N``: continuous calls through a real worker process.

Calls run back to back (``--concurrency`` at once) through one worker registered with
the agent-dispatch simulator, for N minutes. Sampled over time: the worker process's
resident memory and its open file descriptors and sockets. Per call:
asyncio tasks and sockets the call left behind, unanswered turns, failed jobs. Target:
memory flat after warm-up (slope over the second half), nothing leaked, zero errors.

Each call runs in a fresh job process (the framework starts one per job), so what can
grow over hours is the worker process itself: that is what the samples follow. Per-call
leaks are found by running each job's call twice in its process and counting what the
second call left behind (what a process opens once, on its first call, is not a leak).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.record import recorded
from config.log_setup import configure_logging
from sim.fleet import Fleet, fleet
from sim.livekit_agent_ws import DispatchedJob

__all__ = ["ProcessSample", "memory_slope_mb_per_hour", "run", "soak"]

DEFAULT_JSON = Path("bench/results/soak.json")
SCENARIOS = ("bench-app", "bench-phone")


@dataclass(frozen=True)
class ProcessSample:
    at_s: float
    calls_done: int
    rss_mb: float
    fds: int
    sockets: int


def sample_process(pid: int, at_s: float, calls_done: int) -> ProcessSample:
    """One reading of a process from /proc (Linux)."""
    proc = Path(f"/proc/{pid}")
    rss_kb = next(
        int(line.split()[1])
        for line in (proc / "status").read_text().splitlines()
        if line.startswith("VmRSS:")
    )
    fds = sockets = 0
    for fd in (proc / "fd").iterdir():
        try:
            target = fd.readlink()
        except OSError:
            continue
        fds += 1
        sockets += str(target).startswith("socket:")
    return ProcessSample(at_s, calls_done, rss_kb / 1024.0, fds, sockets)


def memory_slope_mb_per_hour(samples: Sequence[ProcessSample]) -> float:
    """Least-squares slope of RSS over the second half of the run (after warm-up)."""
    tail = list(samples[len(samples) // 2 :])
    if len(tail) < 2:
        return 0.0
    mean_t = sum(s.at_s for s in tail) / len(tail)
    mean_m = sum(s.rss_mb for s in tail) / len(tail)
    var = sum((s.at_s - mean_t) ** 2 for s in tail)
    if var == 0:
        return 0.0
    cov = sum((s.at_s - mean_t) * (s.rss_mb - mean_m) for s in tail)
    return cov / var * 3600.0


@dataclass
class SoakResult:
    samples: list[ProcessSample] = field(default_factory=list)
    calls: int = 0
    failed_jobs: int = 0
    unanswered_turns: int = 0
    turns: int = 0
    leaked_tasks: list[str] = field(default_factory=list)
    leaked_sockets: list[str] = field(default_factory=list)
    worker_errors: int = 0

    def summary(self) -> dict[str, Any]:
        rss = [s.rss_mb for s in self.samples]
        return {
            "calls": self.calls,
            "turns": self.turns,
            "failed_jobs": self.failed_jobs,
            "unanswered_turns": self.unanswered_turns,
            "leaked_tasks": self.leaked_tasks,
            "leaked_sockets": self.leaked_sockets,
            "worker_error_lines": self.worker_errors,
            "worker_rss_mb_first": rss[0] if rss else None,
            "worker_rss_mb_last": rss[-1] if rss else None,
            "worker_rss_slope_mb_per_hour": memory_slope_mb_per_hour(self.samples),
            "errors": self.failed_jobs + self.unanswered_turns + self.worker_errors,
            "samples": [s.__dict__ for s in self.samples],
        }


async def _collect(result: SoakResult, job: DispatchedJob, out: Path) -> None:
    await asyncio.wait_for(job.ended.wait(), timeout=600)
    result.calls += 1
    if not await asyncio.to_thread(out.exists):
        result.failed_jobs += 1
        return
    report = json.loads(await asyncio.to_thread(out.read_text, "utf-8"))
    result.turns += len(report["ttfa_ms"])
    result.unanswered_turns += sum(t is None for t in report["ttfa_ms"])
    result.leaked_tasks.extend(report["leaked_tasks"])
    result.leaked_sockets.extend(report["leaked_sockets"])


async def soak(
    fleet_: Fleet,
    *,
    seconds: float,
    concurrency: int,
    every_s: float,
    scenarios: Sequence[str] = SCENARIOS,
) -> SoakResult:
    """Keep ``concurrency`` calls in flight for ``seconds``; sample the worker as it goes."""
    result = SoakResult()
    worker_pid = fleet_.workers[0].pid
    started = time.monotonic()
    in_flight: set[asyncio.Task[None]] = set()
    next_sample = started
    index = 0
    while time.monotonic() - started < seconds or in_flight:
        while time.monotonic() - started < seconds and len(in_flight) < concurrency:
            job, out = await fleet_.call(
                scenarios[index % len(scenarios)], by_load=False, leak_check=True
            )
            index += 1
            in_flight.add(asyncio.create_task(_collect(result, job, out)))
        if time.monotonic() >= next_sample:
            result.samples.append(
                await asyncio.to_thread(
                    sample_process, worker_pid, time.monotonic() - started, result.calls
                )
            )
            next_sample += every_s
        done, in_flight = await asyncio.wait(in_flight, timeout=1.0)
        for task in done:
            task.result()
    result.samples.append(
        await asyncio.to_thread(
            sample_process, worker_pid, time.monotonic() - started, result.calls
        )
    )
    log = await asyncio.to_thread(fleet_.workers[0].log_text)
    result.worker_errors = sum('"level": "ERROR"' in line for line in log.splitlines())
    return result


def render(summary: dict[str, Any]) -> str:
    header = f"{'t_s':>6} {'calls':>5} {'rss_MB':>7} {'fds':>5} {'socks':>5}"
    lines = [header, "-" * len(header)]
    for s in summary["samples"]:
        lines.append(
            f"{s['at_s']:>6.0f} {s['calls_done']:>5} {s['rss_mb']:>7.1f} {s['fds']:>5} "
            f"{s['sockets']:>5}"
        )
    lines += [
        "",
        f"calls {summary['calls']}, turns {summary['turns']}, errors {summary['errors']} "
        f"(failed jobs {summary['failed_jobs']}, unanswered turns "
        f"{summary['unanswered_turns']}, worker ERROR lines {summary['worker_error_lines']})",
        f"left behind by calls: tasks {len(summary['leaked_tasks'])}, sockets "
        f"{len(summary['leaked_sockets'])}",
        f"worker RSS slope after warm-up: {summary['worker_rss_slope_mb_per_hour']:+.1f} MB/h",
    ]
    return "\n".join(lines)


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    results_dir = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    env = {
        "CALLCENTER_WORKER__NUM_IDLE_PROCESSES": str(args.concurrency),
        "CALLCENTER_WORKER__LOAD_THRESHOLD": "inf",
    }
    async with fleet(results_dir, env=env, register_timeout=180) as fleet_:
        result = await soak(
            fleet_,
            seconds=args.minutes * 60.0,
            concurrency=args.concurrency,
            every_s=args.every,
        )
    return {"minutes": args.minutes, "concurrency": args.concurrency, **result.summary()}


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench soak")
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    configure_logging(level="WARNING", fmt="console", own_handler=True)
    summary = asyncio.run(_run(args))
    summary["recorded"] = recorded("soak", argv)
    print(render(summary))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"\nJSON: {args.json}")
    leaked = summary["leaked_tasks"] or summary["leaked_sockets"]
    return 0 if summary["errors"] == 0 and not leaked else 1
