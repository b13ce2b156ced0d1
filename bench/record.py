"""What a benchmark's JSON records about its own run: the command, the date, the machine.

``python -m bench docs`` prints these beside each table it generates, so a figure in the
docs always says what produced it and where.
"""

from __future__ import annotations

import os
import platform
import shlex
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any


def recorded(benchmark: str, argv: Sequence[str] | None) -> dict[str, Any]:
    """The ``recorded`` block of a benchmark's JSON.

    Args:
        benchmark: The name ``python -m bench`` knows the benchmark by.
        argv: The benchmark's own arguments, as its ``run`` received them (``None``:
            ``sys.argv[1:]``, as argparse reads them).

    Returns:
        ``command`` (re-runnable as written), ``date`` (UTC, ISO 8601) and ``machine``
        (operating system, architecture, CPU count, Python version).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    return {
        "command": shlex.join(["uv", "run", "python", "-m", "bench", benchmark, *args]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": (
            f"{platform.system()} {platform.machine()}, {os.cpu_count() or 1} CPUs, "
            f"Python {platform.python_version()}"
        ),
    }
