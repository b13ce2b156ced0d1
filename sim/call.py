"""Simulated calls: the worker's own session factory, the real `AgentSession` and the real
plugins, against the loopback provider simulators, with caller audio from espeak-ng.

The caller's microphone plays WAV audio in real time (20 ms frames); the agent's audio
is captured with timestamps by a simulated loudspeaker. Time-to-first-audio is measured
at that audio boundary: the end of the caller's last voiced sample to the first agent
frame that plays.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import structlog
from livekit import rtc
from livekit.agents import AgentSession, utils, vad
from livekit.agents.llm import ChatMessage, FunctionCall
from livekit.agents.voice.events import (
    AgentStateChangedEvent,
    CloseEvent,
    ConversationItemAddedEvent,
)
from livekit.agents.voice.turn import TurnDetectionMode

from config import Settings
from sim.audio_io import CapturedSegment, CapturingAudioOutput, ScriptedAudioInput
from sim.caller_voice import Utterance, synthesize
from sim.deepgram_listen import DeepgramListenSim, ListenQuery, Segment
from sim.elevenlabs_multistream import ElevenLabsSim
from sim.openai_chat import OpenAIChatSim, ScriptedReply, ToolCallSpec
from sim.profiles import PROFILES, ProviderLatency
from sim.scenario import Scenario, Turn
from sim.settings import simulator_settings
from worker.caller import Caller, describe_caller
from worker.logs import CallIdentity, bind_call
from worker.metrics import CallMetrics
from worker.outcome import CallOutcome
from worker.session_factory import SessionFlavor, build_call
from worker.state import CallState, ToolInvocation

__all__ = ["CallResult", "TurnRecord", "run_call"]

log = structlog.get_logger(__name__)

DEFAULT_CACHE = Path(".cache/caller-voice")
_AGENT_TIMEOUT_S = 20.0
_SIM_KEY = "sim-key"
_T = TypeVar("_T")


@dataclass
class TurnRecord:
    """One caller turn and the agent's answer, as measured."""

    index: int
    caller_text: str
    llm_saw: str | None = None
    agent_text: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    ttfa_ms: float | None = None
    llm_request_ms: float | None = None
    """First chat request of the turn, relative to the end of the caller's speech:
    negative or small with preemptive generation, about the endpointing delay without."""
    premature: bool = False
    paused: bool = False
    e2e_latency_ms: float | None = None
    llm_node_ttft_ms: float | None = None
    tts_node_ttfb_ms: float | None = None
    transcription_delay_ms: float | None = None
    end_of_turn_delay_ms: float | None = None
    speech_end_at: float | None = None
    """Loop time the caller's last voiced sample of the turn played."""
    waited_until: float | None = None
    """Loop time the caller stopped waiting for the answer (answered, timed out, or
    the call ended)."""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class CallResult:
    scenario: str
    caller_kind: str
    flavor: SessionFlavor
    latency: str
    turns: list[TurnRecord]
    llm_requests: list[dict[str, Any]]
    tts_texts: list[str]
    tool_invocations: list[ToolInvocation]
    """What the tools received (real values): in memory for tests, never printed."""
    stt_queries: list[ListenQuery]
    """Each Deepgram connection's parameters, as the simulator received them."""
    tts_queries: list[dict[str, str]]
    """Each ElevenLabs connection's query (output_format, model_id...), as received."""
    usage: dict[str, float]
    """What the framework billed (session_usage_updated), summed over models."""
    agent_audio: list[CapturedSegment] = field(default_factory=list)
    """What the caller's loudspeaker played, frame by frame with loop times."""
    served: dict[str, int] = field(default_factory=dict)
    """Requests each simulator served: which provider answered what (fallbacks)."""
    outcome: CallOutcome | None = None
    """The outcome the worker recorded on the call's state."""
    closed: CloseEvent | None = None
    """The session's own close event, when it ended the call before the caller did."""


class _Responder:
    """Answers each chat request from the scenario's script for the current turn."""

    def __init__(self, turns: Sequence[Turn]) -> None:
        self._turns = turns
        self.turn = 0

    def __call__(self, body: dict[str, Any]) -> ScriptedReply:
        if self.turn >= len(self._turns):
            return ScriptedReply(text="Is there anything else I can help with?")
        script = self._turns[self.turn].agent
        messages = body.get("messages", [])
        after_tool = bool(messages) and messages[-1].get("role") == "tool"
        if script.tool_calls and not after_tool:
            return ScriptedReply(
                tool_calls=tuple(
                    ToolCallSpec(name=c.name, arguments=c.arguments) for c in script.tool_calls
                )
            )
        return ScriptedReply(text=script.reply)


def _user_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000.0, 1)


class _AgentWatch:
    """Follows the agent's state so the caller waits for the answer like a person would."""

    def __init__(self, session: AgentSession[CallState]) -> None:
        self.state = "initializing"
        self.changed = asyncio.Event()
        self.closed: CloseEvent | None = None
        self._hung_up = asyncio.Event()
        self.replies = 0
        """Assistant messages in the history; a bridge line said outside the chat
        context ("One moment, please.") is not an answer, and a caller waits on."""
        session.on("agent_state_changed", self._on_state)
        session.on("close", self._on_close)
        session.on("conversation_item_added", self._on_item)

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        if isinstance(event.item, ChatMessage) and event.item.role == "assistant":
            self.replies += 1
            self.changed.set()

    def _on_close(self, event: CloseEvent) -> None:
        self.closed = event
        self._hung_up.set()
        self.changed.set()

    async def unless_closed(self, step: Awaitable[_T]) -> _T | None:
        """Await a microphone step, or ``None`` once the worker has ended the call (a
        closed session stops pulling audio, so the step would never finish)."""
        work = asyncio.ensure_future(step)
        hangup = asyncio.ensure_future(self._hung_up.wait())
        try:
            await asyncio.wait({work, hangup}, return_when=asyncio.FIRST_COMPLETED)
            return work.result() if work.done() else None
        finally:
            for task in (work, hangup):
                task.cancel()
            await asyncio.gather(work, hangup, return_exceptions=True)

    def _on_state(self, event: AgentStateChangedEvent) -> None:
        self.state = event.new_state
        self.changed.set()

    async def answered(self, spoke_since: list[bool], replies_before: int = -1) -> None:
        """Return once the agent has spoken and gone back to listening (with a reply
        in the history since ``replies_before``, when given)."""
        while (
            not (spoke_since[0] and self.state == "listening" and self.replies > replies_before)
            and self.closed is None
        ):
            self.changed.clear()
            await self.changed.wait()
            if self.state == "speaking":
                spoke_since[0] = True


async def _voice(scenario: Scenario, cache_dir: Path) -> list[list[Utterance | float]]:
    narrowband = scenario.caller == "phone"
    turns: list[list[Utterance | float]] = []
    for turn in scenario.turns:
        parts: list[Utterance | float] = []
        for part in turn.caller:
            if part.say:
                parts.append(await synthesize(part.say, cache_dir=cache_dir, narrowband=narrowband))
            elif part.pause:
                parts.append(part.pause)
        turns.append(parts)
    return turns


@contextlib.asynccontextmanager
async def _simulators(
    scenario: Scenario, latency: ProviderLatency, responder: _Responder
) -> AsyncIterator[tuple[DeepgramListenSim, OpenAIChatSim, ElevenLabsSim]]:
    async with (
        DeepgramListenSim(
            latency=latency.deepgram, faults=scenario.faults.plan("deepgram"), api_key=_SIM_KEY
        ) as deepgram,
        OpenAIChatSim(
            responder=responder,
            latency=latency.openai,
            faults=scenario.faults.plan("openai"),
            api_key=_SIM_KEY,
            # What the OpenAI STT fallback transcribes, should Deepgram be down.
            transcripts=[part.heard for turn in scenario.turns for part in turn.spoken_parts],
        ) as openai,
        ElevenLabsSim(
            latency=latency.elevenlabs,
            faults=scenario.faults.plan("elevenlabs"),
            api_key=_SIM_KEY,
        ) as elevenlabs,
    ):
        yield deepgram, openai, elevenlabs


async def run_call(
    scenario: Scenario,
    *,
    vad_model: vad.VAD,
    flavor: SessionFlavor = "tuned",
    latency: ProviderLatency | None = None,
    base_settings: Settings | None = None,
    cache_dir: Path = DEFAULT_CACHE,
    audio_turn_detector: TurnDetectionMode | None = None,
) -> CallResult:
    """Run one simulated call end to end and measure every turn.

    Args:
        scenario: what the caller says and what the scripted LLM answers.
        vad_model: a loaded Silero VAD (the worker's prewarm loads the same).
        flavor: ``tuned`` (our profile) or ``vanilla`` (AgentSession defaults).
        latency: provider latency profile; the scenario's named one by default.
        base_settings: settings to start from; provider endpoints are pointed at the
            simulators and keys set to the simulators' key.
        cache_dir: where synthesised caller speech is cached.
        audio_turn_detector: the prewarmed offline end-of-turn model, as the worker
            passes it when ``latency.turn_detection`` is ``audio``.
    """
    latency = latency or PROFILES[scenario.latency]
    voiced = await _voice(scenario, cache_dir)
    responder = _Responder(scenario.turns)
    async with _simulators(scenario, latency, responder) as (deepgram, openai, elevenlabs):
        for turn, parts in zip(scenario.turns, voiced, strict=True):
            utterances = [p for p in parts if isinstance(p, Utterance)]
            deepgram.push(
                *(
                    Segment(part.heard, duration_s=u.voiced_duration_s)
                    for part, u in zip(turn.spoken_parts, utterances, strict=True)
                )
            )
        settings = simulator_settings(
            base_settings,
            deepgram_url=deepgram.base_url,
            openai_url=openai.base_url,
            elevenlabs_url=elevenlabs.base_url,
            api_key=_SIM_KEY,
        )
        caller = describe_caller(
            participant_kind=(
                rtc.ParticipantKind.PARTICIPANT_KIND_SIP
                if scenario.caller == "phone"
                else rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD
            ),
            identity=f"sim-{scenario.caller}",
            attributes=(
                {"sip.callID": f"SCL_sim_{scenario.name}", "sip.phoneNumber": "+15550100"}
                if scenario.caller == "phone"
                else {}
            ),
            tenant=scenario.tenant,
        )
        bind_call(
            CallIdentity(
                call_id=caller.call_id or f"sim-{scenario.name}",
                room=f"sim-{scenario.name}",
                job_id="sim",
                caller_kind=caller.kind,
            )
        )
        async with utils.http_context.open():
            turns, windows, state, usage, heard, closed = await _converse(
                scenario,
                settings,
                caller,
                voiced,
                responder,
                vad_model,
                flavor,
                audio_turn_detector,
            )
        _fill_llm_saw(turns, windows, openai)
        return CallResult(
            scenario=scenario.name,
            caller_kind=scenario.caller,
            flavor=flavor,
            latency=latency.name,
            turns=turns,
            llm_requests=list(openai.requests),
            tts_texts=["".join(pieces) for pieces in elevenlabs.contexts.values()],
            tool_invocations=list(state.tool_invocations),
            stt_queries=[c.query for c in deepgram.connections if c.query is not None],
            tts_queries=[c.query for c in elevenlabs.connections],
            usage=usage,
            agent_audio=heard,
            served={
                "stt_deepgram_connections": len(deepgram.connections),
                "stt_openai_transcriptions": len(openai.transcription_requests),
                "llm_requests": len(openai.requests),
                "tts_elevenlabs_contexts": len(elevenlabs.contexts),
                "tts_openai_speech": len(openai.speech_requests),
            },
            outcome=state.outcome,
            closed=closed,
        )


def _fill_llm_saw(
    records: list[TurnRecord],
    windows: list[tuple[float, float, float]],
    openai: OpenAIChatSim,
) -> None:
    """What the LLM provider actually received: the last user message of each turn's
    last request, read off the simulator's wire record."""
    for record, (start, end, caller_end) in zip(records, windows, strict=True):
        for body, timing in zip(openai.requests, openai.timings, strict=False):
            if not start <= timing.arrived_at <= end or not isinstance(body, dict):
                continue
            if record.llm_request_ms is None:
                record.llm_request_ms = _ms(timing.arrived_at - caller_end)
            users = [m for m in body.get("messages", []) if m.get("role") == "user"]
            if users:
                record.llm_saw = _user_text(users[-1])


async def _converse(
    scenario: Scenario,
    settings: Settings,
    caller: Caller,
    voiced: list[list[Utterance | float]],
    responder: _Responder,
    vad_model: vad.VAD,
    flavor: SessionFlavor,
    audio_turn_detector: TurnDetectionMode | None,
) -> tuple[
    list[TurnRecord],
    list[tuple[float, float, float]],
    CallState,
    dict[str, float],
    list[CapturedSegment],
    CloseEvent | None,
]:
    call = build_call(
        settings,
        caller,
        vad_model=vad_model,
        audio_turn_detector=audio_turn_detector,
        flavor=flavor,
    )
    first = next(p for parts in voiced for p in parts if isinstance(p, Utterance))
    mic = ScriptedAudioInput(sample_rate=first.sample_rate)
    speaker = CapturingAudioOutput(sample_rate=call.profile.tts_sample_rate)
    session = call.session
    session.input.audio = mic
    session.output.audio = speaker
    watch = _AgentWatch(session)
    metrics = CallMetrics(session)
    records: list[TurnRecord] = []
    windows: list[tuple[float, float]] = []
    loop_windows: list[tuple[float, float, float]] = []
    call.prewarm(settings)
    async with speaker:
        await session.start(agent=call.agent, record=False)
        await mic.silence(0.3)
        try:
            for index, (turn, parts) in enumerate(zip(scenario.turns, voiced, strict=True)):
                if watch.closed is not None:
                    break  # the worker ended the call: the caller has nobody to talk to
                responder.turn = index
                record = TurnRecord(
                    index=index, caller_text=turn.caller_text, paused=turn.has_pause
                )
                began_wall = time.time()
                began_loop = asyncio.get_running_loop().time()
                spoke = [False]
                replies_before = watch.replies
                last_end = began_loop
                for part in parts:
                    if isinstance(part, Utterance):
                        said = await watch.unless_closed(mic.say(part))
                        last_end = said.end if said is not None else last_end
                    else:
                        await watch.unless_closed(mic.silence(part))
                    if watch.state == "speaking":
                        spoke[0] = True
                first_audio = speaker.first_frame_after(began_loop)
                record.premature = first_audio is not None and first_audio < last_end
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watch.answered(spoke, replies_before), _AGENT_TIMEOUT_S)
                after = speaker.first_frame_after(last_end)
                record.ttfa_ms = _ms(after - last_end) if after is not None else None
                record.speech_end_at = last_end
                record.waited_until = asyncio.get_running_loop().time()
                records.append(record)
                windows.append((began_wall, time.time()))
                loop_windows.append((began_loop, asyncio.get_running_loop().time(), last_end))
                await watch.unless_closed(mic.silence(scenario.gap_after_agent))
        finally:
            await session.aclose()
            await mic.aclose()
    _fill_from_history(records, windows, session)
    heard = list(speaker.segments)
    return records, loop_windows, call.state, metrics.totals(), heard, watch.closed


def _fill_from_history(
    records: list[TurnRecord],
    windows: list[tuple[float, float]],
    session: AgentSession[CallState],
) -> None:
    """Attach the framework's own view (chat history, metrics) to each turn."""

    def turn_of(created_at: float) -> TurnRecord | None:
        for record, (start, end) in zip(records, windows, strict=True):
            if start <= created_at <= end:
                return record
        return None

    for item in session.history.items:
        record = turn_of(item.created_at)
        if record is None:
            continue
        if isinstance(item, ChatMessage) and item.role == "user":
            record.transcription_delay_ms = _ms(item.metrics.get("transcription_delay"))
            record.end_of_turn_delay_ms = _ms(item.metrics.get("end_of_turn_delay"))
        elif isinstance(item, ChatMessage) and item.role == "assistant":
            text = item.text_content or ""
            record.agent_text = f"{record.agent_text} {text}".strip()
            record.e2e_latency_ms = record.e2e_latency_ms or _ms(item.metrics.get("e2e_latency"))
            record.llm_node_ttft_ms = record.llm_node_ttft_ms or _ms(
                item.metrics.get("llm_node_ttft")
            )
            record.tts_node_ttfb_ms = record.tts_node_ttfb_ms or _ms(
                item.metrics.get("tts_node_ttfb")
            )
        elif isinstance(item, FunctionCall):
            record.tool_calls.append({"name": item.name, "arguments": item.arguments})
