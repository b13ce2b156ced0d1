"""Pieces of the agent that do not need the pipeline: redaction plumbing, the context
window, model routing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest
from livekit.agents import llm, stt

from compliance import CallRedactor, RedactionPolicy
from worker.call.context_window import ContextWindow
from worker.providers.routing import classify_intent
from worker.redaction import redact_chat_ctx, redact_speech_event, speak_placeholders

pytestmark = pytest.mark.unit


def _event(kind: stt.SpeechEventType, text: str) -> stt.SpeechEvent:
    return stt.SpeechEvent(type=kind, alternatives=[stt.SpeechData(language="en", text=text)])


def test_finals_advance_state_interims_do_not() -> None:
    redactor = CallRedactor()
    interim = redact_speech_event(
        _event(stt.SpeechEventType.INTERIM_TRANSCRIPT, "my card is 4111 1111 1111 1111"),
        redactor,
    )
    assert "4111" not in interim.alternatives[0].text
    assert redactor.vault.restore_for_tool("[CARD_1]") == "[CARD_1]"  # nothing stored yet
    final = redact_speech_event(
        _event(stt.SpeechEventType.FINAL_TRANSCRIPT, "my card is 4111 1111 1111 1111"),
        redactor,
    )
    assert final.alternatives[0].text == "my card is [CARD_1]"
    assert final.alternatives[0].words is None
    assert redactor.vault.restore_for_tool("[CARD_1]") == "4111111111111111"


def test_an_interim_answer_to_a_security_question_is_redacted() -> None:
    redactor = CallRedactor()
    redactor.agent_said("What's your security word?")

    interim = redact_speech_event(
        _event(stt.SpeechEventType.INTERIM_TRANSCRIPT, "it's blue"), redactor
    )
    assert interim.alternatives[0].text == "it's [SECRET]"
    assert len(redactor.vault) == 0
    final = redact_speech_event(
        _event(stt.SpeechEventType.FINAL_TRANSCRIPT, "It's bluebird."), redactor
    )
    assert final.alternatives[0].text == "It's [SECRET_1]."


def test_llm_pass_redacts_user_text_and_tool_echoes() -> None:
    redactor = CallRedactor()
    redactor.redact("my card is 4111 1111 1111 1111")
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="user", content="call me on 415 555 2671")
    ctx.items.append(
        llm.FunctionCallOutput(
            call_id="c1", name="t", output="saved card 4111111111111111", is_error=False
        )
    )
    safe = redact_chat_ctx(ctx, redactor)
    texts = [str(getattr(i, "output", "")) + str(getattr(i, "content", "")) for i in safe.items]
    assert not any("2671" in t or "4111" in t for t in texts)
    assert "[CARD_1]" in safe.items[1].output  # type: ignore[union-attr]
    chunked = llm.ChatContext.empty()
    chunked.add_message(role="user", content="Sure, it's [CARD_1] [CARD_1].")
    assert redact_chat_ctx(chunked, redactor).items[0].text_content == "Sure, it's [CARD_1]."  # type: ignore[union-attr]
    # The session's own context is never rewritten.
    assert ctx.items[0].text_content == "call me on 415 555 2671"  # type: ignore[union-attr]


async def _stream(pieces: Sequence[str]) -> AsyncIterator[str]:
    for piece in pieces:
        yield piece


async def test_placeholders_are_spoken_per_policy_even_when_split() -> None:
    redactor = CallRedactor()
    redactor.redact("my card is 4111 1111 1111 1111 and my social is 123-45-6789")
    spoken = "".join(
        [
            p
            async for p in speak_placeholders(
                _stream(["Saved [CA", "RD_1] and [SSN", "_1]. Done"]),
                redactor,
                RedactionPolicy(),
            )
        ]
    )
    assert "[" not in spoken
    assert "1111" in spoken
    assert "4111" not in spoken
    assert "6789" not in spoken
    assert spoken.endswith(". Done")


def test_routing_by_intent_not_length() -> None:
    assert classify_intent("okay great thanks so much that's all") == "glue"
    assert classify_intent("cancel it") == "task"
    assert classify_intent("yes [CARD_1]") == "task"
    assert classify_intent("ok 12345") == "task"


def _conversation(turns: int) -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="system", content="instructions")
    for i in range(turns):
        ctx.add_message(role="user", content=f"question {i}")
        ctx.add_message(role="assistant", content=f"answer {i}")
    return ctx


async def test_context_window_bounds_and_summarises_off_the_critical_path() -> None:
    release = asyncio.Event()
    calls: list[int] = []

    async def summarizer(older: Sequence[llm.ChatItem]) -> str:
        calls.append(len(older))
        await release.wait()
        return "caller asked earlier questions"

    window = ContextWindow(max_items=8, summarizer=summarizer)
    short = _conversation(3)
    assert window.view(short) is short

    long = _conversation(8)
    long.add_message(role="user", content="question 8")  # 17 conversation items
    first = window.view(long)  # must not wait for the summary
    assert first.items[0].text_content == "instructions"  # type: ignore[union-attr]
    assert len(first.items) <= 1 + 8
    assert first.items[1].role == "user"  # type: ignore[union-attr]
    await asyncio.sleep(0)
    assert calls == [len(long.items) - len(first.items)]

    release.set()
    await asyncio.sleep(0.01)
    second = window.view(long)
    assert "earlier questions" in (second.items[1].text_content or "")  # type: ignore[union-attr]
    # The next turns keep the same cut and summary: the prefix stays byte-identical, so
    # provider prompt caching keeps working; the cut only moves in coarse steps.
    long.add_message(role="assistant", content="answer 8")
    long.add_message(role="user", content="question 9")
    third = window.view(long)
    assert [i.id for i in third.items[2:]][: len(second.items) - 2] == [
        i.id for i in second.items[2:]
    ]
    assert third.items[1].text_content == second.items[1].text_content  # type: ignore[union-attr]
    assert len(calls) == 1
    await window.aclose()
