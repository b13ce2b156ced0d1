"""The ``sip.*`` participant attributes LiveKit's SIP bridge sets on a phone caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["SipCall", "parse_sip_attributes"]

CALL_ID = "sip.callID"
TRUNK_ID = "sip.trunkID"
RULE_ID = "sip.ruleID"
CALLER_NUMBER = "sip.phoneNumber"
DIALED_NUMBER = "sip.trunkPhoneNumber"
CALL_STATUS = "sip.callStatus"
HEADER_PREFIX = "sip.h."


@dataclass(frozen=True)
class SipCall:
    """One SIP leg as the bridge describes it.

    ``caller_number`` is personal data: it may reach tools, never a log line.
    """

    call_id: str
    trunk_id: str = ""
    rule_id: str = ""
    caller_number: str = ""
    dialed_number: str = ""
    status: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def inbound(self) -> bool:
        # Outbound calls placed through CreateSIPParticipant carry no dispatch rule.
        return bool(self.rule_id)


def parse_sip_attributes(attributes: Mapping[str, str]) -> SipCall | None:
    """The SIP call described by ``attributes``, or None when they are not a SIP leg's."""
    call_id = attributes.get(CALL_ID, "")
    if not call_id:
        return None
    return SipCall(
        call_id=call_id,
        trunk_id=attributes.get(TRUNK_ID, ""),
        rule_id=attributes.get(RULE_ID, ""),
        caller_number=attributes.get(CALLER_NUMBER, ""),
        dialed_number=attributes.get(DIALED_NUMBER, ""),
        status=attributes.get(CALL_STATUS, ""),
        headers={
            key.removeprefix(HEADER_PREFIX): value
            for key, value in attributes.items()
            if key.startswith(HEADER_PREFIX)
        },
    )
