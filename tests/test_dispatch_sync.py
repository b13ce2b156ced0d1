"""``python -m dispatch`` against the LiveKit Twirp simulator, through the real client."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from dispatch_harness import (
    ENV,
    KEY,
    SECRET,
    Outcome,
    by_name,
    rules_of,
    run_cli,
    settings_for,
    write_file,
    write_indices,
)
from google.protobuf import json_format
from livekit import api
from livekit.protocol import sip
from support import RunModule

from config import Settings
from config.settings import LiveKitSettings
from dispatch.cli import main
from sim.faults import Fault, FaultPlan
from sim.livekit_twirp import LiveKitTwirpSim

pytestmark = pytest.mark.sim

REPO = Path(__file__).resolve().parent.parent

BASE: dict[str, Any] = {
    "inbound_trunks": [
        {
            "name": "main",
            "numbers": ["(415) 555-0100"],
            "allowed_addresses": ["192.0.2.0/24"],
            "auth_username": "cc",
            "auth_password_env": "MAIN_PW",
            "krisp_enabled": True,
            "ringing_timeout": 30,
            "metadata": {"tenant": "acme"},
        },
        {"name": "support", "numbers": ["+14155550101"]},
    ],
    "outbound_trunks": [
        {
            "name": "out",
            "address": "sip.example.com",
            "transport": "tls",
            "numbers": ["+14155550100"],
            "auth_username": "cc-out",
            "auth_password_env": "OUT_PW",
        }
    ],
    "dispatch_rules": [
        {
            "name": "main-callers",
            "type": "individual",
            "room_prefix": "call-",
            "trunks": ["main"],
            "room_config": {
                "agents": [{"agent_name": "callcenter", "metadata": {"tenant": "acme"}}]
            },
        },
        {
            "name": "support-callers",
            "type": "callee",
            "room_prefix": "support",
            "trunks": ["support"],
            "attributes": {"queue": "support"},
            "room_config": {"agents": [{"agent_name": "callcenter"}]},
        },
    ],
}


@pytest.fixture
async def sim() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as server:
        yield server


_settings = settings_for
_write = write_file
_cli = run_cli


async def _sync(
    sim: LiveKitTwirpSim, path: Path, *extra: str, env: Mapping[str, str] = ENV
) -> Outcome:
    return await _cli(["--config", str(path), "sync", *extra], _settings(sim), env)


def _inbound(sim: LiveKitTwirpSim) -> dict[str, sip.SIPInboundTrunkInfo]:
    return by_name(sim.inbound_trunks)


_rules = rules_of


async def test_sync_creates_everything_then_second_run_is_a_no_op(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = _write(tmp_path, BASE)
    first = await _sync(sim, path)
    assert first.code == 0, first.err
    assert "Plan: 5 to create, 0 to update, 0 to delete, 0 unchanged." in first.out
    assert "+ create inbound_trunk 'main'" in first.out

    inbound = _inbound(sim)
    main_trunk = inbound["main"]
    assert list(main_trunk.numbers) == ["+14155550100"]  # normalised to E.164
    assert main_trunk.krisp_enabled
    assert main_trunk.auth_password == "hunter2-main"
    assert main_trunk.ringing_timeout.seconds == 30
    metadata = json.loads(main_trunk.metadata)
    assert metadata["managed_by"] == "callcenter-dispatch"
    assert metadata["tenant"] == "acme"
    assert "hunter2" not in main_trunk.metadata
    out_trunk = next(iter(sim.outbound_trunks.values()))
    assert out_trunk.transport == sip.SIPTransport.SIP_TRANSPORT_TLS

    rules = _rules(sim)
    assert list(rules["main-callers"].trunk_ids) == [main_trunk.sip_trunk_id]
    agent = rules["main-callers"].room_config.agents[0]
    assert (agent.agent_name, json.loads(agent.metadata)) == ("callcenter", {"tenant": "acme"})
    assert rules["support-callers"].rule.dispatch_rule_callee.room_prefix == "support"

    # Trunks are written before the rules that name them.
    writes = [c.method for c in sim.write_calls]
    assert writes.index("CreateSIPDispatchRule") > max(
        i for i, m in enumerate(writes) if m.startswith("CreateSIP") and "Trunk" in m
    )
    assert "hunter2" not in first.out + first.err

    written = len(sim.write_calls)
    second = await _sync(sim, path)
    assert second.code == 0, second.err
    assert "0 to create, 0 to update, 0 to delete, 5 unchanged; no changes." in second.out
    assert len(sim.write_calls) == written


async def test_update_shows_field_diffs_and_replaces_in_place(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    assert (await _sync(sim, _write(tmp_path, BASE))).code == 0
    ids_before = {t.name: t.sip_trunk_id for t in sim.inbound_trunks.values()}

    changed = json.loads(json.dumps(BASE))
    changed["inbound_trunks"][0]["numbers"] = ["+14155550100", "+14155550102"]
    changed["inbound_trunks"][0]["krisp_enabled"] = False
    changed["dispatch_rules"][0]["room_prefix"] = "acme-"
    # Reordering and reformatting alone must not cause a diff.
    changed["inbound_trunks"][1]["numbers"] = ["+1 415-555-0101"]
    changed["dispatch_rules"].reverse()
    path = _write(tmp_path, changed)

    plan = await _cli(["--config", str(path), "plan"], _settings(sim))
    assert plan.code == 0, plan.err
    assert "~ update inbound_trunk 'main'" in plan.out
    assert 'numbers: ["+14155550100"] -> ["+14155550100", "+14155550102"]' in plan.out
    assert "krisp_enabled: true -> false" in plan.out
    assert 'room_prefix: "call-" -> "acme-"' in plan.out
    assert "Plan: 0 to create, 2 to update, 0 to delete, 3 unchanged." in plan.out
    assert "support" not in plan.out.split("Plan:")[0]

    synced = await _sync(sim, path)
    assert synced.code == 0, synced.err
    inbound = _inbound(sim)
    assert {t.name: t.sip_trunk_id for t in sim.inbound_trunks.values()} == ids_before
    assert sorted(inbound["main"].numbers) == ["+14155550100", "+14155550102"]
    assert not inbound["main"].krisp_enabled
    assert _rules(sim)["main-callers"].rule.dispatch_rule_individual.room_prefix == "acme-"
    assert (await _sync(sim, path)).out.endswith("no changes.\n")


async def test_password_change_is_detected_but_never_printed(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = _write(tmp_path, BASE)
    assert (await _sync(sim, path)).code == 0
    rotated = {**ENV, "MAIN_PW": "correct-horse-battery"}

    plan = await _cli(["--config", str(path), "plan", "--json"], _settings(sim), rotated)
    assert plan.code == 0, plan.err
    body = plan.json()
    [change] = body["plan"]["changes"]
    assert (change["action"], change["name"]) == ("update", "main")
    assert change["fields"] == [{"field": "auth_password", "change": "differs", "masked": True}]

    synced = await _sync(sim, path, env=rotated)
    assert synced.code == 0
    assert "auth_password: password differs (masked)" in synced.out
    for secret in ("correct-horse-battery", "hunter2-main"):
        assert secret not in synced.out + synced.err + plan.out
    assert _inbound(sim)["main"].auth_password == "correct-horse-battery"
    assert "correct-horse" not in _inbound(sim)["main"].metadata


async def test_prune_deletes_undeclared_managed_but_never_unmanaged(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    async with api.LiveKitAPI(url=sim.http_url, api_key=KEY, api_secret=SECRET) as lk:
        stranger = await lk.sip.create_inbound_trunk(
            api.CreateSIPInboundTrunkRequest(
                trunk=api.SIPInboundTrunkInfo(name="someone-else", numbers=["+12025550143"])
            )
        )
        stranger_rule = await lk.sip.create_dispatch_rule(
            api.CreateSIPDispatchRuleRequest(
                dispatch_rule=sip.SIPDispatchRuleInfo(
                    name="their-rule",
                    trunk_ids=[stranger.sip_trunk_id],
                    rule=sip.SIPDispatchRule(
                        dispatch_rule_direct=sip.SIPDispatchRuleDirect(room_name="lobby")
                    ),
                )
            )
        )
    assert (await _sync(sim, _write(tmp_path, {**BASE, "stack": "acme-lines"}))).code == 0

    smaller = json.loads(json.dumps({**BASE, "stack": "acme-lines"}))
    smaller["inbound_trunks"] = smaller["inbound_trunks"][:1]
    smaller["dispatch_rules"] = smaller["dispatch_rules"][:1]
    path = _write(tmp_path, smaller)

    kept = await _sync(sim, path)
    assert kept.code == 0
    assert "(kept) inbound_trunk 'support'" in kept.out
    assert "support" in _inbound(sim)

    doomed = {
        _inbound(sim)["support"].sip_trunk_id,
        _rules(sim)["support-callers"].sip_dispatch_rule_id,
    }
    first_call = len(sim.calls)
    pruned = await _sync(sim, path, "--prune")
    assert pruned.code == 0, pruned.err
    assert "- delete dispatch_rule 'support-callers'" in pruned.out
    assert "- delete inbound_trunk 'support'" in pruned.out
    assert set(_inbound(sim)) == {"main", "someone-else"}
    assert set(_rules(sim)) == {"main-callers", "their-rule"}
    assert stranger.sip_trunk_id in sim.inbound_trunks
    assert stranger_rule.sip_dispatch_rule_id in sim.dispatch_rules
    deletes = [
        c.method
        for c in sim.calls[first_call:]
        if c.method.startswith("Delete")
        and (getattr(c.request, "sip_trunk_id", "") or c.request.sip_dispatch_rule_id) in doomed  # type: ignore[attr-defined]
    ]
    assert deletes == ["DeleteSIPDispatchRule", "DeleteSIPTrunk"]  # rules before trunks


async def test_declared_name_held_by_unmanaged_object_is_a_conflict(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    async with api.LiveKitAPI(url=sim.http_url, api_key=KEY, api_secret=SECRET) as lk:
        await lk.sip.create_inbound_trunk(
            api.CreateSIPInboundTrunkRequest(
                trunk=api.SIPInboundTrunkInfo(name="support", numbers=["+14155550199"])
            )
        )
    writes = len(sim.write_calls)
    result = await _sync(sim, _write(tmp_path, BASE))
    assert result.code == 1
    assert (
        "! conflict inbound_trunk 'support': the name is taken by inbound trunk ST_" in result.out
    )
    assert "(unmanaged), which stack 'dispatch' does not own" in result.out
    assert "nothing will be applied" in result.out
    assert len(sim.write_calls) == writes
    [stranger] = sim.inbound_trunks.values()
    assert list(stranger.numbers) == ["+14155550199"]


async def test_invalid_file_lists_every_problem_and_touches_nothing(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    bad = json.loads(json.dumps(BASE))
    bad["inbound_trunks"].append({"name": "main", "numbers": ["+14155550100"]})
    bad["inbound_trunks"].append({"name": "dup-number", "numbers": ["+14155550101"]})
    bad["inbound_trunks"][1]["numbers"].append("not a number")
    bad["dispatch_rules"][0]["trunks"] = ["main", "nowhere"]
    bad["dispatch_rules"][1]["room_config"]["agents"][0]["agent_name"] = "other-agent"
    bad["dispatch_rules"].append(
        {"name": "clash", "type": "individual", "trunks": ["main"], "room_prefix": "x"}
    )
    # A schema error does not hide the cross-entry problems elsewhere in the file.
    bad["dispatch_rules"].append({"name": "typo", "type": "individual", "room_prefx": "x"})
    path = _write(tmp_path, bad)

    result = await _cli(
        ["--config", str(path), "--agent-noise-cancellation", "sync"],
        _settings(sim),
        env={"MAIN_PW": "x"},
    )
    assert result.code == 2
    # Schema errors carry the line, and a near-miss key gets a suggestion.
    assert re.search(
        re.escape(str(path)) + r":\d+: dispatch_rules\[typo\]\.room_prefx: Extra inputs are "
        r"not permitted; did you mean 'room_prefix'\?",
        result.err,
    )
    expected = [
        "inbound_trunks[main].name: name is used by more than one entry",
        "inbound_trunks[support].numbers: 'not a number' is not a phone number, a PBX "
        "extension or a SIP user name",
        "inbound_trunks[dup-number].numbers: conflicts with inbound trunk 'support'",
        "inbound_trunks[main].krisp_enabled: the trunk applies Krisp",
        "dispatch_rules[main-callers].trunks: no inbound trunk named 'nowhere'",
        "dispatch_rules[clash].trunks: conflicts with dispatch rule 'main-callers'",
        "outbound_trunks[out].auth_password_env: environment variable OUT_PW is not set",
    ]
    # Every problem, the cross-entry ones included, names the file, line and field.
    for line in expected:
        assert re.search(re.escape(str(path)) + r":\d+: " + re.escape(line), result.err), line
    # Another agent (a second language line) is allowed, with a warning.
    assert "warning: dispatch rule 'support-callers' dispatches agent 'other-agent'" in result.err
    assert sim.calls == []
    assert sim.request_count == 0


def test_validate_subprocess_exits_2_on_schema_errors(
    tmp_path: Path, run_module: RunModule
) -> None:
    path = _write(
        tmp_path,
        {
            "inbound_trunks": [{"name": "a", "numbers": ["+14155550100"], "krisp": True}],
            "dispatch_rules": [{"name": "r", "type": "broadcast"}],
        },
    )
    completed = run_module("dispatch", "--config", str(path), "validate", timeout=60)
    assert completed.returncode == 2, completed.stderr
    assert "inbound_trunks[a].krisp: Extra inputs are not permitted" in completed.stderr
    assert "dispatch_rules[r].type: Input should be 'individual', 'direct' or 'callee'" in (
        completed.stderr
    )


async def test_failure_mid_sync_reports_and_rerun_converges(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = _write(tmp_path, BASE)
    # Fail the third write (the outbound trunk create), once.
    third = sim.request_count + (await write_indices(tmp_path, BASE))[2]
    sim.faults = FaultPlan([Fault("http_error", request=third, status=503)])
    failed = await _sync(sim, path)
    assert failed.code == 1
    assert (
        "Sync stopped: + create outbound_trunk 'out' failed: unavailable: injected failure"
        in failed.out
    )
    # A 503 may come after the server acted, so the sync read it back.
    assert "it did not take effect (read back from the server)" in failed.out
    assert "Applied (2):" in failed.out
    assert "Not applied (3):" in failed.out
    assert set(_inbound(sim)) == {"main", "support"}
    assert sim.outbound_trunks == {}
    assert sim.dispatch_rules == {}

    sim.faults = FaultPlan()
    rerun = await _sync(sim, path)
    assert rerun.code == 0, rerun.err
    assert "Plan: 3 to create, 0 to update, 0 to delete, 2 unchanged." in rerun.out
    assert len(sim.inbound_trunks) == 2
    assert len(sim.outbound_trunks) == 1
    assert len(sim.dispatch_rules) == 2
    assert (await _sync(sim, path)).out.endswith("no changes.\n")


async def test_lost_answer_mid_sync_converges_without_duplicates(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = _write(tmp_path, BASE)
    # The server applies the first write but the answer is garbage: reading it back
    # shows it landed, so the sync goes on, and nothing is created twice.
    first = sim.request_count + (await write_indices(tmp_path, BASE))[0]
    sim.faults = FaultPlan([Fault("malformed", request=first)])
    synced = await _sync(sim, path, "--json")
    assert synced.code == 0, synced.out
    body = synced.json()
    assert body["status"] == "ok"
    assert len(body["applied"]) == 5
    assert sorted(t.name for t in sim.inbound_trunks.values()) == ["main", "support"]
    assert (await _sync(sim, path)).out.endswith("no changes.\n")


async def test_export_then_sync_round_trips(sim: LiveKitTwirpSim, tmp_path: Path) -> None:
    assert (await _sync(sim, _write(tmp_path, BASE))).code == 0
    exported = tmp_path / "exported.yaml"
    result = await _cli(["export", "--output", str(exported)], _settings(sim))
    assert result.code == 0, result.err
    text = exported.read_text()
    assert "hunter2" not in text
    document = yaml.safe_load(text)
    assert [t["name"] for t in document["inbound_trunks"]] == ["main", "support"]
    assert document["inbound_trunks"][0]["auth_password_env"] == "MAIN_PW"

    writes = len(sim.write_calls)
    again = await _sync(sim, exported)
    assert again.code == 0, again.err
    assert again.out.endswith("5 unchanged; no changes.\n")
    assert len(sim.write_calls) == writes


LK_REQUESTS = {
    "inbound": api.CreateSIPInboundTrunkRequest,
    "outbound": api.CreateSIPOutboundTrunkRequest,
    "dispatch": api.CreateSIPDispatchRuleRequest,
}


async def test_export_lk_json_writes_requests_lk_accepts(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    assert (await _sync(sim, _write(tmp_path, BASE))).code == 0
    out_dir = tmp_path / "lk"
    result = await _cli(["export", "--format", "lk-json", "--out", str(out_dir)], _settings(sim))
    assert result.code == 0, result.err

    files = sorted(p.name for p in out_dir.glob("[0-9]*.json"))
    assert [f.split("-")[1] for f in files] == ["inbound"] * 2 + ["outbound"] + ["dispatch"] * 2
    parsed: dict[str, Any] = {}
    for name in files:
        text = (out_dir / name).read_text()
        assert "hunter2" not in text
        assert "managed_by" not in text and "password_hmac" not in text
        # livekit-cli cmd/lk/proto.go reads these with protojson, unknown fields rejected.
        parsed[name] = json_format.Parse(
            text, LK_REQUESTS[name.split("-")[1]](), ignore_unknown_fields=False
        )
    main_file = next(f for f in files if f.endswith("-main.json"))
    main_req = parsed[main_file]
    assert main_req.trunk.name == "main" and main_req.trunk.krisp_enabled
    assert not main_req.trunk.auth_password and not main_req.trunk.sip_trunk_id
    assert json.loads(main_req.trunk.metadata) == {"tenant": "acme"}  # user metadata only
    # The output names the files whose trunk needs a password, and the variable.
    assert f"{main_file}: set MAIN_PW" in result.out
    assert "-out.json: set OUT_PW" in result.out

    # A rule names its trunk by a placeholder that create.sh fills with the new id.
    rule_file = next(f for f in files if f.endswith("-main-callers.json"))
    assert list(parsed[rule_file].dispatch_rule.trunk_ids) == ["${TRUNK_ID_MAIN}"]
    script = (out_dir / "create.sh").read_text()
    assert script.index("TRUNK_ID_MAIN=$(lk sip inbound create") < script.index(
        f'lk sip dispatch create --trunks "$TRUNK_ID_MAIN" {rule_file}'
    )
    assert '--auth-pass "${MAIN_PW:?set MAIN_PW}"' in script


async def test_create_script_recreates_the_stack_in_another_project(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    assert (await _sync(sim, _write(tmp_path, BASE))).code == 0
    out_dir = tmp_path / "lk"
    exported = await _cli(["export", "--format", "lk-json", "--out", str(out_dir)], _settings(sim))
    assert exported.code == 0, exported.err
    # `lk` on PATH is a stand-in that reads each file as livekit-cli does (strict
    # protobuf JSON, flags override the file) and creates it in the target project.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lk = bin_dir / "lk"
    lk.write_text(f'#!/bin/sh\nexec {sys.executable} {REPO / "tests" / "lk_stand_in.py"} "$@"\n')
    lk.chmod(0o755)
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as target:
        process = await asyncio.create_subprocess_exec(
            "sh",
            str(out_dir / "create.sh"),
            env={
                "PATH": f"{bin_dir}:{os.environ['PATH']}",
                "LIVEKIT_URL": target.http_url,
                "LIVEKIT_API_KEY": KEY,
                "LIVEKIT_API_SECRET": SECRET,
                **ENV,
            },
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode == 0, stderr.decode()
        trunks = by_name(target.inbound_trunks)
        rules = rules_of(target)
        assert set(trunks) == {"main", "support"} and set(rules) == set(_rules(sim))
        # Trunk references resolve to the target project's new ids.
        assert list(rules["main-callers"].trunk_ids) == [trunks["main"].sip_trunk_id]
        assert list(rules["support-callers"].trunk_ids) == [trunks["support"].sip_trunk_id]
        assert trunks["main"].auth_password == ENV["MAIN_PW"]
        assert next(iter(target.outbound_trunks.values())).auth_password == ENV["OUT_PW"]
        assert "managed_by" not in trunks["main"].metadata


async def test_missing_api_key_names_the_variable(sim: LiveKitTwirpSim, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, livekit=LiveKitSettings(url=sim.http_url))  # type: ignore[call-arg]
    result = await _cli(["--config", str(_write(tmp_path, BASE)), "plan"], settings)
    assert result.code == 2
    assert "LIVEKIT_API_KEY" in result.err
    assert sim.request_count == 0


async def test_agent_noise_cancellation_flag_conflicts_with_trunk_krisp(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    result = await _cli(
        ["--config", str(_write(tmp_path, BASE)), "--agent-noise-cancellation", "validate"],
        _settings(sim),
    )
    assert result.code == 2
    assert "inbound_trunks[main].krisp_enabled" in result.err


EXAMPLES = {
    "dispatch.example.yaml": {"MAIN_LINE_SIP_PASSWORD": "x"},
    "dispatch.operator-example.yaml": {
        "CARRIER_SIP_PASSWORD": "carrier-in-secret",
        "CARRIER_OUT_SIP_PASSWORD": "carrier-out-secret",
    },
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_file_validates(name: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["--config", str(REPO / "deploy" / name), "validate"],
        env=EXAMPLES[name],
        settings=Settings(_env_file=None),  # type: ignore[call-arg]
        stdout=out,
        stderr=err,
    )
    assert code == 0, err.getvalue()
    assert out.getvalue().endswith(": valid\n")


async def test_operator_example_syncs_and_converges(sim: LiveKitTwirpSim, tmp_path: Path) -> None:
    path = REPO / "deploy" / "dispatch.operator-example.yaml"
    env = EXAMPLES["dispatch.operator-example.yaml"]
    synced = await _sync(sim, path, env=env)
    assert synced.code == 0, synced.out + synced.err
    assert "Plan: 8 to create" in synced.out
    rules = _rules(sim)
    assert [a.agent_name for a in rules["globex-main"].room_config.agents] == [
        "callcenter",
        "callcenter-es",
    ]
    assert dict(rules["globex-main"].room_config.agents[1].attributes) == {"language": "es"}
    assert rules["acme-partners"].rule.dispatch_rule_direct.pin == "4096"
    assert list(_inbound(sim)["office-pbx"].numbers) == ["2001"]
    again = await _cli(["--config", str(path), "plan", "--detailed-exitcode"], _settings(sim), env)
    assert again.code == 0, again.out

    # A PIN change is planned without printing either PIN.
    # (`stack:` in the file keeps the copy in the same stack.)
    moved = tmp_path / "edited.yaml"
    moved.write_text(path.read_text().replace('pin: "4096"', 'pin: "8192"'), encoding="utf-8")
    plan = await _cli(["--config", str(moved), "plan", "--json"], _settings(sim), env)
    assert plan.code == 0, plan.err
    [change] = plan.json()["plan"]["changes"]
    # The copy is another file, so the write also records it as the rule's writer.
    assert change["fields"][0] == {"field": "pin", "change": "differs", "masked": True}
    assert [f["field"] for f in change["fields"]] == ["pin", "owner"]
    assert "4096" not in plan.out and "8192" not in plan.out
