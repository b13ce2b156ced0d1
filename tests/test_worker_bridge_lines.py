"""Bridge lines and refused tool arguments in the agent's LLM node, unit by unit (the
pipeline-level behaviour is in test_bench_faults.py and test_bad_input_pipeline.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from livekit.agents import FlushSentinel, llm

from worker.agent import refuse_broken_tool_arguments, with_bridge_lines

pytestmark = pytest.mark.unit


async def _late(delay_s: float, *items: str) -> AsyncIterator[str]:
    await asyncio.sleep(delay_s)
    for item in items:
        yield item


async def _collect(stream: AsyncIterator[object]) -> list[object]:
    return [item async for item in stream]


async def test_a_late_first_chunk_gets_bridge_lines_each_flushed() -> None:
    out = await _collect(
        with_bridge_lines(
            _late(0.5, "Hello."), ["Wait.", "Still."], first_after_s=0.05, every_s=0.1
        )
    )
    assert out[0] == "Wait. " and isinstance(out[1], FlushSentinel)
    assert out[2] == "Still. " and isinstance(out[3], FlushSentinel)
    assert out[4:] == ["Hello."]


async def test_a_prompt_stream_passes_through_untouched() -> None:
    out = await _collect(with_bridge_lines(_late(0.0, "a", "b"), ["Wait."], first_after_s=5.0))
    assert out == ["a", "b"]


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
