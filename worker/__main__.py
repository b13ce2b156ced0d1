"""``python -m worker start|dev|console``: the LiveKit Agents CLI on our server.

``python -m worker tokens|token``: the app callers' token endpoint, or one token.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from config import (
    Settings,
    SettingsError,
    TenantsFileError,
    load_settings,
    load_tenant_directory,
    missing_credentials,
)
from config.credentials import Role
from config.metrics_env import prepare_worker_process

if TYPE_CHECKING:
    from livekit.agents import AgentServer

    from worker.telemetry.ops_http import OpsServers

# What each of the framework's commands is about to do; others (help, download-files)
# need no credentials.
_ROLES: dict[str, Role] = {"start": "worker", "dev": "worker", "console": "console"}


def _refuse_missing_credentials(settings: Settings, argv: list[str]) -> None:
    """Exit 2 naming every missing credential, before the framework registers anything."""
    role = _ROLES.get(argv[0]) if argv else None
    if role is None:
        return
    # The framework's CLI takes the LiveKit key and secret as flags too.
    given = {flag for flag in ("--api-key", "--api-secret") if flag in argv}
    missing = [
        item
        for item in missing_credentials(settings, role)
        if not (
            ("--api-key" in given and "LIVEKIT_API_KEY" in item)
            or ("--api-secret" in given and "LIVEKIT_API_SECRET" in item)
        )
    ]
    if missing:
        print(f"python -m worker {argv[0]}: missing credentials:", file=sys.stderr)
        for item in missing:
            print(f"  {item}", file=sys.stderr)
        sys.exit(2)


def main() -> None:
    if sys.argv[1:2] and sys.argv[1] in ("tokens", "token"):
        # The token endpoint loads no models and no agent.
        from worker.tokens.cli import main as tokens_main

        sys.exit(tokens_main(sys.argv[1:]))
    try:
        settings = load_settings()
        tenants = load_tenant_directory(settings)
    except (SettingsError, TenantsFileError) as error:
        # A bad setting or tenants file stops the worker before it takes calls, naming
        # the file and field.
        print(error, file=sys.stderr)
        sys.exit(2)
    _refuse_missing_credentials(settings, sys.argv[1:])
    # Before anything imports livekit-agents, which imports prometheus-client.
    prepare_worker_process(settings)

    from config.log_setup import configure_logging
    from worker.server import build_server
    from worker.telemetry.ops_http import BindError, OpsServers

    # The framework's CLI installs the handler; this routes our lines into it.
    configure_logging(level=settings.observability.log_level)
    server = build_server(settings, tenants)
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    ops: OpsServers | None = None
    if command in ("start", "dev"):
        try:
            ops = OpsServers(server, settings, dev=command == "dev")
        except BindError as error:
            print(error, file=sys.stderr)
            sys.exit(2)
    sys.exit(_run_cli(server, ops))


def _run_cli(server: AgentServer, ops: OpsServers | None) -> int | str | None:
    """The framework's CLI; non-zero when the worker gave up connecting to LiveKit
    (the CLI logs "worker failed" and exits 0 there, and a supervisor would think the
    worker had been asked to stop)."""
    from livekit.agents import cli

    try:
        cli.run_app(server)
        code: int | str | None = 0
    except SystemExit as done:
        code = done.code
    if ops is not None and ops.watch.gave_up and not code:
        print(
            "python -m worker: gave up connecting to LiveKit "
            "(worker.connect_attempts, CALLCENTER_WORKER__CONNECT_ATTEMPTS)",
            file=sys.stderr,
        )
        return 1
    return code


if __name__ == "__main__":
    main()
