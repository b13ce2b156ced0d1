"""The answer to a secret question never leaves the call: a simulated call per kind (a CVV
after "the card ending in", a PIN, a security word, a maiden name) through the worker's
entrypoint, the real AgentSession and plugins and the wire simulators. What the OpenAI
simulator received, every log record at DEBUG, every span and the text sent to the TTS
are scanned for the answer."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from livekit.agents import vad
from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from support import CACHE

from config import Settings
from config.log_setup import configure_logging
from sim.call import run_call
from sim.scenario import load_scenario
from worker.telemetry.tracing import install_tracer_provider

pytestmark = pytest.mark.sim


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        fields = {k: repr(v) for k, v in record.__dict__.items() if k not in ("msg", "args")}
        self.lines.append(f"{record.name} {record.getMessage()} {json.dumps(fields)}")


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


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    from livekit.agents.telemetry import tracer

    exporter = InMemorySpanExporter()
    install_tracer_provider(SimpleSpanProcessor(exporter))
    try:
        yield exporter
    finally:
        tracer.set_provider(trace_api.NoOpTracerProvider())


def _span_text(span: ReadableSpan) -> str:
    parts: list[Any] = [span.name, dict(span.attributes or {}), span.status.description]
    for event in span.events:
        parts += [event.name, dict(event.attributes or {})]
    return json.dumps(parts, default=repr)


def _conversation(requests: list[dict[str, Any]]) -> list[list[str]]:
    """What each request held besides the system prompt, for a failure's message."""
    return [
        [f"{m['role']}: {m.get('content')}" for m in r["messages"] if m["role"] != "system"]
        for r in requests
    ]


def _leaks(text: str, answer: re.Pattern[str]) -> bool:
    # Punctuation as spaces: an STT that puts a period at a pause ("H E N. D E R") must
    # not hide a leak from the scan.
    return answer.search(" ".join(re.sub(r"[^\w']+", " ", text.lower()).split())) is not None


# Each answer as the caller said it and as a recogniser may write it. Digit answers have
# a leading zero: no number the logs print (a time, a count) is written that way.
CASES = [
    (
        "secret-cvv-after-ending",
        "086",
        r"(?<![\w.])0 ?8 ?6(?![\w.])|\boh eight six\b",
        "[CVV_1]",
    ),
    (
        "secret-pin",
        "oh four seven one",
        r"(?<![\w.])0 ?4 ?7 ?1(?![\w.])|\boh four seven one\b",
        "[PIN_1]",
    ),
    ("secret-security-word", "bluebird", r"\bbluebird\b|\bblue bird\b", "[SECRET_1]"),
    (
        "secret-maiden-name",
        "henderson",
        r"\bhenderson\b|\bh e n d e r s o n\b|\bh e n d e\b",
        "[MAIDEN_1]",
    ),
]


@pytest.mark.parametrize(("scenario", "heard", "pattern", "placeholder"), CASES)
async def test_the_answer_to_a_secret_question_never_leaves_the_call(
    scenario: str,
    heard: str,
    pattern: str,
    placeholder: str,
    vad_model: vad.VAD,
    debug_logs: _Records,
    spans: InMemorySpanExporter,
) -> None:
    answer = re.compile(pattern)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    result = await run_call(
        load_scenario(scenario), vad_model=vad_model, cache_dir=CACHE, base_settings=settings
    )

    # The scan only means something if the answer was said and heard: what the Deepgram
    # simulator sent on the wire, not the scenario's script.
    assert any(heard in final.lower() for final in result.stt_finals), result.stt_finals
    assert len(result.llm_requests) >= 2
    # The LLM got the answer as a placeholder of its kind, and nothing of it in the clear.
    wire = json.dumps(result.llm_requests)
    said = _conversation(result.llm_requests)
    assert placeholder in wire, said
    assert not _leaks(wire, answer), said
    assert not any(_leaks(text, answer) for text in result.tts_texts)
    assert debug_logs.lines, "no log lines captured"
    assert [line for line in debug_logs.lines if _leaks(line, answer)] == []
    finished = spans.get_finished_spans()
    assert {"agent_session", "user_turn", "llm_node"} <= {span.name for span in finished}
    assert [s.name for s in finished if _leaks(_span_text(s), answer)] == []
