"""prometheus-client's multiprocess mode, chosen the way the library documents it: the
``PROMETHEUS_MULTIPROC_DIR`` variable, set before ``prometheus_client`` is first imported.

The worker's main process serves the merged metrics of every job process, so its own
values (the framework's worker load and child-process gauges, our call counts) must be
file-backed too. prometheus-client picks its value store once, when it is imported, and
livekit-agents imports it with itself; ``AgentServer.run()`` sets the variable only later
(for its job processes, which start afresh). So the process entry sets it first, from
the settings, before anything imports livekit-agents, and this module imports neither.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.settings import Settings

__all__ = [
    "MULTIPROC_VARIABLE",
    "MetricsImportedTooEarly",
    "export_metrics_dir",
    "prepare_worker_process",
]

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


class MetricsImportedTooEarly(RuntimeError):
    """prometheus-client was imported before the directory was set: its values would stay
    in this process's memory, where the merged scrape never looks."""


def export_metrics_dir(directory: Path) -> None:
    """Put this process, and every process it starts, in multiprocess mode on ``directory``.

    Raises:
        MetricsImportedTooEarly: prometheus-client is already imported without it.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if "prometheus_client" in sys.modules and os.environ.get(MULTIPROC_VARIABLE) != str(directory):
        raise MetricsImportedTooEarly(
            f"prometheus_client was imported before {MULTIPROC_VARIABLE} was set to "
            f"{directory}: call export_metrics_dir first, before importing livekit.agents"
        )
    # Written, not read: the variable is prometheus-client's and the framework's
    # configuration channel to this process's store and to its child processes.
    os.environ[MULTIPROC_VARIABLE] = str(directory)


def prepare_worker_process(settings: Settings) -> None:
    """In the worker's main process, first: multiprocess mode when metrics are served."""
    if settings.observability.metrics_port:
        export_metrics_dir(settings.observability.metrics_multiproc_dir)
