"""PII redaction before every LLM call: detectors, a per-call vault and the call redactor."""

from compliance.detectors import question_context
from compliance.redactor import CallRedactor, EarlierChunk, Redaction, TurnResult, redact_text
from compliance.spoken import Normalised, digits_said, normalise
from compliance.vault import Vault, VaultEntry, redact_value_in_text
from config.redaction_policy import EntityType, RedactionPolicy, SpeechPolicy

__all__ = [
    "CallRedactor",
    "EarlierChunk",
    "EntityType",
    "Normalised",
    "Redaction",
    "RedactionPolicy",
    "SpeechPolicy",
    "TurnResult",
    "Vault",
    "VaultEntry",
    "digits_said",
    "normalise",
    "question_context",
    "redact_text",
    "redact_value_in_text",
]
