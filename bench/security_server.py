"""``python -m worker tokens`` as the attacks meet it: a real process on a loopback port,
its stderr kept (for tracebacks), its peak memory read from the kernel."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from bench.security_procs import clean_environment
from sim.lifecycle import Lifecycle

__all__ = ["TokenServer", "free_port"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class TokenServer(Lifecycle):
    """The endpoint process.

    Args:
        source: the source tree to run.
        env: its settings (CALLCENTER_*, LIVEKIT_*).
        port: the port it was told to listen on.
        start_timeout_s: how long it may take to listen.
    """

    def __init__(
        self, source: Path, env: dict[str, str], port: int, *, start_timeout_s: float = 60.0
    ) -> None:
        self.source = source
        self.env = env
        self.port = port
        self.start_timeout_s = start_timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._scratch = tempfile.TemporaryDirectory()

    def _spawn(self) -> None:
        # Kept open for the process's life and closed in stop().
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "worker", "tokens"],
            env=clean_environment(self.source, self.env),
            cwd=self._scratch.name,
            stdout=self._stderr,
            stderr=self._stderr,
        )

    async def start(self) -> None:
        await asyncio.to_thread(self._spawn)
        assert self.process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.start_timeout_s
        while loop.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the token endpoint exited: {self.output()[-2000:]!r}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            return
        raise RuntimeError("the token endpoint did not listen in time")

    def output(self) -> str:
        """Everything it has printed so far."""
        if self._stderr is None:
            return ""
        position = self._stderr.tell()
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace")
        self._stderr.seek(position)
        return text

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def peak_rss_mb(self) -> float | None:
        """The process's peak resident memory so far (VmHWM), while it runs."""
        if self.process is None:
            return None
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    async def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(asyncio.to_thread(self.process.wait), 15)
            except TimeoutError:
                self.process.kill()
                await asyncio.to_thread(self.process.wait)
        if self._stderr is not None:
            with contextlib.suppress(OSError):
                self._stderr.close()
        self._scratch.cleanup()
