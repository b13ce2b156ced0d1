"""``python -m worker start|dev|console``: the LiveKit Agents CLI on our server.

``python -m worker tokens|token``: the app callers' token endpoint, or one token.
"""

import sys

from config import (
    Settings,
    SettingsError,
    TenantsFileError,
    load_settings,
    load_tenant_directory,
    missing_credentials,
)
from config.credentials import Role

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
        from worker.tokens_cli import main as tokens_main

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

    from livekit.agents import cli

    from worker.prometheus_metrics import prepare_worker_process
    from worker.server import build_server

    prepare_worker_process(settings)
    cli.run_app(build_server(settings, tenants))


if __name__ == "__main__":
    main()
