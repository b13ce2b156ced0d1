"""The one `call.summary` event at the end of a call: how it ended, where each turn's
time went, what it used and roughly what that cost. Figures and names only, never text
of the call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from livekit.agents.metrics.usage import LLMModelUsage, STTModelUsage, TTSModelUsage

from config.settings import ModelPrice
from worker.call.outcome import CallOutcome
from worker.telemetry.answer_timing import AnswerStats
from worker.telemetry.budgets import BUDGETED_FIELDS, percentile
from worker.telemetry.metrics import CallMetrics

__all__ = ["COMPONENT_FIELDS", "CallSummary", "estimate_cost"]

COMPONENT_FIELDS: Mapping[str, str] = {
    "first_sound": "e2e_latency_ms",
    **BUDGETED_FIELDS,
    "end_of_turn_delay": "end_of_turn_delay_ms",
    "transcription_delay": "transcription_delay_ms",
}
"""Component name -> the framework turn figure it is read from. ``first_sound`` is the
framework's ``e2e_latency``: any agent audio, a filler included; the headline
``ttfa_content`` comes from the call's answer clock (:mod:`worker.telemetry.answer_timing`)."""

ModelUsage = LLMModelUsage | TTSModelUsage | STTModelUsage


def estimate_cost(
    usage: Sequence[ModelUsage], prices: Mapping[str, ModelPrice]
) -> tuple[float, list[str]]:
    """USD for the call's usage, and the models the price table does not know."""
    total = 0.0
    unpriced: list[str] = []
    for entry in usage:
        price = prices.get(entry.model)
        if price is None:
            unpriced.append(entry.model)
            continue
        if isinstance(entry, LLMModelUsage):
            cached = entry.input_cached_tokens
            total += (entry.input_tokens - cached) * price.input_per_mtok / 1e6
            total += cached * price.cached_input_per_mtok / 1e6
            total += entry.output_tokens * price.output_per_mtok / 1e6
        elif isinstance(entry, TTSModelUsage):
            total += entry.characters_count * price.per_1k_chars / 1e3
        else:
            total += entry.audio_duration / 60.0 * price.per_minute
    return round(total, 6), sorted(set(unpriced))


@dataclass
class CallSummary:
    call_id: str
    caller_kind: str
    tenant: str
    outcome: CallOutcome
    duration_s: float
    metrics: CallMetrics
    prices: Mapping[str, ModelPrice]
    budget_flags: dict[str, bool]
    fallbacks: dict[str, int] = field(default_factory=dict)
    provider_errors: dict[str, int] = field(default_factory=dict)
    answers: AnswerStats = field(default_factory=AnswerStats)

    def samples(self) -> dict[str, list[float]]:
        samples = {name: self.metrics.samples_ms(f) for name, f in COMPONENT_FIELDS.items()}
        return {"ttfa_content": self.answers.content_ms, **samples}

    def as_event(self) -> dict[str, Any]:
        """The fields of the `call.summary` log event."""
        latency = {
            name: {"p50_ms": percentile(values, 50), "p95_ms": percentile(values, 95)}
            for name, values in self.samples().items()
        }
        cost, unpriced = estimate_cost(self.metrics.model_usage(), self.prices)
        answers = self.answers.as_dict()
        fillers = {
            key: answers[key]
            for key in (
                "filler_turns",
                "filler_rate",
                "filler_same_line_in_a_row",
                "filler_consecutive_turns",
                "silence_after_filler_p50_ms",
                "silence_after_filler_max_ms",
                "filler_delay_p50_ms",
                "filler_delay_max_ms",
                "fillers_by_kind",
            )
        }
        return {
            "call_id": self.call_id,
            "caller_kind": self.caller_kind,
            "tenant": self.tenant,
            "outcome": self.outcome.value,
            "duration_s": round(self.duration_s, 2),
            "turns": len(self.metrics.turns),
            "interruptions": self.metrics.interruptions,
            "latency": latency,
            "unanswered_turns": answers["unanswered"],
            "fillers": fillers,
            "budget_exceeded": self.budget_flags,
            "usage": self.metrics.totals(),
            "estimated_cost_usd": cost,
            "unpriced_models": unpriced,
            "fallbacks": dict(self.fallbacks),
            "provider_errors": dict(self.provider_errors),
        }
