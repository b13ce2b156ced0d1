"""The call-center agent: redaction at the STT and LLM nodes, a bounded context, model
routing, a bridge line while a slow LLM keeps the caller waiting, and a spoken apology
instead of silence when every LLM fails."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any, TypeVar

import structlog
from livekit import rtc
from livekit.agents import Agent, APIError, FlushSentinel, StopResponse, llm, stt
from livekit.agents.voice import ModelSettings

from worker.acknowledgment import Acknowledger, Opening, drop_echoed_opener
from worker.call_tools import CALL_TOOLS
from worker.context_window import ContextWindow
from worker.phrase_cache import PhraseCache, opener_instruction
from worker.redaction import redact_chat_ctx, redact_speech_event, speak_placeholders
from worker.routing import classify_intent
from worker.speculation import speculate_from_interims
from worker.state import CallState
from worker.tools import ALL_TOOLS
from worker.tts_resume import finish_cut_replies
from worker.turn_hold import TurnHold
from worker.turn_judge import last_user_text

__all__ = [
    "APOLOGY",
    "BRIDGE_LINES",
    "REPEAT_REQUEST",
    "CallAgent",
    "recovery_lines_spoken",
    "with_bridge_lines",
]

log = structlog.get_logger(__name__)

APOLOGY = "Sorry, I'm having trouble on my end right now. Could you say that again in a moment?"
# When the STT connection that held the caller's words failed: they are gone.
REPEAT_REQUEST = "Sorry, I missed that. Could you say it again?"
BRIDGE_LINES = (
    "One moment, please.",
    "Thanks for bearing with me.",
    "Still with you.",
    "Almost there.",
)
# A stalled model is only abandoned at the provider timeout (10 s by default); the caller
# should never sit in more than ~3 s of silence meanwhile: four lines, 2.5 s apart, cover
# it, endpointing and TTS included.
_T = TypeVar("_T")
# The framework "repairs" invalid tool-call JSON (json_repair), so a call cut off at
# '{"order_number": "123' would run the tool with "123". A JSON string that is itself
# not JSON is the one form its parser refuses, with this text in the tool error the
# model sees.
_REFUSED_ARGUMENTS = json.dumps("arguments were not a complete JSON object; ask again")
_BRIDGE_FIRST_S = 1.2
_BRIDGE_EVERY_S = 2.5


def _due(entry: tuple[float, str, Opening | None]) -> float:
    return entry[0]


def _strict_json_object(arguments: str) -> bool:
    try:
        return isinstance(json.loads(arguments or "{}"), dict)
    except ValueError:
        return False


def refuse_broken_tool_arguments(chunk: llm.ChatChunk) -> llm.ChatChunk:
    """The chunk, with any tool call whose arguments are not a complete JSON object
    made to fail as a tool error instead of running on a guessed repair.

    Args:
        chunk: one chunk of the LLM's output.
    """
    calls = chunk.delta.tool_calls if chunk.delta is not None else []
    if all(_strict_json_object(call.arguments) for call in calls):
        return chunk
    assert chunk.delta is not None
    fixed = [
        call
        if _strict_json_object(call.arguments)
        else call.model_copy(update={"arguments": _REFUSED_ARGUMENTS})
        for call in calls
    ]
    for call in calls:
        if not _strict_json_object(call.arguments):
            log.warning("tool_arguments_refused", tool=call.name, chars=len(call.arguments))
    return chunk.model_copy(update={"delta": chunk.delta.model_copy(update={"tool_calls": fixed})})


def recovery_lines_spoken(history: llm.ChatContext) -> Counter[str]:
    """The LLM bridge lines and apologies in the agent's messages: counted from what the
    history kept, not from what the LLM node produced (a preemptive generation the
    framework discarded produced them too, and nobody heard them)."""
    spoken: Counter[str] = Counter()
    for item in history.items:
        if not isinstance(item, llm.ChatMessage) or item.role != "assistant":
            continue
        text = item.text_content or ""
        spoken["apology"] += text.count(APOLOGY)
        spoken["llm_bridge"] += sum(text.count(line) for line in BRIDGE_LINES)
    return +spoken


async def with_bridge_lines(
    chunks: AsyncIterator[_T],
    lines: Sequence[str] = BRIDGE_LINES,
    *,
    first_after_s: float = _BRIDGE_FIRST_S,
    every_s: float = _BRIDGE_EVERY_S,
    opening: Opening | None = None,
) -> AsyncIterator[_T | str | FlushSentinel]:
    """Pass ``chunks`` through, speaking a bridge line while the first one is late.

    Each line is followed by a :class:`FlushSentinel`: the session speaks it as a
    segment of its own at once, where a sentence tokenizer would hold it until the next
    sentence began.

    Args:
        chunks: the LLM's output stream.
        lines: what to say, one line per wait, in order; silence once they run out.
        first_after_s: wait before the first line.
        every_s: wait between further lines.
        opening: an acknowledgment said, and marked said, if nothing came by its
            ``after_s`` and the caller's turn is settled then; the bridge lines keep
            their own times.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    schedule: list[tuple[float, str, Opening | None]] = [
        (first_after_s + i * every_s, line, None) for i, line in enumerate(lines)
    ]
    if opening is not None:
        schedule = sorted([(opening.after_s, opening.line, opening), *schedule], key=_due)
    first: asyncio.Future[_T] = asyncio.ensure_future(anext(chunks))
    try:
        for due, line, acknowledgment in schedule:
            done, _ = await asyncio.wait({first}, timeout=max(0.0, started + due - loop.time()))
            if done:
                break
            if acknowledgment is not None:
                if not acknowledgment.settled():
                    continue
                acknowledgment.said = True
            # The space keeps the reply's text (the history, the transcript) readable:
            # segments are joined as they are.
            yield f"{line} "
            yield FlushSentinel()
        try:
            chunk = await first
        except StopAsyncIteration:
            return
    finally:
        if not first.done():
            first.cancel()
            await asyncio.gather(first, return_exceptions=True)
    yield chunk
    async for chunk in chunks:
        yield chunk


class CallAgent(Agent):
    def __init__(
        self,
        *,
        instructions: str,
        fast_llm: llm.LLM[Any] | None,
        max_context_items: int,
        summarize: bool,
        phrase_cache: PhraseCache | None = None,
        speculate_after: float | None = None,
        acknowledger: Acknowledger | None = None,
    ) -> None:
        if phrase_cache is not None:
            # After the shared prefix, so the provider's prompt cache still holds.
            instructions += opener_instruction(phrase_cache.openers)
        super().__init__(instructions=instructions, tools=[*ALL_TOOLS, *CALL_TOOLS])
        self._phrases = phrase_cache
        self._speculate_after = speculate_after
        self._acknowledger = acknowledger
        self._hold: TurnHold | None = None
        self._fast_llm = fast_llm
        self._window = ContextWindow(
            max_items=max_context_items,
            summarizer=self._summarize if summarize else None,
        )

    @property
    def state(self) -> CallState:
        state: CallState = self.session.userdata
        return state

    async def stt_node(
        self, audio: AsyncIterable[rtc.AudioFrame], model_settings: ModelSettings
    ) -> AsyncIterator[stt.SpeechEvent]:
        state = self.state
        events: AsyncIterable[stt.SpeechEvent] = Agent.default.stt_node(self, audio, model_settings)
        if self._speculate_after is not None:
            events = speculate_from_interims(events, self._speculate_after)
        async for event in events:
            redacted = redact_speech_event(event, state.redactor)
            if event.type == stt.SpeechEventType.FINAL_TRANSCRIPT and event.alternatives:
                # The turn judge counts dictated digits; the framework only sees placeholders.
                state.turn_text.add(event.alternatives[0].text, redacted.alternatives[0].text)
            elif event.type == stt.SpeechEventType.INTERIM_TRANSCRIPT and event.alternatives:
                state.turn_text.heard(event.alternatives[0].text)
            elif event.type == stt.SpeechEventType.START_OF_SPEECH:
                state.turn_text.speech_started()
            elif event.type == stt.SpeechEventType.END_OF_SPEECH:
                state.turn_text.speech_ended()
            yield redacted

    async def tts_node(
        self, text: AsyncIterable[str], model_settings: ModelSettings
    ) -> AsyncIterator[rtc.AudioFrame]:
        state = self.state
        spoken = speak_placeholders(text, state.redactor, state.redactor.policy)

        def synthesize(rest: AsyncIterable[str]) -> AsyncIterable[rtc.AudioFrame]:
            return finish_cut_replies(
                rest,
                lambda part: Agent.default.tts_node(self, part, model_settings),
                self.session.tts,
            )

        if self._phrases is None:
            async for frame in synthesize(spoken):
                yield frame
            return
        async for frame in self._phrases.speak(spoken, synthesize):
            yield frame

    async def on_user_turn_completed(
        self, turn_ctx: llm.ChatContext, new_message: llm.ChatMessage
    ) -> None:
        if self._hold is None:
            self._hold = TurnHold(self.state.turn_text)
        if self._hold.should_hold(new_message):
            # The framework drops this turn; its text goes with the next one.
            raise StopResponse()

    def _choose_llm(self, chat_ctx: llm.ChatContext) -> llm.LLM[Any] | None:
        if self._fast_llm is not None and classify_intent(last_user_text(chat_ctx)) == "glue":
            return self._fast_llm
        return None

    async def llm_node(
        self,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        model_settings: ModelSettings,
    ) -> AsyncIterator[llm.ChatChunk | str | FlushSentinel]:
        chat_ctx = self._window.view(redact_chat_ctx(chat_ctx, self.state.redactor))
        engine = self._choose_llm(chat_ctx)
        produced = False
        chunks = self._generate(engine, chat_ctx, tools, model_settings)
        opening = self._acknowledger.for_reply(chat_ctx) if self._acknowledger else None
        if opening is not None:
            chunks = drop_echoed_opener(chunks, opening)
        try:
            async for chunk in with_bridge_lines(chunks, opening=opening):
                # Our own bridge lines are plain text; the model's output is ChatChunks.
                if isinstance(chunk, llm.ChatChunk):
                    produced = True
                    chunk = refuse_broken_tool_arguments(chunk)
                yield chunk
        except APIError as error:
            # Every provider in the fallback chain failed. Half an answer is already
            # spoken if anything was produced; otherwise the caller must not hear silence.
            log.error("llm_unavailable", error=type(error).__name__, produced=produced)
            if not produced:
                yield APOLOGY

    async def _generate(
        self,
        engine: llm.LLM[Any] | None,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        model_settings: ModelSettings,
    ) -> AsyncIterator[llm.ChatChunk | str]:
        if engine is None:
            async for chunk in Agent.default.llm_node(self, chat_ctx, tools, model_settings):
                yield chunk  # type: ignore[misc]
            return
        async with engine.chat(
            chat_ctx=chat_ctx,
            tools=tools,
            tool_choice=model_settings.tool_choice,
            conn_options=self.session.conn_options.llm_conn_options,
        ) as stream:
            async for chunk in stream:
                yield chunk

    async def _summarize(self, older: Sequence[llm.ChatItem]) -> str:
        engine = self._fast_llm or self.session.llm
        if not isinstance(engine, llm.LLM):
            return ""
        transcript = "\n".join(
            f"{item.role}: {item.text_content}"
            for item in older
            if item.type == "message" and item.text_content
        )
        ctx = llm.ChatContext.empty()
        ctx.add_message(
            role="system",
            content="Summarise this call so far in at most five short factual sentences. "
            "Keep placeholders like [CARD_1] exactly as written.",
        )
        ctx.add_message(role="user", content=transcript)
        parts: list[str] = []
        async with engine.chat(chat_ctx=ctx) as stream:
            async for chunk in stream:
                if chunk.delta and chunk.delta.content:
                    parts.append(chunk.delta.content)
        return "".join(parts).strip()

    async def on_enter(self) -> None:
        if self._phrases is not None and self.session.tts is not None:
            self._phrases.start_warming(self.session.tts)

    async def on_exit(self) -> None:
        if self._phrases is not None:
            await self._phrases.aclose()
        await self._window.aclose()
