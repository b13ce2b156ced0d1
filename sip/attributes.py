"""The ``sip.*`` participant attributes LiveKit's SIP bridge sets on a phone caller.

Names from livekit/protocol ``livekit/attrs.go`` (``AttrSIPCallID`` = ``sip.callID``,
``AttrSIPTrunkNumber`` = ``sip.trunkPhoneNumber``...). Only read them from a participant
whose kind LiveKit set to SIP: any other participant can set attributes of these names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "MAX_ATTRIBUTE_CHARS",
    "MAX_HEADERS",
    "SipCall",
    "normalize_e164",
    "parse_sip_attributes",
]

CALL_ID = "sip.callID"
TRUNK_ID = "sip.trunkID"
RULE_ID = "sip.ruleID"
CALLER_NUMBER = "sip.phoneNumber"
DIALED_NUMBER = "sip.trunkPhoneNumber"
CALL_STATUS = "sip.callStatus"
HEADER_PREFIX = "sip.h."

MAX_ATTRIBUTE_CHARS = 256
"""Longer values are dropped, not truncated: a cut call id or number would mislead."""
MAX_HEADERS = 32
"""Mapped SIP headers kept per call; more are ignored so a caller cannot grow our memory."""

_DIGITS = re.compile(r"^\+?[1-9]\d{6,14}$")
_SEPARATORS = re.compile(r"[\s\-().]")


def normalize_e164(number: str) -> str:
    """``+`` and 7 to 15 digits, or "" when ``number`` is not a phone number.

    The bridge reports numbers as the trunk received them, with or without ``+``.
    """
    compact = _SEPARATORS.sub("", number)
    if not _DIGITS.match(compact):
        return ""
    return compact if compact.startswith("+") else "+" + compact


@dataclass(frozen=True)
class SipCall:
    """One SIP leg as the bridge describes it; absent or unusable values are "".

    ``caller_number`` is personal data: it may reach tools, never a log line.
    """

    call_id: str = ""
    trunk_id: str = ""
    rule_id: str = ""
    caller_number: str = ""
    dialed_number: str = ""
    status: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    """Attribute names ignored because their value was too long (for the log)."""

    @property
    def inbound(self) -> bool:
        # Outbound calls placed through CreateSIPParticipant carry no dispatch rule.
        return bool(self.rule_id)


def parse_sip_attributes(attributes: Mapping[str, str]) -> SipCall:
    """The SIP leg described by a SIP participant's ``attributes``.

    Never fails: a missing attribute is "", an oversized one is dropped (and named in
    ``dropped``), a malformed number is "" so routing falls back to the default tenant.
    """
    dropped: list[str] = []

    def value(name: str) -> str:
        raw = attributes.get(name, "")
        if not isinstance(raw, str):
            return ""
        if len(raw) > MAX_ATTRIBUTE_CHARS:
            dropped.append(name)
            return ""
        return raw

    headers: dict[str, str] = {}
    for key in attributes:
        if len(headers) >= MAX_HEADERS:
            break
        if key.startswith(HEADER_PREFIX) and len(key) <= MAX_ATTRIBUTE_CHARS:
            header = value(key)
            if header:
                headers[key.removeprefix(HEADER_PREFIX)] = header
    return SipCall(
        call_id=value(CALL_ID),
        trunk_id=value(TRUNK_ID),
        rule_id=value(RULE_ID),
        caller_number=normalize_e164(value(CALLER_NUMBER)),
        dialed_number=normalize_e164(value(DIALED_NUMBER)),
        status=value(CALL_STATUS),
        headers=headers,
        dropped=tuple(dropped),
    )
