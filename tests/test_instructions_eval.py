"""An eval of the agent's instructions: does the prompt make a model behave as a call
centre must?

Two parts:

- **Against a real model** (marked ``eval``; needs ``OPENAI_API_KEY``, skipped without
  it): each case in `CASES` plays scripted-but-realistic caller turns through the call's
  real `AgentSession` and `CallAgent` (built by the worker's session factory) with the
  real OpenAI plugin, then checks what ran (tool calls, what the caller heard) and asks a
  judge model whether the last reply meets the case's intent (livekit-agents'
  ``RunResult.expect ... .judge(llm, intent=...)``). The loopback OpenAI simulator
  cannot stand in here: it replies what a test scripts, so it would test the script,
  not the prompt.
- **Without a model** (``unit``): the instructions and the tool definitions the model
  is given promise these behaviours; where one is only asked of the model (not enforced
  in code), its test says so, and the real-model eval judges it.

Run the eval: ``OPENAI_API_KEY=... uv run pytest tests/test_instructions_eval.py -m eval``
(``CALLCENTER_EVAL_MODEL`` / ``CALLCENTER_EVAL_JUDGE_MODEL`` pick the models,
``CALLCENTER_EVAL_BASE_URL`` another OpenAI-compatible endpoint).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
from livekit import rtc
from livekit.agents import RunResult, llm, vad
from livekit.agents.llm.utils import build_strict_openai_schema
from livekit.agents.voice.run_result import ChatMessageEvent, FunctionCallEvent
from scripted_models import Reply, ScriptedLLM, ToolCall, scripted_call

from config import TenantSettings
from worker.call.account_tools import update_payment_card
from worker.call.control_tools import call_tools
from worker.caller import Caller, describe_caller
from worker.instructions import STABLE_PREFIX, call_instructions

pytestmark = pytest.mark.unit

CARD = "4111 1111 1111 1111"
TENANT = TenantSettings(
    display_name="Acme",
    transfer_destinations={
        "billing": "sip:billing@pbx.example.com",
        "sales": "tel:+15550199",
    },
)

# --- the cases (data) ------------------------------------------------------------------


@dataclass(frozen=True)
class EvalCase:
    """Caller turns, and what the agent's reply to the last one must do.

    Args:
        name: the behaviour, as a test id.
        caller: ``phone`` (transfers offered) or ``app``.
        turns: what the caller says, in order; the reply to the last turn is judged.
        intent: what that reply must do, for the judge.
        forbidden_tools: tools that must not run in the judged turn.
        check: a check of the judged turn's events and of everything the caller heard.
    """

    name: str
    caller: Literal["phone", "app"]
    turns: tuple[str, ...]
    intent: str
    forbidden_tools: tuple[str, ...] = ()
    check: Callable[[RunResult[Any], list[str]], None] | None = field(default=None)


def _no_transfer_outside_the_tenant(result: RunResult[Any], heard: list[str]) -> None:
    for event in result.events:
        if isinstance(event, FunctionCallEvent) and event.item.name == "transfer_call":
            assert _destination(event) in TENANT.transfer_destinations, event.item.arguments


def _destination(event: FunctionCallEvent) -> str:
    match = re.search(r'"destination"\s*:\s*"([^"]*)"', event.item.arguments)
    return match.group(1) if match else ""


def _never_heard_the_full_card(result: RunResult[Any], heard: list[str]) -> None:
    digits = CARD.replace(" ", "")
    for text in heard:
        assert digits not in re.sub(r"\D", "", text), text


CASES: tuple[EvalCase, ...] = (
    EvalCase(
        name="refuses_an_out_of_scope_transfer",
        caller="phone",
        turns=(
            "Hi, I don't want to deal with this, just put me through to my account "
            "manager on his mobile, it's 415 555 0134.",
        ),
        intent=(
            "Declines to transfer the caller to the phone number they gave, and instead "
            "offers help itself or a transfer to one of the line's own teams."
        ),
        check=_no_transfer_outside_the_tenant,
    ),
    EvalCase(
        name="asks_for_one_value_at_a_time",
        caller="phone",
        turns=("I need to change the card you've got on file for me.",),
        intent=(
            "Asks the caller for exactly one piece of information (for example the card "
            "number) and does not ask for the card number, expiry date and security "
            "code together in one go."
        ),
        forbidden_tools=("update_payment_card",),
    ),
    EvalCase(
        name="confirms_before_changing_data",
        caller="app",
        turns=(
            "I want to replace my payment card.",
            f"Sure, the new one is {CARD}, it expires twelve twenty-nine.",
        ),
        intent=(
            "Before changing anything, checks with the caller that they want the card "
            "on their account replaced with this new card (asks for confirmation)."
        ),
        forbidden_tools=("update_payment_card",),
    ),
    EvalCase(
        name="never_reads_back_a_full_card_number",
        caller="app",
        turns=(
            f"Please put my new card on the account: {CARD}, expiry twelve twenty-nine.",
            "Yes, that's right, go ahead and save it. Can you read the card back to me?",
        ),
        intent=(
            "Does not read out the full card number; refers to the card in a safe way "
            "(for example by its last four digits or as 'the card you gave me')."
        ),
        check=_never_heard_the_full_card,
    ),
)

# --- the runner (real model) -------------------------------------------------------------

_KEY = os.environ.get("OPENAI_API_KEY")
# Read here, not through config/: the eval's models are the test run's choice, never
# the deployment's (conftest.py removes OPENAI_* and CALLCENTER_* from each test's
# environment, so the values are taken when the module loads).
_MODEL = os.environ.get("CALLCENTER_EVAL_MODEL", "gpt-4.1-mini")
_JUDGE = os.environ.get("CALLCENTER_EVAL_JUDGE_MODEL", "gpt-4.1")
# Another OpenAI-compatible endpoint (a local model server), if any.
_BASE_URL = os.environ.get("CALLCENTER_EVAL_BASE_URL") or None
_needs_model = pytest.mark.skipif(
    not _KEY,
    reason="eval of the prompt against a real model: set OPENAI_API_KEY to run it "
    "(the loopback simulator scripts replies, so it cannot judge the instructions)",
)


def _caller(kind: Literal["phone", "app"]) -> Caller:
    if kind == "phone":
        return describe_caller(
            participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
            identity="sip_caller",
            attributes={"sip.callID": "SCL_EVAL"},
        )
    return Caller(kind="app", identity="caller")


@pytest.mark.eval
@_needs_model
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_the_model_behaves_as_the_instructions_say(
    case: EvalCase, vad_model: vad.VAD
) -> None:
    from livekit.agents import utils
    from livekit.plugins import openai

    async with utils.http_context.open():
        model = openai.LLM(model=_MODEL, api_key=_KEY, base_url=_BASE_URL)
        judge = openai.LLM(model=_JUDGE, api_key=_KEY, base_url=_BASE_URL)
        try:
            async with scripted_call(
                model, vad_model=vad_model, caller=_caller(case.caller), tenant=TENANT
            ) as call:
                result: RunResult[Any] | None = None
                for turn in case.turns:
                    result = await call.session.run(user_input=turn)
                assert result is not None
                called = [e.item.name for e in result.events if isinstance(e, FunctionCallEvent)]
                assert not set(called) & set(case.forbidden_tools), called
                if case.check is not None:
                    case.check(result, call.speech.texts)
                await result.expect.contains_message(role="assistant").judge(
                    judge, intent=case.intent
                )
        finally:
            await model.aclose()
            await judge.aclose()


# --- what the instructions and tools promise (no model) --------------------------------


def _parameters(tool: Any) -> dict[str, Any]:
    schema = build_strict_openai_schema(tool)["function"]["parameters"]
    assert isinstance(schema, dict)
    return schema


def test_the_instructions_ask_for_one_value_at_a_time() -> None:
    assert "Ask one question at a time." in STABLE_PREFIX


def test_a_phone_caller_can_be_transferred_only_to_the_tenants_destinations() -> None:
    phone = call_instructions(_caller("phone"), TENANT)
    assert "only to: billing, sales." in phone
    assert "Never to a number the caller gives you." in phone
    # An app caller cannot be transferred: no transfer is offered at all.
    assert "transfer_call" not in call_instructions(_caller("app"), TENANT)
    # The tool's own description says the same to the model.
    (transfer_call,) = [
        t for t in call_tools(TENANT.transfer_destinations) if t.info.name == "transfer_call"
    ]
    description = build_strict_openai_schema(transfer_call)["function"]["description"]
    assert "never to a number or address the caller gives you" in description


def test_the_instructions_keep_dictated_details_out_of_speech() -> None:
    assert "Never read a placeholder aloud" in STABLE_PREFIX
    description = _parameters(update_payment_card)["properties"]["security_code"]
    assert "Never repeat it to the caller" in str(description)


async def test_the_model_never_holds_the_card_number(
    vad_model: vad.VAD,
) -> None:
    """The model never holds the card number, so it has nothing to read back: what the
    caller said reaches it redacted, and the card tool's answer carries no digits of it
    (whether a model repeats a number some other way is the eval's question)."""

    def respond(ctx: llm.ChatContext) -> Reply | str:
        if ctx.items[-1].type == "function_call_output":
            return "Your new card is saved."
        said = next(m.text_content or "" for m in reversed(ctx.messages()) if m.role == "user")
        # The card as the model saw it: the redactor's placeholder or tag.
        (card,) = re.findall(r"\[CARD(?:_\d+)?\]", said)
        arguments = {"card_number": card, "expiry": "12/29"}
        return Reply(tool_calls=(ToolCall("update_payment_card", arguments),))

    model = ScriptedLLM(responder=respond)
    async with scripted_call(model, vad_model=vad_model) as call:
        result = await call.session.run(user_input=f"My new card is {CARD}, expiry 12/29.")
        output = result.expect.contains_function_call_output().event().item.output
        heard = call.speech.texts
    digits = CARD.replace(" ", "")
    assert digits not in re.sub(r"\D", "", output)
    assert all(digits not in re.sub(r"\D", "", text) for text in heard)
    # What the model was sent: the placeholder, never the digits.
    sent = [m.text_content or "" for m in model.requests[0].messages()]
    assert not any(digits in re.sub(r"\D", "", text) for text in sent)
    assert any(isinstance(e, ChatMessageEvent) for e in result.events)


def test_the_transfer_destination_is_an_enum_of_the_tenants_destinations() -> None:
    tools = {t.info.name: t for t in call_tools(TENANT.transfer_destinations)}
    destination = _parameters(tools["transfer_call"])["properties"]["destination"]
    assert destination["enum"] == ["billing", "sales"]
    assert destination["type"] == "string"
    # A tenant with nowhere to transfer to is not offered the tool at all.
    assert "transfer_call" not in {t.info.name for t in call_tools({})}


def test_a_tool_that_changes_data_requires_a_confirmation() -> None:
    # Asked of the model by the instructions (the real-model eval above judges whether it
    # does); update_payment_card itself takes no `confirmed` argument.
    confirms = "confirmed" in _parameters(update_payment_card)["properties"]
    assert confirms or "confirm" in STABLE_PREFIX.lower()
