"""``python -m worker tokens`` as a real process on a loopback port, the way it runs in
production, with its stderr kept so a test can show it never printed a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support import ROOT

API_KEY = "APIsecurityTest"
API_SECRET = "a-livekit-api-secret-long-enough-for-hs256"
BEARER = "Vq3-kP9zR_w2Lx7NcT5yHb0GmJ4sFd8AeU6o"
_OURS = ("CALLCENTER_", "LIVEKIT_", "OTEL_", "PROMETHEUS_")


@dataclass
class Endpoint:
    url: str
    host: str
    port: int
    process: subprocess.Popen[bytes]
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def token_endpoint(tmp_path: Path, env: dict[str, str] | None = None) -> Iterator[Endpoint]:
    port = free_port()
    stderr_path = tmp_path / "tokens.stderr"
    # A developer's CALLCENTER_*/LIVEKIT_* variables must not change what runs (the
    # suite's environment cleaning is per test; this may run once per module).
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    full_env = {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "LIVEKIT_API_KEY": API_KEY,
        "LIVEKIT_API_SECRET": API_SECRET,
        # Nothing listens on the discard port: a room check fails at once (503).
        "LIVEKIT_URL": "ws://127.0.0.1:9",
        "CALLCENTER_TOKENS__BEARER_SECRET": BEARER,
        "CALLCENTER_TOKENS__HOST": "127.0.0.1",
        "CALLCENTER_TOKENS__PORT": str(port),
        **(env or {}),
    }
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "worker", "tokens"],
            env=full_env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(stderr_path.read_text(errors="replace"))
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("the token endpoint did not start listening")
        yield Endpoint(f"http://127.0.0.1:{port}", "127.0.0.1", port, process, stderr_path)
    finally:
        process.terminate()
        process.wait(timeout=15)
