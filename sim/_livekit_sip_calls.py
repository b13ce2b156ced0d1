"""Live SIP calls in the LiveKit simulator: transfer by REFER.

Transfer follows what LiveKit defines, not what our client sends:

* ``livekit/protocol`` ``livekit/sip.go`` ``TransferSIPParticipantRequest.ValidateResult``:
  room name, participant identity and ``transfer_to`` are required; ``transfer_to`` must
  be a ``sip:``, ``sips:`` or ``tel:`` URI (optionally in angle brackets), else
  ``invalid_argument``; a SIP URI is sent on as a name-addr ``<sip:...>``.
* ``headers`` are checked as ``validateHeaders`` does (`sim._sip_headers`).
* A failed REFER (the far end's 4xx/5xx) comes back as a Twirp error carrying
  ``sip_status_code``/``sip_status`` metadata (``livekit/sip`` ``siperrors.ApplySIPStatus``),
  which ``livekit-api`` raises as ``SipCallError``.

DTMF packets as the bridge publishes them: `sim.sip_dtmf`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import Message
from livekit.protocol import models, sip

from ._livekit_rooms import RoomState
from ._livekit_sip import SipState
from ._sip_headers import check_headers
from ._twirp import TwirpFailure

__all__ = ["SipCalls"]


def _refer_to(transfer_to: str) -> str:
    inner = transfer_to
    if inner.startswith("<") and inner.endswith(">"):
        inner = inner[1:-1]
    if inner.startswith(("sip:", "sips:")):
        return f"<{inner}>"
    if inner.startswith("tel:"):
        return inner
    raise TwirpFailure(
        "invalid_argument", "transfer_to must be a valid SIP(s) or TEL URI (sip:, sips: or tel:)"
    )


@dataclass
class SipCalls:
    """Transfers of SIP calls in progress, with the Refer-To each one sent."""

    sip_state: SipState
    rooms: RoomState
    refer_to: list[str] = field(default_factory=list)
    """The Refer-To each accepted transfer sent, in order."""

    def handlers(self) -> Mapping[str, Callable[[Any], Message]]:
        return {"TransferSIPParticipant": self.transfer_participant}

    def transfer_participant(
        self, req: sip.TransferSIPParticipantRequest
    ) -> sip.TransferSIPParticipantResponse:
        if not req.room_name:
            raise TwirpFailure("invalid_argument", "missing room name")
        if not req.participant_identity:
            raise TwirpFailure("invalid_argument", "missing participant identity")
        if not req.transfer_to:
            raise TwirpFailure("invalid_argument", "missing transfer to")
        refer_to = _refer_to(req.transfer_to)
        check_headers(req.headers)
        participant = self.rooms.participant(req.room_name, req.participant_identity)
        if participant.kind != models.ParticipantInfo.Kind.SIP:
            raise TwirpFailure(
                "failed_precondition", f"{req.participant_identity!r} is not a SIP participant"
            )
        response = self.sip_state.transfer_participant(req)
        self.refer_to.append(refer_to)
        return response
