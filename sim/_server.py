"""What every loopback simulator shares: an aiohttp server on a random loopback port,
a fault plan, and a record of what it received.

Each wire protocol lives in its own module (``deepgram_listen``, ``openai_chat``,
``elevenlabs_multistream``, ``livekit_twirp``) and subclasses :class:`LoopbackServer`.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import web

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

FaultKind = Literal[
    "disconnect", "http_error", "stall", "malformed", "slow_start", "hang", "half_open"
]
# How often a held connection checks whether the client has given up.
_HOLD_POLL_S = 0.05


@dataclass(frozen=True)
class Fault:
    """One injected failure.

    Real outages rarely fail fast: a provider that is down often accepts the connection
    and then says nothing, so the client learns of it only when its own timeout fires.
    ``hang`` and ``half_open`` model that; ``http_error`` with ``seconds`` models a
    refusal that comes late (a gateway's 503 after its own upstream timeout).

    Args:
        kind: ``disconnect`` drops the connection after ``after_messages`` server
            messages; ``http_error`` answers the request with ``status`` (429, 500...)
            before any streaming, after ``seconds``; ``stall`` stops sending for
            ``seconds`` after ``after_messages`` messages; ``malformed`` sends one
            unparsable message after ``after_messages`` messages; ``slow_start`` delays
            the first byte by ``seconds``; ``hang`` sends nothing more after
            ``after_messages`` messages (0: not even a status line or handshake answer)
            and keeps the connection open until the client gives up, still reading what
            it sends; ``half_open`` does the same but also stops reading, like a peer
            that vanished without a FIN: the client's writes pile up unanswered.
        request: 0-based index of the request or websocket connection this fault hits
            (counted per simulator); ``None`` hits every request.
        after_messages: how many server messages go out normally before the fault.
        status: HTTP status for ``http_error``.
        seconds: duration for ``stall`` and ``slow_start``.
    """

    kind: FaultKind
    request: int | None = 0
    after_messages: int = 0
    status: int = 500
    seconds: float = 0.0


@dataclass
class FaultPlan:
    """Faults a simulator injects, looked up by request index."""

    faults: list[Fault] = field(default_factory=list)

    def for_request(self, index: int) -> list[Fault]:
        return [f for f in self.faults if f.request is None or f.request == index]

    def first(self, index: int, kind: FaultKind) -> Fault | None:
        return next((f for f in self.for_request(index) if f.kind == kind), None)

    @classmethod
    def transient(cls, failures: int, *, status: int = 503, first: int = 0) -> FaultPlan:
        """``failures`` requests in a row (from request ``first``) refused with ``status``,
        then service as usual: what a retry policy is tested against."""
        return cls([Fault("http_error", request=first + i, status=status) for i in range(failures)])

    @classmethod
    def parse(cls, raw: list[dict[str, Any]] | None) -> FaultPlan:
        """Build a plan from scenario YAML (a list of mappings of :class:`Fault` fields)."""
        return cls([Fault(**item) for item in raw or []])


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


class LoopbackServer:
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

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
