"""Attack: reach the worker's health, readiness and metrics ports from another interface.

An operator who binds them to loopback (``worker.health_host``,
``observability.metrics_host`` = 127.0.0.1: a shared host, a sidecar scraper) must get
exactly that: a connection to the host's other address is refused. With the defaults (what
a pod needs: the kubelet and Prometheus come from outside the pod) they answer there.

The "other interface" is a veth interface in a network namespace this test makes itself
(``unshare -n``, root as in CI), so nothing outside this machine is ever addressed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

pytestmark = [
    pytest.mark.unit,
    pytest.mark.skipif(
        os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None,
        reason="needs root, unshare and ip to make a network namespace (CI runs as root)",
    ),
]

OTHER_ADDRESS = "198.51.100.7"  # TEST-NET-2, on a veth interface in our own namespace
PORTS = {"health": 8081, "readiness": 8083, "metrics": 9100}

# Runs inside the namespace: starts the worker, waits for its ports on loopback, then
# tries each port on both addresses and prints what connected.
_PROBE = """
import json, os, socket, subprocess, sys, time
ports = json.loads(sys.argv[1]); other = sys.argv[2]
worker = subprocess.Popen([sys.executable, "-m", "worker", "start"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def connects(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
deadline = time.monotonic() + 90
while time.monotonic() < deadline and not all(
        connects("127.0.0.1", p) for p in ports.values()):
    time.sleep(0.2)
seen = {name: {"loopback": connects("127.0.0.1", port), "other": connects(other, port)}
        for name, port in ports.items()}
worker.kill(); worker.wait()
print(json.dumps(seen))
"""


def _probe(tmp_path: Path, **hosts: str) -> dict[str, dict[str, bool]]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        # Nothing listens here: the worker keeps retrying LiveKit, its ports stay up.
        "LIVEKIT_URL": "ws://127.0.0.1:9",
        "LIVEKIT_API_KEY": "bind-key",
        "LIVEKIT_API_SECRET": "s" * 32,
        "DEEPGRAM_API_KEY": "dg",
        "OPENAI_API_KEY": "sk",
        "ELEVEN_API_KEY": "el",
        "CALLCENTER_WORKER__NUM_IDLE_PROCESSES": "0",
        "CALLCENTER_OBSERVABILITY__METRICS_MULTIPROC_DIR": str(tmp_path / "prom"),
        **hosts,
    }
    setup = (
        "ip link set lo up && ip link add probe0 type veth peer name probe1 && "
        f"ip addr add {OTHER_ADDRESS}/32 dev probe0 && "
        "ip link set probe0 up && ip link set probe1 up && "
        'exec "$0" -c "$1" "$2" "$3"'
    )
    done = subprocess.run(
        [
            shutil.which("unshare") or "unshare",
            "-n",
            "sh",
            "-c",
            setup,
            sys.executable,
            _PROBE,
            json.dumps(PORTS),
            OTHER_ADDRESS,
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen: dict[str, dict[str, bool]] = json.loads(done.stdout.splitlines()[-1])
    return seen


def test_ports_bound_to_loopback_are_not_reachable_on_another_interface(tmp_path: Path) -> None:
    seen = _probe(
        tmp_path,
        CALLCENTER_WORKER__HEALTH_HOST="127.0.0.1",
        CALLCENTER_OBSERVABILITY__METRICS_HOST="127.0.0.1",
    )
    assert seen == {name: {"loopback": True, "other": False} for name in PORTS}


def test_the_default_serves_a_pod_on_every_interface(tmp_path: Path) -> None:
    # The control: the probe does see a port on the other address when it is there.
    seen = _probe(tmp_path)
    assert seen == {name: {"loopback": True, "other": True} for name in PORTS}
