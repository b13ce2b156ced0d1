"""``python -m bench latency --stt nova flux``: Deepgram Nova against Deepgram Flux in one
run, same calls, same seeds, our session around both.

Per profile and STT: time to first audio at the audio boundary (``p50``/``p95``: any
agent sound, as the rest of ``bench latency`` measures it), premature answers (over the
turns with a scripted mid-sentence pause, and over all turns), LLM requests per caller
turn as the provider received them (a preemptive request the session discarded counts:
it was billed), Flux's eager ends of turn per caller turn and how often the caller
resumed after one, and an estimated cost per call: the STT's audio minutes at its list price
plus the LLM's tokens (every request's prompt as sent, without the prompt-cache
discount, so an upper bound, and the output the framework counted). TTS is left out:
both STTs get the same replies spoken. Prices come from ``observability.prices``
(``config/settings.py`` names their sources). Figures are reported, never asserted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from config import Settings, default_settings
from config.settings import STTProvider
from sim.call import CallResult, run_call
from sim.latency_profiles import PROFILES
from sim.openai_chat import prompt_tokens
from sim.scenario import LatencyName, load_scenario
from worker.server import load_vad

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
        return {
            "p50_ms": _percentile(self.ttfa_ms, 50),
            "p95_ms": _percentile(self.ttfa_ms, 95),
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


def _settings(base: Settings, stt: SttChoice) -> Settings:
    providers = base.providers.model_copy(update={"stt_order": _STT_ORDER[stt]})
    return base.model_copy(update={"providers": providers})


def _stt_model(settings: Settings, stt: SttChoice, caller: str) -> str:
    if stt == "flux":
        return settings.providers.flux_model
    return settings.telephony.deepgram_model if caller == "phone" else settings.app.deepgram_model


async def measure_stt(
    calls: int, profiles: Sequence[LatencyName], stts: Sequence[SttChoice]
) -> dict[str, dict[str, SttStats]]:
    """Each STT over the same calls (scenario and seed) under each profile."""
    base = default_settings()
    vad_model = load_vad(base)
    prices = dict(base.observability.prices)
    stats: dict[str, dict[str, SttStats]] = {
        str(p): {str(s): SttStats() for s in stts} for p in profiles
    }
    for profile in profiles:
        for index in range(calls):
            scenario = load_scenario(_SCENARIOS[index % len(_SCENARIOS)])
            for stt in stts:
                settings = _settings(base, stt)
                started = time.monotonic()
                result = await run_call(
                    scenario,
                    vad_model=vad_model,
                    latency=PROFILES[profile],
                    base_settings=settings,
                    seed=index,
                )
                model = _stt_model(settings, stt, scenario.caller)
                stats[profile][stt].add(result, model, prices)
                print(
                    f"  {profile:<8} {stt:<5} {scenario.name:<12} "
                    f"{time.monotonic() - started:5.1f}s",
                    flush=True,
                )
    return stats


def summarize_stt(stats: dict[str, dict[str, SttStats]]) -> dict[str, Any]:
    return {"stt": {p: {s: v.as_dict() for s, v in by.items()} for p, by in stats.items()}}


def render_stt_table(summary: dict[str, Any]) -> str:
    header = (
        f"{'profile':<8} {'stt':<5} {'p50_ms':>7} {'p95_ms':>7} {'premature':>9} "
        f"{'prem_all':>8} {'llm/turn':>8} {'eager/t':>7} {'resumed':>7} {'usd/call':>9} "
        f"{'turns':>5}"
    )
    lines = [header, "-" * len(header)]
    for profile, by_stt in summary["stt"].items():
        for stt, s in by_stt.items():
            lines.append(
                f"{profile:<8} {stt:<5} {s['p50_ms']:>7.0f} {s['p95_ms']:>7.0f} "
                f"{s['premature_rate']:>8.1%} {s['premature_all_rate']:>7.1%} "
                f"{s['llm_requests_per_turn']:>8.2f} {s['eager_per_turn']:>7.2f} "
                f"{s['resumed']:>7} {s['usd_per_call']:>9.4f} {s['turns']:>5}"
            )
    return "\n".join(lines)
