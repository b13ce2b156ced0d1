"""Per-call state, reached from tools through ``RunContext.userdata``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from compliance import CallRedactor
from config import TenantSettings
from worker.acknowledgment import Acknowledger
from worker.caller import Caller
from worker.outcome import CallOutcome
from worker.phrase_cache import PhraseCache
from worker.turn_judge import RawTurnText

if TYPE_CHECKING:
    from worker.call_actions import CallActions

__all__ = ["CallState", "ToolInvocation"]


@dataclass(frozen=True)
class ToolInvocation:
    """A tool call as the tool received it (real values): kept in memory, never logged."""

    name: str
    arguments: dict[str, Any]


@dataclass
class CallState:
    caller: Caller
    tenant_name: str
    tenant: TenantSettings
    redactor: CallRedactor
    tool_invocations: list[ToolInvocation] = field(default_factory=list)
    outcome: CallOutcome | None = None
    """Set by the first thing that ends the call; the summary reports `error` if unset."""
    actions: CallActions | None = None
    """Transfer and hang-up for this call; None until the entrypoint wires the room."""
    tool_bridge_after: float | None = None
    """Seconds a tool may run before the agent says a bridge phrase; None: never."""
    phrase_cache: PhraseCache | None = None
    """Cached openers and their hit counters, when ``latency.phrase_cache`` is on."""
    acknowledger: Acknowledger | None = None
    """Acknowledgments before slow replies, when ``latency.acknowledge_after`` is set."""
    turn_text: RawTurnText = field(default_factory=RawTurnText)
    """Raw STT finals for the turn judge (dictated digits, not placeholders): never logged."""
    recovery_lines: Counter[str] = field(default_factory=Counter)
    """Lines the agent said to cover an STT failure (``stt_bridge``, ``repeat_request``);
    the call summary adds the LLM's from the history."""

    def end_with(self, outcome: CallOutcome) -> None:
        """Record how the call ended; the first cause wins (a hangup after a transfer
        is still a transfer)."""
        if self.outcome is None:
            self.outcome = outcome
