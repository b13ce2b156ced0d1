"""ElevenLabs text-to-speech simulator: the multi-stream-input websocket.

``livekit.plugins.elevenlabs.TTS(base_url=sim.base_url, api_key=..., encoding="pcm_16000")``
opens ``ws://.../v1/text-to-speech/{voice_id}/multi-stream-input?model_id=...&output_format=
...`` with an ``xi-api-key`` header, keeps that one socket and multiplexes *contexts* over
it (one per synthesis stream):

* client: ``{"text": " ", "voice_settings": {...}, "context_id": C}`` opens a context,
  ``{"text": "Hello there. ", "context_id": C[, "flush": true]}`` adds text,
  ``{"context_id": C, "close_context": true}`` ends it, ``{"close_socket": true}`` ends all.
* server: ``{"audio": <base64 PCM>, "normalizedAlignment": {...}, "alignment": {...},
  "contextId": C}`` per audio chunk, then ``{"contextId": C, "isFinal": true}`` once the
  context is closed and all its audio is out; ``{"error": ..., "contextId": C}`` on errors.

Audio is speech-like PCM (:mod:`sim._audio_synth`) lasting ``ms_per_char`` per character,
so a test can check durations and alignment against the text it pushed. The plain
``POST /v1/text-to-speech/{voice_id}/stream`` (``TTS.synthesize``) is answered too.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import structlog
from aiohttp import WSCloseCode, WSMsgType, web

from ._audio_synth import char_timings, speech_like_pcm
from ._server import Fault, FaultPlan, LoopbackServer, hold_until_client_leaves
from .latency import Delay, seeded_rng

__all__ = [
    "MAX_CONTEXTS",
    "SUPPORTED_FORMATS",
    "ContextTiming",
    "ElevenLabsConnection",
    "ElevenLabsLatency",
    "ElevenLabsSim",
]

log = structlog.get_logger()

SUPPORTED_FORMATS: Mapping[str, int] = {
    f"pcm_{rate}": rate for rate in (8000, 16000, 22050, 24000, 44100, 48000)
}
# ElevenLabs' default generation schedule: characters buffered before each generation.
DEFAULT_CHUNK_SCHEDULE = (120, 160, 250, 290)
_WS_PATH = "/v1/text-to-speech/{voice_id}/multi-stream-input"
_HTTP_PATH = "/v1/text-to-speech/{voice_id}/stream"
_DEFAULT_INACTIVITY_S = 20.0
# "Each connection is limited to 5 concurrent contexts" (ElevenLabs, Multi-Context
# Websocket guide). Past it the service answers with this error, code 1008, and closes
# the socket with 1008 (as reported verbatim in pipecat-ai/pipecat#4114 and
# livekit/agents-js#1985).
MAX_CONTEXTS = 5
MAX_CONTEXTS_ERROR = "max_active_conversations"
MAX_CONTEXTS_MESSAGE = (
    "Maximum simultaneous contexts per WebSocket connection exceeded ({limit}). "
    "Please close an existing context before opening a new one."
)


@dataclass(frozen=True)
class ElevenLabsLatency:
    """Timing profile of the simulated service.

    Args:
        ttfb: delay from a context's first text to its first audio, drawn per context.
        realtime_factor: audio send pace as a fraction of its duration (0 = as fast as
            possible, 0.5 = twice real time, 1 = real time).
        ms_per_char: speaking time per character of text.
    """

    ttfb: Delay = field(default_factory=lambda: Delay.constant(0.2))
    realtime_factor: float = 0.25
    ms_per_char: float = 65.0

    @classmethod
    def instant(cls, ms_per_char: float = 65.0) -> ElevenLabsLatency:
        """No delays: for wire tests that assert content, not timing."""
        return cls(ttfb=Delay.zero(), realtime_factor=0.0, ms_per_char=ms_per_char)

    @classmethod
    def constant(
        cls, ttfb_s: float, realtime_factor: float = 0.25, ms_per_char: float = 65.0
    ) -> ElevenLabsLatency:
        return cls(Delay.constant(ttfb_s), realtime_factor, ms_per_char)


@dataclass
class ElevenLabsConnection:
    """One websocket the client opened."""

    index: int
    voice_id: str
    query: dict[str, str]
    opened_at: float
    messages: list[dict[str, Any]] = field(default_factory=list)
    context_ids: list[str] = field(default_factory=list)
    closed_at: float | None = None
    close_reason: str = ""


@dataclass
class ContextTiming:
    """Life of one context on the event-loop clock (seconds)."""

    context_id: str
    connection: int
    opened_at: float
    first_text_at: float | None = None
    first_audio_at: float | None = None
    final_at: float | None = None
    audio_ms: float = 0.0
    closed_by_client: bool = False
    drawn_ttfb_s: float = 0.0
    """The latency profile's draw for this context; the measured ``ttfb_s`` adds the
    event loop's own delay to it."""

    @property
    def ttfb_s(self) -> float | None:
        """Server-side first text to first audio, or ``None`` if no audio went out."""
        if self.first_text_at is None or self.first_audio_at is None:
            return None
        return self.first_audio_at - self.first_text_at


class ElevenLabsSim(LoopbackServer):
    """Loopback ElevenLabs TTS.

    Args:
        latency: timing profile.
        faults: faults by websocket connection index (and HTTP ``/stream`` request,
            which shares the numbering).
        api_key: the only accepted ``xi-api-key``; ``None`` accepts any non-empty key.
        chunk_ms: audio per server message.
        context_errors: ``context ordinal -> message``: the n-th context opened on this
            simulator (0-based) gets an ``error`` message instead of audio, and the
            socket is then closed with 1008. Errors on this socket carry ``code: 1008``,
            the websocket policy-violation close code, and the service closes the socket
            after them (the 5-context error above is the documented-by-users case); a
            failed context therefore costs the client its connection, not just the
            context.
        context_id_key: how the server names the context in its messages. ElevenLabs has
            used both ``contextId`` and ``context_id``; the plugin reads either.
        max_contexts: contexts one socket may hold open at once (see
            :data:`MAX_CONTEXTS`); a context is held from its first message until its
            ``isFinal`` or error.
        seed: seeds this simulator's delay draws, so a run reproduces.
    """

    def __init__(
        self,
        *,
        latency: ElevenLabsLatency | None = None,
        faults: FaultPlan | None = None,
        api_key: str | None = None,
        chunk_ms: float = 80.0,
        context_errors: Mapping[int, str] | None = None,
        context_id_key: Literal["contextId", "context_id"] = "contextId",
        max_contexts: int = MAX_CONTEXTS,
        seed: int = 0,
    ) -> None:
        super().__init__(faults=faults)
        self.latency = latency or ElevenLabsLatency()
        self.max_contexts = max_contexts
        self._rng = seeded_rng("elevenlabs", seed)
        self.chunk_ms = chunk_ms
        self.context_errors = dict(context_errors or {})
        self.context_id_key = context_id_key
        self._api_key = api_key
        self.connections: list[ElevenLabsConnection] = []
        self.contexts: dict[str, list[str]] = {}
        self.context_inits: dict[str, dict[str, Any]] = {}
        self.context_timings: dict[str, ContextTiming] = {}
        self.http_requests: list[dict[str, Any]] = []

    @property
    def base_url(self) -> str:
        """What the plugin takes as ``base_url``."""
        return f"{self.http_url}/v1"

    def context_text(self, context_id: str) -> str:
        """All text the client sent to ``context_id``, joined."""
        return "".join(self.contexts.get(context_id, []))

    def _routes(self, app: web.Application) -> None:
        app.router.add_get(_WS_PATH, self.tracked(self._ws_handler))
        app.router.add_post(_HTTP_PATH, self.tracked(self._http_handler))

    def _auth_error(self, request: web.Request) -> web.Response | None:
        key = request.headers.get("xi-api-key", "")
        if key and (self._api_key is None or key == self._api_key):
            return None
        return web.json_response(
            {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}, status=401
        )

    async def _ws_handler(self, request: web.Request) -> web.StreamResponse:
        index = self.next_request_index()
        loop = asyncio.get_running_loop()
        query = dict(request.query)
        conn = ElevenLabsConnection(
            index=index,
            voice_id=request.match_info["voice_id"],
            query=query,
            opened_at=loop.time(),
        )
        self.connections.append(conn)
        self.record(index, "connect", request.path, query)
        if (denied := self._auth_error(request)) is not None:
            conn.close_reason = "unauthorized"
            return denied
        if (fault := self.faults.first(index, "http_error")) is not None:
            conn.close_reason = f"http_error {fault.status}"
            await asyncio.sleep(fault.seconds)
            return web.json_response(
                {"detail": {"status": "simulated_error", "message": "Simulated failure"}},
                status=fault.status,
            )
        fmt = query.get("output_format", "mp3_44100_128")
        if fmt not in SUPPORTED_FORMATS:
            # Query validation fails before the upgrade is accepted (a FastAPI-style
            # websocket refuses the handshake), so the client sees an HTTP error.
            conn.close_reason = "invalid_output_format"
            return _detail(403, "invalid_output_format", _format_message(fmt))
        if (slow := self.faults.first(index, "slow_start")) is not None:
            await asyncio.sleep(slow.seconds)

        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = _Session(self, ws, conn, self.faults.for_request(index), request)
        try:
            await session.run()
        finally:
            await session.shutdown()
            conn.closed_at = loop.time()
            log.debug("elevenlabs_sim.closed", connection=index, reason=conn.close_reason)
        return ws

    async def _http_handler(self, request: web.Request) -> web.StreamResponse:
        index = self.next_request_index()
        try:
            body = await request.json()
        except ValueError:
            body = None
        self.record(index, "synthesize", request.path, body)
        if (denied := self._auth_error(request)) is not None:
            return denied
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return _detail(400, "invalid_request", "'text' is required")
        self.http_requests.append(body)
        if (fault := self.faults.first(index, "http_error")) is not None:
            await asyncio.sleep(fault.seconds)
            return _detail(fault.status, "simulated_error", "Simulated failure")
        fmt = request.query.get("output_format", "mp3_44100_128")
        if fmt not in SUPPORTED_FORMATS:
            return _detail(400, "invalid_output_format", _format_message(fmt))
        rate = SUPPORTED_FORMATS[fmt]
        slow = self.faults.first(index, "slow_start")
        await asyncio.sleep(self.latency.ttfb.sample(self._rng) + (slow.seconds if slow else 0.0))
        pcm = speech_like_pcm(body["text"], rate, self.latency.ms_per_char)
        response = web.StreamResponse(headers={"Content-Type": "audio/pcm"})
        await response.prepare(request)
        step = round(rate * self.chunk_ms / 1000) * 2
        with contextlib.suppress(ConnectionResetError):
            for i in range(0, len(pcm), step):
                await response.write(pcm[i : i + step])
                await asyncio.sleep(self.latency.realtime_factor * self.chunk_ms / 1000)
            await response.write_eof()
        return response


class _Disconnected(Exception):
    """A ``disconnect`` fault dropped the connection."""


@dataclass
class _Context:
    id: str
    ordinal: int
    timing: ContextTiming
    schedule: tuple[int, ...]
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    buffer: str = ""
    generations: int = 0
    offset_ms: float = 0.0
    ttfb_s: float = 0.0
    closed: bool = False
    released: bool = False
    worker: asyncio.Task[None] | None = None


class _Session:
    """One websocket: reads client messages, runs one generation task per context."""

    def __init__(
        self,
        sim: ElevenLabsSim,
        ws: web.WebSocketResponse,
        conn: ElevenLabsConnection,
        faults: list[Fault],
        request: web.Request,
    ) -> None:
        self._sim = sim
        self._ws = ws
        self._conn = conn
        self._faults = faults
        self._pending_faults = list(faults)
        self._request = request
        self._send_lock = asyncio.Lock()
        self._sent = 0
        self._contexts: dict[str, _Context] = {}
        self._rate = SUPPORTED_FORMATS[conn.query["output_format"]]
        self._alignment = conn.query.get("sync_alignment") == "true"
        self._auto_mode = conn.query.get("auto_mode") == "true"
        self._inactivity_s = float(conn.query.get("inactivity_timeout", _DEFAULT_INACTIVITY_S))
        self._dropped = False

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._ws.closed and not self._dropped:
            try:
                msg = await self._ws.receive(timeout=self._inactivity_s)
            except TimeoutError:
                await self._reject(
                    "Have not received a new text input within the timeout of "
                    f"{self._inactivity_s:g} seconds. Streaming input terminated. Please make "
                    "sure to either feed the input in the timely manner, or to send the end "
                    'of input text (empty string "") when done.',
                    "input_timeout_exceeded",
                )
                return
            if msg.type != WSMsgType.TEXT:
                if msg.type == WSMsgType.BINARY:
                    continue
                self._conn.close_reason = self._conn.close_reason or "client closed"
                return
            try:
                data = json.loads(msg.data)
            except ValueError:
                data = None
            if not isinstance(data, dict):
                await self._reject(
                    "Could not parse input message, make sure it is a json and follows "
                    "the schema outlined in protocol.",
                    "invalid_input_message",
                )
                return
            self._conn.messages.append(data)
            self._sim.record(self._conn.index, "message", self._request.path, data)
            try:
                if await self._handle(data, loop.time()):
                    return
            except (_Disconnected, ConnectionResetError):
                return

    async def _handle(self, data: dict[str, Any], received_at: float) -> bool:
        """Apply one client message; True when the socket should close."""
        if data.get("close_socket"):
            for open_ctx in list(self._contexts.values()):
                self._close_context(open_ctx)
            workers = [c.worker for c in self._contexts.values() if c.worker is not None]
            await asyncio.gather(*workers, return_exceptions=True)
            self._conn.close_reason = "close_socket"
            await self._ws.close()
            return True
        context_id = str(data.get("context_id", ""))
        ctx = self._contexts.get(context_id)
        if data.get("close_context"):
            if ctx is not None:
                ctx.timing.closed_by_client = True
                self._close_context(ctx)
            return False
        text = data.get("text")
        if not isinstance(text, str):
            return False  # keep_alive and friends: recorded, nothing to do
        if ctx is None:
            held = sum(1 for c in self._contexts.values() if not c.released)
            if held >= self._sim.max_contexts:
                await self._reject(
                    MAX_CONTEXTS_MESSAGE.format(limit=self._sim.max_contexts),
                    MAX_CONTEXTS_ERROR,
                    context_id=context_id,
                )
                return True
            ctx = self._open_context(context_id, data, received_at)
            if text.strip() == "":
                return False  # the initialiser " " only opens the context
        if ctx.closed:
            await self._send(
                {"error": f"Context {context_id} is closed.", "message": "context_closed"},
                ctx.id,
            )
            return False
        if text:
            self._sim.contexts[ctx.id].append(text)
            ctx.buffer += text
            if ctx.timing.first_text_at is None and text.strip():
                ctx.timing.first_text_at = received_at
        if data.get("flush") or self._auto_mode or self._schedule_reached(ctx):
            self._generate(ctx)
        return False

    def _open_context(self, context_id: str, init: dict[str, Any], at: float) -> _Context:
        ordinal = len(self._sim.context_timings)
        schedule = tuple(
            (init.get("generation_config") or {}).get("chunk_length_schedule")
            or DEFAULT_CHUNK_SCHEDULE
        )
        ttfb_s = self._sim.latency.ttfb.sample(self._sim._rng)
        timing = ContextTiming(
            context_id=context_id,
            connection=self._conn.index,
            opened_at=at,
            drawn_ttfb_s=ttfb_s,
        )
        ctx = _Context(
            id=context_id, ordinal=ordinal, timing=timing, schedule=schedule, ttfb_s=ttfb_s
        )
        self._contexts[context_id] = ctx
        self._conn.context_ids.append(context_id)
        self._sim.contexts.setdefault(context_id, [])
        self._sim.context_inits[context_id] = dict(init)
        self._sim.context_timings[context_id] = timing
        ctx.worker = asyncio.create_task(self._context_worker(ctx))
        return ctx

    def _schedule_reached(self, ctx: _Context) -> bool:
        threshold = ctx.schedule[min(ctx.generations, len(ctx.schedule) - 1)]
        return len(ctx.buffer) >= threshold

    def _generate(self, ctx: _Context) -> None:
        if ctx.buffer.strip():
            ctx.queue.put_nowait(ctx.buffer)
            ctx.generations += 1
        ctx.buffer = ""

    def _close_context(self, ctx: _Context) -> None:
        if ctx.closed:
            return
        self._generate(ctx)
        ctx.closed = True
        ctx.queue.put_nowait(None)

    async def _context_worker(self, ctx: _Context) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                job = await ctx.queue.get()
                if job is None:
                    await self._send({"isFinal": True}, ctx.id)
                    ctx.released = True
                    ctx.timing.final_at = loop.time()
                    return
                if (error := self._sim.context_errors.get(ctx.ordinal)) is not None:
                    ctx.released = True
                    await self._reject(error, error, context_id=ctx.id)
                    return
                if ctx.timing.first_audio_at is None and ctx.timing.first_text_at is not None:
                    await asyncio.sleep(
                        max(0.0, ctx.timing.first_text_at + ctx.ttfb_s - loop.time())
                    )
                await self._speak(ctx, job)
        except (_Disconnected, ConnectionResetError):
            return

    async def _speak(self, ctx: _Context, text: str) -> None:
        latency = self._sim.latency
        pcm = speech_like_pcm(text, self._rate, latency.ms_per_char)
        timings = char_timings(text, latency.ms_per_char, offset_ms=ctx.offset_ms)
        step = max(2, round(self._rate * self._sim.chunk_ms / 1000) * 2)
        next_char = 0
        for start in range(0, len(pcm), step):
            piece = pcm[start : start + step]
            end_ms = ctx.offset_ms + (start + len(piece)) / 2 / self._rate * 1000
            last = start + step >= len(pcm)
            first_char = next_char
            while next_char < len(text) and (last or timings.start_ms[next_char] < end_ms):
                next_char += 1
            message: dict[str, Any] = {"audio": base64.b64encode(piece).decode()}
            if self._alignment:
                span = slice(first_char, next_char)
                alignment = (
                    {
                        "chars": timings.chars[span],
                        "charStartTimesMs": timings.start_ms[span],
                        "charDurationsMs": timings.duration_ms[span],
                    }
                    if next_char > first_char
                    else None
                )
                message["normalizedAlignment"] = alignment
                message["alignment"] = alignment
            await self._send(message, ctx.id)
            if ctx.timing.first_audio_at is None:
                ctx.timing.first_audio_at = asyncio.get_running_loop().time()
            piece_s = len(piece) / 2 / self._rate
            ctx.timing.audio_ms += piece_s * 1000
            if latency.realtime_factor > 0:
                await asyncio.sleep(latency.realtime_factor * piece_s)
        ctx.offset_ms += len(pcm) / 2 / self._rate * 1000

    async def _send(self, payload: dict[str, Any], context_id: str | None) -> None:
        if context_id is not None:
            payload = {**payload, self._sim.context_id_key: context_id}
        async with self._send_lock:
            if self._dropped or self._ws.closed:
                raise _Disconnected
            await self._apply_faults()
            await self._ws.send_str(json.dumps(payload))
            self._sent += 1

    async def _apply_faults(self) -> None:
        due = [f for f in self._pending_faults if f.after_messages == self._sent]
        for fault in due:
            self._pending_faults.remove(fault)
            if fault.kind == "stall":
                await asyncio.sleep(fault.seconds)
            elif fault.kind == "malformed":
                await self._ws.send_str('{"audio": "AAAA", "contextId": ')
            elif fault.kind == "invalid_utf8":
                await self._ws.send_frame(b'{"audio": "AAAA", "contextId": "\xff"}', WSMsgType.TEXT)
            elif fault.kind == "disconnect":
                # Drop TCP without a close frame, like a network failure would.
                self._dropped = True
                self._conn.close_reason = "disconnect fault"
                if self._request.transport is not None:
                    self._request.transport.close()
                raise _Disconnected
            elif fault.kind in ("hang", "half_open"):
                # Silent from here on, socket open: only the client's own timeout ends
                # this. The send lock stays held, so every context goes quiet at once.
                self._conn.close_reason = fault.kind
                # Dropped already: a silent server never sends a close frame either.
                self._dropped = True
                await hold_until_client_leaves(self._request, half_open=fault.kind == "half_open")
                raise _Disconnected

    async def _reject(self, message: str, error: str, *, context_id: str | None = None) -> None:
        """Send the error, then close the socket with 1008 (policy violation)."""
        self._conn.close_reason = error
        with contextlib.suppress(_Disconnected, ConnectionResetError):
            await self._send({"message": message, "error": error, "code": 1008}, context_id)
        self._dropped = True
        with contextlib.suppress(ConnectionResetError):
            # A close frame's reason holds at most 123 bytes (RFC 6455 5.5).
            reason = message.encode() if len(message.encode()) <= 123 else error.encode()
            await self._ws.close(code=WSCloseCode.POLICY_VIOLATION, message=reason)

    async def shutdown(self) -> None:
        """Stop every context's generation task and close the socket."""
        workers = [c.worker for c in self._contexts.values() if c.worker is not None]
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if not self._ws.closed and not self._dropped:
            with contextlib.suppress(ConnectionResetError):
                await self._ws.close()
        elif self._dropped and self._request.transport is not None:
            self._request.transport.abort()


def _format_message(fmt: str) -> str:
    return (
        f"Unsupported output_format '{fmt}'. The simulator supports: "
        f"{', '.join(SUPPORTED_FORMATS)}."
    )


def _detail(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"detail": {"status": code, "message": message}}, status=status)
