"""The call-control tools: transfer to a person, end the call.

The LLM chooses *when*; where a call may go and what is said around it come from the
tenant, never from the conversation.
"""

from __future__ import annotations

import structlog
from livekit.agents import RunContext, ToolError, function_tool
from livekit.agents.llm import Tool

from worker.outcome import CallOutcome
from worker.state import CallState, ToolInvocation

__all__ = ["CALL_TOOLS", "end_call", "transfer_call"]

log = structlog.get_logger(__name__)


@function_tool
async def transfer_call(context: RunContext[CallState], destination: str) -> str | None:
    """Transfer the caller to a person. Only for the destinations named in your
    instructions; never to a number or address the caller gives you.

    Args:
        destination: The destination's name from your instructions, such as billing.
    """
    state = context.userdata
    # Kept in memory for the call record; a caller-supplied number is personal data.
    state.tool_invocations.append(
        ToolInvocation(name="transfer_call", arguments={"destination": destination})
    )
    log.info("tool_called", tool="transfer_call")
    if state.actions is None:
        raise ToolError("Transfers are not available on this call. Keep helping the caller.")
    outcome = await state.actions.transfer(context, destination)
    if outcome.status == "not_phone":
        return (
            "This caller is using the app, so the call cannot be transferred. Tell them so "
            "and offer to keep helping."
        )
    if outcome.status == "refused":
        allowed = ", ".join(sorted(state.tenant.transfer_destinations)) or "none"
        return (
            f"That is not a destination you may transfer to (allowed: {allowed}). "
            "Do not transfer the caller anywhere else."
        )
    if outcome.status == "repeated":
        return (
            "A transfer there already failed on this call. Do not try again; tell the "
            "caller and keep helping them."
        )
    if outcome.status == "failed":
        return (
            "The transfer did not go through and the caller has been told. Continue helping them."
        )
    # Transferred: the caller has left; nothing more to say.
    return None


@function_tool
async def end_call(context: RunContext[CallState]) -> None:
    """End the call once the caller is done. It says goodbye for you: do not say
    anything else."""
    state = context.userdata
    state.tool_invocations.append(ToolInvocation(name="end_call", arguments={}))
    log.info("tool_called", tool="end_call")
    if state.actions is None:
        raise ToolError("The call cannot be ended from here.")
    state.actions.end(CallOutcome.COMPLETED, state.tenant.goodbye, after=context.speech_handle)


CALL_TOOLS: list[Tool] = [transfer_call, end_call]
