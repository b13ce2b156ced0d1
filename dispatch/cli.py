"""``python -m dispatch``: validate, plan, sync and export SIP trunks and dispatch rules.

Exit codes: 0 done (or nothing to do); 1 the server refused, a conflict blocks the plan,
or a sync stopped part-way; 2 the file or the configuration is invalid (and the server
was not contacted). ``plan --detailed-exitcode`` answers as Terraform's does: 0 no
changes, 2 changes, 1 any error (an invalid file included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import aiohttp
from google.protobuf.message import DecodeError
from livekit import api

from config import Settings, SettingsError, load_settings
from config.yaml_source import Located
from dispatch import render
from dispatch.apply import SyncResult, apply_plan, describe_error
from dispatch.diff import make_plan
from dispatch.export import ExportError, export_lk_json, export_yaml
from dispatch.model import (
    DispatchFile,
    FileProblem,
    InvalidFile,
    default_stack,
    load_located,
    with_lines,
)
from dispatch.passwords import fingerprint, read_passwords
from dispatch.state import fetch_state
from dispatch.validate import ValidationContext, validate

__all__ = ["build_parser", "main", "run"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_CHANGES = 2
"""``plan --detailed-exitcode`` only: the plan has changes."""
_PLANNED_CHANGES = -1
"""Internal: a plan with changes, before the exit code convention is chosen."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dispatch",
        description="SIP trunks and dispatch rules as code: one YAML file, synced to LiveKit.",
    )
    parser.add_argument(
        "--config", type=Path, help="dispatch file (default: settings.dispatch.config_path)"
    )
    parser.add_argument(
        "--agent-noise-cancellation",
        action="store_true",
        help="the agent applies its own noise cancellation (refuses trunks with Krisp)",
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds allowed per API call (default 10)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check the file; no server contact")
    for name, text in (("plan", "show what sync would change"), ("sync", "apply the file")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument(
            "--prune", action="store_true", help="delete this stack's objects no longer declared"
        )
        sub.add_argument(
            "--allow-empty",
            action="store_true",
            help="let --prune run with a file that declares nothing (deletes the whole stack)",
        )
        sub.add_argument(
            "--adopt",
            action="store_true",
            help="claim the objects this file names that were marked before stacks existed",
        )
        sub.add_argument("--json", action="store_true", help="machine-readable output")
        if name == "sync":
            sub.add_argument("--dry-run", action="store_true", help="plan only")
        else:
            sub.add_argument(
                "--detailed-exitcode",
                action="store_true",
                help="exit 0 with no changes, 2 with changes, 1 on any error",
            )
    export = commands.add_parser("export", help="write the server state as a dispatch file")
    export.add_argument("--format", choices=("yaml", "lk-json"), default="yaml")
    export.add_argument("--output", type=Path, help="yaml: file to write (default: stdout)")
    export.add_argument(
        "--out", type=Path, help="lk-json: directory to write one request file per object into"
    )
    export.add_argument("--stack", help="only this stack's objects")
    export.add_argument(
        "--include-unmanaged",
        action="store_true",
        help="also export objects this tool does not manage",
    )
    return parser


@dataclass(frozen=True)
class _Io:
    out: TextIO
    err: TextIO

    def json(self, body: Mapping[str, Any]) -> None:
        self.out.write(json.dumps(body, indent=2, sort_keys=False) + "\n")


class _ConfigError(Exception):
    pass


def _credentials(settings: Settings) -> tuple[str, str]:
    key = settings.livekit.api_key
    secret = settings.livekit.api_secret
    missing = [
        name
        for name, value in (("LIVEKIT_API_KEY", key), ("LIVEKIT_API_SECRET", secret))
        if value is None or not value.get_secret_value()
    ]
    if missing or key is None or secret is None:
        raise _ConfigError(
            f"{' and '.join(missing)} not set (settings.livekit.api_key / api_secret; "
            "also read as CALLCENTER_LIVEKIT__API_KEY / CALLCENTER_LIVEKIT__API_SECRET)"
        )
    return key.get_secret_value(), secret.get_secret_value()


def _load_and_validate(
    args: argparse.Namespace, settings: Settings, env: Mapping[str, str], io: _Io
) -> DispatchFile | None:
    path: Path = args.config or settings.dispatch.config_path
    problems: list[FileProblem] = []
    unparsed: set[str] = set()
    located: Located | None = None
    try:
        file: DispatchFile | None
        file, located = load_located(path)
    except InvalidFile as invalid:
        problems, file, unparsed = list(invalid.problems), invalid.partial, invalid.broken_names
        located = invalid.located
    if file is not None:
        ctx = ValidationContext(
            path=str(path),
            region=settings.telephony.default_region,
            agent_name=settings.livekit.agent_name,
            agent_noise_cancellation=args.agent_noise_cancellation,
            trunk_krisp_expected=settings.telephony.trunk_krisp,
            unparsed_names=frozenset(unparsed),
        )
        result = validate(file, ctx, env)
        for warning in result.warnings:
            io.err.write(f"warning: {warning}\n")
        problems.extend(
            with_lines(result.problems, located) if located is not None else result.problems
        )
    if not problems:
        return file
    if getattr(args, "json", False):
        io.json({"status": "invalid", "problems": [p.model_dump() for p in problems]})
    else:
        io.err.write(render.problems_text(problems))
    return None


def _declares_nothing(file: DispatchFile) -> bool:
    return not (file.inbound_trunks or file.outbound_trunks or file.dispatch_rules)


async def _plan_or_sync(
    args: argparse.Namespace, settings: Settings, env: Mapping[str, str], io: _Io
) -> int:
    file = _load_and_validate(args, settings, env, io)
    if file is None:
        return EXIT_INVALID
    path: Path = args.config or settings.dispatch.config_path
    stack = file.stack or default_stack(str(path))
    if args.prune and _declares_nothing(file) and not args.allow_empty:
        # An emptied (or truncated) file would otherwise delete the whole stack.
        raise _ConfigError(
            f"{path} declares no trunks or rules, so --prune would delete every object of "
            f"stack {stack!r}; pass --allow-empty if that is what you want"
        )
    key, secret = _credentials(settings)
    passwords, _ = read_passwords(file, env)
    hashes = {k: fingerprint(secret, k[0], k[1], v) for k, v in passwords.items()}
    apply = args.command == "sync" and not args.dry_run
    async with api.LiveKitAPI(url=settings.livekit.http_url, api_key=key, api_secret=secret) as lk:
        state = await fetch_state(lk, call_timeout=args.timeout)
        plan = make_plan(
            file,
            state,
            stack=stack,
            region=settings.telephony.default_region,
            password_hashes=hashes,
            prune=args.prune,
            adopt=args.adopt,
        )
        if not apply or plan.conflicts or not plan.changes:
            if args.json:
                io.json(render.plan_json(plan))
            else:
                io.out.write(render.plan_text(plan))
            if plan.conflicts:
                return EXIT_FAILED
            return _PLANNED_CHANGES if plan.changes else EXIT_OK
        result: SyncResult = await apply_plan(
            plan, lk, passwords=passwords, call_timeout=args.timeout
        )
    if args.json:
        io.json(render.sync_json(plan, result))
    else:
        io.out.write(render.sync_text(plan, result))
    return EXIT_OK if result.ok else EXIT_FAILED


async def _export(args: argparse.Namespace, settings: Settings, io: _Io) -> int:
    if args.format == "lk-json" and args.out is None:
        raise _ConfigError("--format lk-json writes one file per object: pass --out DIR")
    key, secret = _credentials(settings)
    async with api.LiveKitAPI(url=settings.livekit.http_url, api_key=key, api_secret=secret) as lk:
        state = await fetch_state(lk, call_timeout=args.timeout)
    if args.format == "lk-json":
        written = export_lk_json(
            state, args.out, include_unmanaged=args.include_unmanaged, stack=args.stack
        )
        io.out.write(written.summary())
        return EXIT_OK
    try:
        text = export_yaml(
            state,
            region=settings.telephony.default_region,
            include_unmanaged=args.include_unmanaged,
            stack=args.stack,
        )
    except ExportError as error:
        raise _ConfigError(str(error)) from None
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        io.out.write(text)
    return EXIT_OK


async def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    settings: Settings | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """The CLI as a coroutine; see `main`."""
    io = _Io(stdout or sys.stdout, stderr or sys.stderr)
    args = build_parser().parse_args(list(argv))
    try:
        settings = settings or load_settings()
    except SettingsError as error:
        io.err.write(f"error: {error}\n")
        return EXIT_FAILED if getattr(args, "detailed_exitcode", False) else EXIT_INVALID
    code = await _dispatch(args, settings, env, io)
    if getattr(args, "detailed_exitcode", False):
        return {_PLANNED_CHANGES: EXIT_CHANGES, EXIT_INVALID: EXIT_FAILED}.get(code, code)
    return EXIT_OK if code == _PLANNED_CHANGES else code


async def _dispatch(
    args: argparse.Namespace, settings: Settings, env: Mapping[str, str], io: _Io
) -> int:
    try:
        if args.command == "validate":
            file = _load_and_validate(args, settings, env, io)
            if file is not None:
                path = args.config or settings.dispatch.config_path
                io.out.write(f"{path}: valid\n")
            return EXIT_OK if file is not None else EXIT_INVALID
        if args.command == "export":
            return await _export(args, settings, io)
        return await _plan_or_sync(args, settings, env, io)
    except _ConfigError as error:
        io.err.write(f"error: {error}\n")
        return EXIT_INVALID
    except (api.TwirpError, aiohttp.ClientError, TimeoutError, DecodeError) as error:
        io.err.write(f"error: reading the server state failed: {describe_error(error)}\n")
        return EXIT_FAILED


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str],
    settings: Settings | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one command and return its exit code.

    Args:
        argv: the arguments after the program name (default: ``sys.argv[1:]``).
        env: where ``auth_password_env`` variables are looked up (``os.environ`` from
            ``__main__``; a dict in tests).
        settings: the settings to use (default: `load_settings()`).
        stdout: where plans and exports go.
        stderr: where problems and errors go.
    """
    arguments = sys.argv[1:] if argv is None else argv
    return asyncio.run(run(arguments, env=env, settings=settings, stdout=stdout, stderr=stderr))
