"""Attack (careless operator, hostile merge request): a tenants file that is not one.

What is sent: a tenants file with a duplicate key, an alias bomb, bytes that are not
UTF-8, a python tag, nesting 100 000 deep, 50 MB of tenants, a FIFO nobody writes to, and
a ``default`` naming no tenant, to each command that reads it (``config check``,
``worker start``, ``worker tokens``, ``worker token``). What must come back: exit 2 from
every command, by itself, naming the file, the line and the field, no traceback, quickly
and in little memory (the bounds here are generous on purpose; ``python -m bench
security --parts tenants`` measures the real figures).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from endpoint_process import free_port

from bench.security_procs import ROOT, clean_environment, run_command

pytestmark = pytest.mark.unit

COMMANDS = {
    "config check": ["python", "-m", "config", "check", "--skip-credentials"],
    "worker start": ["python", "-m", "worker", "start"],
    "worker tokens": ["python", "-m", "worker", "tokens"],
    "worker token": ["python", "-m", "worker", "token", "--identity", "x"],
}
_HEAD = "default: acme\ntenants:\n  acme: {}\n"


def _billion_laughs(path: Path) -> None:
    lines = [_HEAD, 'x0: &a0 ["lol"]\n']
    lines += [f"x{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 10)]
    path.write_text("".join(lines), encoding="utf-8")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _fifty_mb(path: Path) -> None:
    with path.open("w", encoding="utf-8") as file:
        file.write(_HEAD)
        for n in range(1_600_000):
            file.write(f"  t{n:07d}: {{}}\n")


# (name, how to write it, the line to name, a word the message must hold)
HOSTILE: list[tuple[str, Callable[[Path], None], int | None, str]] = [
    (
        "duplicate-key",
        lambda p: p.write_text(_HEAD + "  acme: {greeting: hi}\n", encoding="utf-8"),
        4,
        "duplicate key 'acme'",
    ),
    ("billion-laughs", _billion_laughs, 5, "aliases"),
    (
        "latin-1",
        lambda p: p.write_bytes(_HEAD.encode() + b"  caf\xe9: {}\n"),
        4,
        "not UTF-8",
    ),
    (
        "python-tag",
        lambda p: p.write_text(
            _HEAD + f"  x: !!python/object/apply:os.system ['touch {p.with_suffix('.pwned')}']\n",
            encoding="utf-8",
        ),
        4,
        "tags",
    ),
    ("deep", lambda p: p.write_text(_HEAD + "  x: " + "[" * 100_000 + "\n"), 4, "nested"),
    ("fifty-mb", _fifty_mb, None, "over 256000 bytes"),
    ("fifo", _fifo, None, "not a regular file"),
    (
        "default-names-nobody",
        lambda p: p.write_text("default: acem\ntenants:\n  acme: {}\n", encoding="utf-8"),
        1,
        "'acem' is not a tenant",
    ),
]


@pytest.fixture(scope="module")
def hostile_files() -> Iterator[dict[str, Path]]:
    with tempfile.TemporaryDirectory(prefix="hostile-tenants-") as scratch:
        files = {}
        for name, write, _, _ in HOSTILE:
            files[name] = Path(scratch) / f"{name}.yaml"
            write(files[name])
        yield files


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("name", "line", "says"),
    [(n, line, says) for n, _, line, says in HOSTILE],
    ids=[h[0] for h in HOSTILE],
)
def test_every_command_refuses_a_hostile_tenants_file(
    hostile_files: dict[str, Path],
    tmp_path: Path,
    command: str,
    name: str,
    line: int | None,
    says: str,
) -> None:
    path = hostile_files[name]
    env = clean_environment(
        ROOT,
        {
            "CALLCENTER_TENANTS_FILE": str(path),
            "LIVEKIT_API_KEY": "APIkey",
            "LIVEKIT_API_SECRET": "s" * 40,
            "CALLCENTER_TOKENS__BEARER_SECRET": "Xk2-pW8zR_v3Lq7NcT5yHb0GmJ4sFd9AeU6o",
            "CALLCENTER_TOKENS__PORT": str(free_port()),
            "CALLCENTER_OBSERVABILITY__METRICS_PORT": "0",
        },
    )
    run = run_command(COMMANDS[command], env, cwd=tmp_path, timeout_s=60)
    output = run.output.decode("utf-8", "replace")
    assert run.exit == 2, output[-2000:]
    assert str(path) in output
    assert says in output
    if line is not None:
        assert f"line {line}:" in output
    assert "Traceback" not in output
    assert not path.with_suffix(".pwned").exists()
    # Generous: the real figures come from `python -m bench security --parts tenants`.
    assert run.wall_s < 20
    assert run.rss_mb < 200
