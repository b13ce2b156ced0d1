"""SIP trunks and dispatch rules as code: validate, plan, sync and export one YAML file.

Run as ``python -m dispatch {validate,plan,sync,export}``; see `dispatch.cli`. Each file
is a stack: it only ever changes objects marked with its stack. Checks follow LiveKit's
own rules (`dispatch.server_rules`), and every kind of object is read, built and
written through one table (`dispatch.kinds`).
"""

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
