"""Careless and hostile dispatch files: each refused with exit 2 before any server call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from dispatch_harness import KEY, SECRET, run_cli, settings_for

from config.yaml_source import MAX_BYTES
from sim.livekit_twirp import LiveKitTwirpSim

pytestmark = pytest.mark.sim

TRUNK = "  - name: main\n    numbers: ['+14155550100']\n"
# A few lines that expand to 9^9 list items if aliases were followed.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)

FILES: list[tuple[str, bytes, str]] = [
    (
        "duplicate section hides the first",
        f"inbound_trunks:\n{TRUNK}inbound_trunks: []\n".encode(),
        ":4: duplicate key 'inbound_trunks' (first on line 1)",
    ),
    (
        "duplicate key in an entry",
        b"inbound_trunks:\n  - name: main\n    numbers: ['+14155550100']\n    name: other\n",
        ":4: duplicate key 'name' (first on line 2)",
    ),
    ("alias bomb in metadata", (BOMB + "inbound_trunks: []\n").encode(), "YAML aliases (*name)"),
    ("huge file", b"# padding\n" * (MAX_BYTES // 10 + 1), f"the limit is {MAX_BYTES}"),
    ("not UTF-8", b"inbound_trunks: []\n# Jos\xe9\n", ":2: not UTF-8 (byte 0xe9"),
    (
        "wrong type for a list",
        b"inbound_trunks:\n  - name: main\n    numbers: 4155550100\n",
        ":3: inbound_trunks[main].numbers: Input should be a valid list",
    ),
    (
        "number that YAML reads as an integer",
        b"inbound_trunks:\n  - name: main\n    numbers: [4155550100]\n",
        "Input should be a valid string (write it quoted: '4155550100')",
    ),
    ("a list at the top", b"- inbound_trunks\n", "top level must be a mapping"),
    ("broken YAML", b"inbound_trunks: [\n", "not valid YAML"),
]


@pytest.fixture
async def sim() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as server:
        yield server


@pytest.mark.parametrize(
    ("body", "message"), [(b, m) for _, b, m in FILES], ids=[n for n, _, _ in FILES]
)
async def test_refused_with_exit_2_and_no_server_call(
    sim: LiveKitTwirpSim, tmp_path: Path, body: bytes, message: str
) -> None:
    path = tmp_path / "dispatch.yaml"
    path.write_bytes(body)
    for command in (["validate"], ["plan"], ["sync", "--prune"]):
        result = await run_cli(["--config", str(path), *command], settings_for(sim))
        assert result.code == 2, (command, result.err)
        assert message in result.err, result.err
        assert "Traceback" not in result.err
    assert sim.request_count == 0
