"""The fault suite's fast variant: every row of ``bench.faults.FAULTS`` injected into one
simulated call (all at once, in one event loop), plus the suite's arithmetic.

Correctness is asserted (the call survived, the caller's words reached the LLM, the
outcome was recorded); silence durations are timing figures, reported by
``python -m bench faults``, never asserted here.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from livekit.agents import vad
from support import CACHE

from bench.faults import (
    FAULTS,
    FaultCase,
    FaultStats,
    cut_short,
    judge_call,
    longest_silence,
    render_table,
    run_fault,
)
from config import Settings
from sim.call import CallResult, TurnRecord

pytestmark = pytest.mark.bench


def _result(turn: TurnRecord, frames: list[tuple[float, float]]) -> CallResult:
    return CallResult(
        scenario="x",
        caller_kind="app",
        flavor="tuned",
        latency="zero",
        turns=[turn],
        llm_requests=[],
        tts_texts=[],
        tool_invocations=[],
        stt_queries=[],
        tts_queries=[],
        usage={},
        agent_frames=frames,
    )


@pytest.mark.unit
def test_longest_silence_counts_the_wait_and_gaps_inside_the_answer() -> None:
    turn = TurnRecord(index=0, caller_text="hi", speech_end_at=10.0, waited_until=20.0)
    # Bridge line at 11.5-12.5, then 2.5 s of nothing, then the answer.
    frames = [(11.5, 0.5), (12.0, 0.5), (15.0, 0.5), (15.5, 0.5)]
    assert longest_silence(_result(turn, frames), turn) == pytest.approx(2.5)
    # Nothing played: the caller waited the whole time.
    assert longest_silence(_result(turn, []), turn) == pytest.approx(10.0)
    # Audio before the caller stopped (talking over them) is not an answer.
    assert longest_silence(_result(turn, [(9.0, 0.5), (13.0, 0.5)]), turn) == pytest.approx(3.0)


@pytest.mark.unit
def test_an_answer_that_stopped_part_way_did_not_survive() -> None:
    case = next(c for c in FAULTS if c.name == "tts-disconnect")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    question = "Okay. What is the order number?"  # 31 characters: 2.0 s of speech
    turn = TurnRecord(
        index=0,
        caller_text="I want to check my order.",
        agent_text=question,
        ttfa_ms=320.0,
        speech_end_at=10.0,
        waited_until=14.0,
    )
    asked = [{"messages": [{"role": "user", "content": turn.caller_text}]}]
    # "Okay. Wh-": the opener and a tenth of a second of the question, then nothing.
    result = _result(turn, [(10.3, 0.4), (10.9, 0.1)])
    result.llm_requests = asked
    assert cut_short(result, turn)
    verdict = judge_call(case, result, settings)
    assert (verdict.survived, verdict.cut_short) == (False, 1)
    # The whole question heard, the broken sentence said again included.
    result = _result(turn, [(10.3, 0.4), (10.9, 0.1), (11.1, 1.7)])
    result.llm_requests = asked
    assert not cut_short(result, turn)
    assert judge_call(case, result, settings).survived


@pytest.mark.unit
def test_words_lost_with_a_dropped_stt_socket_are_counted_apart() -> None:
    case = next(c for c in FAULTS if c.name == "stt-disconnect")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    turn = TurnRecord(index=0, caller_text="I would like to check on my order please.")
    result = _result(turn, [])
    result.turns[0].agent_text, result.turns[0].ttfa_ms = "Sure.", 300.0
    result.stt_lost_words = ["I", "would"]
    asked = "Like to check on my order, please."
    result.llm_requests = [{"messages": [{"role": "user", "content": asked}]}]
    verdict = judge_call(case, result, settings)
    assert (verdict.survived, verdict.words_kept, verdict.words_lost_stt) == (True, True, 2)
    # A word the STT did deliver and the LLM never saw is a word lost by us.
    result.llm_requests = [{"messages": [{"role": "user", "content": "Like to check on."}]}]
    assert not judge_call(case, result, settings).words_kept


# Calls at once: real-time audio on a 2-core machine that also runs other tests. All 19
# at once put the process past what one worker holds (docs/benchmarks.md, capacity), and
# answers were then cut by the load, not by the fault.
FAULT_CALLS_AT_ONCE = 4


async def test_every_fault_kind_once(vad_model: vad.VAD, tmp_path: Path) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    slots = asyncio.Semaphore(FAULT_CALLS_AT_ONCE)

    async def one(case: FaultCase) -> FaultStats:
        async with slots:
            return await run_fault(
                case,
                calls=1,
                concurrency=1,
                vad_model=vad_model,
                settings=settings,
                cache_dir=CACHE,
            )

    stats: list[FaultStats] = await asyncio.gather(*(one(case) for case in FAULTS))
    summary = {"faults": {s.case.name: s.as_dict() for s in stats}}
    print("\n" + render_table(summary))
    json.dumps(summary)

    failures = []
    for entry in stats:
        verdict = entry.verdicts[0]
        if verdict.error is not None or not verdict.survived or not verdict.words_kept:
            failures.append((entry.case.name, verdict.as_dict()))
    assert failures == []

    by_name = {s.case.name: s.verdicts[0] for s in stats}
    # The fault was really injected: someone else served the request.
    assert by_name["llm-500"].fallbacks["llm_fallback_model"] >= 1
    assert by_name["llm-429"].fallbacks["llm_fallback_model"] >= 1
    assert by_name["tts-disconnect"].fallbacks["tts_openai"] >= 1
    # The STT socket failed mid-utterance: the words voiced into it went with it (the
    # plugin does not replay audio), the rest of the turn reached the LLM (words_kept).
    # "Yes." lost whole with its socket survives only by being asked for again.
    for name in ("stt-disconnect", "stt-invalid-utf8", "stt-drop-short-answer"):
        assert by_name[name].fallbacks["stt_reconnects"] >= 1
        assert by_name[name].words_lost_stt >= 1
    # What covered each fault, from the worker's own call summary.
    lines = {name: verdict.recovery_lines for name, verdict in by_name.items()}
    # A stalled STT socket holding the caller's words gets a bridge line, whether it
    # had shown them in an interim, only heard speech begin (no bridge: 6.5 s) or never
    # connected (the VAD heard speech and no final came; no bridge: 8.6 s).
    # The 3 s silence target is the benchmark's to report (`python -m bench faults`,
    # silence_target_met): sixteen real-time calls at once on a shared machine stretch
    # every silence, so here the bridge line itself is the evidence.
    for name in ("stt-stall", "stt-stall-before-words", "stt-connect-hang"):
        assert lines[name].get("stt_bridge", 0) >= 1, (name, lines[name])
    assert lines["stt-drop-short-answer"].get("repeat_request", 0) >= 1
    # A socket quiet for good: asked to say it again, the caller was heard on a new one.
    assert lines["stt-stall-for-good"].get("repeat_request", 0) >= 1
    assert by_name["stt-stall-for-good"].fallbacks["stt_reconnects"] >= 1
    assert lines["llm-stall"].get("llm_bridge", 0) >= 1
    assert lines["llm-outage"].get("apology", 0) >= 1
    assert lines["llm-500"] == {}, "a fault the fallback hides needs no words"
    assert by_name["tts-outage"].outcome == "error"
    assert by_name["llm-outage"].outcome != "error"


# Silence a retry on the stalled socket cost before the TTS chain skipped it.
_RETRY_ON_STUCK_SOCKET_S = 5.0


@pytest.mark.parametrize("name", ["tts-stall", "tts-disconnect"])
async def test_a_tts_failing_mid_answer_is_covered_in_full(vad_model: vad.VAD, name: str) -> None:
    """With production settings (cached openers and fillers on), the reply goes to a TTS
    socket that then stops sending, or drops after two audio messages. A stall: the
    next TTS takes over inside the silence target, not after a retry on the same stuck
    socket (5 s measured). A drop: the answer is said again from its start, not left
    cut off (``cut_short``; the call survives only if every answer was heard in full)."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    case = next(c for c in FAULTS if c.name == name)
    # Two calls, one after the other: the first may spend the fault on warming the
    # opener audio (a fresh cache directory); the second has it in memory, so the
    # fault lands on its reply, as in a worker past its first call.
    stats = await run_fault(
        case, calls=2, concurrency=1, vad_model=vad_model, settings=settings, cache_dir=CACHE
    )
    for verdict in stats.verdicts:
        assert verdict.error is None and verdict.survived and verdict.words_kept, verdict
        assert verdict.cut_short == 0
    if name == "tts-stall":
        # The next TTS took over: served by it, and sooner than a retry on the stuck
        # socket costs (5 s measured). The 3 s target itself is the benchmark's
        # (`python -m bench faults`), not a wall-clock bound for a loaded machine.
        assert verdict.fallbacks["tts_openai"] >= 1, verdict
        assert verdict.silence_s is not None and verdict.silence_s < _RETRY_ON_STUCK_SOCKET_S
