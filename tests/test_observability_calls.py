"""Observability of simulated calls through the real AgentSession, plugins and wire
simulators: the call summary and its outcome, the budget alarm, and no text of the call
in any log record or span attribute."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from livekit.agents import vad
from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY
from support import CACHE, ROOT, RunModule

from config import Settings
from config.log_setup import configure_logging
from sim.call import CallResult, run_call
from sim.deepgram_listen import DeepgramLatency
from sim.elevenlabs_multistream import ElevenLabsLatency
from sim.latency_profiles import ProviderLatency
from sim.openai_chat import OpenAILatency
from sim.scenario import Scenario
from worker.agent import APOLOGY
from worker.telemetry.tracing import install_tracer_provider

pytestmark = pytest.mark.sim


def _scenario(turns: list[dict[str, Any]], **fields: Any) -> Scenario:
    base: dict[str, Any] = {"name": "obs", "caller": "app", "latency": "zero", "turns": turns}
    return Scenario.model_validate({**base, **fields})


ONE_TURN = [{"caller": "Hello there, is anyone there?", "agent": {"reply": "Yes, I'm here."}}]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def events(self, name: str) -> list[logging.LogRecord]:
        return [r for r in self.records if r.getMessage() == name]


@pytest.fixture
def debug_logs() -> Iterator[_Records]:
    """Every record at DEBUG, ours and the framework's, through our logging setup."""
    root = logging.getLogger()
    handler = _Records()
    levels = {name: logging.getLogger(name).level for name in ("", "livekit", "livekit.agents")}
    root.addHandler(handler)
    configure_logging(level="DEBUG")
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    structlog.contextvars.clear_contextvars()
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        structlog.contextvars.clear_contextvars()


async def _run(scenario: Scenario, vad_model: vad.VAD, **kwargs: Any) -> CallResult:
    # From the test's cleaned environment (its own phrase cache directory): a simulated
    # call without base settings starts from the code's defaults.
    kwargs.setdefault("base_settings", Settings(_env_file=None))  # type: ignore[call-arg]
    return await run_call(scenario, vad_model=vad_model, cache_dir=CACHE, **kwargs)


def _calls_total(outcome: str, kind: str = "app") -> float:
    labels = {"caller_kind": kind, "tenant": "default", "outcome": outcome}
    return REGISTRY.get_sample_value("callcenter_calls_total", labels) or 0.0


async def test_hangup_ends_with_caller_hung_up(vad_model: vad.VAD, debug_logs: _Records) -> None:
    before = _calls_total("caller_hung_up")
    result = await _run(_scenario(ONE_TURN), vad_model, caller_hangs_up=True)

    assert result.turns[0].agent_text == "Yes, I'm here."
    summary = result.summary
    assert summary["outcome"] == "caller_hung_up"
    assert summary["turns"] == 1
    assert _calls_total("caller_hung_up") == before + 1
    # Exactly one call.summary event, with the same figures, bound to the call.
    (event,) = debug_logs.events("call.summary")
    assert event.outcome == "caller_hung_up"  # type: ignore[attr-defined]
    assert event.call_id == "sim-obs"  # type: ignore[attr-defined]


async def test_slow_llm_fires_the_budget_alarm(vad_model: vad.VAD, debug_logs: _Records) -> None:
    slow_llm = ProviderLatency(
        name="zero",
        deepgram=DeepgramLatency(),
        openai=OpenAILatency.constant(0.8, 100.0),
        elevenlabs=ElevenLabsLatency.constant(0.0, 0.5),
    )
    result = await _run(_scenario(ONE_TURN), vad_model, latency=slow_llm)

    alarms = debug_logs.events("latency_budget_exceeded")
    components = {r.component for r in alarms}  # type: ignore[attr-defined]
    assert "llm_ttft" in components
    (llm_alarm,) = [r for r in alarms if r.component == "llm_ttft"]  # type: ignore[attr-defined]
    assert llm_alarm.levelno == logging.WARNING
    assert llm_alarm.value_ms > 500  # type: ignore[attr-defined]
    assert llm_alarm.budget_ms == 500  # type: ignore[attr-defined]
    assert "tts_ttfb" not in components
    flags = result.summary["budget_exceeded"]
    assert flags["llm_ttft"] is True
    assert flags["tts_ttfb"] is False
    assert result.summary["latency"]["llm_ttft"]["p95_ms"] > 500


SECRET_TURNS = [
    {
        "caller": [
            {
                "say": "My social is one two three, four five, six seven eight nine.",
                "transcript": "My social is 123-45-6789.",
            }
        ],
        "agent": {"reply": "Thank you, I have that."},
    },
    {
        "caller": [
            {
                "say": "My email is jane dot doe at example dot com.",
                "transcript": "My email is jane dot doe at example dot com.",
            }
        ],
        "agent": {"reply": "Lovely, noted for the account."},
    },
]
# Raw values, their placeholders (a redacted transcript is still a transcript), and the
# words of both sides of the conversation.
DIGIT_SECRETS = ("123456789",)
TEXT_SECRETS = (
    "jane dot doe",
    "jane.doe",
    "doe@example",
    "ssn_1",
    "email_1",
    "my social",
    "my email",
    "i have that",
    "noted for the account",
)
_NUMBER = re.compile(r"\d(?:[\s,.\-]*\d)*")


def _leaks(text: str) -> list[str]:
    numbers = [re.sub(r"\D", "", m.group()) for m in _NUMBER.finditer(text)]
    lowered = text.lower()
    return [s for s in DIGIT_SECRETS if any(s in n for n in numbers)] + [
        s for s in TEXT_SECRETS if s in lowered
    ]


def _render(record: logging.LogRecord) -> str:
    fields = {k: repr(v) for k, v in record.__dict__.items() if k not in ("msg", "args")}
    return f"{record.name} {record.getMessage()} {json.dumps(fields)}"


def _span_text(span: ReadableSpan) -> str:
    parts: list[Any] = [span.name, dict(span.attributes or {}), span.status.description]
    for event in span.events:
        parts += [event.name, dict(event.attributes or {})]
    return json.dumps(parts, default=repr)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    from livekit.agents.telemetry import tracer

    exporter = InMemorySpanExporter()
    install_tracer_provider(SimpleSpanProcessor(exporter))
    try:
        yield exporter
    finally:
        tracer.set_provider(trace_api.NoOpTracerProvider())


async def test_completed_call_logs_and_spans_carry_no_text_of_the_call(
    vad_model: vad.VAD, debug_logs: _Records, spans: InMemorySpanExporter
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    result = await _run(_scenario(SECRET_TURNS), vad_model, base_settings=settings)

    # The scan only means something if the secrets were spoken, heard and redacted.
    assert "123-45-6789" in result.turns[0].caller_text
    assert "[SSN_1]" in (result.turns[0].llm_saw or "")
    assert result.turns[1].agent_text == "Lovely, noted for the account."

    summary = result.summary
    assert summary["outcome"] == "completed"
    assert summary["turns"] == 2
    assert summary["pii_redactions"] == {"SSN": 1, "EMAIL": 1}
    assert summary["usage"]["llm_output_tokens"] > 0
    assert summary["estimated_cost_usd"] > 0
    assert summary["unpriced_models"] == []
    for component in ("ttfa_content", "first_sound", "llm_ttft", "tts_ttfb", "end_of_turn_delay"):
        assert summary["latency"][component]["p50_ms"] is not None
    # The answer comes with the first sound or after it, never before it.
    latency = summary["latency"]
    assert latency["ttfa_content"]["p50_ms"] >= latency["first_sound"]["p50_ms"] - 1
    assert summary["unanswered_turns"] == 0
    assert _leaks(json.dumps(summary)) == []

    lines = [_render(r) for r in debug_logs.records]
    assert any(
        r.levelno == logging.DEBUG and r.name.startswith("livekit") for r in debug_logs.records
    )
    assert [line for line in lines if _leaks(line)] == []

    finished = spans.get_finished_spans()
    names = {span.name for span in finished}
    # The framework traced the call: sessions, turns, LLM requests, TTS.
    assert {"agent_session", "user_turn", "agent_turn", "llm_node"} <= names
    assert [s.name for s in finished if _leaks(_span_text(s))] == []


def _counter(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_provider_failure_is_counted_by_class_and_fallback(
    vad_model: vad.VAD, debug_logs: _Records
) -> None:
    errors = {"component": "llm", "provider": "openai", "error_class": "5xx"}
    fallback = {"component": "llm", "provider": "openai"}
    errors_before = _counter("callcenter_provider_errors_total", **errors)
    fallbacks_before = _counter("callcenter_fallbacks_total", **fallback)
    scenario = _scenario(
        ONE_TURN, faults={"openai": [{"kind": "http_error", "status": 500, "request": 0}]}
    )
    result = await _run(scenario, vad_model)

    assert result.turns[0].agent_text == "Yes, I'm here."  # the fallback model answered
    assert _counter("callcenter_provider_errors_total", **errors) == errors_before + 1
    assert _counter("callcenter_fallbacks_total", **fallback) == fallbacks_before + 1
    assert result.summary["provider_errors"] == {"llm.openai.5xx": 1}
    assert result.summary["fallbacks"] == {"llm.openai": 1}
    assert result.summary["outcome"] == "completed"
    (warning,) = debug_logs.events("provider_fallback")
    assert warning.levelno == logging.WARNING


async def test_an_apology_is_counted_as_a_recovery_line(vad_model: vad.VAD) -> None:
    apologies_before = _counter("callcenter_recovery_lines_total", kind="apology")
    every_llm_down = {"kind": "http_error", "status": 500, "request": None}
    scenario = _scenario(ONE_TURN, faults={"openai": [every_llm_down]})
    result = await _run(scenario, vad_model)

    assert APOLOGY in result.turns[0].agent_text
    assert result.summary["recovery_lines"]["apology"] == 1
    assert _counter("callcenter_recovery_lines_total", kind="apology") == apologies_before + 1


def test_sim_cli_logs_at_the_configured_level_and_format(
    tmp_path: Path, run_module: RunModule
) -> None:
    scenario = "name: cli-obs\ncaller: app\nlatency: zero\nturns:\n" + (
        '  - caller: "Hello there, is anyone there?"\n    agent: {reply: "Yes, I\'m here."}\n'
    )
    path = tmp_path / "cli-obs.yaml"
    path.write_text(scenario)
    # The checkout as working directory: the caller-voice cache is shared with the suite.
    result = run_module(
        "sim",
        "call",
        str(path),
        "--json",
        cwd=ROOT,
        timeout=180,
        env={
            "CALLCENTER_OBSERVABILITY__LOG_LEVEL": "INFO",
            "CALLCENTER_OBSERVABILITY__LOG_FORMAT": "json",
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    records = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert all(r["level"] in ("INFO", "WARNING", "ERROR") for r in records)
    (summary,) = [r for r in records if r["message"] == "call.summary"]
    assert summary["outcome"] == "completed"
    assert summary["turns"] == 1
    assert summary["call_id"] == "sim-cli-obs"
