"""``python -m bench latency --stt nova flux``: Deepgram Nova against Deepgram Flux in one
run, same calls, same seeds, our session around both.

Per profile and STT: content TTFA (the first audio of the model's words) and first-sound
TTFA (any agent sound) at the audio boundary, as the rest of ``bench latency`` measures
them, the share of turns with a filler, premature answers (over the
turns with a scripted mid-sentence pause, and over all turns), LLM requests per caller
turn as the provider received them (a preemptive request the session discarded counts:
it was billed), Flux's eager ends of turn per caller turn and how often the caller
resumed after one, and an estimated cost per call: the STT's audio minutes at its list price
plus the LLM's tokens (every request's prompt as sent, without the prompt-cache
discount, so an upper bound, and the output the framework counted). TTS is left out:
both STTs get the same replies spoken. Prices come from ``observability.prices``
(``config/settings.py`` names their sources). With ``fillers`` both ways, each STT runs
with the filler policy on and off on the same calls. Where each turn's time went is
reported per cell (:mod:`bench.latency_stages`). Figures are reported, never asserted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bench.latency_stages import StageTimes, render_stage_table
from config import Settings, default_settings
from config.settings import STTProvider
from sim.call import CallResult, run_call
from sim.latency_profiles import PROFILES
from sim.openai_chat import prompt_tokens
from sim.scenario import LatencyName, load_scenario
from worker.server import load_vad
from worker.telemetry.answer_timing import AnswerStats

__all__ = ["STT_CHOICES", "SttStats", "measure_stt", "render_stt_table", "summarize_stt"]

SttChoice = Literal["nova", "flux"]
STT_CHOICES: tuple[SttChoice, ...] = ("nova", "flux")
# Flux first, then the same fallbacks Nova has: what a deployment that turns Flux on runs.
_STT_ORDER: dict[SttChoice, list[STTProvider]] = {
    "nova": ["deepgram", "openai"],
    "flux": ["flux", "deepgram", "openai"],
}
_SCENARIOS = ("bench-app", "bench-phone")


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100.0 * len(ordered))) - 1]


@dataclass
class SttStats:
    """One STT's figures over the calls of one profile."""

    ttfa_ms: list[float] = field(default_factory=list)
    """First sound."""
    answers: AnswerStats = field(default_factory=AnswerStats)
    """Content TTFA and fillers, by the one definition (:mod:`worker.telemetry.answer_timing`)."""
    stages: StageTimes = field(default_factory=StageTimes)
    turns: int = 0
    unanswered: int = 0
    paused_turns: int = 0
    premature: int = 0
    premature_any: int = 0
    llm_requests: int = 0
    eager: int = 0
    resumed: int = 0
    cost_usd: float = 0.0
    calls: int = 0
    stt_minutes: float = 0.0

    def add(self, result: CallResult, stt_model: str, prices: dict[str, Any]) -> None:
        self.calls += 1
        self.answers.extend(AnswerStats(t.timing() for t in result.turns))
        self.stages.add(result.turns)
        for turn in result.turns:
            self.turns += 1
            self.premature_any += int(turn.premature)
            if turn.paused:
                self.paused_turns += 1
                self.premature += int(turn.premature)
            if turn.ttfa_ms is None:
                self.unanswered += 1
            else:
                self.ttfa_ms.append(turn.ttfa_ms)
        self.llm_requests += result.served.get("llm_requests", 0)
        self.eager += result.served.get("stt_flux_eager", 0)
        self.resumed += result.served.get("stt_flux_resumed", 0)
        self.cost_usd += _call_cost(result, stt_model, prices)
        self.stt_minutes += result.usage.get("stt_audio_seconds", 0.0) / 60.0

    def as_dict(self) -> dict[str, Any]:
        turns = self.turns or 1
        content = self.answers.content_ms
        answers = self.answers.as_dict()
        return {
            "content_p50_ms": _percentile(content, 50),
            "content_p95_ms": _percentile(content, 95),
            "p50_ms": _percentile(self.ttfa_ms, 50),
            "p95_ms": _percentile(self.ttfa_ms, 95),
            "filler_rate": answers["filler_rate"],
            "stages": self.stages.as_dict(),
            "premature_rate": self.premature / self.paused_turns if self.paused_turns else 0.0,
            "premature_all_rate": self.premature_any / turns,
            "llm_requests_per_turn": self.llm_requests / turns,
            "eager_per_turn": self.eager / turns,
            "resumed": self.resumed,
            "turns": self.turns,
            "unanswered": self.unanswered,
            "usd_per_call": self.cost_usd / self.calls if self.calls else math.nan,
            "stt_minutes": self.stt_minutes,
            "ttfa_samples_ms": self.ttfa_ms,
            "content_samples_ms": content,
        }


def _call_cost(result: CallResult, stt_model: str, prices: dict[str, Any]) -> float:
    """STT minutes at list price, plus every LLM request's prompt and the output."""
    stt = prices.get(stt_model)
    cost = result.usage.get("stt_audio_seconds", 0.0) / 60.0 * (stt.per_minute if stt else 0.0)
    for body in result.llm_requests:
        llm = prices.get(str(body.get("model", "")))
        if llm is not None:
            cost += len(prompt_tokens(body)) * llm.input_per_mtok / 1e6
    llm = prices.get(result.llm_requests[0].get("model", "")) if result.llm_requests else None
    if llm is not None:
        cost += result.usage.get("llm_output_tokens", 0.0) * llm.output_per_mtok / 1e6
    return cost


def _settings(base: Settings, stt: SttChoice, fillers: bool | None = None) -> Settings:
    providers = base.providers.model_copy(update={"stt_order": _STT_ORDER[stt]})
    update: dict[str, Any] = {"providers": providers}
    if fillers is not None:
        update["latency"] = base.latency.model_copy(update={"fillers": fillers})
    return base.model_copy(update=update)


def _stt_model(settings: Settings, stt: SttChoice, caller: str) -> str:
    if stt == "flux":
        return settings.providers.flux_model
    return settings.telephony.deepgram_model if caller == "phone" else settings.app.deepgram_model


def _variants(
    stts: Sequence[SttChoice], fillers: Sequence[bool]
) -> list[tuple[str, SttChoice, bool | None]]:
    """(label, STT, filler policy) for each column; one filler setting keeps the
    settings' own and the bare STT name."""
    if len(fillers) < 2:
        return [(str(s), s, fillers[0] if fillers else None) for s in stts]
    return [(f"{s} fill-{'on' if f else 'off'}", s, f) for s in stts for f in fillers]


async def measure_stt(
    calls: int,
    profiles: Sequence[LatencyName],
    stts: Sequence[SttChoice],
    fillers: Sequence[bool] = (),
    *,
    base: Settings | None = None,
) -> dict[str, dict[str, SttStats]]:
    """Each STT (and filler setting) over the same calls (scenario and seed) under each
    profile, on ``base`` (the defaults when None)."""
    base = base or default_settings()
    vad_model = load_vad(base)
    prices = dict(base.observability.prices)
    variants = _variants(stts, fillers)
    stats: dict[str, dict[str, SttStats]] = {
        str(p): {label: SttStats() for label, _, _ in variants} for p in profiles
    }
    for profile in profiles:
        for index in range(calls):
            scenario = load_scenario(_SCENARIOS[index % len(_SCENARIOS)])
            for label, stt, filler in variants:
                settings = _settings(base, stt, filler)
                started = time.monotonic()
                result = await run_call(
                    scenario,
                    vad_model=vad_model,
                    latency=PROFILES[profile],
                    base_settings=settings,
                    seed=index,
                )
                model = _stt_model(settings, stt, scenario.caller)
                stats[profile][label].add(result, model, prices)
                print(
                    f"  {profile:<8} {label:<14} {scenario.name:<12} "
                    f"{time.monotonic() - started:5.1f}s",
                    flush=True,
                )
    return stats


def summarize_stt(stats: dict[str, dict[str, SttStats]]) -> dict[str, Any]:
    return {"stt": {p: {s: v.as_dict() for s, v in by.items()} for p, by in stats.items()}}


def render_stt_table(summary: dict[str, Any]) -> str:
    header = (
        f"{'profile':<8} {'stt':<14} {'cont50':>6} {'cont95':>6} {'snd50':>6} {'snd95':>6} "
        f"{'filler':>6} {'premature':>9} {'prem_all':>8} {'llm/turn':>8} {'eager/t':>7} "
        f"{'resumed':>7} {'usd/call':>9} {'turns':>5}"
    )
    lines = [header, "-" * len(header)]
    for profile, by_stt in summary["stt"].items():
        for stt, s in by_stt.items():
            lines.append(
                f"{profile:<8} {stt:<14} {s['content_p50_ms']:>6.0f} {s['content_p95_ms']:>6.0f} "
                f"{s['p50_ms']:>6.0f} {s['p95_ms']:>6.0f} {s['filler_rate']:>6.0%} "
                f"{s['premature_rate']:>8.1%} {s['premature_all_rate']:>7.1%} "
                f"{s['llm_requests_per_turn']:>8.2f} {s['eager_per_turn']:>7.2f} "
                f"{s['resumed']:>7} {s['usd_per_call']:>9.4f} {s['turns']:>5}"
            )
    cells = {
        f"{profile} {stt}": s["stages"]
        for profile, by_stt in summary["stt"].items()
        for stt, s in by_stt.items()
    }
    return "\n".join(lines) + "\n\n" + render_stage_table(cells)
