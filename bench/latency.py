"""``python -m bench latency``: time to the answer, ours vs vanilla, under the provider
latency profiles, through the real pipeline and the wire simulators.

The headline is **content TTFA** (:mod:`worker.telemetry.answer_timing`): from the caller's last
voiced sample to the first audio of the model's words, at the audio boundary. A filler,
bridge line, repeat request or apology is not the answer; cached audio of the model's
own opener is. **First sound** (any agent audio) is the second figure. ``wrk_p50``: the
same turns' content TTFA as the worker's own collectors observed it
(``callcenter_ttfa_content_seconds``), what operators see on the dashboard.

Per cell, what callers notice of fillers (:mod:`worker.speech.filler_policy`): the share of
turns with one, the same line twice in a row (``same``), fillers on consecutive turns
(``consec``), the silence between a filler and the answer (``sil50``) and how long a
ready answer waited behind a filler (``dly50``); and the phrase cache's hit rate over the
replies (``cache``: the share that opened with cached audio). Premature: the agent
committed to a reply or spoke before the caller finished (:func:`sim.premature.premature_turn`),
over turns with a scripted pause (``premature``) and over every turn (``prem_all``).
Figures are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livekit.agents import vad
from livekit.plugins import silero

from bench.latency_stages import StageTimes, render_stage_table
from bench.latency_stt import STT_CHOICES, measure_stt, render_stt_table, summarize_stt
from bench.overrides import settings_with
from bench.record import recorded
from config import Settings, SettingsError
from config.log_setup import configure_logging
from sim.call import CallResult, TurnRecord, run_call
from sim.latency_profiles import PROFILES
from sim.scenario import LatencyName, load_scenario
from worker.server import load_vad
from worker.session_factory import SessionFlavor
from worker.telemetry.answer_timing import AnswerStats

__all__ = ["FlavorStats", "percentile", "run", "summarize"]

SCENARIOS = ("bench-app", "bench-phone")
FLAVORS = ("ours", "vanilla")
_SESSION_FLAVOR: dict[str, SessionFlavor] = {"ours": "tuned", "vanilla": "vanilla"}
DEFAULT_JSON = Path("bench/results/latency.json")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def _nan(value: object) -> float:
    return math.nan if value is None else float(value)  # type: ignore[arg-type]


@dataclass
class FlavorStats:
    calls: list[AnswerStats] = field(default_factory=list)
    """Every call's turns, timed by the one definition (:mod:`worker.telemetry.answer_timing`)."""
    worker_content_ms: list[float] = field(default_factory=list)
    """Content TTFA as the worker's own collectors observed it."""
    paused_turns: int = 0
    premature: int = 0
    premature_any: int = 0
    """Premature turns among all turns, paused or not."""
    cache_hits: int = 0
    cache_misses: int = 0
    stages: StageTimes = field(default_factory=StageTimes)
    """Where each turn's time went (:mod:`bench.latency_stages`)."""

    @property
    def answers(self) -> AnswerStats:
        merged = AnswerStats()
        for call in self.calls:
            merged.extend(call)
        return merged

    def add(self, turns: Sequence[TurnRecord]) -> None:
        """One call's turns."""
        self.calls.append(AnswerStats(t.timing() for t in turns))
        self.stages.add(turns)
        for turn in turns:
            self.premature_any += int(turn.premature)
            if turn.paused:
                self.paused_turns += 1
                self.premature += int(turn.premature)

    def add_result(self, result: CallResult) -> None:
        self.add(result.turns)
        self.worker_content_ms.extend(result.observed.get("ttfa_content", []))
        self.cache_hits += result.phrase_cache_hits
        self.cache_misses += result.phrase_cache_misses

    def as_dict(self) -> dict[str, Any]:
        answers = self.answers.as_dict()
        turns = len(self.answers.timings)
        # A filler repeated, or on consecutive turns, is counted within each call.
        per_call = [call.as_dict() for call in self.calls]
        same = sum(int(c["filler_same_line_in_a_row"]) for c in per_call)  # type: ignore[call-overload]
        consecutive = sum(int(c["filler_consecutive_turns"]) for c in per_call)  # type: ignore[call-overload]
        content = self.answers.content_ms
        lookups = self.cache_hits + self.cache_misses
        return {
            "p50_ms": percentile(content, 50),
            "p95_ms": percentile(content, 95),
            "max_ms": max(content) if content else math.nan,
            "first_sound_p50_ms": _nan(answers["first_sound_p50_ms"]),
            "first_sound_p95_ms": _nan(answers["first_sound_p95_ms"]),
            "premature_rate": self.premature / self.paused_turns if self.paused_turns else 0.0,
            "premature_all_rate": self.premature_any / turns if turns else 0.0,
            "turns": turns,
            "unanswered": answers["unanswered"],
            "filler_rate": answers["filler_rate"],
            "filler_same_line_in_a_row": same,
            "filler_consecutive_turns": consecutive,
            "silence_after_filler_p50_ms": _nan(answers["silence_after_filler_p50_ms"]),
            "filler_delay_p50_ms": _nan(answers["filler_delay_p50_ms"]),
            "filler_delay_max_ms": _nan(answers["filler_delay_max_ms"]),
            "fillers_by_kind": answers["fillers_by_kind"],
            "cache_hit_rate": self.cache_hits / lookups if lookups else math.nan,
            "content_samples_ms": content,
            "first_sound_samples_ms": self.answers.first_sound_ms,
            # What operators see on the dashboard for the same turns.
            "worker_content_p50_ms": percentile(self.worker_content_ms, 50),
            "worker_content_p95_ms": percentile(self.worker_content_ms, 95),
            "stages": self.stages.as_dict(),
        }


def summarize(stats: dict[str, dict[str, FlavorStats]]) -> dict[str, Any]:
    profiles: dict[str, Any] = {}
    for profile, flavors in stats.items():
        entry = {name: s.as_dict() for name, s in flavors.items()}
        ours, vanilla = entry["ours"], entry["vanilla"]
        entry["ratio"] = {
            key: ours[key] / vanilla[key] if vanilla[key] else math.nan
            for key in ("p50_ms", "p95_ms")
        }
        profiles[profile] = entry
    return {"profiles": profiles}


_HEADER = (
    f"{'profile':<8} {'agent':<16} {'cont50':>6} {'cont95':>6} {'snd50':>6} {'snd95':>6} "
    f"{'filler':>6} {'same':>4} {'consec':>6} {'sil50':>5} {'dly50':>5} {'cache':>5} "
    f"{'premat':>6} {'p_all':>5} {'turns':>5} {'wrk50':>6}"
)


def _row(profile: str, name: str, s: dict[str, Any]) -> str:
    def ms(value: float) -> str:
        return "-" if math.isnan(value) else f"{value:.0f}"

    return (
        f"{profile:<8} {name:<16} {ms(s['p50_ms']):>6} {ms(s['p95_ms']):>6} "
        f"{ms(s['first_sound_p50_ms']):>6} {ms(s['first_sound_p95_ms']):>6} "
        f"{s['filler_rate']:>6.0%} {s['filler_same_line_in_a_row']:>4} "
        f"{s['filler_consecutive_turns']:>6} {ms(s['silence_after_filler_p50_ms']):>5} "
        f"{ms(s['filler_delay_p50_ms']):>5} "
        f"{'-' if math.isnan(s['cache_hit_rate']) else format(s['cache_hit_rate'], '.0%'):>5} "
        f"{s['premature_rate']:>6.1%} {s['premature_all_rate']:>5.1%} {s['turns']:>5} "
        f"{ms(s['worker_content_p50_ms']):>6}"
    )


def render_table(summary: dict[str, Any]) -> str:
    lines = [_HEADER, "-" * len(_HEADER)]
    for profile, entry in summary["profiles"].items():
        for name in FLAVORS:
            lines.append(_row(profile, name, entry[name]))
        ratio = entry["ratio"]
        lines.append(
            f"{profile:<8} {'ours/vanilla':<16} {ratio['p50_ms']:>6.2f} {ratio['p95_ms']:>6.2f}"
        )
    cells = {
        f"{profile} {name}": entry[name]["stages"]
        for profile, entry in summary["profiles"].items()
        for name in FLAVORS
    }
    return "\n".join(lines) + "\n\n" + render_stage_table(cells)


def plot_cdf(summary: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    profiles = list(summary["profiles"])
    fig, axes = plt.subplots(1, len(profiles), figsize=(5 * len(profiles), 4), sharey=True)
    axes = list(axes) if len(profiles) > 1 else [axes]
    for ax, profile in zip(axes, profiles, strict=True):
        for name in FLAVORS:
            samples = sorted(summary["profiles"][profile][name]["content_samples_ms"])
            if samples:
                ys = [(i + 1) / len(samples) for i in range(len(samples))]
                ax.step(samples, ys, where="post", label=name)
        ax.set_title(f"provider latency: {profile}")
        ax.set_xlabel("content TTFA (ms)")
        ax.grid(alpha=0.3)
        ax.legend()
    axes[0].set_ylabel("fraction of turns")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _progress(profile: str, label: str, result: CallResult, started: float) -> None:
    lookups = result.phrase_cache_hits + result.phrase_cache_misses
    print(
        f"  {profile:<8} {label:<16} {result.scenario:<12} "
        f"{time.monotonic() - started:5.1f}s cache={result.phrase_cache_hits}/{lookups}",
        flush=True,
    )


async def _measure(
    calls: int, profiles: Sequence[LatencyName], settings: Settings
) -> dict[str, dict[str, FlavorStats]]:
    vads: dict[str, vad.VAD] = {
        "ours": load_vad(settings),
        # Vanilla: the framework's defaults, Silero included.
        "vanilla": silero.VAD.load(),
    }
    stats: dict[str, dict[str, FlavorStats]] = {
        p: {f: FlavorStats() for f in FLAVORS} for p in profiles
    }
    for profile in profiles:
        for index in range(calls):
            scenario = load_scenario(SCENARIOS[index % len(SCENARIOS)])
            for name in FLAVORS:
                started = time.monotonic()
                result = await run_call(
                    scenario,
                    vad_model=vads[name],
                    flavor=_SESSION_FLAVOR[name],
                    latency=PROFILES[profile],
                    base_settings=settings,
                    # A seed per call: another plausible run (punctuation, provider
                    # delays), and ours and vanilla hear the same one.
                    seed=index,
                )
                stats[profile][name].add_result(result)
                _progress(profile, name, result, started)
    return stats


# --ablate: each technique off in turn (a LatencySettings field and its "off" value), next
# to the saving commonly claimed for it and where the claim comes from; then what is
# off by default turned on (a "+" row).
ABLATIONS: tuple[tuple[str, str, Any, str, str], ...] = (
    (
        "preemptive LLM",
        "preemptive_generation",
        False,
        "hundreds of ms (LLM time overlapped with endpointing)",
        "https://beluga-ai.org/docs/tutorials/voice/preemptive-generation",
    ),
    (
        "phrase cache",
        "phrase_cache",
        False,
        "TTS first byte on hits, 120-400 ms (340 ms gap removed)",
        "https://quantumautomations.ai/blog/tts-caching-voice-agents.html",
    ),
    (
        "filler policy",
        "fillers",
        False,
        "fills the LLM's wait: first audio at the filler's trigger, not at the answer",
        "https://docs.agora.io/en/conversational-ai/best-practices/filler-words",
    ),
    (
        "TTS prewarm",
        "tts_prewarm",
        False,
        "one websocket + TLS handshake on the first answer",
        "https://callsphere.tech/blog/voice-agent-latency-optimization-sub-500ms-response-times",
    ),
    (
        "first clause",
        "tts_first_clause",
        False,
        "TTS starts on the first clause, not the sentence",
        "https://hellotrillion.ai/p/natural-convo/raw",
    ),
)
ADDITIONS: tuple[tuple[str, str, Any, str, str], ...] = (
    (
        "model routing",
        "model_routing",
        True,
        "a small model for conversational glue: its TTFT (nano 180 ms vs mini 550 ms)",
        "sim/latency_profiles.py (MEASURED: gpt-4.1-nano and gpt-4.1-mini TTFT)",
    ),
    (
        "preemptive TTS",
        "preemptive_tts",
        True,
        "TTS starts on the preemptive generation's text, before the turn is committed",
        "livekit-agents 1.8 voice/agent_activity.py (preemptive_generation.preemptive_tts)",
    ),
)


def _variants(settings: Settings) -> dict[str, Settings]:
    variants: dict[str, Settings] = {"all on": settings}
    for prefix, table in (("-", ABLATIONS), ("+", ADDITIONS)):
        for label, name, value, _, _ in table:
            latency = settings.latency.model_copy(update={name: value})
            variants[f"{prefix}{label}"] = settings.model_copy(update={"latency": latency})
    return variants


async def _measure_ablation(
    calls: int, profiles: Sequence[LatencyName], settings: Settings, only: Sequence[str] = ()
) -> dict[str, dict[str, FlavorStats]]:
    """Ours with everything on, then with each technique off (or on) in turn; every
    variant hears the same calls (scenario and seed)."""
    vad_model = load_vad(settings)
    variants = {
        label: v
        for label, v in _variants(settings).items()
        if label == "all on" or not only or label[1:] in only
    }
    stats: dict[str, dict[str, FlavorStats]] = {
        p: {v: FlavorStats() for v in variants} for p in profiles
    }
    for profile in profiles:
        for index in range(calls):
            scenario = load_scenario(SCENARIOS[index % len(SCENARIOS)])
            for label, variant in variants.items():
                started = time.monotonic()
                result = await run_call(
                    scenario,
                    vad_model=vad_model,
                    latency=PROFILES[profile],
                    base_settings=variant,
                    seed=index,
                )
                stats[profile][label].add_result(result)
                _progress(profile, label, result, started)
    return stats


def summarize_ablation(stats: dict[str, dict[str, FlavorStats]]) -> dict[str, Any]:
    claims = {
        f"{prefix}{label}": (claim, source)
        for prefix, table in (("-", ABLATIONS), ("+", ADDITIONS))
        for label, _, _, claim, source in table
    }
    out: dict[str, Any] = {}
    for profile, variants in stats.items():
        base = variants["all on"].as_dict()
        rows: dict[str, Any] = {"all on": base}
        for label, s in variants.items():
            if label == "all on":
                continue
            entry = s.as_dict()
            claim, source = claims[label]
            # What the technique saves: with it off minus with it on (for a "+" row,
            # with it on is the row itself).
            sign = 1 if label.startswith("-") else -1
            entry["saving_p50_ms"] = sign * (entry["p50_ms"] - base["p50_ms"])
            entry["saving_p95_ms"] = sign * (entry["p95_ms"] - base["p95_ms"])
            entry["claimed"] = claim
            entry["source"] = source
            rows[label] = entry
        out[profile] = rows
    return {"ablation": out}


def render_ablation(summary: dict[str, Any]) -> str:
    header = f"{_HEADER} {'saves50':>7} {'saves95':>7}  claimed"
    lines = [header, "-" * len(header)]
    for profile, rows in summary["ablation"].items():
        for label, e in rows.items():
            saves = (
                f"{e['saving_p50_ms']:>7.0f} {e['saving_p95_ms']:>7.0f}"
                if "saving_p50_ms" in e
                else f"{'':>7} {'':>7}"
            )
            lines.append(f"{_row(profile, label, e)} {saves}  {e.get('claimed', '')}")
    cells = {
        f"{profile} {label}": e["stages"]
        for profile, rows in summary["ablation"].items()
        for label, e in rows.items()
    }
    return "\n".join(lines) + "\n\n" + render_stage_table(cells)


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench latency")
    parser.add_argument("--calls", type=int, default=2, help="calls per profile and agent")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument("--plot", type=Path, default=None, help="write a CDF plot (PNG)")
    parser.add_argument(
        "--profiles",
        nargs="+",
        choices=tuple(PROFILES),
        # The *-constant profiles reproduce pre-distribution figures; ask for them by name.
        default=[p for p in PROFILES if not p.endswith("-constant")],
    )
    parser.add_argument(
        "--ablate", action="store_true", help="ours with each technique off (or on) in turn"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=(),
        choices=[label for label, *_ in (*ABLATIONS, *ADDITIONS)],
        help="with --ablate: only these rows (and all on)",
    )
    parser.add_argument(
        "--stt",
        nargs="+",
        choices=STT_CHOICES,
        default=None,
        help="ours with each of these Deepgram STTs (nova, flux) on the same calls",
    )
    parser.add_argument(
        "--fillers",
        nargs="+",
        choices=("on", "off"),
        default=(),
        help="with --stt: the filler policy on, off, or both on the same calls",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.FIELD=VALUE",
        help="a setting for every call of the run (repeatable); CALLCENTER_* is not read",
    )
    args = parser.parse_args(argv)
    if args.calls < 1:
        parser.error("--calls must be at least 1")
    try:
        settings = settings_with(args.set)
    except (ValueError, SettingsError) as error:
        parser.error(str(error))

    configure_logging(level="ERROR", fmt="console", own_handler=True)
    if args.ablate:
        ablation = summarize_ablation(
            asyncio.run(_measure_ablation(args.calls, args.profiles, settings, args.only))
        )
        print(render_ablation(ablation))
        ablation["recorded"] = recorded("latency", argv)
        path = args.json.with_name("latency_ablation.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(ablation, indent=2))
        print(f"wrote {path}")
        return 0
    if args.stt:
        fillers = [choice == "on" for choice in args.fillers]
        compared = summarize_stt(
            asyncio.run(measure_stt(args.calls, args.profiles, args.stt, fillers, base=settings))
        )
        print(render_stt_table(compared))
        compared["recorded"] = recorded("latency", argv)
        path = args.json.with_name("latency_stt.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(compared, indent=2))
        print(f"wrote {path}")
        return 0
    stats = asyncio.run(_measure(args.calls, args.profiles, settings))
    summary = summarize(stats)
    print(render_table(summary))
    summary["recorded"] = recorded("latency", argv)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    print(f"wrote {args.json}")
    if args.plot:
        plot_cdf(summary, args.plot)
        print(f"wrote {args.plot}")
    return 0
