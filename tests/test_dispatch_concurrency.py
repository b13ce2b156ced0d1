"""Two syncs of one stack at once end with one copy of every object: the stack's lease
keeps them apart, and a plan repairs the duplicates a run without one left behind."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from dispatch_harness import KEY, SECRET, run_cli, settings_for, write_file
from livekit import api
from livekit.protocol import sip

from sim.livekit_twirp import LiveKitLatency, LiveKitTwirpSim

pytestmark = pytest.mark.sim

DOCUMENT: dict[str, Any] = {
    "stack": "acme-lines",
    "inbound_trunks": [
        {"name": "main", "numbers": ["+14155550100"], "allowed_addresses": ["192.0.2.0/24"]}
    ],
    "outbound_trunks": [
        {"name": "out", "address": "sip.example.com", "numbers": ["+14155550100"]},
        {"name": "callbacks", "address": "sip.example.com", "numbers": ["+14155550100"]},
    ],
    "dispatch_rules": [
        {
            "name": "callers",
            "type": "individual",
            "room_prefix": "call",
            "trunks": ["main"],
            "room_config": {"agents": [{"agent_name": "callcenter"}]},
        }
    ],
}


@pytest.fixture
async def sim() -> AsyncIterator[LiveKitTwirpSim]:
    # A little think time per request, so the two runs' reads and writes interleave.
    async with LiveKitTwirpSim(
        api_key=KEY, api_secret=SECRET, latency=LiveKitLatency(per_request=0.01)
    ) as server:
        yield server


def _copies(sim: LiveKitTwirpSim) -> Counter[str]:
    objects = [*sim.inbound_trunks.values(), *sim.outbound_trunks.values()]
    return Counter([o.name for o in objects] + [r.name for r in sim.dispatch_rules.values()])


async def test_two_syncs_at_once_end_with_one_copy_of_every_object(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = write_file(tmp_path, DOCUMENT)
    argv = ["--config", str(path), "sync", "--json"]
    first, second = await asyncio.gather(
        run_cli(argv, settings_for(sim)), run_cli(argv, settings_for(sim))
    )
    assert (first.code, second.code) == (0, 0), first.out + first.err + second.out + second.err
    assert _copies(sim) == Counter({"main": 1, "out": 1, "callbacks": 1, "callers": 1})
    # One of them did the work; the other found it done once the lease was free.
    statuses = sorted(o.json()["status"] for o in (first, second))
    assert statuses == ["no_changes", "ok"]
    # No lease marker is left behind.
    assert all("lease" not in t.name for t in sim.outbound_trunks.values())
    again = await run_cli(["--config", str(path), "plan"], settings_for(sim))
    assert again.out.endswith("no changes.\n")


async def test_a_plan_repairs_duplicates_left_by_syncs_without_a_lease(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = write_file(tmp_path, DOCUMENT)
    assert (await run_cli(["--config", str(path), "sync"], settings_for(sim))).code == 0
    # What two runs of an older version at once leave: the outbound trunk twice.
    [out] = [t for t in sim.outbound_trunks.values() if t.name == "out"]
    async with api.LiveKitAPI(url=sim.http_url, api_key=KEY, api_secret=SECRET) as lk:
        copy = sip.SIPOutboundTrunkInfo()
        copy.CopyFrom(out)
        copy.ClearField("sip_trunk_id")
        twin = await lk.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=copy))
    assert _copies(sim)["out"] == 2
    kept, extra = sorted([out.sip_trunk_id, twin.sip_trunk_id])

    plan = await run_cli(["--config", str(path), "plan", "--json"], settings_for(sim))
    assert plan.code == 0, plan.err
    [repair] = plan.json()["plan"]["changes"]
    assert (repair["action"], repair["id"]) == ("delete", extra)
    assert f"a duplicate of {kept}" in repair["reason"]
    synced = await run_cli(["--config", str(path), "sync"], settings_for(sim))
    assert synced.code == 0, synced.out
    assert _copies(sim)["out"] == 1
    assert kept in sim.outbound_trunks
    assert json.loads(sim.outbound_trunks[kept].metadata)["stack"] == "acme-lines"


async def test_a_held_lease_makes_sync_wait_then_name_the_holder(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = write_file(tmp_path, DOCUMENT)
    # Another run's live marker, as `dispatch.lease` writes one.
    marker = {
        "managed_by": "callcenter-dispatch",
        "stack": "acme-lines",
        "dispatch": {
            "role": "lease",
            "lease": {"token": "t" * 32, "expires": 4102444800, "holder": "ci.yaml on ci-7"},
        },
    }
    async with api.LiveKitAPI(url=sim.http_url, api_key=KEY, api_secret=SECRET) as lk:
        await lk.sip.create_outbound_trunk(
            api.CreateSIPOutboundTrunkRequest(
                trunk=sip.SIPOutboundTrunkInfo(
                    name="dispatch lease: acme-lines",
                    address="lease.invalid",
                    numbers=["dispatch-lease"],
                    metadata=json.dumps(marker),
                )
            )
        )
    plan = await run_cli(["--config", str(path), "plan"], settings_for(sim))
    assert "note: a sync of this stack is running (ci.yaml on ci-7)" in plan.out
    assert "lease" not in plan.out.split("note:")[0]  # the marker is not planned

    busy = await run_cli(["--config", str(path), "sync", "--lease-wait", "0"], settings_for(sim))
    assert busy.code == 1
    assert "stack 'acme-lines' is being synced by ci.yaml on ci-7" in busy.err
    assert _copies(sim) == Counter({"dispatch lease: acme-lines": 1})

    broken = await run_cli(["--config", str(path), "sync", "--break-lease"], settings_for(sim))
    assert broken.code == 0, broken.out + broken.err
    assert "removing the lease held by ci.yaml on ci-7" in broken.err
    assert _copies(sim) == Counter({"main": 1, "out": 1, "callbacks": 1, "callers": 1})
