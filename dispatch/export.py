"""Write what the server holds as a dispatch file, or as request files for ``lk``.

The YAML export round-trips: syncing it against the same server plans no changes (it
carries the stack's recorded ``owner:``). Passwords and PINs are never exported: a
trunk keeps the environment variable name recorded when it was synced, a rule with a
PIN gets ``pin_env:`` the same way, and anything without a recorded name gets a
placeholder (``<NAME>_SIP_PASSWORD``, ``<NAME>_PIN``) that must be set before the file
validates.

An export never overwrites a file it did not write: the YAML starts with a marker line
(`MARKER`) and ``--output`` replaces only a file that starts with it; ``--out DIR``
keeps a list of what it wrote (`MANIFEST`) and replaces only those. The tool's own
temporary objects (bridges, leases) are not exported.

The ``lk-json`` export writes one ``CreateSIP*Request`` per object, in the strict
protobuf JSON that ``lk sip inbound|outbound|dispatch create FILE`` reads
(livekit-cli ``cmd/lk/proto.go``: ``protojson`` with unknown fields rejected, then the
request's ``Validate``). A dispatch rule cannot name its trunks by id, since the target
project gives them new ones: its ``trunkIds`` hold ``${TRUNK_ID_<NAME>}`` placeholders,
and the generated ``create.sh`` creates the trunks first and passes their new ids to
``lk sip dispatch create --trunks``. A PIN travels the same way: the file says
``"pin": "${PIN_<NAME>}"`` and ``create.sh`` fills a temporary copy from the variable.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from google.protobuf import json_format
from livekit import api
from pydantic import ValidationError

from dispatch import canonical
from dispatch.canonical import Fields, ServerMetadata
from dispatch.model import DispatchFile
from dispatch.state import ServerState

__all__ = [
    "MANIFEST",
    "MARKER",
    "ExportError",
    "ExportFormat",
    "LkExport",
    "export_lk_json",
    "export_yaml",
    "write_yaml",
]

ExportFormat = Literal["yaml", "lk-json"]

MARKER = "# Written by `python -m dispatch export`; passwords and PINs are never in it."
MANIFEST = ".dispatch-export"

_DEFAULTS: dict[str, Any] = {
    "media_encryption": "disable",
    "transport": "auto",
    "include_headers": "none",
}


class ExportError(ValueError):
    """The export cannot be written as asked (several stacks into one file, a file it
    did not write in the way, an object the file format cannot hold)."""


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() or "UNNAMED"


def _placeholder_env(name: str) -> str:
    return _slug(name) + "_SIP_PASSWORD"


def _pin_env(name: str) -> str:
    return _slug(name) + "_PIN"


def _entry(name: str, fields: Fields) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name}
    for key, value in fields.items():
        if key == "auth_password":
            continue
        if key == "auth_password_env" and value is None and fields.get("auth_password"):
            value = _placeholder_env(name)
        if key == "pin":
            # Never the value: the variable it was read from, or a placeholder.
            if value:
                entry["pin_env"] = fields.get("pin_env") or _pin_env(name)
            continue
        if key == "pin_env":
            continue
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
    if meta.role:
        return False
    if stack is not None:
        return meta.owned_by(stack)
    return meta.managed or include_unmanaged


def _schema_problems(error: ValidationError, document: dict[str, Any]) -> str:
    """What the file format cannot hold, naming entries and fields, never values."""
    lines: list[str] = []
    for item in error.errors(include_url=False, include_input=False):
        loc = list(item["loc"])
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
            entries = document.get(loc[0], [])
            name = entries[loc[1]].get("name") if loc[1] < len(entries) else None
            where = f"{loc[0]}[{name!r}]" + "".join(f".{p}" for p in loc[2:])
        lines.append(f"  {where}: {item['msg']}")
    return "\n".join(lines)


def export_yaml(
    state: ServerState, *, region: str, include_unmanaged: bool = False, stack: str | None = None
) -> str:
    """The server state as a dispatch file: one stack's objects (``stack``, or the only
    stack there is), plus unmanaged ones if asked."""
    raw: list[str] = [t.metadata for t in state.inbound] + [t.metadata for t in state.outbound]
    metas = [canonical.parse_metadata(m) for m in [*raw, *(r.metadata for r in state.rules)]]
    stacks = sorted({m.stack for m in metas if m.managed and not m.role})
    if stack is None and len(stacks) > 1:
        raise ExportError(
            f"the server holds objects of several stacks ({', '.join(stacks)}); "
            "export one at a time with --stack"
        )
    chosen = stack if stack is not None else (stacks[0] if stacks else None)
    which = None if include_unmanaged else chosen
    owners: set[str] = set()
    inbound: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for trunk in state.inbound:
        password = state.passwords.get(("inbound_trunk", trunk.sip_trunk_id))
        fields, meta = canonical.from_inbound(trunk, region, password)
        if _selected(meta, include_unmanaged, which):
            inbound.append(_entry(trunk.name, fields))
            names[trunk.sip_trunk_id] = trunk.name
            owners.add(meta.owner)
    outbound: list[dict[str, Any]] = []
    for out in state.outbound:
        password = state.passwords.get(("outbound_trunk", out.sip_trunk_id))
        fields, meta = canonical.from_outbound(out, region, password)
        if _selected(meta, include_unmanaged, which):
            outbound.append(_entry(out.name, fields))
            owners.add(meta.owner)
    rules: list[dict[str, Any]] = []
    for rule in state.rules:
        fields, meta = canonical.from_rule(rule, region, names)
        if _selected(meta, include_unmanaged, which):
            rules.append(_entry(rule.name, fields))
            owners.add(meta.owner)
    document: dict[str, Any] = {}
    if chosen:
        document["stack"] = chosen
    owners.discard("")
    if len(owners) == 1:
        # The writer's identity, so syncing the export from anywhere changes nothing.
        document["owner"] = owners.pop()
    # By name: the server lists by id, which would reorder the file on every export.
    document |= {
        "inbound_trunks": sorted(inbound, key=lambda e: str(e["name"])),
        "outbound_trunks": sorted(outbound, key=lambda e: str(e["name"])),
        "dispatch_rules": sorted(rules, key=lambda e: str(e["name"])),
    }
    try:
        DispatchFile.model_validate(document)
    except ValidationError as error:
        raise ExportError(
            "these objects cannot be written as a dispatch file (fix them on the server, "
            "or export them with --format lk-json):\n" + _schema_problems(error, document)
        ) from None
    return MARKER + "\n" + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def write_yaml(text: str, path: Path) -> None:
    """Write an export to ``path``, replacing only a file an export wrote."""
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: directory {path.parent} does not exist")
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a directory")
    if path.exists():
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                first = handle.readline().rstrip("\n")
        except OSError as error:
            raise ExportError(f"cannot read {path}: {error.strerror}") from None
        if first != MARKER:
            raise ExportError(
                f"{path} exists and was not written by export; refusing to overwrite it "
                "(move it away, or export to another file)"
            )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror}") from None


@dataclass
class LkExport:
    """What `export_lk_json` wrote."""

    directory: Path
    files: list[str] = field(default_factory=list)
    need_password: list[tuple[str, str]] = field(default_factory=list)
    """``(file, variable)`` for each trunk whose password must be supplied."""
    need_pin: list[tuple[str, str]] = field(default_factory=list)
    """``(file, variable)`` for each rule whose PIN must be supplied."""

    def summary(self) -> str:
        lines = [f"Wrote {len(self.files)} request file(s) and create.sh to {self.directory}:"]
        lines.extend(f"  {name}" for name in self.files)
        if self.need_password:
            lines.append("Passwords are never exported; these trunks need one:")
            lines.extend(
                f"  {name}: set {variable} for create.sh (or add authPassword to the file)"
                for name, variable in self.need_password
            )
        if self.need_pin:
            lines.append("PINs are never exported; these rules need one:")
            lines.extend(
                f"  {name}: set {variable} for create.sh" for name, variable in self.need_pin
            )
        return "\n".join(lines) + "\n"


def _user_metadata(meta: ServerMetadata) -> str:
    """The metadata without our bookkeeping (the marker, stack and writer)."""
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


class _Directory:
    """The files of one ``--out`` directory: what earlier exports wrote may be replaced
    (and removed when no longer exported); anything else there is left alone."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        if directory.exists() and not directory.is_dir():
            raise ExportError(f"cannot write to {directory}: it is not a directory")
        if not directory.parent.is_dir():
            # Only the directory asked for is created, never a path of them.
            raise ExportError(
                f"cannot write to {directory}: directory {directory.parent} does not exist"
            )
        try:
            directory.mkdir(exist_ok=True)
        except OSError as error:
            raise ExportError(f"cannot create {directory}: {error.strerror}") from None
        self.ours = self._manifest()

    def _manifest(self) -> set[str]:
        path = self.directory / MANIFEST
        if not path.exists():
            return set()
        try:
            listed = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ExportError(f"{path} is not an export's list of files; remove it") from None
        return {n for n in listed if isinstance(n, str)} if isinstance(listed, list) else set()

    def check(self, names: Iterable[str]) -> None:
        foreign = sorted(n for n in names if (self.directory / n).exists() and n not in self.ours)
        if foreign:
            raise ExportError(
                f"{self.directory} holds {', '.join(foreign)}, which an export did not "
                "write; refusing to overwrite (export into an empty directory)"
            )

    def write(self, name: str, text: str) -> None:
        try:
            (self.directory / name).write_text(text, encoding="utf-8")
        except OSError as error:
            raise ExportError(f"cannot write {self.directory / name}: {error.strerror}") from None

    def finish(self, written: list[str]) -> None:
        for stale in sorted(self.ours - set(written)):
            target = self.directory / stale
            if target.is_file() and "/" not in stale and stale != MANIFEST:
                target.unlink()
        self.write(MANIFEST, json.dumps(sorted(written), indent=2) + "\n")


def export_lk_json(
    state: ServerState,
    directory: Path,
    *,
    include_unmanaged: bool = False,
    stack: str | None = None,
) -> LkExport:
    """Write one ``lk``-ready request file per object into ``directory``, and
    ``create.sh`` that creates them in order (trunks, then the rules naming them)."""
    out = _Directory(directory)
    result = LkExport(directory)
    files: dict[str, str] = {}
    script = [
        "#!/bin/sh",
        "# Creates the exported objects with the LiveKit CLI (lk), trunks first.",
        "set -eu",
        'cd "$(dirname "$0")"',
    ]
    trunk_vars: dict[str, str] = {}

    def file_name(kind: str, name: str) -> str:
        base = f"{len(result.files) + 1:02d}-{kind}-{_slug(name).lower().replace('_', '-')}.json"
        result.files.append(base)
        return base

    trunks: list[tuple[str, Any]] = [("inbound", t) for t in state.inbound]
    trunks += [("outbound", t) for t in state.outbound]
    for kind, trunk in trunks:
        meta = canonical.parse_metadata(trunk.metadata)
        if not _selected(meta, include_unmanaged, stack):
            continue
        clean = _clean(trunk, meta)
        if kind == "inbound":
            request: Any = api.CreateSIPInboundTrunkRequest(trunk=clean)
        else:
            request = api.CreateSIPOutboundTrunkRequest(trunk=clean)
        name = file_name(kind, trunk.name)
        files[name] = _dump(request)
        flags = ""
        if state.passwords.get((f"{kind}_trunk", trunk.sip_trunk_id)):
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
        source = shlex.quote(name)
        which = clean.rule.WhichOneof("rule")
        pin_variable = ""
        if which is not None and getattr(clean.rule, which).pin:
            recorded = meta.bookkeeping.get("pin_env")
            pin_variable = (
                recorded if isinstance(recorded, str) and recorded else _pin_env(rule.name)
            )
            getattr(clean.rule, which).pin = f"${{{pin_variable}}}"
            result.need_pin.append((name, pin_variable))
        files[name] = _dump(api.CreateSIPDispatchRuleRequest(dispatch_rule=clean))
        if pin_variable:
            script.append(
                f'pin_file=$(mktemp) && sed "s/\\${{{pin_variable}}}/'
                f'${{{pin_variable}:?set {pin_variable}}}/" {source} > "$pin_file"'
            )
            source = '"$pin_file"'
        command = f"lk sip dispatch create {source}"
        if rule.trunk_ids:
            ids = ",".join(f"${trunk_vars[t]}" if t in trunk_vars else t for t in rule.trunk_ids)
            command = f'lk sip dispatch create --trunks "{ids}" {source}'
        if missing:
            script.append(f"# {name} names trunk(s) not in this export: {', '.join(missing)}")
        script.append(command)
        if pin_variable:
            script.append('rm -f "$pin_file"')
    files["create.sh"] = "\n".join(script) + "\n"
    out.check(files)
    for name, text in files.items():
        out.write(name, text)
    (directory / "create.sh").chmod(0o755)
    out.finish(list(files))
    return result
