"""Plans and sync results for people (a diff-like listing) and for machines (JSON).

Secret fields (passwords) and PINs never show a value, not even a hash: only ``set``,
``differs`` or ``removed``, marked ``(masked)``.

``plan --json`` and ``sync --json`` print one shape whatever happened (see `envelope`):
the same keys are always there, ``status`` says which of them carry something.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dispatch.apply import SyncResult
from dispatch.canonical import HIDDEN_FIELDS
from dispatch.diff import Change, FieldChange, Plan
from dispatch.model import FileProblem

__all__ = [
    "envelope",
    "plan_json",
    "plan_text",
    "problems_text",
    "sync_json",
    "sync_text",
]

_SYMBOL = {"create": "+", "update": "~", "delete": "-"}
# Values not worth a line when creating: the API's own defaults.
_QUIET = {"media_encryption": "disable", "transport": "auto", "include_headers": "none"}


def _value(value: Any) -> str:
    if value is None:
        return "(unset)"
    return json.dumps(value, sort_keys=True)


def secret_state(old: Any, new: Any) -> str:
    """``set``, ``removed`` or ``differs``: all a plan ever says about a secret."""
    if not old:
        return "set"
    if not new:
        return "removed"
    return "differs"


def _field_line(change: FieldChange) -> str:
    if change.secret:
        what = "password" if change.field == "auth_password" else change.field.upper()
        state = secret_state(change.old, change.new)
        text = f"{what} differs" if state == "differs" else f"{what} {state}"
        return f"{change.field}: {text} (masked)"
    return f"{change.field}: {_value(change.old)} -> {_value(change.new)}"


def _created_fields(change: Change) -> list[str]:
    lines: list[str] = []
    for key, value in (change.desired or {}).items():
        if (value in (None, "", [], {}, False) and key != "randomize") or _QUIET.get(key) == value:
            continue
        if key in HIDDEN_FIELDS:
            lines.append(f"{key}: set (masked)")
        elif key == "room_config":
            lines.extend(f"{key}.{k}: {_value(v)}" for k, v in value.items() if v)
        else:
            lines.append(f"{key}: {_value(value)}")
    return lines


def _header(change: Change) -> str:
    where = f" ({change.object_id})" if change.object_id else ""
    return f"{_SYMBOL[change.action]} {change.action} {change.kind} {change.name!r}{where}"


def _about(change: Change) -> list[str]:
    """Why the change is there, who wrote the object, and how an update goes out."""
    lines = [f"({change.reason})"] if change.reason else []
    if change.writer:
        lines.append(f"({change.writer})")
    if change.action != "update":
        return lines
    lines.append(
        "(field-level update: only these fields are sent)"
        if change.method == "fields"
        else "(replaced from the server's copy: fields the file does not model are kept)"
    )
    if change.kept:
        lines.append(f"(kept as on the server: {', '.join(change.kept)})")
    return lines


def plan_text(plan: Plan) -> str:
    lines: list[str] = []
    for conflict in plan.conflicts:
        lines.append(f"! conflict {conflict.kind} {conflict.name!r}: {conflict.message}")
    for change in plan.changes:
        lines.append(_header(change))
        details = _about(change) + (
            _created_fields(change)
            if change.action == "create"
            else [_field_line(f) for f in change.fields]
        )
        lines.extend(f"    {line}" for line in details)
    for kind, name, object_id, writer in plan.undeclared:
        lines.append(
            f"  (kept) {kind} {name!r} ({object_id}) is no longer declared; --prune deletes "
            f"it ({writer})"
        )
    lines.extend(f"  note: {note}" for note in plan.notes)
    lines.append(_summary(plan))
    return "\n".join(lines) + "\n"


def _summary(plan: Plan) -> str:
    counts = {a: sum(1 for c in plan.changes if c.action == a) for a in _SYMBOL}
    text = (
        f"Plan: {counts['create']} to create, {counts['update']} to update, "
        f"{counts['delete']} to delete, {len(plan.unchanged)} unchanged"
    )
    if plan.conflicts:
        text += f", {len(plan.conflicts)} conflict(s) (nothing will be applied)"
    elif not plan.changes:
        text += "; no changes"
    return text + "."


def _change_json(change: Change) -> dict[str, Any]:
    body: dict[str, Any] = {
        "action": change.action,
        "kind": change.kind,
        "name": change.name,
        "id": change.object_id,
        "reason": change.reason or None,
        "last_written_by": change.writer or None,
        "role": change.role or None,
    }
    if change.action == "create":
        body["fields"] = {
            k: ("set (masked)" if k in HIDDEN_FIELDS and v else v)
            for k, v in (change.desired or {}).items()
        }
    elif change.action == "update":
        body["fields"] = [
            {"field": f.field, "change": secret_state(f.old, f.new), "masked": True}
            if f.secret
            else {"field": f.field, "old": f.old, "new": f.new}
            for f in change.fields
        ]
        body["method"] = change.method
        body["kept"] = list(change.kept)
    return body


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "changes": [_change_json(c) for c in plan.changes],
        "conflicts": [
            {"kind": c.kind, "name": c.name, "message": c.message} for c in plan.conflicts
        ],
        "unchanged": [{"kind": k, "name": n} for k, n in plan.unchanged],
        "stack": plan.stack,
        "owner": plan.stamp.owner,
        "undeclared": [
            {"kind": k, "name": n, "id": i, "last_written_by": w} for k, n, i, w in plan.undeclared
        ],
        "notes": list(plan.notes),
        "summary": {
            action: sum(1 for c in plan.changes if c.action == action) for action in _SYMBOL
        }
        | {"unchanged": len(plan.unchanged), "conflicts": len(plan.conflicts)},
    }


def envelope(
    command: str,
    status: str,
    *,
    plan: Plan | None = None,
    result: SyncResult | None = None,
    problems: Sequence[FileProblem] = (),
    error: str | None = None,
) -> dict[str, Any]:
    """The one JSON shape of ``plan --json`` and ``sync --json``.

    ``status`` is one of ``no_changes``, ``changes`` (a plan, or a dry run), ``ok``
    (applied), ``failed`` (a write failed: ``failed`` says which and whether it
    landed), ``conflicts``, ``invalid`` (``problems``: the file, nothing sent) or
    ``error`` (``error``: configuration, the server unreachable, the lease).
    """
    failed: dict[str, Any] | None = None
    if result is not None and result.failed is not None:
        failed = _change_json(result.failed) | {
            "error": result.error,
            "landed": result.landed,
        }
    return {
        "command": command,
        "status": status,
        "stack": plan.stack if plan is not None else None,
        "problems": [p.model_dump() for p in problems],
        "error": error,
        "plan": plan_json(plan) if plan is not None else None,
        "applied": [
            _change_json(c) | {"id": object_id}
            for c, object_id in (result.applied if result else [])
        ],
        "failed": failed,
        "not_applied": [_change_json(c) for c in (result.not_applied if result else [])],
    }


def sync_json(plan: Plan, result: SyncResult) -> dict[str, Any]:
    return envelope("sync", "ok" if result.ok else "failed", plan=plan, result=result)


_LANDED = {
    "no": "it did not take effect (read back from the server)",
    "yes": "it took effect",
    "unknown": (
        "whether it took effect is not known: reading it back failed too; run plan once "
        "the server answers"
    ),
}


def sync_text(plan: Plan, result: SyncResult) -> str:
    lines = [plan_text(plan).rstrip("\n")]
    for change, error in result.recovered:
        lines.append(
            f"({_header(change)}: the answer was lost ({error}), but reading it back "
            "shows the change applied)"
        )
    if result.ok:
        lines.append(f"Applied {len(result.applied)} change(s).")
        return "\n".join(lines) + "\n"
    assert result.failed is not None
    lines.append("")
    lines.append(f"Sync stopped: {_header(result.failed)} failed: {result.error}")
    lines.append(f"  {_LANDED[result.landed]}.")
    lines.append(f"Applied ({len(result.applied)}):")
    lines.extend(f"    {_header(change)} -> {object_id}" for change, object_id in result.applied)
    lines.append(f"Not applied ({len(result.not_applied) + 1}):")
    lines.extend(f"    {_header(c)}" for c in [result.failed, *result.not_applied])
    lines.append("Every number routed before the sync still is (the order keeps it so).")
    lines.append("Re-run sync to converge once the cause is fixed.")
    return "\n".join(lines) + "\n"


def problems_text(problems: list[FileProblem]) -> str:
    lines = [f"{len(problems)} problem(s); nothing was sent to the server:"]
    lines.extend(f"  {p}" for p in problems)
    return "\n".join(lines) + "\n"
