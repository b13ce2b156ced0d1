"""One table row per kind of object: how to read it, build it and write it.

`diff` and `apply` go through this table instead of one copy of the code per kind.
An update goes out as the API's field-level update (``SIP*Update`` through
``livekit-api``'s ``update_*_fields``) when every changed field has one, so nothing
else on the object is even sent; otherwise as a replacement built from the server's
current object (`dispatch.canonical`), which carries every field the file does not
model through unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from livekit import api
from livekit.api.sip_service import SipService
from livekit.protocol import sip

from dispatch import canonical
from dispatch.canonical import Fields, Kind, ServerMetadata, Stamp
from dispatch.model import DispatchFile

__all__ = ["KINDS", "Declared", "Info", "KindSpec", "field_level_update", "object_id"]

Info = sip.SIPInboundTrunkInfo | sip.SIPOutboundTrunkInfo | sip.SIPDispatchRuleInfo


@dataclass(frozen=True)
class Declared:
    """The file's secrets, as the comparable form holds them.

    Args:
        passwords: ``(kind, name)`` -> keyed hash of the trunk's password.
        pins: rule name -> the PIN its ``pin_env`` variable holds.
    """

    passwords: Mapping[tuple[str, str], str] = field(default_factory=dict)
    pins: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class KindSpec:
    """How one kind of object is declared, read, built and written.

    Args:
        kind: the kind.
        section: the file's list of them.
        declared: ``(file, region, secrets)`` -> name -> comparable fields.
        read: ``(message, region, trunk names by id, password hash)`` -> comparable
            fields and metadata.
        build: ``(name, fields, trunk ids, stamp, base, role)`` -> the message to send.
        field_updates: comparable field -> the ``update_*_fields`` arguments it needs.
        create, replace, update_fields, delete: the API calls.
    """

    kind: Kind
    section: str
    declared: Callable[[DispatchFile, str, Declared], dict[str, Fields]]
    read: Callable[[Any, str, Mapping[str, str], str | None], tuple[Fields, ServerMetadata]]
    build: Callable[[str, Fields, Mapping[str, str], Stamp, Any, str], Any]
    field_updates: Mapping[str, tuple[str, ...]]
    create: Callable[[SipService, Any], Awaitable[Any]]
    replace: Callable[[SipService, str, Any], Awaitable[Any]]
    update_fields: Callable[[SipService, str, dict[str, Any]], Awaitable[Any]]
    delete: Callable[[SipService, str], Awaitable[Any]]

    @property
    def label(self) -> str:
        return self.kind.replace("_", " ")


def object_id(info: Info) -> str:
    return (
        info.sip_dispatch_rule_id
        if isinstance(info, sip.SIPDispatchRuleInfo)
        else info.sip_trunk_id
    )


def _delete_trunk(service: SipService, object_id: str) -> Awaitable[Any]:
    return service.delete_trunk(api.DeleteSIPTrunkRequest(sip_trunk_id=object_id))


# The bookkeeping (who wrote it, the password's variable) lives in metadata, so a
# password or owner change rewrites metadata too.
_TRUNK_FIELDS = {
    "name": ("name",),
    "numbers": ("numbers",),
    "auth_username": ("auth_username",),
    "auth_password": ("auth_password", "metadata"),
    "auth_password_env": ("metadata",),
    "metadata": ("metadata",),
    "stack": ("metadata",),
    "owner": ("metadata",),
}

KINDS: dict[Kind, KindSpec] = {
    "inbound_trunk": KindSpec(
        kind="inbound_trunk",
        section="inbound_trunks",
        declared=lambda file, region, secrets: {
            t.name: canonical.inbound_fields(
                t, region, secrets.passwords.get(("inbound_trunk", t.name))
            )
            for t in file.inbound_trunks
        },
        read=lambda info, region, _names, password: canonical.from_inbound(info, region, password),
        build=lambda name, fields, _ids, stamp, base, role: canonical.to_inbound(
            name, fields, None, stamp, base, role
        ),
        field_updates={
            **_TRUNK_FIELDS,
            "allowed_addresses": ("allowed_addresses",),
            "allowed_numbers": ("allowed_numbers",),
        },
        create=lambda s, info: s.create_inbound_trunk(api.CreateSIPInboundTrunkRequest(trunk=info)),
        replace=lambda s, object_id, info: s.update_inbound_trunk(object_id, info),
        update_fields=lambda s, object_id, kw: s.update_inbound_trunk_fields(object_id, **kw),
        delete=_delete_trunk,
    ),
    "outbound_trunk": KindSpec(
        kind="outbound_trunk",
        section="outbound_trunks",
        declared=lambda file, region, secrets: {
            t.name: canonical.outbound_fields(
                t, region, secrets.passwords.get(("outbound_trunk", t.name))
            )
            for t in file.outbound_trunks
        },
        read=lambda info, region, _names, password: canonical.from_outbound(info, region, password),
        build=lambda name, fields, _ids, stamp, base, role: canonical.to_outbound(
            name, fields, None, stamp, base, role
        ),
        field_updates={**_TRUNK_FIELDS, "address": ("address",), "transport": ("transport",)},
        create=lambda s, info: s.create_outbound_trunk(
            api.CreateSIPOutboundTrunkRequest(trunk=info)
        ),
        replace=lambda s, object_id, info: s.update_outbound_trunk(object_id, info),
        update_fields=lambda s, object_id, kw: s.update_outbound_trunk_fields(object_id, **kw),
        delete=_delete_trunk,
    ),
    "dispatch_rule": KindSpec(
        kind="dispatch_rule",
        section="dispatch_rules",
        declared=lambda file, region, secrets: {
            r.name: canonical.rule_fields(r, region, secrets.pins.get(r.name))
            for r in file.dispatch_rules
        },
        read=lambda info, region, names, _password: canonical.from_rule(info, region, names),
        build=canonical.to_rule,
        field_updates={
            **{f: ("rule",) for f in ("type", "room_prefix", "room_name", "pin", "randomize")},
            "name": ("name",),
            "pin_env": ("metadata",),
            "trunks": ("trunk_ids",),
            "attributes": ("attributes",),
            "metadata": ("metadata",),
            "stack": ("metadata",),
            "owner": ("metadata",),
        },
        create=lambda s, info: s.create_dispatch_rule(
            api.CreateSIPDispatchRuleRequest(dispatch_rule=info)
        ),
        replace=lambda s, object_id, info: s.update_dispatch_rule(object_id, info),
        update_fields=lambda s, object_id, kw: s.update_dispatch_rule_fields(object_id, **kw),
        delete=lambda s, object_id: s.delete_dispatch_rule(
            api.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=object_id)
        ),
    ),
}


def field_level_update(
    spec: KindSpec, changed: set[str], message: Info, current: Info
) -> dict[str, Any] | None:
    """The ``update_*_fields`` arguments that turn ``current`` into ``message`` for the
    ``changed`` fields, or None when the field-level API cannot express the change: a
    field without an update, a list emptied (``livekit-api``'s helpers can only *set* a
    list, and livekit/protocol ``ListUpdate.Validate`` refuses an empty set), or an
    attribute set to "" (``applyMapDiff`` reads "" as delete)."""
    arguments: dict[str, Any] = {}
    for changed_field in changed:
        names = spec.field_updates.get(changed_field)
        if names is None:
            return None
        for name in names:
            value = getattr(message, name)
            if name == "attributes":
                if "" in value.values():
                    return None
                removed = {k: "" for k in getattr(current, name) if k not in value}
                arguments[name] = {**removed, **dict(value)}
            elif name in ("numbers", "allowed_addresses", "allowed_numbers", "trunk_ids"):
                if not value:
                    return None
                arguments[name] = list(value)
            elif name == "rule":
                arguments[name] = message.rule  # type: ignore[union-attr]
            else:
                arguments[name] = value
    return arguments
