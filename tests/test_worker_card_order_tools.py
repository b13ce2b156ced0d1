"""The card and order tools: placeholders restored from the call's vault, arguments
validated, the security code used and never returned, kept or spoken."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from livekit.agents import ToolError

from compliance import CallRedactor
from config import TenantSettings
from worker.call.account_tools import lookup_order, parse_expiry, update_payment_card
from worker.call.state import CallState
from worker.caller import Caller
from worker.redaction import speak_placeholders

pytestmark = pytest.mark.unit


@dataclass
class _ToolContext:
    """What the tools read from `RunContext`: the call's state (a unit test of the tool
    bodies, not of the framework's tool dispatch)."""

    userdata: CallState


def _context(*caller_turns: str) -> _ToolContext:
    redactor = CallRedactor()
    for turn in caller_turns:
        redactor.redact(turn)
    state = CallState(
        caller=Caller(kind="app", identity="test"),
        tenant_name="default",
        tenant=TenantSettings(),
        redactor=redactor,
    )
    return _ToolContext(state)


async def _collect(chunks: list[str], ctx: _ToolContext) -> str:
    async def stream():  # type: ignore[no-untyped-def]
        for chunk in chunks:
            yield chunk

    redactor = ctx.userdata.redactor
    return "".join([c async for c in speak_placeholders(stream(), redactor, redactor.policy)])


async def test_card_tool_gets_the_security_code_from_the_vault_and_never_returns_it() -> None:
    ctx = _context(
        "my card is 4111 1111 1111 1111, it expires 12/39 and the code on the back is 7 3 2"
    )
    redactor = ctx.userdata.redactor
    assert redactor.vault.get("[CVV_1]") is not None
    assert redactor.vault.get("[EXPIRY_1]") is not None

    result = await update_payment_card(ctx, "[CARD_1]", "[EXPIRY_1]", "[CVV_1]")  # type: ignore[arg-type]

    assert result == "Card [CARD_1] saved as the payment card."
    (invocation,) = ctx.userdata.tool_invocations
    assert invocation.arguments["card_number"] == "4111111111111111"
    assert invocation.arguments["expiry"] == "12/39"
    # Reached the tool (validated as 3 digits), then dropped: not recorded, not kept.
    assert invocation.arguments["security_code"] == "[withheld]"
    assert redactor.vault.get("[CVV_1]") is None
    assert "732" not in result


async def test_a_security_code_and_pin_are_never_spoken() -> None:
    ctx = _context("my pin is 4 4 2 1 and the cvv is 5 1 8")

    spoken = await _collect(["Your code [CV", "V_1] and PIN [PIN_1] are noted."], ctx)

    assert spoken == "Your code the security code you gave and PIN the PIN you gave are noted."


@pytest.mark.parametrize(
    ("card", "expiry", "code", "refusal"),
    [
        ("[CARD_1]", "", None, "expiry date is missing"),
        ("[CARD_1]", "13/30", None, "month is not valid"),
        ("[CARD_1]", "01/20", None, "has expired"),
        ("[CARD_9]", "12/39", None, "don't have that card number"),
        ("4111 1111", "12/39", None, "incomplete"),
        ("4111 1111 1111 1112", "12/39", None, "incomplete"),
        ("[CARD_1]", "[EXPIRY_7]", None, "don't have that expiry date"),
        ("[CARD_1]", "12/39", "[CVV_3]", "don't have that security code"),
        ("[CARD_1]", "12/39", "73", "3 or 4 digits"),
    ],
)
async def test_card_tool_refuses_bad_arguments(
    card: str, expiry: str, code: str | None, refusal: str
) -> None:
    ctx = _context("my card is 4111 1111 1111 1111")

    with pytest.raises(ToolError, match=refusal) as raised:
        await update_payment_card(ctx, card, expiry, code)  # type: ignore[arg-type]

    assert "4111" not in str(raised.value)


async def test_order_tool_validates_and_restores() -> None:
    ctx = _context("my order number is 48213")

    found = await lookup_order(ctx, "48213")  # type: ignore[arg-type]
    unknown = await lookup_order(ctx, "99999")  # type: ignore[arg-type]
    with pytest.raises(ToolError, match="incomplete"):
        await lookup_order(ctx, "")  # type: ignore[arg-type]
    with pytest.raises(ToolError, match="don't have that order number"):
        await lookup_order(ctx, "[ACCOUNT_4]")  # type: ignore[arg-type]

    assert found == "Order is processing; it ships tomorrow."
    assert unknown.startswith("No order with that number")


@pytest.mark.parametrize(
    ("said", "expected"),
    [("12/28", (2028, 12)), ("1228", (2028, 12)), ("03 2031", (2031, 3)), ("march2029", (2029, 3))],
)
def test_parse_expiry_reads_the_usual_forms(said: str, expected: tuple[int, int]) -> None:
    assert parse_expiry(said, today=dt.date(2026, 1, 1)) == expected


async def test_a_card_the_vault_does_not_hold_is_named_by_its_last_four() -> None:
    ctx = _context()
    result = await update_payment_card(ctx, "4111 1111 1111 1111", "12/39")  # type: ignore[arg-type]
    assert result == "Card ending in 1111 saved as the payment card."
