"""Our Prometheus collectors, served by the framework's own `/metrics` server.

livekit-agents runs the HTTP server in the worker's main process
(``AgentServer(prometheus_port=..., prometheus_multiproc_dir=...)``) while calls run in
job processes, so every value goes through prometheus-client's multiprocess mode: each
process writes its samples to files in one directory and the main process merges them
per scrape. Counters and histograms sum across processes; the active-calls gauge uses
``livesum`` so it adds up the processes that still run.

Labels are bounded sets (caller kind, configured tenants, outcome, component, provider,
error class, PII kind); never a call id, a number or any text of a call.

The main process serves ``/metrics`` itself (`worker.telemetry.ops_http`), not through the
framework's server: each scrape first folds dead job processes into archive files
(`worker.telemetry.metrics_store`), which must not race a scrape.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import prometheus_client
from prometheus_client import Counter, Gauge, Histogram

from config import Settings
from worker.telemetry.ledger import call_ledger

__all__ = [
    "LATENCY_BUCKETS",
    "METRIC_NAMES",
    "CallCount",
    "Collectors",
    "collectors",
    "metrics_server_options",
    "multiprocess_registry",
]

# Seconds. Dense under 1.5 s, where time-to-first-audio budgets live.
LATENCY_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)

_TURN = ("caller_kind", "tenant")


@dataclass(frozen=True)
class Collectors:
    ttfa_content: Histogram
    first_sound: Histogram
    end_of_turn_delay: Histogram
    llm_ttft: Histogram
    tts_ttfb: Histogram
    transcription_delay: Histogram
    calls: Counter
    fallbacks: Counter
    provider_errors: Counter
    interruptions: Counter
    pii_redactions: Counter
    recovery_lines: Counter
    fillers: Counter
    budget_exceeded: Counter
    handoffs: Counter
    handoff_webhook_deliveries: Counter
    active_calls: Gauge
    worker_registered: Gauge


def _build() -> Collectors:
    def histogram(name: str, doc: str) -> Histogram:
        return Histogram(name, doc, _TURN, buckets=LATENCY_BUCKETS)

    return Collectors(
        ttfa_content=histogram(
            "callcenter_ttfa_content_seconds",
            "Content TTFA: the caller's last voiced frame to the first audio of the model's "
            "words for the turn (a filler, bridge line, repeat request or apology does not "
            "count; worker/telemetry/answer_timing.py).",
        ),
        first_sound=histogram(
            "callcenter_ttfa_seconds",
            "First-sound TTFA: caller stopped speaking to the agent's first audio of any "
            "kind, a filler included (the framework's e2e_latency).",
        ),
        end_of_turn_delay=histogram(
            "callcenter_end_of_turn_delay_seconds",
            "Caller stopped speaking to the end of turn being decided.",
        ),
        llm_ttft=histogram("callcenter_llm_ttft_seconds", "LLM node time to first token."),
        tts_ttfb=histogram("callcenter_tts_ttfb_seconds", "TTS node time to first byte."),
        transcription_delay=histogram(
            "callcenter_transcription_delay_seconds",
            "Caller stopped speaking to the final transcript.",
        ),
        calls=Counter("callcenter_calls", "Finished calls by outcome.", (*_TURN, "outcome")),
        fallbacks=Counter(
            "callcenter_fallbacks",
            "A provider marked unavailable by its fallback adapter.",
            ("component", "provider"),
        ),
        provider_errors=Counter(
            "callcenter_provider_errors",
            "Failed provider requests by class (429, 5xx, 4xx, timeout, disconnect, other).",
            ("component", "provider", "error_class"),
        ),
        interruptions=Counter(
            "callcenter_interruptions", "Agent answers cut off by the caller.", _TURN
        ),
        pii_redactions=Counter(
            "callcenter_pii_redactions", "Values redacted from caller turns, by kind.", ("kind",)
        ),
        recovery_lines=Counter(
            "callcenter_recovery_lines",
            "Lines said instead of an answer (llm_bridge, stt_bridge, repeat_request, apology).",
            ("kind",),
        ),
        fillers=Counter(
            "callcenter_fillers",
            "Turns whose answer a filler preceded, by the filler's kind (acknowledgment, "
            "llm_bridge, stt_bridge, tool_bridge, repeat_request).",
            ("kind",),
        ),
        budget_exceeded=Counter(
            "callcenter_budget_exceeded",
            "Turns over their latency budget, by component.",
            ("component",),
        ),
        handoffs=Counter(
            "callcenter_handoffs",
            "Transfers to a person by reason code and outcome (transferred, fallback, "
            "busy, closed, continued, failed, callback).",
            ("reason", "outcome"),
        ),
        handoff_webhook_deliveries=Counter(
            "callcenter_handoff_webhook_deliveries",
            "Hand-off webhook deliveries by outcome (delivered, rejected, failed), and "
            "each retry as outcome=retried.",
            ("outcome",),
        ),
        active_calls=Gauge(
            "callcenter_active_calls",
            "Calls in progress.",
            ("caller_kind",),
            multiprocess_mode="livesum",
        ),
        # Set by the main process at each scrape (worker.telemetry.readiness): 0 while the worker
        # is up but not registered; absent when no worker runs at all.
        worker_registered=Gauge(
            "callcenter_worker_registered",
            "1 while the worker is registered with LiveKit, else 0.",
            multiprocess_mode="livemax",
        ),
    )


METRIC_NAMES = frozenset(
    {
        "callcenter_ttfa_content_seconds",
        "callcenter_ttfa_seconds",
        "callcenter_end_of_turn_delay_seconds",
        "callcenter_llm_ttft_seconds",
        "callcenter_tts_ttfb_seconds",
        "callcenter_transcription_delay_seconds",
        "callcenter_calls_total",
        "callcenter_fallbacks_total",
        "callcenter_provider_errors_total",
        "callcenter_interruptions_total",
        "callcenter_pii_redactions_total",
        "callcenter_recovery_lines_total",
        "callcenter_fillers_total",
        "callcenter_budget_exceeded_total",
        "callcenter_handoffs_total",
        "callcenter_handoff_webhook_deliveries_total",
        "callcenter_active_calls",
        "callcenter_worker_registered",
        # The framework's own, on the same endpoint (livekit.agents.telemetry.metrics).
        "lk_agents_worker_load",
        "lk_agents_active_job_count",
        "lk_agents_child_process_count",
        "lk_agents_proc_initialize_duration_seconds",
    }
)
"""Every series family the worker's /metrics serves (as queried: counters with _total)."""

_lock = threading.Lock()
_collectors: Collectors | None = None


def collectors() -> Collectors:
    """The process's collectors, created on first use.

    Lazily: the framework empties the multiprocess directory when the worker starts, so
    nothing may write there before that.
    """
    global _collectors
    with _lock:
        if _collectors is None:
            _collectors = _build()
        return _collectors


def multiprocess_registry() -> prometheus_client.CollectorRegistry:
    """A registry that reads every process's samples, as the framework's /metrics does."""
    from prometheus_client import multiprocess

    registry = prometheus_client.CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def metrics_server_options(settings: Settings) -> dict[str, Any]:
    """`AgentServer` keyword arguments for metrics; none when the port is 0.

    Only the directory: the framework then empties it when the worker starts and
    reports its child-process count there. ``/metrics`` itself is ours
    (`worker.telemetry.ops_http`), because a scrape must not race the compaction of dead
    processes' files. Pure: the process entry puts the process in multiprocess mode
    first (`config.metrics_env`)."""
    if settings.observability.metrics_port == 0:
        return {}
    return {"prometheus_multiproc_dir": str(settings.observability.metrics_multiproc_dir)}


class CallCount:
    """One call in the fleet's counts: in ``callcenter_active_calls`` while it runs, in
    ``callcenter_calls_total`` once it ends, and in the process's call ledger between,
    so that a process dying mid-call still gets its call counted (as crashed).

    Args:
        labels: ``caller_kind`` and ``tenant`` (bounded values).
        identity: what the main process logs if the call dies with its process
            (call_id, room, job_id).
    """

    def __init__(self, labels: Mapping[str, str], identity: Mapping[str, str]) -> None:
        self._labels = dict(labels)
        self._collectors = collectors()
        self._collectors.active_calls.labels(caller_kind=self._labels["caller_kind"]).inc()
        ledger = call_ledger()
        self._ledger_key = ledger.started({**identity, **self._labels}) if ledger else None
        self.outcome: str | None = None

    def finish(self, outcome: str) -> None:
        """Count the call once under ``outcome``; later calls do nothing."""
        if self.outcome is not None:
            return
        self.outcome = outcome
        c = self._collectors
        # Counted before the ledger lets go: a death in between counts the call twice
        # (also as crashed), never not at all.
        c.calls.labels(**self._labels, outcome=outcome).inc()
        ledger = call_ledger()
        if ledger is not None and self._ledger_key is not None:
            ledger.ended(self._ledger_key)
        c.active_calls.labels(caller_kind=self._labels["caller_kind"]).dec()
