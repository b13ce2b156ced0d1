"""SIP trunks and dispatch rules as code: validate, plan, sync and export one YAML file.

Run as ``python -m dispatch {validate,plan,sync,export}``; see `dispatch.cli`.
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
