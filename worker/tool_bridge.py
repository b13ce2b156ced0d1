"""A spoken bridge when a tool runs long, so the caller never waits in silence.

Built on the framework's own ``RunContext.with_filler`` (livekit-agents 1.8,
``voice/events.py``): it waits until the session has been idle for the given delay while
the tool runs, says the phrase through the normal speech queue (interruptible, in the
chat history), and is cancelled when the tool returns first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from livekit.agents import RunContext

from worker.state import CallState

__all__ = ["BRIDGE_PHRASE", "tool_bridge"]

BRIDGE_PHRASE = "One moment while I look that up."


@asynccontextmanager
async def tool_bridge(context: RunContext[CallState]) -> AsyncIterator[None]:
    """Around a tool's slow work: says :data:`BRIDGE_PHRASE` once the tool has kept the
    caller waiting ``latency.tool_bridge_after`` seconds; nothing when that is None."""
    after = context.userdata.tool_bridge_after
    if after is None:
        yield
        return
    async with context.with_filler(BRIDGE_PHRASE, delay=after):
        yield
