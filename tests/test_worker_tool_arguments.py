"""Refused tool arguments in the agent's LLM node (bridge lines are the filler policy's:
test_worker_filler_policy.py and test_worker_reply_fillers.py; at the pipeline level,
test_bench_faults.py and test_bad_input_pipeline.py)."""

from __future__ import annotations

import json

import pytest
from livekit.agents import llm

from worker.agent import refuse_broken_tool_arguments

pytestmark = pytest.mark.unit


def _chunk(arguments: str) -> llm.ChatChunk:
    call = llm.FunctionToolCall(name="lookup_order", arguments=arguments, call_id="c1")
    return llm.ChatChunk(id="x", delta=llm.ChoiceDelta(role="assistant", tool_calls=[call]))


@pytest.mark.parametrize("broken", ['{"order_number": "123', "order=1", "[1]", '"x"'])
def test_broken_arguments_become_a_string_the_framework_refuses(broken: str) -> None:
    fixed = refuse_broken_tool_arguments(_chunk(broken))
    assert fixed.delta is not None
    arguments = fixed.delta.tool_calls[0].arguments
    assert isinstance(json.loads(arguments), str)  # never an object a tool could run on
    with pytest.raises(ValueError, match="non-JSON string"):
        llm.utils.parse_function_arguments(arguments)


def test_complete_arguments_are_left_alone() -> None:
    chunk = _chunk('{"order_number": "12345"}')
    assert refuse_broken_tool_arguments(chunk) is chunk
