"""End to end: real AgentSession + real plugins against the wire simulators, caller audio
from espeak-ng, through the worker's own session factory."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest
from livekit.agents import vad
from support import CACHE

from config import Settings
from sim.call import CallResult, run_call
from sim.deepgram_listen import DeepgramLatency
from sim.latency import Delay
from sim.latency_profiles import PROFILES
from sim.openai_chat import OpenAILatency
from sim.scenario import Scenario, load_scenario
from worker.agent import APOLOGY
from worker.speech.spoken_lines import spoken_lines

pytestmark = pytest.mark.sim


def _scenario(**fields: Any) -> Scenario:
    base: dict[str, Any] = {"name": "inline", "caller": "app", "latency": "zero"}
    return Scenario.model_validate({**base, **fields})


def _words(*texts: str) -> list[str]:
    return re.sub(r"[^\w']+", " ", " ".join(texts).lower()).split()


async def _run(scenario: Scenario, vad_model: vad.VAD, **kwargs: Any) -> CallResult:
    # From the test's cleaned environment (its own phrase cache directory): a simulated
    # call without base settings starts from the code's defaults.
    kwargs.setdefault("base_settings", Settings(_env_file=None))  # type: ignore[call-arg]
    return await run_call(scenario, vad_model=vad_model, cache_dir=CACHE, **kwargs)


def _ask_order(reply: str = "It shipped and arrives Thursday.") -> list[dict[str, Any]]:
    return [
        {
            "caller": [
                {
                    "say": "My order number is one two three four five.",
                    "transcript": "My order number is 12345.",
                }
            ],
            "agent": {
                "tool_calls": [{"name": "lookup_order", "arguments": {"order_number": "12345"}}],
                "reply": reply,
            },
        }
    ]


async def test_phone_call_multi_turn_with_tool_and_ttfa(vad_model: vad.VAD) -> None:
    scenario = load_scenario("phone-order-status").model_copy(update={"latency": "zero"})
    result = await _run(scenario, vad_model)

    # The STT simulator heard every voiced stretch of the synthesized audio and sent its
    # final, and the LLM received the first one as the caller's words.
    # Punctuation and where finals split are the simulated STT's (as Deepgram's are).
    assert _words(*result.stt_finals) == _words(
        *(p.heard for t in scenario.turns for p in t.spoken_parts)
    )
    assert _words(result.turns[0].llm_saw or "") == _words(
        "Hi, I'm calling about an order I placed last week."
    )
    assert [t.agent_text for t in result.turns] == [t.agent.reply for t in scenario.turns]
    # The tool got the order number and its answer went back to the LLM.
    assert result.turns[1].tool_calls == [
        {"name": "lookup_order", "arguments": '{"order_number": "12345"}'}
    ]
    assert [(i.name, i.arguments) for i in result.tool_invocations] == [
        ("lookup_order", {"order_number": "12345"})
    ]
    tool_outputs = [
        m["content"] for r in result.llm_requests for m in r["messages"] if m["role"] == "tool"
    ]
    assert any("shipped" in out for out in tool_outputs)
    # The caller's phone number is redacted before the LLM; the order number is kept.
    assert _words(result.turns[1].llm_saw or "") == _words("The order number is 12345.")
    assert result.turns[2].llm_saw is not None
    assert "[PHONE_1]" in result.turns[2].llm_saw
    assert all("2671" not in str(r) for r in result.llm_requests)
    # Measured at the audio boundary, and no answer during the mid-sentence pause.
    for turn in result.turns:
        assert turn.ttfa_ms is not None
        assert not turn.premature
    assert result.turns[0].e2e_latency_ms is not None
    # The narrowband channel profile, as it reached the providers' wire.
    stt = result.stt_queries[0]
    assert stt.sample_rate == 8000
    assert stt.smart_format
    assert stt.numerals
    assert stt.interim_results
    assert "account number" in stt.keyterm
    assert result.tts_queries[0]["output_format"] == "pcm_16000"
    # Usage reported by the framework from the providers' own usage data.
    assert result.usage["llm_output_tokens"] > 0
    assert result.usage["llm_input_tokens"] > 0
    assert result.usage["tts_characters"] > 0


async def test_app_call_card_reaches_tool_never_llm(vad_model: vad.VAD) -> None:
    scenario = load_scenario("app-card-update").model_copy(update={"latency": "zero"})
    result = await _run(scenario, vad_model)

    assert result.turns[2].tool_calls[0]["name"] == "update_payment_card"
    (invocation,) = result.tool_invocations
    digits = "".join(ch for ch in invocation.arguments["card_number"] if ch.isdigit())
    assert digits == "4111111111111111"
    wire = str(result.llm_requests)
    assert "4111" not in wire
    assert "1111 1111" not in wire
    assert result.turns[2].agent_text == scenario.turns[2].agent.reply
    # The wideband channel profile, as it reached the providers' wire.
    stt = result.stt_queries[0]
    assert stt.sample_rate == 16000
    assert stt.smart_format
    assert not stt.numerals
    assert stt.keyterm == ()
    assert result.tts_queries[0]["output_format"] == "pcm_24000"


async def test_preemptive_generation_starts_llm_before_end_of_turn(vad_model: vad.VAD) -> None:
    # A long endpointing delay makes the difference unmistakable: with preemptive
    # generation the request goes out on the final transcript, well before the turn ends.
    base = Settings(_env_file=None)  # type: ignore[call-arg]
    latency = base.latency.model_copy(
        update={"min_endpointing_delay": 1.0, "max_endpointing_delay": 1.5}
    )
    turns = [{"caller": "What are your opening hours?", "agent": {"reply": "Nine to five."}}]

    results = {}
    for preemptive in (True, False):
        settings = base.model_copy(
            update={"latency": latency.model_copy(update={"preemptive_generation": preemptive})}
        )
        results[preemptive] = await _run(_scenario(turns=turns), vad_model, base_settings=settings)

    early, late = results[True].turns[0], results[False].turns[0]
    assert early.llm_request_ms is not None
    assert late.llm_request_ms is not None
    # Ordered within each call, not against a wall-clock bound a loaded machine can
    # cross: with preemptive generation the request precedes the end of the turn,
    # without it the request waits for it (the endpointing delay is a lower bound).
    assert early.end_of_turn_delay_ms is not None
    assert early.llm_request_ms < early.end_of_turn_delay_ms
    assert late.llm_request_ms >= 950
    assert early.agent_text == late.agent_text == "Nine to five."


async def test_llm_fallback_model_answers_when_primary_fails(vad_model: vad.VAD) -> None:
    scenario = _scenario(
        turns=[{"caller": "Hello there, is anyone there?", "agent": {"reply": "Yes, I'm here."}}],
        faults={"openai": [{"kind": "http_error", "status": 500, "request": 0}]},
    )
    result = await _run(scenario, vad_model)

    models = [r["model"] for r in result.llm_requests]
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    providers = settings.providers
    primary, fallback = providers.openai_model, providers.openai_fallback_models[0]
    assert models[:2] == [primary, fallback]
    assert result.turns[0].agent_text == "Yes, I'm here."


async def test_every_llm_failing_gives_a_spoken_apology(vad_model: vad.VAD) -> None:
    scenario = _scenario(
        turns=[{"caller": "Hello there, is anyone there?", "agent": {"reply": "unused"}}],
        faults={"openai": [{"kind": "http_error", "status": 500, "request": None}]},
    )
    result = await _run(scenario, vad_model)

    assert result.turns[0].agent_text == APOLOGY
    assert result.turns[0].ttfa_ms is not None
    # The fallback chain is the only retry: per generation (one per user text the
    # framework asked about), each model is tried once, plus the adapter's background
    # probe of whether it recovered; the session's retries used to repeat the whole pass.
    asked = Counter(
        (r["model"], next(m["content"] for m in reversed(r["messages"]) if m["role"] == "user"))
        for r in result.llm_requests
    )
    assert asked and max(asked.values()) <= 2, asked


async def test_tts_fallback_speaks_when_elevenlabs_is_down(vad_model: vad.VAD) -> None:
    scenario = _scenario(
        turns=[{"caller": "Hello there, is anyone there?", "agent": {"reply": "Yes, I'm here."}}],
        faults={"elevenlabs": [{"kind": "http_error", "status": 503, "request": None}]},
    )
    result = await _run(scenario, vad_model, latency=PROFILES["zero"])

    assert result.turns[0].agent_text == "Yes, I'm here."
    assert result.turns[0].ttfa_ms is not None


async def test_stt_fallback_transcribes_when_deepgram_is_down(vad_model: vad.VAD) -> None:
    scenario = _scenario(
        turns=[{"caller": "Hello is anyone there", "agent": {"reply": "Yes, I'm here."}}],
        faults={"deepgram": [{"kind": "http_error", "status": 503, "request": None}]},
    )
    result = await _run(scenario, vad_model)

    assert result.stt_queries == []  # every Deepgram connection was refused
    assert result.turns[0].llm_saw == "Hello is anyone there"
    # The fallback STT transcribes after the turn: when the call predicts the answer late
    # (a loaded machine), one filler may come first; the model's answer follows in full.
    assert result.turns[0].agent_text.endswith("Yes, I'm here.")


async def test_a_stall_line_on_a_stuck_first_turn_gives_way_at_its_current_word(
    vad_model: vad.VAD,
) -> None:
    # The model takes 2.4 s on the first turn: past the stall interval (2 s of silence),
    # so a stall line is said, whether or not the phrase cache has its audio yet; the
    # answer is ready while the line still plays and must not wait for the rest of it.
    stuck_model = replace(PROFILES["zero"], openai=OpenAILatency.constant(2.4, 100.0))
    turns = [
        {"caller": "What are your opening hours?", "agent": {"reply": "We're open nine to five."}},
        {"caller": "Thanks, bye.", "agent": {"reply": "Goodbye."}},
    ]
    result = await _run(_scenario(turns=turns), vad_model, latency=stuck_model)

    first = result.turns[0]
    assert len(first.fillers) == 1 and first.fillers[0] in spoken_lines("en").stall
    line = first.fillers[0]
    assert first.agent_text == f"{line} We're open nine to five."
    # The line began before the answer and the answer came before the line's own end.
    ms_per_char = stuck_model.elevenlabs.ms_per_char
    assert first.ttfa_ms is not None and first.content_ttfa_ms is not None
    assert first.content_ttfa_ms < first.ttfa_ms + len(line) * ms_per_char
    # It waited at most the word playing when it was ready (and the output's lead).
    longest_word_ms = max(len(word) for word in line.split()) * ms_per_char
    assert first.filler_delay_ms is not None
    assert first.filler_delay_ms < longest_word_ms + 150
    assert not any(turn.premature for turn in result.turns)


async def test_a_model_known_slow_gets_one_filler_and_the_answer_is_timed_apart(
    vad_model: vad.VAD,
) -> None:
    # 1.2 s to every first token, nothing else slow (a longer wait gets the longer
    # bridge line, whose own audio would outlast it). Until the call has timed its model
    # three times, its quick end is no later than the prior's tenth percentile: no
    # filler (a first slow timing may be a tail draw). Once it has, the answer is
    # predicted well after a cached filler would end, so one is said; never on two
    # turns in a row.
    slow_model = replace(
        PROFILES["zero"],
        openai=OpenAILatency.constant(1.2, 100.0),
    )
    turns = [
        {"caller": "What are your opening hours?", "agent": {"reply": "We're open nine to five."}},
        {"caller": "Do you deliver on Sundays?", "agent": {"reply": "Yes, until noon."}},
        {"caller": "Is delivery free?", "agent": {"reply": "Over fifty pounds, it is."}},
        {
            "caller": "I want to change my delivery address.",
            "agent": {"reply": "Sure, what's the new address?"},
        },
        {"caller": "It is ten Main Street.", "agent": {"reply": "Thanks, that's updated."}},
    ]
    result = await _run(_scenario(turns=turns), vad_model, latency=slow_model)

    with_filler = [t for t in result.turns if t.fillers]
    assert with_filler, "a model timed at 1.2 s three times gets a filler"
    assert not result.turns[0].fillers  # nothing timed yet
    indices = [t.index for t in with_filler]
    assert all(b - a > 1 for a, b in itertools.pairwise(indices))
    second = with_filler[0]
    assert len(second.fillers) == 1
    (line,) = second.fillers
    # The reply's text is the filler, then the model's own words (an opener that only
    # repeats the filler is dropped).
    assert second.agent_text.startswith(f"{line} ")
    # The filler is heard first; the answer is the model's words, which cannot come
    # before the model's first token.
    assert second.ttfa_ms is not None and second.content_ttfa_ms is not None
    assert second.llm_first_token_ms is not None
    assert second.ttfa_ms < second.llm_first_token_ms <= second.content_ttfa_ms
    # It ended before the answer was ready, so the answer did not queue behind it: a
    # gap of silence follows it (the model takes 1.2 s), and the answer waited at most
    # the filler's current word (the policy's rule), however loaded the machine.
    assert second.silence_after_filler_ms is not None and second.silence_after_filler_ms > 0
    assert second.filler_delay_ms is not None and second.filler_delay_ms < 250
    for turn in result.turns:
        assert not turn.premature
        if not turn.fillers:
            assert turn.content_ttfa_ms is not None and turn.ttfa_ms is not None
            assert abs(turn.content_ttfa_ms - turn.ttfa_ms) < 1  # no filler: one figure
    summary = result.summary
    assert summary["fillers"]["filler_turns"] == len(with_filler)
    assert summary["fillers"]["filler_consecutive_turns"] == 0
    # The LLM TTFT figure (logs, budgets, Prometheus) is the model's own.
    assert summary["latency"]["llm_ttft"]["p50_ms"] >= 1190
    # The worker's content TTFA is the answer's, not the filler's.
    assert summary["latency"]["ttfa_content"]["p95_ms"] >= 1190
    # Only the model's words went to the TTS for the reply: the filler's audio was the
    # cache's (synthesised once, on its own, when the cache was warmed).
    reply = [text for text in result.tts_texts if second.agent_text.split(" ", 1)[1] in text]
    assert reply and not any(line in text for text in reply)


async def test_a_turn_committed_before_its_final_is_answered_once_with_all_of_it(
    vad_model: vad.VAD,
) -> None:
    # Every final 1.6 s after its speech: past the 1.2 s maximum endpointing delay, so
    # the framework commits "Hi there." while the STT still owes the second breath. That
    # turn is held and its text goes with the one the late final arrives in.
    slow_stt = replace(
        PROFILES["zero"],
        deepgram=DeepgramLatency(final_delay=Delay.constant(1.6), min_gap_s=0.1),
    )
    turns = [
        {
            "caller": ["Hi there,", {"pause": 0.4}, "I have a question about my bill."],
            "agent": {"reply": "Sure, what is it?"},
        }
    ]
    result = await _run(_scenario(turns=turns), vad_model, latency=slow_stt)

    assert result.turns[0].agent_text == "Sure, what is it?"
    assert result.summary["interruptions"] == 0
    assert result.summary["turns"] == 1
    # The reply the caller heard was generated from everything they said.
    heard = _words(result.turns[0].llm_saw or "")
    assert heard[:2] == ["hi", "there"]
    assert heard[-3:] == ["about", "my", "bill"]
