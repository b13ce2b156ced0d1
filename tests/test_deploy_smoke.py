"""Deploy smoke test: each deploy file's command, run the way the file runs it.

Lint and schemas (`make deploy-check`) cannot see a pod that crashes on start: this runs
the commands of deploy/k8s and deploy/compose with the environment their ConfigMaps,
Secrets (test values) and env.example give, their volumes (emptyDir, ConfigMap files),
a read-only root where the manifest declares one and the image's user
(tests/deploy_pod.py), each in a network namespace of its own so the pods' fixed ports
are theirs. LiveKit is the agent-dispatch and Twirp simulators (sim/). Needs root for
the namespaces, as CI runs; elsewhere it is skipped, unless DEPLOY_SMOKE_REQUIRED=1
demands it (`.ci/run` sets that, so CI cannot skip it silently).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_pod import DEPLOY, PodSpec, compose_service, k8s_pod
from support import ROOT

pytestmark = pytest.mark.sim

_ROOT_TOOLS = all(shutil.which(t) for t in ("unshare", "ip", "setpriv", "mount"))
if not (os.geteuid() == 0 and _ROOT_TOOLS) and os.environ.get("DEPLOY_SMOKE_REQUIRED") != "1":
    pytest.skip(
        "needs root with unshare, ip and setpriv (CI runs as root)", allow_module_level=True
    )

_TENANTS = (DEPLOY / "tenants.example.yaml").read_text()
_DISPATCH = (DEPLOY / "dispatch.example.yaml").read_text()
# What the runbook loads into the files ConfigMap: the example files.
_FILES = {"callcenter-files": {"dispatch.yaml": _DISPATCH, "tenants.yaml": _TENANTS}}


def _drive(scenario: str, spec: PodSpec, tmp_path: Path) -> dict[str, Any]:
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(spec.to_json())
    scratch = tmp_path / "sandbox"
    driver = ROOT / "tests" / "deploy_smoke_driver.py"
    done = subprocess.run(
        [
            shutil.which("unshare") or "unshare",
            "-n",
            "sh",
            "-c",
            'ip link set lo up && exec "$0" "$@"',
            sys.executable,
            str(driver),
            scenario,
            str(spec_path),
            str(scratch),
        ],
        env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_k8s_worker_pod_registers_and_is_ready_only_while_registered(tmp_path: Path) -> None:
    spec = k8s_pod("Deployment", "callcenter-worker", files=_FILES)
    assert spec.read_only_root and spec.uid == 10001 and spec.empty_dirs == ["/tmp"]
    seen = _drive("worker", spec, tmp_path)
    log = seen["log"]
    # Up while LiveKit refused it: alive (framework) but not ready (ours).
    assert [200, 503] in seen["before_registration"], log
    assert seen["refusals"] == [401, 401, 401], log
    assert seen.get("registered_workers") == ["callcenter"], log
    assert seen["ready_body"] == f"registered {seen['registered_ids'][0]}", log
    assert seen["metrics_status"] == 200, log
    # LiveKit gone: not ready, still alive.
    assert seen["after_loss"][-1] == [200, 503], log
    assert seen["registered_gauge"][-1].endswith(" 0.0"), seen["registered_gauge"]
    # The real registration line, from the framework, in the pod's log shape.
    registered = [
        json.loads(line)
        for line in log.splitlines()
        if line.startswith("{") and '"registered worker"' in line
    ]
    assert registered and registered[0]["level"] == "INFO", log
    assert seen["exit_code"] == 0, log  # SIGTERM: drained and exited
    assert "Read-only file system" not in log and "Traceback" not in log, log


def test_k8s_worker_pod_loads_the_tenants_file(tmp_path: Path) -> None:
    spec = k8s_pod("Deployment", "callcenter-worker", files=_FILES)
    spec.argv = ["python", "-m", "config", "check"]
    seen = _drive("command", spec, tmp_path)
    assert seen["exit_code"] == 0, seen["log"]
    effective = json.loads(seen["log"][seen["log"].index("{") :])
    assert effective["tenants_file"] == "/etc/callcenter/tenants.yaml"


def test_k8s_tokens_pod_serves_a_token(tmp_path: Path) -> None:
    spec = k8s_pod("Deployment", "callcenter-tokens", files=_FILES)
    assert spec.read_only_root and spec.uid == 10001
    seen = _drive("tokens", spec, tmp_path)
    assert seen.get("healthz") == 200, seen["log"]
    assert seen.get("token_status") == 201, seen["log"]
    assert {"server_url", "participant_token"} <= set(seen["token_fields"])
    assert seen.get("metrics_status") == 200, seen["log"]
    assert seen.get("token_metric_201") == 1.0, seen["log"]
    assert seen["exit_code"] == 0, seen["log"]


def test_k8s_dispatch_job_plans_against_livekit(tmp_path: Path) -> None:
    spec = k8s_pod("Job", "callcenter-dispatch-sync", files=_FILES)
    assert spec.read_only_root and spec.argv[-1] == "sync"
    # The manifest's header: run `plan` the same way first.
    spec.argv = [*spec.argv[:-1], "plan"]
    seen = _drive("command", spec, tmp_path)
    assert seen["exit_code"] == 0, seen["log"]
    assert "SIP.ListSIPInboundTrunk" in seen["twirp_calls"]
    trunks = yaml.safe_load(_DISPATCH)["inbound_trunks"]
    assert trunks[0]["name"] in seen["log"]  # the plan names what it would create


def test_compose_tokens_service_serves_a_token(tmp_path: Path) -> None:
    spec = compose_service("tokens", files={"tenants.yaml": _TENANTS, "dispatch.yaml": _DISPATCH})
    seen = _drive("tokens", spec, tmp_path)
    assert seen.get("token_status") == 201, seen["log"]
