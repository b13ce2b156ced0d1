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
    "llm_ttft": "llm_node_ttft_ms",
    "tts_ttfb": "tts_node_ttfb_ms",
}
"""Component name -> the turn figure (CallMetrics) it budgets. Content TTFA, the
headline, is budgeted too (``ttfa_content``), from the call's answer clock
(:mod:`worker.telemetry.answer_clock`) rather than from a framework figure."""


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
                "ttfa_content": obs.budget_ttfa_ms,
                "llm_ttft": obs.budget_llm_ttft_ms,
                "tts_ttfb": obs.budget_tts_ttfb_ms,
            }
        )

    def check_turn(self, turn: Mapping[str, float]) -> list[str]:
        """Warn once per component this turn exceeded; return those components."""
        return [
            component
            for component, field in BUDGETED_FIELDS.items()
            if (value := turn.get(field)) is not None and self.check(component, value)
        ]

    def check(self, component: str, value_ms: float) -> bool:
        """Warn when one turn's ``component`` figure is over its budget; True if so."""
        limit = self.limits_ms[component]
        if value_ms <= limit:
            return False
        log.warning(
            "latency_budget_exceeded", component=component, value_ms=value_ms, budget_ms=limit
        )
        return True

    def p95_flags(self, samples: Mapping[str, Sequence[float]]) -> dict[str, bool]:
        """Per component: did the call's 95th percentile cross its budget?"""
        flags = {}
        for component in self.limits_ms:
            p95 = percentile(samples.get(component, ()), 95)
            flags[component] = p95 is not None and p95 > self.limits_ms[component]
        return flags
