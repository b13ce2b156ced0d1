"""The one session factory: every call's `AgentSession`, real or simulated, comes from here.

`build_call` is a pure function of (settings, caller, tenant) plus the process's prewarmed
models; the entrypoint and the simulated-call harness only do I/O around it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import structlog
from livekit.agents import AgentSession, APIConnectOptions, llm, tts, vad
from livekit.agents.voice.events import AgentStateChangedEvent, UserStateChangedEvent
from livekit.agents.voice.turn import TurnHandlingOptions

from compliance import CallRedactor
from config import Settings, TenantSettings
from worker.agent import CallAgent
from worker.call.account_tools import secret_phrases
from worker.call.state import CallState
from worker.caller import Caller
from worker.channel_profile import ChannelProfile, channel_profile
from worker.framework import SessionConnectOptions, TurnDetectionMode
from worker.instructions import call_instructions
from worker.providers.provider_outage import end_call_when_unservable
from worker.providers.providers import Providers, build_providers, reconnect_stt
from worker.speech.filler_policy import FillerPolicy, FillerRules
from worker.speech.phrase_cache import PhraseCache
from worker.speech.spoken_lines import spoken_lines
from worker.turns.flux_turns import flux_serving
from worker.turns.late_transcript import LATE_FINAL_AFTER_S, LateTranscriptBridge
from worker.turns.turn_judge import TranscriptTurnJudge

__all__ = ["CallSession", "SessionFlavor", "build_call", "follow_the_caller", "turn_handling"]

log = structlog.get_logger(__name__)

# The TTS timeout is an idle timeout between audio messages (ElevenLabs plugin), and a
# streaming TTS sends faster than real time: 2 s without audio is a stuck provider, and
# the caller is already in silence; hand over to the next TTS well inside 3 s.
_TTS_STALL_TIMEOUT_S = 2.0

SessionFlavor = Literal["tuned", "vanilla"]
"""``tuned``: our latency profile. ``vanilla``: `AgentSession` defaults, for the benchmark."""


@dataclass(frozen=True)
class CallSession:
    session: AgentSession[CallState]
    agent: CallAgent
    profile: ChannelProfile
    providers: Providers
    state: CallState

    def prewarm(self, settings: Settings) -> None:
        """Open provider connections before the caller speaks (the TTS socket handshake
        otherwise lands on the first answer's time-to-first-audio)."""
        if settings.latency.tts_prewarm:
            self.providers.tts.prewarm()
        self.providers.llm.prewarm()

    async def aclose(self) -> None:
        """After the session has closed: release the call's provider connections."""
        await self.providers.aclose()


def _outer(options: APIConnectOptions, fallback_chain: bool) -> APIConnectOptions:
    """The session's retry around a provider. A FallbackAdapter already tries every engine
    in turn, retrying each; the session's retries would run that whole pass again (each
    failed engine also getting a recovery probe), so an outage cost several requests per
    engine per turn and delayed the apology. The framework's own default for an adapter
    is no outer retry. The STT keeps it: with no STT the call cannot go on at all."""
    return replace(options, max_retry=0) if fallback_chain else options


def _voice_key(settings: Settings, profile: ChannelProfile) -> str:
    """What opener audio is reused for: the first TTS's model and voice at the call's rate
    (a changed voice or model in settings must not replay the old one's audio)."""
    p = settings.providers
    if p.tts_order[0] == "elevenlabs":
        voice = f"elevenlabs:{p.elevenlabs_model}:{p.elevenlabs_voice_id}"
    else:
        voice = f"{p.tts_order[0]}:{p.openai_tts_model}:{p.openai_tts_voice}"
    return f"{voice}:{profile.tts_sample_rate}"


def follow_the_caller(
    session: AgentSession[CallState], policy: FillerPolicy | None, *, vad_silence_s: float
) -> None:
    """Tell the filler policy when the caller starts and stops speaking, and when the
    agent speaks (what makes the caller's next words a new turn).

    The framework reports the end of speech once the VAD's silence window has passed;
    the caller stopped that much earlier.
    """
    if policy is None:
        return

    def on_user_state(event: UserStateChangedEvent) -> None:
        if event.new_state == "speaking":
            policy.caller_started()
        elif event.old_state == "speaking":
            ago = max(0.0, time.time() - event.created_at) + vad_silence_s
            policy.caller_stopped(policy.now() - ago)

    def on_agent_state(event: AgentStateChangedEvent) -> None:
        if event.new_state == "speaking":
            policy.agent_spoke()

    session.on("user_state_changed", on_user_state)
    session.on("agent_state_changed", on_agent_state)


def turn_handling(
    settings: Settings, tenant: TenantSettings, detector: TurnDetectionMode | None
) -> TurnHandlingOptions:
    latency = settings.latency
    preemptive = (
        tenant.preemptive_generation
        if tenant.preemptive_generation is not None
        else latency.preemptive_generation
    )
    max_delay = latency.max_endpointing_delay
    if tenant.max_endpointing_delay is not None:
        # A tenant may tighten the bound, never wait less than the minimum.
        max_delay = max(latency.min_endpointing_delay, tenant.max_endpointing_delay)
    options: TurnHandlingOptions = {
        "endpointing": {
            "mode": "fixed",
            "min_delay": latency.min_endpointing_delay,
            "max_delay": max_delay,
        },
        "interruption": {"min_duration": latency.min_interruption_duration},
        "preemptive_generation": {
            "enabled": preemptive,
            "preemptive_tts": latency.preemptive_tts,
        },
    }
    options["turn_detection"] = detector if detector is not None else "vad"
    return options


def _detector(
    settings: Settings,
    audio_detector: TurnDetectionMode | None,
    state: CallState,
    judge: Callable[..., TranscriptTurnJudge] = TranscriptTurnJudge,
) -> TurnDetectionMode | None:
    mode = settings.latency.turn_detection
    if mode == "transcript":
        return judge(
            unlikely_threshold=settings.latency.turn_unlikely_threshold,
            raw_text=state.turn_text,
            maybe_hold_s=settings.latency.turn_maybe_hold,
            dictation_hold_s=settings.latency.turn_dictation_hold,
            ack_hold_s=settings.latency.turn_ack_hold,
            short_hold_s=settings.latency.turn_short_hold,
        )
    if mode == "audio":
        return audio_detector
    return None


def build_call(
    settings: Settings,
    caller: Caller,
    *,
    vad_model: vad.VAD,
    audio_turn_detector: TurnDetectionMode | None = None,
    flavor: SessionFlavor = "tuned",
    tenant: TenantSettings | None = None,
    providers: Providers | None = None,
) -> CallSession:
    """Build the session and agent for one call.

    Args:
        settings: the process's settings.
        caller: who is calling (phone or app) and for which tenant.
        vad_model: the process's prewarmed Silero VAD.
        audio_turn_detector: the prewarmed offline end-of-turn model, when configured.
        flavor: ``vanilla`` leaves turn handling at the framework defaults (benchmark only).
        tenant: the caller's tenant from the process's tenant directory; None: the
            inline tenant named by ``caller.tenant``.
        providers: the call's models; None: built from settings. Deterministic agent
            tests pass scripted ones here, so the rest of the call is built as in production.
    """
    tenant = tenant or settings.tenant(caller.tenant)
    if tenant.voice:
        voice = settings.providers.model_copy(update={"elevenlabs_voice_id": tenant.voice})
        settings = settings.model_copy(update={"providers": voice})
    if tenant.model_routing is not None:
        routing = settings.latency.model_copy(update={"model_routing": tenant.model_routing})
        settings = settings.model_copy(update={"latency": routing})
    profile = channel_profile(settings, caller.kind)
    if providers is None:
        providers = build_providers(settings, profile, vad_model, language=tenant.language)
    policy = tenant.redaction or settings.compliance.redaction
    lines = spoken_lines(tenant.language)
    if lines.fallback:
        log.warning("spoken_lines_fallback", language=tenant.language, using="en")
    latency = settings.latency
    state = CallState(
        caller=caller,
        tenant_name=caller.tenant or settings.default_tenant,
        tenant=tenant,
        redactor=CallRedactor(policy, secret_phrases=secret_phrases()),
        tool_bridge_after=latency.tool_bridge_after,
        lines=lines,
        phrase_cache=(
            PhraseCache(
                voice_key=_voice_key(settings, profile),
                openers=lines.openers,
                directory=latency.phrase_cache_dir,
                lines=lines.cached if latency.fillers else (),
            )
            if latency.phrase_cache
            else None
        ),
    )
    cache = state.phrase_cache
    state.fillers = FillerPolicy(
        lines,
        FillerRules(
            quiet_s=latency.filler_quiet,
            margin_s=latency.filler_margin,
            cooldown_s=latency.filler_cooldown,
            stall_s=latency.filler_stall,
        ),
        audio_s=cache.duration_s if cache is not None else lambda _line: None,
        enabled=latency.fillers,
    )
    api = APIConnectOptions(
        max_retry=settings.providers.max_retries,
        retry_interval=settings.providers.retry_interval,
        timeout=settings.providers.request_timeout,
    )
    common = {
        "stt": providers.stt,
        "llm": providers.llm,
        "tts": providers.tts,
        "vad": vad_model,
        "userdata": state,
        "session_close_transcript_timeout": settings.providers.stt_close_timeout,
        # Speech the VAD heard with no final after it: LateTranscriptBridge's cue that
        # an STT showing nothing at all is not hearing the caller.
        "transcription_timeout": LATE_FINAL_AFTER_S,
        # The caller's silence, as worker/call/limits.py acts on it ("away").
        "user_away_timeout": tenant.limits.idle_timeout,
        "conn_options": SessionConnectOptions(
            stt_conn_options=api,
            llm_conn_options=_outer(api, isinstance(providers.llm, llm.FallbackAdapter)),
            tts_conn_options=_outer(
                replace(api, timeout=min(api.timeout, _TTS_STALL_TIMEOUT_S)),
                isinstance(providers.tts, tts.FallbackAdapter),
            ),
        ),
    }
    # Deepgram Flux ends turns itself: the judge reads its turns as such
    # (worker/turns/flux_turns.py).
    flux = flux_serving(providers.stt, providers.stt_engines)
    judge = flux[1] if flux is not None else TranscriptTurnJudge
    if flavor == "tuned":
        session: AgentSession[CallState] = AgentSession(
            turn_handling=turn_handling(
                settings, tenant, _detector(settings, audio_turn_detector, state, judge)
            ),
            **common,  # type: ignore[arg-type]
        )
    else:
        session = AgentSession(**common)  # type: ignore[arg-type]
    end_call_when_unservable(session, state)
    follow_the_caller(session, state.fillers, vad_silence_s=latency.vad_min_silence)
    LateTranscriptBridge(
        session,
        stt_engines=providers.stt_engines,
        interims_show_progress=flux[0].ends_turns if flux is not None else None,
        reconnect=lambda: reconnect_stt(providers.stt_engines),
    )
    agent = CallAgent(
        instructions=call_instructions(caller, tenant),
        transfer_destinations=tenant.transfer_destinations,
        fast_llm=providers.fast_llm,
        max_context_items=settings.context.max_items,
        summarize=settings.context.summarize,
        phrase_cache=state.phrase_cache,
        speculate_after=latency.speculative_interim_after,
    )
    return CallSession(
        session=session, agent=agent, profile=profile, providers=providers, state=state
    )
