"""Live SIP calls in the LiveKit simulator: transfer by REFER, and DTMF.

Transfer follows what LiveKit defines, not what our client sends:

* ``livekit/protocol`` ``livekit/sip.go`` ``TransferSIPParticipantRequest.ValidateResult``:
  room name, participant identity and ``transfer_to`` are required; ``transfer_to`` must
  be a ``sip:``, ``sips:`` or ``tel:`` URI (optionally in angle brackets), else
  ``invalid_argument``; a SIP URI is sent on as a name-addr ``<sip:...>``.
* A failed REFER (the far end's 4xx/5xx) comes back as a Twirp error carrying
  ``sip_status_code``/``sip_status`` metadata (``livekit/sip`` ``siperrors.ApplySIPStatus``),
  which ``livekit-api`` raises as ``SipCallError``.

DTMF: the SIP bridge turns an RFC 4733 telephone event into a reliable data packet
carrying ``livekit.SipDTMF{code, digit}`` (``livekit/sip`` ``pkg/sip/inbound.go``
``handleDTMF``); the SDK's room emits it as ``sip_dtmf_received``. Event codes are RFC
4733 section 3.2's: 0-9 for digits, 10 for ``*``, 11 for ``#``, 12-15 for A-D.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import Message
from livekit.protocol import models, sip

from ._livekit_rooms import RoomState
from ._livekit_sip import SipState
from ._twirp import TwirpFailure

__all__ = ["DTMF_CODES", "SipCalls", "dtmf_packet"]

DTMF_CODES: Mapping[str, int] = {
    **{str(d): d for d in range(10)},
    "*": 10,
    "#": 11,
    **{letter: 12 + i for i, letter in enumerate("ABCD")},
}


def dtmf_packet(digit: str, participant_identity: str) -> models.DataPacket:
    """The data packet the SIP bridge publishes for one key press."""
    if digit not in DTMF_CODES:
        raise ValueError(f"not a DTMF key: {digit!r}")
    return models.DataPacket(
        kind=models.DataPacket.Kind.RELIABLE,
        participant_identity=participant_identity,
        sip_dtmf=models.SipDTMF(code=DTMF_CODES[digit], digit=digit),
    )


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
        participant = self.rooms.participant(req.room_name, req.participant_identity)
        if participant.kind != models.ParticipantInfo.Kind.SIP:
            raise TwirpFailure(
                "failed_precondition", f"{req.participant_identity!r} is not a SIP participant"
            )
        response = self.sip_state.transfer_participant(req)
        self.refer_to.append(refer_to)
        return response
