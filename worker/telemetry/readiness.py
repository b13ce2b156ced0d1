"""Readiness means "registered with LiveKit": a worker that is not registered takes no
calls, however healthy its process is.

The framework's own health route (``GET /`` on ``worker.health_port``) answers 200 while
the worker retries a LiveKit it cannot reach or that refuses its key, and 503 only once
it has given up; it stays the liveness probe. `RegistrationWatch` says whether the worker
is registered *now*: from the framework's public ``worker_registered`` event (each
registration, reconnections included) and, for the loss of one, from the state of the
framework's connection task, which livekit-agents 1.8 exposes no public way to read
(`worker.framework.connection_state`; its shape is pinned in
``tests/test_framework_contract.py``, its meaning in ``tests/test_worker_readiness.py``
against a real `AgentServer` registering with the agent-dispatch simulator).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from livekit.agents import AgentServer

from worker.framework import connection_state

__all__ = ["RegistrationWatch", "readiness_app"]


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
        state = connection_state(self._server)
        return not (state.connecting or state.gave_up or state.closed)

    @property
    def gave_up(self) -> bool:
        """The worker stopped retrying LiveKit: the process must exit non-zero."""
        return connection_state(self._server).gave_up


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
