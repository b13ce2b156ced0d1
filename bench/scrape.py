"""``python -m bench scrape``: how long a /metrics scrape takes after N calls, with the
worker's compaction of dead job processes and without it.

Each call is what a job process leaves behind: a process forked, counted in and out of
``callcenter_active_calls`` and ``callcenter_calls_total`` by the worker's own
`CallCount`, one observation in each latency histogram, then exit (every
``--crash-every``-th is SIGKILLed mid-call instead). The scrape is the worker's
(`MetricsStore.scrape`); "plain" is prometheus-client's collector over a directory
nothing compacts, which is what the framework's server did.

Prints a table and writes ``bench/results/scrape.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

__all__ = ["WriterRun", "run", "run_in_fresh_process", "run_writers"]

_RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class WriterRun:
    """What one run of short-lived writer processes left and cost."""

    calls: int
    compacted: bool
    crashed_call_ids: list[str] = field(default_factory=list)
    max_files: int = 0
    """Most files the directory held at any checkpoint."""
    files_after: int = 0
    scrape_ms: dict[int, float] = field(default_factory=dict)
    """Calls so far -> milliseconds one scrape took then."""
    exposition: str = ""
    """The last scrape's text."""


def _call(index: int, crash: bool) -> None:
    """In a forked child: one call's metrics, as a job process records them."""
    from worker.telemetry.ledger import open_call_ledger
    from worker.telemetry.prometheus_metrics import CallCount, collectors

    open_call_ledger(Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]))
    kind = "phone" if index % 2 else "app"
    labels = {"caller_kind": kind, "tenant": "acme"}
    count = CallCount(labels, {"call_id": f"call-{index}", "room": f"room-{index}"})
    # Every per-turn histogram a call records, whatever the collectors hold today.
    for histogram in vars(collectors()).values():
        if isinstance(histogram, Histogram):
            histogram.labels(**labels).observe(0.3)
    if crash:
        os.kill(os.getpid(), signal.SIGKILL)
    count.finish("completed")


def _fork_call(index: int, crash: bool) -> None:
    pid = os.fork()
    if pid == 0:  # the child: record, then leave without running the parent's cleanup
        status = 0
        try:
            _call(index, crash)
        except BaseException:
            status = 1
        os._exit(status)
    os.waitpid(pid, 0)


def _plain_scrape(directory: Path) -> bytes:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def run_writers(
    directory: Path,
    calls: int,
    *,
    compact: bool = True,
    crash_every: int = 0,
    checkpoints: Sequence[int] = (),
    compact_every: int = 100,
) -> WriterRun:
    """Run ``calls`` writer processes one after another into ``directory``.

    Must run in an interpreter started with ``PROMETHEUS_MULTIPROC_DIR`` set to
    ``directory`` (`run_in_fresh_process`): its children inherit multiprocess mode.

    Args:
        directory: an empty multiprocess directory.
        calls: how many writer processes.
        compact: fold dead processes in every ``compact_every`` calls, as the worker's
            main process does every few seconds; False leaves them, as before.
        crash_every: SIGKILL every n-th writer mid-call (0: none).
        checkpoints: after how many calls to time a scrape.
    """
    from config.metrics_env import export_metrics_dir
    from worker.telemetry.metrics_store import CrashedCall, MetricsStore

    # The variable was set when this interpreter started (`run_in_fresh_process`); this
    # fails if it was not, instead of counting in memory.
    export_metrics_dir(directory)
    result = WriterRun(calls=calls, compacted=compact)

    def crashed(call: CrashedCall) -> None:
        result.crashed_call_ids.append(call.entry["call_id"])

    store = MetricsStore(directory, on_crashed=crashed)
    scrape = store.scrape if compact else (lambda: _plain_scrape(directory))
    for index in range(1, calls + 1):
        _fork_call(index, crash=bool(crash_every) and index % crash_every == 0)
        if compact and index % compact_every == 0:
            store.compact()
        result.max_files = max(result.max_files, len(os.listdir(directory)))
        if index in checkpoints:
            started = time.perf_counter()
            scrape()
            result.scrape_ms[index] = round((time.perf_counter() - started) * 1000.0, 2)
    result.exposition = scrape().decode()
    result.files_after = len(os.listdir(directory))
    return result


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scrape", description=__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--crash-every", type=int, default=10)
    parser.add_argument("--json", type=Path, default=_RESULTS / "scrape.json")
    args = parser.parse_args(argv)
    checkpoints = sorted({1, 10, 100, args.calls} | ({1000} if args.calls >= 1000 else set()))
    rows: list[WriterRun] = []
    for compact in (False, True):
        with tempfile.TemporaryDirectory(prefix="bench-scrape-") as scratch:
            # Each mode in a fresh interpreter: multiprocess mode is per process.
            rows.append(
                run_in_fresh_process(
                    Path(scratch), args.calls, compact, args.crash_every, checkpoints
                )
            )
    print(f"{'directory':<12} " + " ".join(f"{f'{n} calls':>11}" for n in checkpoints) + "  files")
    for row in rows:
        label = "compacted" if row.compacted else "plain"
        times = " ".join(f"{row.scrape_ms.get(n, 0.0):>9.1f}ms" for n in checkpoints)
        print(f"{label:<12} {times}  {row.files_after}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    body = [{k: v for k, v in asdict(r).items() if k != "exposition"} for r in rows]
    args.json.write_text(json.dumps(body, indent=2))
    print(f"wrote {args.json}")
    return 0


def run_in_fresh_process(
    directory: Path, calls: int, compact: bool, crash_every: int, checkpoints: Sequence[int]
) -> WriterRun:
    import subprocess

    script = (
        "import json, sys; from dataclasses import asdict; from pathlib import Path;"
        "from bench.scrape import run_writers;"
        "r = run_writers(Path(sys.argv[1]), int(sys.argv[2]), compact=sys.argv[3] == '1',"
        " crash_every=int(sys.argv[4]), checkpoints=json.loads(sys.argv[5]));"
        "print(json.dumps(asdict(r)))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-c",
            script,
            str(directory),
            str(calls),
            "1" if compact else "0",
            str(crash_every),
            json.dumps(list(checkpoints)),
        ],
        capture_output=True,
        text=True,
        check=True,
        # Multiprocess mode is chosen when prometheus-client is imported: set it first.
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)},
    )
    raw = json.loads(done.stdout.splitlines()[-1])
    raw["scrape_ms"] = {int(k): v for k, v in raw["scrape_ms"].items()}
    return WriterRun(**raw)
