"""``python -m bench docs`` redraws only its own regions, from the JSON the benchmarks wrote."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from support import ROOT

from bench.doc_tables import TABLES
from bench.docs import DEFAULT_RESULTS, default_files, generate, render, run

pytestmark = pytest.mark.unit

# The shape `python -m bench capacity` writes (bench/capacity.py), cut to one level.
CAPACITY: dict[str, Any] = {
    "recorded": {
        "command": "uv run python -m bench capacity --levels 1",
        "date": "2026-01-02T03:04:05+00:00",
        "machine": "Linux x86_64, 2 CPUs, Python 3.11.9",
    },
    "latency_profile": "budget",
    "arrival": "steady",
    "levels": [
        {
            "calls": 1,
            "measured_calls": 1,
            "ttfa_p50_ms": 513.4,
            "ttfa_p95_ms": 987.0,
            "turns": 7,
            "unanswered": 0,
            "premature": 0,
            "loop_lag_p99_ms": 2.2,
            "cpu_s_per_call": 3.1,
            "cpu_cores_per_call": 0.08,
            "rss_mb_per_call": 395.2,
            "vad_thread_cpu_share": 0.1,
            "worker_load_max": 0.12,
            "host_cpu_busy": 0.1,
            "failed_jobs": 0,
        }
    ],
    "verdict": {"max_calls": 1, "limited_by": None, "cores": 2, "calls_per_core": 0.5},
    "profile": [],
    "criteria": {"ttfa_p95_degradation": 1.15, "loop_lag_p99_ms": 40.0},
}

# The shape `python -m bench scrape` writes (bench/scrape.py): a list, no `recorded`.
SCRAPE: list[dict[str, Any]] = [
    {
        "calls": 10,
        "compacted": False,
        "crashed_call_ids": [],
        "max_files": 12,
        "files_after": 11,
        "scrape_ms": {"1": 1.25, "10": 4.5},
    }
]

PAGE = """# A page

Prose before, quoting a marker (`<!-- bench:capacity -->`), with a table of its own:

| a | b |
|---|---|
| 1 | 2 |

<!-- bench:capacity -->
an old table
<!-- /bench:capacity -->

Prose between.
<!-- bench:scrape -->
<!-- /bench:scrape -->
Prose after, no newline at the end."""


def _results(tmp_path: Path, **files: Any) -> Path:
    results = tmp_path / "results"
    results.mkdir()
    for name, data in files.items():
        (results / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    return results


def _page(tmp_path: Path, text: str = PAGE) -> Path:
    page = tmp_path / "page.md"
    page.write_bytes(text.encode())
    return page


def _between(text: str, name: str) -> str:
    return text.split(f"\n<!-- bench:{name} -->", 1)[1].split(f"<!-- /bench:{name} -->", 1)[0][1:]


def _outside(text: str) -> str:
    """The file with every region's body cut out, its markers kept."""
    pattern = r"^(<!-- bench:([\w-]+) -->)$.*?^(<!-- /bench:\2 -->)$"
    return re.sub(pattern, r"\1\3", text, flags=re.S | re.M)


def test_a_region_is_redrawn_from_its_json_and_nothing_else_changes(tmp_path: Path) -> None:
    results = _results(tmp_path, capacity=CAPACITY, scrape=SCRAPE)
    page = _page(tmp_path)

    assert run([str(page), "--results", str(results)]) == 0

    text = page.read_text(encoding="utf-8")
    capacity = _between(text, "capacity")
    assert "an old table" not in capacity
    assert "| 1 | 1 | 513 | 987 | 2 ms | 0.08 core | 395 MB | 0.12 | 10 % | 0 |" in capacity
    assert "**1 calls on 2 cores**" in capacity
    # The table says what produced it, when and where.
    assert "`uv run python -m bench capacity --levels 1`" in capacity
    assert "2026-01-02T03:04:05+00:00; Linux x86_64, 2 CPUs" in capacity
    scrape = _between(text, "scrape")
    assert "| plain | 1.2 ms | 4.5 ms | 11 |" in scrape
    assert "`uv run python -m bench scrape --json bench/results/scrape.json`" in scrape
    # Every byte outside the regions' bodies is the same.
    assert _outside(text) == _outside(PAGE)
    assert text.startswith(PAGE.split("\n<!-- bench:capacity -->")[0])
    assert text.endswith("<!-- /bench:scrape -->\nProse after, no newline at the end.")


def test_a_missing_json_leaves_its_region_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = _results(tmp_path, scrape=SCRAPE)  # no capacity.json
    page = _page(tmp_path)

    assert run([str(page), "--results", str(results)]) == 0

    text = page.read_text(encoding="utf-8")
    assert _between(text, "capacity") == "an old table\n"
    assert "| plain |" in _between(text, "scrape")
    err = capsys.readouterr().err
    assert "bench:capacity (capacity.json)" in err
    assert "left as it is" in err


def test_check_fails_on_a_stale_region_and_writes_nothing(tmp_path: Path) -> None:
    results = _results(tmp_path, capacity=CAPACITY, scrape=SCRAPE)
    page = _page(tmp_path)

    assert run([str(page), "--results", str(results), "--check"]) == 1
    assert page.read_bytes() == PAGE.encode()

    assert run([str(page), "--results", str(results)]) == 0
    assert run([str(page), "--results", str(results), "--check"]) == 0

    # A new run of one benchmark makes its region stale again.
    changed = {**CAPACITY, "levels": [{**CAPACITY["levels"][0], "ttfa_p95_ms": 1200.0}]}
    (results / "capacity.json").write_text(json.dumps(changed), encoding="utf-8")
    assert run([str(page), "--results", str(results), "--check"]) == 1


def test_check_passes_when_the_json_is_missing(tmp_path: Path) -> None:
    results = _results(tmp_path)
    page = _page(tmp_path)

    assert run([str(page), "--results", str(results), "--check"]) == 0
    assert page.read_bytes() == PAGE.encode()


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("<!-- bench:capacity -->\nno end\n", "no /bench:capacity closes it"),
        ("<!-- bench:nosuch -->\n<!-- /bench:nosuch -->\n", "no table is named 'nosuch'"),
        ("x\n<!-- /bench:scrape -->\n", "closes nothing"),
        ("<!-- bench:capacity -->\n<!-- /bench:scrape -->\n", "no /bench:capacity"),
    ],
)
def test_a_malformed_region_is_refused_and_no_file_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, complaint: str
) -> None:
    results = _results(tmp_path, capacity=CAPACITY, scrape=SCRAPE)
    good = _page(tmp_path)
    bad = tmp_path / "bad.md"
    bad.write_text(text, encoding="utf-8")

    assert run([str(good), str(bad), "--results", str(results)]) == 2

    assert complaint in capsys.readouterr().err
    # The well-formed page is not half-updated either.
    assert good.read_bytes() == PAGE.encode()
    assert bad.read_text(encoding="utf-8") == text


def test_a_json_of_the_wrong_shape_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = _results(tmp_path, capacity={"levels": "oops"}, scrape=SCRAPE)
    page = _page(tmp_path)

    assert run([str(page), "--results", str(results)]) == 2

    assert "capacity.json: not the shape bench:capacity reads" in capsys.readouterr().err
    assert page.read_bytes() == PAGE.encode()


def test_the_committed_docs_are_the_committed_jsons_tables() -> None:
    """CI's check: every region whose JSON is committed shows that JSON's figures."""
    outcome = generate(default_files(ROOT), DEFAULT_RESULTS, check=True)

    assert outcome.changed == [], "run `make docs` and commit the result"


def _latency() -> Any:
    from bench.latency import FlavorStats, summarize

    return summarize({"budget": {"ours": FlavorStats(), "vanilla": FlavorStats()}})


def _latency_ablation() -> Any:
    from bench.latency import ABLATIONS, FlavorStats, summarize_ablation

    label = f"-{ABLATIONS[0][0]}"
    return summarize_ablation({"budget": {"all on": FlavorStats(), label: FlavorStats()}})


def _latency_stt() -> Any:
    from bench.latency_stt import SttStats, summarize_stt

    return summarize_stt({"budget": {"nova fill-on": SttStats(), "flux fill-off": SttStats()}})


def _turns() -> Any:
    return json.loads((DEFAULT_RESULTS / "turns.json").read_text(encoding="utf-8"))


def _turn_tradeoff() -> Any:
    return json.loads((DEFAULT_RESULTS / "turn_tradeoff.json").read_text(encoding="utf-8"))


def _pii() -> Any:
    from bench.pii import CORPORA, evaluate

    spec = CORPORA[0]
    report = evaluate(spec.path, 1, names=False, scaling=False, corpus=spec)
    return {"corpora": {report.label: report.to_json()}}


def _capacity() -> Any:
    from bench.capacity import LevelResult

    level = LevelResult(
        calls=1,
        ttfa_ms=[500.0, 900.0],
        lag_p99_ms=[2.0],
        cpu_s_per_call=[1.0],
        wall_s_per_call=[10.0],
        rss_mb_per_call=[300.0],
        measured_calls=1,
    )
    # The top level as bench/capacity.py's _run returns it.
    return {
        "latency_profile": "budget",
        "arrival": "steady",
        "levels": [level.summary()],
        "verdict": {"max_calls": 1, "limited_by": None, "cores": 2, "calls_per_core": 0.5},
        "profile": [{"category": "asyncio", "share": 0.3}],
    }


def _faults() -> Any:
    from bench.faults import FAULTS, CallVerdict, FaultStats

    verdict = CallVerdict(True, 0.5, {"stt_reconnects": 1}, True, "completed")
    return {
        "calls_per_fault": 1,
        "concurrency": 1,
        "silence_target_s": 3.0,
        "faults": {FAULTS[0].name: FaultStats(FAULTS[0], [verdict]).as_dict()},
    }


def _soak() -> Any:
    from bench.soak import ProcessSample, SoakResult

    samples = [ProcessSample(0.0, 0, 180.0, 22, 3), ProcessSample(60.0, 2, 181.0, 24, 3)]
    return {"minutes": 1.0, "concurrency": 2, **SoakResult(samples=samples, calls=2).summary()}


def _scrape() -> Any:
    from dataclasses import asdict

    from bench.scrape import WriterRun

    return [asdict(WriterRun(calls=10, compacted=True, files_after=2, scrape_ms={1: 1.5}))]


def _security() -> Any:
    from bench.security import _summary

    return {"source": ".", "parts": [{**_summary("tokens", []), "results": []}]}


WRITERS = {
    "latency.json": _latency,
    "latency_ablation.json": _latency_ablation,
    "latency_stt.json": _latency_stt,
    "turns.json": _turns,
    "turn_tradeoff.json": _turn_tradeoff,
    "pii.json": _pii,
    "capacity.json": _capacity,
    "capacity_together.json": _capacity,
    "faults.json": _faults,
    "soak.json": _soak,
    "scrape.json": _scrape,
    "security.json": _security,
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_table_reads_what_its_benchmark_writes(name: str, tmp_path: Path) -> None:
    """Built by the benchmarks' own code and passed through JSON, as `--json` writes it."""
    table = TABLES[name]
    results = tmp_path / "results"
    results.mkdir()
    for source in table.sources:
        data = json.loads(json.dumps(WRITERS[source]()))
        (results / source).write_text(json.dumps(data), encoding="utf-8")

    body = render(table, results, {})

    assert body is not None
    assert body.count("\n|") >= 3, "a header, its rule and at least one row"
