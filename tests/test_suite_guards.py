"""The suite's own guards (tests/conftest.py) do what they promise: a test that leaks an
asyncio task fails, and the process-wide state one test changes is back for the next.

Each case runs a small test file in a child pytest with this suite's conftest.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

pytestmark = pytest.mark.unit

_HERE = Path(__file__).parent


def _run_inner(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    for name in ("conftest.py", "support.py", "virtual_time.py"):
        shutil.copy(_HERE / name, tmp_path / name)
    (tmp_path / "test_inner.py").write_text(source, encoding="utf-8")
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"),
            *("-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function"),
            *("-c", "/dev/null", "--rootdir", str(tmp_path), str(tmp_path / "test_inner.py")),
        ],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT}:{tmp_path}", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_test_that_leaves_a_task_running_fails(tmp_path: Path) -> None:
    done = _run_inner(
        tmp_path,
        "import asyncio\n\n"
        "async def test_leaks():\n"
        "    asyncio.get_running_loop().create_task(asyncio.sleep(30), name='orphan')\n\n"
        "async def test_owns_its_task():\n"
        "    task = asyncio.create_task(asyncio.sleep(30))\n"
        "    task.cancel()\n",
    )
    # The leaking test itself passes; its teardown is the error.
    assert "2 passed, 1 error" in done.stdout, done.stdout + done.stderr
    assert "ERROR test_inner.py::test_leaks" in done.stdout
    assert "asyncio tasks still running after the test" in done.stdout
    assert "orphan" in done.stdout


def test_what_a_test_configures_is_gone_for_the_next(tmp_path: Path) -> None:
    done = _run_inner(
        tmp_path,
        "import logging, os\n"
        "import structlog\n"
        "from prometheus_client import values\n"
        "from config.log_setup import configure_logging\n\n"
        "BEFORE = {}\n\n"
        "def test_changes_it():\n"
        "    BEFORE['structlog'] = structlog.get_config()\n"
        "    BEFORE['root'] = (logging.getLogger().level, list(logging.getLogger().handlers))\n"
        "    BEFORE['value_class'] = values.ValueClass\n"
        "    configure_logging(level='DEBUG', fmt='json', own_handler=True)\n"
        "    structlog.contextvars.bind_contextvars(call_id='c1')\n"
        "    os.environ['PROMETHEUS_MULTIPROC_DIR'] = '/nowhere'\n"
        "    values.ValueClass = object\n"
        "    assert structlog.get_config() != BEFORE['structlog']\n\n"
        "def test_sees_it_undone():\n"
        "    assert structlog.get_config() == BEFORE['structlog']\n"
        "    assert structlog.contextvars.get_contextvars() == {}\n"
        "    root = logging.getLogger()\n"
        "    assert (root.level, list(root.handlers)) == BEFORE['root']\n"
        "    assert 'PROMETHEUS_MULTIPROC_DIR' not in os.environ\n"
        "    assert values.ValueClass is BEFORE['value_class']\n",
    )
    assert "2 passed" in done.stdout, done.stdout + done.stderr
