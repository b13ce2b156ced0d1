"""Drift: a field changed on the server behind the file's back is a change in ``plan``,
passwords included (compared with the server's own value, never printed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from dispatch_harness import ENV, KEY, SECRET, by_name, run_cli, settings_for, write_file
from livekit import api

from sim.livekit_twirp import LiveKitTwirpSim

pytestmark = pytest.mark.sim

DOCUMENT: dict[str, Any] = {
    "stack": "acme-lines",
    "inbound_trunks": [
        {
            "name": "main",
            "numbers": ["+14155550100"],
            "auth_username": "cc",
            "auth_password_env": "MAIN_PW",
        }
    ],
    "outbound_trunks": [
        {
            "name": "out",
            "address": "sip.example.com",
            "numbers": ["+14155550100"],
            "auth_username": "cc-out",
            "auth_password_env": "OUT_PW",
        }
    ],
}
SECRETS = (ENV["MAIN_PW"], ENV["OUT_PW"], "changed-by-hand-9", "hand-set-out-7")


@pytest.fixture
async def sim() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as server:
        yield server


async def _plan(sim: LiveKitTwirpSim, path: Path, *extra: str) -> Any:
    return await run_cli(["--config", str(path), "plan", *extra], settings_for(sim))


@pytest.mark.parametrize(
    ("kind", "server_password", "said"),
    [
        ("inbound", "changed-by-hand-9", "password differs"),
        ("inbound", "", "password set"),
        ("outbound", "hand-set-out-7", "password differs"),
    ],
    ids=["inbound-changed", "inbound-cleared", "outbound-changed"],
)
async def test_password_drift_is_a_change_and_never_printed(
    sim: LiveKitTwirpSim, tmp_path: Path, kind: str, server_password: str, said: str
) -> None:
    path = write_file(tmp_path, DOCUMENT)
    assert (await run_cli(["--config", str(path), "sync"], settings_for(sim))).code == 0
    assert (await _plan(sim, path, "--detailed-exitcode")).code == 0

    # Someone changes (or clears) the password in the console; nothing else changes.
    async with api.LiveKitAPI(url=sim.http_url, api_key=KEY, api_secret=SECRET) as lk:
        if kind == "inbound":
            trunk_id = by_name(sim.inbound_trunks)["main"].sip_trunk_id
            await lk.sip.update_inbound_trunk_fields(trunk_id, auth_password=server_password)
        else:
            trunk_id = by_name(sim.outbound_trunks)["out"].sip_trunk_id
            await lk.sip.update_outbound_trunk_fields(trunk_id, auth_password=server_password)

    drifted = await _plan(sim, path, "--detailed-exitcode")
    assert drifted.code == 2, drifted.out + drifted.err
    assert f"auth_password: {said} (masked)" in drifted.out
    as_json = await _plan(sim, path, "--json")
    [change] = as_json.json()["plan"]["changes"]
    assert change["fields"][0]["field"] == "auth_password"
    assert change["fields"][0]["masked"] is True
    for output in (drifted, as_json):
        for secret in SECRETS:
            assert secret not in output.out + output.err

    synced = await run_cli(["--config", str(path), "sync"], settings_for(sim))
    assert synced.code == 0, synced.out
    trunks = by_name(sim.inbound_trunks if kind == "inbound" else sim.outbound_trunks)
    expected = ENV["MAIN_PW"] if kind == "inbound" else ENV["OUT_PW"]
    assert trunks["main" if kind == "inbound" else "out"].auth_password == expected
    assert (await _plan(sim, path, "--detailed-exitcode")).code == 0
