"""Serving the token endpoint so slow or numerous clients cannot exhaust it.

aiohttp's server has no deadline for a request's headers: a client that opens a
connection and sends a byte now and then holds it (its keep-alive default is an hour),
and about a thousand such connections use up a process's file descriptors. So the
listening socket is ours, and aiohttp's protocol factory (``web.Server``, which aiohttp
documents as the thing to pass to ``loop.create_server``) is wrapped by
`ConnectionGuard`:

* at most ``tokens.max_connections`` connections at once, and at most
  ``tokens.max_connections_per_client`` from one peer address (not behind trusted
  proxies, where the peer is the proxy); more are answered ``503`` and closed at once.
  Closing a socket with unread request bytes makes the kernel reset it, and the client
  may never read the 503; so a refused connection stays open for up to a second to
  drain what the client sent, but only `_MAX_LINGERING` of them at a time (beyond that,
  a flood gets resets: file descriptors matter more than courtesy);
* a connection's request line and headers must arrive within ``tokens.header_timeout_s``
  of it opening, or it is answered ``408`` and closed; a first line that is not an
  HTTP/1.x request line is answered ``400`` at once (aiohttp would wait for more);
* the body has its own deadline (``tokens.body_timeout_s``, in `worker.tokens.http_app`);
  between requests on a kept-alive connection aiohttp's own keep-alive timeout (set to
  the header deadline) bounds the wait for the next request's headers; and no connection
  lives longer than ``tokens.connection_max_s``, so a client that never reads its
  answers cannot keep one (nor the buffers behind it).

Both refusals are counted in ``callcenter_token_requests_total`` with their status.

A request that is not HTTP, or breaks its rules, is answered 400 by aiohttp's parser,
with the parser's message as the body, and logged at ERROR with a traceback; both quote
the offending bytes, an ``Authorization`` header (the secret) among them. The handler
here answers with the status alone (431 for a header too long, 414 for a request line
too long), and those log records become one WARNING line naming the error class
(`_QuietParserErrors`). Request bodies are never decompressed (``auto_decompress`` off):
a gzip bomb is just bytes that are not JSON.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import cast

import structlog
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError, LineTooLong

from config import Settings, TenantDirectory
from worker.tokens.http_app import build_token_app, token_metrics
from worker.tokens.metrics import TokenMetrics

__all__ = ["ConnectionGuard", "ConnectionLimits", "serve_tokens"]

log = structlog.get_logger(__name__)

_REQUEST_LINE = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP/1\.[01]\r?$")
_BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
    b"Connection: close\r\n\r\n"
)
_TOO_SLOW = b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
_END_OF_HEAD = (b"\r\n\r\n", b"\n\n")
_MAX_LINE = 8192
_LINGER_S = 1.0
_MAX_LINGERING = 256


class _QuietParserErrors(logging.Filter):
    """aiohttp's records about requests it could not parse: no traceback, no quoted
    bytes, WARNING; anything else it logs is left as it is (that would be a bug)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            record.msg = "token_request_unparsable"
            record.args = ()
            record.error = type(error).__name__
            record.status = error.code
            record.exc_info = None
            record.exc_text = None
            record.levelno = logging.WARNING
            record.levelname = "WARNING"
        return True


_HTTP_LOG = logging.getLogger("worker.tokens.server.http")
_HTTP_LOG.addFilter(_QuietParserErrors())


@dataclass(frozen=True)
class ConnectionLimits:
    """The bounds a `ConnectionGuard` keeps.

    Args:
        max_connections: open connections at once.
        max_per_client: open connections from one peer address; None: no such limit.
        header_timeout_s: time from a connection opening to the end of its headers.
        connection_max_s: the longest any connection stays open.
    """

    max_connections: int
    max_per_client: int | None
    header_timeout_s: float
    connection_max_s: float


class _QuietRequestHandler(web.RequestHandler):
    """aiohttp's connection handler, answering what it cannot parse without quoting it."""

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if isinstance(exc, LineTooLong):
            # "Status line is too long" is the request line; anything else a header.
            status = 414 if "Status line" in str(exc) else 431
        return super().handle_error(request, status, exc, HTTPStatus(status).phrase)


class ConnectionGuard:
    """A protocol factory for ``loop.create_server`` around aiohttp's.

    Args:
        inner: aiohttp's protocol factory (``AppRunner.server``).
        limits: what to bound.
        metrics: where refusals are counted.
    """

    def __init__(
        self,
        inner: Callable[[], asyncio.Protocol],
        limits: ConnectionLimits,
        metrics: TokenMetrics,
    ) -> None:
        self._inner = inner
        self.limits = limits
        self.metrics = metrics
        self.open = 0
        self.by_peer: Counter[str] = Counter()
        self.lingering = 0

    def __call__(self) -> asyncio.Protocol:
        return _GuardedConnection(self, self._inner())

    def admit(self, peer: str) -> bool:
        limits = self.limits
        if self.open >= limits.max_connections or (
            limits.max_per_client is not None and self.by_peer[peer] >= limits.max_per_client
        ):
            return False
        self.open += 1
        self.by_peer[peer] += 1
        self.metrics.open_connections.set(self.open)
        return True

    def release(self, peer: str) -> None:
        self.open -= 1
        self.by_peer[peer] -= 1
        if self.by_peer[peer] <= 0:
            del self.by_peer[peer]
        self.metrics.open_connections.set(self.open)


class _GuardedConnection(asyncio.Protocol):
    """One connection: aiohttp's protocol inside, the guard's bounds around it."""

    def __init__(self, guard: ConnectionGuard, inner: asyncio.Protocol) -> None:
        self._guard = guard
        self._inner = inner
        self._transport: asyncio.Transport | None = None
        self._peer = ""
        self._admitted = False
        self._deadline: asyncio.TimerHandle | None = None
        self._lifetime: asyncio.TimerHandle | None = None
        self._line: bytes | None = b""
        self._tail = b""
        self._lingering = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A TCP server's transports are full Transports (write, close, is_closing).
        transport = cast(asyncio.Transport, transport)
        self._transport = transport
        peername = transport.get_extra_info("peername")
        self._peer = str(peername[0]) if isinstance(peername, tuple) and peername else "?"
        if not self._guard.admit(self._peer):
            self._refuse(transport)
            return
        self._admitted = True
        loop = asyncio.get_running_loop()
        limits = self._guard.limits
        self._deadline = loop.call_later(limits.header_timeout_s, self._too_slow)
        # abort(), not close(): a client that never reads would hold close() forever.
        self._lifetime = loop.call_later(limits.connection_max_s, transport.abort)
        self._inner.connection_made(transport)

    def _refuse(self, transport: asyncio.Transport) -> None:
        guard = self._guard
        guard.metrics.answered(503)
        transport.write(_BUSY)
        if guard.lingering >= _MAX_LINGERING or not transport.can_write_eof():
            transport.close()
            return
        # Half-close and drain, so the client reads the 503 rather than a reset.
        guard.lingering += 1
        self._lingering = True
        transport.write_eof()
        self._deadline = asyncio.get_running_loop().call_later(_LINGER_S, transport.close)

    def _too_slow(self) -> None:
        self._deadline = None
        if self._transport is not None and not self._transport.is_closing():
            self._guard.metrics.answered(408)
            self._transport.write(_TOO_SLOW)
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        if not self._admitted:
            return
        if self._deadline is not None and not self._first_head(data):
            return
        self._inner.data_received(data)

    def _first_head(self, data: bytes) -> bool:
        """Watch the first request's head go by; False when the connection was refused.

        Its first line is checked once complete; after that only the end of the head
        matters, so only the few bytes that could start it are kept.
        """
        if self._line is not None:
            self._line += data
            newline = self._line.find(b"\n")
            if newline >= 0:
                line, self._line = self._line[:newline], None
                if not _REQUEST_LINE.match(line):
                    self._refuse_request_line()
                    return False
            elif len(self._line) > _MAX_LINE:
                self._line = None  # aiohttp answers a line that long itself (414)
        window = self._tail + data
        if any(end in window for end in _END_OF_HEAD):
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None
        else:
            self._tail = window[-3:]
        return True

    def _refuse_request_line(self) -> None:
        self._guard.metrics.answered(400)
        if self._transport is not None:
            self._transport.write(_BAD_REQUEST)
            self._transport.close()

    def eof_received(self) -> bool | None:
        if not self._admitted:
            return None  # a refused connection: the client is done, close it
        return self._inner.eof_received()

    def pause_writing(self) -> None:
        if self._admitted:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._admitted:
            self._inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._deadline, self._lifetime):
            if timer is not None:
                timer.cancel()
        self._deadline = self._lifetime = None
        if self._lingering:
            self._lingering = False
            self._guard.lingering -= 1
        if self._admitted:
            self._admitted = False
            self._guard.release(self._peer)
            self._inner.connection_lost(exc)


async def _serve(settings: Settings, tenants: TenantDirectory | None) -> None:
    app = build_token_app(settings, tenants=tenants)
    tokens = settings.tokens
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    manager = runner.server
    if manager is None:
        raise RuntimeError("aiohttp's runner has no server after setup")
    loop = asyncio.get_running_loop()

    def handler() -> asyncio.Protocol:
        return _QuietRequestHandler(
            manager,
            loop=loop,
            # aiohttp's own "no access log" value (what AppRunner(access_log=None) passes);
            # its annotation says Logger.
            access_log=cast(logging.Logger, None),
            logger=_HTTP_LOG,
            # The wait for a kept-alive connection's next request, the header deadline.
            keepalive_timeout=tokens.header_timeout_s,
            # After an answer given before the body was read (408, 413), how long the
            # rest is read and thrown away so the client sees the answer (aiohttp: 10 s).
            lingering_time=1.0,
            auto_decompress=False,
        )

    limits = ConnectionLimits(
        max_connections=tokens.max_connections,
        # Behind proxies every connection comes from one of them.
        max_per_client=None if tokens.trusted_proxies else tokens.max_connections_per_client,
        header_timeout_s=tokens.header_timeout_s,
        connection_max_s=tokens.connection_max_s,
    )
    guard = ConnectionGuard(handler, limits, token_metrics(app))
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    server = await loop.create_server(guard, tokens.host, tokens.port, reuse_address=True)
    log.info("token_endpoint_listening", host=tokens.host, port=tokens.port)
    try:
        await stop.wait()
    finally:
        server.close()
        await runner.cleanup()
        log.info("token_endpoint_stopped")


def serve_tokens(settings: Settings, *, tenants: TenantDirectory | None = None) -> None:
    """Serve until SIGINT or SIGTERM, then finish the requests in progress and stop."""
    asyncio.run(_serve(settings, tenants))
