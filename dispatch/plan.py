"""The plan's types: the changes ``sync`` would make and the conflicts that stop it.

Their own module because both `dispatch.diff` (which computes a plan) and
`dispatch.schedule` (which orders it, called by diff) work on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from dispatch.canonical import HIDDEN_FIELDS, Fields, Kind, Stamp
from dispatch.kinds import Info

__all__ = ["Action", "Change", "Conflict", "FieldChange", "Method", "Plan"]

Action = Literal["create", "update", "delete"]
Method = Literal["create", "fields", "replace", "delete"]


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
        writer: for an update or delete, which file last wrote the object.
        reason: why the change is there when the file does not say it directly
            (a rename, a duplicate, a bridge).
        role: ``bridge`` for the tool's temporary objects (`dispatch.schedule`).
        secrets_from: the declared trunk whose password a bridge trunk sends.
    """

    action: Action
    kind: Kind
    name: str
    object_id: str | None
    fields: tuple[FieldChange, ...] = ()
    desired: Fields | None = field(default=None, repr=False)
    base: Info | None = field(default=None, repr=False)
    method: Method = "create"
    kept: tuple[str, ...] = ()
    writer: str = ""
    reason: str = ""
    role: str = ""
    secrets_from: str = ""


@dataclass(frozen=True)
class Conflict:
    kind: Kind
    name: str
    message: str


@dataclass
class Plan:
    stack: str = ""
    stamp: Stamp = field(default_factory=lambda: Stamp(""))
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: list[tuple[Kind, str]] = field(default_factory=list)
    undeclared: list[tuple[Kind, str, str, str]] = field(default_factory=list)
    """``(kind, name, id, writer)`` of this stack's objects the file no longer declares,
    kept because ``--prune`` is off."""
    trunk_ids: dict[str, str] = field(default_factory=dict)
    """Inbound trunk name -> id for this stack's trunks that already exist."""
    notes: list[str] = field(default_factory=list)
    """What the order could not avoid (a number unrouted for one step), said plainly."""

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)
