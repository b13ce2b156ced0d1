"""Where the time of a turn goes: each stage of :data:`sim.call.STAGES` at its median,
from the caller's last voiced sample, for one cell of ``python -m bench latency``.

A stage's figure is the median over the turns that passed through it, so the columns
need not add up; ``step`` is the median of each turn's own step from the stage before
it (negative when the stage started earlier, as a preemptive request does before the
commit). Figures are reported, never asserted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.doc_tables import STAGE_LABELS
from sim.call import STAGES, TurnRecord

__all__ = ["StageTimes", "render_stage_table"]

_LABELS = STAGE_LABELS


def _median(values: Sequence[float]) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(0.5 * len(ordered))) - 1]


@dataclass
class StageTimes:
    """Each stage's times over a cell's turns, in ms from the caller's last voiced sample."""

    at: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STAGES})
    steps: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STAGES})

    def add(self, turns: Iterable[TurnRecord]) -> None:
        for turn in turns:
            previous = 0.0
            for stage in STAGES:
                value = turn.stages_ms.get(stage)
                if value is None:
                    continue
                self.at[stage].append(value)
                self.steps[stage].append(value - previous)
                previous = value

    def as_dict(self) -> dict[str, Any]:
        return {
            "p50_ms": {s: _median(v) for s, v in self.at.items()},
            "step_p50_ms": {s: _median(v) for s, v in self.steps.items()},
            "turns": {s: len(v) for s, v in self.at.items()},
        }


def render_stage_table(cells: Mapping[str, Mapping[str, Any]]) -> str:
    """One row per cell (``label -> StageTimes.as_dict()``): each stage's p50 from the
    caller's last voiced sample, and under it the p50 of each step."""

    def ms(value: float) -> str:
        return "-" if math.isnan(value) else f"{value:.0f}"

    header = f"{'stage p50 (ms)':<24} " + " ".join(f"{_LABELS[s]:>7}" for s in STAGES)
    lines = [header, "-" * len(header)]
    for label, stages in cells.items():
        at, step = stages["p50_ms"], stages["step_p50_ms"]
        lines.append(f"{label:<24} " + " ".join(f"{ms(at[s]):>7}" for s in STAGES))
        lines.append(f"{'  step':<24} " + " ".join(f"{ms(step[s]):>7}" for s in STAGES))
    return "\n".join(lines)
