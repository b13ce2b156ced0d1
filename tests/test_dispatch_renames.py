"""Renames are updates, and multi-step changes never strand a number: ``python -m
dispatch sync`` against the Twirp simulator, with every call's route read from the
simulator's own copy of LiveKit's matching (`SipState.route`)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from dispatch_harness import (
    KEY,
    SECRET,
    by_name,
    failing_from,
    routes,
    rules_of,
    run_cli,
    settings_for,
    write_file,
    write_indices,
)

from sim.faults import FaultPlan
from sim.livekit_twirp import LiveKitTwirpSim

pytestmark = pytest.mark.sim

SALES, SUPPORT, BILLING = "+14155550100", "+14155550101", "+14155550102"
NUMBERS = [SALES, SUPPORT, BILLING]
AGENT = {"agents": [{"agent_name": "callcenter"}]}


def _trunk(name: str, numbers: list[str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "numbers": numbers, "allowed_addresses": ["192.0.2.0/24"], **extra}


def _rule(name: str, trunk: str, numbers: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": "individual",
        "room_prefix": name,
        "trunks": [trunk],
        "numbers": numbers,
        "room_config": AGENT,
        **extra,
    }


# Two carrier trunks, a rule per number.
BEFORE: dict[str, Any] = {
    "stack": "acme-lines",
    "inbound_trunks": [_trunk("east", [SALES, SUPPORT]), _trunk("west", [BILLING])],
    "dispatch_rules": [
        _rule("sales", "east", [SALES]),
        _rule("support", "east", [SUPPORT]),
        _rule("billing", "west", [BILLING]),
    ],
}


@pytest.fixture
async def sim() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as server:
        yield server


async def _sync(sim: LiveKitTwirpSim, path: Path, *extra: str) -> Any:
    return await run_cli(["--config", str(path), "sync", *extra], settings_for(sim))


def _copy(document: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(document))
    return copied


def _renamed() -> dict[str, Any]:
    """``east`` becomes ``atlantic`` and rule ``sales`` becomes ``new-sales``."""
    after = _copy(BEFORE)
    after["inbound_trunks"][0] |= {"name": "atlantic", "renamed_from": "east"}
    after["dispatch_rules"][0] |= {
        "name": "new-sales",
        "renamed_from": "sales",
        "trunks": ["atlantic"],
    }
    after["dispatch_rules"][1]["trunks"] = ["atlantic"]
    return after


def _moved(receiver_first: bool) -> dict[str, Any]:
    """``support`` moves from trunk ``east`` to trunk ``west`` (and its rule with it)."""
    after = _copy(BEFORE)
    east, west = after["inbound_trunks"]
    east["numbers"] = [SALES]
    west["numbers"] = [SUPPORT, BILLING]
    after["dispatch_rules"][1]["trunks"] = ["west"]
    if receiver_first:
        after["inbound_trunks"] = [west, east]
    return after


async def test_a_rename_keeps_the_ids_and_every_route(sim: LiveKitTwirpSim, tmp_path: Path) -> None:
    assert (await _sync(sim, write_file(tmp_path, BEFORE))).code == 0
    ids = {t.name: t.sip_trunk_id for t in sim.inbound_trunks.values()}
    rule_ids = {r.name: r.sip_dispatch_rule_id for r in sim.dispatch_rules.values()}
    assert routes(sim, NUMBERS) == {
        SALES: "east / sales",
        SUPPORT: "east / support",
        BILLING: "west / billing",
    }

    synced = await _sync(sim, write_file(tmp_path, _renamed()))
    assert synced.code == 0, synced.out + synced.err
    assert "renamed from 'east': the id stays" in synced.out
    assert "Plan: 0 to create, 2 to update, 0 to delete" in synced.out
    trunks = by_name(sim.inbound_trunks)
    assert trunks["atlantic"].sip_trunk_id == ids["east"]
    assert rules_of(sim)["new-sales"].sip_dispatch_rule_id == rule_ids["sales"]
    assert routes(sim, NUMBERS) == FINAL_RENAME
    assert (await _sync(sim, write_file(tmp_path, _renamed()))).out.endswith("no changes.\n")


async def test_a_rename_without_renamed_from_is_found_by_its_numbers(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    assert (await _sync(sim, write_file(tmp_path, BEFORE))).code == 0
    west_id = by_name(sim.inbound_trunks)["west"].sip_trunk_id
    after = _copy(BEFORE)
    after["inbound_trunks"][1]["name"] = "pacific"
    after["dispatch_rules"][2]["trunks"] = ["pacific"]
    synced = await _sync(sim, write_file(tmp_path, after))
    assert synced.code == 0, synced.out + synced.err
    assert by_name(sim.inbound_trunks)["pacific"].sip_trunk_id == west_id
    assert "renamed from 'west'" in synced.out


@pytest.mark.parametrize("receiver_first", [False, True], ids=["giver-first", "receiver-first"])
async def test_a_number_moves_between_trunks_in_either_file_order(
    sim: LiveKitTwirpSim, tmp_path: Path, receiver_first: bool
) -> None:
    assert (await _sync(sim, write_file(tmp_path, BEFORE))).code == 0
    synced = await _sync(sim, write_file(tmp_path, _moved(receiver_first)))
    assert synced.code == 0, synced.out + synced.err
    trunks = by_name(sim.inbound_trunks)
    assert list(trunks["east"].numbers) == [SALES]
    assert sorted(trunks["west"].numbers) == [SUPPORT, BILLING]
    assert routes(sim, NUMBERS) == FINAL_MOVE
    # The bridge that carried the number through the move is gone.
    assert set(trunks) == {"east", "west"}
    assert set(rules_of(sim)) == {"sales", "support", "billing"}


# The writes each change takes (the test fails, asking for an update, if it changes):
# a move is a bridge trunk and rule, the giving trunk, the rule, the receiving trunk,
# then the bridge's two deletes; a rename is one update per renamed object.
MOVE_STEPS = 7
RENAME_STEPS = 2
FINAL_MOVE = {SALES: "east / sales", SUPPORT: "west / support", BILLING: "west / billing"}
FINAL_RENAME = {
    SALES: "atlantic / new-sales",
    SUPPORT: "atlantic / support",
    BILLING: "west / billing",
}


async def _stop_at(
    tmp_path: Path, after: dict[str, Any], step: int, steps: int, final: dict[str, str]
) -> None:
    """Sync ``BEFORE`` -> ``after`` on a server that goes away at write ``step``: every
    number is still routed; once the server is back, a re-run completes the change and
    leaves none of the tool's temporary objects."""
    indices = await write_indices(tmp_path, after, before=BEFORE)
    assert len(indices) == steps, indices
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as server:
        assert (await _sync(server, write_file(tmp_path, BEFORE, "scratch.yaml"))).code == 0
        server.faults = failing_from(server.request_count + indices[step])
        stopped = await _sync(server, write_file(tmp_path, after, "scratch.yaml"))
        assert stopped.code == 1, stopped.out + stopped.err
        assert set(routes(server, NUMBERS)) == set(NUMBERS), stopped.out
        server.faults = FaultPlan()
        # The stopped run could not release its lease: it died, as far as anyone knows.
        rerun = await _sync(server, write_file(tmp_path, after, "scratch.yaml"), "--break-lease")
        assert rerun.code == 0, rerun.out + rerun.err
        assert routes(server, NUMBERS) == final
        assert not any("bridge" in t.name for t in server.inbound_trunks.values())
        assert not any("bridge" in r.name for r in server.dispatch_rules.values())


@pytest.mark.parametrize("step", range(MOVE_STEPS))
@pytest.mark.parametrize("receiver_first", [False, True], ids=["giver-first", "receiver-first"])
async def test_a_move_stopped_before_any_step_leaves_every_number_routed(
    tmp_path: Path, receiver_first: bool, step: int
) -> None:
    await _stop_at(tmp_path, _moved(receiver_first), step, MOVE_STEPS, FINAL_MOVE)


@pytest.mark.parametrize("step", range(RENAME_STEPS))
async def test_a_rename_stopped_before_any_step_leaves_every_number_routed(
    tmp_path: Path, step: int
) -> None:
    await _stop_at(tmp_path, _renamed(), step, RENAME_STEPS, FINAL_RENAME)


async def test_a_swap_between_trunks_is_refused_with_the_way_out(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    """Two trunks trading numbers need one of them to hold none for a moment, which
    LiveKit reads as a default trunk for every number: the plan refuses and says how."""
    assert (await _sync(sim, write_file(tmp_path, BEFORE))).code == 0
    swapped = _copy(BEFORE)
    east, west = swapped["inbound_trunks"]
    east["numbers"], west["numbers"] = west["numbers"], east["numbers"]
    writes = len(sim.write_calls)
    refused = await _sync(sim, write_file(tmp_path, swapped))
    assert refused.code == 1, refused.out
    assert "wait on one another (numbers swapped between its objects)" in refused.out
    assert "split the change over two syncs" in refused.out
    assert len(sim.write_calls) == writes
    assert routes(sim, NUMBERS) == {
        SALES: "east / sales",
        SUPPORT: "east / support",
        BILLING: "west / billing",
    }


async def test_without_prune_a_rename_by_numbers_never_drops_one(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    """A new entry holding only some of an undeclared trunk's numbers is not that trunk
    renamed unless --prune: taking it over would drop the rest."""
    assert (await _sync(sim, write_file(tmp_path, BEFORE))).code == 0
    east_id = by_name(sim.inbound_trunks)["east"].sip_trunk_id
    after = _copy(BEFORE)
    after["inbound_trunks"][0] = _trunk("atlantic", [SALES])
    after["dispatch_rules"] = [_rule("sales", "atlantic", [SALES]), after["dispatch_rules"][2]]
    path = write_file(tmp_path, after)
    kept = await _sync(sim, path)
    assert kept.code == 1  # east still holds SALES, so the new trunk cannot be created
    assert "LiveKit would refuse this create" in kept.out
    assert routes(sim, NUMBERS) == {
        SALES: "east / sales",
        SUPPORT: "east / support",
        BILLING: "west / billing",
    }
    pruned = await _sync(sim, path, "--prune")
    assert pruned.code == 0, pruned.out + pruned.err
    assert by_name(sim.inbound_trunks)["atlantic"].sip_trunk_id == east_id
    assert routes(sim, NUMBERS) == {SALES: "atlantic / sales", BILLING: "west / billing"}
