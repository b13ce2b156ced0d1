"""Observability pieces on their own: error classes, outcomes, cost, budgets, the log
PII-field filter and formats, and when tracing is on."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog
from livekit.agents import APIConnectionError, APIStatusError, APITimeoutError
from livekit.agents.metrics.usage import LLMModelUsage, STTModelUsage, TTSModelUsage
from livekit.agents.voice.events import CloseReason

from config import Settings, load_settings
from config.log_setup import PIIFieldFilter, configure_logging
from config.settings import ModelPrice
from worker.call.outcome import CallOutcome
from worker.telemetry.budgets import Budgets, percentile
from worker.telemetry.observability import error_class, outcome_from_close
from worker.telemetry.summary import estimate_cost
from worker.telemetry.tracing import otlp_exporter

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (APIStatusError("slow down", status_code=429), "429"),
        (APIStatusError("boom", status_code=503), "5xx"),
        (APIStatusError("bad", status_code=400), "4xx"),
        (APITimeoutError(), "timeout"),
        (APIConnectionError(), "disconnect"),
        (ValueError("x"), "other"),
    ],
)
def test_error_class(error: Exception, expected: str) -> None:
    assert error_class(error) == expected


def test_outcome_from_close_reason() -> None:
    assert outcome_from_close(CloseReason.PARTICIPANT_DISCONNECTED) is CallOutcome.CALLER_HUNG_UP
    assert outcome_from_close(CloseReason.ERROR) is CallOutcome.ERROR
    assert outcome_from_close(CloseReason.USER_INITIATED) is CallOutcome.COMPLETED
    assert outcome_from_close(CloseReason.JOB_SHUTDOWN) is CallOutcome.COMPLETED
    assert outcome_from_close(None) is CallOutcome.COMPLETED


def test_cost_from_the_price_table() -> None:
    prices = {
        "llm-a": ModelPrice(input_per_mtok=1.0, cached_input_per_mtok=0.5, output_per_mtok=4.0),
        "tts-a": ModelPrice(per_1k_chars=0.1),
        "stt-a": ModelPrice(per_minute=0.01),
    }
    usage = [
        LLMModelUsage(
            provider="p",
            model="llm-a",
            input_tokens=1_000_000,
            input_cached_tokens=200_000,
            output_tokens=10_000,
        ),
        TTSModelUsage(provider="p", model="tts-a", characters_count=2000),
        STTModelUsage(provider="p", model="stt-a", audio_duration=120.0),
        TTSModelUsage(provider="p", model="unknown-voice", characters_count=10),
    ]
    cost, unpriced = estimate_cost(usage, prices)
    assert cost == pytest.approx(0.8 + 0.1 + 0.04 + 0.2 + 0.02)
    assert unpriced == ["unknown-voice"]


def test_default_prices_cover_the_default_models() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    p = settings.providers
    models = {
        p.openai_model,
        *p.openai_fallback_models,
        p.openai_tts_model,
        p.openai_stt_model,
        p.elevenlabs_model,
        settings.telephony.deepgram_model,
        settings.app.deepgram_model,
    }
    assert models <= set(settings.observability.prices)


def test_budget_warning_names_the_component() -> None:
    budgets = Budgets({"ttfa_content": 1000.0, "llm_ttft": 500.0, "tts_ttfb": 300.0})
    configure_logging(level="INFO")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("worker.telemetry.budgets").addHandler(handler)
    try:
        # A first sound (a filler) inside a second is not the answer: not budgeted.
        over = budgets.check_turn(
            {"e2e_latency_ms": 2900.0, "llm_node_ttft_ms": 650.0, "tts_node_ttfb_ms": 310.0}
        )
        # The answer itself is, from the call's answer clock.
        late = budgets.check("ttfa_content", 1200.0)
    finally:
        logging.getLogger("worker.telemetry.budgets").removeHandler(handler)
    assert over == ["llm_ttft", "tts_ttfb"] and late
    assert [(r.getMessage(), r.component, r.levelno) for r in records] == [  # type: ignore[attr-defined]
        ("latency_budget_exceeded", "llm_ttft", logging.WARNING),
        ("latency_budget_exceeded", "tts_ttfb", logging.WARNING),
        ("latency_budget_exceeded", "ttfa_content", logging.WARNING),
    ]
    flags = budgets.p95_flags({"ttfa_content": [100.0] * 19 + [5000.0], "llm_ttft": [600.0]})
    assert flags == {"ttfa_content": False, "llm_ttft": True, "tts_ttfb": False}
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([], 95) is None


def test_pii_field_filter_drops_the_frameworks_text_fields() -> None:
    record = logging.makeLogRecord(
        {"msg": "received user transcript", "lk.pii.user_transcript": "hello", "language": "en"}
    )
    assert PIIFieldFilter().filter(record)
    assert not hasattr(record, "lk.pii.user_transcript")
    assert record.language == "en"  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_log_format_from_settings(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_OBSERVABILITY__LOG_FORMAT", fmt)
    obs = load_settings(_env_file=None).observability
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        configure_logging(level=obs.log_level, fmt=obs.log_format, own_handler=True)
        (ours,) = [h for h in root.handlers if h not in before]
        stream = io.StringIO()
        ours.setStream(stream)  # type: ignore[attr-defined]
        structlog.get_logger("worker.test").info("call_started", turns=2)
        line = stream.getvalue().strip()
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
        root.setLevel(level)
    # The framework's shape (livekit/agents/cli/log.py): `message`, LEVEL in capitals.
    if fmt == "json":
        record = json.loads(line)
        assert record["message"] == "call_started"
        assert record["level"] == "INFO"
        assert record["name"] == "worker.test"
        assert record["turns"] == 2
        assert "event" not in record
    else:
        assert " - INFO worker.test - call_started " in line
        assert '"turns": 2' in line
        assert not line.startswith("{")


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_a_framework_exception_is_logged_with_a_plain_traceback(fmt: str) -> None:
    """The framework logs a failed provider with ``logger.exception`` on the event loop:
    its traceback must arrive as text (JSON kept the exc_info tuple's reprs) and be
    rendered plainly (rich's renderer read and highlighted every frame's source)."""
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        configure_logging(level="ERROR", fmt=fmt, own_handler=True)  # type: ignore[arg-type]
        (ours,) = [h for h in root.handlers if h not in before]
        stream = io.StringIO()
        ours.setStream(stream)  # type: ignore[attr-defined]
        try:
            raise APITimeoutError("tts timed out")
        except APITimeoutError:
            logging.getLogger("livekit.agents").exception("tts error, switching")
        out = stream.getvalue()
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
        root.setLevel(level)
    text = json.loads(out)["exc_info"] if fmt == "json" else out
    assert "Traceback (most recent call last):" in text
    assert "APITimeoutError: tts timed out" in text
    assert not any(mark in out for mark in "│╭╰"), "a rich-rendered traceback"


def test_tracing_off_without_an_endpoint_and_on_from_otel_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert otlp_exporter(load_settings(_env_file=None).observability) is None

    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    obs = load_settings(_env_file=None).observability
    assert obs.otlp_endpoint == "http://collector:4318"
    exporter = otlp_exporter(obs)
    assert exporter is not None
    assert exporter._endpoint == "http://collector:4318/v1/traces"  # type: ignore[attr-defined]

    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318/custom")
    exporter = otlp_exporter(load_settings(_env_file=None).observability)
    assert exporter._endpoint == "http://traces:4318/custom"  # type: ignore[union-attr]


def test_metrics_server_options_follow_the_port_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from worker.telemetry.prometheus_metrics import metrics_server_options

    monkeypatch.setenv("CALLCENTER_OBSERVABILITY__METRICS_PORT", "9191")
    monkeypatch.setenv("CALLCENTER_OBSERVABILITY__METRICS_MULTIPROC_DIR", "/var/run/prom")
    # The framework keeps (and empties at start) the directory; /metrics is ours
    # (worker.telemetry.ops_http), so no prometheus_port for the framework's server.
    assert metrics_server_options(load_settings(_env_file=None)) == {
        "prometheus_multiproc_dir": "/var/run/prom",
    }
    monkeypatch.setenv("CALLCENTER_OBSERVABILITY__METRICS_PORT", "0")
    assert metrics_server_options(load_settings(_env_file=None)) == {}
