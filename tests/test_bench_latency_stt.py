"""The Nova-against-Flux comparison of ``bench latency --stt``: its arithmetic and shape
(figures are never asserted)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.latency import run
from bench.latency_stt import SttStats, render_stt_table, summarize_stt
from config import Settings
from sim.call import CallResult, TurnRecord
from sim.openai_chat import prompt_tokens

pytestmark = pytest.mark.bench

BODY: dict[str, Any] = {
    "model": "gpt-4.1-mini",
    "messages": [
        {"role": "system", "content": "You are a helpful agent."},
        {"role": "user", "content": "I was charged twice for the same order."},
    ],
}


def call(*, eager_turns: int, requests: int) -> CallResult:
    turns = [
        TurnRecord(index=0, caller_text="x", ttfa_ms=300.0, premature=False, paused=True),
        TurnRecord(index=1, caller_text="x", ttfa_ms=500.0, premature=True, paused=False),
    ]
    return CallResult(
        scenario="s",
        caller_kind="phone",
        flavor="tuned",
        latency="zero",
        turns=turns,
        llm_requests=[BODY] * requests,
        tts_texts=[],
        tool_invocations=[],
        stt_queries=[],
        tts_queries=[],
        usage={"stt_audio_seconds": 60.0, "llm_output_tokens": 100.0},
        served={"llm_requests": requests, "stt_flux_eager": eager_turns},
    )


def test_the_comparison_counts_requests_turns_and_cost() -> None:
    prices = dict(Settings(_env_file=None).observability.prices)  # type: ignore[call-arg]
    flux = SttStats()
    flux.add(call(eager_turns=2, requests=3), "flux-general-en", prices)
    entry = flux.as_dict()
    assert entry["llm_requests_per_turn"] == 1.5
    assert entry["eager_per_turn"] == 1.0
    assert entry["premature_rate"] == 0.0  # the paused turn was not premature
    assert entry["premature_all_rate"] == 0.5
    assert entry["p50_ms"] == 300.0
    mini = prices["gpt-4.1-mini"]
    expected = (
        prices["flux-general-en"].per_minute
        + 3 * len(prompt_tokens(BODY)) * mini.input_per_mtok / 1e6
        + 100 * mini.output_per_mtok / 1e6
    )
    assert entry["usd_per_call"] == pytest.approx(expected)

    nova = SttStats()
    nova.add(call(eager_turns=0, requests=2), "nova-3", prices)
    summary = summarize_stt({"zero": {"nova": nova, "flux": flux}})
    json.dumps(summary)
    table = render_stt_table(summary)
    comparison, stages = table.split("\n\n")
    assert comparison.count("\n") == 1 + 2
    assert stages.count("\n") == 1 + 2 * 2  # a row of stage times and one of steps per cell
    assert "llm/turn" in table and "usd/call" in table


def test_only_known_stts_are_compared() -> None:
    with pytest.raises(SystemExit):
        run(["--stt", "whisper"])
