"""The spoken bridge: a tool that keeps the caller waiting past the threshold gets a
bridge line from the call's filler policy, said through the session; a fast tool gets
nothing, nor does a turn that already had a filler. Real AgentSession, real OpenAI plugin
against the chat-completions simulator, text mode."""

from __future__ import annotations

import asyncio

import pytest
from livekit import rtc
from livekit.agents import Agent, AgentSession, RunContext, function_tool, utils
from livekit.plugins import openai

from compliance import CallRedactor
from config import TenantSettings
from sim.openai_chat import OpenAIChatSim, OpenAILatency, ScriptedReply, ToolCallSpec
from worker.call.state import CallState
from worker.caller import describe_caller
from worker.speech.filler_policy import FillerPolicy, RunningEstimate
from worker.speech.spoken_lines import spoken_lines
from worker.speech.tool_bridge import tool_bridge

pytestmark = pytest.mark.sim

KEY = "sim-key"


@function_tool
async def check_stock(context: RunContext[CallState], item: str) -> str:
    """Check whether an item is in stock.

    Args:
        item: The item name.
    """
    async with tool_bridge(context):
        await asyncio.sleep(float(item))  # the test names how slow the back end is
    return "In stock."


BRIDGE = spoken_lines("en").tool_bridge


def _state(after: float | None, *, had_filler: bool = False) -> CallState:
    caller = describe_caller(
        participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD,
        identity="u",
        attributes={},
        tenant=None,
    )
    state = CallState(
        caller=caller,
        tenant_name="default",
        tenant=TenantSettings(),
        redactor=CallRedactor(),
        tool_bridge_after=after,
    )
    # A call whose model has been slow (3 s to a first token): after a slow tool the
    # answer is still seconds away, longer than the bridge line takes to say.
    state.fillers = FillerPolicy(state.lines, llm_ttft=RunningEstimate(prior_s=3.0))
    state.fillers.llm_ttft.observe(3.0)  # the call has timed its model
    state.fillers.caller_started()
    if had_filler:
        state.fillers.choose("acknowledgment", answer_due_in_s=2.0)
    return state


async def _said(tool_seconds: float, after: float | None, *, had_filler: bool = False) -> list[str]:
    replies: list[ScriptedReply | str] = [
        ScriptedReply(tool_calls=(ToolCallSpec("check_stock", {"item": str(tool_seconds)}),)),
        "Yes, it's in stock.",
    ]
    async with (
        OpenAIChatSim(replies=replies, latency=OpenAILatency.instant(), api_key=KEY) as sim,
        utils.http_context.open(),
    ):
        session: AgentSession[CallState] = AgentSession(
            llm=openai.LLM(model="gpt-4.1-mini", base_url=sim.base_url, api_key=KEY),
            userdata=_state(after, had_filler=had_filler),
            turn_handling={"turn_detection": None},
        )
        await session.start(Agent(instructions="Help.", tools=[check_stock]))
        try:
            await session.run(user_input="Is the blue kettle in stock?")
        finally:
            await session.aclose()
    return [
        item.text_content or ""
        for item in session.history.items
        if item.type == "message" and item.role == "assistant"
    ]


def _bridged(said: list[str]) -> bool:
    return any(line in text for text in said for line in BRIDGE)


async def test_a_slow_tool_gets_the_bridge_a_fast_one_does_not() -> None:
    slow = await _said(tool_seconds=0.6, after=0.1)
    assert _bridged(slow)
    assert slow[-1] == "Yes, it's in stock."
    fast = await _said(tool_seconds=0.0, after=0.1)
    assert not _bridged(fast)
    off = await _said(tool_seconds=0.6, after=None)
    assert not _bridged(off)
    # One filler a turn: an acknowledgment already said this turn, no bridge.
    again = await _said(tool_seconds=0.6, after=0.1, had_filler=True)
    assert not _bridged(again)
    assert again[-1] == "Yes, it's in stock."
