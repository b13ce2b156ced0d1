"""LiveKit's own rules for SIP trunks and dispatch rules, ported for the simulator.

Each function names the Go source it follows (``livekit/protocol`` at the commit the
tests were written against; ``livekit/livekit`` ``pkg/service/sip.go`` for which of
them the server runs on each call). They work on the protobuf messages exactly as
received, so the simulator judges what a client sends, not what our client means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from livekit.protocol import models, sip

from ._twirp import TwirpFailure

__all__ = [
    "MAX_HEADER_VALUE_BYTES",
    "apply_dispatch_rule_update",
    "apply_inbound_update",
    "apply_outbound_update",
    "filter_inbound",
    "filter_rules",
    "legacy_as_inbound",
    "legacy_as_outbound",
    "match_call",
    "normalize_number",
    "upgrade_media",
    "validate_dispatch_rule",
    "validate_dispatch_rules",
    "validate_inbound_trunk",
    "validate_inbound_trunks",
    "validate_outbound_trunk",
]

# livekit/sip.go NormalizeNumber: reNumber and the replacer of " -()".
# Go's \d is ASCII-only, so [0-9] rather than Python's Unicode \d.
_NUMBER_RE = re.compile(r"^\+?[0-9\- ()]+$")
# livekit/sip_validation.go: tokenCharacters (RFC 3261 token).
_TOKEN_RE = re.compile(r"^[0-9A-Za-z\-.!%*_+`'~]+$")
# livekit/sip_validation.go: ForbiddenSipHeaderNames (restricted for `headers`).
_FORBIDDEN_HEADERS = frozenset(
    "accept accept-encoding accept-language allow allow-events call-id contact "
    "content-encoding content-length content-type cseq event expires from max-forwards "
    "record-route refer-to reply-to k l m o r t u v".split()
)
_DISABLE = sip.SIPMediaEncryption.SIP_MEDIA_ENCRYPT_DISABLE
# livekit/sip_validation.go ValidateHeaderValueResult: Go's len(), so bytes.
MAX_HEADER_VALUE_BYTES = 1024
# livekit/sip.go MaxSIPMediaTimeout, printed by Go's %v as "10m0s".
_MAX_MEDIA_TIMEOUT_S = 600


def _invalid(message: str) -> TwirpFailure:
    return TwirpFailure("invalid_argument", message)


def normalize_number(number: str) -> str:
    """livekit/sip.go ``NormalizeNumber``: strip `` -()`` and add ``+``; anything that
    is not number-like (a SIP user name) comes back unchanged."""
    if not number or not _NUMBER_RE.match(number):
        return number
    stripped = re.sub(r"[ \-()]", "", number)
    return stripped if stripped.startswith("+") else "+" + stripped


def _print_id(item_id: str) -> str:
    return item_id or "<new>"


# -- conflicts between objects (sip/sip.go) --------------------------------------------


def validate_inbound_trunks(trunks: Iterable[sip.SIPInboundTrunkInfo]) -> None:
    """sip/sip.go ``ValidateTrunksIter`` + ``validateTrunkInbound``.

    Trunks are bucketed by normalised dialed number ("" for a trunk without numbers).
    Within a bucket a trunk without ``allowed_numbers`` claims "" and one with them
    claims each normalised caller number; a claim already held by another trunk id is a
    conflict. So a trunk with a caller filter never collides with one without.
    """
    buckets: dict[str, dict[str, sip.SIPInboundTrunkInfo]] = {}
    for trunk in trunks:
        numbers = list(dict.fromkeys(normalize_number(n) for n in trunk.numbers)) or [""]
        for number in numbers:
            by_caller = buckets.setdefault(number, {})
            if not trunk.allowed_numbers:
                other = by_caller.get("")
                if other is not None and other.sip_trunk_id != trunk.sip_trunk_id:
                    raise _invalid(
                        f"Conflicting inbound SIP Trunks: {_print_id(trunk.sip_trunk_id)!r} and "
                        f"{_print_id(other.sip_trunk_id)!r}, using the same number(s) "
                        f"{list(trunk.numbers) or '<any>'} without AllowedNumbers set"
                    )
                by_caller[""] = trunk
                continue
            for caller in dict.fromkeys(normalize_number(n) for n in trunk.allowed_numbers):
                other = by_caller.get(caller)
                if other is not None and other.sip_trunk_id != trunk.sip_trunk_id:
                    raise _invalid(
                        f"Conflicting inbound SIP Trunks: {_print_id(trunk.sip_trunk_id)!r} and "
                        f"{_print_id(other.sip_trunk_id)!r}, using the same number(s) "
                        f"{list(trunk.numbers) or '<any>'} and AllowedNumber {caller!r}"
                    )
                by_caller[caller] = trunk


def rule_pin(rule: sip.SIPDispatchRuleInfo) -> str:
    """sip/sip.go ``GetPinAndRoom``: the PIN; an unset rule type is invalid."""
    kind = rule.rule.WhichOneof("rule")
    if kind is None:
        raise _invalid("unsupported SIP Dispatch Rule: <nil>")
    body = getattr(rule.rule, kind)
    return str(body.pin)


def validate_dispatch_rules(rules: Iterable[sip.SIPDispatchRuleInfo]) -> None:
    """sip/sip.go ``DispatchRuleValidator.Validate``: the key is (PIN, trunk, caller
    number, dialed number), each empty list standing for "" (a wildcard that collides
    only with other wildcards). Note the server does not skip the rule's own earlier
    keys, so one rule listing a number twice in two forms collides with itself."""
    seen: dict[tuple[str, str, str, str], sip.SIPDispatchRuleInfo] = {}
    for rule in rules:
        pin = rule_pin(rule)
        for trunk in list(rule.trunk_ids) or [""]:
            for caller in list(rule.inbound_numbers) or [""]:
                for number in list(rule.numbers) or [""]:
                    key = (pin, trunk, normalize_number(caller), normalize_number(number))
                    other = seen.get(key)
                    if other is not None:
                        raise _invalid(
                            "Dispatch rule for the same trunk, inbound number, number, and PIN "
                            "combination already exists in dispatch rule "
                            f"{_print_id(other.sip_dispatch_rule_id)!r} "
                            f"{other.name or '<blank name>'!r}"
                        )
                    seen[key] = rule


# -- one object (livekit/sip.go, livekit/sip_validation.go) -----------------------------


def _header_name(name: str, restricted: bool) -> None:
    """livekit/sip_validation.go ``ValidateHeaderName``."""
    if not name:
        raise _invalid("invalid header name: header name cannot be empty")
    if len(name) > 255:
        raise _invalid("invalid header name: header name too long (max 255 characters)")
    if not _TOKEN_RE.match(name):
        raise _invalid(f"invalid header name: header name {name} contains invalid characters")
    if restricted and name.lower() in _FORBIDDEN_HEADERS:
        raise _invalid(f"invalid header name: header name {name} not supported")


def _headers(headers: Mapping[str, str]) -> None:
    """livekit/sip.go ``validateHeaders`` (hard failures only; name-addr checks are soft)."""
    for name, value in headers.items():
        _header_name(name, restricted=True)
        if len(value.encode("utf-8", "surrogatepass")) > MAX_HEADER_VALUE_BYTES:
            raise _invalid(
                f"invalid header value for {name}: header {name}: value too long "
                "(max 1024 characters)"
            )
        if any(ord(c) < 0x80 and not (0x20 <= ord(c) <= 0x7E or c == "\t") for c in value):
            raise _invalid(f"invalid header value for {name}: char not allowed")


def _header_maps(
    headers_to_attributes: Mapping[str, str], attributes_to_headers: Mapping[str, str]
) -> None:
    for name in attributes_to_headers.values():
        _header_name(name, restricted=False)
    for name in headers_to_attributes:
        _header_name(name, restricted=False)


def _codec(codec: sip.SIPCodec) -> None:
    """livekit/sip.go ``SIPCodec.Validate``: three distinct failures, in this order."""
    if not codec.name:
        raise _invalid("missing codec name")
    if any(c in codec.name for c in " \t\n\r"):
        raise _invalid("invalid codec name")
    if "/" in codec.name:
        raise _invalid("codec name must not contain '/'")


def _media(media: sip.SIPMediaConfig) -> None:
    """livekit/sip.go ``SIPMediaConfig.Validate`` (codec names, media timeout bound)."""
    for codec in media.codecs:
        _codec(codec)
    if media.HasField("media_timeout"):
        seconds = media.media_timeout.ToTimedelta().total_seconds()
        if seconds < 0:
            raise _invalid("media_timeout must not be negative")
        if seconds > _MAX_MEDIA_TIMEOUT_S:
            raise _invalid("media_timeout must not exceed 10m0s")


def validate_inbound_trunk(trunk: sip.SIPInboundTrunkInfo) -> None:
    """livekit/sip.go ``SIPInboundTrunkInfo.ValidateResult``: "for security" a trunk
    needs auth, an address allow-list or numbers; then headers and header maps."""
    has_auth = bool(trunk.auth_username or trunk.auth_password)
    if not (has_auth or trunk.allowed_addresses or trunk.numbers):
        raise _invalid(
            "for security, one of the fields must be set: AuthUsername+AuthPassword, "
            "AllowedAddresses or Numbers"
        )
    _media(trunk.media)
    _headers(trunk.headers)
    _header_maps(trunk.headers_to_attributes, trunk.attributes_to_headers)


def _hostname(value: str, field: str) -> None:
    """livekit/sip.go ``validateHostnameFormat``."""
    if "transport=" in value:
        raise _invalid(f"{field} should not contain transport parameter")
    if any(c in value for c in "@;") or value.startswith(("sip:", "sips:")):
        raise _invalid(f"{field} should be a hostname or IP, not SIP URI")


def validate_outbound_trunk(trunk: sip.SIPOutboundTrunkInfo) -> None:
    """livekit/sip.go ``SIPOutboundTrunkInfo.ValidateResult``."""
    if not trunk.numbers:
        raise _invalid("no trunk numbers specified")
    if not trunk.address:
        raise _invalid("no outbound address specified")
    _hostname(trunk.address, "trunk address")
    _hostname(trunk.from_host, "from_host")
    _headers(trunk.headers)
    _header_maps(trunk.headers_to_attributes, trunk.attributes_to_headers)
    _media(trunk.media)


def validate_dispatch_rule(rule: sip.SIPDispatchRuleInfo) -> None:
    """livekit/sip.go ``SIPDispatchRuleInfo.Validate``: a rule type and valid media."""
    if not rule.HasField("rule") or rule.rule.WhichOneof("rule") is None:
        raise _invalid("missing rule")
    _media(rule.media)


# -- field-level updates (livekit/types.go, livekit/sip.go) ----------------------------


def _validate_list(update: models.ListUpdate) -> None:
    """livekit/types.go ``ListUpdate.Validate``."""
    change = bool(update.set or update.add or update.remove)
    if not update.clear and not change:
        raise _invalid("unsupported list update operation")
    if update.clear and change:
        raise _invalid("cannot clear and change the list at the same time")
    if update.set and (update.add or update.remove):
        raise _invalid("cannot set and change the list at the same time")
    if "" in [*update.set, *update.add, *update.remove]:
        raise _invalid("empty element in the list")


def _apply_list(target: object, update: models.ListUpdate) -> None:
    """livekit/types.go ``applyListUpdate``: clear, else set, else remove then add."""
    current: list[str] = list(target)  # type: ignore[call-overload]
    if update.clear:
        result: list[str] = []
    elif update.set:
        result = list(update.set)
    else:
        result = list(current)
        for item in update.remove:
            if item in result:
                result.remove(item)
        for item in update.add:
            if item not in result:
                result.append(item)
    del target[:]  # type: ignore[attr-defined]
    target.extend(result)  # type: ignore[attr-defined]


def upgrade_media(
    info: sip.SIPInboundTrunkInfo | sip.SIPOutboundTrunkInfo | sip.SIPDispatchRuleInfo,
) -> None:
    """livekit/sip.go ``Upgrade``/``UpgradeWith``: ``media`` always exists afterwards,
    and takes the legacy ``media_encryption`` if it has no encryption of its own."""
    info.media.SetInParent()
    if not info.media.HasField("encryption") and info.media_encryption != _DISABLE:
        info.media.encryption = info.media_encryption


def _update_media(
    info: sip.SIPInboundTrunkInfo | sip.SIPOutboundTrunkInfo | sip.SIPDispatchRuleInfo,
    update: sip.SIPInboundTrunkUpdate | sip.SIPOutboundTrunkUpdate | sip.SIPDispatchRuleUpdate,
) -> None:
    """livekit/sip.go ``updateMediaConfig``: replace media, set the legacy field, upgrade,
    then copy the effective encryption back into the legacy field."""
    if update.HasField("media"):
        info.media.CopyFrom(update.media)
    if update.HasField("media_encryption"):
        info.media_encryption = update.media_encryption
    upgrade_media(info)
    info.media_encryption = info.media.encryption if info.media.HasField("encryption") else _DISABLE


def apply_inbound_update(trunk: sip.SIPInboundTrunkInfo, update: sip.SIPInboundTrunkUpdate) -> None:
    """livekit/sip.go ``SIPInboundTrunkUpdate.ApplyResult`` (validated first and after)."""
    for name in ("numbers", "allowed_addresses", "allowed_numbers"):
        if update.HasField(name):
            _validate_list(getattr(update, name))
    _media(update.media)
    for name in ("numbers", "allowed_addresses", "allowed_numbers"):
        if update.HasField(name):
            _apply_list(getattr(trunk, name), getattr(update, name))
    for name in ("auth_username", "auth_password", "auth_realm", "name", "metadata"):
        if update.HasField(name):
            setattr(trunk, name, getattr(update, name))
    _update_media(trunk, update)
    validate_inbound_trunk(trunk)


def apply_outbound_update(
    trunk: sip.SIPOutboundTrunkInfo, update: sip.SIPOutboundTrunkUpdate
) -> None:
    """livekit/sip.go ``SIPOutboundTrunkUpdate.ApplyResult``."""
    if update.HasField("numbers"):
        _validate_list(update.numbers)
    _media(update.media)
    for name in ("address", "transport", "destination_country"):
        if update.HasField(name):
            setattr(trunk, name, getattr(update, name))
    if update.HasField("numbers"):
        _apply_list(trunk.numbers, update.numbers)
    for name in ("auth_username", "auth_password", "name", "metadata", "from_host"):
        if update.HasField(name):
            setattr(trunk, name, getattr(update, name))
    _update_media(trunk, update)
    validate_outbound_trunk(trunk)


def apply_dispatch_rule_update(
    rule: sip.SIPDispatchRuleInfo, update: sip.SIPDispatchRuleUpdate
) -> None:
    """livekit/sip.go ``SIPDispatchRuleUpdate.Apply``; ``attributes`` is a diff
    (livekit/types.go ``applyMapDiff``: an empty value deletes the key)."""
    if update.HasField("trunk_ids"):
        _validate_list(update.trunk_ids)
        _apply_list(rule.trunk_ids, update.trunk_ids)
    _media(update.media)
    if update.HasField("rule"):
        rule.rule.CopyFrom(update.rule)
    for name in ("name", "metadata"):
        if update.HasField(name):
            setattr(rule, name, getattr(update, name))
    for key, value in update.attributes.items():
        if value:
            rule.attributes[key] = value
        else:
            rule.attributes.pop(key, None)
    _update_media(rule, update)
    validate_dispatch_rule(rule)


# -- List filters and legacy trunks (livekit/sip.go) -----------------------------------


def filter_inbound(
    trunk: sip.SIPInboundTrunkInfo, trunk_ids: Iterable[str], numbers: Iterable[str]
) -> bool:
    """livekit/sip.go ``ListSIPInboundTrunkRequest.Filter``: a trunk passes the id
    filter by id, and the number filter when it has no numbers or shares one (as
    written, or normalised)."""
    ids = list(trunk_ids)
    if ids and trunk.sip_trunk_id not in ids:
        return False
    wanted = list(numbers)
    if wanted and trunk.numbers:
        normal = {normalize_number(n) for n in wanted}
        return any(n in wanted or normalize_number(n) in normal for n in trunk.numbers)
    return True


def filter_outbound(
    trunk: sip.SIPOutboundTrunkInfo, trunk_ids: Iterable[str], numbers: Iterable[str]
) -> bool:
    """livekit/sip.go ``ListSIPOutboundTrunkRequest.Filter``: numbers as written only."""
    ids = list(trunk_ids)
    if ids and trunk.sip_trunk_id not in ids:
        return False
    wanted = set(numbers)
    return not (wanted and trunk.numbers) or bool(wanted & set(trunk.numbers))


def filter_rules(
    rule: sip.SIPDispatchRuleInfo, rule_ids: Iterable[str], trunk_ids: Iterable[str]
) -> bool:
    """livekit/sip.go ``ListSIPDispatchRuleRequest.Filter``: a rule with no trunks (a
    wildcard) passes any trunk filter."""
    ids = list(rule_ids)
    if ids and rule.sip_dispatch_rule_id not in ids:
        return False
    wanted = set(trunk_ids)
    return not (wanted and rule.trunk_ids) or bool(wanted & set(rule.trunk_ids))


def legacy_as_inbound(info: sip.SIPTrunkInfo) -> sip.SIPInboundTrunkInfo | None:
    """livekit/sip.go ``SIPTrunkInfo.AsInbound``: None for an outbound-only trunk."""
    if info.kind == sip.SIPTrunkInfo.TrunkKind.TRUNK_OUTBOUND:
        return None
    return sip.SIPInboundTrunkInfo(
        sip_trunk_id=info.sip_trunk_id,
        name=info.name,
        metadata=info.metadata,
        numbers=[info.outbound_number] if info.outbound_number else [],
        allowed_addresses=list(info.inbound_addresses),
        allowed_numbers=list(info.inbound_numbers),
        auth_username=info.inbound_username,
        auth_password=info.inbound_password,
    )


def legacy_as_outbound(info: sip.SIPTrunkInfo) -> sip.SIPOutboundTrunkInfo | None:
    """livekit/sip.go ``SIPTrunkInfo.AsOutbound``: None for an inbound-only trunk."""
    if info.kind == sip.SIPTrunkInfo.TrunkKind.TRUNK_INBOUND:
        return None
    return sip.SIPOutboundTrunkInfo(
        sip_trunk_id=info.sip_trunk_id,
        name=info.name,
        metadata=info.metadata,
        address=info.outbound_address,
        transport=info.transport,
        numbers=[info.outbound_number] if info.outbound_number else [],
        auth_username=info.outbound_username,
        auth_password=info.outbound_password,
    )


# -- where a call goes (sip/sip.go) -----------------------------------------------------


def _match_numbers(number: str, allowed: Iterable[str]) -> bool:
    """sip/sip.go ``matchNumbers``."""
    listed = list(allowed)
    if not listed:
        return True
    normal = normalize_number(number)
    return any(number == a or normal == normalize_number(a) for a in listed)


class _NoRoute(Exception):
    """The server fails the call (``FailedPrecondition``)."""


def match_trunk(
    trunks: Iterable[sip.SIPInboundTrunkInfo], called: str, calling: str
) -> sip.SIPInboundTrunkInfo | None:
    """sip/sip.go ``MatchTrunkDetailed`` (source addresses not modelled): the trunk
    listing the dialed number, else the one default trunk, else None (no trunk).

    Raises:
        _NoRoute: two trunks list the number, or two default trunks take it.
    """
    selected: sip.SIPInboundTrunkInfo | None = None
    defaults: list[sip.SIPInboundTrunkInfo] = []
    called_normal = normalize_number(called)
    for trunk in trunks:
        if not _match_numbers(calling, trunk.allowed_numbers):
            continue
        if not trunk.numbers:
            defaults.append(trunk)
            continue
        if any(n == called or normalize_number(n) == called_normal for n in trunk.numbers):
            if selected is not None:
                raise _NoRoute("Multiple SIP Trunks matched")
            selected = trunk
    if selected is not None:
        return selected
    if len(defaults) > 1:
        raise _NoRoute("Multiple default SIP Trunks matched")
    return defaults[0] if defaults else None


def _priority(rule: sip.SIPDispatchRuleInfo) -> tuple[int, str]:
    """sip/sip.go ``DispatchRulePriority`` and ``hasHigherPriority`` (lower first)."""
    kind = rule.rule.WhichOneof("rule")
    if kind is None:
        return (2**31 - 1, "")
    body = getattr(rule.rule, kind)
    base = {"dispatch_rule_direct": 0, "dispatch_rule_individual": 1}.get(kind, 2)
    priority = (base if body.pin else 100 + base) + (0 if rule.inbound_numbers else 1000)
    priority += 0 if rule.numbers else 1000
    room = body.room_name if kind == "dispatch_rule_direct" else body.room_prefix
    return (priority, str(room))


def match_call(
    trunks: Iterable[sip.SIPInboundTrunkInfo],
    rules: Iterable[sip.SIPDispatchRuleInfo],
    called: str,
    calling: str = "",
) -> tuple[sip.SIPInboundTrunkInfo | None, sip.SIPDispatchRuleInfo] | None:
    """Where a call goes: livekit/livekit ``pkg/service/ioservice_sip.go``
    ``EvaluateSIPDispatchRules`` with protocol ``sip/sip.go`` ``MatchTrunkDetailed`` and
    ``MatchDispatchRuleIter`` (a PIN rule counts as reached: it asks for the PIN).

    Returns ``(trunk, rule)``; the trunk is None when no trunk matched, as the server
    then still tries the rules that name no trunk. None when the call is dropped."""
    try:
        trunk = match_trunk(trunks, called, calling)
    except _NoRoute:
        return None
    specific: list[tuple[tuple[int, str], int, sip.SIPDispatchRuleInfo]] = []
    wildcard: list[tuple[tuple[int, str], int, sip.SIPDispatchRuleInfo]] = []
    for index, rule in enumerate(rules):
        if rule.inbound_numbers and calling not in rule.inbound_numbers:
            continue
        if rule.numbers and called not in rule.numbers:
            continue
        if rule.rule.WhichOneof("rule") is None:
            continue
        if not rule.trunk_ids:
            wildcard.append((_priority(rule), index, rule))
        elif trunk is not None and trunk.sip_trunk_id in rule.trunk_ids:
            specific.append((_priority(rule), index, rule))
    chosen = min(specific or wildcard, default=None)
    return None if chosen is None else (trunk, chosen[2])
