"""The simulated caller waits for an answer like a person would: a line the agent cut
off itself is not one."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from livekit.agents import AgentSession, utils
from livekit.agents.llm import ChatMessage
from livekit.agents.voice.events import AgentStateChangedEvent, ConversationItemAddedEvent

from sim.call import _AgentWatch

pytestmark = pytest.mark.unit


async def _agent_said(session: utils.EventEmitter[Any], text: str, *, interrupted: bool) -> None:
    session.emit(
        "agent_state_changed", AgentStateChangedEvent(old_state="thinking", new_state="speaking")
    )
    # The caller is listening while the agent speaks: its wait sees each state.
    await asyncio.sleep(0)
    message = ChatMessage(role="assistant", content=[text], interrupted=interrupted)
    session.emit("conversation_item_added", ConversationItemAddedEvent(item=message))
    session.emit(
        "agent_state_changed", AgentStateChangedEvent(old_state="speaking", new_state="listening")
    )


async def test_a_line_cut_off_by_the_agent_is_not_the_answer_the_caller_waits_for() -> None:
    # The session's events, as the framework emits them: the watch reads nothing else.
    session: utils.EventEmitter[Any] = utils.EventEmitter()
    watch = _AgentWatch(cast(AgentSession[Any], session))
    waiting = asyncio.ensure_future(watch.answered([False], replies_before=watch.replies))

    # A repeat request stopped at its first word by the late final it asked for.
    await _agent_said(session, "Sorry, could", interrupted=True)
    await asyncio.sleep(0)
    assert not waiting.done()

    await _agent_said(session, "Sure, what is the order number?", interrupted=False)
    await asyncio.wait_for(waiting, 1.0)
    assert watch.replies == 1
