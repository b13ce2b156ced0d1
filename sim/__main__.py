"""``python -m sim call SCENARIO [--json]`` and ``python -m sim demo``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from typing import Any

from config import Settings
from config.log_setup import configure_logging
from sim.call import CallResult, run_call
from sim.latency_profiles import PROFILES
from sim.scenario import load_scenario

DEMO_SCENARIOS = ("phone-order-status", "app-card-update")


def render_summary(summary: dict[str, Any]) -> str:
    """The worker's `call.summary` for the call, as operators see it in the logs."""
    latency = summary.get("latency", {})

    def pct(component: str) -> str:
        figures = latency.get(component, {})
        p50, p95 = figures.get("p50_ms"), figures.get("p95_ms")
        return "-" if p50 is None else f"{p50:.0f}/{p95:.0f} ms"

    return (
        f"  call.summary: outcome={summary.get('outcome')} turns={summary.get('turns')} "
        f"content TTFA p50/p95={pct('ttfa_content')} first sound={pct('first_sound')} "
        f"LLM TTFT={pct('llm_ttft')} TTS TTFB={pct('tts_ttfb')} "
        f"est. cost=${summary.get('estimated_cost_usd', 0):.4f}"
    )


def _settings() -> Settings:
    # No .env: the demo needs no keys and must not use real ones. CALLCENTER_* variables
    # still apply, so a setting (a log level, too) can be tried on a simulated call first.
    return Settings(_env_file=None)  # type: ignore[call-arg]


async def _run(
    settings: Settings, names: Sequence[str], flavor: str, latency: str | None
) -> list[CallResult]:
    from worker.server import prewarm_models

    models: dict[str, Any] = {}
    prewarm_models(settings, models)
    results = []
    for name in names:
        scenario = load_scenario(name)
        results.append(
            await run_call(
                scenario,
                vad_model=models["vad"],
                audio_turn_detector=models.get("eot"),
                flavor="vanilla" if flavor == "vanilla" else "tuned",
                latency=PROFILES[latency] if latency else None,  # type: ignore[index]
                base_settings=settings,
            )
        )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim")
    sub = parser.add_subparsers(dest="command", required=True)
    call = sub.add_parser("call", help="run one simulated call and print its turn table")
    call.add_argument("scenario", help="name under sim/scenarios/ or a YAML path")
    call.add_argument("--json", action="store_true", help="print the turns as JSON")
    call.add_argument("--flavor", choices=("tuned", "vanilla"), default="tuned")
    call.add_argument("--latency", choices=tuple(PROFILES), default=None)
    sub.add_parser("demo", help="a phone call and an app call, end to end, no keys")
    args = parser.parse_args(argv)

    settings = _settings()
    obs = settings.observability
    configure_logging(level=obs.log_level, fmt=obs.log_format, own_handler=True)
    if args.command == "demo":
        results = asyncio.run(_run(settings, DEMO_SCENARIOS, "tuned", None))
        from sim.report import render_call

        for result in results:
            print(render_call(result))
            print(render_summary(result.summary))
            print()
        return 0

    from sim.report import render_call

    (result,) = asyncio.run(_run(settings, [args.scenario], args.flavor, args.latency))
    if args.json:
        print(json.dumps([t.as_dict() for t in result.turns], indent=2))
    else:
        print(render_call(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
