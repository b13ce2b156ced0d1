"""``python -m bench faults``: provider faults injected into many simulated calls at once.

Each row of :data:`FAULTS` names a simulator and the :class:`sim.faults.Fault` fields it
injects; every call runs the real session and plugins against the wire simulators. Per
fault: calls that survived (every caller turn answered in full, or apologised for), the longest
silence the caller heard after finishing a turn (on the captured agent audio; target
3 s), fallbacks (what each simulator served), and whether the caller's words reached the
LLM afterwards. The two outage rows take every LLM, or every TTS, down for the whole
call: the caller hears an apology, or, with nothing left to speak with, the call ends
with its outcome recorded. Figures are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from livekit.agents import vad

from bench.record import recorded
from config import Settings, default_settings
from config.log_setup import configure_logging
from sim.call import CallResult, TurnRecord, run_call
from sim.elevenlabs_multistream import ElevenLabsLatency
from sim.scenario import FaultSpec, Scenario, load_scenario
from worker.agent import APOLOGY
from worker.call.outcome import CallOutcome
from worker.server import load_vad

__all__ = [
    "FAULTS",
    "SILENCE_TARGET_S",
    "CallVerdict",
    "FaultCase",
    "FaultStats",
    "cut_short",
    "judge_call",
    "longest_silence",
    "render_table",
    "run",
    "run_fault",
]

SCENARIO = "fault-two-turns"
SILENCE_TARGET_S = 3.0
# The simulated TTS's speaking time per character, and the share of an answer's text
# that must have sounded for it to count as said (placeholders spoken, rounding).
SPEECH_S_PER_CHAR = ElevenLabsLatency().ms_per_char / 1000
HEARD_FRACTION = 0.75
DEFAULT_JSON = Path("bench/results/faults.json")
Simulator = Literal["deepgram", "openai", "openai_audio", "elevenlabs"]
Expect = Literal["answer", "apology", "ended"]


@dataclass(frozen=True)
class FaultCase:
    """One row of the suite.

    Args:
        name: the row's name in the table.
        simulator: which simulator injects the faults.
        faults: :class:`sim.faults.Fault` keyword arguments, one mapping per fault.
        expect: ``answer`` (the call goes on), ``apology`` (every turn apologised for)
            or ``ended`` (the worker ends the call with outcome ``error`` and deletes
            the room, hanging up the caller).
        providers: ``ProviderSettings`` fields to override (e.g. a one-TTS chain).
        also: faults other simulators inject at the same time (an outage of a whole
            fallback chain).
        call: the scenario (under ``sim/scenarios``) the fault breaks.
    """

    name: str
    simulator: Simulator
    faults: tuple[Mapping[str, Any], ...]
    expect: Expect = "answer"
    providers: Mapping[str, Any] = field(default_factory=dict)
    also: Mapping[Simulator, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)
    call: str = SCENARIO

    def scenario(self, base: Scenario) -> Scenario:
        plans = {self.simulator: self.faults, **self.also}
        spec = FaultSpec.model_validate(
            {simulator: [dict(f) for f in faults] for simulator, faults in plans.items()}
        )
        return base.model_copy(update={"name": f"{base.name}-{self.name}", "faults": spec})


# Request 0 is the first turn's chat request, the session's first Deepgram socket (open
# before the caller speaks) and the prewarmed ElevenLabs socket. The LLM stall outlasts
# the production request timeout (10 s, kept by sim/settings.py). New fault kinds are rows.
FAULTS: tuple[FaultCase, ...] = (
    # After SpeechStarted and the first interim result: mid-utterance.
    FaultCase("stt-disconnect", "deepgram", ({"kind": "disconnect", "after_messages": 2},)),
    # A one-word answer whose socket goes quiet after SpeechStarted and then drops: the
    # answer's audio went only to the dropped socket, and its words with it.
    FaultCase(
        "stt-drop-short-answer",
        "deepgram",
        (
            {"kind": "stall", "after_messages": 1, "seconds": 1.0},
            {"kind": "disconnect", "after_messages": 1},
        ),
        call="fault-short-answer",
    ),
    FaultCase("stt-stall", "deepgram", ({"kind": "stall", "after_messages": 2, "seconds": 8},)),
    # A socket that goes quiet for good, open and sending no error: the plugin would keep
    # it, so the caller's repeat must go to a new one.
    FaultCase(
        "stt-stall-for-good",
        "deepgram",
        ({"kind": "stall", "after_messages": 2, "seconds": 600},),
    ),
    # After SpeechStarted only: no interim ever shows words, as with a short answer
    # ("Yes.") that ends before Deepgram's first interim.
    FaultCase(
        "stt-stall-before-words",
        "deepgram",
        ({"kind": "stall", "after_messages": 1, "seconds": 8},),
    ),
    # The session's first socket: the handshake is never answered, so the caller's first
    # turn waits for the plugin's connect timeout and shows nothing meanwhile.
    FaultCase("stt-connect-hang", "deepgram", ({"kind": "hang"},)),
    FaultCase("stt-malformed", "deepgram", ({"kind": "malformed", "after_messages": 1},)),
    FaultCase("stt-invalid-utf8", "deepgram", ({"kind": "invalid_utf8", "after_messages": 1},)),
    FaultCase("llm-429", "openai", ({"kind": "http_error", "status": 429},)),
    FaultCase("llm-500", "openai", ({"kind": "http_error", "status": 500},)),
    FaultCase("llm-stall", "openai", ({"kind": "stall", "seconds": 12},)),
    FaultCase("llm-malformed", "openai", ({"kind": "malformed", "after_messages": 1},)),
    FaultCase("llm-invalid-utf8", "openai", ({"kind": "invalid_utf8", "after_messages": 1},)),
    # After the first two audio messages of the first answer: mid-sentence.
    FaultCase("tts-disconnect", "elevenlabs", ({"kind": "disconnect", "after_messages": 2},)),
    FaultCase("tts-stall", "elevenlabs", ({"kind": "stall", "after_messages": 1, "seconds": 8},)),
    FaultCase("tts-malformed", "elevenlabs", ({"kind": "malformed", "after_messages": 1},)),
    FaultCase("tts-invalid-utf8", "elevenlabs", ({"kind": "invalid_utf8", "after_messages": 1},)),
    FaultCase(
        "llm-outage",
        "openai",
        ({"kind": "http_error", "status": 500, "request": None},),
        expect="apology",
    ),
    FaultCase(
        "tts-outage",
        "elevenlabs",
        ({"kind": "http_error", "status": 503, "request": None},),
        expect="ended",
        # Every TTS of the configured chain: ElevenLabs and OpenAI's speech endpoint.
        also={"openai_audio": ({"kind": "http_error", "status": 503, "request": None},)},
    ),
)


def _answer_frames(result: CallResult, turn: TurnRecord) -> list[tuple[float, float]]:
    """(start, duration) of the agent audio played while the caller waited on ``turn``."""
    if turn.speech_end_at is None or turn.waited_until is None:
        return []
    start, stop = turn.speech_end_at, turn.waited_until
    return [(at, duration) for at, duration in result.agent_frames if start <= at <= stop]


def longest_silence(result: CallResult, turn: TurnRecord) -> float | None:
    """Longest stretch without agent audio between the caller's end of turn and the end
    of the answer (the caller's wait, bridge lines and apologies count as audio).

    Args:
        result: the call.
        turn: one of its turns.
    """
    if turn.speech_end_at is None or turn.waited_until is None:
        return None
    start, stop = turn.speech_end_at, turn.waited_until
    played = sorted((at, at + duration) for at, duration in _answer_frames(result, turn))
    if turn.said_again is not None:
        # The caller saying it again, asked to, is not a silence they sit through.
        played = sorted([*played, turn.said_again])
    if not played:
        return stop - start
    longest, cursor = 0.0, start
    for begin, end in played:
        longest = max(longest, begin - cursor)
        cursor = max(cursor, end)
    return longest


def cut_short(result: CallResult, turn: TurnRecord) -> bool:
    """Whether the caller heard less than :data:`HEARD_FRACTION` of the answer's text.

    A TTS that breaks mid-answer can end the answer with no silence at all (the agent
    just stops), so the longest silence alone would pass a lost question. The
    simulators speak every character for a fixed time (both TTS simulators' default
    ``ms_per_char``), so the answer's text says how long it should have sounded.
    """
    if turn.speech_end_at is None or turn.waited_until is None or not turn.agent_text:
        return False
    heard = sum(duration for _, duration in _answer_frames(result, turn))
    return heard < HEARD_FRACTION * len(turn.agent_text) * SPEECH_S_PER_CHAR


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def _without(words: list[str], lost: list[str]) -> str:
    """``words`` with the ``lost`` words taken out where they occur, in order (``lost``
    is consumed: each lost word removes one occurrence)."""
    kept: list[str] = []
    for word in words:
        if lost and word == lost[0]:
            lost.pop(0)
        else:
            kept.append(word)
    return " ".join(kept)


def _user_texts(body: Mapping[str, Any]) -> str:
    texts = []
    for message in body.get("messages", []):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        texts.append(str(content or ""))
    return _words(" ".join(texts))


@dataclass
class CallVerdict:
    survived: bool
    silence_s: float | None
    fallbacks: dict[str, int]
    words_kept: bool
    outcome: str | None
    error: str | None = None
    words_lost_stt: int = 0
    """Caller words lost with a dropped STT connection (their audio went to it)."""
    recovery_lines: dict[str, int] = field(default_factory=dict)
    """What the worker says it spoke to cover the fault (its call summary)."""
    cut_short: int = 0
    """Answers the caller heard only part of (:func:`cut_short`)."""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _fallbacks(result: CallResult, settings: Settings) -> dict[str, int]:
    primary = settings.providers.openai_model
    served = result.served
    return {
        "stt_reconnects": max(0, served.get("stt_deepgram_connections", 0) - 1),
        "stt_openai": served.get("stt_openai_transcriptions", 0),
        "llm_fallback_model": sum(1 for r in result.llm_requests if r.get("model") != primary),
        "tts_openai": served.get("tts_openai_speech", 0),
    }


def judge_call(case: FaultCase, result: CallResult, settings: Settings) -> CallVerdict:
    """What happened to one call, against what the row expects."""
    silences = [s for t in result.turns if (s := longest_silence(result, t)) is not None]
    cut = sum(cut_short(result, t) for t in result.turns)
    last = result.llm_requests[-1] if result.llm_requests else {}
    heard = _user_texts(last)
    # The last chat request of the call carries the whole history: every word the STT
    # delivered must be in it (a fallback or a retry must not drop the turn it failed
    # on). Words whose audio went to a dropped STT connection never reached an STT
    # that could send them: counted apart, as lost with it.
    asked = [t for t in result.turns if t.caller_text]
    lost = _words(" ".join(result.stt_lost_words)).split()
    unmatched = list(lost)
    delivered = [_without(_words(t.caller_text).split(), unmatched) for t in asked]
    words_kept = bool(asked) and all(words in heard for words in delivered if words)
    if case.expect == "ended":
        # Ended for the caller too: the room deleted, which hangs up their SIP leg.
        hung_up = any(name == "DeleteRoom" for _, name in result.livekit_requests)
        survived = result.outcome == CallOutcome.ERROR and hung_up
        words_kept = True  # nothing to ask the LLM once the call ended
    elif case.expect == "apology":
        survived = (
            len(result.turns) == len(asked) > 0
            and all(APOLOGY in t.agent_text and t.ttfa_ms is not None for t in result.turns)
            and cut == 0
        )
    else:
        survived = (
            result.outcome != CallOutcome.ERROR
            and len(result.turns) == len(asked) > 0
            and all(t.agent_text and t.ttfa_ms is not None for t in result.turns)
            and cut == 0
        )
    return CallVerdict(
        survived=survived,
        silence_s=max(silences) if silences else None,
        fallbacks=_fallbacks(result, settings),
        words_kept=words_kept,
        outcome=str(result.outcome) if result.outcome is not None else None,
        words_lost_stt=len(lost),
        recovery_lines=dict(result.summary.get("recovery_lines", {})),
        cut_short=cut,
    )


def _summed(counts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Per-key totals over the calls, a key that counted zero kept (unlike Counter)."""
    total: dict[str, int] = {}
    for each in counts:
        for key, count in each.items():
            total[key] = total.get(key, 0) + count
    return total


@dataclass
class FaultStats:
    case: FaultCase
    verdicts: list[CallVerdict] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        silences = [v.silence_s for v in self.verdicts if v.silence_s is not None]
        fallbacks = _summed(v.fallbacks for v in self.verdicts)
        spoken = _summed(v.recovery_lines for v in self.verdicts)
        longest = max(silences) if silences else math.nan
        return {
            "simulator": self.case.simulator,
            "faults": [dict(f) for f in self.case.faults],
            "expect": self.case.expect,
            "calls": len(self.verdicts),
            "survived": sum(v.survived for v in self.verdicts),
            "errors": sum(v.error is not None for v in self.verdicts),
            "max_silence_s": longest,
            "silence_target_met": self.case.expect == "ended" or longest <= SILENCE_TARGET_S,
            "fallbacks": fallbacks,
            "recovery_lines": spoken,
            "words_kept": sum(v.words_kept for v in self.verdicts),
            "words_lost_stt": sum(v.words_lost_stt for v in self.verdicts),
            "cut_short": sum(v.cut_short for v in self.verdicts),
            "calls_detail": [v.as_dict() for v in self.verdicts],
        }


async def run_fault(
    case: FaultCase,
    *,
    calls: int,
    concurrency: int,
    vad_model: vad.VAD,
    settings: Settings,
    base: Scenario | None = None,
    cache_dir: Path | None = None,
) -> FaultStats:
    """Run ``calls`` simulated calls with ``case`` injected, ``concurrency`` at a time."""
    scenario = case.scenario(base or load_scenario(case.call))
    call_settings = settings.model_copy(
        update={"providers": settings.providers.model_copy(update=dict(case.providers))}
    )
    gate = asyncio.Semaphore(concurrency)
    stats = FaultStats(case)
    extra: dict[str, Any] = {} if cache_dir is None else {"cache_dir": cache_dir}

    async def one() -> None:
        async with gate:
            try:
                result = await run_call(
                    scenario, vad_model=vad_model, base_settings=call_settings, **extra
                )
            except Exception as error:  # a call that crashes is a call that did not survive
                stats.verdicts.append(
                    CallVerdict(False, None, {}, False, None, error=repr(error)[:200])
                )
                return
            stats.verdicts.append(judge_call(case, result, call_settings))

    await asyncio.gather(*(one() for _ in range(calls)))
    return stats


def render_table(summary: Mapping[str, Any]) -> str:
    width = max([len("fault"), *(len(name) for name in summary["faults"])])
    header = (
        f"{'fault':<{width}} {'calls':>5} {'survived':>8} {'max_silence_s':>13} "
        f"{'target':>6} {'fallbacks':>9} {'words_kept':>10} {'stt_words_lost':>14} "
        f"{'cut_short':>9}"
    )
    lines = [header, "-" * len(header)]
    for name, s in summary["faults"].items():
        target = "n/a" if s["expect"] == "ended" else ("ok" if s["silence_target_met"] else "MISS")
        lines.append(
            f"{name:<{width}} {s['calls']:>5} {s['survived']:>8} {s['max_silence_s']:>13.2f} "
            f"{target:>6} {sum(s['fallbacks'].values()):>9} {s['words_kept']:>10} "
            f"{s['words_lost_stt']:>14} {s['cut_short']:>9}"
        )
    return "\n".join(lines)


async def _measure(
    cases: Sequence[FaultCase], calls: int, concurrency: int
) -> dict[str, FaultStats]:
    settings = default_settings()
    vad_model = load_vad(settings)
    out: dict[str, FaultStats] = {}
    for case in cases:
        started = time.monotonic()
        out[case.name] = await run_fault(
            case, calls=calls, concurrency=concurrency, vad_model=vad_model, settings=settings
        )
        print(f"  {case.name:<22} {calls} calls {time.monotonic() - started:6.1f}s", flush=True)
    return out


def run(argv: Sequence[str] | None = None) -> int:
    names = [c.name for c in FAULTS]
    parser = argparse.ArgumentParser(prog="python -m bench faults")
    parser.add_argument("--calls", type=int, default=50, help="calls per fault")
    parser.add_argument("--concurrency", type=int, default=5, help="calls at once")
    parser.add_argument("--only", nargs="+", choices=names, default=names, metavar="FAULT")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.concurrency < 1:
        parser.error("--calls and --concurrency must be at least 1")

    configure_logging(level="ERROR", fmt="console", own_handler=True)
    cases = [c for c in FAULTS if c.name in args.only]
    stats = asyncio.run(_measure(cases, args.calls, args.concurrency))
    summary = {
        "recorded": recorded("faults", argv),
        "calls_per_fault": args.calls,
        "concurrency": args.concurrency,
        "silence_target_s": SILENCE_TARGET_S,
        "faults": {name: s.as_dict() for name, s in stats.items()},
    }
    print(render_table(summary))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    print(f"wrote {args.json}")
    return 0
