"""No PIN or password in any output of ``python -m dispatch``: validation errors,
plans, JSON, exports and tracebacks; exports that never traceback and never overwrite
what they did not write; one JSON shape for every outcome."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from dispatch_harness import (
    ENV,
    KEY,
    SECRET,
    by_name,
    failing_from,
    rules_of,
    run_cli,
    settings_for,
    write_file,
    write_indices,
)
from support import ROOT

from config import Settings
from config.settings import LiveKitSettings
from dispatch import diff
from sim.livekit_twirp import LiveKitTwirpSim

pytestmark = pytest.mark.sim

PIN = "4321"
RULE: dict[str, Any] = {
    "name": "vip",
    "type": "direct",
    "room_name": "vip-room",
    "pin": PIN,
    "room_config": {"agents": [{"agent_name": "callcenter"}]},
}
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
    "dispatch_rules": [{**RULE, "trunks": ["main"]}],
}
SECRETS = (PIN, ENV["MAIN_PW"])


@pytest.fixture
async def sim() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as server:
        yield server


def _clean(*outputs: Any, secrets: tuple[str, ...] = SECRETS, files: tuple[Path, ...] = ()) -> None:
    """No traceback and none of ``secrets`` in the outputs. The ``files`` the command
    was given are named in its messages: their directories (a temporary directory's
    name holds digits, "pytest-838") are not output to search."""
    for output in outputs:
        text = output.out + output.err
        for file in files:
            text = text.replace(str(file), file.name)
        assert "Traceback" not in text, text
        for secret in secrets:
            assert secret not in text, (secret, text)


@pytest.mark.parametrize(
    ("written", "readings"),
    [("0123", ("0123", "83", "123")), ("4321", ("4321",)), ("1.5e+3", ("1.5e+3", "1500.0"))],
    ids=["octal", "plain", "float"],
)
async def test_an_unquoted_pin_is_refused_without_its_value(
    sim: LiveKitTwirpSim, tmp_path: Path, written: str, readings: tuple[str, ...]
) -> None:
    path = tmp_path / "dispatch.yaml"
    path.write_text(
        "stack: acme-lines\ndispatch_rules:\n  - name: vip\n    type: direct\n"
        f"    room_name: vip-room\n    pin: {written}\n",
        encoding="utf-8",
    )
    said = "Input should be a valid string (write the PIN quoted"
    for command in (["validate"], ["sync", "--prune"]):
        result = await run_cli(["--config", str(path), *command], settings_for(sim))
        assert result.code == 2, result.out + result.err
        assert f"dispatch_rules[vip].pin: {said}" in result.err
        _clean(result, secrets=readings, files=(path,))
    as_json = await run_cli(["--config", str(path), "plan", "--json"], settings_for(sim))
    [problem] = as_json.json()["problems"]
    assert (problem["entry"], problem["field"]) == ("vip", "pin")
    assert problem["message"].startswith(said)
    _clean(as_json, secrets=readings, files=(path,))
    assert sim.request_count == 0


async def test_a_pin_from_the_environment_is_checked_without_showing_it(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    rule = {**RULE, "pin": "", "pin_env": "VIP_PIN"}
    path = write_file(tmp_path, {"stack": "acme-lines", "dispatch_rules": [rule]})
    bad = await run_cli(
        ["--config", str(path), "validate"], settings_for(sim), {"VIP_PIN": "12ab-secret"}
    )
    assert bad.code == 2
    assert "environment variable VIP_PIN does not hold a PIN" in bad.err
    _clean(bad, secrets=("12ab-secret",), files=(path,))
    synced = await run_cli(["--config", str(path), "sync"], settings_for(sim), {"VIP_PIN": "9876"})
    assert synced.code == 0, synced.out + synced.err
    assert rules_of(sim)["vip"].rule.dispatch_rule_direct.pin == "9876"
    _clean(synced, secrets=("9876",), files=(path,))


async def test_export_writes_variable_names_never_values(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = write_file(tmp_path, DOCUMENT)
    assert (await run_cli(["--config", str(path), "sync"], settings_for(sim))).code == 0
    # A PIN set by hand that the file schema would refuse: still never printed.
    vip = rules_of(sim)["vip"]
    vip.rule.dispatch_rule_direct.pin = "12ab#secret"
    exported = await run_cli(["export"], settings_for(sim))
    assert exported.code == 0, exported.err
    _clean(exported, secrets=(*SECRETS, "12ab#secret"))
    document = yaml.safe_load(exported.out)
    [rule] = document["dispatch_rules"]
    assert rule["pin_env"] == "VIP_PIN" and "pin" not in rule
    assert document["inbound_trunks"][0]["auth_password_env"] == "MAIN_PW"

    out_dir = tmp_path / "lk"
    lk_json = await run_cli(
        ["export", "--format", "lk-json", "--out", str(out_dir)], settings_for(sim)
    )
    assert lk_json.code == 0, lk_json.err
    assert "set VIP_PIN for create.sh" in lk_json.out
    for written in out_dir.iterdir():
        for secret in (*SECRETS, "12ab#secret"):
            assert secret not in written.read_text(), written


async def test_an_lk_json_export_recreates_the_pin_from_its_variable(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    assert (
        await run_cli(["--config", str(write_file(tmp_path, DOCUMENT)), "sync"], settings_for(sim))
    ).code == 0
    out_dir = tmp_path / "lk"
    assert (
        await run_cli(["export", "--format", "lk-json", "--out", str(out_dir)], settings_for(sim))
    ).code == 0
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lk = bin_dir / "lk"
    lk.write_text(f'#!/bin/sh\nexec {sys.executable} {ROOT / "tests" / "lk_stand_in.py"} "$@"\n')
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
                "MAIN_PW": ENV["MAIN_PW"],
                "VIP_PIN": PIN,
            },
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode == 0, stderr.decode()
        assert rules_of(target)["vip"].rule.dispatch_rule_direct.pin == PIN
    assert not list(out_dir.glob("tmp*"))


async def test_export_never_tracebacks_and_never_overwrites_what_it_did_not_write(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = write_file(tmp_path, DOCUMENT)
    assert (await run_cli(["--config", str(path), "sync"], settings_for(sim))).code == 0
    missing = await run_cli(
        ["export", "--output", str(tmp_path / "no-such-dir" / "x.yaml")], settings_for(sim)
    )
    assert missing.code == 1
    assert "directory" in missing.err and "does not exist" in missing.err
    _clean(missing)

    theirs = tmp_path / "notes.yaml"
    theirs.write_text("my own notes\n", encoding="utf-8")
    refused = await run_cli(["export", "--output", str(theirs)], settings_for(sim))
    assert refused.code == 1
    assert "was not written by export; refusing to overwrite it" in refused.err
    assert theirs.read_text() == "my own notes\n"
    mine = tmp_path / "export.yaml"
    for _ in range(2):  # the second run replaces the file the first one wrote
        again = await run_cli(["export", "--output", str(mine)], settings_for(sim))
        assert again.code == 0, again.err

    out_dir = tmp_path / "lk"
    out_dir.mkdir()
    (out_dir / "create.sh").write_text("#!/bin/sh\necho mine\n", encoding="utf-8")
    clash = await run_cli(
        ["export", "--format", "lk-json", "--out", str(out_dir)], settings_for(sim)
    )
    assert clash.code == 1
    assert "which an export did not write; refusing to overwrite" in clash.err
    assert (out_dir / "create.sh").read_text() == "#!/bin/sh\necho mine\n"

    # An object the file format cannot hold is named, not a traceback.
    by_name(sim.inbound_trunks)["main"].name = " main "
    unfit = await run_cli(["export"], settings_for(sim))
    assert unfit.code == 1
    assert "inbound_trunks[' main '].name" in unfit.err
    _clean(unfit)


async def test_an_internal_error_is_reported_masked(
    sim: LiveKitTwirpSim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError(f"bug while comparing {PIN} and {ENV['MAIN_PW']}")

    monkeypatch.setattr(diff, "make_plan", broken)
    path = write_file(tmp_path, DOCUMENT)
    result = await run_cli(["--config", str(path), "plan"], settings_for(sim))
    assert result.code == 1
    assert "internal error (RuntimeError); the traceback above is masked" in result.err
    assert "RuntimeError: bug while comparing **** and ****" in result.err
    assert PIN not in result.err and ENV["MAIN_PW"] not in result.err


async def test_a_url_password_is_never_printed(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        livekit=LiveKitSettings(
            url="http://admin:url-secret-77@127.0.0.1:9", api_key=KEY, api_secret=SECRET
        ),
    )
    result = await run_cli(["--config", str(write_file(tmp_path, DOCUMENT)), "plan"], settings)
    assert result.code == 2
    assert "http://****@127.0.0.1:9" in result.err
    _clean(result, secrets=("url-secret-77", "admin"))


JSON_KEYS = [
    "command",
    "status",
    "stack",
    "problems",
    "error",
    "plan",
    "applied",
    "failed",
    "not_applied",
]


async def test_sync_json_has_one_shape_whatever_happens(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = write_file(tmp_path, DOCUMENT)
    broken = write_file(tmp_path, {"inbound_trunks": [{"name": "x", "krisp": True}]}, "bad.yaml")
    seen: dict[str, Any] = {}

    async def sync(target: Path, settings: Settings | None = None) -> None:
        result = await run_cli(
            ["--config", str(target), "sync", "--json"], settings or settings_for(sim)
        )
        body = result.json()
        assert list(body) == JSON_KEYS, body
        seen[body["status"]] = body
        _clean(result)

    await sync(broken)
    await sync(path)
    await sync(path)
    unreachable = Settings(  # type: ignore[call-arg]
        _env_file=None,
        livekit=LiveKitSettings(url="http://127.0.0.1:9", api_key=KEY, api_secret=SECRET),
    )
    await sync(path, unreachable)
    changed = json.loads(json.dumps(DOCUMENT))
    changed["dispatch_rules"][0]["room_name"] = "vip-lounge"
    write_file(tmp_path, changed)
    offsets = await write_indices(tmp_path, changed, before=DOCUMENT)
    sim.faults = failing_from(sim.request_count + offsets[0])
    await sync(path)
    assert set(seen) == {"invalid", "ok", "no_changes", "error", "failed"}
    assert seen["failed"]["failed"]["landed"] == "unknown"


async def test_a_write_whose_answer_is_lost_says_what_is_known(
    sim: LiveKitTwirpSim, tmp_path: Path
) -> None:
    path = write_file(tmp_path, DOCUMENT)
    offsets = await write_indices(tmp_path, DOCUMENT)
    sim.faults = failing_from(sim.request_count + offsets[0])
    stopped = await run_cli(["--config", str(path), "sync"], settings_for(sim))
    assert stopped.code == 1
    assert (
        "whether it took effect is not known: reading it back failed too; run plan once the "
        "server answers"
    ) in stopped.out
    assert "may or may not have landed" not in stopped.out


def test_help_and_validate_do_not_load_the_livekit_client(tmp_path: Path) -> None:
    path = write_file(tmp_path, {**DOCUMENT, "inbound_trunks": [{**DOCUMENT["inbound_trunks"][0]}]})
    probe = (
        "import sys, io, contextlib\n"
        "from dispatch.cli import main\n"
        "argv = sys.argv[1:]\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(argv, env={'MAIN_PW': 'x'})\n"
        "heavy = ('livekit.agents', 'livekit.api', 'aiohttp')\n"
        "print(sorted({m.split('.')[0] + '.' + m.split('.')[1] if m.count('.') else m\n"
        "    for m in sys.modules if m.startswith(heavy)}))\n"
    )
    for argv in (["--help"], ["--config", str(path), "validate"]):
        completed = subprocess.run(
            [sys.executable, "-c", probe, *argv],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert completed.returncode == 0, completed.stderr
        assert completed.stdout.strip().splitlines()[-1] == "[]", (argv, completed.stdout)


def test_the_octal_reading_of_a_pin_is_masked_even_in_a_library_message() -> None:
    from dispatch.masking import Masker

    masker = Masker()
    masker.add_raw_file("dispatch_rules:\n  - pin: 01234\n")
    assert masker("input_value=668 and 01234 and 1234") == "input_value=**** and **** and ****"
    assert masker("line 1234567") == "line 1234567"  # only whole tokens


def test_log_records_are_masked_like_output() -> None:
    import logging

    from dispatch.masking import Masker, MaskingLogFilter

    masker = Masker()
    masker.add(["hunter2-main"])
    record = logging.makeLogRecord({"msg": "failed with hunter2-main", "error": "x hunter2-main"})
    assert MaskingLogFilter(masker).filter(record)
    assert (record.msg, record.error) == ("failed with ****", "x ****")
