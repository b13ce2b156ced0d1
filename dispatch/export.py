"""Write what the server holds as a dispatch file, or as ``lk`` CLI JSON.

The YAML export round-trips: syncing it against the same server plans no changes.
Passwords are never exported; a trunk keeps the environment variable name recorded
when it was synced, and an unmanaged trunk with a password gets a placeholder name
(``<NAME>_SIP_PASSWORD``) that must be set before the file validates.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal, TypeVar

import yaml
from google.protobuf import json_format
from livekit import api
from livekit.protocol import sip

from dispatch import canonical
from dispatch.canonical import Fields
from dispatch.model import DispatchFile
from dispatch.state import ServerState

__all__ = ["ExportFormat", "export_lk_json", "export_yaml"]

ExportFormat = Literal["yaml", "lk-json"]

_DEFAULTS: dict[str, Any] = {
    "media_encryption": "disable",
    "transport": "auto",
    "include_headers": "none",
}


def _placeholder_env(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_") + "_SIP_PASSWORD"


def _entry(name: str, fields: Fields) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name}
    for key, value in fields.items():
        if key == "auth_password":
            continue
        if key == "auth_password_env" and value is None and fields.get("auth_password"):
            value = _placeholder_env(name)
        if key == "randomize":
            # Explicit, because its default differs between rule types.
            if value is not None:
                entry[key] = value
            continue
        if key == "room_config":
            value = {k: v for k, v in value.items() if v}
        if value in (None, "", [], {}, False) or _DEFAULTS.get(key) == value:
            continue
        entry[key] = value
    return entry


def _selected(meta: canonical.ServerMetadata, include_unmanaged: bool) -> bool:
    return meta.managed or include_unmanaged


def export_yaml(state: ServerState, *, region: str, include_unmanaged: bool = False) -> str:
    """The server state as a dispatch file (managed objects only unless asked)."""
    inbound: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for trunk in state.inbound:
        fields, meta = canonical.from_inbound(trunk, region)
        if _selected(meta, include_unmanaged):
            inbound.append(_entry(trunk.name, fields))
            names[trunk.sip_trunk_id] = trunk.name
    outbound: list[dict[str, Any]] = []
    for out in state.outbound:
        fields, meta = canonical.from_outbound(out, region)
        if _selected(meta, include_unmanaged):
            outbound.append(_entry(out.name, fields))
    rules: list[dict[str, Any]] = []
    for rule in state.rules:
        fields, meta = canonical.from_rule(rule, region, names)
        if _selected(meta, include_unmanaged):
            rules.append(_entry(rule.name, fields))
    document = {"inbound_trunks": inbound, "outbound_trunks": outbound, "dispatch_rules": rules}
    # The export must load as a file; a failure here is a bug, not an operator error.
    DispatchFile.model_validate(document)
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


_Scrubbable = TypeVar(
    "_Scrubbable", sip.SIPInboundTrunkInfo, sip.SIPOutboundTrunkInfo, sip.SIPDispatchRuleInfo
)


def _scrub(info: _Scrubbable) -> _Scrubbable:
    """A copy without server-assigned ids, timestamps or a password: what lk would create."""
    clean = type(info)()
    clean.CopyFrom(info)
    for name in ("sip_trunk_id", "sip_dispatch_rule_id", "auth_password"):
        if name in type(info).DESCRIPTOR.fields_by_name:
            setattr(clean, name, "")
    clean.ClearField("created_at")
    clean.ClearField("updated_at")
    return clean


def export_lk_json(state: ServerState, *, include_unmanaged: bool = False) -> str:
    """The server state as the request bodies ``lk sip inbound|outbound|dispatch create``
    reads (one per object, grouped by kind); passwords blanked, rule trunk ids kept."""

    def keep(raw: str) -> bool:
        return _selected(canonical.parse_metadata(raw), include_unmanaged)

    def as_dict(message: Any) -> dict[str, Any]:
        return json_format.MessageToDict(message)

    document = {
        "inbound_trunks": [
            as_dict(api.CreateSIPInboundTrunkRequest(trunk=_scrub(t)))
            for t in state.inbound
            if keep(t.metadata)
        ],
        "outbound_trunks": [
            as_dict(api.CreateSIPOutboundTrunkRequest(trunk=_scrub(t)))
            for t in state.outbound
            if keep(t.metadata)
        ],
        "dispatch_rules": [
            as_dict(api.CreateSIPDispatchRuleRequest(dispatch_rule=_scrub(r)))
            for r in state.rules
            if keep(r.metadata)
        ],
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
