"""``python -m worker start|dev|console``: the LiveKit Agents CLI on our server."""

from livekit.agents import cli

from worker.server import server

if __name__ == "__main__":
    cli.run_app(server)
