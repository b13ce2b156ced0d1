"""Scripted models for deterministic agent tests, the way livekit-agents tests itself
(its ``tests/fake_llm.py``, ``fake_tts.py`` and ``fake_io.py``): in-process subclasses of
the framework's base classes, so the real `AgentSession` and our real `CallAgent` run a
turn in milliseconds with no network and no real-time audio.

- `ScriptedLLM` answers each request with the next scripted `Reply` (text, tool calls or
  an error) and keeps every chat context it was sent: what the model saw.
- `RecordingTTS` keeps every text it was asked to speak (what the caller hears) and
  returns a few milliseconds of silence for it.
- `InstantSpeaker` is an audio output that plays whatever it gets at once, so the session
  takes its speech path (our ``tts_node``) without waiting for audio in real time.
- `build_scripted_call` builds the call through the worker's one session factory, with
  these models in place of the providers.

These stand in for providers, never for the pipeline: tests that claim to test the wire
path use the simulators in ``sim/``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from livekit import rtc
from livekit.agents import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    AgentSession,
    APIConnectOptions,
    APIError,
    NotGivenOr,
    llm,
    stt,
    tts,
    utils,
    vad,
)
from livekit.agents.voice import io

from config import Settings, TenantSettings
from worker.call.state import CallState
from worker.caller import Caller
from worker.providers.providers import Providers, SharedOpenAIClient
from worker.session_factory import CallSession, build_call

__all__ = [
    "InstantSpeaker",
    "RecordingTTS",
    "Reply",
    "ScriptedCall",
    "ScriptedLLM",
    "ToolCall",
    "build_scripted_call",
    "scripted_call",
    "scripted_settings",
]

KEYS = {"openai_api_key": "k", "deepgram_api_key": "k", "eleven_api_key": "k"}
_CHUNK_CHARS = 3  # small chunks, so a placeholder is split across them as a real stream does


def scripted_settings(**overrides: Any) -> Settings:
    """Settings as a deployment would have them, minus the developer's environment.

    Waits are shortened by replacing fields: no pause between retries of a failing
    model, and no wait at close for a last transcript (text-mode runs have no audio).
    """
    providers = {
        **KEYS,
        "retry_interval": 0.0,
        "stt_close_timeout": 0.0,
        **overrides.pop("providers", {}),
    }
    # The opener audio store is process-wide: an opener another test cached would play
    # without passing the TTS, and what the caller heard would depend on test order.
    latency = {"phrase_cache": False, **overrides.pop("latency", {})}
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        providers=providers,  # type: ignore[arg-type]
        latency=latency,  # type: ignore[arg-type]
        **overrides,
    )


@dataclass(frozen=True)
class ToolCall:
    """One tool call the model makes. ``arguments`` as a dict is sent as its JSON; as a
    string it is sent verbatim (a truncated or invalid call)."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)

    def wire_arguments(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments)


@dataclass(frozen=True)
class Reply:
    """One answer of the model: text, then tool calls; or an error instead.

    Args:
        text: what the model writes (streamed in small chunks).
        tool_calls: the tools it calls after the text.
        error: raised instead of answering (after ``text``, if any).
    """

    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    error: APIError | None = None


Responder = Callable[[llm.ChatContext], "Reply | str"]


class ScriptedLLM(llm.LLM[Any]):
    """Answers request n with reply n, or each request with what ``responder`` says
    for it; records each request's chat context.

    A request beyond the script fails the turn with an `AssertionError` naming it, so a
    test never passes on a model call it did not expect. A responder suits voice turns,
    where preemptive generation makes the number of requests the session's choice.
    """

    def __init__(
        self, *replies: Reply | str, responder: Responder | None = None, label: str = "scripted"
    ) -> None:
        super().__init__()
        self._replies = [Reply(text=r) if isinstance(r, str) else r for r in replies]
        self._responder = responder
        self._label_name = label
        self.requests: list[llm.ChatContext] = []
        self.offered_tools: list[list[str]] = []
        self._call_ids = itertools.count(1)

    @property
    def model(self) -> str:
        return self._label_name

    @property
    def provider(self) -> str:
        return "scripted"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> llm.LLMStream:
        index = len(self.requests)
        self.requests.append(chat_ctx.copy())
        self.offered_tools.append([_tool_name(t) for t in tools or []])
        reply: Reply | str | None
        if self._responder is not None:
            reply = self._responder(chat_ctx)
        else:
            reply = self._replies[index] if index < len(self._replies) else None
        if isinstance(reply, str):
            reply = Reply(text=reply)
        return _ScriptedStream(
            self,
            reply,
            index=index,
            chat_ctx=chat_ctx,
            tools=tools or [],
            conn_options=conn_options,
        )

    def user_texts(self, request: int = -1) -> list[str]:
        """The user messages of one request, as the model received them."""
        return [
            item.text_content or ""
            for item in self.requests[request].items
            if item.type == "message" and item.role == "user"
        ]

    def tool_outputs(self, request: int = -1) -> list[str]:
        """The tool results of one request, as the model received them."""
        return [
            item.output
            for item in self.requests[request].items
            if item.type == "function_call_output"
        ]

    def next_call_id(self) -> str:
        return f"call_{next(self._call_ids)}"


def _tool_name(tool: llm.Tool) -> str:
    info = getattr(tool, "info", None)
    return str(getattr(info, "name", tool))


class _ScriptedStream(llm.LLMStream):
    def __init__(
        self,
        model: ScriptedLLM,
        reply: Reply | None,
        *,
        index: int,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        conn_options: APIConnectOptions,
    ) -> None:
        super().__init__(model, chat_ctx=chat_ctx, tools=tools, conn_options=conn_options)
        self._model = model
        self._reply = reply
        self._index = index

    async def _run(self) -> None:
        reply = self._reply
        if reply is None:
            raise AssertionError(f"unscripted LLM request #{self._index + 1}")
        request_id = f"scripted-{self._index}"
        for start in range(0, len(reply.text), _CHUNK_CHARS):
            self._send(request_id, content=reply.text[start : start + _CHUNK_CHARS])
            await asyncio.sleep(0)  # let the session consume it, as network reads would
        if reply.error is not None:
            raise reply.error
        if reply.tool_calls:
            calls = [
                llm.FunctionToolCall(
                    name=call.name,
                    arguments=call.wire_arguments(),
                    call_id=self._model.next_call_id(),
                )
                for call in reply.tool_calls
            ]
            self._send(request_id, tool_calls=calls)

    def _send(
        self,
        request_id: str,
        *,
        content: str | None = None,
        tool_calls: list[llm.FunctionToolCall] | None = None,
    ) -> None:
        self._event_ch.send_nowait(
            llm.ChatChunk(
                id=request_id,
                delta=llm.ChoiceDelta(
                    role="assistant", content=content, tool_calls=tool_calls or []
                ),
            )
        )


class RecordingTTS(tts.TTS[Any]):
    """A non-streaming TTS that records each text it is given and returns 10 ms of
    silence for it (the session's stream adapter cuts the reply into sentences), or
    raises ``error`` instead: a provider that is down."""

    def __init__(self, *, sample_rate: int = 16000, error: APIError | None = None) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=sample_rate,
            num_channels=1,
        )
        self.texts: list[str] = []
        self.error = error

    @property
    def heard(self) -> str:
        """Everything the caller was played, in order."""
        return " ".join(t.strip() for t in self.texts if t.strip())

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        self.texts.append(text)
        return _SilentChunk(tts=self, input_text=text, conn_options=conn_options)


class _SilentChunk(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        assert isinstance(self._tts, RecordingTTS)
        if self._tts.error is not None:
            raise self._tts.error
        rate = self._tts.sample_rate
        output_emitter.initialize(
            request_id=utils.shortuuid("recording_tts_"),
            sample_rate=rate,
            num_channels=1,
            mime_type="audio/pcm",
        )
        output_emitter.push(b"\x00\x00" * (rate // 100))
        output_emitter.flush()


class _NoAudioSTT(stt.STT[Any]):
    """Text-mode runs (`session.run(user_input=...)`) never reach the STT."""

    def __init__(self) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        raise AssertionError("a text-mode test sent audio to the STT")


class InstantSpeaker(io.AudioOutput):
    """An audio output that plays each segment out the moment it is flushed: the
    session's speech path runs (tts_node, playout, interruption bookkeeping) with no
    real-time wait, as livekit's own ``FakeAudioOutput`` does with zero duration."""

    def __init__(self) -> None:
        super().__init__(
            label="InstantSpeaker",
            capabilities=io.AudioOutputCapabilities(pause=False),
            next_in_chain=None,
            sample_rate=None,
        )
        self._pushed = 0.0

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if not self._pushed:
            self.on_playback_started(created_at=time.time())
        self._pushed += frame.duration

    def flush(self) -> None:
        super().flush()
        if self._pushed:
            self._finish(interrupted=False)

    def clear_buffer(self) -> None:
        if self._pushed:
            self._finish(interrupted=True)

    def _finish(self, *, interrupted: bool) -> None:
        position, self._pushed = self._pushed, 0.0
        self.on_playback_finished(
            playback_position=position, interrupted=interrupted, synchronized_transcript=None
        )


def build_scripted_call(
    model: llm.LLM[Any],
    *,
    vad_model: vad.VAD,
    caller: Caller | None = None,
    settings: Settings | None = None,
    tenant: TenantSettings | None = None,
    speech: RecordingTTS | None = None,
    stt: stt.STT[Any] | None = None,
    fast_model: llm.LLM[Any] | None = None,
) -> CallSession:
    """The call as the worker builds it (`build_call`), with scripted models.

    Args:
        model: the call's LLM (a `ScriptedLLM`, or a fallback chain of them).
        vad_model: the suite's Silero VAD.
        caller: who calls; an app caller by default.
        settings: the process's settings; `scripted_settings()` by default.
        tenant: the caller's tenant; the settings' inline tenant by default.
        speech: the TTS; a fresh `RecordingTTS` by default.
        stt: the STT; by default one that text-mode runs never reach.
        fast_model: the small model conversational glue is routed to (model routing).
    """
    settings = settings or scripted_settings()
    speech_to_text = stt or _NoAudioSTT()
    providers = Providers(
        stt=speech_to_text,
        stt_engines=(speech_to_text,),
        llm=model,
        fast_llm=fast_model,
        tts=speech or RecordingTTS(),
        openai=SharedOpenAIClient(settings.providers),
    )
    return build_call(
        settings,
        caller or Caller(kind="app", identity="caller"),
        vad_model=vad_model,
        tenant=tenant,
        providers=providers,
    )


@dataclass(frozen=True)
class ScriptedCall:
    """A started call: what the session factory built, and the TTS that heard it."""

    call: CallSession
    speech: RecordingTTS

    @property
    def session(self) -> AgentSession[CallState]:
        return self.call.session

    @property
    def state(self) -> CallState:
        return self.call.state


@asynccontextmanager
async def scripted_call(
    model: llm.LLM[Any],
    *,
    vad_model: vad.VAD,
    speaking: bool = True,
    **options: Any,
) -> AsyncIterator[ScriptedCall]:
    """Build the call, start its session with our agent, and close both afterwards.

    Args:
        model: the call's LLM.
        vad_model: the suite's Silero VAD.
        speaking: give the session an audio output, so replies pass our ``tts_node``
            into the `RecordingTTS` (what the caller would hear).
        options: passed to `build_scripted_call`.
    """
    speech = options.pop("speech", None) or RecordingTTS()
    call = build_scripted_call(model, vad_model=vad_model, speech=speech, **options)
    if speaking:
        call.session.output.audio = InstantSpeaker()
    await call.session.start(call.agent)
    try:
        yield ScriptedCall(call, speech)
    finally:
        await call.session.aclose()
        await call.aclose()
