"""Plans and sync results for people (a diff-like listing) and for machines (JSON).

Secret fields (passwords) and PINs never show a value, not even a hash: only ``(set)``,
``(changed)`` or ``(removed)``.
"""

from __future__ import annotations

import json
from typing import Any

from dispatch.apply import SyncResult
from dispatch.canonical import HIDDEN_FIELDS
from dispatch.diff import Change, FieldChange, Plan
from dispatch.model import FileProblem

__all__ = ["plan_json", "plan_text", "problems_text", "sync_json", "sync_text"]

_SYMBOL = {"create": "+", "update": "~", "delete": "-"}
# Values not worth a line when creating: the API's own defaults.
_QUIET = {"media_encryption": "disable", "transport": "auto", "include_headers": "none"}


def _value(value: Any) -> str:
    if value is None:
        return "(unset)"
    return json.dumps(value, sort_keys=True)


def _secret(old: Any, new: Any) -> str:
    if old is None:
        return "(set)"
    if new is None:
        return "(removed)"
    return "(changed)"


def _field_line(change: FieldChange) -> str:
    if change.secret:
        return f"{change.field}: {_secret(change.old, change.new)}"
    return f"{change.field}: {_value(change.old)} -> {_value(change.new)}"


def _created_fields(change: Change) -> list[str]:
    lines: list[str] = []
    for key, value in (change.desired or {}).items():
        if (value in (None, "", [], {}, False) and key != "randomize") or _QUIET.get(key) == value:
            continue
        if key in HIDDEN_FIELDS:
            lines.append(f"{key}: (set)")
        elif key == "room_config":
            lines.extend(f"{key}.{k}: {_value(v)}" for k, v in value.items() if v)
        else:
            lines.append(f"{key}: {_value(value)}")
    return lines


def _header(change: Change) -> str:
    where = f" ({change.object_id})" if change.object_id else ""
    return f"{_SYMBOL[change.action]} {change.action} {change.kind} {change.name!r}{where}"


def _how(change: Change) -> list[str]:
    """How an update goes out, and what it keeps that the file does not model."""
    if change.action != "update":
        return []
    lines = [
        "(field-level update: only these fields are sent)"
        if change.method == "fields"
        else "(replaced from the server's copy: fields the file does not model are kept)"
    ]
    if change.kept:
        lines.append(f"(kept as on the server: {', '.join(change.kept)})")
    return lines


def plan_text(plan: Plan) -> str:
    lines: list[str] = []
    for conflict in plan.conflicts:
        lines.append(f"! conflict {conflict.kind} {conflict.name!r}: {conflict.message}")
    for change in plan.changes:
        lines.append(_header(change))
        details = (
            _created_fields(change)
            if change.action == "create"
            else [_field_line(f) for f in change.fields] + _how(change)
        )
        lines.extend(f"    {line}" for line in details)
    for kind, name, object_id in plan.undeclared:
        lines.append(
            f"  (kept) {kind} {name!r} ({object_id}) is no longer declared; --prune deletes it"
        )
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
    }
    if change.action == "create":
        body["fields"] = {
            k: ("(set)" if k in HIDDEN_FIELDS and v else v)
            for k, v in (change.desired or {}).items()
        }
    elif change.action == "update":
        body["fields"] = [
            {"field": f.field, "change": _secret(f.old, f.new)}
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
        "undeclared": [{"kind": k, "name": n, "id": i} for k, n, i in plan.undeclared],
        "summary": {
            action: sum(1 for c in plan.changes if c.action == action) for action in _SYMBOL
        }
        | {"unchanged": len(plan.unchanged), "conflicts": len(plan.conflicts)},
    }


def sync_text(plan: Plan, result: SyncResult) -> str:
    lines = [plan_text(plan).rstrip("\n")]
    if result.ok:
        lines.append(f"Applied {len(result.applied)} change(s).")
        return "\n".join(lines) + "\n"
    assert result.failed is not None
    lines.append("")
    lines.append(f"Sync stopped: {_header(result.failed)} failed: {result.error}")
    lines.append(f"Applied ({len(result.applied)}):")
    lines.extend(f"    {_header(change)} -> {object_id}" for change, object_id in result.applied)
    lines.append(f"Not applied ({len(result.not_applied) + 1}):")
    lines.extend(f"    {_header(c)}" for c in [result.failed, *result.not_applied])
    lines.append("Re-run sync to converge once the cause is fixed.")
    return "\n".join(lines) + "\n"


def sync_json(plan: Plan, result: SyncResult) -> dict[str, Any]:
    return {
        "plan": plan_json(plan),
        "status": "ok" if result.ok else "failed",
        "applied": [_change_json(c) | {"id": object_id} for c, object_id in result.applied],
        "failed": None
        if result.failed is None
        else _change_json(result.failed) | {"error": result.error},
        "not_applied": [_change_json(c) for c in result.not_applied],
    }


def problems_text(problems: list[FileProblem]) -> str:
    lines = [f"{len(problems)} problem(s); nothing was sent to the server:"]
    lines.extend(f"  {p}" for p in problems)
    return "\n".join(lines) + "\n"
