"""Our agent driven the way livekit-agents tests agents: `session.run(user_input=...)`
and the framework's result expectations, in text mode, with no audio and no clock to
wait on. The model is scripted on the OpenAI wire simulator at zero latency, so the real
OpenAI plugin, the real AgentSession and our CallAgent (redacting llm_node, tools,
apology) are what run; each test takes well under a second.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from livekit import rtc
from livekit.agents import AgentSession, APIConnectOptions, RunResult, utils
from livekit.plugins import openai

from compliance import CallRedactor
from config import TenantSettings
from sim.faults import Fault, FaultPlan
from sim.openai_chat import OpenAIChatSim, OpenAILatency, ScriptedReply, ToolCallSpec
from worker.agent import APOLOGY, CallAgent
from worker.call.state import CallState
from worker.caller import describe_caller
from worker.framework import SessionConnectOptions

pytestmark = pytest.mark.sim

KEY = "sim-key"
CARD = "4111 1111 1111 1111"
# No retries: a failing model must reach the agent's apology now, not after backoff.
_NO_RETRY = SessionConnectOptions(llm_conn_options=APIConnectOptions(max_retry=0, timeout=5))


def _last_user(body: dict[str, Any]) -> str:
    users = [m for m in body["messages"] if m["role"] == "user"]
    content = users[-1]["content"] if users else ""
    return content if isinstance(content, str) else json.dumps(content)


def _card_script(card_placeholder: str | None = None) -> Any:
    """The model calls update_payment_card with what it was given (or with
    ``card_placeholder``), then reads the tool's answer back."""

    def respond(body: dict[str, Any]) -> ScriptedReply:
        if body["messages"][-1]["role"] == "tool":
            return ScriptedReply(text="Done. " + body["messages"][-1]["content"])
        said = _last_user(body)
        card = card_placeholder or re.findall(r"\[CARD_\d+\]", said)[0]
        expiry = (re.findall(r"\[EXPIRY_\d+\]", said) or ["12/29"])[0]
        arguments = {"card_number": card, "expiry": expiry}
        return ScriptedReply(tool_calls=(ToolCallSpec("update_payment_card", arguments),))

    return respond


def _state() -> CallState:
    caller = describe_caller(
        participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
        identity="caller",
        attributes={"sip.callID": "SCL_1"},
    )
    tenant = TenantSettings()
    return CallState(
        caller=caller, tenant_name="default", tenant=tenant, redactor=CallRedactor(tenant.redaction)
    )


@pytest.fixture
async def http() -> AsyncIterator[None]:
    async with utils.http_context.open():
        yield


@dataclass
class Turn:
    result: RunResult[Any]
    state: CallState
    requests: list[dict[str, Any]]


async def _turn(user_input: str, sim: OpenAIChatSim, *, redact: bool = False) -> Turn:
    """One caller turn through a fresh session of our agent on ``sim``.

    ``redact``: hand the framework the text the STT node would, redacted by the call's
    redactor (whose vault then keeps the values for the tools).
    """
    async with sim:
        session: AgentSession[CallState] = AgentSession(
            llm=openai.LLM(model="gpt-4.1-mini", base_url=sim.base_url, api_key=KEY),
            userdata=_state(),
            turn_handling={"turn_detection": None},
            conn_options=_NO_RETRY,
        )
        agent = CallAgent(
            instructions="test",
            transfer_destinations=(),
            fast_llm=None,
            max_context_items=40,
            summarize=False,
        )
        await session.start(agent)
        try:
            said = session.userdata.redactor.redact(user_input) if redact else user_input
            result = await session.run(user_input=said)
        finally:
            await session.aclose()
    return Turn(result, session.userdata, sim.requests)


async def test_a_card_reaches_the_tool_whole_and_the_model_only_as_a_placeholder(
    http: None,
) -> None:
    sim = OpenAIChatSim(responder=_card_script(), latency=OpenAILatency.instant(), api_key=KEY)
    turn = await _turn(f"My card is {CARD}, it expires 12/29.", sim, redact=True)
    result = turn.result

    # What the model received: placeholders, never the number.
    assert "4111" not in json.dumps(turn.requests)
    (card_placeholder,) = set(re.findall(r"\[CARD_\d+\]", _last_user(turn.requests[0])))
    call = result.expect.next_event().is_function_call(name="update_payment_card").event().item
    assert json.loads(call.arguments)["card_number"] == card_placeholder
    output = result.expect.next_event().is_function_call_output().event().item
    assert not output.is_error
    assert output.output == f"Card {card_placeholder} saved as the payment card."
    reply = result.expect.next_event().is_message(role="assistant").event().item
    assert "4111" not in (reply.text_content or "")
    result.expect.no_more_events()
    # The tool itself got the whole number back from the call's vault.
    (invocation,) = turn.state.tool_invocations
    assert invocation.arguments["card_number"].replace(" ", "") == CARD.replace(" ", "")


async def test_a_placeholder_this_call_never_issued_is_refused_to_the_model(http: None) -> None:
    sim = OpenAIChatSim(
        responder=_card_script("[CARD_7]"), latency=OpenAILatency.instant(), api_key=KEY
    )
    result = (await _turn("Please update my card.", sim)).result

    result.expect.next_event().is_function_call(
        name="update_payment_card", arguments={"card_number": "[CARD_7]", "expiry": "12/29"}
    )
    output = result.expect.next_event().is_function_call_output().event().item
    assert output.is_error
    assert "don't have that card number" in output.output
    # The refusal went back to the model, which answered the caller.
    assert sim.requests[-1]["messages"][-1]["role"] == "tool"
    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()


async def test_a_failing_model_gets_the_caller_a_spoken_apology(http: None) -> None:
    every_request = FaultPlan([Fault("http_error", request=None, status=500)])
    sim = OpenAIChatSim(
        replies=["unused"], latency=OpenAILatency.instant(), api_key=KEY, faults=every_request
    )
    turn = await _turn("Where is my order?", sim)
    result = turn.result

    assert len(turn.requests) == 1  # no retry behind the apology's back
    apology = result.expect.next_event().is_message(role="assistant").event().item
    assert apology.text_content == APOLOGY
    result.expect.no_more_events()
