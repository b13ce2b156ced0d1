"""Latency budgets: a warning naming the component when one turn goes over, and a per-call
flag when the component's 95th percentile does.

A budget is what the caller can bear, not what the provider promises: time to first
audio above a second is heard as hesitation; the LLM's and the TTS's shares are what
leave room for the rest of the pipeline.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import structlog

from config import Settings

__all__ = ["BUDGETED_FIELDS", "Budgets", "percentile"]

log = structlog.get_logger(__name__)

BUDGETED_FIELDS: Mapping[str, str] = {
    "ttfa": "e2e_latency_ms",
    "llm_ttft": "llm_node_ttft_ms",
    "tts_ttfb": "tts_node_ttfb_ms",
}
"""Component name -> the turn figure (CallMetrics) it budgets."""


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100), as the latency benchmark reports it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100.0 * len(ordered))) - 1]


@dataclass(frozen=True)
class Budgets:
    """Milliseconds per component."""

    limits_ms: Mapping[str, float]

    @classmethod
    def from_settings(cls, settings: Settings) -> Budgets:
        obs = settings.observability
        return cls(
            {
                "ttfa": obs.budget_ttfa_ms,
                "llm_ttft": obs.budget_llm_ttft_ms,
                "tts_ttfb": obs.budget_tts_ttfb_ms,
            }
        )

    def check_turn(self, turn: Mapping[str, float]) -> list[str]:
        """Warn once per component this turn exceeded; return those components."""
        over = []
        for component, field in BUDGETED_FIELDS.items():
            value = turn.get(field)
            limit = self.limits_ms[component]
            if value is not None and value > limit:
                over.append(component)
                log.warning(
                    "latency_budget_exceeded", component=component, value_ms=value, budget_ms=limit
                )
        return over

    def p95_flags(self, samples: Mapping[str, Sequence[float]]) -> dict[str, bool]:
        """Per component: did the call's 95th percentile cross its budget?"""
        flags = {}
        for component in BUDGETED_FIELDS:
            p95 = percentile(samples.get(component, ()), 95)
            flags[component] = p95 is not None and p95 > self.limits_ms[component]
        return flags
