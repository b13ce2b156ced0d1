"""``python -m worker start|dev|console``: the LiveKit Agents CLI on our server.

``python -m worker tokens|token``: the app callers' token endpoint, or one token.
"""

import sys

from config import SettingsError, missing_credentials
from config.credentials import Role

# What each of the framework's commands is about to do; others (help, download-files)
# need no credentials.
_ROLES: dict[str, Role] = {"start": "worker", "dev": "worker", "console": "console"}


def _refuse_missing_credentials(argv: list[str]) -> None:
    """Exit 2 naming every missing credential, before the framework registers anything."""
    from worker.server import settings

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


if __name__ == "__main__":
    if sys.argv[1:2] and sys.argv[1] in ("tokens", "token"):
        # Before the server import: the token endpoint loads no models and no agent.
        from worker.tokens_cli import main

        sys.exit(main(sys.argv[1:]))
    try:
        from worker.server import server
    except SettingsError as error:
        # A bad setting stops the worker before it takes calls, naming the field.
        print(error, file=sys.stderr)
        sys.exit(2)

    _refuse_missing_credentials(sys.argv[1:])

    from livekit.agents import cli

    from worker.prometheus_metrics import prepare_worker_process
    from worker.server import settings

    prepare_worker_process(settings)
    cli.run_app(server)
