"""The independent tenants-file attack corpus, run against every command that reads it.

The cases (``tests/security/corpus/tenants/cases.yaml`` and its files) were written by
another engineer, black-box, without reading this code; how to run them is their
README's ("tenants/"), followed here: each case's file under each command of
``defaults.commands``, the exit code, the message (file, line, names), no traceback, no
secret, nothing created, and the time over the command's baseline (the same command
refusing a missing file) and the peak memory.

Where the README leaves the harness a choice, these are the ones made:

* ``config check`` runs with ``--skip-credentials``: it also wants the worker's provider
  keys, which the corpus's environment does not set, and would exit 2 for them whatever
  the tenants file says.
* A file a case allows to load (``exit: [0, 2]``) is "accepted" by ``worker tokens`` when
  it starts listening (a server does not exit by itself), and by ``worker start`` when it
  goes on to refuse the missing provider keys; either counts as exit 0.
"""

from __future__ import annotations

import re
import shlex
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bench.security_procs import ROOT, CommandRun, clean_environment, run_command, said_listening
from bench.security_server import free_port

__all__ = [
    "CORPUS",
    "Baseline",
    "TenantsCase",
    "TenantsResult",
    "baseline",
    "iterate",
    "load_cases",
    "make_big_files",
    "run_case",
]

CORPUS = ROOT / "tests" / "security" / "corpus"
_TRACEBACK = re.compile(rb"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")
_MISSING = "/nonexistent/callcenter/tenants.yaml"


@dataclass(frozen=True)
class TenantsCase:
    """One file (or path) and what every command must do with it."""

    id: str
    path: str
    kind: str
    """``case``, ``control``, ``special`` or ``generated``."""
    spec: dict[str, Any]
    defaults: dict[str, Any]

    @property
    def exits(self) -> list[int]:
        return list(self.spec.get("exit", self.defaults.get("exit", [2])))

    @property
    def commands(self) -> list[str]:
        return list(self.spec.get("commands", self.defaults["commands"]))

    @property
    def severity(self) -> str:
        return str(self.spec.get("severity", "must"))


@dataclass
class TenantsResult:
    case: str
    command: str
    severity: str
    exit: int | None
    wall_s: float
    over_baseline_s: float
    rss_mb: float
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: str | None = None

    @property
    def passed(self) -> bool:
        return self.skipped is None and not self.failures


def load_cases(corpus: Path = CORPUS) -> list[TenantsCase]:
    """Every case of ``cases.yaml``: controls, cases, special paths and generated files."""
    data = yaml.safe_load((corpus / "tenants" / "cases.yaml").read_text(encoding="utf-8"))
    defaults = data["defaults"]
    cases: list[TenantsCase] = []
    for spec in data["controls"]:
        cases.append(
            TenantsCase(f"control:{spec['file']}", spec["file"], "control", spec, defaults)
        )
    for spec in data["cases"]:
        cases.append(TenantsCase(spec["file"], spec["file"], "case", spec, defaults))
    for spec in data["special_paths"]:
        cases.append(TenantsCase(f"path:{spec['path']!r}", spec["path"], "special", spec, defaults))
    for spec in data["generated"]:
        cases.append(TenantsCase(spec["file"], spec["file"], "generated", spec, defaults))
    return cases


def make_big_files(directory: Path, corpus: Path = CORPUS) -> None:
    """The corpus's own generator for the 50 MB, FIFO, device and symlink files."""
    subprocess.run(  # noqa: S603 - the corpus's own generator
        [sys.executable, str(corpus / "make_big_files.py"), str(directory)],
        check=True,
        capture_output=True,
    )


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _resolve_path(case: TenantsCase, corpus: Path, big: Path | None) -> str | None:
    if "{BIG}" in case.path and big is None:
        return None
    path = _fill(case.path, {"CORPUS": str(corpus), "BIG": str(big or "")})
    if case.kind in ("case", "control"):
        return str(corpus / "tenants" / path)
    return path


def _command_run(
    case_defaults: dict[str, Any], command: str, path: str, source: Path, cwd: Path
) -> CommandRun:
    argv = shlex.split(case_defaults["commands"][command])
    if command == "config_check":
        # config check also wants the worker's provider keys, which the corpus does not
        # set: without them it exits 2 whatever the tenants file says.
        argv.append("--skip-credentials")
    env_spec: dict[str, str] = dict(case_defaults["env"])
    port = free_port()
    values = {"FILE": path, "PORT": str(port)}
    env = clean_environment(source, {k: _fill(str(v), values) for k, v in env_spec.items()})
    timeout_s = float(case_defaults.get("timeout_s", 30))
    serves = command == "worker_tokens"
    return run_command(
        argv, env, cwd=cwd, timeout_s=timeout_s, stop_when=said_listening(port) if serves else None
    )


def _accepted(command: str, run: CommandRun) -> bool:
    """Whether a server command went past the tenants file (see the module docstring)."""
    if command == "worker_tokens":
        return run.stopped
    if command == "worker_start" and run.exit == 2:
        text = run.output.decode("utf-8", "replace")
        return "missing credentials" in text and "tenants file" not in text
    return False


@dataclass(frozen=True)
class Baseline:
    """How long, and in how much memory, a command refuses a missing tenants file."""

    wall_s: float
    rss_mb: float


def baseline(
    defaults: dict[str, Any], command: str, *, source: Path = ROOT, runs: int = 3
) -> Baseline:
    """The median of ``runs`` runs of ``command`` on a missing tenants file."""
    with tempfile.TemporaryDirectory() as scratch:
        runs_done = [
            _command_run(defaults, command, _MISSING, source, Path(scratch)) for _ in range(runs)
        ]
    return Baseline(
        statistics.median(r.wall_s for r in runs_done),
        statistics.median(r.rss_mb for r in runs_done),
    )


def _names_line(output: str, lines: Iterable[int]) -> bool:
    return any(re.search(rf"(line {n}\b|:{n}\b)", output) is not None for n in lines)


def _check(case: TenantsCase, path: str, run: CommandRun, result: TenantsResult) -> None:
    spec, defaults = case.spec, case.defaults
    output = run.output.decode("utf-8", "replace")
    if run.exit is None:
        result.failures.append("still running at the timeout")
    elif run.exit not in case.exits:
        result.failures.append(f"exit {run.exit}, expected {case.exits}")
    if _TRACEBACK.search(run.output):
        result.failures.append("printed a traceback")
    for secret in [*defaults.get("must_not_print", []), *spec.get("must_not_print", [])]:
        if secret in output:
            result.failures.append(f"printed {secret!r}")
    for escaped in spec.get("output_must_not_contain_bytes", []):
        raw = escaped.encode("latin-1").decode("unicode_escape").encode("latin-1")
        if raw in run.output:
            result.failures.append(f"echoed the raw byte {escaped}")
    for created in spec.get("must_not_create", []):
        if Path(created).exists():
            result.failures.append(f"created {created}")
    if run.exit in (None, 0):
        return
    # Refused: the message must say where and what.
    message = defaults.get("message", {})
    if message.get("names_file") and path and Path(path).name not in output and path not in output:
        result.failures.append("does not name the file")
    if "line" in spec and not _names_line(output, spec["line"]):
        result.failures.append(f"does not name line {spec['line']}")
    for name in spec.get("names", []):
        if name not in output:
            result.failures.append(f"does not name {name!r}")
    if spec.get("names_any") and not any(n in output for n in spec["names_any"]):
        result.failures.append(f"names none of {spec['names_any']}")
    for name in spec.get("should_name", []):
        if name not in output:
            result.warnings.append(f"does not name {name!r}")


def run_case(
    case: TenantsCase,
    command: str,
    *,
    base: Baseline,
    source: Path = ROOT,
    corpus: Path = CORPUS,
    big: Path | None = None,
    is_root: bool = False,
    time_scale: float = 1.0,
) -> TenantsResult:
    """Run one case under one command and judge it by the corpus's rules.

    Args:
        case: the case.
        command: a key of ``defaults.commands`` (``config_check``, ``worker_start``...).
        base: that command's time and memory to refuse a missing file.
        source: the source tree to run (this checkout, or another for a before/after).
        corpus: where the corpus lives.
        big: where `make_big_files` wrote the generated files; None skips those cases.
        is_root: mode-000 files are readable by root, so their case is skipped.
        time_scale: ``within_s`` is multiplied by this (tests on a loaded machine use a
            generous bound; the benchmark judges by the corpus's own).
    """
    result = TenantsResult(case.id, command, case.severity, None, 0.0, 0.0, 0.0)
    path = _resolve_path(case, corpus, big)
    if path is None:
        result.skipped = "generated files not made"
        return result
    if is_root and "unreadable" in case.path:
        result.skipped = "mode 000 is readable by root"
        return result
    for created in case.spec.get("must_not_create", []):
        Path(created).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        run = _command_run(case.defaults, command, path, source, Path(scratch))
    if _accepted(command, run):
        run = replace(run, exit=0)
    result.exit = run.exit
    result.wall_s = run.wall_s
    result.rss_mb = run.rss_mb
    result.over_baseline_s = run.wall_s - base.wall_s
    _check(case, path, run, result)
    within_s = float(case.spec.get("within_s", case.defaults.get("within_s", 1))) * time_scale
    # The bound is on refusing a file; a file a case allows to load is not refused.
    if run.exit != 0 and result.over_baseline_s > within_s:
        result.failures.append(f"{result.over_baseline_s:.2f} s over the baseline (> {within_s:g})")
    max_rss = float(case.spec.get("max_rss_mb", case.defaults.get("max_rss_mb", 200)))
    # The README's rule when the command alone is over the limit: 50 MB over it at most.
    if base.rss_mb > max_rss:
        if run.rss_mb - base.rss_mb > 50:
            result.failures.append(f"{run.rss_mb - base.rss_mb:.0f} MB over the baseline")
    elif run.rss_mb > max_rss:
        result.failures.append(f"{run.rss_mb:.0f} MB peak (> {max_rss:g})")
    return result


def iterate(cases: list[TenantsCase]) -> Iterator[tuple[TenantsCase, str]]:
    """Every (case, command) pair the corpus asks for."""
    for case in cases:
        for command in case.commands:
            yield case, command
