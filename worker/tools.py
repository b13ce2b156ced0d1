"""The agent's tools. The LLM passes placeholders such as ``[CARD_1]``; tools see real values."""

from __future__ import annotations

from typing import Any

import structlog
from livekit.agents import RunContext, ToolError, function_tool
from livekit.agents.llm import Tool

from worker.state import CallState, ToolInvocation
from worker.tool_bridge import tool_bridge

__all__ = ["ALL_TOOLS", "lookup_order", "update_payment_card"]

log = structlog.get_logger(__name__)

# Demo order book; a deployment wires its order system in here.
_ORDERS: dict[str, tuple[str, str]] = {
    "12345": ("shipped", "arrives Thursday"),
    "48213": ("processing", "ships tomorrow"),
    "77001": ("delivered", "was left at the front door on Monday"),
}


def _record(context: RunContext[CallState], name: str, **arguments: Any) -> dict[str, Any]:
    """Swap placeholders for the vault's real values and remember the call for the record."""
    real: dict[str, Any] = context.userdata.redactor.vault.restore_for_tool(arguments)
    context.userdata.tool_invocations.append(ToolInvocation(name=name, arguments=real))
    # Argument names only: values may be personal data.
    log.info("tool_called", tool=name, arguments=sorted(arguments))
    return real


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


@function_tool
async def lookup_order(context: RunContext[CallState], order_number: str) -> str:
    """Look up the status of a customer's order.

    Args:
        order_number: The order number exactly as the caller gave it.
    """
    real = _record(context, "lookup_order", order_number=order_number)
    async with tool_bridge(context):
        found = _ORDERS.get(_digits(str(real["order_number"])))
    if found is None:
        return "No order with that number. Ask the caller to read it again."
    status, detail = found
    return f"Order is {status}; it {detail}."


@function_tool
async def update_payment_card(context: RunContext[CallState], card_number: str, expiry: str) -> str:
    """Replace the payment card on the caller's account.

    Args:
        card_number: The card number, or its placeholder such as [CARD_1], unchanged.
        expiry: The expiry month and year as the caller said it.
    """
    real = _record(context, "update_payment_card", card_number=card_number, expiry=expiry)
    digits = _digits(str(real["card_number"]))
    if not 13 <= len(digits) <= 19:
        raise ToolError("That card number is incomplete. Ask the caller for the full number.")
    # Last four only: what the speech policy allows, and what PCI lets us display.
    return f"Card ending in {digits[-4:]} saved as the payment card."


ALL_TOOLS: list[Tool] = [lookup_order, update_payment_card]
