"""``python -m sim call SCENARIO [--json]`` and ``python -m sim demo``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from typing import Any

from sim.call import CallResult, run_call
from sim.profiles import PROFILES
from sim.scenario import load_scenario
from worker.logs import configure_logging

DEMO_SCENARIOS = ("phone-order-status", "app-card-update")


async def _run(names: Sequence[str], flavor: str, latency: str | None) -> list[CallResult]:
    from config import Settings
    from worker.server import prewarm_models

    # No .env: the demo needs no keys and must not use real ones. CALLCENTER_* variables
    # still apply, so a setting can be tried on a simulated call first.
    models: dict[str, Any] = {}
    prewarm_models(Settings(_env_file=None), models)  # type: ignore[call-arg]
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

    configure_logging(level="WARNING", fmt="console", own_handler=True)
    if args.command == "demo":
        results = asyncio.run(_run(DEMO_SCENARIOS, "tuned", None))
        from sim.report import render_call

        for result in results:
            print(render_call(result))
            print()
        return 0

    from sim.report import render_call

    (result,) = asyncio.run(_run([args.scenario], args.flavor, args.latency))
    if args.json:
        print(json.dumps([t.as_dict() for t in result.turns], indent=2))
    else:
        print(render_call(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
