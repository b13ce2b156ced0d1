"""``python -m bench latency``: time-to-first-audio, ours vs vanilla, under three provider
latency profiles, through the real pipeline and the wire simulators.

TTFA is measured at the audio boundary (end of the caller's last voiced sample to the first
agent frame played). Beside it, ``wrk_p50``/``wrk_p95``: the same turns' TTFA as the
worker's own collectors observe it (``callcenter_ttfa_seconds``, the framework's
``e2e_latency``), i.e. what operators see on the dashboard. Premature: the agent
committed to a reply (end of turn declared, the LLM answering part of the sentence)
or spoke before the caller finished (:func:`sim.premature.premature_turn`).
``premature`` is the rate over turns with a scripted mid-sentence pause; ``prem_all``
over every turn, since the synthesized callers also pause at commas, where Deepgram
finalizes too. ``ack``: the share of turns whose reply opened with a cached
acknowledgment ("Okay.", :mod:`worker.acknowledgment`), whose audio is then the first
audio; the ablation's "acknowledgment" row gives the TTFA of the model's own words.
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

from bench.latency_stt import STT_CHOICES, measure_stt, render_stt_table, summarize_stt
from config import Settings
from config.log_setup import configure_logging
from sim.call import TurnRecord, run_call
from sim.latency_profiles import PROFILES
from sim.scenario import LatencyName, load_scenario
from worker.server import load_vad
from worker.session_factory import SessionFlavor

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


@dataclass
class FlavorStats:
    ttfa_ms: list[float] = field(default_factory=list)
    worker_ttfa_ms: list[float] = field(default_factory=list)
    """TTFA as the worker's own collectors observe it (callcenter_ttfa_seconds)."""
    paused_turns: int = 0
    premature: int = 0
    premature_any: int = 0
    """Premature turns among all turns, paused or not."""
    missing: int = 0
    acknowledged: int = 0
    """Turns whose reply opened with a cached acknowledgment (call.summary's count)."""

    def add_summary(self, summary: dict[str, Any]) -> None:
        self.acknowledged += int(summary.get("acknowledgments", 0))

    def add(self, turns: Sequence[TurnRecord]) -> None:
        for turn in turns:
            self.premature_any += int(turn.premature)
            if turn.paused:
                self.paused_turns += 1
                self.premature += int(turn.premature)
            if turn.ttfa_ms is None:
                self.missing += 1
            else:
                self.ttfa_ms.append(turn.ttfa_ms)

    def add_observed(self, observed: dict[str, list[float]]) -> None:
        """What the worker's collectors saw of the same call (`CallResult.observed`)."""
        self.worker_ttfa_ms.extend(observed.get("ttfa", []))

    def as_dict(self) -> dict[str, Any]:
        turns = len(self.ttfa_ms) + self.missing
        return {
            "p50_ms": percentile(self.ttfa_ms, 50),
            "p95_ms": percentile(self.ttfa_ms, 95),
            "max_ms": max(self.ttfa_ms) if self.ttfa_ms else math.nan,
            "premature_rate": self.premature / self.paused_turns if self.paused_turns else 0.0,
            "premature_all_rate": self.premature_any / turns if turns else 0.0,
            "turns": turns,
            "unanswered": self.missing,
            "acknowledged_rate": self.acknowledged / turns if turns else 0.0,
            "ttfa_samples_ms": self.ttfa_ms,
            # What operators see on the dashboard for the same turns: the framework's
            # e2e_latency, from user end of speech to agent speech start.
            "worker_ttfa_p50_ms": percentile(self.worker_ttfa_ms, 50),
            "worker_ttfa_p95_ms": percentile(self.worker_ttfa_ms, 95),
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


def render_table(summary: dict[str, Any]) -> str:
    header = (
        f"{'profile':<8} {'agent':<8} {'p50_ms':>7} {'p95_ms':>7} {'max_ms':>7} "
        f"{'premature':>9} {'prem_all':>8} {'turns':>5} {'wrk_p50':>7} {'wrk_p95':>7} "
        f"{'ack':>5}"
    )
    lines = [header, "-" * len(header)]
    for profile, entry in summary["profiles"].items():
        for name in FLAVORS:
            s = entry[name]
            lines.append(
                f"{profile:<8} {name:<8} {s['p50_ms']:>7.0f} {s['p95_ms']:>7.0f} "
                f"{s['max_ms']:>7.0f} {s['premature_rate']:>8.1%} "
                f"{s['premature_all_rate']:>7.1%} {s['turns']:>5} "
                f"{s['worker_ttfa_p50_ms']:>7.0f} {s['worker_ttfa_p95_ms']:>7.0f} "
                f"{s['acknowledged_rate']:>5.0%}"
            )
        ratio = entry["ratio"]
        lines.append(
            f"{profile:<8} {'ours/van':<8} {ratio['p50_ms']:>7.2f} {ratio['p95_ms']:>7.2f}"
        )
    return "\n".join(lines)


def plot_cdf(summary: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    profiles = list(summary["profiles"])
    fig, axes = plt.subplots(1, len(profiles), figsize=(5 * len(profiles), 4), sharey=True)
    for ax, profile in zip(axes, profiles, strict=True):
        for name in FLAVORS:
            samples = sorted(summary["profiles"][profile][name]["ttfa_samples_ms"])
            if samples:
                ys = [(i + 1) / len(samples) for i in range(len(samples))]
                ax.step(samples, ys, where="post", label=name)
        ax.set_title(f"provider latency: {profile}")
        ax.set_xlabel("time to first audio (ms)")
        ax.grid(alpha=0.3)
        ax.legend()
    axes[0].set_ylabel("fraction of turns")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


async def _measure(
    calls: int, profiles: Sequence[LatencyName]
) -> dict[str, dict[str, FlavorStats]]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
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
                stats[profile][name].add(result.turns)
                stats[profile][name].add_observed(result.observed)
                stats[profile][name].add_summary(result.summary)
                print(
                    f"  {profile:<8} {name:<8} {scenario.name:<12} "
                    f"{time.monotonic() - started:5.1f}s",
                    flush=True,
                )
    return stats


# --ablate: each technique off in turn (a LatencySettings field and its "off" value), next
# to the saving commonly claimed for it and where the claim comes from.
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
        "acknowledgment",
        "acknowledge_after",
        None,
        "fills the LLM's wait: first audio at the trigger, not at the answer",
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


async def _measure_ablation(
    calls: int, profiles: Sequence[LatencyName]
) -> dict[str, dict[str, FlavorStats]]:
    """Ours with everything on, then with each technique off in turn."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    vad_model = load_vad(settings)
    variants: dict[str, Settings] = {"all on": settings}
    for label, name, off, _, _ in ABLATIONS:
        latency = settings.latency.model_copy(update={name: off})
        variants[f"-{label}"] = settings.model_copy(update={"latency": latency})
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
                )
                stats[profile][label].add(result.turns)
                stats[profile][label].add_summary(result.summary)
                print(
                    f"  {profile:<8} {label:<16} {scenario.name:<12} "
                    f"{time.monotonic() - started:5.1f}s hits={result.phrase_cache_hits}"
                    f"/{result.phrase_cache_hits + result.phrase_cache_misses}",
                    flush=True,
                )
    return stats


def summarize_ablation(stats: dict[str, dict[str, FlavorStats]]) -> dict[str, Any]:
    claims = {f"-{label}": (claim, source) for label, _, _, claim, source in ABLATIONS}
    out: dict[str, Any] = {}
    for profile, variants in stats.items():
        base = variants["all on"].as_dict()
        rows: dict[str, Any] = {"all on": base}
        for label, s in variants.items():
            if label == "all on":
                continue
            entry = s.as_dict()
            claim, source = claims[label]
            entry["saving_p50_ms"] = entry["p50_ms"] - base["p50_ms"]
            entry["saving_p95_ms"] = entry["p95_ms"] - base["p95_ms"]
            entry["claimed"] = claim
            entry["source"] = source
            rows[label] = entry
        out[profile] = rows
    return {"ablation": out}


def render_ablation(summary: dict[str, Any]) -> str:
    header = (
        f"{'profile':<8} {'variant':<16} {'p50_ms':>7} {'p95_ms':>7} {'saves50':>7} "
        f"{'saves95':>7} {'premat':>6} {'ack':>5}  claimed"
    )
    lines = [header, "-" * len(header)]
    for profile, rows in summary["ablation"].items():
        for label, e in rows.items():
            saves = (
                f"{e['saving_p50_ms']:>7.0f} {e['saving_p95_ms']:>7.0f}"
                if "saving_p50_ms" in e
                else f"{'':>7} {'':>7}"
            )
            lines.append(
                f"{profile:<8} {label:<16} {e['p50_ms']:>7.0f} {e['p95_ms']:>7.0f} {saves} "
                f"{e['premature_rate']:>6.1%} {e['acknowledged_rate']:>5.0%}  "
                f"{e.get('claimed', '')}"
            )
    return "\n".join(lines)


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
        "--ablate", action="store_true", help="ours with each technique off in turn"
    )
    parser.add_argument(
        "--stt",
        nargs="+",
        choices=STT_CHOICES,
        default=None,
        help="ours with each of these Deepgram STTs (nova, flux) on the same calls",
    )
    args = parser.parse_args(argv)
    if args.calls < 1:
        parser.error("--calls must be at least 1")

    configure_logging(level="ERROR", fmt="console", own_handler=True)
    if args.ablate:
        ablation = summarize_ablation(asyncio.run(_measure_ablation(args.calls, args.profiles)))
        print(render_ablation(ablation))
        path = args.json.with_name("latency_ablation.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(ablation, indent=2))
        print(f"wrote {path}")
        return 0
    if args.stt:
        compared = summarize_stt(asyncio.run(measure_stt(args.calls, args.profiles, args.stt)))
        print(render_stt_table(compared))
        path = args.json.with_name("latency_stt.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(compared, indent=2))
        print(f"wrote {path}")
        return 0
    stats = asyncio.run(_measure(args.calls, args.profiles))
    summary = summarize(stats)
    print(render_table(summary))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    print(f"wrote {args.json}")
    if args.plot:
        plot_cdf(summary, args.plot)
        print(f"wrote {args.plot}")
    return 0
