"""The acknowledgment before a slow reply: when it is said, what it replaces in the
LLM's own words, and which turns get one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from livekit import rtc
from livekit.agents import FlushSentinel, llm

from worker.acknowledgment import Acknowledger, Opening, drop_echoed_opener
from worker.agent import with_bridge_lines
from worker.phrase_cache import _STORE, PhraseCache

pytestmark = pytest.mark.unit


def _chunk(content: str | None = None, *, tool: str | None = None) -> llm.ChatChunk:
    calls = (
        [llm.FunctionToolCall(name=tool, arguments="{}", call_id="c1")] if tool is not None else []
    )
    return llm.ChatChunk(
        id="r1", delta=llm.ChoiceDelta(role="assistant", content=content, tool_calls=calls)
    )


async def _late(delay_s: float, *chunks: llm.ChatChunk) -> AsyncIterator[llm.ChatChunk | str]:
    await asyncio.sleep(delay_s)
    for chunk in chunks:
        yield chunk


def _text(out: list[llm.ChatChunk | str | FlushSentinel]) -> str:
    parts: list[str] = []
    for item in out:
        if isinstance(item, FlushSentinel):
            parts.append("|")
        elif isinstance(item, str):
            parts.append(item)
        elif item.delta is not None and item.delta.content:
            parts.append(item.delta.content)
    return "".join(parts)


async def _reply(
    delay_s: float, *chunks: llm.ChatChunk, after_s: float = 0.05
) -> tuple[str, Opening]:
    opening = Opening(line="Okay.", after_s=after_s, user_message_id="u1")
    stream = drop_echoed_opener(_late(delay_s, *chunks), opening)
    out = [
        c async for c in with_bridge_lines(stream, ["Wait."], first_after_s=5.0, opening=opening)
    ]
    return _text(out), opening


async def test_a_slow_reply_opens_with_the_acknowledgment_and_loses_its_echo() -> None:
    text, opening = await _reply(
        0.2, _chunk(""), _chunk("Sure"), _chunk(", what's"), _chunk(" up?")
    )
    assert opening.said
    assert text == "Okay. |What's up?"


async def test_a_fast_reply_is_left_exactly_as_the_model_wrote_it() -> None:
    text, opening = await _reply(0.0, _chunk("Sure"), _chunk(", what's up?"))
    assert not opening.said
    assert text == "Sure, what's up?"


async def test_openers_that_add_something_are_kept_after_the_acknowledgment() -> None:
    text, _ = await _reply(0.2, _chunk("Let me check that."), _chunk(" It shipped."))
    assert text == "Okay. |Let me check that. It shipped."
    text, _ = await _reply(0.2, _chunk("Sure thing, it shipped."))
    assert text == "Okay. |Sure thing, it shipped."


async def test_an_echo_split_across_chunks_and_alone_is_dropped() -> None:
    text, _ = await _reply(0.2, _chunk("O"), _chunk("kay. "), _chunk(" "), _chunk("it shipped."))
    assert text == "Okay. |It shipped."
    text, _ = await _reply(0.2, _chunk("Of course."))
    assert text == "Okay. |"


async def test_a_tool_call_passes_through_after_the_acknowledgment() -> None:
    opening = Opening(line="Okay.", after_s=0.05, user_message_id="u1")
    stream = drop_echoed_opener(_late(0.2, _chunk(tool="lookup_order")), opening)
    out = [c async for c in with_bridge_lines(stream, [], opening=opening)]
    calls = [c for c in out if isinstance(c, llm.ChatChunk) and c.delta and c.delta.tool_calls]
    assert _text(out) == "Okay. |"
    assert calls[0].delta is not None and calls[0].delta.tool_calls[0].name == "lookup_order"


async def test_bridge_lines_keep_their_own_times_after_the_acknowledgment() -> None:
    opening = Opening(line="Okay.", after_s=0.02, user_message_id="u1")
    stream = _late(0.25, _chunk("It shipped."))
    out = [
        c
        async for c in with_bridge_lines(
            stream, ["Wait."], first_after_s=0.1, every_s=1.0, opening=opening
        )
    ]
    assert _text(out) == "Okay. |Wait. |It shipped."


def _ctx(*roles: str, said: str = "Sure.") -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    for role in roles:
        if role == "tool":
            ctx.items.append(
                llm.FunctionCallOutput(
                    call_id="c1", name="lookup_order", output="{}", is_error=False
                )
            )
        else:
            ctx.add_message(role=role, content=said if role == "assistant" else "hello")  # type: ignore[arg-type]
    return ctx


def _frame() -> rtc.AudioFrame:
    return rtc.AudioFrame(
        b"\x00\x00" * 160, sample_rate=16000, num_channels=1, samples_per_channel=160
    )


def test_only_replies_to_the_caller_get_one_and_heard_lines_alternate() -> None:
    _STORE["ack:voice:16000"] = {"Okay.": [_frame()], "Alright.": [_frame()]}
    acks = Acknowledger(0.2, PhraseCache(voice_key="ack:voice:16000"))
    assert acks.for_reply(_ctx("system")) is None  # the greeting
    assert acks.for_reply(_ctx("system", "user", "assistant", "tool")) is None
    # The line after the one the caller heard last, whatever was asked for since (a
    # preemptive generation the framework discarded asked too).
    assert acks.for_reply(_ctx("system", "user")).line == "Okay."  # type: ignore[union-attr]
    assert acks.for_reply(_ctx("system", "user")).line == "Okay."  # type: ignore[union-attr]
    heard_okay = _ctx("user", "assistant", "user", said="Okay. It shipped.")
    assert acks.for_reply(heard_okay).line == "Alright."  # type: ignore[union-attr]
    heard_alright = _ctx("user", "assistant", "user", said="Alright. Done.")
    assert acks.for_reply(heard_alright).line == "Okay."  # type: ignore[union-attr]


def test_a_line_whose_audio_is_not_ready_is_never_used() -> None:
    _STORE["ack:cold:16000"] = {"Alright.": [_frame()]}
    acks = Acknowledger(0.2, PhraseCache(voice_key="ack:cold:16000"))
    assert [acks.for_reply(_ctx("user")).line for _ in range(2)] == ["Alright.", "Alright."]  # type: ignore[union-attr]
    _STORE["ack:none:16000"] = {}
    assert (
        Acknowledger(0.2, PhraseCache(voice_key="ack:none:16000")).for_reply(_ctx("user")) is None
    )


def test_only_acknowledgments_of_kept_turns_count_as_heard() -> None:
    _STORE["ack:count:16000"] = {"Okay.": [_frame()]}
    acks = Acknowledger(0.2, PhraseCache(voice_key="ack:count:16000"))
    kept, discarded, unsaid = _ctx("user"), _ctx("user"), _ctx("user")
    for ctx in (kept, discarded, unsaid):
        opening = acks.for_reply(ctx)
        assert opening is not None
        opening.said = ctx is not unsaid
    history = llm.ChatContext(items=[*kept.items, *unsaid.items])
    assert acks.spoken(history) == 1


async def test_an_acknowledgment_alone_plays_from_the_cache_without_opening_the_tts() -> None:
    _STORE["ack:alone:16000"] = {"Okay.": [_frame(), _frame()]}
    cache = PhraseCache(voice_key="ack:alone:16000")
    opened: list[str] = []

    def synthesize(text: object) -> AsyncIterator[rtc.AudioFrame]:
        opened.append("tts")
        raise AssertionError("no TTS stream for an acknowledgment alone")

    async def line() -> AsyncIterator[str]:
        yield "Okay."

    frames = [f async for f in cache.speak(line(), synthesize)]  # type: ignore[arg-type]
    assert len(frames) == 2 and opened == []


async def test_no_acknowledgment_while_the_stt_still_owes_the_callers_words() -> None:
    # The framework committed at its maximum delay with a final still owed: that final
    # will arrive as the next turn and cut this reply off, "Okay." would be all of it.
    owed = True
    opening = Opening(line="Okay.", after_s=0.05, user_message_id="u1", settled=lambda: not owed)
    stream = drop_echoed_opener(_late(0.2, _chunk("Sure, what's up?")), opening)
    out = [c async for c in with_bridge_lines(stream, [], opening=opening)]
    assert not opening.said
    assert _text(out) == "Sure, what's up?"
