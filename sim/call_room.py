"""The room of a simulated call, as the worker's entrypoint sees a LiveKit job's room.

The caller is a participant of a room in the LiveKit Twirp simulator, with the kind and
``sip.*`` attributes the SIP bridge would give it; the entrypoint's call control talks
to that simulator over the real ``livekit-api`` client. Audio goes through the simulated
microphone and loudspeaker instead of WebRTC tracks. Key presses arrive as the SIP
bridge sends them (a ``SipDTMF`` data packet), and deleting the room ends the call as
it would disconnect a real agent.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

import structlog
from livekit import rtc
from livekit.protocol import models

from sim._twirp import TwirpFailure
from sim.audio_io import CapturingAudioOutput, ScriptedAudioInput
from sim.livekit_twirp import LiveKitTwirpSim
from sim.sip_dtmf import dtmf_packet
from sip.call_control import CallControl, CallControlOptions
from worker.caller import Caller
from worker.entrypoint import JoinedParticipant
from worker.session_factory import CallSession

__all__ = ["SimulatedCallRoom"]

log = structlog.get_logger(__name__)

# ParticipantInfo.Kind (livekit_models.proto) and rtc.ParticipantKind number the kinds
# alike but are separate enums; map by name so neither can drift silently.
_KINDS: dict[int, rtc.ParticipantKind.ValueType] = {
    models.ParticipantInfo.Kind.STANDARD: rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD,
    models.ParticipantInfo.Kind.INGRESS: rtc.ParticipantKind.PARTICIPANT_KIND_INGRESS,
    models.ParticipantInfo.Kind.EGRESS: rtc.ParticipantKind.PARTICIPANT_KIND_EGRESS,
    models.ParticipantInfo.Kind.SIP: rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
    models.ParticipantInfo.Kind.AGENT: rtc.ParticipantKind.PARTICIPANT_KIND_AGENT,
}

_KEY_GAP_S = 0.12
"""Time between simulated key presses: a brisk human on a keypad."""


class SimulatedCallRoom:
    """A `worker.entrypoint.CallRoom` over the Twirp simulator and simulated audio.

    Args:
        twirp: the LiveKit server simulator, holding the room and the caller.
        room_name: the room the caller is in.
        caller_identity: the caller's identity in that room.
        dispatch_metadata: the agent dispatch metadata the job carries.
        mic: the caller's microphone.
        speaker: the caller's loudspeaker.
        control_options: call-control bounds.
    """

    def __init__(
        self,
        *,
        twirp: LiveKitTwirpSim,
        room_name: str,
        caller_identity: str,
        dispatch_metadata: str,
        mic: ScriptedAudioInput,
        speaker: CapturingAudioOutput,
        control_options: CallControlOptions | None = None,
    ) -> None:
        self._twirp = twirp
        self._room_name = room_name
        self._identity = caller_identity
        self._metadata = dispatch_metadata
        self._mic = mic
        self._speaker = speaker
        self._control = CallControl(
            url=twirp.http_url,
            api_key=twirp.api_key,
            api_secret=twirp.api_secret,
            options=control_options,
        )
        self._fields: dict[str, Any] = {}
        self._dtmf: list[tuple[str, Callable[[str], None]]] = []
        self._left: list[Callable[[], None]] = []
        self._shutdown: list[Callable[[], Coroutine[Any, Any, None]]] = []
        self.deleted = asyncio.Event()
        self.consult_audio: dict[str, list[rtc.AudioFrame]] = {}
        """Consult room -> the frames the agent played there (the briefing)."""
        twirp.room_state.watch(room_name, self)

    # -- CallRoom -------------------------------------------------------------------

    @property
    def room_name(self) -> str:
        return self._room_name

    @property
    def job_id(self) -> str:
        return f"AJ_sim_{self._room_name}"

    @property
    def dispatch_metadata(self) -> str:
        return self._metadata

    @property
    def log_context_fields(self) -> dict[str, Any]:
        return self._fields

    @property
    def call_control(self) -> CallControl:
        return self._control

    async def connect(self) -> None:
        """Nothing to connect: the simulated room exists once the caller is seated."""

    async def wait_for_caller(self) -> JoinedParticipant:
        info = self._twirp.participants[self._room_name][self._identity]
        return JoinedParticipant(
            kind=_KINDS[info.kind], identity=info.identity, attributes=dict(info.attributes)
        )

    async def start_session(self, call: CallSession, caller: Caller, *, record: bool) -> None:
        # No room, so no RoomIO and no egress: `record` has nothing to record here.
        call.session.input.audio = self._mic
        call.session.output.audio = self._speaker
        await call.session.start(agent=call.agent, record=False)

    def on_dtmf(self, identity: str, callback: Callable[[str], None]) -> None:
        self._dtmf.append((identity, callback))

    def on_caller_left(self, identity: str, callback: Callable[[], None]) -> None:
        if identity == self._identity:
            self._left.append(callback)

    def add_shutdown_callback(self, callback: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self._shutdown.append(callback)

    def consult_output(
        self, room_name: str, sample_rate: int
    ) -> contextlib.AbstractAsyncContextManager[Callable[[rtc.AudioFrame], Awaitable[None]]]:
        frames = self.consult_audio.setdefault(room_name, [])

        @contextlib.asynccontextmanager
        async def output() -> AsyncIterator[Callable[[rtc.AudioFrame], Awaitable[None]]]:
            async def sink(frame: rtc.AudioFrame) -> None:
                frames.append(frame)

            yield sink

        return output()

    # -- RoomWatcher (the server's side) ---------------------------------------------

    def on_data(self, packet: models.DataPacket) -> None:
        if packet.WhichOneof("value") == "sip_dtmf":
            for identity, callback in self._dtmf:
                if packet.participant_identity == identity:
                    callback(packet.sip_dtmf.digit)

    def on_deleted(self) -> None:
        self.deleted.set()

    # -- what the simulated caller does ----------------------------------------------

    async def press(self, keys: str) -> None:
        """The caller presses ``keys`` one by one, as the SIP bridge reports them."""
        for key in keys:
            self._twirp.room_state.publish(self._room_name, dtmf_packet(key, self._identity))
            await asyncio.sleep(_KEY_GAP_S)

    def hang_up(self) -> None:
        """The caller hangs up: the bridge removes the SIP participant from the room."""
        with contextlib.suppress(TwirpFailure):
            self._twirp.room_state.remove(self._room_name, self._identity)
        for callback in self._left:
            callback()

    async def aclose(self) -> None:
        """End of the job: shutdown callbacks, as the framework runs them."""
        for callback in self._shutdown:
            try:
                await callback()
            except Exception:
                log.exception("shutdown_callback_failed")
        await self._control.aclose()
