"""Smoke runs of the fleet benchmarks (capacity, soak) through a real worker process.

Figures are the benchmarks' business; here a short soak must end with no errors and
nothing left behind by any call, and a one-step capacity ramp must measure a call."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.capacity import measure_level, measure_steady
from bench.soak import memory_slope_mb_per_hour, soak
from sim.fleet import fleet

pytestmark = pytest.mark.bench


_SHORT_CALL = """
name: short-call
caller: phone
latency: zero
turns:
  - caller: "Hi, I have a question about my bill."
    agent: {reply: "Sure, what would you like to know?"}
  - caller: "Thank you, that is all."
    agent: {reply: "You're welcome. Goodbye."}
"""


async def test_short_soak_has_no_errors_and_leaks_nothing(tmp_path: Path) -> None:
    scenario = tmp_path / "short-call.yaml"
    scenario.write_text(_SHORT_CALL, encoding="utf-8")
    env = {
        "CALLCENTER_WORKER__NUM_IDLE_PROCESSES": "1",
        # The worker's own limit off: on a busy host it would report itself full.
        "CALLCENTER_WORKER__LOAD_THRESHOLD": "inf",
    }
    async with fleet(tmp_path / "run", env=env) as fleet_:
        result = await soak(
            fleet_, seconds=1.0, concurrency=2, every_s=5.0, scenarios=[str(scenario)]
        )
        capacity = await measure_level(fleet_, 1, "zero", scenarios=[str(scenario)])
        call_s = capacity.wall_s_per_call[0]
        steady = await measure_steady(fleet_, 2, "zero", call_s=call_s, scenarios=[str(scenario)])
        dispatched = len(fleet_.dispatcher.jobs)
    summary = result.summary()
    assert result.calls == 2
    assert summary["errors"] == 0
    assert result.turns == 4
    # Every call closed what it opened: no task and no socket outlived it.
    assert result.leaked_tasks == []
    assert result.leaked_sockets == []
    assert all(sample.rss_mb > 0 for sample in result.samples)
    assert isinstance(memory_slope_mb_per_hour(result.samples), float)
    level = capacity.summary()
    assert level["failed_jobs"] == 0 and level["unanswered"] == 0
    assert level["turns"] == 2
    assert level["cpu_s_per_call"] > 0
    # Steady arrivals: the two slots kept calls going back to back, and only calls that
    # ran while both were busy were measured: at least one per slot, never a slot's
    # first (it started before the other slot had).
    held = steady.summary()
    steady_calls = dispatched - 3  # the soak's two and the one-call level
    assert steady_calls >= 4
    assert 2 <= held["measured_calls"] <= steady_calls - 2
    assert held["failed_jobs"] == 0 and held["unanswered"] == 0
    assert held["turns"] == 2 * held["measured_calls"]
