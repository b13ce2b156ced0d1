"""``python -m sim call SCENARIO --json``: the contract operators and CI scripts rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import ROOT, RunModule

pytestmark = pytest.mark.sim

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


def test_call_json_lists_turns_with_the_documented_fields(
    tmp_path: Path, run_module: RunModule
) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(SCENARIO)
    # The checkout as working directory: the caller-voice cache is shared with the suite.
    result = run_module("sim", "call", str(path), "--json", cwd=ROOT, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    (turn,) = json.loads(result.stdout)
    assert turn["caller_text"] == "My order number is 12345."
    assert turn["llm_saw"] == "My order number is 12345."
    assert turn["agent_text"] == "It shipped and arrives Thursday."
    assert turn["tool_calls"] == [
        {"name": "lookup_order", "arguments": '{"order_number": "12345"}'}
    ]
    assert turn["ttfa_ms"] > 0
