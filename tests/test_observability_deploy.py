"""The Grafana dashboard and the Prometheus alert rules query only what /metrics serves."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY
from support import ROOT

from worker.telemetry.prometheus_metrics import METRIC_NAMES, collectors

pytestmark = pytest.mark.unit

DASHBOARD = ROOT / "deploy" / "grafana" / "callcenter-dashboard.json"
RULES = ROOT / "deploy" / "prometheus" / "callcenter-rules.yaml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "tests" / "callcenter-rules.test.yaml"

# Series the alerts and panels read that the worker's own /metrics does not serve, each
# with where it comes from.
EXTERNAL = {
    # python -m worker tokens serves its own /metrics (the token endpoint's counter).
    "callcenter_token_requests_total": "worker/tokens/http_app.py",
    # The answer's TTFA beside the first sound's (the latency work of issue 29's
    # contract); served by the worker once that histogram is registered.
    "callcenter_ttfa_content_seconds_bucket": "worker/telemetry/prometheus_metrics.py",
    # kube-state-metrics: the worker HPA.
    "kube_horizontalpodautoscaler_status_current_replicas": "kube-state-metrics",
    "kube_horizontalpodautoscaler_spec_max_replicas": "kube-state-metrics",
    # livekit-sip (pkg/stats/monitor.go in livekit/sip): calls_active{dir="in"|"out"}.
    "livekit_sip_calls_active": "livekit-sip",
}

# PromQL words that are not metric names: functions, aggregations, operators, keywords.
_PROMQL_WORDS = frozenset(
    """sum avg max min count rate irate increase histogram_quantile by without on ignoring
    group_left group_right and or unless bool offset topk bottomk label_values abs clamp_min
    clamp_max delta deriv time vector scalar absent""".split()
)
_HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def _families() -> set[str]:
    """Metric names the process registers, as a query names them (counters: _total)."""
    collectors()  # ours are created on first use
    return {
        f"{family.name}_total" if family.type == "counter" else family.name
        for family in REGISTRY.collect()
    }


def _exported() -> set[str]:
    """Every series name /metrics can serve: histograms with their _bucket/_sum/_count."""
    histograms = {f.name for f in REGISTRY.collect() if f.type == "histogram"}
    return _families() | {f"{h}{s}" for h in histograms for s in _HISTOGRAM_SUFFIXES}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # range selectors
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)  # label lists
    expr = re.sub(r"\$\w+", "", expr)  # Grafana variables
    expr = re.sub(r"label_values\(([^,()]+),\s*\w+\)", r"\1", expr)  # Grafana: metric, label
    words = set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", expr))
    return {w for w in words if w not in _PROMQL_WORDS and not re.fullmatch(r"\d+[smhd]", w)}


def _dashboard_exprs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("expr", "definition") and isinstance(value, str):
                yield value
            else:
                yield from _dashboard_exprs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dashboard_exprs(value)


def test_metric_names_list_what_the_collectors_register() -> None:
    ours = {n for n in _families() if n.startswith(("callcenter_", "lk_agents_"))}
    assert ours == METRIC_NAMES


def test_dashboard_queries_only_exported_metrics() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = list(_dashboard_exprs(dashboard))
    assert len(exprs) >= 10
    exported = _exported() | set(EXTERNAL)
    used = set().union(*(metric_names(e) for e in exprs))
    assert used, "no metric found in the dashboard"
    assert {n for n in used if n not in exported} == set()
    # What the issue asks the dashboard to show.
    for needed in (
        "callcenter_ttfa_seconds_bucket",
        "callcenter_llm_ttft_seconds_bucket",
        "callcenter_tts_ttfb_seconds_bucket",
        "callcenter_calls_total",
        "callcenter_fallbacks_total",
        "callcenter_provider_errors_total",
        "callcenter_active_calls",
        "lk_agents_worker_load",
    ):
        assert needed in used, needed
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))


def test_alert_rules_parse_and_cover_ttfa_errors_and_load() -> None:
    document = yaml.safe_load(RULES.read_text())
    rules = [rule for group in document["groups"] for rule in group["rules"]]
    assert all(group["name"] and group["rules"] for group in document["groups"])
    exported = _exported() | set(EXTERNAL)
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", rule["alert"])
        assert re.fullmatch(r"\d+[smh]", rule["for"])
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert rule["annotations"]["summary"]
        names = metric_names(rule["expr"])
        assert names and names <= exported, (rule["alert"], names - exported)
    read = set().union(*(metric_names(r["expr"]) for r in rules))
    assert "callcenter_ttfa_seconds_bucket" in read
    assert "callcenter_calls_total" in read
    assert "lk_agents_worker_load" in read


def test_metric_name_extraction() -> None:
    expr = (
        "histogram_quantile(0.95, sum by (le, caller_kind) "
        '(rate(callcenter_ttfa_seconds_bucket{tenant=~"$tenant"}[$__rate_interval]))) > 1'
    )
    assert metric_names(expr) == {"callcenter_ttfa_seconds_bucket"}
    assert "callcenter_ttfa_seconds_bucket" in _exported()
    assert "callcenter_made_up_total" not in _exported()


def _rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def test_every_alert_has_a_promtool_case_that_fires_and_one_that_stays_quiet() -> None:
    # promtool itself runs the cases in `make deploy-check`; this checks none is missing.
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    fires: set[str] = set()
    quiet: set[str] = set()
    for case in tests:
        for check in case.get("alert_rule_test", []):
            (fires if check["exp_alerts"] else quiet).add(check["alertname"])
            # A case that fires names the labels it fires with.
            assert all(alert.get("exp_labels") for alert in check["exp_alerts"]), check
    alerts = {rule["alert"] for rule in _rules()}
    assert alerts - fires == set(), "alerts no case fires"
    assert alerts - quiet == set(), "alerts no case keeps quiet"


def test_every_alert_has_a_dashboard_panel() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    on_dashboard = set().union(*(metric_names(e) for e in _dashboard_exprs(dashboard)))
    for rule in _rules():
        missing = metric_names(rule["expr"]) - on_dashboard
        assert not missing, (rule["alert"], missing)
