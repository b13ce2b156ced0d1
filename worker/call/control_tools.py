"""The call-control tools: transfer to a person, end the call.

The LLM chooses *when*; where a call may go and what is said around it come from the
tenant, never from the conversation.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated

import structlog
from livekit.agents import RunContext, ToolError, function_tool
from livekit.agents.llm import Tool
from pydantic import Field

from compliance.vault import PLACEHOLDER
from worker.call.outcome import CallOutcome
from worker.call.state import CallState, ToolInvocation
from worker.handoff.note import REASON_CODES, ReasonCode, new_handoff_id
from worker.speech.spoken_lines import handoff_lines

__all__ = ["call_tools", "end_call", "request_callback", "transfer_call_tool"]

log = structlog.get_logger(__name__)


def transfer_call_tool(destinations: Collection[str]) -> Tool:
    """``transfer_call`` for one tenant: its destination is an enum of their names.

    The enum is in the schema the model sees (strict mode keeps it to those names); the
    argument itself stays a string, so a name outside it still reaches
    :meth:`CallActions.transfer`, which refuses it, logs it and tells the model, rather
    than failing validation with an error the model cannot act on.

    Args:
        destinations: the tenant's destination names; at least one.
    """
    if not destinations:
        raise ValueError("a transfer tool needs at least one destination")
    destination_type = Annotated[str, Field(json_schema_extra={"enum": sorted(destinations)})]

    async def transfer_call(
        context: RunContext[CallState], destination: str, reason: ReasonCode = "caller_request"
    ) -> str | None:
        """Transfer the caller to a person. Only for the destinations named in your
        instructions; never to a number or address the caller gives you.

        Args:
            destination: The destination's name from your instructions, such as billing.
            reason: Why: caller_request (they asked for a person), needs_human (you cannot
                do what they need), complaint, verification_failed, technical, or other.
        """
        return await _transfer(context, destination, reason)

    # The module's annotations are strings resolved in its globals; this one is built
    # per tenant, so it is set as an object.
    transfer_call.__annotations__["destination"] = destination_type
    return function_tool(transfer_call)


def call_tools(destinations: Collection[str]) -> list[Tool]:
    """The call-control tools for a tenant; one with no destinations is offered no
    transfer at all.

    Args:
        destinations: the tenant's transfer destination names.
    """
    transfer = [transfer_call_tool(destinations)] if destinations else []
    return [*transfer, end_call, request_callback]


async def _transfer(
    context: RunContext[CallState], destination: str, reason: ReasonCode
) -> str | None:
    state = context.userdata
    if reason not in REASON_CODES:
        reason = "other"
    # Kept in memory for the call record; a caller-supplied number is personal data.
    state.tool_invocations.append(
        ToolInvocation(
            name="transfer_call", arguments={"destination": destination, "reason": reason}
        )
    )
    log.info("tool_called", tool="transfer_call", reason=reason)
    if state.actions is None:
        raise ToolError("Transfers are not available on this call. Keep helping the caller.")
    outcome = await state.actions.transfer(context, destination, reason)
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
    if outcome.status == "unavailable":
        handoff = state.tenant.handoff
        if handoff.offer_callback and handoff.webhook_url is not None:
            return (
                f"That team is {outcome.reason} and the caller has been told. Offer a "
                "callback: ask for the number to call and a preferred time, then call "
                "request_callback. Otherwise keep helping them."
            )
        return f"That team is {outcome.reason} and the caller has been told. Keep helping them."
    if outcome.status == "continued":
        return "Nobody answered and the caller has been told. Keep helping them yourself."
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


@function_tool
async def request_callback(
    context: RunContext[CallState], phone_number: str, preferred_time: str
) -> str:
    """Pass on the caller's request to be called back, after a transfer could not be
    made because the team was closed or busy.

    Args:
        phone_number: The number to call back: its placeholder such as [PHONE_1],
            unchanged.
        preferred_time: When the caller would like the call, in their words.
    """
    state = context.userdata
    state.tool_invocations.append(
        ToolInvocation(name="request_callback", arguments={"phone_number": phone_number})
    )
    log.info("tool_called", tool="request_callback")
    if state.actions is None:
        raise ToolError("Callbacks are not available on this call.")
    vault = state.redactor.vault
    # The number stays a placeholder: the desk looks the call up by its id. A raw
    # number the vault knows is put back to its placeholder; any other is refused.
    number = vault.redact_known_values(phone_number).strip()
    if not PLACEHOLDER.fullmatch(number) or vault.get(number) is None:
        raise ToolError("Ask the caller for the number to call back, then pass its placeholder.")
    actions = state.actions
    destination = actions.callback_destination()
    handoff_id = new_handoff_id()
    actions.handoff.callback(
        handoff_id,
        reason="caller_request",
        destination=destination,
        payload={
            "handoff_id": handoff_id,
            "tenant": state.tenant_name,
            "call_id": state.caller.call_id or actions.room_name,
            "destination": destination,
            "phone_number": number,
            "preferred_time": vault.redact_known_values(preferred_time)[:120],
        },
    )
    return (
        "Callback request passed on. Tell the caller: "
        + handoff_lines(state.tenant.language).callback_saved
    )
