"""Two teams, one LiveKit project: default names, copied examples and same-named stacks
never let one team's ``--prune`` delete the other's objects (``python -m dispatch``
against the Twirp simulator)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from dispatch_harness import KEY, SECRET, by_name, rules_of, run_cli, settings_for, write_file

from dispatch.ownership import EXAMPLE_STACKS, REFUSED_FOR_PRUNE
from sim.livekit_twirp import LiveKitTwirpSim

pytestmark = pytest.mark.sim

REPO = Path(__file__).resolve().parent.parent
AGENT = {"agents": [{"agent_name": "callcenter"}]}


def _team(letter: str, number: str, **top: Any) -> dict[str, Any]:
    return {
        **top,
        "inbound_trunks": [
            {"name": f"{letter}-line", "numbers": [number], "allowed_addresses": ["192.0.2.0/24"]}
        ],
        "dispatch_rules": [
            {
                "name": f"{letter}-callers",
                "type": "individual",
                "room_prefix": f"{letter}-call",
                "trunks": [f"{letter}-line"],
                "room_config": AGENT,
            }
        ],
    }


@pytest.fixture
async def sim() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as server:
        yield server


async def _run(sim: LiveKitTwirpSim, path: Path, *command: str) -> Any:
    return await run_cli(["--config", str(path), *command], settings_for(sim))


def _team_files(tmp_path: Path, a: dict[str, Any], b: dict[str, Any]) -> tuple[Path, Path]:
    (tmp_path / "team-a").mkdir()
    (tmp_path / "team-b").mkdir()
    return write_file(tmp_path / "team-a", a), write_file(tmp_path / "team-b", b)


def _names(sim: LiveKitTwirpSim) -> set[str]:
    return set(by_name(sim.inbound_trunks)) | set(rules_of(sim))


async def test_two_teams_with_default_file_names_cannot_prune_each_other(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    # Both files are called dispatch.yaml and say no `stack:`: both are stack "dispatch".
    team_a, team_b = _team_files(tmp_path, _team("a", "+14155550100"), _team("b", "+14155550101"))
    assert (await _run(sim, team_a, "sync")).code == 0
    assert (await _run(sim, team_b, "sync")).code == 0
    stacks = {json.loads(t.metadata)["stack"] for t in sim.inbound_trunks.values()}
    assert stacks == {"dispatch"}
    everything = _names(sim)

    requests = sim.request_count
    for command in (["sync", "--prune"], ["plan", "--prune"]):
        refused = await _run(sim, team_b, *command)
        assert refused.code == 2, refused.out
        assert "--prune needs the stack named in the file" in refused.err
    assert sim.request_count == requests  # refused before the server is asked anything
    assert _names(sim) == everything


async def test_two_teams_copying_the_example_stack_cannot_prune_each_other(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    example = yaml.safe_load((REPO / "deploy" / "dispatch.example.yaml").read_text())
    team_a, team_b = _team_files(
        tmp_path,
        _team("a", "+14155550100", stack=example["stack"]),
        _team("b", "+14155550101", stack=example["stack"]),
    )
    assert (await _run(sim, team_a, "sync")).code == 0
    assert (await _run(sim, team_b, "sync")).code == 0
    everything = _names(sim)
    refused = await _run(sim, team_b, "sync", "--prune")
    assert refused.code == 2
    assert f"--prune refuses stack {example['stack']!r}: it is a default or example name" in (
        refused.err
    )
    assert _names(sim) == everything


def test_every_example_files_stack_is_refused_for_prune() -> None:
    for path in sorted((REPO / "deploy").glob("dispatch*.yaml")):
        stack = yaml.safe_load(path.read_text())["stack"]
        assert stack in EXAMPLE_STACKS, path
    assert "dispatch" in REFUSED_FOR_PRUNE  # the default file name's stack


async def test_same_named_stack_from_another_file_is_never_pruned(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    # Both teams happened to choose the same explicit stack name.
    team_a, team_b = _team_files(
        tmp_path,
        _team("a", "+14155550100", stack="payments"),
        _team("b", "+14155550101", stack="payments"),
    )
    assert (await _run(sim, team_a, "sync")).code == 0
    a_ids = {t.sip_trunk_id for t in sim.inbound_trunks.values()}
    assert (await _run(sim, team_b, "sync")).code == 0
    # Team A's objects are "no longer declared" to team B, but never deleted.
    plan = await _run(sim, team_b, "plan")
    assert "(kept) inbound_trunk 'a-line'" in plan.out
    assert f"last written by {team_a.resolve()}" in plan.out

    writes = len(sim.write_calls)
    refused = await _run(sim, team_b, "sync", "--prune")
    assert refused.code == 1, refused.out + refused.err
    assert "--prune refused: stack 'payments'" in refused.out
    assert f"was last written by {team_a.resolve()}" in refused.out
    assert len(sim.write_calls) == writes
    assert a_ids <= set(sim.inbound_trunks)

    # Team B's own prune works once it owns everything it would delete: here, by
    # taking the stack over deliberately.
    adopted = await _run(sim, team_b, "sync", "--prune", "--adopt")
    assert adopted.code == 0, adopted.out + adopted.err
    assert "- delete inbound_trunk 'a-line'" in adopted.out
    assert f"(last written by {team_a.resolve()})" in adopted.out
    assert _names(sim) == {"b-line", "b-callers"}


async def test_one_owner_in_two_checkouts_may_prune(sim: LiveKitTwirpSim, tmp_path: Path) -> None:
    # The same team's file checked out twice (a laptop and CI): `owner:` says so.
    laptop, ci = _team_files(
        tmp_path,
        _team("a", "+14155550100", stack="payments", owner="acme/payments"),
        _team("a", "+14155550100", stack="payments", owner="acme/payments"),
    )
    assert (await _run(sim, laptop, "sync")).code == 0
    shrunk = _team("a", "+14155550100", stack="payments", owner="acme/payments")
    shrunk["dispatch_rules"] = []
    write_file(tmp_path / "team-b", shrunk)
    pruned = await _run(sim, ci, "sync", "--prune")
    assert pruned.code == 0, pruned.out + pruned.err
    assert "- delete dispatch_rule 'a-callers'" in pruned.out
    assert rules_of(sim) == {}
