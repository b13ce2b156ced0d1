"""The latency benchmark's arithmetic and output shape (figures are never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.latency import FlavorStats, percentile, plot_cdf, render_table, summarize
from sim.call import TurnRecord

pytestmark = pytest.mark.bench


def _turns(ttfas: list[float | None], premature: list[bool]) -> list[TurnRecord]:
    return [
        TurnRecord(index=i, caller_text="x", ttfa_ms=t, premature=p, paused=p or i % 2 == 1)
        for i, (t, p) in enumerate(zip(ttfas, premature, strict=True))
    ]


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([7.0], 95) == 7.0


def test_summary_has_the_documented_shape(tmp_path: Path) -> None:
    stats = {}
    for profile in ("zero", "budget", "typical"):
        ours, vanilla = FlavorStats(), FlavorStats()
        ours.add(_turns([300, 320, None, 400], [False, False, False, True]))
        vanilla.add(_turns([600, 2600, 700, 650], [False, False, False, False]))
        stats[profile] = {"ours": ours, "vanilla": vanilla}
    summary = summarize(stats)

    for profile in ("zero", "budget", "typical"):
        for agent in ("ours", "vanilla"):
            entry = summary["profiles"][profile][agent]
            assert {"p50_ms", "p95_ms", "max_ms", "premature_rate", "turns"} <= set(entry)
    ours = summary["profiles"]["zero"]["ours"]
    assert ours["turns"] == 4
    assert ours["unanswered"] == 1
    assert ours["p50_ms"] == 320
    assert ours["max_ms"] == 400
    # Paused turns are 1 and 3; one of them was answered too early.
    assert ours["premature_rate"] == 0.5
    assert summary["profiles"]["zero"]["ratio"]["p95_ms"] == pytest.approx(400 / 2600)
    json.dumps(summary)  # serialisable as written by the benchmark

    table = render_table(summary)
    assert "ours/van" in table
    assert table.count("\n") == 1 + 3 * 3
    plot = tmp_path / "cdf.png"
    plot_cdf(summary, plot)
    assert plot.stat().st_size > 0


def test_premature_all_rate_counts_every_turn() -> None:
    # Turn 0 has no scripted pause but was answered at a comma pause: it counts in the
    # rate over all turns, not in the rate over paused turns.
    turns = [
        TurnRecord(index=0, caller_text="x", ttfa_ms=300, premature=True, paused=False),
        TurnRecord(index=1, caller_text="x", ttfa_ms=320, premature=False, paused=True),
        TurnRecord(index=2, caller_text="x", ttfa_ms=330, premature=False, paused=False),
        TurnRecord(index=3, caller_text="x", ttfa_ms=400, premature=True, paused=True),
    ]
    stats = FlavorStats()
    stats.add(turns)
    entry = stats.as_dict()
    assert entry["premature_rate"] == 0.5
    assert entry["premature_all_rate"] == 0.5
    stats.add(turns[:1])
    assert stats.as_dict()["premature_all_rate"] == 3 / 5
    assert stats.as_dict()["premature_rate"] == 0.5
