"""The plan: what ``sync`` would change, computed from the file and the server state.

Ownership is per stack: an object is this file's when its metadata carries the managed
marker *and* this file's stack. Only those are ever updated or deleted. A declared name
held by anything else (another stack's object or an unmanaged one) is a conflict:
nothing is applied until someone resolves it. Several objects of this stack under one
name (two syncs that ran at once, before leases) are repaired: the lowest id is kept,
the rest deleted once nothing points at them.

A renamed entry (``renamed_from:``, or an undeclared object of this stack holding the
same numbers or rule keys as a new entry) is an update of the existing object, so its
id, and every rule pointing at it, stays.

`dispatch.schedule` then orders the changes so each is accepted by the server and no
number that is routed before and after the sync is unrouted in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dispatch import ownership
from dispatch.canonical import Fields, Kind, ServerMetadata, Stamp
from dispatch.kinds import KINDS, Declared, Info, KindSpec, field_level_update, object_id
from dispatch.model import DispatchFile
from dispatch.numbers import server_key
from dispatch.ownership import FileIdentity
from dispatch.plan import Change, Conflict, FieldChange, Plan
from dispatch.schedule import schedule
from dispatch.state import ServerState

__all__ = ["Change", "Conflict", "FieldChange", "Plan", "make_plan"]


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


@dataclass(frozen=True)
class _Options:
    identity: FileIdentity
    prune: bool
    adopt: bool
    adopt_stack: str | None


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


def _kept(spec: KindSpec, name: str, fields: Fields, base: Info, stamp: Stamp) -> tuple[str, ...]:
    """Fields (and ``room_config`` sub-fields) the server's object has beyond what the
    file builds: what an update carries through unchanged."""
    carried = spec.build(name, fields, {}, stamp, base, "")
    fresh = spec.build(name, fields, {}, stamp, None, "")
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


def _claimable(e: _Existing, plan: Plan, options: _Options) -> bool:
    """Ours to update: this stack's, or claimed with ``--adopt`` (marked before stacks
    existed) or ``--adopt-stack`` (another stack of ours being moved into this one)."""
    meta = e.meta
    if meta.owned_by(plan.stack):
        return True
    if not meta.managed:
        return False
    if options.adopt and not meta.stack:
        return True
    return options.adopt_stack is not None and meta.stack == options.adopt_stack


def _stable_keys(kind: Kind, fields: Fields) -> set[tuple[str, ...]]:
    """What the server's conflict check keys an object by: two objects sharing one
    cannot both exist, so a new entry sharing one with an undeclared object is that
    object renamed."""
    if kind == "inbound_trunk":
        callers = [server_key(n) for n in fields["allowed_numbers"]] or [""]
        return {(server_key(n), c) for n in fields["numbers"] for c in callers}
    if kind == "dispatch_rule":
        callers = fields["inbound_numbers"] or [""]
        numbers = fields["numbers"] or [""]
        return {
            (str(fields["pin"]), t, c, n)
            for t in fields["trunks"] or [""]
            for c in callers
            for n in numbers
        }
    return set()


class _Matcher:
    """Plans one kind of object."""

    def __init__(self, spec: KindSpec, plan: Plan, options: _Options) -> None:
        self.spec = spec
        self.plan = plan
        self.options = options

    def conflict(self, name: str, message: str) -> None:
        self.plan.conflicts.append(Conflict(self.spec.kind, name, message))

    def run(
        self,
        desired: Mapping[str, Fields],
        renamed_from: Mapping[str, str],
        existing: list[_Existing],
    ) -> dict[str, _Existing]:
        """Return declared name -> the server object it maps to."""
        plan, spec = self.plan, self.spec
        declared = [e for e in existing if not e.meta.role]
        matched: dict[str, _Existing] = {}
        unmatched: list[str] = []
        for name in desired:
            found = self._find(name, renamed_from.get(name), declared)
            if found is None:
                continue
            if found == "new":
                unmatched.append(name)
            else:
                matched[name] = found
        taken = {id(e) for e in matched.values()}
        self._stable_renames(desired, unmatched, declared, matched, taken)
        for name, fields in desired.items():
            if name in matched:
                self._update(name, fields, matched[name])
            elif name in unmatched:
                plan.changes.append(Change("create", spec.kind, name, None, (), fields))
        taken = {id(e) for e in matched.values()}
        for e in existing:
            if not e.meta.owned_by(plan.stack) or id(e) in taken:
                continue
            if e.meta.role == "bridge":
                # Left by a sync that stopped mid-move; removed once it is not needed.
                self._delete(e, "the tool's temporary bridge, no longer needed")
            elif e.meta.role:
                continue
            elif self._duplicate_of(e, matched) is not None:
                kept = self._duplicate_of(e, matched)
                self._delete(e, f"a duplicate of {kept} (two syncs ran at once); repaired")
            elif self.options.prune:
                self._delete(e, "")
            else:
                writer = ownership.describe_writer(e.meta)
                plan.undeclared.append((spec.kind, e.name, e.object_id, writer))
        return matched

    def _find(
        self, name: str, old_name: str | None, declared: list[_Existing]
    ) -> _Existing | Literal["new"] | None:
        for candidate in (name, old_name):
            if candidate is None:
                continue
            same = [e for e in declared if e.name == candidate]
            foreign = [e for e in same if not _claimable(e, self.plan, self.options)]
            if foreign:
                owners = ", ".join(f"{e.object_id} ({_owner(e.meta)})" for e in foreign)
                what = "the name" if candidate == name else f"renamed_from {candidate!r}"
                self.conflict(
                    name,
                    f"{what} is taken by {self.spec.label} {owners}, which stack "
                    f"{self.plan.stack!r} does not own; rename the entry, or rename or "
                    "delete the other object",
                )
                return None
            mine = sorted(same, key=lambda e: e.object_id)
            if mine:
                return mine[0]
        return "new"

    def _duplicate_of(self, e: _Existing, matched: Mapping[str, _Existing]) -> str | None:
        kept = matched.get(e.name)
        if kept is None or kept.object_id == e.object_id:
            return None
        if e.meta.owner and kept.meta.owner and e.meta.owner != kept.meta.owner:
            return None
        return kept.object_id

    def _stable_renames(
        self,
        desired: Mapping[str, Fields],
        unmatched: list[str],
        declared: list[_Existing],
        matched: dict[str, _Existing],
        taken: set[int],
    ) -> None:
        """Pair each new entry with the one undeclared object of ours that shares a
        server conflict key with it (and no other entry does): the server would refuse
        both at once, so the new entry is that object renamed."""
        kind = self.spec.kind
        candidates = [
            e
            for e in declared
            if id(e) not in taken
            and e.name not in desired
            and _claimable(e, self.plan, self.options)
        ]
        pairs: list[tuple[str, _Existing]] = []
        for name in unmatched:
            keys = _stable_keys(kind, desired[name])
            hits = [e for e in candidates if keys & _stable_keys(kind, e.fields)]
            # Without --prune nothing the file leaves out is removed, so the old object
            # is taken over only if it keeps every number (or rule key) it had.
            if len(hits) == 1 and (
                self.options.prune or _stable_keys(kind, hits[0].fields) <= keys
            ):
                pairs.append((name, hits[0]))
        for name, e in pairs:
            if sum(1 for _, other in pairs if other is e) == 1:
                matched[name] = e
                unmatched.remove(name)

    def _update(self, name: str, fields: Fields, current: _Existing) -> None:
        plan, spec = self.plan, self.spec
        diff = list(_field_changes(current.fields, fields))
        reason = ""
        if current.name != name:
            diff.insert(0, FieldChange("name", current.name, name))
            reason = f"renamed from {current.name!r}: the id stays"
        if current.meta.stack != plan.stack:
            diff.append(FieldChange("stack", current.meta.stack or None, plan.stack))
        # Who last wrote it is recorded on every write, but is not by itself a reason to
        # write (two checkouts of one file would rewrite each other's objects forever):
        # only `--adopt` takes objects over without another change.
        if current.meta.owner != plan.stamp.owner and (diff or self.options.adopt):
            diff.append(FieldChange("owner", current.meta.owner or None, plan.stamp.owner))
        if not diff:
            plan.unchanged.append((spec.kind, name))
            return
        message = spec.build(name, fields, {}, plan.stamp, current.info, "")
        top_level = {f.field.split(".")[0] for f in diff}
        fields_only = field_level_update(spec, top_level, message, current.info) is not None
        plan.changes.append(
            Change(
                "update",
                spec.kind,
                name,
                current.object_id,
                tuple(diff),
                fields,
                current.info,
                "fields" if fields_only else "replace",
                _kept(spec, name, fields, current.info, plan.stamp),
                writer=ownership.describe_writer(current.meta),
                reason=reason,
            )
        )

    def _delete(self, e: _Existing, reason: str) -> None:
        self.plan.changes.append(
            Change(
                "delete",
                self.spec.kind,
                e.name,
                e.object_id,
                base=e.info,
                method="delete",
                writer=ownership.describe_writer(e.meta),
                reason=reason,
                role=e.meta.role,
            )
        )


def _prune_owners(plan: Plan, existing: Mapping[Kind, list[_Existing]], options: _Options) -> None:
    """``--prune`` deletes from a stack only when this file's identity wrote all of it."""
    if not options.prune or options.adopt:
        return
    for kind, objects in existing.items():
        for e in objects:
            if not e.meta.owned_by(plan.stack) or e.meta.owner == plan.stamp.owner:
                continue
            plan.conflicts.append(
                Conflict(
                    kind,
                    e.name,
                    f"--prune refused: stack {plan.stack!r}'s {KINDS[kind].label} "
                    f"{e.object_id} was {ownership.describe_writer(e.meta)}, not by this "
                    f"file ({plan.stamp.file}, owner {plan.stamp.owner}); another file "
                    "writes this stack. If that file is this one (moved, or checked out "
                    "elsewhere), give both the same `owner:`, or run `sync --adopt` once "
                    "from this file to take the stack over",
                )
            )


def make_plan(
    file: DispatchFile,
    state: ServerState,
    *,
    identity: FileIdentity,
    region: str,
    secrets: Declared,
    prune: bool,
    adopt: bool = False,
    adopt_stack: str | None = None,
) -> Plan:
    """Compare the (validated) file with the server state, then order the changes.

    Args:
        file: the dispatch file; must have passed `validate`.
        state: what the server holds.
        identity: the file's stack, owner and path.
        region: default region for numbers without a country code.
        secrets: the keyed hashes of the file's passwords and its PINs.
        prune: plan deletion of this stack's objects the file no longer declares.
        adopt: claim objects marked before stacks existed that the file names, and
            objects of this stack another file's identity wrote.
        adopt_stack: also claim the objects of this (other) stack the file names.
    """
    plan = Plan(stack=identity.stack, stamp=identity.stamp)
    options = _Options(identity, prune, adopt, adopt_stack)
    listed: dict[Kind, list[Any]] = {
        "inbound_trunk": state.inbound,
        "outbound_trunk": state.outbound,
        "dispatch_rule": state.rules,
    }
    renames: dict[Kind, dict[str, str]] = {
        "inbound_trunk": {t.name: t.renamed_from for t in file.inbound_trunks if t.renamed_from},
        "outbound_trunk": {t.name: t.renamed_from for t in file.outbound_trunks if t.renamed_from},
        "dispatch_rule": {r.name: r.renamed_from for r in file.dispatch_rules if r.renamed_from},
    }
    existing_by_kind: dict[Kind, list[_Existing]] = {}
    for kind, spec in KINDS.items():
        # Only this stack's trunks read back as their names, so a rule pointing at a
        # same-named stranger still shows up as a difference.
        names = {object_id: name for name, object_id in plan.trunk_ids.items()}
        existing = [
            _Existing(i, *spec.read(i, region, names, state.passwords.get((kind, object_id(i)))))
            for i in listed[kind]
        ]
        existing_by_kind[kind] = existing
        desired = spec.declared(file, region, secrets)
        matched = _Matcher(spec, plan, options).run(desired, renames[kind], existing)
        if kind == "inbound_trunk":
            plan.trunk_ids = {name: e.object_id for name, e in matched.items()}
    _prune_owners(plan, existing_by_kind, options)
    if not plan.conflicts:
        schedule(plan, state, region)
    return plan
