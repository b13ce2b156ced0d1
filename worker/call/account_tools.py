"""The agent's tools. The LLM passes placeholders such as ``[CARD_1]``; tools see real values.

Every tool validates its arguments after the vault has restored them: a placeholder this call
never issued, a truncated or empty value, or a value of the wrong shape is refused with a
`ToolError` that tells the LLM what to ask for, and names no value.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, Final

import structlog
from livekit.agents import RunContext, ToolError, function_tool
from livekit.agents.llm import Tool

from compliance.detectors import luhn_valid
from compliance.vault import PLACEHOLDER
from worker.call.state import CallState, ToolInvocation
from worker.speech.tool_bridge import tool_bridge

__all__ = [
    "ALL_TOOLS",
    "SECRET_ARGUMENTS",
    "lookup_order",
    "parse_expiry",
    "secret_phrases",
    "update_payment_card",
]

log = structlog.get_logger(__name__)

# Demo order book; a deployment wires its order system in here.
_ORDERS: dict[str, tuple[str, str]] = {
    "12345": ("shipped", "arrives Thursday"),
    "48213": ("processing", "ships tomorrow"),
    "77001": ("delivered", "was left at the front door on Monday"),
}
_WITHHELD: Final = "[withheld]"
SECRET_ARGUMENTS: Final[dict[str, tuple[str, ...]]] = {
    "update_payment_card": ("security_code",),
}
"""Each tool's arguments that are authentication data: recorded as withheld, and named to
the call's redactor (`secret_phrases`) so that the agent's question for one makes the
caller's answer a secret, whatever its form."""


def secret_phrases() -> tuple[str, ...]:
    """The secret arguments of the agent's tools in words ("security code")."""
    return tuple(
        sorted({arg.replace("_", " ") for args in SECRET_ARGUMENTS.values() for arg in args})
    )


_MONTHS: Final = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
_EXPIRY: Final = re.compile(
    r"^\s*(?:(?P<m>\d{1,2})\s*[/.\- ]?\s*(?P<y>\d{4}|\d{2})"
    r"|(?P<mn>[a-z]+)\.?\s*(?:of\s*)?(?P<yn>\d{4}|\d{2}))\s*$",
    re.IGNORECASE,
)


def _record(
    context: RunContext[CallState], name: str, *, secret: tuple[str, ...] = (), **arguments: Any
) -> dict[str, Any]:
    """Swap placeholders for the vault's real values and remember the call for the record.

    Arguments named in ``secret`` (a security code) reach the tool but are recorded as
    ``[withheld]``: PCI DSS forbids keeping them, even in memory for the call's record.
    """
    real: dict[str, Any] = context.userdata.redactor.vault.restore_for_tool(arguments)
    recorded = {k: (_WITHHELD if k in secret and v else v) for k, v in real.items()}
    context.userdata.tool_invocations.append(ToolInvocation(name=name, arguments=recorded))
    # Argument names only: values may be personal data.
    log.info("tool_called", tool=name, arguments=sorted(arguments))
    return real


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _refuse_unknown_placeholder(value: str, what: str) -> None:
    """A placeholder left after restoring was never issued by this call's vault."""
    if PLACEHOLDER.search(value):
        raise ToolError(f"I don't have that {what} on this call. Ask the caller for it again.")


def parse_expiry(value: str, today: dt.date | None = None) -> tuple[int, int]:
    """A card expiry as (year, month), from "12/28", "12 2028", "1228" or "March 2029".

    Args:
        value: The expiry as the caller said it (after the vault restored it).
        today: The date to check against; defaults to today.

    Raises:
        ToolError: Empty, unreadable, an impossible month, expired, or over 20 years out.
    """
    match = _EXPIRY.match(value)
    if not value.strip() or match is None:
        raise ToolError("The expiry date is missing or unclear. Ask for the month and year.")
    if match.group("mn"):
        month = _MONTHS.get(match.group("mn").lower()[:9], 0) or _MONTHS.get(
            match.group("mn").lower()[:3], 0
        )
        year_text = match.group("yn")
    else:
        month = int(match.group("m"))
        year_text = match.group("y")
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if not 1 <= month <= 12:
        raise ToolError("That expiry month is not valid. Ask for the month and year again.")
    today = today or dt.date.today()
    if (year, month) < (today.year, today.month):
        raise ToolError("That card has expired. Ask the caller for a current card.")
    if year > today.year + 20:
        raise ToolError("That expiry year looks wrong. Ask for the month and year again.")
    return year, month


@function_tool
async def lookup_order(context: RunContext[CallState], order_number: str) -> str:
    """Look up the status of a customer's order.

    Args:
        order_number: The order number exactly as the caller gave it.
    """
    real = _record(context, "lookup_order", order_number=order_number)
    value = str(real["order_number"])
    _refuse_unknown_placeholder(value, "order number")
    digits = _digits(value)
    if not 3 <= len(digits) <= 12:
        raise ToolError("That order number is incomplete. Ask the caller to read it again.")
    async with tool_bridge(context):
        found = _ORDERS.get(digits)
    if found is None:
        return "No order with that number. Ask the caller to read it again."
    status, detail = found
    return f"Order is {status}; it {detail}."


@function_tool
async def update_payment_card(
    context: RunContext[CallState],
    card_number: str,
    expiry: str,
    security_code: str | None = None,
) -> str:
    """Replace the payment card on the caller's account.

    Args:
        card_number: The card number, or its placeholder such as [CARD_1], unchanged.
        expiry: The expiry month and year as the caller said it, or its placeholder such
            as [EXPIRY_1], unchanged.
        security_code: The card's security code (CVV) if the caller gave it: its
            placeholder such as [CVV_1], unchanged. Never repeat it to the caller.
    """
    real = _record(
        context,
        "update_payment_card",
        secret=SECRET_ARGUMENTS["update_payment_card"],
        card_number=card_number,
        expiry=expiry,
        security_code=security_code,
    )
    card = str(real["card_number"])
    _refuse_unknown_placeholder(card, "card number")
    digits = _digits(card)
    if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
        raise ToolError("That card number is incomplete. Ask the caller for the full number.")
    expiry_text = str(real["expiry"])
    _refuse_unknown_placeholder(expiry_text, "expiry date")
    parse_expiry(expiry_text)
    code = real["security_code"]
    if code is not None:
        _refuse_unknown_placeholder(str(code), "security code")
        if not re.fullmatch(r"\d{3,4}", _digits(str(code)) or "x"):
            raise ToolError("The security code should be 3 or 4 digits. Ask for it again.")
        # Used for the card check, then dropped: it is never stored or returned.
        if security_code is not None and PLACEHOLDER.fullmatch(security_code.strip()):
            context.userdata.redactor.vault.forget(security_code.strip())
    # The card by its placeholder: the model can name it back, and speech says it the way
    # the policy allows ("card ending in 1111"). A bare last four was redacted to a tag on
    # its way to the model ("Card ending in [CARD]"), which it could neither use nor say.
    shown = context.userdata.redactor.vault.redact_known_values(card).strip()
    if not PLACEHOLDER.fullmatch(shown):
        shown = f"ending in {digits[-4:]}"  # last four only: what PCI lets us display
    return f"Card {shown} saved as the payment card."


ALL_TOOLS: list[Tool] = [lookup_order, update_payment_card]
