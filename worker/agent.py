"""The call-center agent: redaction at the STT and LLM nodes, a bounded context, model
routing, fillers while a slow answer keeps the caller waiting (:mod:`worker.speech.filler_policy`),
and a spoken apology instead of silence when every LLM fails."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import AsyncIterable, AsyncIterator, Callable, Collection, Sequence
from typing import Any

import structlog
from livekit import rtc
from livekit.agents import Agent, APIError, FlushSentinel, StopResponse, llm, stt
from livekit.agents.voice import ModelSettings

from worker.call.account_tools import ALL_TOOLS
from worker.call.context_window import ContextWindow
from worker.call.control_tools import call_tools
from worker.call.state import CallState
from worker.providers.routing import classify_intent
from worker.redaction import redact_chat_ctx, redact_speech_event, speak_placeholders
from worker.speech.phrase_cache import PhraseCache, opener_instruction
from worker.speech.reply_audio import play_reply
from worker.speech.reply_fillers import with_fillers
from worker.speech.spoken_lines import SpokenLines, spoken_lines
from worker.speech.tts_resume import finish_cut_replies
from worker.turns.speculation import speculate_from_interims
from worker.turns.turn_hold import TurnHold
from worker.turns.turn_judge import last_agent_text, last_user_text

__all__ = [
    "APOLOGY",
    "REPEAT_REQUEST",
    "CallAgent",
    "recovery_lines_spoken",
]

log = structlog.get_logger(__name__)

_ENGLISH = spoken_lines("en")
APOLOGY = _ENGLISH.apology
"""The English apology; a call says its tenant's language's (``CallState.lines``)."""
REPEAT_REQUEST = _ENGLISH.repeat_request[0]
# The framework "repairs" invalid tool-call JSON (json_repair), so a call cut off at
# '{"order_number": "123' would run the tool with "123". A JSON string that is itself
# not JSON is the one form its parser refuses, with this text in the tool error the
# model sees.
_REFUSED_ARGUMENTS = json.dumps("arguments were not a complete JSON object; ask again")


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


def recovery_lines_spoken(history: llm.ChatContext, lines: SpokenLines = _ENGLISH) -> Counter[str]:
    """The LLM's stall lines and apologies in the agent's messages: counted from what
    the history kept, not from what the LLM node produced (a preemptive generation the
    framework discarded produced them too, and nobody heard them)."""
    spoken: Counter[str] = Counter()
    for item in history.items:
        if not isinstance(item, llm.ChatMessage) or item.role != "assistant":
            continue
        text = item.text_content or ""
        spoken["apology"] += text.count(lines.apology)
        spoken["llm_bridge"] += sum(text.count(line) for line in (*lines.llm_bridge, *lines.stall))
    return +spoken


async def _timed(
    chunks: AsyncIterator[llm.ChatChunk | str], on_first: Callable[[float], None]
) -> AsyncIterator[llm.ChatChunk | str]:
    """``chunks``, reporting the time to the first of them."""
    started = time.monotonic()
    first = True
    async for chunk in chunks:
        if first:
            first = False
            on_first(time.monotonic() - started)
        yield chunk


async def _at_rate(
    frames: AsyncIterable[rtc.AudioFrame], rate: int | None
) -> AsyncIterator[rtc.AudioFrame]:
    """``frames`` at the output's ``rate``. The framework would resample a fallback TTS's
    audio itself, but into new frames without the marks that say what each one is
    (:mod:`worker.telemetry.answer_timing`), so it is done here, before they are marked."""
    resampler: rtc.AudioResampler | None = None
    async for frame in frames:
        if rate is None or frame.sample_rate == rate:
            yield frame
            continue
        if resampler is None:
            resampler = rtc.AudioResampler(
                input_rate=frame.sample_rate, output_rate=rate, num_channels=frame.num_channels
            )
        for out in resampler.push(frame):
            yield out
    if resampler is not None:
        for out in resampler.flush():
            yield out


class CallAgent(Agent):
    """The one agent every call runs; ``transfer_destinations`` are the tenant's names,
    the only values the model is offered for ``transfer_call``."""

    def __init__(
        self,
        *,
        instructions: str,
        transfer_destinations: Collection[str],
        fast_llm: llm.LLM[Any] | None,
        max_context_items: int,
        summarize: bool,
        phrase_cache: PhraseCache | None = None,
        speculate_after: float | None = None,
    ) -> None:
        if phrase_cache is not None:
            # After the shared prefix, so the provider's prompt cache still holds.
            instructions += opener_instruction(phrase_cache.openers)
        super().__init__(
            instructions=instructions, tools=[*ALL_TOOLS, *call_tools(transfer_destinations)]
        )
        self._phrases = phrase_cache
        self._speculate_after = speculate_after
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
        output = self.session.output.audio
        rate = output.sample_rate if output is not None else None

        def synthesize(rest: AsyncIterable[str]) -> AsyncIterable[rtc.AudioFrame]:
            return _at_rate(
                finish_cut_replies(
                    rest,
                    lambda part: Agent.default.tts_node(self, part, model_settings),
                    self.session.tts,
                ),
                rate,
            )

        phrases = self._phrases

        def content(words: AsyncIterable[str]) -> AsyncIterable[rtc.AudioFrame]:
            return phrases.speak(words, synthesize) if phrases is not None else synthesize(words)

        policy = state.fillers
        async for frame in play_reply(
            spoken,
            ledger=state.speech,
            clip=phrases.clip if phrases is not None else lambda _line: None,
            synthesize=content,
            speak_line=synthesize,
            on_content_ttfb=policy.tts_ttfb.observe if policy is not None else lambda _s: None,
        ):
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
        state = self.state
        chat_ctx = self._window.view(redact_chat_ctx(chat_ctx, state.redactor))
        engine = self._choose_llm(chat_ctx)
        produced = False
        ours = False
        chunks: AsyncIterator[llm.ChatChunk | str] = self._generate(
            engine, chat_ctx, tools, model_settings
        )
        policy = state.fillers
        last = chat_ctx.items[-1] if chat_ctx.items else None
        to_caller = isinstance(last, llm.ChatMessage) and last.role == "user"
        if policy is not None and to_caller:
            assert isinstance(last, llm.ChatMessage)
            message_id = last.id
            turn_text = state.turn_text

            def model_ttft(seconds: float) -> None:
                policy.llm_ttft.observe(seconds)
                state.model_ttft[message_id] = seconds

            # Only a reply to the caller's words gets a filler: one after a tool result
            # follows one that already could, and the greeting answers nobody.
            chunks = with_fillers(
                chunks,
                policy=policy,
                ledger=state.speech,
                caller_text=last_user_text(chat_ctx),
                agent_text=last_agent_text(chat_ctx),
                settled=lambda: not turn_text.awaiting_final,
                on_model_ttft=model_ttft,
            )
        else:

            def first_output(_seconds: float) -> None:
                state.speech.model_spoke()

            chunks = _timed(chunks, first_output)
        try:
            async for chunk in chunks:
                # Our own lines are plain text; the model's output is ChatChunks.
                if isinstance(chunk, llm.ChatChunk):
                    produced = True
                    chunk = refuse_broken_tool_arguments(chunk)
                else:
                    ours = True
                yield chunk
        except APIError as error:
            # Every provider in the fallback chain failed. Half an answer is already
            # spoken if anything was produced; otherwise the caller must not hear silence.
            log.error("llm_unavailable", error=type(error).__name__, produced=produced)
            if policy is not None:
                policy.provider_failed()
            if not produced:
                state.speech.expect("apology", state.lines.apology)
                yield f" {state.lines.apology}" if ours else state.lines.apology

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
