"""Which call a job process is running, where the worker's main process can read it after
the process died without a word (OOM kill, SIGKILL, a crash in native code).

Each job process keeps one small file in the metrics multiprocess directory,
``calls_<pid>.ledger``: a call's identity (call_id, room, job, and the label values it is
counted under) with 1.0 while it runs and 0.0 once it was counted. It is the same
memory-mapped key/value file prometheus-client keeps each process's samples in, so
marking a call costs a memory write on the call's event loop, no system call; the file is
created when the process is prewarmed, before any call. `worker.telemetry.metrics_store` reads the
ledger of every process that died, counts each call still marked as
``outcome="crashed"`` and logs it with its call_id.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from worker.call.value_file import ValueFile

__all__ = [
    "CallLedger",
    "call_ledger",
    "ledger_path",
    "open_call_ledger",
    "read_ledger",
]

_SUFFIX = ".ledger"
_RUNNING = 1.0
_ENDED = 0.0


def ledger_path(directory: Path, pid: int) -> Path:
    return directory / f"calls_{pid}{_SUFFIX}"


class CallLedger:
    """One process's ledger file."""

    def __init__(self, directory: Path) -> None:
        self.pid = os.getpid()
        self.path = ledger_path(directory, self.pid)
        directory.mkdir(parents=True, exist_ok=True)
        self._file = ValueFile(self.path)

    def started(self, entry: Mapping[str, str]) -> str:
        """Mark a call as running; returns the key `ended` takes."""
        key = json.dumps(dict(entry), sort_keys=True)
        self._file.write(key, _RUNNING)
        return key

    def ended(self, key: str) -> None:
        """The call was counted: a later death of the process is not this call's."""
        self._file.write(key, _ENDED)

    def close(self) -> None:
        self._file.close()


_ledger: CallLedger | None = None


def open_call_ledger(directory: Path) -> CallLedger:
    """Open this process's ledger (once per process; a forked child opens its own)."""
    global _ledger
    if _ledger is None or _ledger.pid != os.getpid():
        _ledger = CallLedger(directory)
    return _ledger


def call_ledger() -> CallLedger | None:
    """This process's ledger, if `open_call_ledger` ran here (job processes); None in
    processes that keep no metrics for a main process (simulated calls, tests)."""
    if _ledger is not None and _ledger.pid == os.getpid():
        return _ledger
    return None


def read_ledger(path: Path) -> Iterator[dict[str, str]]:
    """The calls a (dead) process's ledger still marks as running."""
    try:
        values = list(ValueFile.read_all(path))
    except (OSError, RuntimeError):  # gone, or torn by the death itself
        return
    for key, value in values:
        if value == _RUNNING:
            try:
                entry = json.loads(key)
            except ValueError:
                continue
            if isinstance(entry, dict):
                yield {str(k): str(v) for k, v in entry.items()}
