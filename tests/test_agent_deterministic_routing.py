"""Model routing (``model_routing``, per tenant): which turns the fast model answers.
A small model that calls the wrong tool, or none, on a turn that needs one is the risk:
every turn that needs a tool, or carries a value, must reach the strong model, and the
fast model only answers conversational glue."""

from __future__ import annotations

import pytest
from livekit.agents import llm, vad
from scripted_models import Reply, ScriptedLLM, ToolCall, scripted_call, scripted_settings

pytestmark = pytest.mark.unit


def _last_user(ctx: llm.ChatContext) -> str:
    users = [i for i in ctx.items if i.type == "message" and i.role == "user"]
    return (users[-1].text_content or "") if users else ""


def _strong(ctx: llm.ChatContext) -> Reply:
    if any(item.type == "function_call_output" for item in ctx.items[-2:]):
        return Reply(text="It shipped yesterday.")
    if "order" in _last_user(ctx):
        return Reply(tool_calls=(ToolCall("lookup_order", {"order_number": "12345"}),))
    return Reply(text="Happy to help.")


async def test_only_glue_reaches_the_fast_model_and_tool_turns_the_strong_one(
    vad_model: vad.VAD,
) -> None:
    strong = ScriptedLLM(responder=_strong, label="strong")
    fast = ScriptedLLM(responder=lambda ctx: Reply(text="You're welcome!"), label="fast")
    settings = scripted_settings(latency={"model_routing": True})
    turns = [
        ("Hello.", "fast"),
        ("Where is my order 12345?", "strong"),
        ("Great, thanks so much.", "fast"),
        ("Can you cancel it?", "strong"),
        ("Okay.", "fast"),
        ("My card is 4111 1111 1111 1111.", "strong"),
    ]
    async with scripted_call(
        strong, vad_model=vad_model, settings=settings, fast_model=fast, speaking=False
    ) as call:
        for said, _ in turns:
            await call.session.run(user_input=said)

    answered_by = {_last_user(ctx): "strong" for ctx in strong.requests}
    answered_by.update({_last_user(ctx): "fast" for ctx in fast.requests})
    for said, model in turns:
        heard = next(text for text in answered_by if said[:6] in text or said == text)
        assert answered_by[heard] == model, said
    # The tool turn and its follow-up were the strong model's; the fast one never
    # produced a tool call, and was offered the same tools (nothing else differs).
    assert call.state.tool_invocations and call.state.tool_invocations[0].name == "lookup_order"
    assert fast.offered_tools and fast.offered_tools[0] == strong.offered_tools[0]
