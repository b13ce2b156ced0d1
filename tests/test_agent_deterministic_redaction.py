"""Placeholders through whole turns, on the call's real session and `CallAgent`, with a
scripted caller voice (VAD and STT events) and a scripted model: the STT node's
redaction, the vault behind the placeholders, the agent's words as context for the
caller's next turn, and what the caller hears. The model streams its reply in
3-character chunks, so every placeholder it writes arrives split, as a real stream
splits it. In process, in milliseconds; the wire-level version is test_pii_pipeline.py."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from livekit.agents import llm, room_io, vad
from scripted_models import Reply, ScriptedLLM, ToolCall, scripted_call
from scripted_voice import VoiceCall, voice_call

from worker.redaction import redacted_text_input

pytestmark = pytest.mark.unit

CARD = "4111 1111 1111 1111"
CARD_DIGITS = "4111111111111111"


def _wire(model: ScriptedLLM) -> str:
    """Every request the model received, as a provider would have been sent it: the words,
    tool calls and their outputs. Item ids and timings are left out: random hex and epoch
    seconds hold "4111" by chance now and then (a CI run failed on one)."""
    return json.dumps([_words(ctx.to_dict(exclude_metrics=True)) for ctx in model.requests])


def _words(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _words(v) for k, v in obj.items() if k not in ("id", "call_id")}
    if isinstance(obj, list):
        return [_words(v) for v in obj]
    return obj


def _last_user(ctx: llm.ChatContext) -> str:
    users = [i for i in ctx.items if i.type == "message" and i.role == "user"]
    return (users[-1].text_content or "") if users else ""


def _card_script(ctx: llm.ChatContext) -> Reply | str:
    if ctx.items[-1].type == "function_call_output":
        return "Done: [CARD_1] is your payment card now, and I did not keep [CVV_1]."
    return Reply(
        text="Let me update that.",
        tool_calls=(
            ToolCall(
                "update_payment_card",
                {"card_number": "[CARD_1]", "expiry": "[EXPIRY_1]", "security_code": "[CVV_1]"},
            ),
        ),
    )


async def test_a_spoken_card_reaches_the_tool_but_never_the_model_or_the_caller() -> None:
    model = ScriptedLLM(responder=_card_script)
    async with voice_call(model) as call:
        await call.voice.say(
            f"My new card is {CARD}, it expires 12/39, and the code on the back is 7 3 2."
        )
        await call.reply(2)
    state, heard = call.scripted.state, call.scripted.speech.heard

    # The model saw placeholders only, in every request (preemptive ones included).
    assert "[CARD_1]" in _last_user(model.requests[0])
    assert "[EXPIRY_1]" in _last_user(model.requests[0])
    assert "[CVV_1]" in _last_user(model.requests[0])
    wire = _wire(model)
    assert CARD not in wire and CARD_DIGITS not in wire and "4111" not in wire
    assert "7 3 2" not in wire and "12/39" not in wire
    # The history of the call (transcripts, summary) holds the placeholders too.
    assert call.said("user") == [
        "My new card is [CARD_1], it expires [EXPIRY_1], and the code on the back is [CVV_1]."
    ]

    # The tool got the real values from the vault; the code was used, then dropped.
    (invocation,) = state.tool_invocations
    assert invocation.arguments == {
        "card_number": CARD_DIGITS,
        "expiry": "12/39",
        "security_code": "[withheld]",
    }
    assert state.redactor.vault.get("[CVV_1]") is None
    outputs = [
        i.output for i in call.scripted.session.history.items if i.type == "function_call_output"
    ]
    # The tool names the card by its placeholder, so the model can say it back (a bare
    # last four reached the model as a "[CARD]" tag it could neither use nor say).
    assert outputs == ["Card [CARD_1] saved as the payment card."]
    assert "Card [CARD_1] saved" in _wire(model) and "[CARD]" not in _wire(model)

    # The caller heard the last four only, no placeholder, and never the code.
    assert heard == (
        "Let me update that. Done: card ending in 1111 is your payment card now, and I did "
        "not keep the security code you gave."
    )
    assert "[" not in heard


async def test_the_agents_question_makes_the_callers_digits_a_phone_number() -> None:
    """What the agent says is the redactor's context for the caller's next turn (our
    tts_node feeds it): after "the best number to reach you?", digit groups with no
    context word of their own are read as a phone number, and vaulted."""

    def script(ctx: llm.ChatContext) -> str:
        if "[PHONE_1]" in _last_user(ctx):
            return "Thanks, I'll call you back on [PHONE_1]."
        return "Sure. What's the best number to reach you?"

    model = ScriptedLLM(responder=script)
    async with voice_call(model) as call:
        await call.voice.say("I'd like a call back.")
        await call.reply(1)
        await call.voice.say("five five five, one two three, four five six seven.")
        await call.reply(2)
    heard = call.scripted.speech.heard

    assert call.said("user")[1] == "[PHONE_1]."
    assert call.scripted.state.redactor.vault.get("[PHONE_1]") is not None
    assert "five five five" not in _wire(model).lower()
    # The number is spoken back only as the policy allows: its last four digits.
    assert heard == (
        "Sure. What's the best number to reach you? "
        "Thanks, I'll call you back on number ending in 4567."
    )


async def test_a_typed_card_never_reaches_the_model_or_the_caller(vad_model: vad.VAD) -> None:
    """Text the session gets without the STT (``generate_reply(user_input=...)``, an app
    caller's chat) is caught by the LLM node's pass: the model sees a bare tag."""
    model = ScriptedLLM("Thanks, I have the card you gave me.")
    async with scripted_call(model, vad_model=vad_model) as call:
        await call.session.run(user_input=f"My card is {CARD}.")

    assert model.user_texts(0) == ["My card is [CARD]."]
    assert CARD not in _wire(model) and CARD_DIGITS not in _wire(model)
    assert call.speech.heard == "Thanks, I have the card you gave me."


async def _type(call: VoiceCall, options: room_io.TextInputOptions, text: str) -> None:
    """What RoomIO does with a message on the room's lk.chat text stream: it calls the
    text-input callback with the session and the event (no LiveKit server here)."""
    handled = options.text_input_cb(call.scripted.session, room_io.TextInputEvent(text=text))
    if handled is not None:
        await handled


async def test_a_typed_card_is_redacted_like_a_spoken_one() -> None:
    model = ScriptedLLM(responder=_card_script)
    async with voice_call(model) as call:
        state = call.scripted.state
        await _type(
            call,
            redacted_text_input(state.redactor),
            f"My new card is {CARD}, it expires 12/39, and the code on the back is 732.",
        )
        await call.reply(2)

    # The history, every model request and the caller's transcript hold placeholders.
    assert call.said("user") == [
        "My new card is [CARD_1], it expires [EXPIRY_1], and the code on the back is [CVV_1]."
    ]
    wire = _wire(model)
    assert CARD not in wire and CARD_DIGITS not in wire and "12/39" not in wire
    # The vault learnt the values, so the tool got the real card.
    (invocation,) = state.tool_invocations
    assert invocation.arguments["card_number"] == CARD_DIGITS
    assert invocation.arguments["expiry"] == "12/39"


async def test_without_it_the_frameworks_text_input_keeps_the_digits() -> None:
    """The control: the framework's own callback puts the typed text in the history as
    it came (only our LLM node's last pass kept it from the model)."""
    model = ScriptedLLM(responder=lambda ctx: "Noted.")
    async with voice_call(model) as call:
        await _type(call, room_io.TextInputOptions(), f"My new card is {CARD}.")
        await call.reply(1)

    assert CARD in call.said("user")[0]
    assert CARD not in _wire(model)


async def test_blank_typed_text_is_ignored() -> None:
    model = ScriptedLLM(responder=lambda ctx: "Noted.")
    async with voice_call(model) as call:
        await _type(call, redacted_text_input(call.scripted.state.redactor), "  \n ")
        await asyncio.sleep(0.2)

    assert call.said("user") == [] and model.requests == []
