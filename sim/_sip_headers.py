"""SIP header checks the LiveKit server applies to a request's ``headers`` map.

From ``livekit/protocol`` ``livekit/sip.go`` ``validateHeaders`` and
``livekit/sip_validation.go`` (``ValidateHeaderName``, ``ValidateHeaderValueResult``,
``ForbiddenSipHeaderNames``), as used by ``TransferSIPParticipantRequest.ValidateResult``
and ``CreateSIPParticipantRequest.ValidateResult``:

* a name is 1 to 255 RFC 3261 token characters (letters, digits, ``-.!%*_+`'~``) and
  not one of the headers the SIP stack owns (Call-ID, Contact, Refer-To, CSeq... and
  their compact forms);
* a value is at most 1024 characters of printable ASCII (0x20-0x7E), tab, or UTF-8
  above 0x7F; an empty value passes.

A failure is ``invalid_argument``, as the server returns a validation error.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Final

from ._twirp import TwirpFailure

__all__ = ["FORBIDDEN_HEADER_NAMES", "check_headers"]

_TOKEN: Final = frozenset(string.ascii_letters + string.digits + "-.!%*_+`'~")
FORBIDDEN_HEADER_NAMES: Final = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "allow",
        "allow-events",
        "call-id",
        "contact",
        "content-encoding",
        "content-length",
        "content-type",
        "cseq",
        "event",
        "expires",
        "from",
        "max-forwards",
        "record-route",
        "refer-to",
        "reply-to",
        "k",
        "l",
        "m",
        "o",
        "r",
        "t",
        "u",
        "v",
    }
)


def _value_ok(value: str) -> bool:
    return all(ch == "\t" or 0x20 <= ord(ch) <= 0x7E or ord(ch) > 0x7F for ch in value)


def check_headers(headers: Mapping[str, str]) -> None:
    """Raise ``invalid_argument`` for a header the server would refuse."""
    for name, value in headers.items():
        if not name:
            raise TwirpFailure(
                "invalid_argument", "invalid header name: header name cannot be empty"
            )
        if len(name) > 255:
            raise TwirpFailure("invalid_argument", "invalid header name: too long (max 255)")
        if any(ch not in _TOKEN for ch in name):
            raise TwirpFailure(
                "invalid_argument", f"invalid header name: {name} contains invalid characters"
            )
        if name.lower() in FORBIDDEN_HEADER_NAMES:
            raise TwirpFailure(
                "invalid_argument", f"invalid header name: header name {name} not supported"
            )
        if len(value) > 1024:
            raise TwirpFailure(
                "invalid_argument",
                f"invalid header value for {name}: value too long (max 1024 characters)",
            )
        if not _value_ok(value):
            raise TwirpFailure(
                "invalid_argument", f"invalid header value for {name}: char not allowed"
            )
