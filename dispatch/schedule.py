"""Order a plan's changes so that every step is one the server accepts and no call
that reaches this stack before the sync and after it is refused in between.

The plan's changes are replayed, one at a time, over a copy of the server's objects,
each judged as LiveKit judges it (`dispatch.server_rules`: the object's own validation,
then the conflict check over all objects of its kind; livekit/livekit
``pkg/service/sip.go``). Among the changes the server would accept next, creates and
updates go before deletes; a rule waits for the trunks it names, and a trunk is
deleted only once no rule of this stack points at it. A change is *safe* when every
call that is routed to this stack both before and after the sync (`dispatch.routing`)
still is afterwards.

Some changes are accepted by the server only in an order that strands a number for one
step: LiveKit refuses two trunks (or two rules) claiming the same number, so moving a
number between them means one gives it up before the other takes it. Then the plan
first creates a *bridge* that keeps those calls routed through the gap, and deletes it
at the end:

* the number has no trunk in the gap: a bridge trunk with no numbers (LiveKit's
  default trunk, used when no trunk lists the dialed number) that admits the same
  carriers as the receiving trunk (its addresses, caller filter and credentials), and a
  bridge rule on it carrying the receiving rule's room and agents for exactly the
  moving numbers;
* the number keeps its trunk but has no rule in the gap: a bridge rule naming no trunk
  (a wildcard, used when no rule of the trunk matches) for exactly the moving numbers.

A sync that stops in the gap (the server unreachable, the process killed) leaves the
calls routed through the bridge; the next run finishes the move and removes it. Where
no bridge is possible (the project already has a default trunk for those callers, or
the receiving trunk admits callers by number alone, which LiveKit refuses for a trunk
without numbers), the step runs anyway and the plan says which calls are refused for
that one step.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from livekit.protocol import sip

from dispatch import server_rules
from dispatch.canonical import Fields, Kind, parse_metadata
from dispatch.kinds import KINDS, Info, object_id
from dispatch.plan import Change, Conflict, Plan
from dispatch.routing import Route, match_trunk, route
from dispatch.state import ServerState

__all__ = ["schedule"]

_KIND_ORDER: dict[Kind, int] = {"inbound_trunk": 0, "outbound_trunk": 1, "dispatch_rule": 2}
_Call = tuple[str, str]


@dataclass
class _Obj:
    """One object of the replayed server."""

    kind: Kind
    key: str
    name: str
    message: Info = field(repr=False)
    fields: Fields | None = field(default=None, repr=False)
    base: Info | None = field(default=None, repr=False)
    ours: bool = False
    secrets_from: str = ""


@dataclass
class _World:
    """The server's objects after some of the plan's changes."""

    objects: dict[Kind, dict[str, _Obj]]
    trunk_keys: dict[str, str]
    """Name -> key of this stack's inbound trunks (declared and bridge)."""

    def copy(self) -> _World:
        return _World({k: dict(v) for k, v in self.objects.items()}, dict(self.trunk_keys))

    def trunks(self) -> list[tuple[str, sip.SIPInboundTrunkInfo]]:
        return [(k, o.message) for k, o in self.objects["inbound_trunk"].items()]  # type: ignore[misc]

    def rules(self) -> list[tuple[str, sip.SIPDispatchRuleInfo]]:
        return [(k, o.message) for k, o in self.objects["dispatch_rule"].items()]  # type: ignore[misc]

    def ours(self, kind: Kind, key: str) -> bool:
        found = self.objects[kind].get(key)
        return found is not None and found.ours


def _new_key(change: Change) -> str:
    return f"<new {change.kind} {change.name}>"


def _key(change: Change) -> str:
    return change.object_id or _new_key(change)


class _Replay:
    """Builds, applies and judges changes over `_World` copies."""

    def __init__(self, plan: Plan, region: str) -> None:
        self.plan = plan
        self.region = region

    def build(self, world: _World, change: Change) -> Info:
        assert change.desired is not None
        spec = KINDS[change.kind]
        message = spec.build(
            change.name, change.desired, world.trunk_keys, self.plan.stamp, change.base, change.role
        )
        if change.desired.get("auth_password") is not None:
            # A stand-in: the server's checks look only at whether one is set.
            message.auth_password = "(set)"  # noqa: S105
        return message  # type: ignore[no-any-return]

    def apply(self, world: _World, change: Change) -> _World:
        after = world.copy()
        bucket = after.objects[change.kind]
        key = _key(change)
        if change.action == "delete":
            bucket.pop(key, None)
            if change.kind == "inbound_trunk":
                after.trunk_keys = {n: k for n, k in after.trunk_keys.items() if k != key}
            return after
        if change.kind == "inbound_trunk":
            after.trunk_keys[change.name] = key
        bucket[key] = _Obj(
            change.kind,
            key,
            change.name,
            self.build(after, change),
            change.desired,
            change.base,
            ours=True,
            secrets_from=change.secrets_from or change.name,
        )
        return after

    def refusal(self, world: _World, change: Change) -> str | None:
        """Why the server would refuse ``change`` now (or why it must wait), or None."""
        key = _key(change)
        if change.action == "delete":
            if change.kind != "inbound_trunk":
                return None
            waiting = [
                o.name
                for o in world.objects["dispatch_rule"].values()
                if o.ours and key in o.message.trunk_ids  # type: ignore[union-attr]
            ]
            return f"dispatch rule(s) {waiting} still point at it" if waiting else None
        message = self.build(world, change)
        if isinstance(message, sip.SIPDispatchRuleInfo):
            # Every trunk a rule of the file names is one of the file's (validated), so
            # one not on the server yet is one still to be created.
            present = world.objects["inbound_trunk"]
            missing = [t for t in message.trunk_ids if t not in present]
            if missing:
                return f"waits for inbound trunk(s) {missing}, which cannot be created"
        problems: list[tuple[str, str]] = []
        clashes: list[server_rules.Clash[Any]] = []
        others = [(k, o) for k, o in world.objects[change.kind].items() if k != key]
        if isinstance(message, sip.SIPInboundTrunkInfo):
            problems = server_rules.check_inbound(message)
            trunks = [
                o.message for _, o in others if isinstance(o.message, sip.SIPInboundTrunkInfo)
            ]
            clashes = server_rules.inbound_clashes([*trunks, message])
        elif isinstance(message, sip.SIPOutboundTrunkInfo):
            problems = server_rules.check_outbound(message)
        else:
            rules = [o.message for _, o in others if isinstance(o.message, sip.SIPDispatchRuleInfo)]
            clashes = server_rules.rule_clashes([*rules, message])
        if problems:
            return "; ".join(f"{f}: {t}" for f, t in problems)
        by_message = {id(o.message): o for _, o in others}
        for clash in clashes:
            if message not in (clash.item, clash.other):
                continue
            other = by_message.get(id(clash.other if clash.item is message else clash.item))
            if other is None:
                continue
            return (
                f"LiveKit would refuse this {change.action}: it conflicts with "
                f"{self.describe(other)}: {clash.detail}"
            )
        return None

    def describe(self, obj: _Obj) -> str:
        if obj.ours:
            return f"this stack's {KINDS[obj.kind].label} {obj.name!r}"
        meta = parse_metadata(obj.message.metadata)
        owner = (
            "unmanaged"
            if not meta.managed
            else (f"stack {meta.stack!r}" if meta.stack else "marked before stacks existed")
        )
        return f"{obj.name or '(no name)'!r} ({obj.key}, {owner})"


def _initial(plan: Plan, state: ServerState) -> _World:
    updated = {c.object_id for c in plan.changes if c.object_id is not None}
    objects: dict[Kind, dict[str, _Obj]] = {k: {} for k in _KIND_ORDER}
    listed: list[tuple[Kind, list[Any]]] = [
        ("inbound_trunk", state.inbound),
        ("outbound_trunk", state.outbound),
        ("dispatch_rule", state.rules),
    ]
    for kind, items in listed:
        for info in items:
            key = object_id(info)
            meta = parse_metadata(info.metadata)
            ours = meta.owned_by(plan.stack) or key in updated
            objects[kind][key] = _Obj(kind, key, info.name, info, None, info, ours)
    trunk_keys = dict(plan.trunk_ids)
    return _World(objects, trunk_keys)


def _calls(worlds: Iterable[_World]) -> list[_Call]:
    """Every (dialed number, caller) whose route the plan must keep: the numbers of this
    stack's trunks and rules, from any caller and from each caller a filter names."""
    numbers: set[str] = set()
    callers: set[str] = {""}
    for world in worlds:
        for key, trunk in world.trunks():
            if world.ours("inbound_trunk", key):
                numbers.update(trunk.numbers)
                callers.update(trunk.allowed_numbers)
        for key, rule in world.rules():
            if world.ours("dispatch_rule", key):
                numbers.update(rule.numbers)
                callers.update(rule.inbound_numbers)
    return sorted(itertools.product(sorted(numbers), sorted(callers)))


def _routed(world: _World, calls: Iterable[_Call]) -> dict[_Call, Route]:
    """The calls that reach one of this stack's trunks and one of its rules."""
    trunks, rules = world.trunks(), world.rules()
    keys = {k: k for k, _ in trunks}
    found: dict[_Call, Route] = {}
    for called, caller in calls:
        reached = route(trunks, rules, keys, called, caller)
        if (
            reached is not None
            and world.ours("inbound_trunk", reached.trunk)
            and world.ours("dispatch_rule", reached.rule)
        ):
            found[(called, caller)] = reached
    return found


def _affected(world: _World, after: _World, change: Change, calls: list[_Call]) -> list[_Call]:
    """The calls a change can reroute: those to its numbers, or all for an object that
    matches any number (a trunk or rule without numbers)."""
    key = _key(change)
    numbers: set[str] = set()
    for w in (world, after):
        obj = w.objects[change.kind].get(key)
        if obj is None or change.kind == "outbound_trunk":
            continue
        listed = list(obj.message.numbers)
        if not listed:
            return calls
        numbers.update(listed)
    return [c for c in calls if c[0] in numbers]


@dataclass
class _Scheduler:
    plan: Plan
    replay: _Replay
    calls: list[_Call]
    stable: set[_Call]
    final: _World
    final_routes: dict[_Call, Route]
    ordered: list[Change] = field(default_factory=list)
    bridges: int = 0

    def stranded(self, world: _World, after: _World, change: Change) -> set[_Call]:
        affected = [c for c in _affected(world, after, change, self.calls) if c in self.stable]
        before = _routed(world, affected)
        now = _routed(after, affected)
        return {c for c in before if c not in now}

    def run(self, world: _World, pending: list[Change]) -> None:
        while pending:
            # The first change, in priority order (creates and updates, then deletes),
            # that the server accepts now and that strands nothing goes next.
            pick: tuple[Change, _World] | None = None
            candidates: list[tuple[Change, _World, set[_Call]]] = []
            for change in pending:
                if self.replay.refusal(world, change) is not None:
                    continue
                after = self.replay.apply(world, change)
                stranded = self.stranded(world, after, change)
                if not stranded:
                    pick = (change, after)
                    break
                candidates.append((change, after, stranded))
            if pick is not None:
                world = self.take(pick[0], pick[1], pending)
                continue
            if not candidates:
                self.refuse(world, pending)
                return
            bridged = next(
                (
                    b
                    for change, _, stranded in candidates
                    if (b := self.bridge(world, change, stranded)) is not None
                ),
                None,
            )
            if bridged is not None:
                world, steps, cleanup = bridged
                for step in steps:
                    self.ordered.append(step)
                    if step in pending:
                        pending.remove(step)
                pending.extend(cleanup)
                continue
            change, after, stranded = candidates[0]
            self.note_window(change, stranded)
            world = self.take(change, after, pending)

    def take(self, change: Change, after: _World, pending: list[Change]) -> _World:
        self.ordered.append(change)
        pending.remove(change)
        return after

    def refuse(self, world: _World, pending: list[Change]) -> None:
        ours = {(c.kind, c.name) for c in pending}
        for change in pending:
            reason = self.replay.refusal(world, change) or "cannot be ordered"
            waits = any(
                f"this stack's {KINDS[kind].label} {name!r}" in reason for kind, name in ours
            )
            if waits:
                # A cycle: each change needs what another still holds (numbers swapped
                # between this stack's trunks). LiveKit never lets two hold one number.
                reason += (
                    "; this stack's pending changes wait on one another (numbers swapped "
                    "between its objects): split the change over two syncs, moving one "
                    "number out first"
                )
            self.plan.conflicts.append(Conflict(change.kind, change.name, reason))

    def note_window(self, change: Change, stranded: set[_Call]) -> None:
        calls = ", ".join(
            f"{number} (from {caller or 'any caller'})" for number, caller in sorted(stranded)
        )
        step = len(self.ordered) + 1
        self.plan.notes.append(
            f"step {step} ({change.action} {change.kind} {change.name!r}) leaves {calls} "
            "unrouted until the next step: LiveKit refuses two objects claiming one number "
            "at once, and no bridge could carry it (the project already has a default "
            "trunk for those callers, or the receiving trunk has neither addresses nor "
            "credentials)"
        )

    # -- bridges ---------------------------------------------------------------------

    def bridge_name(self, world: _World, what: str) -> str:
        taken = {o.name for objs in world.objects.values() for o in objs.values()}
        taken |= {o.name for objs in self.final.objects.values() for o in objs.values()}
        while True:
            self.bridges += 1
            name = f"dispatch bridge {self.bridges}: {what}"
            if name not in taken:
                return name

    def bridge(
        self, world: _World, change: Change, stranded: set[_Call]
    ) -> tuple[_World, list[Change], list[Change]] | None:
        """Bridges that keep ``stranded`` routed while ``change`` runs, or None."""
        after = self.replay.apply(world, change)
        trunk_level: dict[tuple[str, str], list[_Call]] = {}
        rule_level: dict[str, list[_Call]] = {}
        trunks = after.trunks()
        for call in sorted(stranded):
            target = self.final_routes.get(call)
            if target is None:
                return None
            matched = match_trunk(trunks, *call)
            if matched is None:
                trunk_level.setdefault((target.trunk, target.rule), []).append(call)
            elif after.ours("inbound_trunk", matched):
                rule_level.setdefault(target.rule, []).append(call)
            else:
                return None  # a trunk of someone else's takes the call; no bridge helps
        creates: list[Change] = []
        for (trunk_key, rule_key), calls in trunk_level.items():
            trunk = self.final.objects["inbound_trunk"][trunk_key]
            if trunk.fields is None:
                return None
            trunk_name = self.bridge_name(world, f"trunk for {trunk.name}")
            creates.append(
                self.bridge_change(
                    "inbound_trunk",
                    trunk_name,
                    {**trunk.fields, "numbers": []},
                    trunk.base,
                    trunk.secrets_from or trunk.name,
                    calls,
                )
            )
            created = self.bridge_rule(world, rule_key, [trunk_name], calls)
            if created is None:
                return None
            creates.append(created)
        for rule_key, calls in rule_level.items():
            created = self.bridge_rule(world, rule_key, [], calls)
            if created is None:
                return None
            creates.append(created)
        bridged = world
        for create in creates:
            if self.replay.refusal(bridged, create) is not None:
                return None
            next_world = self.replay.apply(bridged, create)
            if self.stranded(bridged, next_world, create):
                return None
            bridged = next_world
        if self.replay.refusal(bridged, change) is not None:
            return None
        done = self.replay.apply(bridged, change)
        if self.stranded(bridged, done, change):
            return None
        cleanup = [
            Change(
                "delete",
                c.kind,
                c.name,
                None,
                method="delete",
                reason="the bridge is no longer needed",
                role="bridge",
            )
            for c in sorted(creates, key=lambda c: c.kind != "dispatch_rule")
        ]
        return done, [*creates, change], cleanup

    def bridge_rule(
        self, world: _World, rule_key: str, trunks: list[str], calls: list[_Call]
    ) -> Change | None:
        rule = self.final.objects["dispatch_rule"].get(rule_key)
        if rule is None or rule.fields is None:
            return None
        numbers = sorted({number for number, _ in calls})
        name = self.bridge_name(world, f"rule for {rule.name}")
        return self.bridge_change(
            "dispatch_rule",
            name,
            {**rule.fields, "trunks": trunks, "numbers": numbers},
            rule.base,
            "",
            calls,
        )

    def bridge_change(
        self,
        kind: Kind,
        name: str,
        fields: Fields,
        base: Info | None,
        secrets_from: str,
        calls: list[_Call],
    ) -> Change:
        numbers = ", ".join(sorted({number for number, _ in calls}))
        return Change(
            "create",
            kind,
            name,
            None,
            (),
            fields,
            base,
            reason=f"keeps {numbers} routed while the number(s) move; deleted at the end",
            role="bridge",
            secrets_from=secrets_from,
        )


def _with_fields(world: _World, plan: Plan, region: str, state: ServerState) -> None:
    """The comparable form of every object of ours that no change rewrites (what a
    bridge copies)."""
    names = {key: name for name, key in world.trunk_keys.items()}
    for kind, objects in world.objects.items():
        spec = KINDS[kind]
        for obj in objects.values():
            if obj.ours and obj.fields is None:
                password = state.passwords.get((kind, obj.key))
                obj.fields, _ = spec.read(obj.message, region, names, password)


def schedule(plan: Plan, state: ServerState, region: str) -> None:
    """Order ``plan.changes`` in place (adding bridges where a move needs one); a change
    the server would refuse in any order becomes a conflict."""
    replay = _Replay(plan, region)
    world = _initial(plan, state)
    _with_fields(world, plan, region, state)
    pending = sorted(
        plan.changes,
        key=lambda c: (
            c.action == "delete",
            _KIND_ORDER[c.kind] if c.action != "delete" else -_KIND_ORDER[c.kind],
        ),
    )
    final = world
    for change in pending:
        final = replay.apply(final, change)
    calls = _calls([world, final])
    final_routes = _routed(final, calls)
    stable = set(_routed(world, calls)) & set(final_routes)
    scheduler = _Scheduler(plan, replay, calls, stable, final, final_routes)
    scheduler.run(world, list(pending))
    if not plan.conflicts:
        plan.changes = scheduler.ordered
