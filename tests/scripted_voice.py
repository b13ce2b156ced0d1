"""A scripted caller's voice for deterministic agent tests of voice turns, as
livekit-agents' own ``tests/fake_vad.py`` and ``fake_stt.py`` do it: the test says when
speech starts and ends (VAD events) and what the STT heard (final transcripts); the real
`AgentSession` does the rest (our ``stt_node`` redaction, endpointing, our transcript
turn judge, preemptive generation, the reply).

No audio is analysed: one silent frame starts the session's recognition streams, and the
scripted events are sent into them. Timings are real but short (the session's own
endpointing delays, shortened in Settings where a test needs it).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from livekit import rtc
from livekit.agents import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    LanguageCode,
    NotGivenOr,
    llm,
    stt,
    utils,
    vad,
)
from livekit.agents.voice import io
from livekit.agents.voice.events import ConversationItemAddedEvent
from scripted_models import InstantSpeaker, RecordingTTS, ScriptedCall, build_scripted_call

__all__ = ["CallerVoice", "voice_call"]

_RATE = 16000


class _Microphone(io.AudioInput):
    def __init__(self) -> None:
        super().__init__(label="ScriptedMicrophone")
        self._frames = utils.aio.Chan[rtc.AudioFrame]()

    async def __anext__(self) -> rtc.AudioFrame:
        return await self._frames.__anext__()

    def push_silence(self, seconds: float) -> None:
        samples = int(_RATE * seconds)
        self._frames.send_nowait(
            rtc.AudioFrame(
                data=b"\x00\x00" * samples,
                sample_rate=_RATE,
                num_channels=1,
                samples_per_channel=samples,
            )
        )


class _VADStream(vad.VADStream):
    def __init__(self, model: _ScriptedVAD) -> None:
        super().__init__(model)
        model.voice._vad_streams.append(self)

    async def _main_task(self) -> None:
        async for _ in self._input_ch:
            pass  # the scripted events stand for what the audio held

    def send(self, kind: vad.VADEventType, *, speech: float, silence: float) -> None:
        self._event_ch.send_nowait(
            vad.VADEvent(
                type=kind,
                samples_index=0,
                timestamp=asyncio.get_running_loop().time(),
                speech_duration=speech,
                silence_duration=silence,
                speaking=kind == vad.VADEventType.START_OF_SPEECH,
            )
        )


class _ScriptedVAD(vad.VAD):
    def __init__(self, voice: CallerVoice) -> None:
        super().__init__(capabilities=vad.VADCapabilities(update_interval=0.05))
        self.voice = voice

    def stream(self) -> vad.VADStream:
        return _VADStream(self)


class _STTStream(stt.RecognizeStream):
    def __init__(self, model: _ScriptedSTT, conn_options: APIConnectOptions) -> None:
        super().__init__(stt=model, conn_options=conn_options, sample_rate=_RATE)
        model.voice._stt_streams.append(self)
        model.voice._stt_opened.set()

    async def _run(self) -> None:
        async for _ in self._input_ch:
            pass

    def send(self, kind: stt.SpeechEventType, text: str = "") -> None:
        alternatives = (
            [stt.SpeechData(language=LanguageCode("en"), text=text, confidence=1.0)]
            if kind == stt.SpeechEventType.FINAL_TRANSCRIPT
            else []
        )
        self.send_event(stt.SpeechEvent(type=kind, alternatives=alternatives))

    def send_event(self, event: stt.SpeechEvent) -> None:
        """Hand the session ``event`` as the STT's own."""
        self._event_ch.send_nowait(event)


class _ScriptedSTT(stt.STT[Any]):
    def __init__(self, voice: CallerVoice) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=True, interim_results=False))
        self.voice = voice

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        raise AssertionError("the scripted STT only streams")

    def stream(
        self,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> stt.RecognizeStream:
        return _STTStream(self, conn_options)


@dataclass
class CallerVoice:
    """The caller, as the session hears them: speech start and end, and STT finals."""

    _vad_streams: list[_VADStream] = field(default_factory=list)
    _stt_streams: list[_STTStream] = field(default_factory=list)
    _stt_opened: asyncio.Event = field(default_factory=asyncio.Event)
    microphone: _Microphone = field(default_factory=_Microphone)

    def __post_init__(self) -> None:
        self.vad = _ScriptedVAD(self)
        self.stt = _ScriptedSTT(self)

    async def _streams(self) -> tuple[_VADStream, _STTStream]:
        # The session opens its streams when the first frame arrives.
        for _ in range(200):
            if self._vad_streams and self._stt_streams:
                return self._vad_streams[-1], self._stt_streams[-1]
            await asyncio.sleep(0.005)
        raise AssertionError("the session never opened its VAD and STT streams")

    async def stt_stream(self) -> _STTStream:
        """The latest STT stream the session opened, once it has opened one (unbounded:
        the caller bounds the wait)."""
        await self._stt_opened.wait()
        return self._stt_streams[-1]

    async def say(self, *finals: str, pause: float = 0.0, stt_lag: float = 0.02) -> None:
        """One stretch of speech, transcribed as ``finals``; ``pause`` of silence between
        finals ends the VAD's speech and starts it again, as a caller catching their
        breath between digit groups does."""
        vad_stream, stt_stream = await self._streams()
        for i, text in enumerate(finals):
            vad_stream.send(vad.VADEventType.START_OF_SPEECH, speech=0.3, silence=0.0)
            stt_stream.send(stt.SpeechEventType.START_OF_SPEECH)
            await asyncio.sleep(stt_lag)
            stt_stream.send(stt.SpeechEventType.FINAL_TRANSCRIPT, text)
            vad_stream.send(vad.VADEventType.END_OF_SPEECH, speech=1.0, silence=0.2)
            stt_stream.send(stt.SpeechEventType.END_OF_SPEECH)
            if i < len(finals) - 1 and pause:
                await asyncio.sleep(pause)


@dataclass
class VoiceCall:
    """A started voice call: the scripted call plus the caller's voice and what the
    session added to the conversation."""

    scripted: ScriptedCall
    voice: CallerVoice
    # What conversation_item_added carried: messages and hand-offs.
    items: list[Any] = field(default_factory=list)
    _added: asyncio.Event = field(default_factory=asyncio.Event)

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        self.items.append(event.item)
        self._added.set()

    def said(self, role: str) -> list[str]:
        return [
            item.text_content or ""
            for item in self.items
            if item.type == "message" and item.role == role
        ]

    async def reply(self, count: int = 1, timeout: float = 5.0) -> str:
        """Wait until the agent has said ``count`` messages in all; the last of them."""

        async def wait() -> None:
            while len(self.said("assistant")) < count:
                self._added.clear()
                await self._added.wait()

        await asyncio.wait_for(wait(), timeout)
        return self.said("assistant")[count - 1]


@asynccontextmanager
async def voice_call(
    model: llm.LLM[Any], *, settings: Any = None, **options: Any
) -> AsyncIterator[VoiceCall]:
    """The call as the worker builds it, with a scripted caller voice for its VAD and
    STT, started and closed around the test."""
    voice = CallerVoice()
    speech = RecordingTTS()
    call = build_scripted_call(
        model, vad_model=voice.vad, speech=speech, stt=voice.stt, settings=settings, **options
    )
    call.session.input.audio = voice.microphone
    call.session.output.audio = InstantSpeaker()
    session = VoiceCall(ScriptedCall(call, speech), voice)
    call.session.on("conversation_item_added", session._on_item)
    await call.session.start(call.agent)
    voice.microphone.push_silence(0.1)
    try:
        yield session
    finally:
        await call.session.aclose()
        await call.aclose()
