"""The PII benchmark over the corpus meets its accuracy targets (timing is reported only)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.pii import DEFAULT_CORPUS, TARGETS, evaluate, leaked, load_corpus, run

pytestmark = pytest.mark.unit


def test_corpus_has_the_required_shape() -> None:
    cases = load_corpus(DEFAULT_CORPUS)

    assert len(cases) >= 150
    assert len({c.id for c in cases}) == len(cases)
    assert sum(c.kind == "none" for c in cases) >= 60
    assert sum(len(c.turns) > 1 for c in cases) >= 10
    kinds = {c.kind for c in cases}
    assert {"card", "ssn", "phone", "email", "dob", "address", "account", "routing"} <= kinds
    classes = {c.cls for c in cases}
    assert {
        "agent-context", "multi-entity", "cvv", "expiry", "pin", "passport", "license",
        "member-id", "alnum-id", "intl-address", "ssn-nocue", "long-spoken", "long-nonpii",
        "dictation-split", "corrections", "name",
    } <= classes  # fmt: skip
    assert any(c.agent for c in cases)
    for case in cases:
        assert case.secrets or case.keep, case.id


def test_recall_and_keep_meet_targets() -> None:
    report = evaluate(DEFAULT_CORPUS, repeat=1)

    assert report.recall >= TARGETS["recall"], report.leaked_cases
    assert report.keep_rate >= TARGETS["keep"], report.dropped_cases
    for kind, stats in report.per_type.items():
        assert stats.recall >= 0.95, kind
    for cls, stats in report.per_class.items():
        assert stats.recall >= 0.95, cls
        assert stats.keep_rate >= 0.95, cls
    # Names are scored only when the optional detector is on.
    assert "name" not in report.per_class
    named = evaluate(DEFAULT_CORPUS, repeat=1, names=True)
    assert named.per_class["name"].secrets >= 3


def test_leak_check_sees_written_spoken_and_grouped_digits() -> None:
    assert leaked("4111111111111111", "card 4111-1111, 1111 1111")
    assert leaked("4111111111111111", "card four one one one 1111 one one one one 1111")
    assert leaked("4155551212", "it's four one five, five five five, one two one two")
    assert leaked("john.smith@gmail.com", "john dot smith at gmail dot com")
    assert not leaked("4111111111111111", "card [CARD_1] and 1111")
    assert not leaked("123 Main Street", "I live at [ADDRESS_1]")


def test_run_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pii.json"

    status = run(["--json", str(out), "--repeat", "1", "--no-scaling"])

    assert status == 0
    data = json.loads(out.read_text())
    assert data["cases"] >= 150
    assert set(data["latency_us"]) == {"p50", "p99", "max"}
    assert data["recall"] >= TARGETS["recall"]
    assert data["per_class"]["agent-context"]["recall"] >= 0.95
    assert data["scaling"] == []
    assert "recall" in capsys.readouterr().out
