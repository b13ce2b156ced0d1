"""LiveKit's acceptance rules, applied to the messages ``sync`` would send.

The same checks the server runs (so a plan that passes does not stop half-way), read
from livekit/protocol and named per function. They take the protobuf messages, so
``validate`` (the file alone) and ``plan`` (the file against the server's objects) ask
exactly the question the server will. Unlike the server, which stops at the first
problem, every conflict is returned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from livekit.protocol import sip

from dispatch.numbers import server_key

__all__ = [
    "MAX_ATTRIBUTES_BYTES",
    "MAX_METADATA_BYTES",
    "MAX_ROOM_NAME_BYTES",
    "Clash",
    "check_inbound",
    "check_outbound",
    "check_participant",
    "inbound_clashes",
    "rule_clashes",
]

_T = TypeVar("_T")
_TOKEN = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.!%*_+`'~")
# livekit/sip_validation.go ForbiddenSipHeaderNames: not settable through `headers`.
FORBIDDEN_HEADERS = frozenset(
    "accept accept-encoding accept-language allow allow-events call-id contact "
    "content-encoding content-length content-type cseq event expires from max-forwards "
    "record-route refer-to reply-to k l m o r t u v".split()
)


# Go's len() counts bytes, and so do these limits: a header value of 1024 characters
# with one "é" in it is 1025 bytes and refused.
MAX_HEADER_NAME_BYTES = 255
"""livekit/sip_validation.go ``ValidateHeaderName``."""
MAX_HEADER_VALUE_BYTES = 1024
"""livekit/sip_validation.go ``ValidateHeaderValueResult``."""
MAX_ROOM_NAME_BYTES = 256
"""livekit/livekit pkg/config/config.go: ``limit.max_room_name_length`` default."""
MAX_ATTRIBUTES_BYTES = 64 * 1024
"""livekit/livekit pkg/config/config.go: ``limit.max_attributes_size`` default (keys
and values of a participant's attributes, summed)."""
MAX_METADATA_BYTES = 512 * 1024
"""livekit/livekit pkg/config/config.go: ``limit.max_metadata_size`` default."""


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class Clash(Generic[_T]):
    """``item`` claims what ``other`` (earlier in the order given) already claims."""

    item: _T
    other: _T
    detail: str


def inbound_clashes(
    trunks: Sequence[sip.SIPInboundTrunkInfo],
) -> list[Clash[sip.SIPInboundTrunkInfo]]:
    """sip/sip.go ``ValidateTrunksIter``/``validateTrunkInbound``: per normalised dialed
    number ("" when a trunk has none), a trunk without ``allowed_numbers`` claims "" and
    one with them claims each normalised caller number. ``allowed_addresses`` play no
    part. A caller-filtered trunk therefore never clashes with an unfiltered one."""
    claims: dict[tuple[str, str], sip.SIPInboundTrunkInfo] = {}
    clashes: list[Clash[sip.SIPInboundTrunkInfo]] = []
    for trunk in trunks:
        callers = sorted({server_key(n) for n in trunk.allowed_numbers}) or [""]
        for number in sorted({server_key(n) for n in trunk.numbers}) or [""]:
            for caller in callers:
                other = claims.setdefault((number, caller), trunk)
                if other is not trunk:
                    clashes.append(
                        Clash(
                            trunk,
                            other,
                            f"both take calls to {number or 'any number'} from "
                            f"{caller or 'any caller'}",
                        )
                    )
    return _first_per_pair(clashes)


def _pin(rule: sip.SIPDispatchRuleInfo) -> str:
    kind = rule.rule.WhichOneof("rule")
    return "" if kind is None else str(getattr(rule.rule, kind).pin)


def rule_clashes(
    rules: Sequence[sip.SIPDispatchRuleInfo],
) -> list[Clash[sip.SIPDispatchRuleInfo]]:
    """sip/sip.go ``DispatchRuleValidator.Validate``: the key is (PIN, trunk, caller
    number, dialed number), an empty list standing for "" (a wildcard that clashes only
    with other wildcards, because specific rules take priority)."""
    claims: dict[tuple[str, str, str, str], sip.SIPDispatchRuleInfo] = {}
    clashes: list[Clash[sip.SIPDispatchRuleInfo]] = []
    for rule in rules:
        pin = _pin(rule)
        for trunk in sorted(set(rule.trunk_ids)) or [""]:
            for caller in sorted({server_key(n) for n in rule.inbound_numbers}) or [""]:
                for number in sorted({server_key(n) for n in rule.numbers}) or [""]:
                    other = claims.setdefault((pin, trunk, caller, number), rule)
                    if other is not rule:
                        clashes.append(
                            Clash(
                                rule,
                                other,
                                f"same trunk ({trunk or 'any'}), caller number "
                                f"({caller or 'any'}), dialed number ({number or 'any'}) "
                                f"and PIN ({'set' if pin else 'none'})",
                            )
                        )
    return _first_per_pair(clashes)


def _first_per_pair(clashes: Iterable[Clash[_T]]) -> list[Clash[_T]]:
    seen: set[tuple[int, int]] = set()
    out: list[Clash[_T]] = []
    for clash in clashes:
        pair = (id(clash.item), id(clash.other))
        if pair not in seen:
            seen.add(pair)
            out.append(clash)
    return out


def _header_name(name: str, restricted: bool) -> str | None:
    """livekit/sip_validation.go ``ValidateHeaderName``."""
    if not name:
        return "header name cannot be empty"
    if _bytes(name) > MAX_HEADER_NAME_BYTES:
        return f"header name is {_bytes(name)} bytes; LiveKit allows {MAX_HEADER_NAME_BYTES}"
    if not set(name) <= _TOKEN:
        return f"header name {name!r} has characters a SIP header name cannot have"
    if restricted and name.lower() in FORBIDDEN_HEADERS:
        return f"header {name!r} is set by LiveKit itself and cannot be overridden"
    return None


def _headers(
    headers: Mapping[str, str],
    headers_to_attributes: Mapping[str, str],
    attributes_to_headers: Mapping[str, str],
) -> list[tuple[str, str]]:
    """livekit/sip.go ``validateHeaders``, ``validateHeaderToAttributes`` and
    ``validateAttributesToHeaders``. The field names the header (or attribute), so the
    problem points at its own line."""
    problems: list[tuple[str, str]] = []
    for name, value in headers.items():
        where = f"headers.{name}"
        if (message := _header_name(name, restricted=True)) is not None:
            problems.append((where, message))
        if _bytes(value) > MAX_HEADER_VALUE_BYTES:
            problems.append(
                (
                    where,
                    f"value of {name} is {_bytes(value)} bytes; LiveKit allows "
                    f"{MAX_HEADER_VALUE_BYTES} (it counts bytes, not characters)",
                )
            )
        elif any(ord(c) < 0x80 and not (0x20 <= ord(c) <= 0x7E or c == "\t") for c in value):
            problems.append((where, f"value of {name} has a control character"))
    for name in headers_to_attributes:
        if (message := _header_name(name, restricted=False)) is not None:
            problems.append((f"headers_to_attributes.{name}", message))
    for attribute, name in attributes_to_headers.items():
        if (message := _header_name(name, restricted=False)) is not None:
            problems.append((f"attributes_to_headers.{attribute}", message))
    return problems


def check_participant(
    attributes: Mapping[str, str], metadata: Mapping[str, object]
) -> list[tuple[str, str]]:
    """A rule's ``attributes`` and ``metadata`` become its callers' participant
    attributes and metadata (sip/sip.go ``EvaluateDispatchRule``), which LiveKit caps
    in bytes (livekit/livekit pkg/config/config.go ``CheckAttributesSize``,
    ``CheckMetadataSize``); over the cap, every call the rule takes fails."""
    problems: list[tuple[str, str]] = []
    size = sum(_bytes(k) + _bytes(v) for k, v in attributes.items())
    if size > MAX_ATTRIBUTES_BYTES:
        problems.append(
            ("attributes", f"are {size} bytes; LiveKit allows {MAX_ATTRIBUTES_BYTES} in all")
        )
    size = _bytes(json.dumps(dict(metadata), separators=(",", ":")))
    if size > MAX_METADATA_BYTES:
        problems.append(("metadata", f"is {size} bytes; LiveKit allows {MAX_METADATA_BYTES}"))
    return problems


def check_inbound(trunk: sip.SIPInboundTrunkInfo) -> list[tuple[str, str]]:
    """livekit/sip.go ``SIPInboundTrunkInfo.ValidateResult``: ``(field, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    if not (trunk.auth_username or trunk.auth_password or trunk.allowed_addresses or trunk.numbers):
        problems.append(
            (
                "numbers",
                "an inbound trunk without numbers must set auth_username/auth_password_env or "
                "allowed_addresses (LiveKit refuses an open trunk)",
            )
        )
    return problems + _headers(
        trunk.headers, trunk.headers_to_attributes, trunk.attributes_to_headers
    )


def check_outbound(trunk: sip.SIPOutboundTrunkInfo) -> list[tuple[str, str]]:
    """livekit/sip.go ``SIPOutboundTrunkInfo.ValidateResult`` and
    ``validateHostnameFormat``."""
    problems: list[tuple[str, str]] = []
    if not trunk.numbers:
        problems.append(("numbers", "an outbound trunk needs at least one number"))
    address = trunk.address
    if not address:
        problems.append(("address", "is required"))
    elif "transport=" in address:
        problems.append(("address", "must not carry ;transport= (set `transport:` instead)"))
    elif any(c in address for c in "@;") or address.startswith(("sip:", "sips:")):
        problems.append(("address", "must be a host[:port] or IP, not a SIP URI"))
    return problems + _headers(
        trunk.headers, trunk.headers_to_attributes, trunk.attributes_to_headers
    )
