"""The worker's multiprocess metrics directory, kept bounded and true for months.

Every job process (one per call) leaves its samples in files of its own
(``counter_<pid>.db``, ``histogram_<pid>.db``, ``gauge_livesum_<pid>.db``) and
prometheus-client's collector reads every file on every scrape, so a scrape slowed from
3 ms after one call to seconds after thousands; and a process killed mid-call left its
``callcenter_active_calls`` +1 forever and its call counted nowhere.

`MetricsStore.compact` folds each dead process into the store (under the same lock as a
scrape, so no scrape sees a sample twice or not at all):

* its counters, histograms and summaries are merged into one archive file per type
  (``counter_archive.db``...), which prometheus-client reads like any process's file;
* its live gauges are dropped (``mark_process_dead``), its other gauges merged the same
  way (``sum``/``min``/``max``/``mostrecent``) or dropped (``all``: a dead pid's series);
* every call its ledger (`worker.telemetry.ledger`) still marks as running is counted as
  ``callcenter_calls_total{outcome="crashed"}`` and handed to ``on_crashed`` (the main
  process logs it with its call_id).

The directory then holds the archives plus the running processes' files: its size
follows the label sets and the live processes, not the calls served. Each scrape compacts
first, so a killed process is out of ``callcenter_active_calls`` at the next scrape.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from worker.call.value_file import ValueFile, sample_key
from worker.telemetry.ledger import ledger_path, read_ledger

__all__ = ["ARCHIVE", "CrashedCall", "MetricsStore", "pid_alive"]

ARCHIVE = "archive"
"""Stands where a pid stands in an archive file's name."""

_FILE = re.compile(r"^(?P<prefix>[a-z]+(?:_[a-z]+)?)_(?P<pid>\d+)\.db$")
_LEDGER = re.compile(r"^calls_(?P<pid>\d+)\.ledger$")
_MERGED = (
    "counter",
    "histogram",
    "summary",
    "gauge_sum",
    "gauge_min",
    "gauge_max",
    "gauge_mostrecent",
)

# What a crashed call is counted under: the calls counter of worker.telemetry.prometheus_metrics.
_CALLS_METRIC = "callcenter_calls"
_CALLS_SAMPLE = "callcenter_calls_total"
_CALLS_HELP = "Finished calls by outcome."
_CRASHED = "crashed"
_CALL_LABELS = ("caller_kind", "tenant")


@dataclass(frozen=True)
class CrashedCall:
    """A call whose job process died before the call was counted."""

    pid: int
    entry: dict[str, str]
    """What the call's ledger held: call_id, room, job_id, caller_kind, tenant."""


def pid_alive(pid: int) -> bool:
    """Whether a process runs: a zombie (dead, not yet reaped) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no procfs (macOS): os.kill's answer stands
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


class MetricsStore:
    """Compacts and serves one multiprocess directory.

    Args:
        directory: ``observability.metrics_multiproc_dir``.
        on_crashed: called (outside the lock) with every crashed call `compact` found.
        alive: whether a pid runs; the main process's own pid always does.
    """

    def __init__(
        self,
        directory: Path,
        *,
        on_crashed: Callable[[CrashedCall], None] | None = None,
        alive: Callable[[int], bool] = pid_alive,
    ) -> None:
        self.directory = directory
        self._on_crashed = on_crashed
        self._alive = alive
        self._lock = threading.Lock()

    def compact(self) -> list[CrashedCall]:
        """Fold every dead process's files into the archives; returns its crashed calls."""
        with self._lock:
            crashed = self._compact()
        self._report(crashed)
        return crashed

    def scrape(self) -> bytes:
        """The text exposition of every process's samples, dead ones compacted first."""
        with self._lock:
            crashed = self._compact()
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=str(self.directory))  # type: ignore[no-untyped-call]
            body = generate_latest(registry)
        self._report(crashed)
        return body

    def _report(self, crashed: Iterable[CrashedCall]) -> None:
        if self._on_crashed is not None:
            for call in crashed:
                self._on_crashed(call)

    def _dead_pids(self, names: list[str]) -> set[int]:
        pids = set()
        for name in names:
            match = _FILE.match(name) or _LEDGER.match(name)
            if match:
                pids.add(int(match["pid"]))
        own = os.getpid()
        return {pid for pid in pids if pid != own and not self._alive(pid)}

    def _compact(self) -> list[CrashedCall]:
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return []
        dead = self._dead_pids(names)
        if not dead:
            return []
        crashed = [
            CrashedCall(pid, entry)
            for pid in sorted(dead)
            for entry in read_ledger(ledger_path(self.directory, pid))
        ]
        for prefix in _MERGED:
            files = [self.directory / f"{prefix}_{pid}.db" for pid in sorted(dead)]
            files = [f for f in files if f.exists()]
            extra = crashed if prefix == "counter" else []
            if files or extra:
                self._merge_into_archive(prefix, files, extra)
        for pid in dead:
            # Live gauges of a dead process must vanish: that is what fixes
            # callcenter_active_calls after a kill.
            mark_process_dead(pid, str(self.directory))  # type: ignore[no-untyped-call]
            for name in names:
                match = _FILE.match(name) or _LEDGER.match(name)
                if match and int(match["pid"]) == pid:
                    with contextlib.suppress(FileNotFoundError):
                        (self.directory / name).unlink()
        return crashed

    def _merge_into_archive(
        self, prefix: str, files: list[Path], crashed: list[CrashedCall]
    ) -> None:
        archive = self.directory / f"{prefix}_{ARCHIVE}.db"
        sources = [str(f) for f in ([archive] if archive.exists() else []) + files]
        # accumulate=False: values as stored (buckets not cumulated), to be stored again.
        merged = (
            MultiProcessCollector.merge(sources, accumulate=False)  # type: ignore[no-untyped-call]
            if sources
            else []
        )
        # Not *.db until complete: a scrape reads only *.db, and this one holds the lock.
        partial = self.directory / f".{prefix}_{ARCHIVE}.partial"
        partial.unlink(missing_ok=True)
        out = ValueFile(partial)
        try:
            for metric in merged:
                for sample in metric.samples:
                    labels = {k: v for k, v in sample.labels.items() if k != "pid"}
                    key = sample_key(metric.name, sample.name, labels, metric.documentation)
                    _add(out, key, sample.value, sample.timestamp)
            for call in crashed:
                labels = {k: call.entry.get(k, "unknown") for k in _CALL_LABELS}
                labels["outcome"] = _CRASHED
                key = sample_key(_CALLS_METRIC, _CALLS_SAMPLE, labels, _CALLS_HELP)
                _add(out, key, 1.0, None)
        finally:
            out.close()
        os.replace(partial, archive)
        for source in files:
            with contextlib.suppress(FileNotFoundError):
                source.unlink()


def _add(out: ValueFile, key: str, value: float, timestamp: Any) -> None:
    out.write(key, out.read(key) + value, float(timestamp or 0.0))
