"""OpenAI REST simulator: streamed chat completions, speech and transcriptions.

Speaks the wire format the ``openai`` SDK (and so ``livekit.plugins.openai``) parses:

* ``GET /v1/models``: the LLM plugin's prewarm; answered, recorded, not counted.
* ``POST /v1/chat/completions``: ``text/event-stream`` of ``chat.completion.chunk``
  objects ending in ``data: [DONE]`` (a plain ``chat.completion`` when ``stream`` is
  false). What to say comes from a :data:`Responder` or a script of replies.
* ``POST /v1/audio/speech``: 24 kHz PCM (``pcm`` or ``wav``), as raw audio or as the
  ``speech.audio.delta`` SSE stream the TTS plugin asks for.
* ``POST /v1/audio/transcriptions``: the next scripted transcript (non-streaming STT).

Chat requests are numbered for the :class:`FaultPlan` (``faults``); speech and
transcription requests have their own numbering and plan (``audio_faults``), so adding
a TTS fallback to a scenario does not shift which chat request a fault hits.
"""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
import json
import re
import time
import wave
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from aiohttp import web

from ._audio_synth import speech_like_pcm, wav_bytes
from ._server import Fault, FaultPlan, LoopbackServer, hold_until_client_leaves
from .latency import Delay, seeded_rng

__all__ = [
    "CACHE_INCREMENT_TOKENS",
    "CACHE_MIN_TOKENS",
    "ChatRequestTiming",
    "ModelLatency",
    "OpenAIChatSim",
    "OpenAILatency",
    "Responder",
    "ScriptedReply",
    "ToolCallSpec",
    "cached_prefix_tokens",
    "prompt_tokens",
    "tokenize",
]

log = structlog.get_logger()

DEFAULT_MODELS = ("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o-mini-tts")
EXHAUSTED_REPLY = "I'm sorry, could you say that again?"
SPEECH_SAMPLE_RATE = 24000
_SUPPORTED_SPEECH_FORMATS = ("pcm", "wav")
# Word-ish pieces that keep their leading whitespace, as BPE tokenizers do:
# "Hello, world." -> "Hello", ",", " world", ".".
_TOKEN_RE = re.compile(r"\s*[\w']+|\s*[^\w\s]|\s+")
_ARGUMENT_PIECE_CHARS = 7
_SPEECH_CHUNK_MS = 100.0


@dataclass(frozen=True)
class ToolCallSpec:
    """A function call the simulated model makes.

    Args:
        name: the tool's name.
        arguments: JSON arguments (a dict is serialised; a string is sent verbatim, so
            tests can send invalid JSON on purpose).
        id: the call id; ``None`` derives a stable one from the request index.
    """

    name: str
    arguments: dict[str, Any] | str
    id: str | None = None


@dataclass(frozen=True)
class ScriptedReply:
    """What the simulated model answers to one chat request."""

    text: str = ""
    tool_calls: tuple[ToolCallSpec, ...] = ()


Responder = Callable[[dict[str, Any]], ScriptedReply]


# OpenAI prompt caching: prompts of 1024 tokens or more are cached automatically, and a
# hit covers the longest previously seen prefix in 128-token increments (OpenAI's
# prompt-caching guide, https://platform.openai.com/docs/guides/prompt-caching, and the
# "Prompt Caching 201" cookbook).
CACHE_MIN_TOKENS = 1024
CACHE_INCREMENT_TOKENS = 128


@dataclass(frozen=True)
class ModelLatency:
    """How fast one model answers.

    TTFT = ``ttft`` (a draw) + ``prefill_s_per_1k`` per thousand uncached prompt tokens +
    ``cached_prefill_fraction`` of that for cached ones. The Prompt Caching 201 cookbook
    measured caching cutting TTFT by ~7 % at 1024 tokens and ~67 % at 150k tokens: a
    fixed part plus a prefill cost per token, the cached tokens costing about a quarter,
    fits both.

    Args:
        ttft: time to the first token for a short, uncached prompt.
        token_gap: time between streamed tokens after the first.
        prefill_s_per_1k: extra TTFT per 1000 uncached prompt tokens.
        cached_prefill_fraction: what a cached prompt token costs relative to an uncached one.
    """

    ttft: Delay = field(default_factory=lambda: Delay.constant(0.25))
    token_gap: Delay = field(default_factory=lambda: Delay.constant(0.01))
    prefill_s_per_1k: float = 0.0
    cached_prefill_fraction: float = 0.25

    @classmethod
    def constant(cls, ttft_s: float, tokens_per_s: float = 0.0) -> ModelLatency:
        """Fixed delays: ``tokens_per_s`` 0 sends tokens back to back."""
        gap = 1.0 / tokens_per_s if tokens_per_s > 0 else 0.0
        return cls(ttft=Delay.constant(ttft_s), token_gap=Delay.constant(gap))

    def prefill_s(self, prompt_tokens: int, cached_tokens: int) -> float:
        uncached = max(0, prompt_tokens - cached_tokens)
        weighted = uncached + self.cached_prefill_fraction * cached_tokens
        return self.prefill_s_per_1k * weighted / 1000.0


@dataclass(frozen=True)
class OpenAILatency:
    """Timing profile of the simulated API.

    Args:
        model: latency of any model not in ``per_model``.
        per_model: ``model -> ModelLatency``, e.g. a fast small model next to a slower
            strong one, so model routing is measured rather than assumed.
        tts_ttfb: delay before the first audio bytes of ``/audio/speech``.
        tts_realtime_factor: audio send pace as a fraction of its duration (0 = burst,
            0.5 = twice real time).
        ms_per_char: speaking time per input character of ``/audio/speech``.
    """

    model: ModelLatency = field(default_factory=ModelLatency)
    per_model: Mapping[str, ModelLatency] = field(default_factory=dict)
    tts_ttfb: Delay = field(default_factory=lambda: Delay.constant(0.2))
    tts_realtime_factor: float = 0.25
    ms_per_char: float = 65.0

    @classmethod
    def instant(cls) -> OpenAILatency:
        """No delays at all: for wire tests that assert content, not timing."""
        return cls(
            model=ModelLatency.constant(0.0),
            tts_ttfb=Delay.zero(),
            tts_realtime_factor=0.0,
        )

    @classmethod
    def constant(
        cls,
        ttft_s: float,
        tokens_per_s: float = 100.0,
        *,
        per_model: Mapping[str, tuple[float, float]] | None = None,
    ) -> OpenAILatency:
        """Fixed delays: ``per_model`` maps a model to ``(ttft_s, tokens_per_s)``."""
        return cls(
            model=ModelLatency.constant(ttft_s, tokens_per_s),
            per_model={m: ModelLatency.constant(*v) for m, v in (per_model or {}).items()},
        )

    def for_model(self, model: str) -> ModelLatency:
        return self.per_model.get(model, self.model)


@dataclass
class ChatRequestTiming:
    """When one chat request arrived and was answered (event-loop clock, seconds)."""

    index: int
    model: str
    arrived_at: float
    prompt_tokens: int = 0
    cached_tokens: int = 0
    drawn_ttft_s: float = 0.0
    """The TTFT the latency profile drew for this request (prefill included)."""
    first_token_at: float | None = None
    finished_at: float | None = None
    status: int = 200
    cancelled: bool = False

    @property
    def ttft_s(self) -> float | None:
        """Server-side time to first token, or ``None`` if no token went out."""
        if self.first_token_at is None:
            return None
        return self.first_token_at - self.arrived_at


def tokenize(text: str) -> list[str]:
    """Split text into word-ish tokens that keep their leading whitespace.

    ``"".join(tokenize(text)) == text`` always holds.
    """
    return _TOKEN_RE.findall(text)


class _ClientGone(Exception):
    """The client closed the connection while we were streaming."""


class OpenAIChatSim(LoopbackServer):
    """Loopback OpenAI API: ``openai.LLM(base_url=sim.base_url, api_key=...)``.

    Args:
        responder: decides each chat reply from the parsed request body; wins over
            ``replies``.
        replies: consumed in order, one per chat request; strings are text replies.
            Once exhausted, :data:`EXHAUSTED_REPLY` is answered.
        latency: timing profile.
        faults: faults by chat-request index.
        audio_faults: faults by speech/transcription request index.
        api_key: the only accepted bearer key; ``None`` accepts any non-empty key.
        models: ids listed by ``GET /v1/models``.
        transcripts: answers of ``/audio/transcriptions``, in order ("" once exhausted).
        seed: seeds this simulator's delay draws, so a run reproduces.
    """

    def __init__(
        self,
        *,
        responder: Responder | None = None,
        replies: Iterable[ScriptedReply | str] = (),
        latency: OpenAILatency | None = None,
        faults: FaultPlan | None = None,
        audio_faults: FaultPlan | None = None,
        api_key: str | None = None,
        models: Sequence[str] = DEFAULT_MODELS,
        transcripts: Iterable[str] = (),
        seed: int = 0,
    ) -> None:
        super().__init__(faults=faults)
        self.latency = latency or OpenAILatency()
        self._rng = seeded_rng("openai", seed)
        # Prompts seen so far, per model: a cached prefix belongs to the model that
        # computed it.
        self._seen_prompts: dict[str, list[tuple[str, ...]]] = {}
        self.audio_faults = audio_faults or FaultPlan()
        self._responder = responder
        self._replies: Iterator[ScriptedReply | str] = iter(list(replies))
        self._api_key = api_key
        self._models = tuple(models)
        self._transcripts: deque[str] = deque(transcripts)
        self.transcribed = 0
        """Transcriptions answered with the next scripted text."""
        self._audio_counter = itertools.count()
        self.requests: list[dict[str, Any]] = []
        self.timings: list[ChatRequestTiming] = []
        self.speech_requests: list[dict[str, Any]] = []
        self.transcription_requests: list[dict[str, Any]] = []
        self.models_requests = 0

    def say_again(self, *texts: str) -> None:
        """The caller says ``texts`` again (the agent asked them to repeat): the next
        transcriptions answer with them."""
        self._transcripts.extendleft(reversed(texts))

    @property
    def base_url(self) -> str:
        """What the openai SDK takes as ``base_url``."""
        return f"{self.http_url}/v1"

    def messages(self, i: int) -> list[dict[str, Any]]:
        """The ``messages`` of chat request ``i`` (negative indexes count from the end)."""
        messages: list[dict[str, Any]] = self.requests[i]["messages"]
        return messages

    def user_messages(self, i: int) -> list[str]:
        """Text of every user message of chat request ``i``."""
        return [_content_text(m) for m in self.messages(i) if m.get("role") == "user"]

    def last_user_text(self, i: int) -> str:
        """Text of the last user message of chat request ``i`` ("" if there is none)."""
        users = self.user_messages(i)
        return users[-1] if users else ""

    def tool_results(self, i: int) -> list[dict[str, Any]]:
        """The ``role: tool`` messages of chat request ``i``."""
        return [m for m in self.messages(i) if m.get("role") == "tool"]

    def _routes(self, app: web.Application) -> None:
        app.router.add_get("/v1/models", self._models_handler)
        app.router.add_post("/v1/chat/completions", self.tracked(self._chat_handler))
        app.router.add_post("/v1/audio/speech", self.tracked(self._speech_handler))
        app.router.add_post("/v1/audio/transcriptions", self._transcription_handler)

    def _unauthorized(self, request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization", "")
        key = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        if key and (self._api_key is None or key == self._api_key):
            return None
        # OpenAI echoes a masked key; never the key itself.
        masked = f"{key[:3]}***{key[-4:]}" if len(key) > 8 else "***"
        return _error_response(
            401,
            f"Incorrect API key provided: {masked}. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            "invalid_api_key",
        )

    async def _models_handler(self, request: web.Request) -> web.StreamResponse:
        self.record(-1, "models", request.path, None)
        self.models_requests += 1
        if (denied := self._unauthorized(request)) is not None:
            return denied
        created = 1_700_000_000
        return web.json_response(
            {
                "object": "list",
                "data": [
                    {"id": m, "object": "model", "created": created, "owned_by": "system"}
                    for m in self._models
                ],
            }
        )

    def _next_reply(self, body: dict[str, Any]) -> ScriptedReply:
        if self._responder is not None:
            return self._responder(body)
        reply = next(self._replies, None)
        if reply is None:
            return ScriptedReply(text=EXHAUSTED_REPLY)
        return ScriptedReply(text=reply) if isinstance(reply, str) else reply

    async def _chat_handler(self, request: web.Request) -> web.StreamResponse:
        index = self.next_request_index()
        loop = asyncio.get_running_loop()
        raw = await request.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        self.record(index, "chat", request.path, body)
        model = str(body.get("model", "")) if isinstance(body, dict) else ""
        timing = ChatRequestTiming(index=index, model=model, arrived_at=loop.time())
        self.timings.append(timing)
        if not isinstance(body, dict):
            timing.status = 400
            return _error_response(
                400, "We could not parse the JSON body of your request.", "invalid_request_error"
            )
        self.requests.append(body)

        if (denied := self._unauthorized(request)) is not None:
            timing.status = denied.status
            return denied
        if (fault := self.faults.first(index, "http_error")) is not None:
            timing.status = fault.status
            await asyncio.sleep(fault.seconds)
            return _fault_response(fault, model)
        if (hang := _hang_before_headers(self.faults.for_request(index))) is not None:
            await hold_until_client_leaves(request, half_open=hang.kind == "half_open")
            timing.cancelled = True
            timing.finished_at = loop.time()
            return web.Response(status=504)
        if not body.get("messages") or not model:
            timing.status = 400
            return _error_response(
                400, "Missing required parameter: 'messages'.", "invalid_request_error"
            )

        reply = self._next_reply(body)
        ttft_s = self._time_to_first_token(body, timing)
        if not body.get("stream"):
            return await self._complete(request, index, body, reply, timing, ttft_s)
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        chunks = _completion_chunks(
            index, model, body, reply, include_usage=include_usage, timing=timing
        )
        # Every delay of the request is drawn on arrival, so concurrent requests (a
        # preemptive one next to the kept one) cannot reorder each other's draws.
        gap = self.latency.for_model(model).token_gap
        gaps = [gap.sample(self._rng) for _ in chunks]
        log.debug("openai_sim.chat", request=index, model=model, chunks=len(chunks))
        return await self._stream_chunks(request, index, chunks, timing, ttft_s, gaps)

    def _time_to_first_token(self, body: Mapping[str, Any], timing: ChatRequestTiming) -> float:
        """Draw this request's TTFT: the model's base draw plus prefill of the prompt,
        cheaper for the prefix an earlier request already cached."""
        prompt = tuple(prompt_tokens(body))
        timing.prompt_tokens = len(prompt)
        seen = self._seen_prompts.setdefault(timing.model, [])
        timing.cached_tokens = cached_prefix_tokens(prompt, seen)
        seen.append(prompt)
        latency = self.latency.for_model(timing.model)
        timing.drawn_ttft_s = latency.ttft.sample(self._rng) + latency.prefill_s(
            timing.prompt_tokens, timing.cached_tokens
        )
        return timing.drawn_ttft_s

    async def _complete(
        self,
        request: web.Request,
        index: int,
        body: dict[str, Any],
        reply: ScriptedReply,
        timing: ChatRequestTiming,
        ttft_s: float,
    ) -> web.StreamResponse:
        slow = self.faults.first(index, "slow_start")
        await asyncio.sleep(ttft_s + (slow.seconds if slow else 0.0))
        message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
        if reply.tool_calls:
            message["tool_calls"] = [
                {
                    "id": spec.id or _call_id(index, k),
                    "type": "function",
                    "function": {"name": spec.name, "arguments": _arguments_json(spec)},
                }
                for k, spec in enumerate(reply.tool_calls)
            ]
        timing.first_token_at = timing.finished_at = asyncio.get_running_loop().time()
        return web.json_response(
            {
                "id": _completion_id(index),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": timing.model,
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "logprobs": None,
                        "finish_reason": "tool_calls" if reply.tool_calls else "stop",
                    }
                ],
                "usage": _usage(body, reply, timing),
                "system_fingerprint": "fp_sim",
            }
        )

    async def _stream_chunks(
        self,
        request: web.Request,
        index: int,
        chunks: list[dict[str, Any]],
        timing: ChatRequestTiming,
        ttft_s: float,
        gaps: list[float],
    ) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        faults = self.faults.for_request(index)
        slow = next((f for f in faults if f.kind == "slow_start"), None)
        if slow is not None:
            await asyncio.sleep(slow.seconds)
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
            }
        )
        try:
            await response.prepare(request)
            await asyncio.sleep(ttft_s)
            for n, chunk in enumerate(chunks):
                if await _inject_fault(faults, n, response, request):
                    timing.finished_at = loop.time()
                    return response
                if n > 0 and gaps[n] > 0 and _carries_tokens(chunk):
                    await asyncio.sleep(gaps[n])
                await _write(response, f"data: {json.dumps(chunk)}\n\n")
                if timing.first_token_at is None:
                    timing.first_token_at = loop.time()
            await _write(response, "data: [DONE]\n\n")
            await response.write_eof()
        except _ClientGone:
            # Preemptive generation abandons requests mid-stream; that is normal.
            timing.cancelled = True
            log.debug("openai_sim.chat_cancelled", request=index)
        except asyncio.CancelledError:
            timing.cancelled = True
            raise
        finally:
            timing.finished_at = loop.time()
        return response

    async def _speech_handler(self, request: web.Request) -> web.StreamResponse:
        index = next(self._audio_counter)
        try:
            body = await request.json()
        except ValueError:
            body = None
        self.record(index, "speech", request.path, body)
        if (denied := self._unauthorized(request)) is not None:
            return denied
        if not isinstance(body, dict) or not isinstance(body.get("input"), str):
            return _error_response(
                400, "Missing required parameter: 'input'.", "invalid_request_error"
            )
        self.speech_requests.append(body)
        if (fault := self.audio_faults.first(index, "http_error")) is not None:
            await asyncio.sleep(fault.seconds)
            return _fault_response(fault, str(body.get("model", "")))
        if (hang := _hang_before_headers(self.audio_faults.for_request(index))) is not None:
            await hold_until_client_leaves(request, half_open=hang.kind == "half_open")
            return web.Response(status=504)
        fmt = str(body.get("response_format", "mp3"))
        if fmt not in _SUPPORTED_SPEECH_FORMATS:
            # A real server would encode; the simulator has no codecs, so say so loudly.
            return _error_response(
                400,
                f"Simulator supports response_format {list(_SUPPORTED_SPEECH_FORMATS)}, "
                f"got '{fmt}'.",
                "invalid_request_error",
                param="response_format",
            )
        speed = float(body.get("speed") or 1.0)
        pcm = speech_like_pcm(body["input"], SPEECH_SAMPLE_RATE, self.latency.ms_per_char / speed)
        audio = wav_bytes(pcm, SPEECH_SAMPLE_RATE) if fmt == "wav" else pcm
        sse = body.get("stream_format") == "sse"
        content_type = "text/event-stream" if sse else f"audio/{fmt}"
        faults = self.audio_faults.for_request(index)
        slow = next((f for f in faults if f.kind == "slow_start"), None)
        await asyncio.sleep(
            self.latency.tts_ttfb.sample(self._rng) + (slow.seconds if slow else 0.0)
        )
        response = web.StreamResponse(headers={"Content-Type": content_type})
        chunk_bytes = round(SPEECH_SAMPLE_RATE * _SPEECH_CHUNK_MS / 1000) * 2
        pieces = [audio[i : i + chunk_bytes] for i in range(0, len(audio), chunk_bytes)]
        try:
            await response.prepare(request)
            for n, piece in enumerate(pieces):
                if await _inject_fault(faults, n, response, request):
                    return response
                if sse:
                    event = {
                        "type": "speech.audio.delta",
                        "audio": base64.b64encode(piece).decode(),
                    }
                    await _write(response, f"data: {json.dumps(event)}\n\n")
                else:
                    await _write_bytes(response, piece)
                pace = self.latency.tts_realtime_factor * len(piece) / (2 * SPEECH_SAMPLE_RATE)
                await asyncio.sleep(pace)
            if sse:
                input_tokens = len(tokenize(body["input"]))
                output_tokens = len(pcm) // 2 // 480
                done = {
                    "type": "speech.audio.done",
                    "usage": {
                        "input_tokens": input_tokens,
                        "output_tokens": output_tokens,
                        "total_tokens": input_tokens + output_tokens,
                    },
                }
                await _write(response, f"data: {json.dumps(done)}\n\n")
            await response.write_eof()
        except _ClientGone:
            log.debug("openai_sim.speech_cancelled", request=index)
        return response

    async def _transcription_handler(self, request: web.Request) -> web.StreamResponse:
        index = next(self._audio_counter)
        if (denied := self._unauthorized(request)) is not None:
            self.record(index, "transcription", request.path, None)
            return denied
        form = await request.post()
        fields: dict[str, Any] = {}
        for name, value in form.items():
            if isinstance(value, web.FileField):
                audio = value.file.read()
                fields["file_name"] = value.filename
                fields["file_bytes"] = len(audio)
                fields.update(_wav_info(audio))
            else:
                fields[name] = value
        self.record(index, "transcription", request.path, fields)
        self.transcription_requests.append(fields)
        if (fault := self.audio_faults.first(index, "http_error")) is not None:
            await asyncio.sleep(fault.seconds)
            return _fault_response(fault, str(fields.get("model", "")))
        if (hang := _hang_before_headers(self.audio_faults.for_request(index))) is not None:
            await hold_until_client_leaves(request, half_open=hang.kind == "half_open")
            return web.Response(status=504)
        slow = self.audio_faults.first(index, "slow_start")
        await asyncio.sleep(
            self.latency.tts_ttfb.sample(self._rng) + (slow.seconds if slow else 0.0)
        )
        text = self._transcripts.popleft() if self._transcripts else ""
        self.transcribed += 1
        fmt = fields.get("response_format", "json")
        if fmt == "text":
            return web.Response(text=text + "\n", content_type="text/plain")
        payload: dict[str, Any] = {"text": text}
        if fmt == "verbose_json":
            payload = {
                "task": "transcribe",
                "language": "english",
                "duration": fields.get("duration_s", 0.0),
                "text": text,
                "segments": [],
            }
        return web.json_response(payload)


def _content_text(message: Mapping[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, Mapping) and part.get("type") == "text"
        )
    return ""


def _completion_id(index: int) -> str:
    return f"chatcmpl-sim{index:06d}"


def _call_id(index: int, k: int) -> str:
    return f"call_sim{index:04d}x{k:02d}"


def _arguments_json(spec: ToolCallSpec) -> str:
    return spec.arguments if isinstance(spec.arguments, str) else json.dumps(spec.arguments)


def prompt_tokens(body: Mapping[str, Any]) -> list[str]:
    """The prompt as the simulator counts it: the tool definitions, then every message
    framed by 4 tokens, as OpenAI's accounting does."""
    tokens: list[str] = []
    if tools := body.get("tools"):
        tokens += tokenize(json.dumps(tools, sort_keys=True))
    for message in body.get("messages", []):
        tokens += ["<|start|>", str(message.get("role", "")), "<|message|>"]
        tokens += tokenize(_content_text(message))
        if message.get("tool_calls"):
            tokens += tokenize(json.dumps(message["tool_calls"], sort_keys=True))
        tokens.append("<|end|>")
    return tokens


def cached_prefix_tokens(prompt: Sequence[str], seen: Iterable[Sequence[str]]) -> int:
    """Tokens of ``prompt`` OpenAI would serve from its prompt cache.

    The longest prefix shared with an earlier prompt, counted only from 1024 tokens on
    and in whole 128-token increments (OpenAI's prompt-caching guide). The cache's
    5-10 minute idle eviction is not modelled: simulated calls are shorter.
    """
    if len(prompt) < CACHE_MIN_TOKENS:
        return 0
    longest = max((_common_prefix(prompt, earlier) for earlier in seen), default=0)
    if longest < CACHE_MIN_TOKENS:
        return 0
    return longest // CACHE_INCREMENT_TOKENS * CACHE_INCREMENT_TOKENS


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _hang_before_headers(faults: Iterable[Fault]) -> Fault | None:
    return next(
        (f for f in faults if f.kind in ("hang", "half_open") and f.after_messages == 0), None
    )


def _usage(
    body: Mapping[str, Any], reply: ScriptedReply, timing: ChatRequestTiming | None = None
) -> dict[str, Any]:
    prompt = timing.prompt_tokens if timing is not None else len(prompt_tokens(body))
    cached = timing.cached_tokens if timing is not None else 0
    completion = len(tokenize(reply.text)) + sum(
        len(tokenize(_arguments_json(s))) + 3 for s in reply.tool_calls
    )
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _completion_chunks(
    index: int,
    model: str,
    body: Mapping[str, Any],
    reply: ScriptedReply,
    *,
    include_usage: bool,
    timing: ChatRequestTiming | None = None,
) -> list[dict[str, Any]]:
    """Every ``chat.completion.chunk`` of one streamed answer, in order."""
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": _completion_id(index),
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "service_tier": "default",
            "system_fingerprint": "fp_sim",
            "choices": [
                {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            ],
        }
        if include_usage:
            # OpenAI puts "usage": null on every chunk but the last when usage is asked for.
            out["usage"] = None
        return out

    chunks = [chunk({"role": "assistant", "content": "", "refusal": None})]
    chunks += [chunk({"content": token}) for token in tokenize(reply.text)]
    for k, spec in enumerate(reply.tool_calls):
        args = _arguments_json(spec)
        head = {
            "index": k,
            "id": spec.id or _call_id(index, k),
            "type": "function",
            "function": {"name": spec.name, "arguments": ""},
        }
        chunks.append(chunk({"tool_calls": [head]}))
        for i in range(0, len(args), _ARGUMENT_PIECE_CHARS):
            piece = args[i : i + _ARGUMENT_PIECE_CHARS]
            chunks.append(chunk({"tool_calls": [{"index": k, "function": {"arguments": piece}}]}))
    chunks.append(chunk({}, "tool_calls" if reply.tool_calls else "stop"))
    if include_usage:
        last = chunk({})
        last["choices"] = []
        last["usage"] = _usage(body, reply, timing)
        chunks.append(last)
    return chunks


def _carries_tokens(chunk: Mapping[str, Any]) -> bool:
    choices = chunk.get("choices") or []
    return bool(choices) and bool(choices[0]["delta"])


async def _write(response: web.StreamResponse, text: str) -> None:
    await _write_bytes(response, text.encode())


async def _write_bytes(response: web.StreamResponse, data: bytes) -> None:
    try:
        await response.write(data)
    except (ConnectionResetError, ConnectionError) as e:
        raise _ClientGone from e


async def _inject_fault(
    faults: list[Fault], sent: int, response: web.StreamResponse, request: web.Request
) -> bool:
    """Apply the faults due before message number ``sent``; True when the stream is over."""
    for fault in faults:
        if fault.after_messages != sent:
            continue
        if fault.kind == "stall":
            await asyncio.sleep(fault.seconds)
        elif fault.kind == "malformed":
            await _write(response, 'data: {"id": "chatcmpl-broken", "choices": [{"delta": \n\n')
        elif fault.kind == "invalid_utf8":
            # A lone UTF-8 lead byte: the event's bytes cannot be decoded.
            await _write_bytes(
                response,
                b'data: {"id": "chatcmpl-broken", "object": "chat.completion.chunk", '
                b'"choices": [{"index": 0, "delta": {"content": "caf\xc3"}}]}\n\n',
            )
        elif fault.kind == "disconnect":
            # Drop the TCP connection mid-body: the client sees a truncated stream.
            if request.transport is not None:
                request.transport.close()
            return True
        elif fault.kind in ("hang", "half_open"):
            # Silent mid-stream: only the client's read timeout ends this.
            await hold_until_client_leaves(request, half_open=fault.kind == "half_open")
            return True
    return False


def _error_response(
    status: int,
    message: str,
    error_type: str,
    code: str | None = None,
    *,
    param: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    return web.json_response(
        {"error": {"message": message, "type": error_type, "param": param, "code": code}},
        status=status,
        headers=headers,
    )


def _fault_response(fault: Fault, model: str) -> web.Response:
    if fault.status == 429:
        return _error_response(
            429,
            f"Rate limit reached for {model or 'this model'} on requests per min (RPM): "
            "Limit 500, Used 500, Requested 1. Please try again in 1s.",
            "requests",
            "rate_limit_exceeded",
            headers={"retry-after": "1", "x-ratelimit-remaining-requests": "0"},
        )
    if fault.status >= 500:
        return _error_response(
            fault.status,
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
        )
    return _error_response(fault.status, "Simulated request error.", "invalid_request_error")


def _wav_info(data: bytes) -> dict[str, Any]:
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            rate, frames = w.getframerate(), w.getnframes()
            return {
                "sample_rate": rate,
                "channels": w.getnchannels(),
                "duration_s": frames / rate if rate else 0.0,
            }
    except (wave.Error, EOFError):
        return {}
