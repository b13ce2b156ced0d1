"""The plan: what ``sync`` would change, computed from the file and the server state.

Ownership is per stack: an object is this file's when its metadata carries the managed
marker *and* this file's stack. Only those are ever updated or deleted. A declared name
held by anything else (another stack's object, an unmanaged one, or several of ours) is
a conflict: nothing is applied until someone resolves it.

Changes come out in the order they are safe to apply: rule deletions, trunk deletions,
trunk updates, trunk creations, rule updates, rule creations. The plan then replays
them, in that order, over the server's current objects with LiveKit's own validation
and conflict rules (`dispatch.server_rules`), so a plan that passes does not stop
half-way in sync because of a rule, a trunk or a number someone else holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from livekit.protocol import sip

from dispatch import server_rules
from dispatch.canonical import HIDDEN_FIELDS, Fields, Kind, ServerMetadata, parse_metadata
from dispatch.kinds import KINDS, Info, KindSpec, field_level_update, object_id
from dispatch.model import DispatchFile
from dispatch.state import ServerState

__all__ = ["Change", "Conflict", "FieldChange", "Plan", "make_plan"]

Action = Literal["create", "update", "delete"]
Method = Literal["create", "fields", "replace", "delete"]

_ORDER: list[tuple[Action, Kind]] = [
    ("delete", "dispatch_rule"),
    ("delete", "inbound_trunk"),
    ("delete", "outbound_trunk"),
    ("update", "inbound_trunk"),
    ("update", "outbound_trunk"),
    ("create", "inbound_trunk"),
    ("create", "outbound_trunk"),
    ("update", "dispatch_rule"),
    ("create", "dispatch_rule"),
]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    @property
    def secret(self) -> bool:
        return self.field in HIDDEN_FIELDS


@dataclass(frozen=True)
class Change:
    """One API write.

    Args:
        desired: the comparable form to send (None for a delete).
        base: the server's current object, which an update starts from.
        method: ``fields`` (a field-level update) or ``replace`` for an update.
        kept: fields the file does not model that the object has and keeps.
    """

    action: Action
    kind: Kind
    name: str
    object_id: str | None
    fields: tuple[FieldChange, ...] = ()
    desired: Fields | None = None
    base: Info | None = None
    method: Method = "create"
    kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conflict:
    kind: Kind
    name: str
    message: str


@dataclass
class Plan:
    stack: str = ""
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: list[tuple[Kind, str]] = field(default_factory=list)
    undeclared: list[tuple[Kind, str, str]] = field(default_factory=list)
    """This stack's objects the file no longer declares, kept because ``--prune`` is off."""
    trunk_ids: dict[str, str] = field(default_factory=dict)
    """Inbound trunk name -> id for this stack's trunks that already exist."""

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class _Existing:
    info: Info
    fields: Fields
    meta: ServerMetadata

    @property
    def object_id(self) -> str:
        return object_id(self.info)

    @property
    def name(self) -> str:
        return self.info.name


def _field_changes(old: Fields, new: Fields) -> tuple[FieldChange, ...]:
    changes: list[FieldChange] = []
    for key, value in new.items():
        before = old.get(key)
        if key == "room_config" and isinstance(value, dict) and isinstance(before, dict):
            changes.extend(
                FieldChange(f"{key}.{k}", before.get(k), v)
                for k, v in value.items()
                if before.get(k) != v
            )
        elif before != value:
            changes.append(FieldChange(key, before, value))
    return tuple(changes)


def _owner(meta: ServerMetadata) -> str:
    if not meta.managed:
        return "unmanaged"
    if meta.stack:
        return f"stack {meta.stack!r}"
    return "marked before stacks existed; sync --adopt claims it"


def _kept(spec: KindSpec, name: str, fields: Fields, base: Info, stack: str) -> tuple[str, ...]:
    """Fields (and ``room_config`` sub-fields) the server's object has beyond what the
    file builds: what an update carries through unchanged."""
    carried = spec.build(name, fields, {}, stack, base)
    fresh = spec.build(name, fields, {}, stack, None)
    kept: list[str] = []
    for descriptor in carried.DESCRIPTOR.fields:
        key = descriptor.name
        if key in ("trunk_ids", "auth_password"):
            continue
        if key == "room_config":
            kept.extend(
                f"room_config.{d.name}"
                for d in carried.room_config.DESCRIPTOR.fields
                if d.name != "agents"
                and getattr(carried.room_config, d.name) != getattr(fresh.room_config, d.name)
            )
        elif getattr(carried, key) != getattr(fresh, key):
            kept.append(key)
    return tuple(kept)


def _match(
    spec: KindSpec,
    desired: Mapping[str, Fields],
    existing: list[_Existing],
    plan: Plan,
    *,
    prune: bool,
    adopt: bool,
) -> dict[str, _Existing]:
    """Plan one kind of object; return declared name -> the server object it maps to."""
    matched: dict[str, _Existing] = {}
    for name, fields in desired.items():
        same_name = [e for e in existing if e.name == name]

        def claimed(e: _Existing) -> bool:
            # Objects marked before stacks existed carry no stack; `adopt` claims the
            # ones this file names (and only those: prune never touches the rest).
            return e.meta.owned_by(plan.stack) or (adopt and e.meta.managed and not e.meta.stack)

        foreign = [e for e in same_name if not claimed(e)]
        mine = [e for e in same_name if claimed(e)]
        if foreign:
            owners = ", ".join(f"{e.object_id} ({_owner(e.meta)})" for e in foreign)
            plan.conflicts.append(
                Conflict(
                    spec.kind,
                    name,
                    f"the name is taken by {spec.label} {owners}, which stack {plan.stack!r} "
                    "does not own; rename the entry, or rename or delete the other object",
                )
            )
            continue
        if len(mine) > 1:
            ids = ", ".join(e.object_id for e in mine)
            plan.conflicts.append(
                Conflict(
                    spec.kind, name, f"several {spec.label}s of this stack share the name ({ids})"
                )
            )
            continue
        if not mine:
            plan.changes.append(Change("create", spec.kind, name, None, (), fields))
            continue
        current = mine[0]
        matched[name] = current
        diff = _field_changes(current.fields, fields)
        if current.meta.stack != plan.stack:
            diff += (FieldChange("stack", current.meta.stack or None, plan.stack),)
        if not diff:
            plan.unchanged.append((spec.kind, name))
            continue
        message = spec.build(name, fields, {}, plan.stack, current.info)
        top_level = {f.field.split(".")[0] for f in diff}
        fields_only = field_level_update(spec, top_level, message, current.info) is not None
        plan.changes.append(
            Change(
                "update",
                spec.kind,
                name,
                current.object_id,
                diff,
                fields,
                current.info,
                "fields" if fields_only else "replace",
                _kept(spec, name, fields, current.info, plan.stack),
            )
        )
    for e in existing:
        if e.meta.owned_by(plan.stack) and e.name not in desired:
            if prune:
                plan.changes.append(
                    Change("delete", spec.kind, e.name, e.object_id, base=e.info, method="delete")
                )
            else:
                plan.undeclared.append((spec.kind, e.name, e.object_id))
    return matched


def _describe(info: Info, meta: ServerMetadata) -> str:
    return f"{info.name or '(no name)'!r} ({object_id(info) or 'new'}, {_owner(meta)})"


def _replay(plan: Plan, state: ServerState) -> None:
    """Apply the changes, in order, to a copy of the server's objects, checking each
    write as the server will (livekit/livekit pkg/service/sip.go runs the object's own
    validation, then the conflict check over all objects of its kind)."""
    objects: dict[Kind, dict[str, Info]] = {
        "inbound_trunk": {t.sip_trunk_id: t for t in state.inbound},
        "outbound_trunk": {t.sip_trunk_id: t for t in state.outbound},
        "dispatch_rule": {r.sip_dispatch_rule_id: r for r in state.rules},
    }
    trunk_ids = dict(plan.trunk_ids)
    ours: dict[int, str] = {}
    for change in plan.changes:
        spec = KINDS[change.kind]
        bucket = objects[change.kind]
        if change.action == "delete":
            assert change.object_id is not None
            bucket.pop(change.object_id, None)
            continue
        assert change.desired is not None
        key = change.object_id or f"<new {change.name}>"
        if change.kind == "inbound_trunk" and change.object_id is None:
            trunk_ids[change.name] = key
        message = spec.build(change.name, change.desired, trunk_ids, plan.stack, change.base)
        if change.desired.get("auth_password") is not None:
            # A stand-in: the server's checks look only at whether one is set.
            message.auth_password = "(set)"  # noqa: S105
        bucket[key] = message
        ours[id(message)] = change.name
        problems: list[tuple[str, str]] = []
        if isinstance(message, sip.SIPInboundTrunkInfo):
            problems = server_rules.check_inbound(message)
            clashes: list[server_rules.Clash[Any]] = server_rules.inbound_clashes(
                [t for t in bucket.values() if isinstance(t, sip.SIPInboundTrunkInfo)]
            )
        elif isinstance(message, sip.SIPOutboundTrunkInfo):
            problems = server_rules.check_outbound(message)
            clashes = []
        else:
            clashes = server_rules.rule_clashes(
                [r for r in bucket.values() if isinstance(r, sip.SIPDispatchRuleInfo)]
            )
        for field_name, text in problems:
            plan.conflicts.append(Conflict(change.kind, change.name, f"{field_name}: {text}"))
        for clash in clashes:
            if message not in (clash.item, clash.other):
                continue
            other = clash.other if clash.item is message else clash.item
            what = (
                f"this stack's {spec.label} {ours[id(other)]!r}"
                if id(other) in ours
                else _describe(other, parse_metadata(other.metadata))
            )
            plan.conflicts.append(
                Conflict(
                    change.kind,
                    change.name,
                    f"LiveKit would refuse this {change.action}: it conflicts with {what}: "
                    f"{clash.detail}",
                )
            )


def make_plan(
    file: DispatchFile,
    state: ServerState,
    *,
    stack: str,
    region: str,
    password_hashes: Mapping[tuple[str, str], str],
    prune: bool,
    adopt: bool = False,
) -> Plan:
    """Compare the (validated) file with the server state.

    Args:
        file: the dispatch file; must have passed `validate`.
        state: what the server holds.
        stack: the file's stack; only objects marked with it are this file's.
        region: default region for numbers without a country code.
        password_hashes: ``(kind, name)`` -> keyed hash of that trunk's password.
        prune: plan deletion of this stack's objects the file no longer declares.
        adopt: claim objects marked before stacks existed that the file names.
    """
    plan = Plan(stack=stack)
    listed: dict[Kind, list[Any]] = {
        "inbound_trunk": state.inbound,
        "outbound_trunk": state.outbound,
        "dispatch_rule": state.rules,
    }
    for kind, spec in KINDS.items():
        # Only this stack's trunks read back as their names, so a rule pointing at a
        # same-named stranger still shows up as a difference.
        names = {object_id: name for name, object_id in plan.trunk_ids.items()}
        existing = [_Existing(i, *spec.read(i, region, names)) for i in listed[kind]]
        desired = spec.declared(file, region, password_hashes)
        matched = _match(spec, desired, existing, plan, prune=prune, adopt=adopt)
        if kind == "inbound_trunk":
            plan.trunk_ids = {name: e.object_id for name, e in matched.items()}
    plan.changes.sort(key=lambda c: _ORDER.index((c.action, c.kind)))
    if not plan.conflicts:
        _replay(plan, state)
    return plan
