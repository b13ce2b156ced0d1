"""The independent red-team corpus for ``python -m dispatch`` (``tests/corpora/
redteam_dispatch``, written black-box; see its CREDIT.md): every hostile file, run
through every command as its ``cases.yaml`` says, and the team scenarios.

Each command runs in-process against a fresh Twirp simulator (the harness's
``{LIVEKIT_URL}``) with the corpus's environment, so the settings, the planted
passwords and the API secret are the ones it names. Checked per case: the exit code of
each command; that an invalid file reaches no server; that nothing in
``must_not_print`` (or its regexes) appears in any output or any file an export wrote;
no traceback; that the message names the file, a listed line and the listed names.
The corpus's ``within_s``/``max_rss_mb`` budgets and its 50 MB generated files are not
run here (no wall-clock bounds in tests; see docs/dispatch.md for the startup figure).
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from dispatch_harness import Outcome, run_cli
from livekit import api
from livekit.protocol import sip

from config import Settings, load_settings
from sim.livekit_twirp import LiveKitTwirpSim

pytestmark = pytest.mark.sim

CORPUS = Path(__file__).resolve().parent / "corpora" / "redteam_dispatch"
SPEC: dict[str, Any] = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
DEFAULTS: dict[str, Any] = SPEC["defaults"]
COMMANDS: dict[str, Any] = DEFAULTS["commands"]
ENV: dict[str, str] = DEFAULTS["env"]
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")


@pytest.fixture
async def server() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(
        api_key=ENV["LIVEKIT_API_KEY"], api_secret=ENV["LIVEKIT_API_SECRET"]
    ) as sim:
        yield sim


def _environment(
    monkeypatch: pytest.MonkeyPatch, sim: LiveKitTwirpSim, extra: dict[str, str] | None = None
) -> tuple[Settings, dict[str, str]]:
    """The corpus's environment in this process (conftest has cleared the rest)."""
    values = {**ENV, "LIVEKIT_URL": sim.http_url, **(extra or {})}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return load_settings(_env_file=None), dict(os.environ)


def _argv(run: str, file: Path, tmp_path: Path) -> list[str]:
    words = shlex.split(run.replace("{FILE}", str(file)).replace("{TMPDIR}", str(tmp_path)))
    assert words[:3] == ["python", "-m", "dispatch"], run
    return words[3:]


class _Seen:
    """Everything the commands printed and wrote, checked against a case's rules."""

    def __init__(self, case: dict[str, Any], tmp_path: Path) -> None:
        self.case = case
        self.tmp_path = tmp_path
        self.texts: list[str] = []

    def add(self, outcome: Outcome) -> None:
        self.texts.append(outcome.out + outcome.err)

    def written(self) -> list[str]:
        return [
            p.read_text(encoding="utf-8", errors="replace")
            for p in self.tmp_path.rglob("*")
            if p.is_file() and not p.name.endswith(".yaml") and p.stat().st_size < 5_000_000
        ]

    def check(self) -> None:
        secrets = [*DEFAULTS["must_not_print"], *self.case.get("must_not_print", [])]
        patterns = [re.compile(p) for p in self.case.get("must_not_print_regex", [])]
        for text in [*self.texts, *self.written()]:
            assert not TRACEBACK.search(text), text
            for secret in secrets:
                assert secret not in text, (secret, text)
            for pattern in patterns:
                assert not pattern.search(text), (pattern.pattern, text)


def _names_the_place(case: dict[str, Any], file: Path, text: str) -> None:
    assert str(file) in text or file.name in text, text
    lines = case.get("line")
    if lines:
        assert any(
            f"{file}:{n}:" in text or f"line {n}" in text or f"{file.name}:{n}" in text
            for n in lines
        ), (lines, text)
    for name in case.get("names", []):
        assert name in text, (name, text)
    if case.get("names_any"):
        assert any(name in text for name in case["names_any"]), (case["names_any"], text)


def _expected(case: dict[str, Any], command: str, valid: bool) -> list[int]:
    exits = case.get("exit", {})
    if command in exits:
        return list(exits[command])
    spec = COMMANDS[command]
    if valid:
        return list(spec["exit_valid"])
    return list(spec.get("exit_invalid", DEFAULTS["exit_invalid"]))


async def _run_case(
    case: dict[str, Any], sim: LiveKitTwirpSim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = CORPUS / case["file"]
    settings, env = _environment(monkeypatch, sim, case.get("env"))
    seen = _Seen(case, tmp_path)
    valid = case["valid"] is True
    for command, spec in COMMANDS.items():
        outcome = await run_cli(_argv(spec["run"], file, tmp_path), settings, env)
        seen.add(outcome)
        if command == "validate" and case["valid"] == "either":
            valid = outcome.code == 0
        expected = _expected(case, command, valid)
        if case["valid"] == "either" and command != "validate":
            expected = list(
                spec["exit_valid"] if valid else [1 if command == "plan_detailed" else 2]
            )
        assert outcome.code in expected, (command, outcome.code, outcome.out, outcome.err)
        if not valid:
            assert sim.request_count == 0, f"{command} reached the server with an invalid file"
            if command == "validate":
                _names_the_place(case, file, outcome.err + outcome.out)
    seen.check()


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["file"] for c in SPEC["cases"]])
async def test_hostile_file(
    case: dict[str, Any],
    server: LiveKitTwirpSim,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if case.get("severity") == "should":
        try:
            await _run_case(case, server, tmp_path, monkeypatch)
        except AssertionError as failed:
            warnings.warn(f"{case['file']} (should): {failed}", stacklevel=1)
        return
    await _run_case(case, server, tmp_path, monkeypatch)


# -- scenarios ----------------------------------------------------------------------


async def _step(
    run: str,
    cwd: Path,
    file: Path,
    tmp_path: Path,
    settings: Settings,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> Outcome:
    monkeypatch.chdir(cwd)
    return await run_cli(_argv(run, file, tmp_path), settings, env)


def _server_names(sim: LiveKitTwirpSim) -> list[str]:
    objects = [*sim.inbound_trunks.values(), *sim.outbound_trunks.values()]
    return [o.name for o in objects] + [r.name for r in sim.dispatch_rules.values()]


SCENARIOS = {s["id"]: s for s in SPEC["scenarios"]}


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
async def test_scenario(
    scenario_id: str,
    server: LiveKitTwirpSim,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = SCENARIOS[scenario_id]
    settings, env = _environment(monkeypatch, server)
    file = tmp_path / "scenario.yaml"
    if "file" in scenario:
        file = CORPUS / scenario["file"]
    if "file_text" in scenario:
        file.write_text(scenario["file_text"], encoding="utf-8")
    seen = _Seen(scenario, tmp_path)
    if "server_seed" in scenario:
        await _seed(server, scenario["server_seed"])
    codes: list[int] = []
    for step in scenario.get("steps", []):
        if "server_change" in step:
            await _change(server, step["server_change"])
            continue
        outcome = await _step(
            step["run"], CORPUS / step.get("cwd", "."), file, tmp_path, settings, env, monkeypatch
        )
        seen.add(outcome)
        codes.append(outcome.code)
        assert outcome.code in step["exit"], (step, outcome.out, outcome.err)
        for pattern in step.get("output_must_not_match", []):
            assert not re.search(pattern, outcome.out + outcome.err), (pattern, outcome.out)
        for word in step.get("should_mention", []):
            if word not in outcome.out + outcome.err:
                warnings.warn(f"{scenario_id}: output does not mention {word!r}", stacklevel=1)
    for run in scenario.get("runs", []):
        outcome = await _step(run["run"], CORPUS, file, tmp_path, settings, env, monkeypatch)
        seen.add(outcome)
        assert outcome.code in run["exit"], (run, outcome.out, outcome.err)
    if "parallel" in scenario:
        outcomes = await asyncio.gather(
            *(run_cli(_argv(run, file, tmp_path), settings, env) for run in scenario["parallel"])
        )
        for outcome in outcomes:
            seen.add(outcome)
            assert outcome.code in scenario["exit_each"], (outcome.out, outcome.err)
    after = scenario.get("after", {})
    if not (codes and after.get("unless_step_1_exit") == codes[0]):
        names = _server_names(server)
        for name in after.get("server_has", []):
            assert name in names, (name, names)
    for key, count in after.get("server_count", {}).items():
        kind, name = key.split(":")
        bucket = {
            "inbound_trunk": server.inbound_trunks,
            "outbound_trunk": server.outbound_trunks,
            "dispatch_rule": server.dispatch_rules,
        }[kind]
        assert sum(1 for o in bucket.values() if o.name == name) == count
    if "then" in after:
        outcome = await _step(
            after["then"]["run"], CORPUS, file, tmp_path, settings, env, monkeypatch
        )
        seen.add(outcome)
        assert outcome.code in after["then"]["exit"], (outcome.out, outcome.err)
    seen.check()


async def _seed(sim: LiveKitTwirpSim, seed: dict[str, Any]) -> None:
    async with api.LiveKitAPI(
        url=sim.http_url, api_key=ENV["LIVEKIT_API_KEY"], api_secret=ENV["LIVEKIT_API_SECRET"]
    ) as lk:
        for method, body in seed.items():
            assert method == "CreateSIPDispatchRule", method
            rule = sip.SIPDispatchRuleInfo()
            from google.protobuf import json_format

            json_format.ParseDict(body, rule)
            await lk.sip.create_dispatch_rule(api.CreateSIPDispatchRuleRequest(dispatch_rule=rule))


async def _change(sim: LiveKitTwirpSim, change: dict[str, Any]) -> None:
    async with api.LiveKitAPI(
        url=sim.http_url, api_key=ENV["LIVEKIT_API_KEY"], api_secret=ENV["LIVEKIT_API_SECRET"]
    ) as lk:
        for method, body in change.items():
            assert method == "UpdateSIPInboundTrunk", method
            [trunk] = [t for t in sim.inbound_trunks.values() if t.name == body["name"]]
            await lk.sip.update_inbound_trunk_fields(
                trunk.sip_trunk_id, auth_password=body["auth_password"]
            )
