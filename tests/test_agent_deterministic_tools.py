"""Each tool, driven the way livekit-agents tests agents: `session.run(user_input=...)` on
the call's real `AgentSession` and `CallAgent` (built by the worker's session factory), a
scripted model choosing the tool and its arguments, and the framework's result
expectations on what ran. In process and in milliseconds; the wire-level versions of
the call-control tools are in test_call_tools.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from livekit import rtc
from livekit.agents import RunContext, mock_tools, vad
from scripted_models import Reply, ScriptedCall, ScriptedLLM, ToolCall, scripted_call

from config import TenantSettings
from sip.call_control import CallControl
from worker.agent import CallAgent
from worker.call.actions import CallActions
from worker.call.outcome import CallOutcome
from worker.call.state import CallState
from worker.caller import Caller, describe_caller

pytestmark = pytest.mark.unit

TENANT = TenantSettings(
    display_name="Acme",
    transfer_destinations={"billing": "sip:billing@pbx.example.com"},
    goodbye="Thanks for calling Acme. Goodbye.",
)
# Nothing listens here: a request reaching the server API would fail the transfer, so
# a "refused" outcome shows the tool decided without calling LiveKit.
_UNREACHABLE = "http://127.0.0.1:9"


def _phone_caller() -> Caller:
    return describe_caller(
        participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
        identity="sip_caller",
        attributes={"sip.callID": "SCL_1"},
    )


def _said(call: ScriptedCall) -> list[str]:
    return [
        item.text_content or ""
        for item in call.session.history.items
        if item.type == "message" and item.role == "assistant"
    ]


@pytest.mark.parametrize(
    ("destinations", "transfer"),
    [({"billing": "sip:billing@pbx.example.com"}, ["transfer_call"]), ({}, [])],
    ids=["with-destinations", "no-destinations"],
)
async def test_the_model_is_offered_exactly_our_tools(
    vad_model: vad.VAD, destinations: dict[str, str], transfer: list[str]
) -> None:
    # A tenant with nowhere to transfer to is not offered transfer_call at all.
    model = ScriptedLLM("Hello, how can I help?")
    tenant = TenantSettings(transfer_destinations=destinations)
    async with scripted_call(model, vad_model=vad_model, tenant=tenant) as call:
        result = await call.session.run(user_input="Hi.")

    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()
    assert sorted(model.offered_tools[0]) == sorted(
        ["end_call", "lookup_order", "request_callback", "update_payment_card", *transfer]
    )


async def test_lookup_order_answers_from_the_order_book(vad_model: vad.VAD) -> None:
    model = ScriptedLLM(
        Reply(
            text="Let me check that.",
            tool_calls=(ToolCall("lookup_order", {"order_number": "48213"}),),
        ),
        "It ships tomorrow.",
    )
    async with scripted_call(model, vad_model=vad_model) as call:
        result = await call.session.run(user_input="Where is order 48213?")

    result.expect.next_event().is_message(role="assistant")
    result.expect.next_event().is_function_call(
        name="lookup_order", arguments={"order_number": "48213"}
    )
    result.expect.next_event().is_function_call_output(
        output="Order is processing; it ships tomorrow.", is_error=False
    )
    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()
    # The model's second request carried the tool's answer back to it.
    assert model.tool_outputs(1) == ["Order is processing; it ships tomorrow."]
    assert [(t.name, t.arguments) for t in call.state.tool_invocations] == [
        ("lookup_order", {"order_number": "48213"})
    ]
    assert _said(call) == ["Let me check that.", "It ships tomorrow."]


@pytest.mark.parametrize(
    ("order_number", "output", "is_error"),
    [
        pytest.param(
            "99999", "No order with that number. Ask the caller to read it again.", False,
            id="unknown-order",
        ),
        pytest.param(
            "", "That order number is incomplete. Ask the caller to read it again.", True,
            id="empty",
        ),
        pytest.param(
            "12", "That order number is incomplete. Ask the caller to read it again.", True,
            id="too-short",
        ),
        pytest.param(
            "[ACCOUNT_4]",
            "I don't have that order number on this call. Ask the caller for it again.",
            True,
            id="placeholder-never-issued",
        ),
    ],
)  # fmt: skip
async def test_lookup_order_refusals_reach_the_model_and_the_caller_hears_an_answer(
    vad_model: vad.VAD, order_number: str, output: str, is_error: bool
) -> None:
    model = ScriptedLLM(
        Reply(tool_calls=(ToolCall("lookup_order", {"order_number": order_number}),)),
        "Could you read me the order number again?",
    )
    async with scripted_call(model, vad_model=vad_model) as call:
        result = await call.session.run(user_input="Where is my order?")

    result.expect.next_event().is_function_call(
        name="lookup_order", arguments={"order_number": order_number}
    )
    result.expect.next_event().is_function_call_output(output=output, is_error=is_error)
    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()
    assert model.tool_outputs(1) == [output]
    assert call.speech.texts == ["Could you read me the order number again?"]


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param('{"order_number": "123', id="truncated"),
        pytest.param("order_number=12345", id="not-json"),
        pytest.param('["12345"]', id="not-an-object"),
    ],
)
async def test_broken_tool_arguments_never_run_the_tool(vad_model: vad.VAD, arguments: str) -> None:
    model = ScriptedLLM(
        Reply(tool_calls=(ToolCall("lookup_order", arguments),)),
        "Could you read me the order number again?",
    )
    async with scripted_call(model, vad_model=vad_model) as call:
        result = await call.session.run(user_input="Where is my order?")

    # A call whose arguments do not parse is reported only by its error (the framework
    # would have "repaired" a truncated call into "123" and run the tool with it).
    output = result.expect.next_event().is_function_call_output(is_error=True).event().item
    assert output.name == "lookup_order"
    assert output.output.endswith("arguments were not a complete JSON object; ask again")
    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()
    assert call.state.tool_invocations == []
    assert model.tool_outputs(1) == [output.output]
    assert call.speech.texts == ["Could you read me the order number again?"]


async def test_a_tool_that_raises_becomes_an_error_the_model_answers(vad_model: vad.VAD) -> None:
    asked: list[str] = []

    def order_system_down(context: RunContext[CallState], order_number: str) -> str:
        asked.append(order_number)
        raise RuntimeError(f"order service timed out looking up {order_number}")

    model = ScriptedLLM(
        Reply(tool_calls=(ToolCall("lookup_order", {"order_number": "48213"}),)),
        "Sorry, I can't reach our order system right now.",
    )
    async with scripted_call(model, vad_model=vad_model) as call:
        with mock_tools(CallAgent, {"lookup_order": order_system_down}):
            result = await call.session.run(user_input="Where is order 48213?")

    result.expect.next_event().is_function_call(
        name="lookup_order", arguments={"order_number": "48213"}
    )
    # The exception's text (which may hold a caller's value) never reaches the model.
    result.expect.next_event().is_function_call_output(
        output="An internal error occurred", is_error=True
    )
    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()
    assert asked == ["48213"]
    assert call.speech.texts == ["Sorry, I can't reach our order system right now."]


@pytest.mark.parametrize(
    ("arguments", "output"),
    [
        pytest.param(
            {"card_number": "[CARD_9]", "expiry": "12/39"},
            "I don't have that card number on this call. Ask the caller for it again.",
            id="placeholder-never-issued",
        ),
        pytest.param(
            {"card_number": "4111 1111", "expiry": "12/39"},
            "That card number is incomplete. Ask the caller for the full number.",
            id="incomplete",
        ),
        pytest.param(
            {"card_number": "4111 1111 1111 1111", "expiry": "13/39"},
            "That expiry month is not valid. Ask for the month and year again.",
            id="bad-month",
        ),
        pytest.param(
            {"card_number": "4111 1111 1111 1111", "expiry": "12/39", "security_code": "73"},
            "The security code should be 3 or 4 digits. Ask for it again.",
            id="short-security-code",
        ),
    ],
)
async def test_update_payment_card_refusals_name_no_value(
    vad_model: vad.VAD, arguments: dict[str, Any], output: str
) -> None:
    model = ScriptedLLM(
        Reply(tool_calls=(ToolCall("update_payment_card", arguments),)),
        "Could you read me the card again?",
    )
    async with scripted_call(model, vad_model=vad_model) as call:
        result = await call.session.run(user_input="I want to change my card.")

    result.expect.next_event().is_function_call(name="update_payment_card", arguments=arguments)
    result.expect.next_event().is_function_call_output(output=output, is_error=True)
    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()


@pytest.fixture
async def control() -> AsyncIterator[CallControl]:
    control = CallControl(url=_UNREACHABLE, api_key="key", api_secret="secret-secret-secret")
    yield control
    await control.aclose()


async def test_transfer_outside_the_tenants_destinations_is_refused(
    vad_model: vad.VAD, control: CallControl
) -> None:
    model = ScriptedLLM(
        Reply(tool_calls=(ToolCall("transfer_call", {"destination": "+1 900 555 0100"}),)),
        "I can only transfer you to billing.",
    )
    async with scripted_call(
        model, vad_model=vad_model, caller=_phone_caller(), tenant=TENANT
    ) as call:
        call.state.actions = CallActions(
            call.session, call.state, control=control, room_name="call-1"
        )
        result = await call.session.run(user_input="Transfer me to +1 900 555 0100.")

    result.expect.next_event().is_function_call(
        name="transfer_call", arguments={"destination": "+1 900 555 0100"}
    )
    result.expect.next_event().is_function_call_output(
        output="That is not a destination you may transfer to (allowed: billing). "
        "Do not transfer the caller anywhere else.",
        is_error=False,
    )
    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()
    assert call.state.outcome is None
    # Recorded in memory for the call record, never logged.
    assert [t.arguments for t in call.state.tool_invocations] == [
        {"destination": "+1 900 555 0100", "reason": "caller_request"}
    ]


async def test_an_app_caller_is_told_there_is_no_transfer(
    vad_model: vad.VAD, control: CallControl
) -> None:
    model = ScriptedLLM(
        Reply(tool_calls=(ToolCall("transfer_call", {"destination": "billing"}),)),
        "I can't transfer you from the app, but I can help.",
    )
    async with scripted_call(model, vad_model=vad_model, tenant=TENANT) as call:
        call.state.actions = CallActions(
            call.session, call.state, control=control, room_name="call-1"
        )
        result = await call.session.run(user_input="Put me through to billing.")

    result.expect.next_event().is_function_call(
        name="transfer_call", arguments={"destination": "billing"}
    )
    output = result.expect.next_event().is_function_call_output(is_error=False).event().item
    assert output.output.startswith("This caller is using the app")
    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()
    assert call.state.outcome is None


async def test_call_tools_without_call_control_refuse(vad_model: vad.VAD) -> None:
    """Before the entrypoint wires the room (or where there is none) the tools say so."""
    model = ScriptedLLM(
        Reply(tool_calls=(ToolCall("transfer_call", {"destination": "billing"}),)),
        Reply(tool_calls=(ToolCall("end_call"),)),
        "I'm still here.",
    )
    async with scripted_call(model, vad_model=vad_model, tenant=TENANT) as call:
        result = await call.session.run(user_input="Billing please, then hang up.")

    result.expect.next_event().is_function_call(name="transfer_call")
    result.expect.next_event().is_function_call_output(
        output="Transfers are not available on this call. Keep helping the caller.",
        is_error=True,
    )
    result.expect.next_event().is_function_call(name="end_call")
    result.expect.next_event().is_function_call_output(
        output="The call cannot be ended from here.", is_error=True
    )
    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()
    assert call.state.outcome is None


async def test_a_transfer_the_model_asks_for_reaches_the_tool_with_its_arguments(
    vad_model: vad.VAD,
) -> None:
    """The transfer itself reaches LiveKit's server API (test_call_tools.py covers it
    against the Twirp simulator): here it is mocked, as livekit's examples do."""
    transfers: list[str] = []

    def transfer_call(context: RunContext[CallState], destination: str) -> None:
        transfers.append(destination)

    model = ScriptedLLM(
        Reply(
            text="Connecting you to billing.",
            tool_calls=(ToolCall("transfer_call", {"destination": "billing"}),),
        )
    )
    async with scripted_call(model, vad_model=vad_model, tenant=TENANT) as call:
        with mock_tools(CallAgent, {"transfer_call": transfer_call}):
            result = await call.session.run(user_input="Billing, please.")

    result.expect.next_event().is_message(role="assistant")
    result.expect.next_event().is_function_call(
        name="transfer_call", arguments={"destination": "billing"}
    )
    # None: the caller has left with the transfer; the model is not asked again.
    result.expect.next_event().is_function_call_output(output="", is_error=False)
    result.expect.no_more_events()
    assert transfers == ["billing"]
    assert len(model.requests) == 1


async def test_end_call_says_the_tenants_goodbye_and_ends_the_session(
    vad_model: vad.VAD,
) -> None:
    model = ScriptedLLM(Reply(tool_calls=(ToolCall("end_call"),)))
    async with scripted_call(model, vad_model=vad_model, tenant=TENANT) as call:
        closed = asyncio.Event()
        call.session.on("close", lambda _: closed.set())
        # No server API on this call: hanging up is closing the session.
        actions = CallActions(call.session, call.state, control=None, room_name="call-1")
        call.state.actions = actions
        result = await call.session.run(user_input="That's all, thanks. Bye.")
        await asyncio.wait_for(closed.wait(), 5)

    result.expect.next_event().is_function_call(name="end_call", arguments={})
    result.expect.next_event().is_function_call_output(output="", is_error=False)
    result.expect.no_more_events()
    assert call.state.outcome is CallOutcome.COMPLETED
    assert actions.goodbye_played_at is not None
    assert call.speech.heard == "Thanks for calling Acme. Goodbye."
    # The tool returned nothing, so the model was not asked to speak after it.
    assert len(model.requests) == 1
