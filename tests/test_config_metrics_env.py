"""Multiprocess mode is chosen before prometheus-client is imported, or refused loudly:
never a process whose values stay in memory where the merged scrape never looks.
(That the worker's main-process and job-process values reach one scrape is
test_metrics_endpoint.py's.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import prometheus_client  # noqa: F401 - this process has imported it, as a late caller has
import pytest
from support import ROOT

from config.metrics_env import MULTIPROC_VARIABLE, MetricsImportedTooEarly, export_metrics_dir

pytestmark = pytest.mark.unit


def test_a_late_call_is_refused_and_names_the_order(tmp_path: Path) -> None:
    with pytest.raises(MetricsImportedTooEarly, match=r"before importing livekit\.agents"):
        export_metrics_dir(tmp_path / "prom")
    assert MULTIPROC_VARIABLE not in os.environ


def test_set_first_every_value_is_file_backed(tmp_path: Path) -> None:
    directory = tmp_path / "prom"
    script = (
        "import sys; from pathlib import Path; from config.metrics_env import export_metrics_dir;"
        "export_metrics_dir(Path(sys.argv[1])); import livekit.agents, prometheus_client;"
        "prometheus_client.Counter('probe', 'probe').inc(); export_metrics_dir(Path(sys.argv[1]))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(directory)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        timeout=120,
    )
    # The counter went to this process's file, where the merged scrape reads it.
    assert list(directory.glob("counter_*.db"))
