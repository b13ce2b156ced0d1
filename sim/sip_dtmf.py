"""DTMF as LiveKit's SIP bridge delivers it, for simulated rooms and tests.

The bridge turns an RFC 4733 telephone event into a reliable data packet carrying
``livekit.SipDTMF{code, digit}`` (``livekit/sip`` ``pkg/sip/inbound.go`` ``handleDTMF``);
the SDK's room emits it as ``sip_dtmf_received``. Event codes are RFC 4733 section 3.2's:
0-9 for digits, 10 for ``*``, 11 for ``#``, 12-15 for A-D.
"""

from __future__ import annotations

from collections.abc import Mapping

from livekit.protocol import models

__all__ = ["DTMF_CODES", "dtmf_packet"]

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
