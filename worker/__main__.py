"""``python -m worker start|dev|console``: the LiveKit Agents CLI on our server."""

import sys

from config import SettingsError

if __name__ == "__main__":
    try:
        from worker.server import server
    except SettingsError as error:
        # A bad setting stops the worker before it takes calls, naming the field.
        print(error, file=sys.stderr)
        sys.exit(2)

    from livekit.agents import cli

    from worker.prometheus_metrics import prepare_worker_process
    from worker.server import settings

    prepare_worker_process(settings)
    cli.run_app(server)
