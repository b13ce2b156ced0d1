"""The plan: what ``sync`` would change, computed from the file and the server state.

Objects match by ``name`` among those whose metadata carries the managed marker. A
declared name held by an unmanaged object (or by several managed ones) is a conflict:
the plan cannot be applied until someone resolves it. Unmanaged objects are never
updated or deleted.

Changes come out in the order they are safe to apply: rule deletions, trunk deletions,
trunk updates, trunk creations, rule updates, rule creations. Trunks exist before the
rules that name them, rules go before the trunks they name, and deletions and updates
free numbers and rule keys before anything new claims them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from dispatch import canonical
from dispatch.canonical import SECRET_FIELDS, Fields, Kind, ServerMetadata
from dispatch.model import DispatchFile
from dispatch.state import ServerState

__all__ = ["Change", "Conflict", "FieldChange", "Plan", "make_plan"]

Action = Literal["create", "update", "delete"]

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
        return self.field in SECRET_FIELDS


@dataclass(frozen=True)
class Change:
    """One API write. ``desired`` is the comparable form to send (None for a delete)."""

    action: Action
    kind: Kind
    name: str
    object_id: str | None
    fields: tuple[FieldChange, ...] = ()
    desired: Fields | None = None


@dataclass(frozen=True)
class Conflict:
    kind: Kind
    name: str
    message: str


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: list[tuple[Kind, str]] = field(default_factory=list)
    undeclared: list[tuple[Kind, str, str]] = field(default_factory=list)
    """Managed objects the file no longer declares, kept because ``--prune`` is off."""
    trunk_ids: dict[str, str] = field(default_factory=dict)
    """Inbound trunk name -> id for the trunks that already exist and are ours."""

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class _Existing:
    object_id: str
    name: str
    fields: Fields
    meta: ServerMetadata


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


def _match(
    kind: Kind,
    desired: Mapping[str, Fields],
    existing: list[_Existing],
    plan: Plan,
    *,
    prune: bool,
) -> dict[str, _Existing]:
    """Plan one kind of object; return declared name -> the server object it maps to."""
    matched: dict[str, _Existing] = {}
    for name, fields in desired.items():
        same_name = [e for e in existing if e.name == name]
        unmanaged = [e for e in same_name if not e.meta.managed]
        managed = [e for e in same_name if e.meta.managed]
        label = kind.replace("_", " ")
        if unmanaged:
            ids = ", ".join(e.object_id for e in unmanaged)
            plan.conflicts.append(
                Conflict(
                    kind,
                    name,
                    f"an unmanaged {label} ({ids}) already has this name; rename the entry, "
                    "or delete or rename the existing one",
                )
            )
            continue
        if len(managed) > 1:
            ids = ", ".join(e.object_id for e in managed)
            plan.conflicts.append(
                Conflict(kind, name, f"several managed {label}s share this name ({ids})")
            )
            continue
        if not managed:
            plan.changes.append(Change("create", kind, name, None, (), fields))
            continue
        current = managed[0]
        matched[name] = current
        diff = _field_changes(current.fields, fields)
        if diff:
            plan.changes.append(Change("update", kind, name, current.object_id, diff, fields))
        else:
            plan.unchanged.append((kind, name))
    for e in existing:
        if e.meta.managed and e.name not in desired:
            if prune:
                plan.changes.append(Change("delete", kind, e.name, e.object_id))
            else:
                plan.undeclared.append((kind, e.name, e.object_id))
    return matched


def make_plan(
    file: DispatchFile,
    state: ServerState,
    *,
    region: str,
    password_hashes: Mapping[tuple[str, str], str],
    prune: bool,
) -> Plan:
    """Compare the (validated) file with the server state.

    Args:
        file: the dispatch file; must have passed `validate`.
        state: what the server holds.
        region: default region for numbers without a country code.
        password_hashes: ``(kind, name)`` -> keyed hash of that trunk's password.
        prune: plan deletion of managed objects the file no longer declares.
    """
    plan = Plan()

    inbound_desired = {
        t.name: canonical.inbound_fields(t, region, password_hashes.get(("inbound_trunk", t.name)))
        for t in file.inbound_trunks
    }
    inbound_existing = [
        _Existing(i.sip_trunk_id, i.name, *canonical.from_inbound(i, region)) for i in state.inbound
    ]
    matched_inbound = _match("inbound_trunk", inbound_desired, inbound_existing, plan, prune=prune)
    plan.trunk_ids = {name: e.object_id for name, e in matched_inbound.items()}

    outbound_desired = {
        t.name: canonical.outbound_fields(
            t, region, password_hashes.get(("outbound_trunk", t.name))
        )
        for t in file.outbound_trunks
    }
    outbound_existing = [
        _Existing(o.sip_trunk_id, o.name, *canonical.from_outbound(o, region))
        for o in state.outbound
    ]
    _match("outbound_trunk", outbound_desired, outbound_existing, plan, prune=prune)

    # Only the trunks we manage under a declared name read back as that name, so a rule
    # pointing at a same-named stranger still shows up as a difference.
    trunk_names = {object_id: name for name, object_id in plan.trunk_ids.items()}
    rules_desired = {r.name: canonical.rule_fields(r, region) for r in file.dispatch_rules}
    rules_existing = [
        _Existing(r.sip_dispatch_rule_id, r.name, *canonical.from_rule(r, region, trunk_names))
        for r in state.rules
    ]
    _match("dispatch_rule", rules_desired, rules_existing, plan, prune=prune)

    plan.changes.sort(key=lambda c: _ORDER.index((c.action, c.kind)))
    return plan
