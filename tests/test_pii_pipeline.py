"""Planted secrets never reach the LLM provider, the TTS provider or any log line, with
preemptive generation on, through the real pipeline and the wire simulators."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
from livekit.agents import vad
from support import CACHE

from compliance import CallRedactor
from config import Settings
from sim.call import run_call
from sim.scenario import Scenario, load_scenario

pytestmark = pytest.mark.sim


SCENARIO = Scenario.model_validate(
    {
        "name": "pii-planted",
        "caller": "app",
        "latency": "zero",
        "turns": [
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
                "agent": {"reply": "Got it."},
            },
            {
                "caller": [
                    {
                        "say": "My card number is four one one one, one one one one",
                        "transcript": "My card number is 4111 1111",
                    },
                    {"pause": 0.8},
                    {
                        "say": "one one one one, one one one one.",
                        "transcript": "1111 1111.",
                    },
                ],
                "agent": {"reply": "Thanks, the card is noted."},
            },
        ],
    }
)

DIGIT_SECRETS = ("123456789", "41111111", "11111111")
TEXT_SECRETS = ("jane dot doe", "jane.doe", "doe@example")


# A dictated number, however it is grouped: digits joined by spaces, dashes, dots, commas.
_NUMBER = re.compile(r"\d(?:[\s,.\-]*\d)*")


def _words(text: str) -> str:
    """Lower case, punctuation as spaces: an STT that puts a period at a pause
    ("jane dot. Doe") must not hide a leak from the scan."""
    return " ".join(re.sub(r"[^\w@]+", " ", text.lower()).split())


def _leaks(text: str) -> list[str]:
    numbers = [re.sub(r"\D", "", m.group()) for m in _NUMBER.finditer(text)]
    lowered, words = text.lower(), _words(text)
    return [s for s in DIGIT_SECRETS if any(s in n for n in numbers)] + [
        s for s in TEXT_SECRETS if s in lowered or s in words
    ]


class _Everything(logging.Handler):
    """Keeps every record, rendered with all of its extra fields."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        fields = {k: repr(v) for k, v in record.__dict__.items() if k not in ("msg", "args")}
        self.lines.append(f"{record.name} {record.getMessage()} {json.dumps(fields)}")


@pytest.fixture
def all_logs() -> Iterator[_Everything]:
    root = logging.getLogger()
    handler = _Everything()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    quiet = {name: logging.getLogger(name).level for name in ("livekit", "livekit.agents")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        for name, level in quiet.items():
            logging.getLogger(name).setLevel(level)


async def test_planted_secrets_never_leave_the_call(
    vad_model: vad.VAD, all_logs: _Everything
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.latency.preemptive_generation
    result = await run_call(SCENARIO, vad_model=vad_model, cache_dir=CACHE, base_settings=settings)

    # The test only means something if the secrets were really transcribed: read what the
    # Deepgram simulator sent on the wire, not the scenario's script.
    heard = " ".join(result.stt_finals)
    assert set(_leaks(heard)) >= {*DIGIT_SECRETS, "jane dot doe"}
    assert len(result.llm_requests) >= 3

    assert _leaks(json.dumps(result.llm_requests)) == []
    assert _leaks(" ".join(result.tts_texts)) == []
    assert all_logs.lines, "no log lines captured"
    leaking = [line for line in all_logs.lines if _leaks(line)]
    assert leaking == []
    # Typed, call-scoped placeholders (so tools can get the real values back).
    # Which turn carries which depends on where the STT split the caller's words (a
    # loaded machine moves pauses); that each value reached the model as its placeholder
    # does not.
    saw = " ".join(t.llm_saw or "" for t in result.turns)
    assert "[SSN_1]" in saw
    assert "[EMAIL_1]" in saw
    assert "[CARD_1]" in saw


async def test_the_agents_question_makes_a_grouped_answer_a_phone_number(
    vad_model: vad.VAD,
) -> None:
    scenario = load_scenario("app-phone-by-question")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    result = await run_call(scenario, vad_model=vad_model, cache_dir=CACHE, base_settings=settings)

    # What the STT sent: the number in words, grouped 6-4, no context word of its own.
    answer = next(f for f in result.stt_finals if "five five five" in f.lower())
    # On its own that turn is only a long number; the agent's question makes it a phone.
    assert "[PHONE_" not in CallRedactor().redact(answer)
    wire = json.dumps(result.llm_requests)
    assert "[PHONE_1]" in wire
    assert "five five five" not in wire.lower()
    assert "[PHONE_1]" in (result.turns[1].llm_saw or "")
