"""``python -m bench turn-tradeoff``: what meeting issue 27's premature target on
self-corrections would cost the caller, measured rather than argued.

A self-correction ("How old is he?" / "He's 7." / 0.4 s / "No. 8. He was 8 in May.")
opens with a finished answer to the agent's question, in the same words as an answer
nobody corrects. A transcript judge can only avoid committing in that pause by holding
answers longer than it. This benchmark holds them, on the corpora and the timing model
of ``bench turns`` (:mod:`bench.turns`): the judge as shipped, then the judge with every
turn it does not call unfinished that answers the agent's question in at most N words
(or every such turn, asked or not) held at least H seconds
(:attr:`bench.turns.DetectorSpec.answer_hold`, off in every shipped detector), for a
grid of N and H.

Per cell, over every corpus pooled (the unread ones only in the totals, as in ``bench
turns``):

- what the hold buys: self-corrections committed in the pause (premature, issue 27's
  figure) and heard by the caller (the reply's first audio before the caller goes on) at
  the ``budget`` and ``typical`` provider profiles; the worst corpus's correction rate;
- what it costs: the worst corpus's complete-turn p95 at zero provider latency (issue
  27's <= 400 ms, counted as ``bench turns`` counts it), and content TTFA at ``budget``
  of one-word answers and of every targeted turn decided in time: the wait every
  caller pays for the few who correct themselves.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.record import recorded
from bench.turn_corpus import TurnItem
from bench.turn_corpus_independent import load_independent, load_later
from bench.turns import (
    COMPLETE_P95_TARGET_MS,
    INDEPENDENT,
    LATER,
    OURS,
    PREMATURE_TARGET,
    Corpus,
    DetectorSpec,
    Outcome,
    detectors,
    measure,
    percentile,
    summarize,
)
from config import default_settings
from config.log_setup import configure_logging

__all__ = ["Cell", "cell_figures", "run"]

DEFAULT_JSON = Path("bench/results/turn_tradeoff.json")
WORDS: tuple[int | None, ...] = (3, 6, None)
"""Answers to the agent's question of up to 3 words (a one-word answer, "He's 7."), of up
to 6, and every turn the judge does not call unfinished (``None``), asked or not."""
HOLDS_S: tuple[float, ...] = (0.4, 0.7, 1.0)
"""The self-corrections' pauses in the read corpora run 0.3-1.1 s (p50 0.5, p98 0.8)."""
PROFILES: tuple[str, ...] = ("budget", "typical")
_CORRECTION = "correction"
_ONE_WORD = "one_word"


@dataclass(frozen=True)
class Cell:
    """One what-if: answers of up to ``words`` words (``None``: every turn) held
    ``hold_s`` (0: as shipped)."""

    words: int | None
    hold_s: float

    @property
    def name(self) -> str:
        if self.hold_s <= 0:
            return "ours"
        scope = "every" if self.words is None else f"<={self.words}w"
        return f"ours+hold{self.hold_s:.1f}s:{scope}"


def _cells() -> list[Cell]:
    return [Cell(None, 0.0)] + [Cell(w, h) for w in WORDS for h in HOLDS_S]


def _spec(base: DetectorSpec, cell: Cell) -> DetectorSpec:
    return replace(base, name=cell.name, answer_hold=cell.hold_s, answer_hold_words=cell.words)


def _rate(outcomes: Sequence[Outcome], cls: str, attr: str) -> float:
    of_cls = [o for o in outcomes if o.cls == cls]
    return sum(bool(getattr(o, attr)) for o in of_cls) / len(of_cls) if of_cls else math.nan


def cell_figures(
    by_corpus: dict[str, tuple[Corpus, dict[str, list[Outcome]]]],
) -> dict[str, Any]:
    """One cell's figures from its outcomes per corpus and provider profile (``budget``
    draws the content TTFA; premature and complete-turn decisions do not depend on the
    profile)."""
    budget = [o for _, runs in by_corpus.values() for o in runs["budget"]]
    typical = [o for _, runs in by_corpus.values() for o in runs["typical"]]
    corrections: list[tuple[float, str]] = []
    completes: list[tuple[float, str]] = []
    for name, (corpus, runs) in by_corpus.items():
        outs = runs["budget"]
        corrections.append((_rate(outs, _CORRECTION, "premature"), name))
        (targets,) = (e["targets"] for e in summarize(outs, corpus)["detectors"].values())
        completes.append((targets["complete_p95_ms"], name))
    worst_correction = max((c for c in corrections if not math.isnan(c[0])), default=(math.nan, ""))
    worst_complete = max((c for c in completes if not math.isnan(c[0])), default=(math.nan, ""))
    timed = [c for c in completes if not math.isnan(c[0])]
    targeted = [
        o.content_ms
        for name, (corpus, runs) in by_corpus.items()
        for o in runs["budget"]
        if o.content_ms is not None and o.cls not in corpus.exempt
    ]
    one_word = [o.content_ms for o in budget if o.cls == _ONE_WORD and o.content_ms is not None]
    return {
        "correction_premature_rate": _rate(budget, _CORRECTION, "premature"),
        "correction_premature_worst_rate": worst_correction[0],
        "correction_premature_worst_corpus": worst_correction[1],
        "correction_heard_budget_rate": _rate(budget, _CORRECTION, "talked_over"),
        "correction_heard_typical_rate": _rate(typical, _CORRECTION, "talked_over"),
        "complete_p95_worst_ms": worst_complete[0],
        "complete_p95_worst_corpus": worst_complete[1],
        "one_word_content_budget_p50_ms": percentile(one_word, 50),
        "one_word_content_budget_p95_ms": percentile(one_word, 95),
        "targeted_content_budget_p50_ms": percentile(targeted, 50),
        "targeted_content_budget_p95_ms": percentile(targeted, 95),
        "correction_target_met": worst_correction[0] <= PREMATURE_TARGET,
        "complete_target_met": worst_complete[0] <= COMPLETE_P95_TARGET_MS,
        "complete_target_corpora_met": sum(p95 <= COMPLETE_P95_TARGET_MS for p95, _ in timed),
        "corpora": len(timed),
    }


def _corpora(which: str) -> list[tuple[Corpus, Sequence[TurnItem] | None]]:
    corpora: list[tuple[Corpus, Sequence[TurnItem] | None]] = []
    if which in ("all", "ours"):
        corpora.append((OURS, None))
    if which in ("all", "independent"):
        corpora.append((INDEPENDENT, load_independent()))
    corpora += [
        (corpus, load_later(name)) for name, corpus in LATER.items() if which in ("all", name)
    ]
    return corpora


def render_table(rows: Sequence[tuple[Cell, dict[str, Any]]]) -> str:
    header = (
        f"{'held answers':<22} {'corr prem':>9} {'worst':>6} {'heard b':>7} {'heard t':>7} "
        f"{'cmpl ok':>8} {'worst':>5} {'1-word b50':>10} {'all b50':>7} {'all b95':>7}"
    )
    lines = [header, "-" * len(header)]
    for cell, f in rows:
        if cell.hold_s <= 0:
            held = "none (as shipped)"
        elif cell.words is None:
            held = f"every turn, {cell.hold_s:.1f} s"
        else:
            held = f"<= {cell.words} words, {cell.hold_s:.1f} s"
        lines.append(
            f"{held:<22} {f['correction_premature_rate']:>9.1%} "
            f"{f['correction_premature_worst_rate']:>6.1%} "
            f"{f['correction_heard_budget_rate']:>7.1%} {f['correction_heard_typical_rate']:>7.1%} "
            f"{f['complete_target_corpora_met']:>4}/{f['corpora']:<3} "
            f"{f['complete_p95_worst_ms']:>5.0f} "
            f"{f['one_word_content_budget_p50_ms']:>7.0f} ms "
            f"{f['targeted_content_budget_p50_ms']:>7.0f} "
            f"{f['targeted_content_budget_p95_ms']:>7.0f}"
        )
    lines.append(
        "corr prem: self-corrections committed in the pause, pooled (worst: the worst corpus); "
        "heard b/t: heard at budget/typical; cmpl ok: corpora whose complete turns are decided "
        "at p95 <= 400 ms at zero latency (worst: the worst corpus's p95); "
        "1-word b50, all b50/b95: content TTFA at budget of one-word answers and of every "
        "targeted turn decided in time"
    )
    return "\n".join(lines)


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench turn-tradeoff")
    parser.add_argument("--per-class", type=int, default=100, help="items per class (ours)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--corpus",
        choices=("all", "ours", "independent", *LATER),
        default="all",
        help="every corpus pooled (the default), or one",
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    args = parser.parse_args(argv)
    configure_logging(level="ERROR", fmt="console", own_handler=True)
    settings = default_settings()
    (ours,) = (s for s in detectors(settings) if s.name == "ours")
    cells = _cells()
    started = time.monotonic()
    by_cell: dict[str, dict[str, tuple[Corpus, dict[str, list[Outcome]]]]] = {
        cell.name: {} for cell in cells
    }
    for corpus, items in _corpora(args.corpus):
        for cell in cells:
            runs: dict[str, list[Outcome]] = {}
            for profile in PROFILES:
                # One cell a run: each draws the same provider latencies as bench turns.
                runs[profile] = measure(
                    args.per_class,
                    seed=args.seed,
                    stt_profile="zero",
                    with_audio=False,
                    settings=settings,
                    items=items,
                    providers=profile,
                    specs=[_spec(ours, cell)],
                )
            by_cell[cell.name][corpus.name] = (corpus, runs)
    rows = [(cell, cell_figures(by_cell[cell.name])) for cell in cells]
    print(render_table(rows))
    print(f"({time.monotonic() - started:.1f}s)")
    summary = {
        "cells": [
            {"words": cell.words, "hold_s": cell.hold_s, "detector": cell.name, **figures}
            for cell, figures in rows
        ],
        "recorded": recorded("turn-tradeoff", argv),
        "config": {
            "per_class": args.per_class,
            "seed": args.seed,
            "corpus": args.corpus,
            "stt_profile": "zero",
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    print(f"wrote {args.json}")
    return 0
