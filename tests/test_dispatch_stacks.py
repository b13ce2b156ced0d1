"""Ownership, conflicts the server would raise, and updates that keep what the file
does not model: ``python -m dispatch`` against the protocol-faithful simulator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from dispatch_harness import KEY, SECRET, by_name, rules_of, run_cli, settings_for, write_file
from livekit import api
from livekit.protocol import room, sip

from sim.livekit_twirp import LiveKitTwirpSim

pytestmark = pytest.mark.sim

AGENT = {"agents": [{"agent_name": "callcenter"}]}
CARRIER = {
    "name": "carrier",
    "numbers": ["+14155550100", "+14155550101"],
    "allowed_addresses": ["192.0.2.0/24"],
}
# The case: one carrier trunk with two numbers, one rule per dialed number.
TWO_RULES: dict[str, Any] = {
    "inbound_trunks": [CARRIER],
    "dispatch_rules": [
        {
            "name": "sales",
            "type": "individual",
            "room_prefix": "sales-",
            "trunks": ["carrier"],
            "numbers": ["+14155550100"],
            "room_config": AGENT,
        },
        {
            "name": "support",
            "type": "individual",
            "room_prefix": "support-",
            "trunks": ["carrier"],
            "numbers": ["+14155550101"],
            "pin": "4321",
            "room_config": AGENT,
        },
    ],
}


@pytest.fixture
async def sim() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as server:
        yield server


async def _sync(sim: LiveKitTwirpSim, path: Path, *extra: str) -> Any:
    return await run_cli(["--config", str(path), "sync", *extra], settings_for(sim))


async def _plan(sim: LiveKitTwirpSim, path: Path, *extra: str) -> Any:
    return await run_cli(["--config", str(path), "plan", *extra], settings_for(sim))


async def test_one_trunk_two_numbers_one_rule_each_validates_and_syncs(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = write_file(tmp_path, TWO_RULES)
    checked = await run_cli(["--config", str(path), "validate"], settings_for(sim))
    assert checked.code == 0, checked.err
    synced = await _sync(sim, path)
    assert synced.code == 0, synced.err
    rules = rules_of(sim)
    assert list(rules["sales"].numbers) == ["+14155550100"]
    assert list(rules["support"].numbers) == ["+14155550101"]
    # PINs are never printed, even on create.
    assert "4321" not in synced.out + synced.err
    assert "pin: set (masked)" in synced.out


async def test_detailed_exitcode(sim: LiveKitTwirpSim, tmp_path: Path) -> None:
    path = write_file(tmp_path, TWO_RULES)
    assert (await _plan(sim, path, "--detailed-exitcode")).code == 2
    assert (await _sync(sim, path)).code == 0
    assert (await _plan(sim, path, "--detailed-exitcode")).code == 0
    broken = write_file(tmp_path, {"inbound_trunks": [{"name": "x", "krisp": True}]}, "b.yaml")
    assert (await _plan(sim, broken, "--detailed-exitcode")).code == 1
    assert (await _plan(sim, broken)).code == 2


async def test_prune_touches_only_its_own_stack(sim: LiveKitTwirpSim, tmp_path: Path) -> None:
    team_a = write_file(tmp_path, TWO_RULES, "team-a.yaml")
    team_b_doc = {
        "stack": "team-b",
        "inbound_trunks": [
            {
                "name": "b-line",
                "numbers": ["+14155550199"],
                "auth_username": "b",
                "auth_password_env": "MAIN_PW",
            }
        ],
        "dispatch_rules": [
            {
                "name": "b-callers",
                "type": "individual",
                "room_prefix": "b",
                "trunks": ["b-line"],
                "room_config": AGENT,
            }
        ],
    }
    team_b = write_file(tmp_path, team_b_doc, "whatever.yaml")
    assert (await _sync(sim, team_a)).code == 0
    assert (await _sync(sim, team_b)).code == 0
    stacks = {json.loads(t.metadata)["stack"] for t in sim.inbound_trunks.values()}
    assert stacks == {"team-a", "team-b"}  # from the file name, and from `stack:`
    a_ids = {t.sip_trunk_id for t in sim.inbound_trunks.values() if t.name == "carrier"}

    # Team B drops its rule and prunes: team A's trunks and rules are not even planned.
    team_b_doc["dispatch_rules"] = []
    write_file(tmp_path, team_b_doc, "whatever.yaml")
    pruned = await _sync(sim, team_b, "--prune")
    assert pruned.code == 0, pruned.err
    assert "- delete dispatch_rule 'b-callers'" in pruned.out
    assert "carrier" not in pruned.out and "sales" not in pruned.out
    assert set(rules_of(sim)) == {"sales", "support"}
    assert a_ids <= set(sim.inbound_trunks)

    # Team B declaring team A's name is a clear conflict, and nothing is written.
    team_b_doc["inbound_trunks"].append(
        {"name": "carrier", "numbers": ["+14155550198"], "auth_username": "b"}
    )
    write_file(tmp_path, team_b_doc, "whatever.yaml")
    writes = len(sim.write_calls)
    clash = await _sync(sim, team_b, "--prune")
    assert clash.code == 1
    assert "! conflict inbound_trunk 'carrier': the name is taken by inbound trunk ST_" in clash.out
    assert "(stack 'team-a'), which stack 'team-b' does not own" in clash.out
    assert len(sim.write_calls) == writes


async def test_empty_file_prune_is_refused_unless_allowed(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = write_file(tmp_path, {**TWO_RULES, "stack": "team-a"}, "team-a.yaml")
    assert (await _sync(sim, path)).code == 0
    path.write_text("stack: team-a\n# the rest emptied by a bad merge\n", encoding="utf-8")
    requests = sim.request_count
    refused = await _sync(sim, path, "--prune")
    assert refused.code == 2
    assert "declares no trunks or rules, so --prune would delete every object of stack" in (
        refused.err
    )
    assert sim.request_count == requests
    allowed = await _sync(sim, path, "--prune", "--allow-empty")
    assert allowed.code == 0, allowed.err
    assert sim.inbound_trunks == {} and sim.dispatch_rules == {}


async def test_plan_fails_on_what_the_server_would_refuse(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    async with api.LiveKitAPI(url=sim.http_url, api_key=KEY, api_secret=SECRET) as lk:
        # Someone else's catch-all rule (no trunks, no numbers, no PIN)...
        await lk.sip.create_dispatch_rule(
            api.CreateSIPDispatchRuleRequest(
                dispatch_rule=sip.SIPDispatchRuleInfo(
                    name="catch-all",
                    rule=sip.SIPDispatchRule(
                        dispatch_rule_direct=sip.SIPDispatchRuleDirect(room_name="lobby")
                    ),
                )
            )
        )
        # ...and a trunk already claiming one of our numbers.
        await lk.sip.create_inbound_trunk(
            api.CreateSIPInboundTrunkRequest(
                trunk=api.SIPInboundTrunkInfo(name="legacy", numbers=["+1 415 555 0101"])
            )
        )
    document = json.loads(json.dumps(TWO_RULES))
    document["dispatch_rules"].append(
        {"name": "fallback", "type": "direct", "room_name": "overflow", "room_config": AGENT}
    )
    path = write_file(tmp_path, document)
    writes = len(sim.write_calls)
    for command in ("plan", "sync"):
        result = await run_cli(["--config", str(path), command], settings_for(sim))
        assert result.code == 1, (command, result.out, result.err)
        assert "! conflict inbound_trunk 'carrier': LiveKit would refuse this create: it " in (
            result.out
        )
        assert "'legacy' (ST_" in result.out and "unmanaged" in result.out
        assert "! conflict dispatch_rule 'fallback': LiveKit would refuse this create: it " in (
            result.out
        )
        assert "'catch-all' (SDR_" in result.out
    assert len(sim.write_calls) == writes


async def test_out_of_band_fields_survive_an_unrelated_update(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = write_file(tmp_path, TWO_RULES)
    assert (await _sync(sim, path)).code == 0
    # Someone sets, in the console, fields the file does not model.
    sales = rules_of(sim)["sales"]
    sales.room_preset = "cloud-preset"
    sales.krisp_enabled = True
    sales.room_config.metadata = "room-meta"
    sales.room_config.min_playout_delay = 200
    sales.room_config.agents[0].deployment = "canary"
    sales.media.encryption = sip.SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW
    carrier = by_name(sim.inbound_trunks)["carrier"]
    carrier.auth_realm = "carrier-realm"
    carrier.media.media_timeout.FromSeconds(30)

    # 1) A change the field-level API can carry goes out as one.
    changed = json.loads(json.dumps(TWO_RULES))
    changed["dispatch_rules"][0]["room_prefix"] = "ventas-"
    changed["inbound_trunks"][0]["allowed_addresses"] = ["192.0.2.0/24", "198.51.100.7"]
    write_file(tmp_path, changed)
    plan = await _plan(sim, path)
    assert plan.code == 0, plan.err
    assert "(field-level update: only these fields are sent)" in plan.out
    kept = plan.out.split("(kept as on the server: ")[2].split(")")[0].split(", ")
    assert {"room_preset", "media", "krisp_enabled", "room_config.metadata"} <= set(kept)
    assert (await _sync(sim, path)).code == 0
    updates = [c for c in sim.write_calls if c.method.startswith("Update")]
    assert all(c.request.WhichOneof("action") == "update" for c in updates)  # type: ignore[attr-defined]

    # 2) One it cannot (room_config) is a replacement built from the server's copy.
    changed["dispatch_rules"][0]["room_config"] = {
        "agents": [{"agent_name": "callcenter", "attributes": {"line": "sales"}}],
        "empty_timeout": 30,
    }
    changed["inbound_trunks"][0]["krisp_enabled"] = True
    write_file(tmp_path, changed)
    synced = await _sync(sim, path)
    assert synced.code == 0, synced.err
    assert "(replaced from the server's copy" in synced.out

    sales = rules_of(sim)["sales"]
    assert sales.rule.dispatch_rule_individual.room_prefix == "ventas-"
    assert (sales.room_preset, sales.krisp_enabled) == ("cloud-preset", True)
    assert sales.room_config.metadata == "room-meta"
    assert sales.room_config.min_playout_delay == 200
    assert sales.room_config.empty_timeout == 30
    [agent] = sales.room_config.agents
    assert (agent.deployment, dict(agent.attributes)) == ("canary", {"line": "sales"})
    assert sales.media.encryption == sip.SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW
    carrier = by_name(sim.inbound_trunks)["carrier"]
    assert carrier.auth_realm == "carrier-realm" and carrier.media.media_timeout.seconds == 30
    assert carrier.krisp_enabled
    assert list(carrier.allowed_addresses) == ["192.0.2.0/24", "198.51.100.7"]
    assert isinstance(sales.room_config, room.RoomConfiguration)
    assert (await _plan(sim, path)).out.endswith("no changes.\n")


async def test_objects_from_before_stacks_are_adopted_only_when_asked(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    legacy = '{"managed_by":"callcenter-dispatch"}'
    async with api.LiveKitAPI(url=sim.http_url, api_key=KEY, api_secret=SECRET) as lk:
        for name, number in (("carrier", "+14155550100"), ("old-line", "+14155550177")):
            await lk.sip.create_inbound_trunk(
                api.CreateSIPInboundTrunkRequest(
                    trunk=api.SIPInboundTrunkInfo(
                        name=name,
                        numbers=[number],
                        allowed_addresses=["192.0.2.0/24"],
                        metadata=legacy,
                    )
                )
            )
    document = {"stack": "team-a", "inbound_trunks": [{**CARRIER, "numbers": ["+14155550100"]}]}
    path = write_file(tmp_path, document, "team-a.yaml")
    refused = await _sync(sim, path, "--prune")
    assert refused.code == 1
    assert "marked before stacks existed; sync --adopt claims it" in refused.out

    adopted = await _sync(sim, path, "--prune", "--adopt")
    assert adopted.code == 0, adopted.out + adopted.err
    assert 'stack: (unset) -> "team-a"' in adopted.out
    trunks = by_name(sim.inbound_trunks)
    assert json.loads(trunks["carrier"].metadata)["stack"] == "team-a"
    # The one the file does not name is neither adopted nor pruned.
    assert trunks["old-line"].metadata == legacy
