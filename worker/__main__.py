"""``python -m worker start|dev|console``: the LiveKit Agents CLI on our server.

``python -m worker tokens|token``: the app callers' token endpoint, or one token.
"""

import sys

from config import SettingsError

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

    from livekit.agents import cli

    cli.run_app(server)
