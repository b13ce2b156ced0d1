"""The stage table of ``bench latency``: medians from the caller's end, and each turn's
own step from the stage before (figures are never asserted)."""

from __future__ import annotations

import math

import pytest

from bench.latency_stages import StageTimes, render_stage_table
from sim.call import TurnRecord

pytestmark = pytest.mark.bench


def turn(**stages: float) -> TurnRecord:
    return TurnRecord(index=0, caller_text="x", stages_ms=dict(stages))


def test_stages_are_medians_and_steps_are_per_turn() -> None:
    times = StageTimes()
    times.add(
        [
            turn(vad_end=100.0, commit=300.0, llm_request=-50.0, played=900.0),
            turn(vad_end=120.0, commit=400.0, llm_request=350.0, played=1100.0),
        ]
    )
    entry = times.as_dict()
    assert entry["p50_ms"]["commit"] == 300.0
    assert entry["turns"]["commit"] == 2
    # A preemptive request before the commit is a negative step, not hidden.
    assert entry["step_p50_ms"]["llm_request"] == -350.0
    # A stage no turn passed through is reported as missing, not zero.
    assert math.isnan(entry["p50_ms"]["stt_final"])
    # The step skips the stage a turn did not reach: played follows llm_request.
    assert sorted(times.steps["played"]) == [750.0, 950.0]


def test_the_table_has_a_row_and_a_step_row_per_cell() -> None:
    times = StageTimes()
    times.add([turn(vad_end=100.0, played=500.0)])
    table = render_stage_table({"budget nova": times.as_dict()})
    lines = table.splitlines()
    assert len(lines) == 2 + 2
    assert lines[2].split()[:4] == ["budget", "nova", "100", "-"]
