"""``python -m bench turn-tradeoff``: the what-if hold on answers, and its table and JSON
(figures are reported by the benchmark, never asserted here)."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from bench.turn_corpus import Part, TurnItem
from bench.turn_tradeoff import run
from bench.turns import STT_PROFILES, DetectorSpec, detectors, evaluate, timeline
from config import default_settings

pytestmark = pytest.mark.bench

_CORRECTED = TurnItem(
    "corr",
    "correction",
    "How old is he?",
    (Part("he's seven", "He's 7.", 0.45), Part("no eight", "No. 8.")),
)
_SAID = TurnItem(
    "said",
    "complete",
    "",
    (Part("i want to update my phone number", "I want to update my phone number."),),
)


def _spec(hold: float = 0.0, words: int | None = None) -> DetectorSpec:
    # The shipped judge's own settings, as bench turn-tradeoff starts from them.
    (ours,) = (d for d in detectors(default_settings()) if d.name == "ours")
    return replace(ours, answer_hold=hold, answer_hold_words=words)


def _decide(item: TurnItem, spec: DetectorSpec) -> tuple[bool, float, str]:
    line = timeline(item, [0.6] * len(item.parts), STT_PROFILES["zero"], random.Random(0))
    (outcome,) = evaluate([item], [spec], [line], None)
    return outcome.premature, outcome.decision_ms, outcome.reason


def test_the_shipped_judge_answers_a_correction_in_its_pause() -> None:
    premature, _, reason = _decide(_CORRECTED, _spec())
    assert premature
    assert "answer_hold" not in reason


def test_an_answer_held_past_the_pause_waits_for_the_correction() -> None:
    premature, decision_ms, _ = _decide(_CORRECTED, _spec(hold=0.7, words=3))
    assert not premature
    assert decision_ms > 0


def test_the_hold_is_on_answers_to_a_question_unless_it_is_on_every_turn() -> None:
    _, shipped_ms, _ = _decide(_SAID, _spec())
    _, asked_only_ms, reason = _decide(_SAID, _spec(hold=0.7, words=10))
    assert asked_only_ms == shipped_ms
    assert "answer_hold" not in reason
    _, every_ms, reason = _decide(_SAID, _spec(hold=0.7, words=None))
    assert reason.endswith("+answer_hold")
    assert every_ms > shipped_ms + 500


def test_bench_turn_tradeoff_writes_the_table_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tradeoff.json"
    assert run(["--corpus", "ours", "--per-class", "3", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "none (as shipped)" in table and "every turn, 1.0 s" in table
    summary = json.loads(out.read_text())
    cells = summary["cells"]
    assert [c["hold_s"] for c in cells][:1] == [0.0]
    assert len(cells) == 10
    for cell in cells:
        assert {
            "correction_premature_rate",
            "correction_heard_budget_rate",
            "correction_heard_typical_rate",
            "complete_p95_worst_ms",
            "one_word_content_budget_p50_ms",
            "targeted_content_budget_p50_ms",
            "correction_target_met",
            "complete_target_met",
            "complete_target_corpora_met",
        } <= set(cell)
    assert summary["recorded"]["command"].startswith("uv run python -m bench turn-tradeoff")
