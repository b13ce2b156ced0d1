"""Readiness means "registered with LiveKit": a worker that is not registered takes no
calls, however healthy its process is.

The framework's own health route (``GET /`` on ``worker.health_port``) answers 200 while
the worker retries a LiveKit it cannot reach or that refuses its key, and 503 only once
it has given up; it stays the liveness probe. `RegistrationWatch` says whether the worker
is registered *now*: from the framework's public ``worker_registered`` event (each
registration, reconnections included) and, for the loss of one, from the state of the
framework's connection task, which livekit-agents 1.8 exposes no public way to read.
That read is confined to `_connection_state`, here and nowhere else, and
``tests/test_worker_readiness.py`` pins it against a real `AgentServer` registering with
the agent-dispatch simulator: if a framework upgrade changes it, that test fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from livekit.agents import AgentServer

__all__ = ["RegistrationWatch", "readiness_app"]


@dataclass(frozen=True)
class ConnectionState:
    """The framework's view of its websocket to LiveKit."""

    connecting: bool
    """Between a connection attempt's start and its register response."""
    gave_up: bool
    """``worker.connect_attempts`` retries failed: ``run()`` is about to raise."""
    closed: bool
    """Not running (not started yet, or shut down)."""


def _connection_state(server: AgentServer) -> ConnectionState:
    # livekit/agents/worker.py (1.8.9), AgentServer._connection_task: `_connecting` is set
    # at the start of every attempt (the first, and each one after a lost connection) and
    # cleared once LiveKit answered the register request; `_connection_failed` is set when
    # the retries are exhausted; `_closed` is False only while run() runs. No public
    # attribute or event carries any of it.
    return ConnectionState(
        connecting=bool(server._connecting),
        gave_up=bool(server._connection_failed),
        closed=bool(server._closed),
    )


class RegistrationWatch:
    """Whether one `AgentServer` is registered with LiveKit right now.

    Args:
        server: the worker's server; subscribe before it runs.
    """

    def __init__(self, server: AgentServer) -> None:
        self._server = server
        self.worker_id: str | None = None
        """The id LiveKit gave the last registration."""
        server.on("worker_registered", self._on_registered)

    def _on_registered(self, worker_id: str, _server_info: Any) -> None:
        self.worker_id = worker_id

    @property
    def registered(self) -> bool:
        if self.worker_id is None:
            return False
        state = _connection_state(self._server)
        return not (state.connecting or state.gave_up or state.closed)

    @property
    def gave_up(self) -> bool:
        """The worker stopped retrying LiveKit: the process must exit non-zero."""
        return _connection_state(self._server).gave_up


_WATCH = web.AppKey("watch", RegistrationWatch)


async def _ready(request: web.Request) -> web.Response:
    watch = request.app[_WATCH]
    if watch.registered:
        return web.Response(text=f"registered {watch.worker_id}\n")
    if watch.gave_up:
        return web.Response(status=503, text="gave up connecting to LiveKit\n")
    return web.Response(status=503, text="not registered with LiveKit\n")


def readiness_app(watch: RegistrationWatch) -> web.Application:
    """``GET /ready``: 200 while registered, else 503 with the reason."""
    app = web.Application()
    app[_WATCH] = watch
    app.router.add_get("/ready", _ready)
    return app
