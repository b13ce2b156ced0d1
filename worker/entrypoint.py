"""The call entrypoint: one body of code for real and simulated calls.

`start_call` does everything between "a job arrived" and "the agent is talking":
caller detection, tenant lookup, log binding, session start, call control (transfer,
hang-up, DTMF, time limits) and the opening line. It reaches the room only through
`CallRoom`, which a LiveKit job provides (`JobCallRoom`) and a simulated call provides
with its simulated room and the Twirp simulator, so the simulated calls test this code.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog
from livekit import rtc
from livekit.agents import JobContext, room_io
from livekit.agents.voice import SpeechHandle

from config import ResolvedTenant, Settings, TenantDirectory
from config.tenants import TenantSettings
from sip.call_control import CallControl, CallControlOptions
from sip.dtmf import DigitCollector, DtmfOptions, EntryThrottle, describe_entry
from worker.call.actions import CallActions
from worker.call.limits import CallLimitsWatch
from worker.caller import Caller, describe_caller, parse_dispatch_metadata
from worker.framework import TurnDetectionMode
from worker.handoff.consult import FrameSink, rtc_consult_output, speak_lines
from worker.logs import CallIdentity, bind_call
from worker.redaction import redacted_text_input
from worker.session_factory import CallSession, SessionFlavor, build_call
from worker.telemetry.metrics import CallMetrics
from worker.telemetry.observability import CallObserver, attach_observability
from worker.telemetry.tracing import flush_tracing

__all__ = [
    "CallRoom",
    "CallServices",
    "JobCallRoom",
    "JoinedParticipant",
    "StartedCall",
    "opening_line",
    "start_call",
]

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class JoinedParticipant:
    """The caller as the server describes it; ``kind`` is set by LiveKit, not the client."""

    kind: rtc.ParticipantKind.ValueType
    identity: str
    attributes: Mapping[str, str]


class CallRoom(Protocol):
    """The room a call happens in, as the entrypoint needs it."""

    @property
    def room_name(self) -> str: ...

    @property
    def job_id(self) -> str: ...

    @property
    def dispatch_metadata(self) -> str: ...

    @property
    def log_context_fields(self) -> dict[str, Any]: ...

    @property
    def call_control(self) -> CallControl | None: ...

    async def connect(self) -> None: ...

    async def wait_for_caller(self) -> JoinedParticipant: ...

    async def start_session(self, call: CallSession, caller: Caller, *, record: bool) -> None: ...

    def on_dtmf(self, identity: str, callback: Callable[[str], None]) -> None: ...

    def on_caller_left(self, identity: str, callback: Callable[[], None]) -> None: ...

    def add_shutdown_callback(self, callback: Callable[[], Coroutine[Any, Any, None]]) -> None: ...

    def consult_output(
        self, room_name: str, sample_rate: int
    ) -> AbstractAsyncContextManager[FrameSink]: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CallServices:
    """What every call of a process shares: built once, before the first call."""

    settings: Settings
    tenants: TenantDirectory
    vad_model: Any
    audio_turn_detector: TurnDetectionMode | None = None
    flavor: SessionFlavor = "tuned"
    dtmf: DtmfOptions = field(default_factory=DtmfOptions)
    clock: Callable[[], datetime] = _utc_now


@dataclass
class StartedCall:
    call: CallSession
    tenant: ResolvedTenant
    actions: CallActions
    limits: CallLimitsWatch
    digits: DigitCollector
    observer: CallObserver
    opening: SpeechHandle | None

    @property
    def metrics(self) -> CallMetrics:
        return self.observer.metrics


def opening_line(
    tenant: TenantSettings, now: datetime, *, recording: bool | None = None
) -> tuple[str, bool]:
    """The first words of a call, and whether they may be interrupted.

    The recording consent comes first and is never cut off: a caller must hear it
    before anything is recorded that they said.
    """
    recorded = tenant.recording.enabled if recording is None else recording
    parts: list[str] = []
    if recorded:
        parts.append(tenant.recording.consent_message)
    if tenant.business_hours is not None and not tenant.business_hours.is_open(now):
        parts.append(tenant.business_hours.out_of_hours_message)
    if tenant.greeting:
        parts.append(tenant.greeting)
    return " ".join(parts), not recorded


async def start_call(room: CallRoom, services: CallServices) -> StartedCall:
    """Run one call's entrypoint up to the agent's first words.

    Args:
        room: the call's room (a LiveKit job's or a simulated one).
        services: the process's settings, tenants and prewarmed models.
    """
    # Until the caller joins nothing is known about them: no caller_kind yet.
    bind_call(CallIdentity(call_id=room.room_name, room=room.room_name, job_id=room.job_id), room)
    # The dispatch metadata is the job's, known before anyone joins: a dispatch rule or
    # token naming a tenant the directory lacks is said once per call, up front, not
    # left to show as a default-tenant greeting.
    metadata = parse_dispatch_metadata(room.dispatch_metadata)
    if metadata.problem is not None:
        log.warning("dispatch_metadata_ignored", problem=metadata.problem)
    if metadata.tenant and metadata.tenant not in services.tenants:
        log.warning(
            "dispatch_tenant_unknown",
            tenant=metadata.tenant[:64],
            default_tenant=services.tenants.default,
        )
    await room.connect()
    joined = await room.wait_for_caller()
    caller = describe_caller(
        participant_kind=joined.kind, identity=joined.identity, attributes=joined.attributes
    )
    tenant = services.tenants.resolve(
        metadata_tenant=metadata.tenant,
        entry_point=metadata.entry_point,
        dialed_number=caller.dialed_number,
    )
    caller = replace(caller, tenant=tenant.name)
    # The SIP call id is what the carrier and LiveKit's SIP logs know the call by.
    call_id = caller.call_id or room.room_name
    bind_call(
        CallIdentity(
            call_id=call_id,
            room=room.room_name,
            job_id=room.job_id,
            caller_kind=caller.kind,
        ),
        room,
    )
    if caller.sip is not None and caller.sip.dropped:
        log.warning("sip_attributes_dropped", names=list(caller.sip.dropped))

    settings = services.settings
    call = build_call(
        settings,
        caller,
        vad_model=services.vad_model,
        audio_turn_detector=services.audio_turn_detector,
        flavor=services.flavor,
        tenant=tenant.settings,
    )
    session, state = call.session, call.state

    async def brief(consult_room: str, lines: Sequence[str]) -> None:
        if session.tts is not None:
            output = room.consult_output(consult_room, call.profile.tts_sample_rate)
            await speak_lines(session.tts, lines, output)

    actions = CallActions(
        session,
        state,
        control=room.call_control,
        room_name=room.room_name,
        clock=services.clock,
        brief=brief,
    )
    state.actions = actions
    limits = CallLimitsWatch(session, actions, tenant.settings.limits)

    def deliver(entries: list[str]) -> None:
        if state.fillers is not None:
            state.fillers.caller_keyed()
        # Redacted before it enters the chat history; the vault keeps the digits for tools.
        # One LLM turn for however many entries the throttle held together.
        text = " ".join(describe_entry(keys, state.redactor) for keys in entries)
        session.generate_reply(user_input=text)

    entries = EntryThrottle(deliver, services.dtmf)
    digits = DigitCollector(entries.add, services.dtmf)
    if caller.kind == "phone":
        room.on_dtmf(caller.identity, digits.press)

    room.on_caller_left(caller.identity, actions.caller_left)
    # Prometheus, budgets and `call.summary` (written when the session closes).
    observer = attach_observability(call, settings, call_id=call_id, tenant_known=True)

    async def _close() -> None:
        digits.close()
        entries.close()
        await limits.aclose()
        await actions.aclose()
        # The session's close event normally wrote the summary; a job shut down first
        # still gets one. Then the call's provider connections go.
        observer.finish()
        await flush_tracing()
        await call.aclose()

    room.add_shutdown_callback(_close)
    call.prewarm(settings)
    # The fleet-wide switch records every tenant's calls; a tenant may add recording.
    recording = settings.compliance.record_calls or tenant.settings.recording.enabled
    log.info(
        "call_started",
        tenant=tenant.name,
        tenant_matched_by=tenant.matched_by,
        tts_encoding=call.profile.tts_encoding,
        recording=recording,
    )
    await room.start_session(call, caller, record=recording)
    if session.output.audio is not None:
        # In front of whatever output the room gave the session: what the caller hears,
        # and when, for content TTFA (worker/telemetry/answer_clock.py).
        session.output.audio = observer.answers.tap(session.output.audio)
    text, interruptible = opening_line(tenant.settings, services.clock(), recording=recording)
    opening = session.say(text, allow_interruptions=interruptible) if text else None
    limits.start()
    return StartedCall(
        call=call,
        tenant=tenant,
        actions=actions,
        limits=limits,
        digits=digits,
        observer=observer,
        opening=opening,
    )


def room_options(call: CallSession, caller: Caller, frame_ms: int) -> room_io.RoomOptions:
    """How the session meets the room: the caller's audio decoded straight to the rate
    the call's STT and VAD take, and the agent's published at the TTS's own rate.

    The framework's defaults (24 kHz both ways) made every input frame be resampled in
    Python twice (to the STT's and the VAD's rate) and every output frame once.
    """
    return room_io.RoomOptions(
        participant_identity=caller.identity,
        audio_input=room_io.AudioInputOptions(
            sample_rate=call.profile.input_sample_rate, frame_size_ms=frame_ms
        ),
        audio_output=room_io.AudioOutputOptions(sample_rate=call.profile.tts_sample_rate),
        # An app caller's typed message is redacted like a transcript.
        text_input=redacted_text_input(
            call.state.redactor,
            on_input=call.state.fillers.caller_keyed if call.state.fillers else lambda: None,
        ),
    )


class JobCallRoom:
    """A LiveKit job's room.

    Args:
        ctx: the job.
        settings: for the server API client (URL and keys).
        options: call-control bounds.
    """

    def __init__(
        self, ctx: JobContext, settings: Settings, options: CallControlOptions | None = None
    ) -> None:
        self._ctx = ctx
        self._settings = settings
        self._frame_ms = settings.latency.input_frame_ms
        livekit = settings.livekit
        self._control: CallControl | None = None
        if livekit.api_key is not None and livekit.api_secret is not None:
            self._control = CallControl(
                url=livekit.http_url,
                api_key=livekit.api_key.get_secret_value(),
                api_secret=livekit.api_secret.get_secret_value(),
                options=options,
            )
            ctx.add_shutdown_callback(self._control.aclose)

    @property
    def room_name(self) -> str:
        return self._ctx.room.name or self._ctx.job.room.name

    @property
    def job_id(self) -> str:
        return self._ctx.job.id

    @property
    def dispatch_metadata(self) -> str:
        return self._ctx.job.metadata

    @property
    def log_context_fields(self) -> dict[str, Any]:
        return self._ctx.log_context_fields

    @property
    def call_control(self) -> CallControl | None:
        return self._control

    async def connect(self) -> None:
        await self._ctx.connect()

    async def wait_for_caller(self) -> JoinedParticipant:
        participant = await self._ctx.wait_for_participant()
        return JoinedParticipant(
            kind=participant.kind,
            identity=participant.identity,
            attributes=dict(participant.attributes),
        )

    async def start_session(self, call: CallSession, caller: Caller, *, record: bool) -> None:
        await call.session.start(
            agent=call.agent,
            room=self._ctx.room,
            room_options=room_options(call, caller, self._frame_ms),
            record=record,
        )

    def on_dtmf(self, identity: str, callback: Callable[[str], None]) -> None:
        def _on_dtmf(event: rtc.SipDTMF) -> None:
            # Only the caller's keypad: another SIP leg in the room is not this caller.
            if event.participant is not None and event.participant.identity == identity:
                callback(event.digit)

        self._ctx.room.on("sip_dtmf_received", _on_dtmf)

    def on_caller_left(self, identity: str, callback: Callable[[], None]) -> None:
        def _on_left(participant: rtc.RemoteParticipant) -> None:
            if participant.identity == identity:
                callback()

        self._ctx.room.on("participant_disconnected", _on_left)

    def add_shutdown_callback(self, callback: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self._ctx.add_shutdown_callback(callback)

    def consult_output(
        self, room_name: str, sample_rate: int
    ) -> AbstractAsyncContextManager[FrameSink]:
        livekit = self._settings.livekit
        if livekit.api_key is None or livekit.api_secret is None:
            raise RuntimeError("a consult room needs livekit.api_key and api_secret")
        return rtc_consult_output(
            url=livekit.url,
            api_key=livekit.api_key.get_secret_value(),
            api_secret=livekit.api_secret.get_secret_value(),
            room_name=room_name,
            identity=f"agent-{self.job_id}",
            sample_rate=sample_rate,
        )
