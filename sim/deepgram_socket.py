"""The server side both Deepgram streaming sockets share: ``/v1/listen`` (Nova,
:mod:`sim.deepgram_listen`) and ``/v2/listen`` (Flux, :mod:`sim.deepgram_flux`).

Each accepted websocket runs a receiver (linear16 audio cut into 10 ms frames and judged
voiced or quiet by energy, plus the text control messages) and a sender (an outbox of
messages, each not sent before its time). What differs between the two APIs, the
messages and the state machine that makes them, is in the subclasses; what a test
injects is here, once, so both sockets break the same way:

* ``stall``, ``malformed``, ``invalid_utf8`` and ``disconnect`` after ``after_messages``
  server messages (:class:`sim._server.Fault`). A malformed message is the start of the
  API's own message cut short, and invalid UTF-8 is one with a byte no UTF-8 text has,
  in a TEXT frame, which aiohttp lets a server send (RFC 6455 section 8.1 says a client
  must fail the connection on it). How a ``disconnect`` ends the socket is the API's
  own: Nova closes with 1011, Flux sends an ``Error`` message first.
* The upgrade: ``slow_start`` delays it, ``http_error`` refuses it with Deepgram's error
  body (``err_code``, ``err_msg``, ``request_id``; developers.deepgram.com "Errors"),
  ``hang`` and ``half_open`` never answer it; a wrong key is a 401, a query the API
  rejects a 400.
* An idle socket: Deepgram closes a stream that received no audio or message within its
  timeout window (``NET-0001``; docs/recovering-from-connection-errors-and-timeouts-
  when-live-streaming-audio); again each API says so its own way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np
import structlog
from aiohttp import WSMsgType, web
from multidict import MultiMapping

from ._server import LoopbackServer, hold_until_client_leaves

__all__ = ["DeepgramSocket", "DeepgramSocketServer", "OutgoingMessage", "SocketRecord"]

log = structlog.get_logger(__name__)

_INT16_FULL_SCALE = 32768.0
_INJECTED = ("stall", "malformed", "invalid_utf8", "disconnect")

Message = dict[str, Any]
Q = TypeVar("Q")


class SocketRecord(Protocol):
    """What a connection's record keeps of the socket, for the tests to read."""

    index: int
    audio_bytes: int
    sent: list[Message | str]
    close_code: int | None


@dataclass
class OutgoingMessage:
    message: Message
    not_before: float
    """Loop time before which it is not sent."""
    on_sent: Callable[[float], None] | None = None
    """Told the loop time it went out."""


class DeepgramSocket:
    """One accepted Deepgram websocket: audio frames in, timed messages out, faults as
    planned. Subclasses say what a frame, a control message, an idle socket and a
    disconnect fault do."""

    log_name = "deepgram_socket"
    malformed = '{"type": "Results", "channel": '
    invalid_utf8 = b'{"type": "Results", "channel": "\xff"}'

    def __init__(
        self,
        server: LoopbackServer,
        ws: web.WebSocketResponse,
        record: SocketRecord,
        *,
        sample_rate: int,
        channels: int,
        frame_s: float,
        threshold_dbfs: float,
        idle_timeout_s: float,
    ) -> None:
        self._server = server
        self._ws = ws
        self._record = record
        self._loop = asyncio.get_running_loop()
        self._sample_rate = sample_rate
        self._channels = channels
        self._frame_samples = max(1, round(sample_rate * frame_s))
        self._frame_bytes = self._frame_samples * 2 * channels
        self._threshold = _INT16_FULL_SCALE * 10 ** (threshold_dbfs / 20)
        self._idle_timeout_s = idle_timeout_s
        self._carry = b""
        self._samples = 0
        self._outbox: asyncio.Queue[OutgoingMessage | None] = asyncio.Queue()
        self._sent = 0
        self._fired: set[int] = set()
        self._closed = False
        self._sender_closing = False

    @property
    def _now_s(self) -> float:
        """Stream audio time: samples received over the sample rate."""
        return self._samples / self._sample_rate

    # -- what a subclass says ------------------------------------------------------------

    def _on_open(self) -> None:
        """The socket is accepted and its sender runs."""

    def _on_frame(self, frame_s: float, voiced: bool) -> None:
        raise NotImplementedError

    async def _on_control(self, text: str, sender: asyncio.Task[None]) -> bool:
        """A text message from the client; True: stop receiving."""
        raise NotImplementedError

    async def _on_idle(self) -> None:
        """Nothing arrived within the idle timeout; the socket is to be closed."""
        raise NotImplementedError

    async def _disconnect(self) -> None:
        """A ``disconnect`` fault is due."""
        raise NotImplementedError

    def _on_audio_bytes(self, data: bytes) -> None:
        """An audio message, before it is cut into frames."""

    def _stamp(self, message: Message) -> None:
        """A message is about to go out (Flux numbers them)."""

    def _hand_over(self) -> None:
        """The socket is over."""

    # -- the two halves ------------------------------------------------------------------

    async def run(self) -> None:
        name = f"{self.log_name}-send-{self._record.index}"
        sender = asyncio.create_task(self._send_loop(), name=name)
        self._on_open()
        try:
            await self._receive_loop(sender)
        finally:
            self._closed = True
            if self._sender_closing and not sender.done():
                # The sender is mid-close (a disconnect fault); let the close handshake
                # finish rather than cut it short.
                await asyncio.wait([sender], timeout=1.0)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            self._hand_over()

    async def _receive_loop(self, sender: asyncio.Task[None]) -> None:
        while not self._ws.closed:
            try:
                msg = await self._ws.receive(timeout=self._idle_timeout_s)
            except TimeoutError:
                log.info(f"{self.log_name}.idle_timeout", connection=self._record.index)
                await self._on_idle()
                return
            if msg.type == WSMsgType.BINARY:
                self._on_audio(msg.data)
            elif msg.type == WSMsgType.TEXT:
                if await self._on_control(msg.data, sender):
                    return
            else:
                return  # close, closing, closed or error: the client went away

    def _on_audio(self, data: bytes) -> None:
        self._record.audio_bytes += len(data)
        self._on_audio_bytes(data)
        for frame_s, voiced in self._frames(data):
            self._samples += self._frame_samples
            self._on_frame(frame_s, voiced)

    def _frames(self, data: bytes) -> Iterator[tuple[float, bool]]:
        """Whole frames of the audio so far (a partial one waits for the next message),
        each with whether it is voiced: its RMS over the channels' mean at or above the
        threshold."""
        buf = self._carry + data
        usable = len(buf) - len(buf) % self._frame_bytes
        self._carry = buf[usable:]
        if not usable:
            return
        pcm = np.frombuffer(buf[:usable], dtype="<i2").astype(np.float64)
        frames = pcm.reshape(-1, self._frame_samples, self._channels).mean(axis=2)
        rms = np.sqrt(np.mean(frames * frames, axis=1))
        frame_s = self._frame_samples / self._sample_rate
        for level in rms:
            yield frame_s, bool(level >= self._threshold)

    def _enqueue(
        self, message: Message, delay_s: float, on_sent: Callable[[float], None] | None = None
    ) -> None:
        if not self._closed:
            not_before = self._loop.time() + delay_s
            self._outbox.put_nowait(OutgoingMessage(message, not_before, on_sent))

    async def _send_loop(self) -> None:
        try:
            while True:
                if await self._apply_faults():
                    return
                item = await self._outbox.get()
                if item is None:
                    return
                delay = item.not_before - self._loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                self._stamp(item.message)
                await self._ws.send_str(json.dumps(item.message))
                self._sent += 1
                self._record.sent.append(item.message)
                if item.on_sent is not None:
                    item.on_sent(self._loop.time())
        except ConnectionError:
            log.info(f"{self.log_name}.send_failed", connection=self._record.index)
        finally:
            self._closed = True

    async def _apply_faults(self) -> bool:
        """Inject the faults due after ``self._sent`` messages; True: stop sending."""
        for number, fault in enumerate(self._server.faults.for_request(self._record.index)):
            if number in self._fired or fault.after_messages != self._sent:
                continue
            if fault.kind not in _INJECTED:
                continue
            self._fired.add(number)
            log.info(f"{self.log_name}.fault", connection=self._record.index, kind=fault.kind)
            if fault.kind == "stall":
                await asyncio.sleep(fault.seconds)
            elif fault.kind == "malformed":
                await self._ws.send_str(self.malformed)
                self._record.sent.append(self.malformed)
            elif fault.kind == "invalid_utf8":
                await self._ws.send_frame(self.invalid_utf8, WSMsgType.TEXT)
                self._record.sent.append(self.invalid_utf8.decode("utf-8", errors="replace"))
            else:
                self._sender_closing = True
                await self._disconnect()
                return True
        return False

    async def _close(self, code: int, reason: str) -> None:
        self._closed = True
        if self._record.close_code is None:
            self._record.close_code = code
        with contextlib.suppress(ConnectionError):
            await self._ws.close(code=code, message=reason.encode())


# Deepgram's REST error bodies: ``err_code`` per HTTP status (developers.deepgram.com,
# "Errors"), the same on both listen endpoints.
_ERROR_CODES = {
    400: "Bad Request",
    401: "INVALID_AUTH",
    402: "ASR_PAYMENT_REQUIRED",
    403: "INSUFFICIENT_PERMISSIONS",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


class HandshakeRecord(SocketRecord, Protocol):
    request_id: str
    status: int


class DeepgramSocketServer(LoopbackServer):
    """The HTTP half of a Deepgram listen endpoint: the upgrade request and the ways a
    test makes it fail (``slow_start``, ``http_error``, ``hang``, ``half_open``), the
    key check and Deepgram's error body; subclasses parse the query and serve the socket."""

    log_name = "deepgram_socket"

    def _accepts_scheme(self, scheme: str) -> bool:
        """The ``Authorization`` scheme this endpoint takes with the key."""
        return scheme == "Token"

    def _refuse(self, conn: HandshakeRecord, status: int, message: str) -> web.Response:
        conn.status = status
        log.info(f"{self.log_name}.refused", connection=conn.index, status=status)
        body = {
            "err_code": _ERROR_CODES.get(status, "ERROR"),
            "err_msg": message,
            "request_id": conn.request_id,
        }
        return web.json_response(
            body, status=status, headers={"dg-request-id": conn.request_id, "dg-error": message}
        )

    async def _upgrade(
        self,
        request: web.Request,
        conn: HandshakeRecord,
        *,
        api_key: str | None,
        connect_delay_s: float,
        parse: Callable[[MultiMapping[str]], Q],
    ) -> tuple[web.WebSocketResponse, Q] | web.StreamResponse:
        """Answer the upgrade as the test planned; the socket and its parsed query, or
        the response that ended the request."""
        index = conn.index
        slow = self.faults.first(index, "slow_start")
        delay = connect_delay_s + (slow.seconds if slow else 0.0)
        if delay > 0:
            await asyncio.sleep(delay)
        error = self.faults.first(index, "http_error")
        if error is not None:
            return self._refuse(conn, error.status, f"Simulated failure ({error.status})")
        hang = self.faults.first(index, "hang") or self.faults.first(index, "half_open")
        if hang is not None:
            # An outage that accepts the connection and never answers the upgrade: only
            # the client's own connect timeout ends it (the plugins bound ws_connect by
            # their conn_options.timeout).
            await hold_until_client_leaves(request, half_open=hang.kind == "half_open")
            conn.status = 499
            return web.Response(status=504)
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if not self._accepts_scheme(scheme) or not key or (api_key is not None and key != api_key):
            return self._refuse(conn, 401, "Invalid credentials.")
        try:
            query = parse(request.query)
        except ValueError as exc:
            return self._refuse(conn, 400, str(exc))
        ws = web.WebSocketResponse(autoping=True)
        if not ws.can_prepare(request).ok:
            return self._refuse(conn, 400, "Expected a websocket upgrade")
        ws.headers["dg-request-id"] = conn.request_id
        try:
            await ws.prepare(request)
        except (ConnectionError, RuntimeError):
            # The client gave up during a slow handshake; nothing left to serve.
            conn.status = 499
            return ws
        conn.status = 101
        return ws, query
