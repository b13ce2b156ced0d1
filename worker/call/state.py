"""Per-call state, reached from tools through ``RunContext.userdata``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from compliance import CallRedactor
from config import TenantSettings
from worker.call.actions import CallActions
from worker.call.outcome import CallOutcome
from worker.caller import Caller
from worker.speech.filler_policy import FillerPolicy
from worker.speech.phrase_cache import PhraseCache
from worker.speech.reply_audio import SpeechLedger
from worker.speech.spoken_lines import SpokenLines, spoken_lines
from worker.turns.turn_judge import RawTurnText

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
    lines: SpokenLines = field(default_factory=lambda: spoken_lines("en"))
    """The agent's own lines in the tenant's language."""
    fillers: FillerPolicy | None = None
    """The call's filler policy: every line said while the answer is slow."""
    speech: SpeechLedger = field(default_factory=SpeechLedger)
    """Our lines on their way to the TTS node, so it tells them from the model's words."""
    model_ttft: dict[str, float] = field(default_factory=dict)
    """The model's own time to first token (s) of the reply to each user message id:
    the framework's figure would time a filler."""
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
