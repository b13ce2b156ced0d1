"""``python -m bench turns`` on a tiny corpus: the timing model, the table and the JSON
(figures are reported by the benchmark, never asserted here)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bench.turn_corpus import CLASSES, build_corpus, stt_text
from bench.turn_corpus_independent import (
    INDEPENDENT_CLASSES,
    LATER_CORPORA,
    UNREAD_CORPORA,
    load_independent,
    load_later,
)
from bench.turns import STT_PROFILES, AnswerModel, DetectorSpec, evaluate, run, timeline
from sim.latency import Delay

pytestmark = pytest.mark.bench


def test_corpus_is_seeded_and_punctuated_at_every_pause() -> None:
    items = build_corpus(per_class=2, seed=3)
    assert [i.id for i in items] == [i.id for i in build_corpus(per_class=2, seed=3)]
    assert {i.cls for i in items} == set(CLASSES)
    for item in items:
        for part in item.parts:
            assert part.heard.endswith((".", "?", "!"))
        assert item.parts[-1].pause_after == 0.0
    assert stt_text("actually, no,") == "Actually, no."


def test_timing_model_commits_in_the_pause_for_vad_and_after_the_last_group_for_ours() -> None:
    item = next(i for i in build_corpus(per_class=4, seed=1) if i.cls == "phone")
    rng = random.Random(0)
    line = timeline(item, [1.0] * len(item.parts), STT_PROFILES["zero"], rng)
    vad = DetectorSpec("vad", vad_silence=0.2, min_delay=0.15, max_delay=1.2)
    ours = DetectorSpec(
        "ours",
        vad_silence=0.2,
        min_delay=0.15,
        max_delay=1.2,
        judge=True,
        dictation_hold=1.6,
        maybe_hold=1.2,
    )
    by_name = {o.detector: o for o in evaluate([item], [vad, ours], [line], None)}
    assert by_name["vad"].premature
    assert not by_name["ours"].premature
    assert by_name["ours"].reason.startswith("dictation_complete")
    assert by_name["ours"].decision_ms == pytest.approx(220.0)


@pytest.mark.parametrize(("answer_s", "heard"), [(0.0, True), (0.5, True), (2.0, False)])
def test_a_premature_turn_is_heard_only_if_its_reply_plays_before_the_caller_goes_on(
    answer_s: float, heard: bool
) -> None:
    # The VAD commits about 0.2 s into the first pause; the caller goes on at 1.0 s. The
    # model's first token and the TTS's first audio take ``answer_s`` between them.
    item = next(i for i in build_corpus(per_class=4, seed=1) if i.cls == "phone")
    line = timeline(item, [1.0] * len(item.parts), STT_PROFILES["zero"], random.Random(0))
    line.starts[1] = line.ends[0] + 1.0
    vad = DetectorSpec("vad", vad_silence=0.2, min_delay=0.15, max_delay=1.2)
    delay = Delay.constant(answer_s / 2)
    reply = AnswerModel(delay, delay, random.Random(0))
    (outcome,) = evaluate([item], [vad], [line], None, cut_answer=reply)
    assert outcome.premature
    assert outcome.talked_over is heard


def test_bench_turns_writes_the_table_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "turns.json"
    assert run(["--per-class", "2", "--no-audio", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "TARGETS" in table
    assert "corpus: ours" in table and "corpus: independent" in table
    assert "corpus: holdout" in table and "corpus: fresh" in table
    summary = json.loads(out.read_text())
    independent = summary["corpora"]["independent"]["detectors"]["ours"]
    assert set(INDEPENDENT_CLASSES) <= set(independent)
    assert independent["complete_noun_end"]["items"] == 52
    assert {"complete_p95_ms", "complete_p95_ok"} <= set(independent["targets"])
    # Content TTFA is the decision itself at zero provider latency.
    complete = summary["corpora"]["ours"]["detectors"]["ours"]["complete"]
    assert complete["content_p50_ms"] == complete["decision_p50_ms"]
    for detector in ("vad", "ours"):
        entry = summary["detectors"][detector]
        for cls in CLASSES:
            assert {"items", "premature_rate", "decision_p50_ms", "decision_p95_ms"} <= set(
                entry[cls]
            )
        assert {"premature_ok", "complete_p50_ok"} <= set(entry["targets"])
    # The turns cut are named for a corpus that has been read, never for an unread one.
    assert summary["corpora"]["independent"]["premature_items"]
    for name in UNREAD_CORPORA:
        unread = summary["corpora"][name]
        assert sum(c["premature"] for c in unread["detectors"]["ours"].values() if "premature" in c)
        assert unread["premature_items"] == []


def test_the_independent_corpus_loads_as_its_author_wrote_it() -> None:
    items = load_independent()
    assert len(items) == 472
    assert {i.cls for i in items} == set(INDEPENDENT_CLASSES)
    assert len({i.id for i in items}) == len(items)
    for item in items:
        assert item.parts[-1].pause_after == 0.0
        assert all(p.pause_after > 0 for p in item.parts[:-1])
    first = items[0]
    assert first.parts[0].heard == "My account is under my wife's name, actually."


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("holdout", 269),
        ("fresh", 265),
        ("unseen", 265),
        ("blind", 265),
        ("sealed", 265),
        ("vault", 265),
        ("ledger", 265),
        ("quarry", 265),
        ("tally", 265),
        ("stack", 265),
        ("pylon", 265),
        ("beacon", 265),
        ("lantern", 265),
        ("meridian", 265),
        ("orchard", 265),
        ("quill", 265),
        ("ridge", 265),
        ("thistle", 265),
        ("willow", 265),
        ("yarrow", 265),
        ("zinnia", 265),
        ("aspen", 265),
        ("birch", 265),
        ("cedar", 265),
        ("dogwood", 265),
        ("elm", 265),
        ("fir", 265),
        ("gum", 265),
        ("hazel", 265),
        ("ivy", 265),
        ("juniper", 265),
        ("kauri", 265),
        ("larch", 265),
        ("maple", 265),
        ("oak", 265),
        ("pine", 265),
        ("rowan", 265),
        ("spruce", 265),
        ("tamarack", 265),
        ("walnut", 265),
        ("yew", 265),
        ("hawthorn", 265),
        ("linden", 265),
        ("mulberry", 265),
        ("nutmeg", 265),
        ("olive", 265),
        ("pecan", 265),
        ("quince", 265),
        ("rosewood", 265),
        ("saffron", 265),
        ("tupelo", 265),
        ("viburnum", 265),
        ("wisteria", 265),
        ("xylosma", 265),
        ("zelkova", 265),
        ("acacia", 265),
        ("baobab", 265),
    ],
)
def test_the_later_corpora_load_as_their_authors_wrote_them(name: str, count: int) -> None:
    items = load_later(name)
    assert len(items) == count
    assert {i.cls for i in items} == set(INDEPENDENT_CLASSES)
    assert len({i.id for i in items}) == len(items)
    for item in items:
        assert item.parts[-1].pause_after == 0.0
        assert all(p.pause_after > 0 for p in item.parts[:-1])


def test_every_later_corpus_has_its_authors_readme_and_no_other_is_loaded() -> None:
    root = Path(__file__).parent.parent / "bench"
    for name in LATER_CORPORA:
        assert (root / f"turn_corpus_{name}" / "README.md").is_file()
    with pytest.raises(KeyError):
        load_later("independent")


def test_bench_turns_reports_each_corpus_apart(tmp_path: Path) -> None:
    out = tmp_path / "turns.json"
    assert run(["--no-audio", "--corpus", "fresh", "--json", str(out)]) == 0
    corpora = json.loads(out.read_text())["corpora"]
    assert set(corpora) == {"fresh"}
    ours = corpora["fresh"]["detectors"]["ours"]
    assert sum(ours[c]["items"] for c in INDEPENDENT_CLASSES) == len(load_later("fresh"))
