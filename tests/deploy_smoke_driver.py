"""Inside a network namespace of its own (the pod's fixed ports, nobody else's), run one
deploy file's command in its sandbox (tests/deploy_pod.py) against the simulators, and
print what happened as JSON. Driven by tests/test_deploy_smoke.py:

    unshare -n sh -c 'ip link set lo up && exec python deploy_smoke_driver.py SCENARIO SPEC DIR'

Scenarios: ``worker`` (registration and readiness with the agent-dispatch simulator),
``tokens`` (a token over HTTP), ``command`` (run to the end, e.g. ``dispatch plan``
against the Twirp simulator, or ``config check``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from deploy_pod import TEST_SECRETS, PodSpec, sandbox_argv

from sim.faults import Fault, FaultPlan
from sim.livekit_agent_ws import AgentDispatchSim
from sim.livekit_twirp import LiveKitTwirpSim

_HTTP = aiohttp.ClientTimeout(total=3)


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    try:
        async with http.get(url, timeout=_HTTP) as response:
            return response.status, await response.text()
    except (aiohttp.ClientError, TimeoutError):
        return 0, ""


def _sample(exposition: str, series: str) -> float | None:
    """One sample's value from a Prometheus text exposition, or None when it is absent."""
    for line in exposition.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


async def _start(spec: PodSpec, scratch: Path) -> tuple[asyncio.subprocess.Process, Path]:
    argv = sandbox_argv(spec, scratch)
    log = scratch / "output.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            *argv, stdout=out, stderr=asyncio.subprocess.STDOUT
        )
    return process, log


async def _stop(process: asyncio.subprocess.Process, within: float = 60) -> int | None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
    try:
        async with asyncio.timeout(within):
            return await process.wait()
    except TimeoutError:
        process.kill()
        await process.wait()
        return None


async def worker(spec: PodSpec, scratch: Path) -> dict[str, Any]:
    key, secret = TEST_SECRETS["LIVEKIT_API_KEY"], TEST_SECRETS["LIVEKIT_API_SECRET"]
    # LiveKit refuses the first three connections (a key it does not know yet, 401):
    # the worker keeps retrying meanwhile (after 0, 2 and 4 s).
    refused = FaultPlan([Fault("http_error", request=i, status=401) for i in range(3)])
    seen: dict[str, Any] = {"before_registration": [], "after_loss": []}
    async with AgentDispatchSim(api_key=key, api_secret=secret, faults=refused) as sim:
        spec.env["LIVEKIT_URL"] = sim.url
        health = f"http://127.0.0.1:{spec.ports['health']}/"
        ready = f"http://127.0.0.1:{spec.ports['ready']}/ready"
        metrics = f"http://127.0.0.1:{spec.ports['metrics']}/metrics"
        process, log = await _start(spec, scratch)
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and process.returncode is None:
                live, (status, _) = (await _get(http, health))[0], await _get(http, ready)
                if not sim.registered:
                    seen["before_registration"].append([live, status])
                elif status == 200:
                    seen["registered_workers"] = [w.agent_name for w in sim.registered]
                    seen["ready_body"] = (await _get(http, ready))[1].strip()
                    seen["registered_ids"] = [w.id for w in sim.registered]
                    break
                await asyncio.sleep(0.2)
            seen["metrics_status"] = (await _get(http, metrics))[0]
            await sim.stop()  # LiveKit gone
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and process.returncode is None:
                live, (status, _) = (await _get(http, health))[0], await _get(http, ready)
                seen["after_loss"].append([live, status])
                if status == 503:
                    break
                await asyncio.sleep(0.2)
            metrics_text = (await _get(http, metrics))[1]
            seen["registered_gauge"] = [
                line
                for line in metrics_text.splitlines()
                if line.startswith("callcenter_worker_registered")
            ]
        seen["refusals"] = [r.payload for r in sim.received if r.kind == "refused"]
        seen["exit_code"] = await _stop(process)
        seen["log"] = log.read_text(errors="replace")[-6000:]
    return seen


async def tokens(spec: PodSpec, scratch: Path) -> dict[str, Any]:
    port = spec.ports.get("http") or int(spec.env["CALLCENTER_TOKENS__PORT"])
    spec.env["LIVEKIT_URL"] = "wss://livekit.example.com"  # only named in the token
    process, log = await _start(spec, scratch)
    seen: dict[str, Any] = {}
    async with aiohttp.ClientSession() as http:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.returncode is None:
            seen["healthz"] = (await _get(http, f"http://127.0.0.1:{port}/healthz"))[0]
            if seen["healthz"] == 200:
                break
            await asyncio.sleep(0.2)
        headers = {"Authorization": f"Bearer {TEST_SECRETS['CALLCENTER_TOKENS__BEARER_SECRET']}"}
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            # No tenant in the path: the tenants file's `default` answers.
            async with http.post(
                f"http://127.0.0.1:{port}/token",
                json={"participant_identity": "smoke-caller"},
                headers=headers,
                timeout=_HTTP,
            ) as response:
                seen["token_status"] = response.status
                body = await response.json(content_type=None)
                seen["token_fields"] = sorted(body) if isinstance(body, dict) else body
            # What the alert rules read (deploy/prometheus/callcenter-rules.yaml).
            status, text = await _get(http, f"http://127.0.0.1:{port}/metrics")
            seen["metrics_status"] = status
            seen["token_metric_201"] = _sample(
                text, 'callcenter_token_requests_total{status="201"}'
            )
    seen["exit_code"] = await _stop(process)
    seen["log"] = log.read_text(errors="replace")[-4000:]
    return seen


async def command(spec: PodSpec, scratch: Path) -> dict[str, Any]:
    key, secret = TEST_SECRETS["LIVEKIT_API_KEY"], TEST_SECRETS["LIVEKIT_API_SECRET"]
    async with LiveKitTwirpSim(api_key=key, api_secret=secret) as twirp:
        spec.env["LIVEKIT_URL"] = twirp.http_url.replace("http://", "ws://")
        process, log = await _start(spec, scratch)
        code = await _stop_after(process, 120)
        calls = [f"{c.service}.{c.method}" for c in twirp.calls]
    return {"exit_code": code, "twirp_calls": calls, "log": log.read_text(errors="replace")}


async def _stop_after(process: asyncio.subprocess.Process, within: float) -> int | None:
    try:
        async with asyncio.timeout(within):
            return await process.wait()
    except TimeoutError:
        return await _stop(process)


def main() -> None:
    scenario, spec_path, scratch = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    spec = PodSpec.from_json(spec_path.read_text())
    run = {"worker": worker, "tokens": tokens, "command": command}[scenario]
    print(json.dumps(asyncio.run(run(spec, scratch))))


if __name__ == "__main__":
    main()
