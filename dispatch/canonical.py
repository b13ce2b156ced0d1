"""One comparable form for what the file declares and what the server holds.

Each object becomes a flat mapping of field -> JSON-able value in which list order,
number formatting and empty-vs-unset no longer matter, so a diff is a dict comparison.
The same form converts back into the protobuf message the API takes, and into a file
entry for ``export``. Converting back starts from the server's current message when
there is one, so every field the file does not model (``room_preset``, the rest of
``room_config``, a rule's ``krisp_enabled``, ``media``...) is carried through an update
unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from google.protobuf.duration_pb2 import Duration
from livekit.protocol import agent_dispatch, room, sip

from dispatch.model import (
    RESERVED_METADATA_KEYS,
    InboundTrunkSpec,
    OutboundTrunkSpec,
    RuleSpec,
)
from dispatch.numbers import normalize_all

__all__ = [
    "HIDDEN_FIELDS",
    "MANAGED_BY",
    "SECRET_FIELDS",
    "Fields",
    "Kind",
    "ServerMetadata",
    "Stamp",
    "from_inbound",
    "from_outbound",
    "from_rule",
    "inbound_fields",
    "outbound_fields",
    "parse_metadata",
    "rule_body",
    "rule_fields",
    "to_inbound",
    "to_outbound",
    "to_rule",
]

Kind = Literal["inbound_trunk", "outbound_trunk", "dispatch_rule"]
Fields = dict[str, Any]
_Info = TypeVar("_Info", sip.SIPInboundTrunkInfo, sip.SIPOutboundTrunkInfo, sip.SIPDispatchRuleInfo)

MANAGED_BY = "callcenter-dispatch"
"""The ``managed_by`` value in metadata that marks an object as ours."""

SECRET_FIELDS = frozenset({"auth_password"})
"""Compared by a keyed hash of the server's value (`dispatch.passwords.Fingerprints`)."""

HIDDEN_FIELDS = SECRET_FIELDS | {"pin"}
"""Never printed: only ``set``, ``differs`` or ``removed``."""

_ENCRYPTION = {0: "disable", 1: "allow", 2: "require"}
_TRANSPORT = {0: "auto", 1: "udp", 2: "tcp", 3: "tls"}
_HEADERS = {0: "none", 1: "x_headers", 2: "all"}


def _reverse(table: Mapping[int, str], value: str) -> int:
    return next(k for k, v in table.items() if v == value)


def _seconds(duration: Duration, present: bool) -> float | None:
    if not present:
        return None
    value = duration.seconds + duration.nanos / 1e9
    return value or None


def _duration(seconds: float | None) -> Duration | None:
    if seconds is None:
        return None
    result = Duration()
    result.FromNanoseconds(round(seconds * 1e9))
    return result


def _json_value(value: dict[str, Any] | str) -> dict[str, Any] | str:
    """A JSON object string becomes a dict, so formatting does not cause diffs."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, dict) else value
    return value


def _dump(value: dict[str, Any] | str) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":")) if value else ""


@dataclass(frozen=True)
class Stamp:
    """What every object this run writes records about its writer.

    Args:
        stack: the stack the object belongs to.
        owner: the identity of the file writing it (`dispatch.ownership`).
        file: that file's path, shown in plans as "last written by".
    """

    stack: str
    owner: str = ""
    file: str = ""


@dataclass(frozen=True)
class ServerMetadata:
    """An object's metadata as the tool reads it.

    Args:
        user: the metadata the file declares (reserved keys removed).
        managed: whether ``managed_by`` marks the object as this tool's.
        bookkeeping: what the tool stored for itself (password env name and hash).
        stack: the stack that owns it ("" for an object marked before stacks existed).
        raw: the metadata string as the server holds it.
    """

    user: dict[str, Any]
    managed: bool
    bookkeeping: dict[str, Any]
    stack: str = ""
    raw: str = ""

    def owned_by(self, stack: str) -> bool:
        return self.managed and self.stack == stack

    @property
    def owner(self) -> str:
        """The identity of the file that last wrote the object ("" if not recorded)."""
        value = self.bookkeeping.get("owner")
        return value if isinstance(value, str) else ""

    @property
    def file(self) -> str:
        """The path of the file that last wrote the object ("" if not recorded)."""
        value = self.bookkeeping.get("file")
        return value if isinstance(value, str) else ""

    @property
    def role(self) -> str:
        """``""`` for a declared object; ``bridge`` or ``lease`` for the tool's own
        temporary objects (`dispatch.schedule`, `dispatch.lease`)."""
        value = self.bookkeeping.get("role")
        return value if isinstance(value, str) else ""


def parse_metadata(raw: str) -> ServerMetadata:
    if not raw:
        return ServerMetadata({}, False, {})
    value = _json_value(raw)
    if not isinstance(value, dict):
        # Not ours (we always write a JSON object).
        return ServerMetadata({}, False, {}, raw=raw)
    managed = value.get("managed_by") == MANAGED_BY
    book = value.get("dispatch") if managed else None
    stack = value.get("stack") if managed else None
    user = {k: v for k, v in value.items() if not (managed and k in RESERVED_METADATA_KEYS)}
    return ServerMetadata(
        user,
        managed,
        book if isinstance(book, dict) else {},
        stack if isinstance(stack, str) else "",
        raw,
    )


def managed_metadata(user: Mapping[str, Any], stack: str, bookkeeping: Mapping[str, Any]) -> str:
    body: dict[str, Any] = {**user, "managed_by": MANAGED_BY, "stack": stack}
    if bookkeeping:
        body["dispatch"] = dict(bookkeeping)
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


# -- file -> comparable -------------------------------------------------------------


def inbound_fields(spec: InboundTrunkSpec, region: str, password_hash: str | None) -> Fields:
    return {
        "numbers": normalize_all(spec.numbers, region),
        "allowed_addresses": sorted(set(spec.allowed_addresses)),
        "allowed_numbers": normalize_all(spec.allowed_numbers, region),
        "auth_username": spec.auth_username,
        "auth_password_env": spec.auth_password_env,
        "auth_password": password_hash,
        "krisp_enabled": spec.krisp_enabled,
        "media_encryption": spec.media_encryption,
        "ringing_timeout": spec.ringing_timeout,
        "max_call_duration": spec.max_call_duration,
        "headers": dict(spec.headers),
        "headers_to_attributes": dict(spec.headers_to_attributes),
        "attributes_to_headers": dict(spec.attributes_to_headers),
        "include_headers": spec.include_headers,
        "metadata": dict(spec.metadata),
    }


def outbound_fields(spec: OutboundTrunkSpec, region: str, password_hash: str | None) -> Fields:
    return {
        "address": spec.address,
        "transport": spec.transport,
        "numbers": normalize_all(spec.numbers, region),
        "destination_country": spec.destination_country,
        "auth_username": spec.auth_username,
        "auth_password_env": spec.auth_password_env,
        "auth_password": password_hash,
        "media_encryption": spec.media_encryption,
        "headers": dict(spec.headers),
        "headers_to_attributes": dict(spec.headers_to_attributes),
        "attributes_to_headers": dict(spec.attributes_to_headers),
        "include_headers": spec.include_headers,
        "metadata": dict(spec.metadata),
    }


def _randomize(rule_type: str, value: bool | None) -> bool | None:
    if rule_type == "direct":
        return None
    return value if value is not None else rule_type == "individual"


def _agents(agents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(agents, key=lambda a: json.dumps(a, sort_keys=True))


def rule_fields(spec: RuleSpec, region: str, pin_from_env: str | None = None) -> Fields:
    """``pin_from_env``: the value of the rule's ``pin_env`` variable, if it has one."""
    return {
        "type": spec.type,
        "room_prefix": spec.room_prefix,
        "room_name": spec.room_name,
        "pin": pin_from_env if spec.pin_env else spec.pin,
        "pin_env": spec.pin_env,
        "randomize": _randomize(spec.type, spec.randomize),
        "trunks": sorted(set(spec.trunks)),
        "numbers": normalize_all(spec.numbers, region),
        "inbound_numbers": normalize_all(spec.inbound_numbers, region),
        "hide_phone_number": spec.hide_phone_number,
        "attributes": dict(spec.attributes),
        "metadata": dict(spec.metadata),
        "room_config": {
            "agents": _agents(
                [
                    {
                        "agent_name": a.agent_name,
                        "metadata": _json_value(a.metadata) or {},
                        "attributes": dict(a.attributes),
                    }
                    for a in spec.room_config.agents
                ]
            ),
            "empty_timeout": spec.room_config.empty_timeout,
            "departure_timeout": spec.room_config.departure_timeout,
            "max_participants": spec.room_config.max_participants,
        },
    }


# -- server -> comparable -----------------------------------------------------------


def _encryption(info: sip.SIPInboundTrunkInfo | sip.SIPOutboundTrunkInfo) -> str:
    """The effective setting: ``media.encryption`` wins over the deprecated field once
    set (livekit/protocol livekit/sip.go ``updateMediaConfig``)."""
    value = info.media.encryption if info.media.HasField("encryption") else info.media_encryption
    return _ENCRYPTION.get(value, "disable")


def from_inbound(
    info: sip.SIPInboundTrunkInfo, region: str, password: str | None
) -> tuple[Fields, ServerMetadata]:
    """``password``: the keyed hash of the server's password (None: it has none)."""
    meta = parse_metadata(info.metadata)
    env = meta.bookkeeping.get("password_env")
    fields: Fields = {
        "numbers": normalize_all(info.numbers, region),
        "allowed_addresses": sorted(set(info.allowed_addresses)),
        "allowed_numbers": normalize_all(info.allowed_numbers, region),
        "auth_username": info.auth_username,
        "auth_password_env": env if isinstance(env, str) else None,
        "auth_password": password,
        "krisp_enabled": info.krisp_enabled,
        "media_encryption": _encryption(info),
        "ringing_timeout": _seconds(info.ringing_timeout, info.HasField("ringing_timeout")),
        "max_call_duration": _seconds(info.max_call_duration, info.HasField("max_call_duration")),
        "headers": dict(info.headers),
        "headers_to_attributes": dict(info.headers_to_attributes),
        "attributes_to_headers": dict(info.attributes_to_headers),
        "include_headers": _HEADERS.get(info.include_headers, "none"),
        "metadata": meta.user,
    }
    return fields, meta


def from_outbound(
    info: sip.SIPOutboundTrunkInfo, region: str, password: str | None
) -> tuple[Fields, ServerMetadata]:
    """``password``: the keyed hash of the server's password (None: it has none)."""
    meta = parse_metadata(info.metadata)
    env = meta.bookkeeping.get("password_env")
    fields: Fields = {
        "address": info.address,
        "transport": _TRANSPORT.get(info.transport, "auto"),
        "numbers": normalize_all(info.numbers, region),
        "destination_country": info.destination_country,
        "auth_username": info.auth_username,
        "auth_password_env": env if isinstance(env, str) else None,
        "auth_password": password,
        "media_encryption": _encryption(info),
        "headers": dict(info.headers),
        "headers_to_attributes": dict(info.headers_to_attributes),
        "attributes_to_headers": dict(info.attributes_to_headers),
        "include_headers": _HEADERS.get(info.include_headers, "none"),
        "metadata": meta.user,
    }
    return fields, meta


def from_rule(
    info: sip.SIPDispatchRuleInfo, region: str, trunk_names: Mapping[str, str]
) -> tuple[Fields, ServerMetadata]:
    """``trunk_names`` maps trunk ids to names; an unknown id is kept as the id."""
    meta = parse_metadata(info.metadata)
    kind = info.rule.WhichOneof("rule")
    room_prefix = room_name = pin = ""
    randomize: bool | None = None
    rule_type = "individual"
    if kind == "dispatch_rule_direct":
        rule_type = "direct"
        room_name = info.rule.dispatch_rule_direct.room_name
        pin = info.rule.dispatch_rule_direct.pin
    elif kind == "dispatch_rule_callee":
        rule_type = "callee"
        room_prefix = info.rule.dispatch_rule_callee.room_prefix
        pin = info.rule.dispatch_rule_callee.pin
        randomize = info.rule.dispatch_rule_callee.randomize
    else:
        room_prefix = info.rule.dispatch_rule_individual.room_prefix
        pin = info.rule.dispatch_rule_individual.pin
        randomize = not info.rule.dispatch_rule_individual.no_randomness
    config = info.room_config
    pin_env = meta.bookkeeping.get("pin_env")
    fields: Fields = {
        "type": rule_type,
        "room_prefix": room_prefix,
        "room_name": room_name,
        "pin": pin,
        "pin_env": pin_env if isinstance(pin_env, str) and pin else None,
        "randomize": randomize,
        "trunks": sorted({trunk_names.get(t, t) for t in info.trunk_ids}),
        "numbers": normalize_all(info.numbers, region),
        "inbound_numbers": normalize_all(info.inbound_numbers, region),
        "hide_phone_number": info.hide_phone_number,
        "attributes": dict(info.attributes),
        "metadata": meta.user,
        "room_config": {
            "agents": _agents(
                [
                    {
                        "agent_name": a.agent_name,
                        "metadata": _json_value(a.metadata) or {},
                        "attributes": dict(a.attributes),
                    }
                    for a in config.agents
                ]
            ),
            "empty_timeout": config.empty_timeout,
            "departure_timeout": config.departure_timeout,
            "max_participants": config.max_participants,
        },
    }
    return fields, meta


# -- comparable -> API --------------------------------------------------------------


def _bookkeeping(fields: Fields, stamp: Stamp, role: str = "") -> dict[str, Any]:
    """What the tool records for itself: who wrote the object, and the variables its
    secrets come from (names only, so `export` can name them again)."""
    book: dict[str, Any] = {}
    if stamp.owner:
        book["owner"] = stamp.owner
    if stamp.file:
        book["file"] = stamp.file
    if role:
        book["role"] = role
    if fields.get("auth_password") is not None and fields.get("auth_password_env"):
        book["password_env"] = fields["auth_password_env"]
    if fields.get("pin") and fields.get("pin_env"):
        book["pin_env"] = fields["pin_env"]
    return book


def _copy(message: _Info | None, empty: type[_Info]) -> _Info:
    """The server's message to start from (server-assigned fields cleared), or a new one."""
    info = empty()
    if message is not None:
        info.CopyFrom(message)
    for name in ("sip_trunk_id", "sip_dispatch_rule_id"):
        if name in empty.DESCRIPTOR.fields_by_name:
            info.ClearField(name)
    info.ClearField("created_at")
    info.ClearField("updated_at")
    return info


def _set_list(container: Any, values: list[str]) -> None:
    del container[:]
    container.extend(values)


def _set_map(container: Any, values: Mapping[str, str]) -> None:
    container.clear()
    container.update(values)


def _set_encryption(info: sip.SIPInboundTrunkInfo | sip.SIPOutboundTrunkInfo, value: str) -> None:
    info.media_encryption = _reverse(_ENCRYPTION, value)  # type: ignore[assignment]
    if info.media.HasField("encryption"):
        info.media.encryption = info.media_encryption


def _set_duration(info: sip.SIPInboundTrunkInfo, name: str, seconds: float | None) -> None:
    duration = _duration(seconds)
    if duration is None:
        info.ClearField(name)
    else:
        getattr(info, name).CopyFrom(duration)


def to_inbound(
    name: str,
    fields: Fields,
    password: str | None,
    stamp: Stamp,
    base: sip.SIPInboundTrunkInfo | None = None,
    role: str = "",
) -> sip.SIPInboundTrunkInfo:
    """The trunk to send: ``base`` (the server's copy) with the modeled fields replaced."""
    info = _copy(base, sip.SIPInboundTrunkInfo)
    info.name = name
    info.metadata = managed_metadata(
        fields["metadata"], stamp.stack, _bookkeeping(fields, stamp, role)
    )
    _set_list(info.numbers, fields["numbers"])
    _set_list(info.allowed_addresses, fields["allowed_addresses"])
    _set_list(info.allowed_numbers, fields["allowed_numbers"])
    info.auth_username = fields["auth_username"]
    info.auth_password = password or ""
    info.krisp_enabled = fields["krisp_enabled"]
    _set_encryption(info, fields["media_encryption"])
    _set_duration(info, "ringing_timeout", fields["ringing_timeout"])
    _set_duration(info, "max_call_duration", fields["max_call_duration"])
    _set_map(info.headers, fields["headers"])
    _set_map(info.headers_to_attributes, fields["headers_to_attributes"])
    _set_map(info.attributes_to_headers, fields["attributes_to_headers"])
    info.include_headers = _reverse(_HEADERS, fields["include_headers"])  # type: ignore[assignment]
    return info


def to_outbound(
    name: str,
    fields: Fields,
    password: str | None,
    stamp: Stamp,
    base: sip.SIPOutboundTrunkInfo | None = None,
    role: str = "",
) -> sip.SIPOutboundTrunkInfo:
    """The trunk to send: ``base`` (the server's copy) with the modeled fields replaced."""
    info = _copy(base, sip.SIPOutboundTrunkInfo)
    info.name = name
    info.metadata = managed_metadata(
        fields["metadata"], stamp.stack, _bookkeeping(fields, stamp, role)
    )
    info.address = fields["address"]
    info.transport = _reverse(_TRANSPORT, fields["transport"])  # type: ignore[assignment]
    _set_list(info.numbers, fields["numbers"])
    info.destination_country = fields["destination_country"]
    info.auth_username = fields["auth_username"]
    info.auth_password = password or ""
    _set_encryption(info, fields["media_encryption"])
    _set_map(info.headers, fields["headers"])
    _set_map(info.headers_to_attributes, fields["headers_to_attributes"])
    _set_map(info.attributes_to_headers, fields["attributes_to_headers"])
    info.include_headers = _reverse(_HEADERS, fields["include_headers"])  # type: ignore[assignment]
    return info


def rule_body(fields: Fields) -> sip.SIPDispatchRule:
    """The ``rule`` oneof: every field of it is modeled, so it is always sent whole."""
    if fields["type"] == "direct":
        return sip.SIPDispatchRule(
            dispatch_rule_direct=sip.SIPDispatchRuleDirect(
                room_name=fields["room_name"], pin=fields["pin"]
            )
        )
    if fields["type"] == "callee":
        return sip.SIPDispatchRule(
            dispatch_rule_callee=sip.SIPDispatchRuleCallee(
                room_prefix=fields["room_prefix"],
                pin=fields["pin"],
                randomize=bool(fields["randomize"]),
            )
        )
    return sip.SIPDispatchRule(
        dispatch_rule_individual=sip.SIPDispatchRuleIndividual(
            room_prefix=fields["room_prefix"],
            pin=fields["pin"],
            no_randomness=not fields["randomize"],
        )
    )


def _room_config(config: Fields, base: room.RoomConfiguration) -> room.RoomConfiguration:
    """``base`` with the modeled fields replaced; an agent keeps the fields we do not
    model (``restart_policy``, ``deployment``) from the server's agent of the same name."""
    result = room.RoomConfiguration()
    result.CopyFrom(base)
    previous: dict[str, list[agent_dispatch.RoomAgentDispatch]] = {}
    for agent in base.agents:
        previous.setdefault(agent.agent_name, []).append(agent)
    del result.agents[:]
    for wanted in config["agents"]:
        agent = result.agents.add()
        candidates = previous.get(wanted["agent_name"])
        if candidates:
            agent.CopyFrom(candidates.pop(0))
        agent.agent_name = wanted["agent_name"]
        agent.metadata = _dump(wanted["metadata"])
        _set_map(agent.attributes, wanted["attributes"])
    result.empty_timeout = config["empty_timeout"]
    result.departure_timeout = config["departure_timeout"]
    result.max_participants = config["max_participants"]
    return result


def to_rule(
    name: str,
    fields: Fields,
    trunk_ids: Mapping[str, str],
    stamp: Stamp,
    base: sip.SIPDispatchRuleInfo | None = None,
    role: str = "",
) -> sip.SIPDispatchRuleInfo:
    """``trunk_ids`` maps trunk names to ids; a name without one is sent as given."""
    info = _copy(base, sip.SIPDispatchRuleInfo)
    info.name = name
    info.metadata = managed_metadata(
        fields["metadata"], stamp.stack, _bookkeeping(fields, stamp, role)
    )
    info.rule.CopyFrom(rule_body(fields))
    _set_list(info.trunk_ids, sorted(trunk_ids.get(t, t) for t in fields["trunks"]))
    _set_list(info.numbers, fields["numbers"])
    _set_list(info.inbound_numbers, fields["inbound_numbers"])
    info.hide_phone_number = fields["hide_phone_number"]
    _set_map(info.attributes, fields["attributes"])
    config = _room_config(fields["room_config"], info.room_config)
    info.room_config.CopyFrom(config)
    return info
