"""SIP trunks and dispatch rules as code: validate, plan, sync and export one YAML file.

Run as ``python -m dispatch {validate,plan,sync,export}``; see `dispatch.cli`. Each file
is a stack: it only ever changes objects marked with its stack, and prunes only a stack
it names and whose objects its own identity wrote (`dispatch.ownership`). Checks follow
LiveKit's own rules (`dispatch.server_rules`), every kind of object is read, built and
written through one table (`dispatch.kinds`), changes are ordered so no number is left
unrouted between two of them (`dispatch.schedule`), and one sync of a stack runs at a
time (`dispatch.lease`).

The names below load on first use, so ``python -m dispatch --help`` does not pay for
the LiveKit client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dispatch.apply import SyncResult, apply_plan
    from dispatch.diff import Change, Conflict, FieldChange, Plan, make_plan
    from dispatch.model import DispatchFile, FileProblem, InvalidFile, load_file, parse_file
    from dispatch.validate import ValidationContext, ValidationResult, validate

__all__ = [
    "Change",
    "Conflict",
    "DispatchFile",
    "FieldChange",
    "FileProblem",
    "InvalidFile",
    "Plan",
    "SyncResult",
    "ValidationContext",
    "ValidationResult",
    "apply_plan",
    "load_file",
    "make_plan",
    "parse_file",
    "validate",
]

_HOME = {
    "SyncResult": "dispatch.apply",
    "apply_plan": "dispatch.apply",
    "Change": "dispatch.diff",
    "Conflict": "dispatch.diff",
    "FieldChange": "dispatch.diff",
    "Plan": "dispatch.diff",
    "make_plan": "dispatch.diff",
    "DispatchFile": "dispatch.model",
    "FileProblem": "dispatch.model",
    "InvalidFile": "dispatch.model",
    "load_file": "dispatch.model",
    "parse_file": "dispatch.model",
    "ValidationContext": "dispatch.validate",
    "ValidationResult": "dispatch.validate",
    "validate": "dispatch.validate",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'dispatch' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
