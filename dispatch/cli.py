"""``python -m dispatch``: validate, plan, sync and export SIP trunks and dispatch rules.

Exit codes: 0 done (or nothing to do); 1 the server refused, a conflict blocks the plan,
a sync stopped part-way, or the stack's lease is held; 2 the file or the configuration
is invalid (and the server was not contacted). ``plan --detailed-exitcode`` answers as
Terraform's does: 0 no changes, 2 changes, 1 any error (an invalid file included).

Everything it writes, tracebacks included, passes through `dispatch.masking`. The
heavy imports (the LiveKit client, the settings) wait until a command needs them, so
``--help`` answers at once and ``validate`` never loads the LiveKit client.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dispatch.masking import MaskedStream, Masker

if TYPE_CHECKING:
    from config import Settings
    from dispatch.diff import Plan
    from dispatch.model import DispatchFile, FileProblem
    from dispatch.ownership import FileIdentity
    from dispatch.passwords import Secrets

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
            "--prune",
            action="store_true",
            help="delete this stack's objects no longer declared (needs `stack:` in the file)",
        )
        sub.add_argument(
            "--allow-empty",
            action="store_true",
            help="let --prune run with a file that declares nothing (deletes the whole stack)",
        )
        sub.add_argument(
            "--adopt",
            action="store_true",
            help="take over this stack's objects another file wrote, and claim the objects "
            "this file names that were marked before stacks existed",
        )
        sub.add_argument(
            "--adopt-stack",
            metavar="STACK",
            help="claim the objects of STACK that this file names (moving them to its stack)",
        )
        sub.add_argument("--json", action="store_true", help="machine-readable output")
        if name == "sync":
            sub.add_argument("--dry-run", action="store_true", help="plan only")
            sub.add_argument(
                "--lease-ttl",
                type=float,
                default=300.0,
                help="seconds the stack's lease lasts unless renewed (default 300)",
            )
            sub.add_argument(
                "--lease-wait",
                type=float,
                default=60.0,
                help="seconds to wait for another sync of the stack to finish (default 60)",
            )
            sub.add_argument(
                "--break-lease",
                action="store_true",
                help="remove the stack's lease first (only when the run holding it has died)",
            )
        else:
            sub.add_argument(
                "--detailed-exitcode",
                action="store_true",
                help="exit 0 with no changes, 2 with changes, 1 on any error",
            )
    export = commands.add_parser("export", help="write the server state as a dispatch file")
    export.add_argument("--format", choices=("yaml", "lk-json"), default="yaml")
    export.add_argument(
        "--output",
        type=Path,
        help="yaml: file to write (default: stdout); never overwrites a file export did not write",
    )
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


class _Refused(Exception):
    """The command cannot run as asked; nothing was sent to the server."""


class _Failed(Exception):
    """The command ran and failed (the server, the lease); exit 1."""


def _server_url(settings: Settings, masker: Masker) -> str:
    """The LiveKit URL, refused if it carries a user name or password (LiveKit takes
    the API key and secret; a password in a URL ends up in logs and error messages)."""
    from urllib.parse import urlsplit

    url = settings.livekit.http_url
    if urlsplit(url).username or urlsplit(url).password:
        raise _Refused(
            f"settings.livekit.url carries a user name or password ({masker(url)}); LiveKit "
            "authenticates with LIVEKIT_API_KEY and LIVEKIT_API_SECRET: remove them from the URL"
        )
    return url


def _credentials(settings: Settings) -> tuple[str, str]:
    key = settings.livekit.api_key
    secret = settings.livekit.api_secret
    missing = [
        name
        for name, value in (("LIVEKIT_API_KEY", key), ("LIVEKIT_API_SECRET", secret))
        if value is None or not value.get_secret_value()
    ]
    if missing or key is None or secret is None:
        raise _Refused(
            f"{' and '.join(missing)} not set (settings.livekit.api_key / api_secret; "
            "also read as CALLCENTER_LIVEKIT__API_KEY / CALLCENTER_LIVEKIT__API_SECRET)"
        )
    return key.get_secret_value(), secret.get_secret_value()


@dataclass
class _Loaded:
    file: DispatchFile
    path: Path
    secrets: Secrets


def _load_and_validate(
    args: argparse.Namespace,
    settings: Settings,
    env: Mapping[str, str],
    io: _Io,
    masker: Masker,
) -> _Loaded | list[FileProblem]:
    from config.yaml_source import Located
    from dispatch.model import InvalidFile, load_located, with_lines
    from dispatch.passwords import read_secrets
    from dispatch.validate import ValidationContext, validate

    path: Path = args.config or settings.dispatch.config_path
    with contextlib.suppress(OSError):
        # PINs written in the file are masked even if the file does not parse.
        masker.add_raw_file(path.read_text(encoding="utf-8", errors="replace")[:2_000_000])
    problems: list[FileProblem] = []
    unparsed: set[str] = set()
    located: Located | None = None
    file: DispatchFile | None
    try:
        file, located = load_located(path)
    except InvalidFile as invalid:
        problems, file, unparsed = list(invalid.problems), invalid.partial, invalid.broken_names
        located = invalid.located
    secrets = None
    if file is not None:
        secrets = read_secrets(file, env)
        masker.add(secrets.values())
        masker.add(r.pin for r in file.dispatch_rules if r.pin)
        ctx = ValidationContext(
            path=str(path),
            region=settings.telephony.default_region,
            agent_name=settings.livekit.agent_name,
            agent_noise_cancellation=args.agent_noise_cancellation,
            trunk_krisp_expected=settings.telephony.trunk_krisp,
            app_room_prefix=settings.tokens.room_prefix,
            unparsed_names=frozenset(unparsed),
        )
        result = validate(file, ctx, env)
        for warning in result.warnings:
            io.err.write(f"warning: {warning}\n")
        problems.extend(
            with_lines(result.problems, located) if located is not None else result.problems
        )
    if problems or file is None or secrets is None:
        return problems
    return _Loaded(file, path, secrets)


def _declares_nothing(file: DispatchFile) -> bool:
    return not (file.inbound_trunks or file.outbound_trunks or file.dispatch_rules)


def _report_invalid(
    args: argparse.Namespace, io: _Io, problems: list[FileProblem], command: str
) -> int:
    from dispatch import render

    if getattr(args, "json", False):
        io.json(render.envelope(command, "invalid", problems=problems))
    else:
        io.err.write(render.problems_text(problems))
    return EXIT_INVALID


class _Session:
    """One plan or sync: the connected client, the run's keyed hash, the file."""

    def __init__(
        self,
        args: argparse.Namespace,
        settings: Settings,
        loaded: _Loaded,
        identity: FileIdentity,
        io: _Io,
        masker: Masker,
    ) -> None:
        from dispatch.passwords import Fingerprints

        self.args = args
        self.settings = settings
        self.loaded = loaded
        self.identity = identity
        self.io = io
        self.masker = masker
        self.fingerprints = Fingerprints()
        self.lease_token = ""

    async def plan(self, lk: Any) -> Plan:
        from dispatch.diff import make_plan
        from dispatch.kinds import Declared
        from dispatch.lease import live_holders
        from dispatch.state import fetch_state

        state = await fetch_state(
            lk, call_timeout=self.args.timeout, fingerprints=self.fingerprints
        )
        # PINs the server holds are masked too (a server error may quote one).
        for rule in state.rules:
            kind = rule.rule.WhichOneof("rule")
            if kind is not None:
                self.masker.add([getattr(rule.rule, kind).pin])
        secrets = self.loaded.secrets
        declared = Declared(
            {k: self.fingerprints.of(v) or "" for k, v in secrets.passwords.items()},
            secrets.pins,
        )
        plan = make_plan(
            self.loaded.file,
            state,
            identity=self.identity,
            region=self.settings.telephony.default_region,
            secrets=declared,
            prune=self.args.prune,
            adopt=self.args.adopt,
            adopt_stack=self.args.adopt_stack,
        )
        for holder in live_holders(state.leases, self.identity.stack, self.lease_token):
            plan.notes.append(
                f"a sync of this stack is running ({holder}); this plan may be out of date "
                "when it finishes"
            )
        return plan

    def show(self, plan: Plan) -> int:
        from dispatch import render

        status = "conflicts" if plan.conflicts else "changes" if plan.changes else "no_changes"
        if self.args.json:
            self.io.json(render.envelope(self.args.command, status, plan=plan))
        else:
            self.io.out.write(render.plan_text(plan))
        if plan.conflicts:
            return EXIT_FAILED
        return _PLANNED_CHANGES if plan.changes else EXIT_OK

    async def run(self) -> int:
        from livekit import api

        from dispatch import lease as leases
        from dispatch import render
        from dispatch.apply import apply_plan

        key, secret = _credentials(self.settings)
        url = _server_url(self.settings, self.masker)
        applying = self.args.command == "sync" and not self.args.dry_run
        async with api.LiveKitAPI(url=url, api_key=key, api_secret=secret) as lk:
            plan = await self.plan(lk)
            if not applying or plan.conflicts or not plan.changes:
                return self.show(plan)
            try:
                held = await leases.acquire(
                    lk,
                    self.identity.stamp,
                    ttl=self.args.lease_ttl,
                    wait=self.args.lease_wait,
                    call_timeout=self.args.timeout,
                    on_wait=self.waiting,
                    break_existing=self.breaking if self.args.break_lease else None,
                )
            except leases.LeaseBusy as busy:
                raise _Failed(str(busy)) from None
            self.lease_token = held.token
            try:
                # Planned again under the lease: another sync may have just finished.
                plan = await self.plan(lk)
                if plan.conflicts or not plan.changes:
                    return self.show(plan)
                result = await apply_plan(
                    plan,
                    lk,
                    secrets=self.loaded.secrets,
                    fingerprints=self.fingerprints,
                    region=self.settings.telephony.default_region,
                    call_timeout=self.args.timeout,
                    before_write=held.renew_if_due,
                )
                lost = await self.check(held)
            finally:
                await self.release(held)
        if self.args.json:
            body = render.sync_json(plan, result)
            if lost:
                body["status"], body["error"] = "failed", lost
            self.io.json(body)
        else:
            self.io.out.write(render.sync_text(plan, result))
        if lost:
            self.io.err.write(f"error: {lost}\n")
            return EXIT_FAILED
        return EXIT_OK if result.ok else EXIT_FAILED

    def breaking(self, holder: str) -> None:
        self.io.err.write(f"warning: removing the lease held by {holder} (--break-lease)\n")

    def waiting(self, holder: str) -> None:
        self.io.err.write(
            f"waiting for another sync of stack {self.identity.stack!r} ({holder}) to finish...\n"
        )

    async def check(self, held: Any) -> str | None:
        """Whether the lease held to the end ("checked after"), as a message if not."""
        from dispatch.apply import describe_error
        from dispatch.lease import LeaseLost

        try:
            await held.check()
        except LeaseLost as error:
            return str(error)
        except Exception as error:  # any failure leaves the question open
            return (
                f"could not re-check the stack's lease after writing ({describe_error(error)}); "
                "run plan to see whether another sync wrote at the same time"
            )
        return None

    async def release(self, held: Any) -> None:
        from dispatch.apply import describe_error

        try:
            await held.release()
        except Exception as error:
            self.io.err.write(
                f"warning: releasing the lease failed ({describe_error(error)}); it expires "
                f"in {self.args.lease_ttl:.0f} s on its own\n"
            )


async def _plan_or_sync(
    args: argparse.Namespace,
    settings: Settings,
    env: Mapping[str, str],
    io: _Io,
    masker: Masker,
) -> int:
    from dispatch.ownership import identify, prune_refusal

    loaded = _load_and_validate(args, settings, env, io, masker)
    if isinstance(loaded, list):
        return _report_invalid(args, io, loaded, args.command)
    identity = identify(loaded.file, loaded.path)
    if args.prune:
        refusal = prune_refusal(identity)
        if refusal is not None:
            raise _Refused(refusal)
        if _declares_nothing(loaded.file) and not args.allow_empty:
            # An emptied (or truncated) file would otherwise delete the whole stack.
            raise _Refused(
                f"{loaded.path} declares no trunks or rules, so --prune would delete every "
                f"object of stack {identity.stack!r}; pass --allow-empty if that is what "
                "you want"
            )
    return await _Session(args, settings, loaded, identity, io, masker).run()


async def _export(
    args: argparse.Namespace,
    settings: Settings,
    env: Mapping[str, str],
    io: _Io,
    masker: Masker,
) -> int:
    from livekit import api

    from dispatch.export import ExportError, export_lk_json, export_yaml, write_yaml
    from dispatch.ownership import identify
    from dispatch.passwords import Fingerprints
    from dispatch.state import fetch_state

    if args.format == "lk-json" and args.out is None:
        raise _Refused("--format lk-json writes one file per object: pass --out DIR")
    if args.config is not None:
        # A file named on the command line says which stack to export; it must be one
        # the tool would accept, like for every other command.
        loaded = _load_and_validate(args, settings, env, io, masker)
        if isinstance(loaded, list):
            return _report_invalid(args, io, loaded, "export")
        if args.stack is None:
            args.stack = identify(loaded.file, loaded.path).stack
    key, secret = _credentials(settings)
    url = _server_url(settings, masker)
    async with api.LiveKitAPI(url=url, api_key=key, api_secret=secret) as lk:
        state = await fetch_state(lk, call_timeout=args.timeout, fingerprints=Fingerprints())
    try:
        if args.format == "lk-json":
            written = export_lk_json(
                state, args.out, include_unmanaged=args.include_unmanaged, stack=args.stack
            )
            io.out.write(written.summary())
            return EXIT_OK
        text = export_yaml(
            state,
            region=settings.telephony.default_region,
            include_unmanaged=args.include_unmanaged,
            stack=args.stack,
        )
        if args.output is not None:
            write_yaml(text, args.output)
        else:
            io.out.write(text)
    except ExportError as error:
        raise _Failed(str(error)) from None
    return EXIT_OK


async def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    configure_logs: bool = False,
) -> int:
    """The CLI as a coroutine; see `main`."""
    args = build_parser().parse_args(list(argv))
    masker = Masker()
    io = _Io(
        MaskedStream(stdout or sys.stdout, masker),  # type: ignore[arg-type]
        MaskedStream(stderr or sys.stderr, masker),  # type: ignore[arg-type]
    )
    from config import SettingsError, load_settings, secret_variables

    try:
        settings = settings or load_settings()
    except SettingsError as error:
        io.err.write(f"error: {error}\n")
        return EXIT_FAILED if getattr(args, "detailed_exitcode", False) else EXIT_INVALID
    if configure_logs and args.command != "validate":
        # Only the commands that talk to the server log; `validate` stays fast.
        from config.log_setup import configure_logging

        # Logs go to stderr, so stdout stays the plan (or its JSON) alone; in the format
        # the settings ask for (JSON in a pod, like every other process).
        configure_logging(level="WARNING", fmt=settings.observability.log_format, own_handler=True)
        import logging

        from dispatch.masking import MaskingLogFilter

        for handler in logging.getLogger().handlers:
            handler.addFilter(MaskingLogFilter(masker))
    code = await _dispatch(
        args, settings, env if env is not None else secret_variables(), io, masker
    )
    if getattr(args, "detailed_exitcode", False):
        return {_PLANNED_CHANGES: EXIT_CHANGES, EXIT_INVALID: EXIT_FAILED}.get(code, code)
    return EXIT_OK if code == _PLANNED_CHANGES else code


def _error(args: argparse.Namespace, io: _Io, message: str) -> None:
    from dispatch import render

    if getattr(args, "json", False):
        io.json(render.envelope(args.command, "error", error=message))
    else:
        io.err.write(f"error: {message}\n")


async def _dispatch(
    args: argparse.Namespace,
    settings: Settings,
    env: Mapping[str, str],
    io: _Io,
    masker: Masker,
) -> int:
    try:
        if args.command == "validate":
            loaded = _load_and_validate(args, settings, env, io, masker)
            if isinstance(loaded, list):
                return _report_invalid(args, io, loaded, "validate")
            io.out.write(f"{loaded.path}: valid\n")
            return EXIT_OK
        return await _talk_to_server(args, settings, env, io, masker)
    except _Refused as error:
        _error(args, io, str(error))
        return EXIT_INVALID
    except _Failed as error:
        _error(args, io, str(error))
        return EXIT_FAILED
    except Exception as error:  # last resort: a masked report, not a raw traceback
        io.err.write(masker.traceback(error))
        _error(args, io, f"internal error ({type(error).__name__}); the traceback above is masked")
        return EXIT_FAILED


async def _talk_to_server(
    args: argparse.Namespace,
    settings: Settings,
    env: Mapping[str, str],
    io: _Io,
    masker: Masker,
) -> int:
    # Only here: `validate` never loads the LiveKit client.
    import aiohttp
    from google.protobuf.message import DecodeError
    from livekit import api

    from dispatch.apply import describe_error
    from dispatch.state import ListFailed

    try:
        if args.command == "export":
            return await _export(args, settings, env, io, masker)
        return await _plan_or_sync(args, settings, env, io, masker)
    except (api.TwirpError, aiohttp.ClientError, TimeoutError, DecodeError, ListFailed) as error:
        raise _Failed(
            f"the server did not answer as expected ({describe_error(error)}); "
            "no trunk or rule was written"
        ) from None


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    configure_logs: bool = False,
) -> int:
    """Run one command and return its exit code.

    Args:
        argv: the arguments after the program name (default: ``sys.argv[1:]``).
        env: where ``auth_password_env``/``pin_env`` variables are looked up (default:
            the process environment, through `config.secret_variables`; a dict in tests).
        settings: the settings to use (default: `load_settings()`).
        stdout: where plans and exports go.
        stderr: where problems and errors go.
        configure_logs: set up logging to stderr (``__main__`` does).
    """
    arguments = sys.argv[1:] if argv is None else argv
    return asyncio.run(
        run(
            arguments,
            env=env,
            settings=settings,
            stdout=stdout,
            stderr=stderr,
            configure_logs=configure_logs,
        )
    )
