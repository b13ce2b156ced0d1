"""The independent attack corpus (tests/security/corpus/), run as its README says.

The cases were written by another engineer who had NOT read this code (black-box, from
the README, deploy/ and issue 28): hostile requests, start-up settings and slow-client
floods for the token endpoint, and hostile tenants files for every command that reads
one. The harness is bench/security_*.py (``python -m bench security`` prints the counts
and figures); here every "must" case must pass. Timing bounds are ten times the corpus's
own here (a shared, loaded test machine); the benchmark judges by the corpus's.
"""

from __future__ import annotations

import asyncio

import pytest

from bench.security import run_tenants
from bench.security_slow import run_slow_clients, run_startup_cases
from bench.security_tenants import load_cases
from bench.security_tokens import CaseResult, TokenCorpus, run_token_cases

pytestmark = pytest.mark.sim


def _must_failures(results: list[CaseResult]) -> list[str]:
    return [f"{r.id}: {r.failures}" for r in results if r.failures and r.severity == "must"]


def test_hostile_token_requests() -> None:
    # The one request repeated 200 000 times (a "should") takes minutes; the benchmark
    # runs it.
    results = asyncio.run(run_token_cases(max_repeat=1000))
    assert len(results) == len(TokenCorpus.load().cases)
    assert _must_failures(results) == []


def test_hostile_start_up_settings() -> None:
    results = asyncio.run(run_startup_cases())
    assert len(results) == len(TokenCorpus.load().startup)
    assert _must_failures(results) == []


@pytest.mark.parametrize("scenario", [s["id"] for s in TokenCorpus.load().slow_clients])
def test_slow_clients(scenario: str) -> None:
    [result] = asyncio.run(run_slow_clients(only=[scenario]))
    assert _must_failures([result]) == []


@pytest.mark.parametrize("command", sorted(load_cases()[0].defaults["commands"]))
def test_hostile_tenants_files(command: str) -> None:
    results, _ = run_tenants(commands=[command], time_scale=10.0)
    failing = [f"{r.case}: {r.failures}" for r in results if r.failures and r.severity == "must"]
    assert failing == []
