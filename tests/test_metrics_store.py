"""The worker's multiprocess metrics directory stays bounded and true after many calls:
1 000 short-lived writer processes (forked, counted by the worker's own `CallCount`, a
tenth killed mid-call) folded in by `MetricsStore` as the main process does.

Scrape time is a benchmark figure (`python -m bench scrape`), not asserted here: what is
asserted is what it follows from, the number of files, and that no count is lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bench.scrape import WriterRun, run_in_fresh_process

pytestmark = pytest.mark.unit

CALLS = 1000
CRASH_EVERY = 10


def _value(run: WriterRun, name: str, **labels: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(run.exposition)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


@pytest.fixture(scope="module")
def compacted(tmp_path_factory: pytest.TempPathFactory) -> WriterRun:
    directory = tmp_path_factory.mktemp("prom")
    return run_in_fresh_process(directory, CALLS, True, CRASH_EVERY, [1, CALLS])


def test_the_directory_stays_bounded(compacted: WriterRun) -> None:
    # Folded in every 100 calls: at most the last 100 processes' files (5 each) wait.
    assert compacted.max_files <= 100 * 5 + 10
    # At the end: the archives (counter, histogram) and the writer's own ledger-less
    # process files, whatever the number of calls served.
    assert compacted.files_after <= 4


def test_no_count_is_lost_or_doubled(compacted: WriterRun) -> None:
    crashed = CALLS // CRASH_EVERY
    assert _value(compacted, "callcenter_calls_total", outcome="completed") == CALLS - crashed
    assert _value(compacted, "callcenter_calls_total", outcome="crashed") == crashed
    assert _value(compacted, "callcenter_active_calls") == 0
    assert _value(compacted, "callcenter_ttfa_seconds_count") == CALLS
    assert _value(compacted, "callcenter_ttfa_seconds_bucket", le="0.3") == CALLS
    assert _value(compacted, "callcenter_ttfa_seconds_bucket", le="0.2") == 0
    # Each killed call is reported once, by its call_id.
    expected = {f"call-{i}" for i in range(CRASH_EVERY, CALLS + 1, CRASH_EVERY)}
    assert sorted(compacted.crashed_call_ids) == sorted(expected)


def test_without_compaction_the_directory_grows_with_the_calls(tmp_path: Path) -> None:
    # What the framework's server left: every dead process's files, read on every scrape;
    # and a killed call stays in callcenter_active_calls.
    plain = run_in_fresh_process(tmp_path, 100, False, CRASH_EVERY, [100])
    assert plain.files_after >= 100 * 3
    assert _value(plain, "callcenter_active_calls") == 100 // CRASH_EVERY
