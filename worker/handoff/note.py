"""The hand-off note: what the person who picks up a transferred call needs to know.

Written from the call's *redacted* chat history only (what the model saw): the caller's
words with placeholders such as ``[CARD_1]``, the tool calls by name with their
outcome, and what they confirmed. Nothing comes from the vault or from the tools' real
arguments (`worker.call.state.ToolInvocation`), so no raw personal data can reach a SIP
header, a webhook or a log. Deterministic: no model call, so building it never delays
the transfer.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from livekit.agents import llm

__all__ = [
    "REASON_CODES",
    "HandoffNote",
    "ReasonCode",
    "ToolOutcome",
    "build_note",
    "new_handoff_id",
]

ReasonCode = Literal[
    "caller_request", "needs_human", "complaint", "verification_failed", "technical", "other"
]
REASON_CODES: Final[tuple[ReasonCode, ...]] = (
    "caller_request",
    "needs_human",
    "complaint",
    "verification_failed",
    "technical",
    "other",
)
"""A bounded set: a SIP header value and a metric label."""

_MAX_ASKS: Final = 4
_MAX_TEXT: Final = 240
_WITHHELD: Final = "[withheld]"


def new_handoff_id() -> str:
    """A short random id: header-safe (LiveKit's token characters) and unguessable."""
    return "ho_" + secrets.token_hex(8)


@dataclass(frozen=True)
class ToolOutcome:
    name: str
    outcome: Literal["ok", "error", "pending"]
    arguments: dict[str, str] = field(default_factory=dict)
    """Argument name -> value as the model passed it, for the tenant's allowed fields;
    every other argument by name only, as ``[withheld]``."""
    result: str = ""


@dataclass(frozen=True)
class HandoffNote:
    handoff_id: str
    reason: ReasonCode
    destination: str
    tenant: str
    call_id: str
    language: str
    caller_asked: list[str]
    tools: list[ToolOutcome]
    verified: list[str]

    def summary_text(self) -> str:
        """One or two sentences for the human to hear in a warm transfer."""
        parts: list[str] = []
        if self.caller_asked:
            parts.append(f"The caller said: {self.caller_asked[-1]}")
        done = [t.name.replace("_", " ") for t in self.tools if t.outcome == "ok"]
        if done:
            parts.append("Done so far: " + ", ".join(done) + ".")
        return " ".join(parts) or "No details yet."

    def as_dict(self) -> dict[str, Any]:
        return {
            "handoff_id": self.handoff_id,
            "reason": self.reason,
            "destination": self.destination,
            "tenant": self.tenant,
            "call_id": self.call_id,
            "language": self.language,
            "caller_asked": list(self.caller_asked),
            "tools": [
                {"name": t.name, "outcome": t.outcome, "arguments": t.arguments, "result": t.result}
                for t in self.tools
            ],
            "verified": list(self.verified),
        }


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _arguments(raw: str, allowed: Iterable[str]) -> dict[str, str]:
    try:
        parsed = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    keep = set(allowed)
    return {
        str(k): (_clip(str(v)) if k in keep and v is not None else _WITHHELD)
        for k, v in parsed.items()
    }


def build_note(
    history: llm.ChatContext,
    *,
    handoff_id: str,
    reason: ReasonCode,
    destination: str,
    tenant: str,
    call_id: str,
    language: str,
    allowed_fields: Sequence[str] = (),
    scrub: Any = None,
) -> HandoffNote:
    """The note for one transfer, from the redacted history.

    Args:
        history: the session's chat history (redacted: the STT node and the text input
            put only placeholders there).
        handoff_id: the id the SIP header and the webhook carry.
        reason: why the call is handed over (bounded code).
        destination: the destination's name (never its URI).
        tenant: the tenant's name.
        call_id: the call's id in the logs.
        language: the tenant's language.
        allowed_fields: tool arguments the tenant lets the note carry, as the model
            passed them (placeholders stay placeholders).
        scrub: a second guard, ``str -> str``, that replaces any value the call's vault
            knows with its placeholder (`compliance.vault.Vault.redact_known_values`).
    """
    clean = scrub if scrub is not None else (lambda text: text)
    asks: list[str] = []
    calls: dict[str, llm.FunctionCall] = {}
    outputs: dict[str, llm.FunctionCallOutput] = {}
    order: list[str] = []
    for item in history.items:
        if isinstance(item, llm.ChatMessage) and item.role == "user":
            text = item.text_content
            if text and text.strip():
                asks.append(_clip(clean(text)))
        elif isinstance(item, llm.FunctionCall):
            calls[item.call_id] = item
            order.append(item.call_id)
        elif isinstance(item, llm.FunctionCallOutput):
            outputs[item.call_id] = item
    tools: list[ToolOutcome] = []
    verified: list[str] = []
    for call_id_ in order:
        call = calls[call_id_]
        if call.name == "transfer_call":
            continue  # this transfer: its reason and destination are fields of their own
        output = outputs.get(call_id_)
        outcome: Literal["ok", "error", "pending"] = (
            "pending" if output is None else ("error" if output.is_error else "ok")
        )
        result = _clip(clean(output.output)) if output is not None else ""
        arguments = {k: clean(v) for k, v in _arguments(call.arguments, allowed_fields).items()}
        tools.append(ToolOutcome(call.name, outcome, arguments, result))
        if outcome == "ok" and result:
            verified.append(f"{call.name}: {result}")
    return HandoffNote(
        handoff_id=handoff_id,
        reason=reason,
        destination=destination,
        tenant=tenant,
        call_id=call_id,
        language=language,
        caller_asked=asks[-_MAX_ASKS:],
        tools=tools,
        verified=verified,
    )
