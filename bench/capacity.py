"""``python -m bench capacity``: how many concurrent calls one worker holds on this host.

One real worker process (the framework's CLI running the worker's own `AgentServer`,
registered with the agent-dispatch simulator) takes simulated calls, each in its own job
process as in production. The ramp raises the number of calls running at once until
callers would feel it: TTFA p95 more than 15 % over the one-call baseline, or the call's
event loop falling behind real time (p99 loop lag over two 20 ms audio frames). It
reports calls per core, CPU and memory per call, the load figure the worker reported to
LiveKit at each level, and with ``--profile`` where a call's CPU goes.

By default a level keeps its calls in progress continuously, spread over a call's length
(``measure_steady``), which is what "N concurrent calls" means on a live line;
``--arrival together`` starts them all at once in lockstep, the worst case.

The simulators run inside each job process (they are part of the simulated call), so
their CPU counts against the calls: the profile says how much, and the figure is a
lower bound for a worker whose providers are remote.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import pstats
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.latency import percentile
from bench.record import recorded
from config.log_setup import configure_logging
from sim.fleet import Fleet, fleet

__all__ = ["LevelResult", "measure_level", "measure_steady", "profile_breakdown", "run"]

DEFAULT_JSON = Path("bench/results/capacity.json")
DEFAULT_LEVELS = (1, 4, 8, 12, 16, 20, 24)
SCENARIOS = ("bench-app", "bench-phone")
TTFA_DEGRADATION = 1.15
LAG_LIMIT_MS = 40.0

# Where a profiled function's own time is counted, by its file path; first match wins.
_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("VAD (silero)", ("plugins/silero",)),
    ("resampling / audio frames", ("resampl", "livekit/rtc/audio")),
    ("PII redaction (compliance/)", ("/compliance/",)),
    ("our worker code (worker/)", ("/worker/",)),
    ("simulators (sim/)", ("/sim/",)),
    ("STT/LLM/TTS plugins", ("livekit/plugins/",)),
    ("framework (livekit/agents)", ("livekit/agents/",)),
    ("network (aiohttp, websockets, ssl)", ("aiohttp", "websocket", "ssl", "yarl", "multidict")),
    ("asyncio event loop", ("asyncio", "selectors")),
    ("json / protobuf", ("json", "protobuf")),
    ("numpy", ("numpy",)),
)


@dataclass
class LevelResult:
    calls: int
    ttfa_ms: list[float] = field(default_factory=list)
    unanswered: int = 0
    premature: int = 0
    lag_p99_ms: list[float] = field(default_factory=list)
    cpu_s_per_call: list[float] = field(default_factory=list)
    wall_s_per_call: list[float] = field(default_factory=list)
    rss_mb_per_call: list[float] = field(default_factory=list)
    vad_thread_share: list[float] = field(default_factory=list)
    worker_load_max: float = 0.0
    host_cpu_busy: float = 0.0
    failed_jobs: int = 0
    measured_calls: int = 0

    def summary(self) -> dict[str, Any]:
        def mean(values: list[float]) -> float:
            return sum(values) / len(values) if values else math.nan

        return {
            "calls": self.calls,
            "measured_calls": self.measured_calls,
            "ttfa_p50_ms": percentile(self.ttfa_ms, 50),
            "ttfa_p95_ms": percentile(self.ttfa_ms, 95),
            "turns": len(self.ttfa_ms) + self.unanswered,
            "unanswered": self.unanswered,
            "premature": self.premature,
            "loop_lag_p99_ms": max(self.lag_p99_ms) if self.lag_p99_ms else math.nan,
            "cpu_s_per_call": mean(self.cpu_s_per_call),
            "cpu_cores_per_call": mean(
                [c / w for c, w in zip(self.cpu_s_per_call, self.wall_s_per_call, strict=True)]
            ),
            "rss_mb_per_call": mean(self.rss_mb_per_call),
            "vad_thread_cpu_share": mean(self.vad_thread_share),
            "worker_load_max": self.worker_load_max,
            "host_cpu_busy": self.host_cpu_busy,
            "failed_jobs": self.failed_jobs,
        }


def _host_cpu() -> tuple[int, int]:
    """(busy, total) jiffies from /proc/stat's first line."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


async def measure_level(
    fleet_: Fleet,
    calls: int,
    latency: str,
    *,
    profile: bool = False,
    scenarios: Sequence[str] = SCENARIOS,
) -> LevelResult:
    """Start ``calls`` simulated calls together and gather what each job reported.

    Calls started together run in lockstep: every caller stops speaking, and every
    LLM request and TTS stream starts, at the same moment. That is the worst case a
    worker meets only when a batch of calls is put through at once.
    """
    result = LevelResult(calls=calls)
    busy0, total0 = await asyncio.to_thread(_host_cpu)
    started = time.monotonic()
    dispatched = [
        await fleet_.call(
            scenarios[i % len(scenarios)], latency=latency, profile=profile, by_load=False
        )
        for i in range(calls)
    ]
    for job, _ in dispatched:
        await asyncio.wait_for(job.ended.wait(), timeout=600)
    busy1, total1 = await asyncio.to_thread(_host_cpu)
    result.host_cpu_busy = (busy1 - busy0) / max(1, total1 - total0)
    await _gather_reports(result, fleet_, started, [out for _, out in dispatched])
    return result


async def measure_steady(
    fleet_: Fleet,
    calls: int,
    latency: str,
    *,
    call_s: float,
    profile: bool = False,
    scenarios: Sequence[str] = SCENARIOS,
) -> LevelResult:
    """Keep ``calls`` calls in progress, as on a live line, and measure the calls that
    ran start to end while every one of them was.

    Each of ``calls`` slots starts its first call ``call_s / calls`` after the previous
    slot's, so the calls are spread over a call's length the way independent callers
    arrive, and starts its next call as soon as one ends. From ``call_s`` on every slot
    is busy; a call counts when it started then and ended before the slots stop
    starting calls (two call lengths later, with a margin for calls that run long under
    load): each slot has one or two such calls.

    Args:
        call_s: how long one call lasts with the host idle (the one-call level's wall
            time); sets the arrival spacing and the measurement window.
    """
    result = LevelResult(calls=calls)
    full_from = call_s
    stop = full_from + 2.2 * call_s
    measured: list[Path] = []
    counter = 0
    start = time.monotonic()
    window_cpu: list[tuple[int, int]] = []

    async def slot(index: int) -> None:
        nonlocal counter
        await asyncio.sleep(index * call_s / calls)
        while (began := time.monotonic() - start) < stop:
            counter += 1
            job, out = await fleet_.call(
                scenarios[counter % len(scenarios)],
                latency=latency,
                profile=profile,
                by_load=False,
            )
            await asyncio.wait_for(job.ended.wait(), timeout=600)
            if began >= full_from and time.monotonic() - start <= stop:
                measured.append(out)

    async def host_window() -> None:
        await asyncio.sleep(full_from)
        window_cpu.append(await asyncio.to_thread(_host_cpu))
        await asyncio.sleep(stop - full_from)
        window_cpu.append(await asyncio.to_thread(_host_cpu))

    async with asyncio.TaskGroup() as group:
        for index in range(calls):
            group.create_task(slot(index))
        group.create_task(host_window())
    (busy0, total0), (busy1, total1) = window_cpu
    result.host_cpu_busy = (busy1 - busy0) / max(1, total1 - total0)
    await _gather_reports(result, fleet_, start + full_from, measured)
    return result


async def _gather_reports(
    result: LevelResult, fleet_: Fleet, since: float, outs: Sequence[Path]
) -> None:
    """Fold each measured job's report (written by ``sim.fleet_worker``) into ``result``."""
    worker = fleet_.dispatcher.workers[0]
    result.worker_load_max = max(
        (load for at, _, load in worker.status_updates if at >= since), default=0.0
    )
    result.measured_calls = len(outs)
    for out in outs:
        if not out.exists():
            result.failed_jobs += 1
            continue
        report = json.loads(await asyncio.to_thread(out.read_text, "utf-8"))
        for ttfa in report["ttfa_ms"]:
            if ttfa is None:
                result.unanswered += 1
            else:
                result.ttfa_ms.append(ttfa)
        result.premature += sum(report["premature"])
        result.lag_p99_ms.append(report["loop_lag_p99_ms"])
        result.cpu_s_per_call.append(report["cpu_s"])
        result.wall_s_per_call.append(report["wall_s"])
        result.rss_mb_per_call.append(report["max_rss_mb"])
        threads = report["thread_cpu_s"]
        total = sum(threads.values())
        # The VAD's model runs on the default executor's threads (asyncio_N).
        result.vad_thread_share.append(threads.get("asyncio", 0.0) / total if total else 0.0)


def profile_breakdown(paths: Sequence[Path]) -> list[tuple[str, float]]:
    """Share of the event-loop thread's profiled time per category, largest first."""
    if not paths:
        return []
    stats = pstats.Stats(*(str(p) for p in paths))
    totals: dict[str, float] = {}
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _, _), (_, _, tottime, _, _) in raw.items():
        category = next(
            (name for name, needles in _CATEGORIES if any(n in filename for n in needles)),
            "other (stdlib, C builtins)",
        )
        totals[category] = totals.get(category, 0.0) + tottime
    overall = sum(totals.values()) or 1.0
    return sorted(((k, v / overall) for k, v in totals.items()), key=lambda kv: -kv[1])


def render(levels: list[dict[str, Any]], verdict: dict[str, Any]) -> str:
    header = (
        f"{'calls':>5} {'p50_ms':>7} {'p95_ms':>7} {'lag99':>6} {'cpu/call':>8} "
        f"{'rss_MB':>7} {'load':>5} {'host':>5} {'fail':>4}"
    )
    lines = [header, "-" * len(header)]
    for s in levels:
        lines.append(
            f"{s['calls']:>5} {s['ttfa_p50_ms']:>7.0f} {s['ttfa_p95_ms']:>7.0f} "
            f"{s['loop_lag_p99_ms']:>6.0f} {s['cpu_cores_per_call']:>8.3f} "
            f"{s['rss_mb_per_call']:>7.0f} {s['worker_load_max']:>5.2f} "
            f"{s['host_cpu_busy']:>5.0%} {s['failed_jobs'] + s['unanswered']:>4}"
        )
    lines.append("")
    lines.append(
        f"held: {verdict['max_calls']} concurrent calls on {verdict['cores']} cores = "
        f"{verdict['calls_per_core']:.1f} calls per core "
        f"(limit: {verdict['limited_by'] or 'not reached'})"
    )
    return "\n".join(lines)


async def _measure(
    fleet_: Fleet,
    calls: int,
    args: argparse.Namespace,
    call_s: float | None,
    *,
    profile: bool = False,
) -> LevelResult:
    """One level the way ``--arrival`` asks; the one-call level (which measures
    ``call_s``) and a single call are the same either way."""
    if args.arrival == "steady" and call_s is not None and calls > 1:
        return await measure_steady(fleet_, calls, args.latency, call_s=call_s, profile=profile)
    return await measure_level(fleet_, calls, args.latency, profile=profile)


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    levels: list[int] = sorted(set(args.levels))
    results_dir = Path(tempfile.mkdtemp(prefix="bench-capacity-"))
    env = {
        # The ramp decides the limit, not the worker's own load threshold.
        "CALLCENTER_WORKER__LOAD_THRESHOLD": "inf",
        # Job processes ready before the calls, as a warm production worker has them.
        "CALLCENTER_WORKER__NUM_IDLE_PROCESSES": str(max(levels)),
        "CALLCENTER_OBSERVABILITY__LOG_LEVEL": "WARNING",
    }
    summaries: list[dict[str, Any]] = []
    verdict: dict[str, Any] = {"max_calls": 0, "limited_by": None}
    async with fleet(results_dir, env=env, register_timeout=300) as fleet_:
        # Let the idle job processes finish loading their models before measuring.
        await asyncio.sleep(args.settle)
        baseline_p95: float | None = None
        call_s: float | None = None
        for calls in levels:
            last = calls == levels[-1]
            result = await _measure(fleet_, calls, args, call_s)
            summary = result.summary()
            summaries.append(summary)
            print(
                f"  {calls} calls: p95 {summary['ttfa_p95_ms']:.0f} ms, "
                f"lag p99 {summary['loop_lag_p99_ms']:.0f} ms",
                flush=True,
            )
            if baseline_p95 is None:
                baseline_p95 = summary["ttfa_p95_ms"]
                call_s = max(result.wall_s_per_call, default=60.0)
            limit = None
            if summary["ttfa_p95_ms"] > TTFA_DEGRADATION * baseline_p95:
                limit = f"TTFA p95 > {TTFA_DEGRADATION:.2f} x one call at {calls} calls"
            elif summary["loop_lag_p99_ms"] > LAG_LIMIT_MS:
                limit = f"event loop > {LAG_LIMIT_MS:.0f} ms behind real time at {calls} calls"
            elif result.failed_jobs or result.unanswered:
                limit = f"failed or unanswered calls at {calls} calls"
            if limit is not None:
                verdict["limited_by"] = limit
                break
            verdict["max_calls"] = calls
            if last:
                break
        if args.profile and verdict["max_calls"]:
            await _measure(fleet_, verdict["max_calls"], args, call_s, profile=True)
    cores = os.cpu_count() or 1
    verdict["cores"] = cores
    verdict["calls_per_core"] = verdict["max_calls"] / cores
    profiles = await asyncio.to_thread(lambda: sorted(results_dir.glob("*.prof")))
    breakdown = profile_breakdown(profiles)
    return {
        "latency_profile": args.latency,
        "arrival": args.arrival,
        "levels": summaries,
        "verdict": verdict,
        "profile": [{"category": k, "share": v} for k, v in breakdown],
        "criteria": {"ttfa_p95_degradation": TTFA_DEGRADATION, "loop_lag_p99_ms": LAG_LIMIT_MS},
    }


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench capacity")
    parser.add_argument(
        "--levels",
        type=lambda text: [int(v) for v in text.split(",")],
        default=list(DEFAULT_LEVELS),
        help="concurrent calls per step, comma-separated",
    )
    parser.add_argument("--latency", default="budget", help="provider latency profile")
    parser.add_argument(
        "--arrival",
        choices=("steady", "together"),
        default="steady",
        help=(
            "steady: each level keeps that many calls in progress, spread over a call's "
            "length as independent callers arrive; together: all start at once, in "
            "lockstep (the worst case)"
        ),
    )
    parser.add_argument("--profile", action="store_true", help="profile the calls at the limit")
    parser.add_argument("--settle", type=float, default=20.0, help="seconds for idle workers")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    configure_logging(level="WARNING", fmt="console", own_handler=True)
    report = asyncio.run(_run(args))
    report["recorded"] = recorded("capacity", argv)
    print(render(report["levels"], report["verdict"]))
    if report["profile"]:
        print("\nwhere a call's event-loop CPU goes (cProfile, own time):")
        for row in report["profile"]:
            print(f"  {row['share']:>6.1%}  {row['category']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nJSON: {args.json}")
    return 0
