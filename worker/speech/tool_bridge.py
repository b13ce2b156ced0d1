"""A spoken bridge when a tool runs long, so the caller never waits in silence.

Built on the framework's own ``RunContext.with_filler`` (livekit-agents 1.8,
``voice/events.py``): it waits until the session has been idle for the given delay while
the tool runs, then asks for the line to say (the call's filler policy chooses it, or
refuses: one filler a turn, none right after another...), says it through the normal
speech queue (interruptible, in the chat history), and is cancelled when the tool
returns first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from livekit.agents import RunContext

from worker.call.state import CallState

__all__ = ["tool_bridge"]


@asynccontextmanager
async def tool_bridge(context: RunContext[CallState]) -> AsyncIterator[None]:
    """Around a tool's slow work: a bridge line once the tool has kept the caller
    waiting ``latency.tool_bridge_after`` seconds, if the filler policy approves one;
    nothing when that is None."""
    state = context.userdata
    after = state.tool_bridge_after
    policy = state.fillers
    if after is None or policy is None:
        yield
        return

    fires = 0

    def line(_step: int) -> str | None:
        # The framework counts only the fires that said something; a refused first
        # fire must still make the next one a stall line.
        nonlocal fires
        fires += 1
        if fires == 1:
            # The tool is late already, and after it returns the model still has to
            # answer: its first token and the TTS's first audio are the least left.
            due = policy.answer_due_in(None, ahead_waited_s=after)
            filler = policy.choose("tool_bridge", answer_due_in_s=due)
        else:
            # Still running a stall interval later: a line so the caller does not take
            # the silence for a dropped call.
            filler = policy.stall_line("tool_bridge")
        if filler is None:
            return None
        state.speech.expect("tool_bridge", filler.line)
        return filler.line

    async with context.with_filler(line, delay=after, interval=policy.rules.stall_s):
        yield
