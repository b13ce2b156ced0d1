"""``python -m bench <benchmark>``: a thin dispatcher over each benchmark's ``run(argv)``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# name -> module with `run(argv: Sequence[str] | None) -> int`. `docs` measures nothing:
# it redraws the docs' tables from what the others wrote under bench/results/.
_BENCHMARKS: dict[str, str] = {
    "capacity": "bench.capacity",
    "docs": "bench.docs",
    "faults": "bench.faults",
    "latency": "bench.latency",
    "pii": "bench.pii",
    "scrape": "bench.scrape",
    "security": "bench.security",
    "soak": "bench.soak",
    "turns": "bench.turns",
    "turn-tradeoff": "bench.turn_tradeoff",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to one benchmark, passing it the remaining arguments.

    Args:
        argv: Arguments without the program name; defaults to ``sys.argv[1:]``.
    """
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmarks.")
    parser.add_argument("benchmark", choices=sorted(_BENCHMARKS), help="which benchmark")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its own arguments")
    args = parser.parse_args(argv)
    module = importlib.import_module(_BENCHMARKS[args.benchmark])
    status: int = module.run(args.args)
    return status


if __name__ == "__main__":
    sys.exit(main())
