"""``python -m sim call SCENARIO --json``: the contract operators and CI scripts rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sim

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = """\
name: cli-one-turn
caller: phone
latency: zero
turns:
  - caller:
      - say: "My order number is one two three four five."
        transcript: "My order number is 12345."
    agent:
      tool_calls: [{name: lookup_order, arguments: {order_number: "12345"}}]
      reply: "It shipped and arrives Thursday."
"""


def test_call_json_lists_turns_with_the_documented_fields(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(SCENARIO)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CALLCENTER_", "OPENAI_"))}
    result = subprocess.run(
        [sys.executable, "-m", "sim", "call", str(path), "--json"],
        env={**clean, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (turn,) = json.loads(result.stdout)
    assert turn["caller_text"] == "My order number is 12345."
    assert turn["llm_saw"] == "My order number is 12345."
    assert turn["agent_text"] == "It shipped and arrives Thursday."
    assert turn["tool_calls"] == [
        {"name": "lookup_order", "arguments": '{"order_number": "12345"}'}
    ]
    assert turn["ttfa_ms"] > 0
