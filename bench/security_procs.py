"""Running one of our commands as an attacker's target: a source tree, an environment
nobody else's shell leaks into, and what the process printed, how long it took and the
most memory it held."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = ["ROOT", "CommandRun", "clean_environment", "run_command", "said_listening"]

ROOT = Path(__file__).resolve().parents[1]
_TIME = "/usr/bin/time"
_OURS = ("CALLCENTER_", "LIVEKIT_", "DEEPGRAM_", "OPENAI_", "ELEVEN_", "OTEL_", "PROMETHEUS_")


@dataclass(frozen=True)
class CommandRun:
    """What one command did: its exit code (None: killed at the timeout), its output,
    its wall time and its peak resident memory (MB)."""

    exit: int | None
    stdout: bytes
    stderr: bytes
    wall_s: float
    rss_mb: float
    stopped: bool = False
    """Ended by the caller's ``stop_when`` (it reached the state the caller waited for)."""

    @property
    def output(self) -> bytes:
        return self.stdout + self.stderr


def clean_environment(source: Path, extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without any of our settings, running ``source``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    env["PYTHONPATH"] = str(source)
    env.update(extra)
    return env


def run_command(
    argv: list[str],
    env: dict[str, str],
    *,
    cwd: Path,
    timeout_s: float,
    stop_when: Callable[[bytes], bool] | None = None,
) -> CommandRun:
    """Run ``argv`` (``python`` is this interpreter) to its end, ``timeout_s``, or until
    ``stop_when``, given its output so far (stdout then stderr), says it has got where the
    caller wanted (a server saying it listens).

    Peak memory is GNU time's (``/usr/bin/time -f %M``): the command's own high-water
    mark. The kernel's ``ru_maxrss`` of a child of this process would not do: it counts
    the copy of this (large) process the child was forked from, before its exec.
    """
    if argv and argv[0] == "python":
        argv = [sys.executable, *argv[1:]]
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as peak,
    ):
        timed = Path(_TIME).exists()
        if timed:
            argv = [_TIME, "-f", "%M", "-o", peak.name, *argv]
        start = time.monotonic()
        # Our own commands, from a case file of this repository; in a session of their
        # own, so a kill reaches the command and not only GNU time.
        process = subprocess.Popen(  # noqa: S603
            argv, env=env, cwd=cwd, stdout=out, stderr=err, start_new_session=True
        )
        status: int | None = None
        stopped = False
        deadline = start + timeout_s
        while True:
            status = process.poll()
            if status is not None:
                break
            # pread: the child shares these files' offsets, so they are never seeked.
            stopped = stop_when is not None and stop_when(_so_far(out) + _so_far(err))
            if stopped or time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                status = None
                break
            time.sleep(0.005)
        wall = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        # Without GNU time (make setup installs it), no figure rather than a wrong one.
        rss_kb = _peak_kb(peak.read()) if timed else 0
        return CommandRun(status, out.read(), err.read(), wall, rss_kb / 1024, stopped)


def _so_far(file: IO[bytes]) -> bytes:
    return os.pread(file.fileno(), 1 << 20, 0)


def _peak_kb(report: str) -> int:
    """GNU time's %M (KB), its last line (a killed command leaves a note above it)."""
    lines = [line for line in report.splitlines() if line.strip().isdigit()]
    return int(lines[-1]) if lines else 0


def said_listening(port: int) -> Callable[[bytes], bool]:
    """The token endpoint's own word, in a command's output, that it listens on ``port``.
    A probe of the port alone would take another process that took the free port
    meanwhile (the suite runs beside benchmarks and its own workers, which open many)
    for the endpoint having started."""
    said = re.compile(rb"token_endpoint_listening.*\bport\W{1,4}%d\b" % port)

    def listening(output: bytes) -> bool:
        return said.search(output) is not None

    return listening
