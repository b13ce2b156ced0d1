"""What every loopback simulator shares: an aiohttp server on a random loopback port,
a fault plan, and a record of what it received.

Each wire protocol lives in its own module (``deepgram_listen``, ``openai_chat``,
``elevenlabs_multistream``, ``livekit_twirp``) and subclasses :class:`LoopbackServer`.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .faults import Fault, FaultKind, FaultPlan
from .lifecycle import Lifecycle

__all__ = [
    "Fault",
    "FaultKind",
    "FaultPlan",
    "Handler",
    "LoopbackServer",
    "Received",
    "hold_until_client_leaves",
]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# How often a held connection checks whether the client has given up.
_HOLD_POLL_S = 0.05


async def hold_until_client_leaves(request: web.Request, *, half_open: bool = False) -> None:
    """Send nothing and keep the connection until the client closes it (or `stop`).

    ``half_open`` also stops reading the socket, so the kernel buffers fill and the
    client's writes go unacknowledged by the application, as with a vanished peer.
    """
    transport = request.transport
    if transport is None:
        return
    if half_open:
        transport.pause_reading()
    # aiohttp gives a handler no callback when its peer leaves; polling is the only way.
    while not transport.is_closing():  # noqa: ASYNC110 - no close event to wait on
        await asyncio.sleep(_HOLD_POLL_S)


@dataclass(frozen=True)
class Received:
    """One thing a simulator received: an HTTP body, a websocket message, a connection."""

    request: int
    kind: str
    path: str
    payload: Any
    at: float


class LoopbackServer(Lifecycle):
    """Base for the wire simulators: start/stop as an async context manager.

    Subclasses add routes in :meth:`_routes`. Requests are numbered per simulator
    (``next_request_index``) so a :class:`FaultPlan` can target one of them.
    """

    def __init__(self, *, faults: FaultPlan | None = None) -> None:
        self.faults = faults or FaultPlan()
        self.received: list[Received] = []
        self._counter = itertools.count()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._inflight: set[asyncio.Task[Any]] = set()

    def _routes(self, app: web.Application) -> None:
        raise NotImplementedError

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._port

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def tracked(self, handler: Handler) -> Handler:
        """Wrap a streaming handler so `stop` can cancel it.

        aiohttp's cleanup waits for every live handler: an open websocket or a stalled
        stream would otherwise hold a test's teardown for the whole stall.
        """

        async def run(request: web.Request) -> web.StreamResponse:
            task = asyncio.current_task()
            if task is not None:
                self._inflight.add(task)
            try:
                return await handler(request)
            finally:
                if task is not None:
                    self._inflight.discard(task)

        return run

    def next_request_index(self) -> int:
        return next(self._counter)

    def record(self, request: int, kind: str, path: str, payload: Any) -> None:
        self.received.append(
            Received(request, kind, path, payload, asyncio.get_running_loop().time())
        )

    async def start(self) -> None:
        app = web.Application()
        self._routes(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        # Port 0: the kernel picks a free port, so parallel tests never collide.
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        sockets = self._runner.addresses
        if not sockets:
            raise RuntimeError("aiohttp site started without a listening socket")
        self._port = int(sockets[0][1])

    async def stop(self) -> None:
        for task in list(self._inflight):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
