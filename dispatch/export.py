"""Write what the server holds as a dispatch file, or as request files for ``lk``.

The YAML export round-trips: syncing it against the same server plans no changes.
Passwords are never exported; a trunk keeps the environment variable name recorded
when it was synced, and an unmanaged trunk with a password gets a placeholder name
(``<NAME>_SIP_PASSWORD``) that must be set before the file validates.

The ``lk-json`` export writes one ``CreateSIP*Request`` per object, in the strict
protobuf JSON that ``lk sip inbound|outbound|dispatch create FILE`` reads
(livekit-cli ``cmd/lk/proto.go``: ``protojson`` with unknown fields rejected, then the
request's ``Validate``). A dispatch rule cannot name its trunks by id, since the target
project gives them new ones: its ``trunkIds`` hold ``${TRUNK_ID_<NAME>}`` placeholders,
and the generated ``create.sh`` creates the trunks first and passes their new ids to
``lk sip dispatch create --trunks``.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from google.protobuf import json_format
from livekit import api

from dispatch import canonical
from dispatch.canonical import Fields, ServerMetadata
from dispatch.model import DispatchFile
from dispatch.state import ServerState

__all__ = ["ExportError", "ExportFormat", "LkExport", "export_lk_json", "export_yaml"]

ExportFormat = Literal["yaml", "lk-json"]

_DEFAULTS: dict[str, Any] = {
    "media_encryption": "disable",
    "transport": "auto",
    "include_headers": "none",
}


class ExportError(ValueError):
    """The export cannot be written as asked (for example, several stacks into one file)."""


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() or "UNNAMED"


def _placeholder_env(name: str) -> str:
    return _slug(name) + "_SIP_PASSWORD"


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
            if "agents" in value:
                value["agents"] = [{k: v for k, v in a.items() if v} for a in value["agents"]]
        if value in (None, "", [], {}, False) or _DEFAULTS.get(key) == value:
            continue
        entry[key] = value
    return entry


def _selected(meta: ServerMetadata, include_unmanaged: bool, stack: str | None) -> bool:
    if stack is not None:
        return meta.owned_by(stack)
    return meta.managed or include_unmanaged


def export_yaml(
    state: ServerState, *, region: str, include_unmanaged: bool = False, stack: str | None = None
) -> str:
    """The server state as a dispatch file: one stack's objects (``stack``, or the only
    stack there is), plus unmanaged ones if asked."""
    raw: list[str] = [t.metadata for t in state.inbound] + [t.metadata for t in state.outbound]
    metas = [canonical.parse_metadata(m) for m in [*raw, *(r.metadata for r in state.rules)]]
    stacks = sorted({m.stack for m in metas if m.managed})
    if stack is None and len(stacks) > 1:
        raise ExportError(
            f"the server holds objects of several stacks ({', '.join(stacks)}); "
            "export one at a time with --stack"
        )
    chosen = stack if stack is not None else (stacks[0] if stacks else None)
    inbound: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for trunk in state.inbound:
        fields, meta = canonical.from_inbound(trunk, region)
        if _selected(meta, include_unmanaged, None if include_unmanaged else chosen):
            inbound.append(_entry(trunk.name, fields))
            names[trunk.sip_trunk_id] = trunk.name
    outbound: list[dict[str, Any]] = []
    for out in state.outbound:
        fields, meta = canonical.from_outbound(out, region)
        if _selected(meta, include_unmanaged, None if include_unmanaged else chosen):
            outbound.append(_entry(out.name, fields))
    rules: list[dict[str, Any]] = []
    for rule in state.rules:
        fields, meta = canonical.from_rule(rule, region, names)
        if _selected(meta, include_unmanaged, None if include_unmanaged else chosen):
            rules.append(_entry(rule.name, fields))
    document: dict[str, Any] = {}
    if chosen:
        document["stack"] = chosen
    document |= {"inbound_trunks": inbound, "outbound_trunks": outbound, "dispatch_rules": rules}
    # The export must load as a file; a failure here is a bug, not an operator error.
    DispatchFile.model_validate(document)
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


@dataclass
class LkExport:
    """What `export_lk_json` wrote."""

    directory: Path
    files: list[str] = field(default_factory=list)
    need_password: list[tuple[str, str]] = field(default_factory=list)
    """``(file, variable)`` for each trunk whose password must be supplied."""

    def summary(self) -> str:
        lines = [f"Wrote {len(self.files)} request file(s) and create.sh to {self.directory}:"]
        lines.extend(f"  {name}" for name in self.files)
        if self.need_password:
            lines.append("Passwords are never exported; these trunks need one:")
            lines.extend(
                f"  {name}: set {variable} for create.sh (or add authPassword to the file)"
                for name, variable in self.need_password
            )
        return "\n".join(lines) + "\n"


def _user_metadata(meta: ServerMetadata) -> str:
    """The metadata without our bookkeeping (the marker, stack and password record)."""
    if meta.raw and not meta.managed:
        return meta.raw
    return json.dumps(meta.user, sort_keys=True, separators=(",", ":")) if meta.user else ""


def _clean(info: Any, meta: ServerMetadata) -> Any:
    """A copy without server-assigned ids, timestamps, password or bookkeeping."""
    clean = type(info)()
    clean.CopyFrom(info)
    for name in (
        "sip_trunk_id",
        "sip_dispatch_rule_id",
        "auth_password",
        "created_at",
        "updated_at",
    ):
        if name in type(info).DESCRIPTOR.fields_by_name:
            clean.ClearField(name)
    clean.metadata = _user_metadata(meta)
    return clean


def _dump(request: Any) -> str:
    return json.dumps(json_format.MessageToDict(request), indent=2, sort_keys=True) + "\n"


def export_lk_json(
    state: ServerState,
    directory: Path,
    *,
    include_unmanaged: bool = False,
    stack: str | None = None,
) -> LkExport:
    """Write one ``lk``-ready request file per object into ``directory``, and
    ``create.sh`` that creates them in order (trunks, then the rules naming them)."""
    directory.mkdir(parents=True, exist_ok=True)
    result = LkExport(directory)
    script = [
        "#!/bin/sh",
        "# Creates the exported objects with the LiveKit CLI (lk), trunks first.",
        "set -eu",
        'cd "$(dirname "$0")"',
    ]
    trunk_vars: dict[str, str] = {}
    used: set[str] = set()

    def file_name(kind: str, name: str) -> str:
        base = f"{len(result.files) + 1:02d}-{kind}-{_slug(name).lower().replace('_', '-')}.json"
        used.add(base)
        result.files.append(base)
        return base

    trunks: list[tuple[str, Any, str]] = [
        ("inbound", t, "CreateSIPInboundTrunkRequest") for t in state.inbound
    ]
    trunks += [("outbound", t, "CreateSIPOutboundTrunkRequest") for t in state.outbound]
    for kind, trunk, _ in trunks:
        meta = canonical.parse_metadata(trunk.metadata)
        if not _selected(meta, include_unmanaged, stack):
            continue
        clean = _clean(trunk, meta)
        if kind == "inbound":
            request: Any = api.CreateSIPInboundTrunkRequest(trunk=clean)
        else:
            request = api.CreateSIPOutboundTrunkRequest(trunk=clean)
        name = file_name(kind, trunk.name)
        (directory / name).write_text(_dump(request), encoding="utf-8")
        flags = ""
        if trunk.auth_password:
            env = meta.bookkeeping.get("password_env")
            variable = env if isinstance(env, str) and env else _placeholder_env(trunk.name)
            result.need_password.append((name, variable))
            flags = f' --auth-pass "${{{variable}:?set {variable}}}"'
        if kind == "inbound":
            var = f"TRUNK_ID_{_slug(trunk.name)}"
            trunk_vars[trunk.sip_trunk_id] = var
            script.append(
                f"{var}=$(lk sip inbound create{flags} {shlex.quote(name)} "
                "| sed -n 's/^SIPTrunkID: //p')"
            )
        else:
            script.append(f"lk sip outbound create{flags} {shlex.quote(name)}")
    for rule in state.rules:
        meta = canonical.parse_metadata(rule.metadata)
        if not _selected(meta, include_unmanaged, stack):
            continue
        clean = _clean(rule, meta)
        missing = [t for t in rule.trunk_ids if t not in trunk_vars]
        del clean.trunk_ids[:]
        clean.trunk_ids.extend(
            f"${{{trunk_vars[t]}}}" if t in trunk_vars else t for t in rule.trunk_ids
        )
        name = file_name("dispatch", rule.name)
        (directory / name).write_text(
            _dump(api.CreateSIPDispatchRuleRequest(dispatch_rule=clean)), encoding="utf-8"
        )
        command = f"lk sip dispatch create {shlex.quote(name)}"
        if rule.trunk_ids:
            ids = ",".join(f"${trunk_vars[t]}" if t in trunk_vars else t for t in rule.trunk_ids)
            command = f'lk sip dispatch create --trunks "{ids}" {shlex.quote(name)}'
        if missing:
            script.append(f"# {name} names trunk(s) not in this export: {', '.join(missing)}")
        script.append(command)
    (directory / "create.sh").write_text("\n".join(script) + "\n", encoding="utf-8")
    (directory / "create.sh").chmod(0o755)
    return result
