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
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import structlog
from livekit.agents import AgentSession, utils, vad
from livekit.agents.llm import ChatMessage, FunctionCall
from livekit.agents.voice.events import (
    AgentStateChangedEvent,
    ConversationItemAddedEvent,
    UserInputTranscribedEvent,
    UserStateChangedEvent,
)
from livekit.protocol import sip
from livekit.protocol.models import ParticipantInfo

from config import Settings, default_settings, load_tenant_directory
from sim.audio_io import CapturingAudioOutput, ScriptedAudioInput
from sim.call_room import SimulatedCallRoom
from sim.caller_voice import Utterance, at_rate, synthesize
from sim.deepgram_flux import DeepgramFluxSim
from sim.deepgram_listen import DeepgramListenSim, ListenQuery, Segment
from sim.elevenlabs_multistream import ElevenLabsSim
from sim.latency_profiles import PROFILES, ProviderLatency
from sim.livekit_twirp import LiveKitTwirpSim
from sim.openai_chat import OpenAIChatSim, ScriptedReply, ToolCallSpec
from sim.premature import premature_turn
from sim.scenario import Scenario, Turn
from sim.settings import simulator_settings
from sim.word_timing import voiced_time, word_ends
from worker.call.state import CallState, ToolInvocation
from worker.channel_profile import channel_profile
from worker.entrypoint import CallServices, StartedCall, start_call
from worker.framework import TurnDetectionMode
from worker.session_factory import SessionFlavor
from worker.telemetry.answer_timing import AnswerTiming, answer_timing, stretches

__all__ = ["STAGES", "CallResult", "TurnRecord", "run_call"]

log = structlog.get_logger(__name__)

_T = TypeVar("_T")

DEFAULT_CACHE = Path(".cache/caller-voice")
_AGENT_TIMEOUT_S = 20.0

STAGES: tuple[str, ...] = (
    "vad_end",
    "stt_final",
    "commit",
    "llm_request",
    "first_token",
    "tts_text",
    "tts_first_audio",
    "played",
)
"""Where a turn's time goes, in the order a serial pipeline would take them, each timed
from the caller's last voiced sample (:attr:`TurnRecord.stages_ms`):

* ``vad_end``: the framework's VAD reported the end of speech (``user_state_changed``
  away from speaking), after its silence window;
* ``stt_final``: the worker received the turn's final transcript (the first after the
  caller stopped; Flux's ``EndOfTurn``);
* ``commit``: the session committed to a reply (agent state ``thinking``): the judge's
  verdict plus the endpointing delay it chose;
* ``llm_request`` / ``first_token``: the chat request whose tokens the caller heard first
  arrived at the provider, and its first token left (a preemptive request can arrive
  before the commit);
* ``tts_text`` / ``tts_first_audio``: the TTS context that spoke the answer got its
  first text, and sent its first audio;
* ``played``: the first audio frame of the answer played (content TTFA).
"""
_SIM_KEY = "sim-key"


@dataclass
class TurnRecord:
    """One caller turn and the agent's answer, as measured."""

    index: int
    caller_text: str
    llm_saw: str | None = None
    agent_text: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    ttfa_ms: float | None = None
    """First-sound TTFA: the caller's last voiced sample to the first agent audio of any
    kind, a filler included."""
    content_ttfa_ms: float | None = None
    """Content TTFA (:mod:`worker.telemetry.answer_timing`): to the first audio of the model's
    words; None when the caller heard none."""
    fillers: list[str] = field(default_factory=list)
    """Our lines the caller heard before the answer (fillers, bridge lines)."""
    filler_kinds: list[str] = field(default_factory=list)
    silence_after_filler_ms: float | None = None
    filler_delay_ms: float | None = None
    """How long the answer, ready to play, waited behind a filler."""
    llm_request_ms: float | None = None
    """First chat request of the turn, relative to the end of the caller's speech:
    negative or small with preemptive generation, about the endpointing delay without."""
    llm_first_token_ms: float | None = None
    """The first token any of the turn's chat requests got, relative to the end of the
    caller's speech: audio before it was not the LLM's."""
    premature: bool = False
    """The agent committed to a reply or spoke before the caller finished
    (:func:`sim.premature.premature_turn`)."""
    turn_committed_ms: float | None = None
    """When the agent first committed to a reply, relative to the end of the caller's
    speech: negative means it did so before the caller finished."""
    paused: bool = False
    e2e_latency_ms: float | None = None
    llm_node_ttft_ms: float | None = None
    tts_node_ttfb_ms: float | None = None
    transcription_delay_ms: float | None = None
    end_of_turn_delay_ms: float | None = None

    stages_ms: dict[str, float] = field(default_factory=dict)
    """Each of :data:`STAGES` this turn reached, in ms from the caller's last voiced
    sample (a stage the turn did not pass through is absent)."""

    speech_end_at: float | None = None
    """Loop time the caller's last voiced sample of the turn played."""
    said_again: tuple[float, float] | None = None
    """Loop times the caller began and finished saying the turn again, because the agent
    asked them to (its repeat request); timings stay counted from the first saying."""
    waited_until: float | None = None
    """Loop time the caller stopped waiting for the answer (answered, timed out, or
    the call ended)."""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def timing(self) -> AnswerTiming:
        """This turn as :func:`worker.answer_timing.answer_timing` timed it."""

        def s(ms: float | None) -> float | None:
            return None if ms is None else ms / 1000.0

        return AnswerTiming(
            first_sound_s=s(self.ttfa_ms),
            content_s=s(self.content_ttfa_ms),
            fillers=tuple(self.fillers),
            filler_kinds=tuple(self.filler_kinds),
            silence_after_filler_s=s(self.silence_after_filler_ms),
            filler_delay_s=s(self.filler_delay_ms),
        )


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
    outcome: str | None = None
    """How the call ended (`worker.call.outcome.CallOutcome`), as the entrypoint recorded it."""
    tenant: str | None = None
    """The tenant the entrypoint picked."""
    agent_audio: list[tuple[float, float]] = field(default_factory=list)
    """(start, end) loop times of each stretch of agent audio the caller heard."""
    livekit_requests: list[tuple[float, str]] = field(default_factory=list)
    llm_arrivals: list[float] = field(default_factory=list)
    """When each of ``llm_requests`` reached the simulator (event-loop clock)."""
    """(loop time, method) of each request the LiveKit Twirp simulator received."""
    transfers: list[str] = field(default_factory=list)
    """``transfer_to`` of each TransferSIPParticipant the simulator handled."""
    refer_headers: list[dict[str, str]] = field(default_factory=list)
    """The SIP headers of each of those REFERs, as the simulator received them."""
    dials: list[sip.CreateSIPParticipantRequest] = field(default_factory=list)
    """Each CreateSIPParticipant the simulator received (warm transfers' dials)."""
    moved_participants: list[tuple[str, str, str]] = field(default_factory=list)
    """(from room, identity, to room) of each MoveParticipant handled."""
    consult_audio_s: dict[str, float] = field(default_factory=dict)
    """Consult room -> seconds of audio the agent played there (the briefing)."""
    deleted_rooms: list[str] = field(default_factory=list)
    stt_finals: list[str] = field(default_factory=list)
    """Every final transcript the Deepgram simulator sent, in order, read off its wire record."""
    summary: dict[str, Any] = field(default_factory=dict)
    """The `call.summary` event the worker logs for this call (outcome, p50/p95, cost)."""
    observed: dict[str, list[float]] = field(default_factory=dict)
    """Per component (ttfa, llm_ttft...), the figures (ms) the Prometheus histograms got."""
    phrase_cache_hits: int = 0
    phrase_cache_misses: int = 0
    agent_frames: list[tuple[float, float]] = field(default_factory=list)
    """(loop time, duration) of every agent audio frame the caller heard: the gaps
    inside a stretch of audio (a TTS stalling mid-answer) show only at this grain."""
    served: dict[str, int] = field(default_factory=dict)
    """Requests each simulator served: which provider answered what (fallbacks)."""
    stt_lost_words: list[str] = field(default_factory=list)
    """Caller words whose audio went to a Deepgram connection that ended before sending
    them in a final: no later connection hears that audio (the plugin does not replay)."""


class _Responder:
    """Answers each chat request from the scenario's script for the current turn."""

    def __init__(self, turns: Sequence[Turn]) -> None:
        self._turns = turns
        self.turn = 0

    def __call__(self, body: dict[str, Any]) -> ScriptedReply:
        if self.turn >= len(self._turns):
            return ScriptedReply(text="Is there anything else I can help with?")
        script = self._turns[self.turn].agent
        roles = [m.get("role") for m in body.get("messages", [])]
        last_user = max((i for i, role in enumerate(roles) if role == "user"), default=-1)
        # Lines the agent says around a tool (a hand-off) may follow the tool result.
        after_tool = "tool" in roles[last_user + 1 :]
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
        self.closed = False
        self.closed_event = asyncio.Event()
        self.changed = asyncio.Event()
        self.thinking_at: list[float] = []
        """Loop times the agent committed to a reply (state ``thinking``)."""
        self.replies = 0
        """Assistant messages in the history heard to their end; a bridge line said
        outside the chat context ("One moment, please.") is not an answer, and a caller
        waits on."""
        self.vad_ends: list[float] = []
        """Loop times the framework reported the caller's end of speech."""
        self.finals: list[float] = []
        """Loop times the worker received a final transcript."""
        session.on("agent_state_changed", self._on_state)
        session.on("close", self._on_close)
        session.on("conversation_item_added", self._on_item)
        session.on("user_state_changed", self._on_user_state)
        session.on("user_input_transcribed", self._on_transcript)

    def _on_user_state(self, event: UserStateChangedEvent) -> None:
        if event.old_state == "speaking":
            self.vad_ends.append(asyncio.get_running_loop().time())

    def _on_transcript(self, event: UserInputTranscribedEvent) -> None:
        if event.is_final:
            self.finals.append(asyncio.get_running_loop().time())

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        item = event.item
        # A line the agent itself cut off (a repeat request stopped by the late final it
        # asked for) is not an answer: the caller hears a word and waits for the rest.
        if isinstance(item, ChatMessage) and item.role == "assistant" and not item.interrupted:
            self.replies += 1
            self.changed.set()

    def _on_state(self, event: AgentStateChangedEvent) -> None:
        self.state = event.new_state
        if event.new_state == "thinking":
            self.thinking_at.append(asyncio.get_running_loop().time())
        self.changed.set()

    def _on_close(self, _event: object) -> None:
        self.closed = True
        self.closed_event.set()
        self.changed.set()

    async def caller(self, action: Awaitable[_T]) -> _T | None:
        """Run one thing the caller does; None if the call ended first (a closed session
        stops reading the microphone, so waiting on it would never end)."""
        task = asyncio.ensure_future(action)
        closing = asyncio.ensure_future(self.closed_event.wait())
        try:
            await asyncio.wait({task, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            closing.cancel()
        if task.done():
            return task.result()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return None

    async def ended(self, within: float) -> None:
        """Wait up to ``within`` seconds for the call to end (the session to close)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                while not self.closed:
                    self.changed.clear()
                    await self.changed.wait()

    async def answered(self, spoke_since: list[bool], replies_before: int = -1) -> None:
        """Return once the agent has spoken and gone back to listening (with a reply in
        the history since ``replies_before``, when given), or the call ended."""
        while not self.closed and not (
            spoke_since[0] and self.state == "listening" and self.replies > replies_before
        ):
            self.changed.clear()
            await self.changed.wait()
            if self.state == "speaking":
                spoke_since[0] = True


class _SaidAgain:
    """What each STT simulator hears when the caller says a turn again, asked to: the
    turn's scripted words, again, next."""

    def __init__(
        self,
        scenario: Scenario,
        segments: list[list[Segment]],
        deepgram: DeepgramListenSim,
        flux: DeepgramFluxSim,
        openai: OpenAIChatSim,
    ) -> None:
        self._scenario = scenario
        self._segments = segments
        self._deepgram = deepgram
        self._flux = flux
        self._openai = openai
        self._transcribed_before = 0

    def turn_began(self, index: int) -> None:
        self._transcribed_before = self._openai.transcribed

    def say_again(self, index: int) -> None:
        self._deepgram.script.say_again(*self._segments[index])
        self._flux.script.say_again(*self._segments[index])
        if self._openai.transcribed > self._transcribed_before:
            # The fallback STT answered the first saying: it answers the repeat too.
            heard = [part.heard for part in self._scenario.turns[index].spoken_parts]
            self._openai.say_again(*heard)


CallerAction = Utterance | float | str
"""Speech, a pause (seconds), or keys pressed."""


async def _voice(scenario: Scenario, cache_dir: Path, input_rate: int) -> list[list[CallerAction]]:
    """The caller's script as audio at ``input_rate``, the rate the worker's room input
    decodes the caller's track to (a phone line arrives in the room at 48 kHz)."""
    narrowband = scenario.caller == "phone"
    turns: list[list[CallerAction]] = []
    for turn in scenario.turns:
        parts: list[CallerAction] = []
        for part in turn.caller:
            if part.say:
                line = await synthesize(part.say, cache_dir=cache_dir, narrowband=narrowband)
                parts.append(await asyncio.to_thread(at_rate, line, input_rate))
            elif part.pause:
                parts.append(part.pause)
            elif part.dtmf:
                parts.append(part.dtmf)
        turns.append(parts)
    return turns


@contextlib.asynccontextmanager
async def _simulators(
    scenario: Scenario, latency: ProviderLatency, responder: _Responder, seed: int = 0
) -> AsyncIterator[
    tuple[DeepgramListenSim, OpenAIChatSim, ElevenLabsSim, LiveKitTwirpSim, DeepgramFluxSim]
]:
    async with (
        LiveKitTwirpSim() as livekit,
        # Flux is there for calls whose settings list it (providers.stt_order); it hears
        # the same script as Nova, each from the audio it is sent.
        DeepgramFluxSim(
            latency=latency.flux,
            faults=scenario.faults.plan("deepgram"),
            api_key=_SIM_KEY,
            seed=seed,
        ) as flux,
        DeepgramListenSim(
            latency=latency.deepgram,
            faults=scenario.faults.plan("deepgram"),
            api_key=_SIM_KEY,
            seed=seed,
        ) as deepgram,
        OpenAIChatSim(
            responder=responder,
            latency=latency.openai,
            faults=scenario.faults.plan("openai"),
            audio_faults=scenario.faults.plan("openai_audio"),
            api_key=_SIM_KEY,
            # What the OpenAI STT fallback transcribes, should Deepgram be down.
            transcripts=[part.heard for turn in scenario.turns for part in turn.spoken_parts],
            seed=seed,
        ) as openai,
        ElevenLabsSim(
            latency=latency.elevenlabs,
            faults=scenario.faults.plan("elevenlabs"),
            api_key=_SIM_KEY,
            seed=seed,
        ) as elevenlabs,
    ):
        yield deepgram, openai, elevenlabs, livekit, flux


async def run_call(
    scenario: Scenario,
    *,
    vad_model: vad.VAD,
    flavor: SessionFlavor = "tuned",
    latency: ProviderLatency | None = None,
    base_settings: Settings | None = None,
    cache_dir: Path = DEFAULT_CACHE,
    audio_turn_detector: TurnDetectionMode | None = None,
    clock: Callable[[], datetime] | None = None,
    seed: int = 0,
    caller_hangs_up: bool | None = None,
    livekit_setup: Callable[[LiveKitTwirpSim], None] | None = None,
) -> CallResult:
    """Run one simulated call end to end through the worker's entrypoint, and measure
    every turn.

    Args:
        scenario: what the caller says and what the scripted LLM answers.
        vad_model: a loaded Silero VAD (the worker's prewarm loads the same).
        flavor: ``tuned`` (our profile) or ``vanilla`` (AgentSession defaults).
        latency: provider latency profile; the scenario's named one by default.
        base_settings: settings to start from; provider endpoints are pointed at the
            simulators and keys set to the simulators' key. Tenants come from its
            ``tenants_file`` or inline ``tenants``, as in the worker.
        cache_dir: where synthesised caller speech is cached.
        audio_turn_detector: the prewarmed offline end-of-turn model, as the worker
            passes it when ``latency.turn_detection`` is ``audio``.
        clock: the wall clock business hours are judged by (default: now).
        seed: seeds the simulators' draws (Deepgram's punctuation and segmentation,
            every provider's delays); the same seed replays the same call.
        caller_hangs_up: after the last turn the caller leaves (the room participant
            disconnects); by default as the scenario says.
        livekit_setup: seeds the LiveKit simulator before the call (outbound trunks,
            how the far ends of dials and transfers answer).
    """
    if caller_hangs_up is not None:
        scenario = scenario.model_copy(update={"caller_hangs_up": caller_hangs_up})
    latency = latency or PROFILES[scenario.latency]
    profile = channel_profile(base_settings or default_settings(), scenario.caller)
    voiced = await _voice(scenario, cache_dir, profile.input_sample_rate)
    responder = _Responder(scenario.turns)
    async with _simulators(scenario, latency, responder, seed) as (
        deepgram,
        openai,
        elevenlabs,
        livekit,
        flux,
    ):
        turn_segments: list[list[Segment]] = []
        for turn, parts in zip(scenario.turns, voiced, strict=True):
            utterances = [p for p in parts if isinstance(p, Utterance)]
            segments = [
                Segment(
                    part.heard,
                    duration_s=voiced_time(u.samples, u.sample_rate),
                    word_ends_s=word_ends(part.say or "", part.heard, u.samples, u.sample_rate),
                )
                for part, u in zip(turn.spoken_parts, utterances, strict=True)
            ]
            deepgram.script.push(*segments)
            flux.script.push(*segments)
            turn_segments.append(segments)
        script = _SaidAgain(scenario, turn_segments, deepgram, flux, openai)
        settings = simulator_settings(
            base_settings,
            deepgram_url=deepgram.base_url,
            openai_url=openai.base_url,
            elevenlabs_url=elevenlabs.base_url,
            api_key=_SIM_KEY,
            deepgram_flux_url=flux.base_url,
        )
        room_name = f"sim-{scenario.name}"
        identity = f"sim-{scenario.caller}"
        _seat_caller(livekit, scenario, room_name, identity)
        if livekit_setup is not None:
            livekit_setup(livekit)
        services = CallServices(
            settings=settings,
            tenants=load_tenant_directory(settings),
            vad_model=vad_model,
            audio_turn_detector=audio_turn_detector,
            flavor=flavor,
        )
        if clock is not None:
            services = replace(services, clock=clock)
        metadata = scenario.dispatch_metadata
        if metadata is None:
            metadata = json.dumps({"tenant": scenario.tenant}) if scenario.tenant else ""
        async with utils.http_context.open():
            turns, windows, started, speaker, usage, room = await _converse(
                scenario,
                services,
                livekit,
                room_name,
                identity,
                metadata,
                voiced,
                responder,
                script,
            )
        _fill_llm_saw(turns, windows, openai)
        _fill_provider_stages(turns, windows, openai, elevenlabs)
        state = started.call.state
        return CallResult(
            scenario=scenario.name,
            caller_kind=state.caller.kind,
            flavor=flavor,
            latency=latency.name,
            turns=turns,
            llm_requests=list(openai.requests),
            llm_arrivals=[timing.arrived_at for timing in openai.timings],
            tts_texts=["".join(pieces) for pieces in elevenlabs.contexts.values()],
            tool_invocations=list(state.tool_invocations),
            stt_queries=[c.query for c in deepgram.connections if c.query is not None],
            tts_queries=[c.query for c in elevenlabs.connections],
            usage=usage,
            outcome=state.outcome.value if state.outcome is not None else None,
            tenant=started.tenant.name,
            agent_audio=[(seg.start, seg.end) for seg in speaker.segments if seg.duration_s > 0],
            livekit_requests=[
                (r.at, r.path.rsplit("/", 1)[-1]) for r in livekit.received if r.kind == "twirp"
            ],
            transfers=[t.transfer_to for t in livekit.transfers],
            refer_headers=[dict(t.headers) for t in livekit.transfers],
            dials=list(livekit.outbound_calls),
            moved_participants=list(livekit.moved_participants),
            consult_audio_s={
                name: sum(f.duration for f in frames) for name, frames in room.consult_audio.items()
            },
            deleted_rooms=list(livekit.deleted_rooms),
            stt_finals=_stt_finals(deepgram)
            + [t.transcript for t in flux.turns if t.end_of_turn_at is not None],
            stt_lost_words=[word for c in deepgram.connections for word in c.lost_words]
            + [word for c in flux.connections for word in c.lost_words],
            summary=started.observer.summary or {},
            observed=started.observer.samples(),
            phrase_cache_hits=state.phrase_cache.hits if state.phrase_cache else 0,
            phrase_cache_misses=state.phrase_cache.misses if state.phrase_cache else 0,
            agent_frames=[
                (frame.played_at, frame.duration_s)
                for seg in speaker.segments
                for frame in seg.frames
                if frame.played_at is not None
            ],
            served={
                "stt_deepgram_connections": len(deepgram.connections),
                "stt_flux_connections": len(flux.connections),
                "stt_flux_eager": sum(t.eager_count for t in flux.turns),
                "stt_flux_resumed": sum(t.resumed_count for t in flux.turns),
                "stt_openai_transcriptions": len(openai.transcription_requests),
                "llm_requests": len(openai.requests),
                "tts_elevenlabs_contexts": len(elevenlabs.contexts),
                "tts_openai_speech": len(openai.speech_requests),
            },
        )


def _stt_finals(deepgram: DeepgramListenSim) -> list[str]:
    finals: list[str] = []
    for connection in deepgram.connections:
        for message in connection.sent:
            if not isinstance(message, dict) or message.get("type") != "Results":
                continue
            if not message.get("is_final"):
                continue
            alternatives = message.get("channel", {}).get("alternatives") or [{}]
            text = str(alternatives[0].get("transcript", ""))
            if text:
                finals.append(text)
    return finals


def _seat_caller(livekit: LiveKitTwirpSim, scenario: Scenario, room: str, identity: str) -> None:
    """Put the caller in the room with what the SIP bridge (or an app client) would set."""
    if scenario.caller == "phone":
        attributes = {
            "sip.callID": f"SCL_sim_{scenario.name}",
            "sip.phoneNumber": "+15550100",
            "sip.trunkID": "ST_sim",
            "sip.ruleID": "SDR_sim",
            "sip.callStatus": "active",
        }
        if scenario.dialed_number:
            attributes["sip.trunkPhoneNumber"] = scenario.dialed_number
        livekit.add_participant(
            room, identity, kind=ParticipantInfo.Kind.SIP, attributes=attributes
        )
    else:
        livekit.add_participant(room, identity, kind=ParticipantInfo.Kind.STANDARD)


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
            if timing.first_token_at is not None:
                token_ms = round((timing.first_token_at - caller_end) * 1000.0, 1)
                earliest = record.llm_first_token_ms
                record.llm_first_token_ms = (
                    token_ms if earliest is None else min(earliest, token_ms)
                )
            users = [m for m in body.get("messages", []) if m.get("role") == "user"]
            if users:
                record.llm_saw = _user_text(users[-1])


def _fill_provider_stages(
    records: list[TurnRecord],
    windows: list[tuple[float, float, float]],
    openai: OpenAIChatSim,
    elevenlabs: ElevenLabsSim,
) -> None:
    """The provider stages of each answered turn, off the simulators' own clocks: the
    chat request and the TTS context that produced the first audio of the answer (the
    latest of the turn's to have a token, or audio, before that audio played)."""
    for record, (start, _end, caller_end) in zip(records, windows, strict=True):
        played = record.stages_ms.get("played")
        if played is None:
            continue
        played_at = caller_end + played / 1000.0
        requests = [
            t
            for t in openai.timings
            if start <= t.arrived_at and t.first_token_at is not None
            if t.first_token_at <= played_at
        ]
        if requests:
            answer = max(requests, key=lambda t: t.first_token_at or 0.0)
            record.stages_ms["llm_request"] = round((answer.arrived_at - caller_end) * 1000.0, 1)
            token_at = answer.first_token_at or answer.arrived_at
            record.stages_ms["first_token"] = round((token_at - caller_end) * 1000.0, 1)
        contexts = [
            c
            for c in elevenlabs.context_timings.values()
            if start <= c.opened_at and c.first_audio_at is not None
            if c.first_audio_at <= played_at
        ]
        if contexts:
            spoken = max(contexts, key=lambda c: c.first_audio_at or 0.0)
            if spoken.first_text_at is not None:
                record.stages_ms["tts_text"] = round(
                    (spoken.first_text_at - caller_end) * 1000.0, 1
                )
            audio_at = spoken.first_audio_at or spoken.opened_at
            record.stages_ms["tts_first_audio"] = round((audio_at - caller_end) * 1000.0, 1)


async def _converse(
    scenario: Scenario,
    services: CallServices,
    livekit: LiveKitTwirpSim,
    room_name: str,
    identity: str,
    metadata: str,
    voiced: list[list[CallerAction]],
    responder: _Responder,
    script: _SaidAgain,
) -> tuple[
    list[TurnRecord],
    list[tuple[float, float, float]],
    StartedCall,
    CapturingAudioOutput,
    dict[str, float],
    SimulatedCallRoom,
]:
    first = next((p for parts in voiced for p in parts if isinstance(p, Utterance)), None)
    profile = channel_profile(services.settings, scenario.caller)
    # What the worker's room input hands the session: frames of input_frame_ms at the
    # call's input rate (worker.entrypoint.room_options).
    mic = ScriptedAudioInput(
        sample_rate=first.sample_rate if first else profile.input_sample_rate,
        frame_duration_s=services.settings.latency.input_frame_ms / 1000,
    )
    tts_rate = profile.tts_sample_rate
    speaker = CapturingAudioOutput(sample_rate=tts_rate)
    room = SimulatedCallRoom(
        twirp=livekit,
        room_name=room_name,
        caller_identity=identity,
        dispatch_metadata=metadata,
        mic=mic,
        speaker=speaker,
    )
    records: list[TurnRecord] = []
    windows: list[tuple[float, float]] = []
    loop_windows: list[tuple[float, float, float]] = []
    async with speaker:
        # The worker's own entrypoint: caller detection, tenant, logs, session, call control.
        started = await start_call(room, services)
        session = started.call.session
        state = session.userdata
        watch = _AgentWatch(session)
        if started.opening is not None:
            await started.opening.wait_for_playout()
        await watch.caller(mic.silence(0.3))

        async def say(parts: list[CallerAction], since: float, spoke: list[bool]) -> float:
            """The caller says one turn's parts; when its last voiced sample played."""
            last = since
            for part in parts:
                if isinstance(part, Utterance):
                    said = await watch.caller(mic.say(part))
                    last = said.end if said is not None else last
                elif isinstance(part, str):
                    await watch.caller(room.press(part))
                    last = asyncio.get_running_loop().time()
                else:
                    await watch.caller(mic.silence(part))
                if watch.state == "speaking":
                    spoke[0] = True
            return last

        try:
            for index, (turn, parts) in enumerate(zip(scenario.turns, voiced, strict=True)):
                if watch.closed:
                    break
                responder.turn = index
                record = TurnRecord(
                    index=index, caller_text=turn.caller_text, paused=turn.has_pause
                )
                began_wall = time.time()
                began_loop = asyncio.get_running_loop().time()
                spoke = [False]
                replies_before = watch.replies
                asked_again = state.recovery_lines["repeat_request"]
                script.turn_began(index)

                last_end = await say(parts, began_loop, spoke)
                first_audio = speaker.first_frame_after(began_loop)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watch.answered(spoke, replies_before), _AGENT_TIMEOUT_S)
                if state.recovery_lines["repeat_request"] > asked_again and not watch.closed:
                    # Asked to say it again ("Sorry, could you say that again?"): a person
                    # does, once, and waits for the answer to that.
                    again_at = asyncio.get_running_loop().time()
                    spoke, replies_before = [False], watch.replies
                    script.say_again(index)
                    record.said_again = (again_at, await say(parts, again_at, spoke))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(
                            watch.answered(spoke, replies_before), _AGENT_TIMEOUT_S
                        )
                committed = [t for t in watch.thinking_at if t >= began_loop]
                record.premature = premature_turn(
                    caller_end=last_end, committed_at=committed, first_audio_at=first_audio
                )
                if committed:
                    record.turn_committed_ms = _ms(committed[0] - last_end)
                    record.stages_ms["commit"] = round((committed[0] - last_end) * 1000.0, 1)
                for stage, times in (("vad_end", watch.vad_ends), ("stt_final", watch.finals)):
                    after_end = [t for t in times if t >= last_end]
                    if after_end:
                        record.stages_ms[stage] = round((after_end[0] - last_end) * 1000.0, 1)
                after = speaker.first_frame_after(last_end)
                record.ttfa_ms = _ms(after - last_end) if after is not None else None
                record.speech_end_at = last_end
                record.waited_until = asyncio.get_running_loop().time()
                _time_answer(record, speaker, last_end, record.waited_until)
                records.append(record)
                windows.append((began_wall, time.time()))
                loop_windows.append((began_loop, asyncio.get_running_loop().time(), last_end))
                await watch.caller(mic.silence(scenario.gap_after_agent))
            if scenario.caller_hangs_up and not watch.closed:
                room.hang_up()
            if scenario.linger:
                await watch.ended(scenario.linger)
            if started.actions.ending or room.deleted.is_set():
                # The agent is ending the call: let the goodbye play and the line drop.
                await watch.ended(_AGENT_TIMEOUT_S)
        finally:
            await session.aclose()
            await room.aclose()
            await mic.aclose()
    _fill_from_history(records, windows, session)
    return records, loop_windows, started, speaker, started.metrics.totals(), room


def _time_answer(
    record: TurnRecord, speaker: CapturingAudioOutput, caller_end: float, waited_until: float
) -> None:
    """Content TTFA and the fillers of one turn, at the audio boundary, by the one
    definition (:func:`worker.answer_timing.answer_timing`)."""
    heard = stretches(
        (f.played_at, f.duration_s, f.kind, f.line, f.ready_at)
        for f in speaker.played_between(caller_end, waited_until)
        if f.played_at is not None
    )
    timing = answer_timing(caller_end, heard, until=waited_until)
    record.content_ttfa_ms = _ms(timing.content_s)
    if timing.content_s is not None:
        record.stages_ms["played"] = round(timing.content_s * 1000.0, 1)
    record.fillers = list(timing.fillers)
    record.filler_kinds = list(timing.filler_kinds)
    record.silence_after_filler_ms = _ms(timing.silence_after_filler_s)
    record.filler_delay_ms = _ms(timing.filler_delay_s)


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
