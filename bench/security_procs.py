"""Running one of our commands as an attacker's target: a source tree, an environment
nobody else's shell leaks into, and what the process printed, how long it took and the
most memory it held."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "CommandRun", "clean_environment", "run_command"]

ROOT = Path(__file__).resolve().parents[1]
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
    stop_when: Callable[[], bool] | None = None,
) -> CommandRun:
    """Run ``argv`` (``python`` is this interpreter) to its end, ``timeout_s``, or until
    ``stop_when`` says it has got where the caller wanted (a server listening).

    Peak memory comes from the kernel's accounting of the reaped child (``wait4``), so it
    is the process's own high-water mark, not a sample.
    """
    if argv and argv[0] == "python":
        argv = [sys.executable, *argv[1:]]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        # Our own commands, from a case file of this repository.
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=err)  # noqa: S603
        status: int | None = None
        stopped = False
        rss_kb = 0
        deadline = start + timeout_s
        while True:
            pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(wait_status)
                rss_kb = usage.ru_maxrss
                break
            stopped = stop_when is not None and stop_when()
            if stopped or time.monotonic() > deadline:
                process.kill()
                _, _, usage = os.wait4(process.pid, 0)
                rss_kb = usage.ru_maxrss
                break
            time.sleep(0.005)
        wall = time.monotonic() - start
        # Popen must not try to reap it again.
        process.returncode = status if status is not None else -9
        out.seek(0)
        err.seek(0)
        return CommandRun(status, out.read(), err.read(), wall, rss_kb / 1024, stopped)
