"""What the agent says on its way to the TTS becomes the redactor's context for the caller's
next turn, even when the reply is cut off; what reaches the LLM is bounded per caller turn."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from livekit.agents import llm

from compliance import CallRedactor
from compliance.redactor import MAX_TURN_CHARS
from worker.redaction import redact_chat_ctx, speak_placeholders

pytestmark = pytest.mark.unit


async def _reply(*chunks: str) -> AsyncIterator[str]:
    for chunk in chunks:
        yield chunk


async def test_the_spoken_question_is_context_for_the_next_caller_turn() -> None:
    redactor = CallRedactor()
    spoken = speak_placeholders(
        _reply("Of course. What's the best ", "number to reach you?"), redactor, redactor.policy
    )

    said = "".join([chunk async for chunk in spoken])

    assert said == "Of course. What's the best number to reach you?"
    assert redactor.asked == "phone"
    assert redactor.redact("five five five one two three, four five six seven") == "[PHONE_1]"


async def test_an_interrupted_reply_still_counts_what_was_said() -> None:
    redactor = CallRedactor()
    spoken = speak_placeholders(
        _reply("And the security code ", "on the back?", " Take your time."),
        redactor,
        redactor.policy,
    )

    first = await spoken.__anext__()
    second = await spoken.__anext__()
    await spoken.aclose()  # the caller barged in

    assert first + second == "And the security code on the back?"
    assert redactor.asked == "cvv"
    assert redactor.redact("seven three two") == "[CVV_1]"


def test_a_long_user_message_is_cut_but_a_long_tool_result_only_redacted() -> None:
    redactor = CallRedactor()
    filler = "lorem ipsum " * 500
    ctx = llm.ChatContext(
        [
            llm.ChatMessage(role="user", content=[filler + "card 4111 1111 1111 1111"]),
            llm.FunctionCallOutput(
                call_id="c1",
                name="lookup_order",
                output=filler + "card 4111 1111 1111 1111",
                is_error=False,
            ),
        ]
    )

    user, tool = redact_chat_ctx(ctx, redactor).items

    assert len(user.text_content or "") <= MAX_TURN_CHARS  # type: ignore[union-attr]
    assert "4111" not in (user.text_content or "")  # type: ignore[union-attr]
    assert tool.output.endswith("card [CARD]")  # type: ignore[union-attr]
    assert len(tool.output) > MAX_TURN_CHARS  # type: ignore[union-attr]
