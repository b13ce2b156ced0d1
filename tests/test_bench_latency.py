"""The latency benchmark's arithmetic and output shape (figures are never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.latency import FlavorStats, percentile, plot_cdf, render_table, summarize
from sim.call import TurnRecord

pytestmark = pytest.mark.bench


def _turns(ttfas: list[float | None], premature: list[bool]) -> list[TurnRecord]:
    """Turns with no filler: the answer is the first sound."""
    return [
        TurnRecord(
            index=i,
            caller_text="x",
            ttfa_ms=t,
            content_ttfa_ms=t,
            premature=p,
            paused=p or i % 2 == 1,
        )
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
    assert "ours/vanilla" in table
    figures, stages = table.split("\n\n")
    assert figures.count("\n") == 1 + 3 * 3
    assert stages.count("\n") == 1 + 2 * 2 * 3  # ours and vanilla of three profiles, two rows each
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


def test_ablation_summary_reports_each_technique_against_all_on() -> None:
    from bench.latency import ABLATIONS, ADDITIONS, render_ablation, summarize_ablation

    stats: dict[str, dict[str, FlavorStats]] = {"typical": {"all on": FlavorStats()}}
    stats["typical"]["all on"].add(_turns([500, 520], [False, False]))
    for label, *_ in ABLATIONS:
        off = FlavorStats()
        off.add(_turns([800, 900], [False, False]))
        stats["typical"][f"-{label}"] = off
    for label, *_ in ADDITIONS:
        on = FlavorStats()
        on.add(_turns([400, 420], [False, False]))
        stats["typical"][f"+{label}"] = on
    summary = summarize_ablation(stats)
    rows = summary["ablation"]["typical"]
    assert rows["-phrase cache"]["saving_p50_ms"] == 300
    assert rows["-phrase cache"]["source"].startswith("https://")
    # Turned on, it is its own saving.
    assert rows["+model routing"]["saving_p50_ms"] == 100
    figures, stages = render_ablation(summary).split("\n\n")
    assert figures.count("\n") == 1 + 1 + len(ABLATIONS) + len(ADDITIONS)
    assert stages.count("\n") == 1 + 2 * (1 + len(ABLATIONS) + len(ADDITIONS))


def test_a_filler_is_not_the_answer_and_what_callers_notice_is_counted() -> None:
    def turn(i: int, content: float, filler: str | None) -> TurnRecord:
        return TurnRecord(
            index=i,
            caller_text="x",
            ttfa_ms=700.0 if filler else content,
            content_ttfa_ms=content,
            fillers=[filler] if filler else [],
            filler_kinds=["acknowledgment"] if filler else [],
            silence_after_filler_ms=100.0 if filler else None,
            filler_delay_ms=0.0 if filler else None,
        )

    stats = FlavorStats()
    # Two calls: "Got it." ends one and starts the next, which is not "in a row".
    stats.add([turn(0, 1200.0, "I see."), turn(1, 900.0, None), turn(2, 1300.0, "Got it.")])
    stats.add([turn(0, 1250.0, "Got it."), turn(1, 1100.0, "Got it.")])
    entry = stats.as_dict()
    assert entry["p50_ms"] == 1200.0  # the answers, not the fillers' 700 ms
    assert entry["first_sound_p50_ms"] == 700.0
    assert entry["filler_rate"] == pytest.approx(4 / 5)
    assert entry["filler_same_line_in_a_row"] == 1
    assert entry["filler_consecutive_turns"] == 1
    assert entry["silence_after_filler_p50_ms"] == 100.0
