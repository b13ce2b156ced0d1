"""``python -m bench security``: the independent attack corpus against a source tree.

Runs the cases in ``tests/security/corpus/`` (written black-box by another engineer; see
its README) against this checkout, or any other with ``--source`` (the main branch, for a
before/after): the token endpoint's hostile requests, its start-up cases and slow-client
floods, and the hostile tenants files under every command that reads them. Prints, per
part, how many cases passed, how many broke a "must" and a "should", and for the tenants
files the time each command took over its baseline and its peak memory; writes it all
as JSON.

    uv run python -m bench security [--parts tokens,startup,slow,tenants] [--source DIR]
        [--max-repeat N] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.record import recorded
from bench.security_procs import ROOT
from bench.security_slow import run_slow_clients, run_startup_cases
from bench.security_tenants import (
    Baseline,
    TenantsResult,
    baseline,
    iterate,
    load_cases,
    make_big_files,
    run_case,
)
from bench.security_tokens import CaseResult, run_token_cases

__all__ = ["run", "run_tenants"]

_PARTS = ("tokens", "startup", "slow", "tenants")
# A case over its time bound is run again (up to this many times in all) and its best
# run kept: on a shared machine one run can lose a second to someone else's work.
_TIMING_TRIES = 3


def run_tenants(
    *, source: Path = ROOT, commands: Sequence[str] | None = None, time_scale: float = 1.0
) -> tuple[list[TenantsResult], dict[str, Baseline]]:
    """Every tenants case under every command (or ``commands``), judged as the corpus
    says; returns the results and each command's baseline."""
    cases = load_cases()
    chosen = list(commands or cases[0].defaults["commands"])
    bases = {command: baseline(cases[0].defaults, command, source=source) for command in chosen}
    results: list[TenantsResult] = []
    with tempfile.TemporaryDirectory(prefix="tenants-big-") as big:
        make_big_files(Path(big))
        for case, command in iterate(cases):
            if command not in chosen:
                continue
            for _ in range(_TIMING_TRIES):
                result = run_case(
                    case,
                    command,
                    base=bases[command],
                    source=source,
                    big=Path(big),
                    is_root=os.geteuid() == 0,
                    time_scale=time_scale,
                )
                # Only a run that finished but slowly is worth another try.
                timing_only = result.failures and all(
                    "over the baseline" in f for f in result.failures
                )
                if not timing_only:
                    break
            results.append(result)
    return results, bases


def _summary(name: str, results: Sequence[CaseResult | TenantsResult]) -> dict[str, Any]:
    ran = [r for r in results if r.skipped is None]
    must = [r for r in ran if r.failures and r.severity == "must"]
    should = [r for r in ran if (r.failures and r.severity != "must") or r.warnings]
    return {
        "part": name,
        "cases": len(results),
        "passed": sum(1 for r in ran if r.passed),
        "failed_must": len(must),
        "failed_or_warned_should": len(should),
        "skipped": len(results) - len(ran),
    }


def _case_id(result: CaseResult | TenantsResult) -> str:
    if isinstance(result, TenantsResult):
        return f"{result.case} [{result.command}]"
    return result.id


def _tenant_figures(
    results: list[TenantsResult], bases: dict[str, Baseline]
) -> list[dict[str, Any]]:
    figures = []
    for command, base in bases.items():
        refused = [r for r in results if r.command == command and r.exit == 2]
        over = [r.over_baseline_s for r in refused]
        figures.append(
            {
                "command": command,
                "baseline_s": round(base.wall_s, 2),
                "baseline_rss_mb": round(base.rss_mb),
                "refused_files": len(refused),
                "over_baseline_p50_s": round(statistics.median(over), 2) if over else None,
                "over_baseline_max_s": round(max(over), 2) if over else None,
                "rss_max_mb": round(max(r.rss_mb for r in refused)) if refused else None,
            }
        )
    return figures


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench security", description=__doc__)
    parser.add_argument("--parts", default=",".join(_PARTS), help="comma-separated parts")
    parser.add_argument("--source", type=Path, default=ROOT, help="the source tree to attack")
    parser.add_argument(
        "--max-repeat",
        type=int,
        default=None,
        help="skip request cases repeated more often (the 200 000-request one takes minutes)",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    source = args.source.resolve()
    report: dict[str, Any] = {
        "recorded": recorded("security", argv),
        "source": str(source),
        "parts": [],
    }
    failing: list[str] = []
    for part in parts:
        results: Sequence[CaseResult | TenantsResult]
        if part == "tokens":
            results = asyncio.run(run_token_cases(source=source, max_repeat=args.max_repeat))
        elif part == "startup":
            results = asyncio.run(run_startup_cases(source=source))
        elif part == "slow":
            results = asyncio.run(run_slow_clients(source=source))
        elif part == "tenants":
            tenant_results, bases = run_tenants(source=source)
            results = tenant_results
            report["tenant_figures"] = _tenant_figures(tenant_results, bases)
        else:
            parser.error(f"unknown part {part!r}; choose from {', '.join(_PARTS)}")
        summary = _summary(part, results)
        report["parts"].append({**summary, "results": [asdict(r) for r in results]})
        failing += [
            f"{part}: {_case_id(r)}: {'; '.join(r.failures)}"
            for r in results
            if r.failures and r.severity == "must"
        ]
    print(f"source: {source}")
    print(
        f"{'part':<10} {'cases':>6} {'passed':>7} {'must failed':>12} {'should':>7} {'skipped':>8}"
    )
    for part in report["parts"]:
        print(
            f"{part['part']:<10} {part['cases']:>6} {part['passed']:>7} "
            f"{part['failed_must']:>12} {part['failed_or_warned_should']:>7} {part['skipped']:>8}"
        )
    for figure in report.get("tenant_figures", []):
        print(
            f"tenants {figure['command']:<14} baseline {figure['baseline_s']} s "
            f"{figure['baseline_rss_mb']} MB; {figure['refused_files']} refused: over the "
            f"baseline p50 {figure['over_baseline_p50_s']} s, max "
            f"{figure['over_baseline_max_s']} s; peak RSS max {figure['rss_max_mb']} MB"
        )
    for part in report["parts"]:
        for result in part["results"]:
            if result.get("figures"):
                shown = ", ".join(f"{k} {v:g}" for k, v in result["figures"].items())
                print(f"{part['part']} {result['id']}: {shown}")
    for line in failing:
        print(f"  must failed: {line}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0
