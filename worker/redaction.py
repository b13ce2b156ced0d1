"""Where redaction plugs into the pipeline.

Three choke points, so no path reaches the LLM, the chat history, transcripts or logs raw:
1. the STT node: every transcript event leaves it redacted, so the session history, the
   transcription forwarded to the room and preemptive generation (which calls the LLM
   with the final transcript *before* ``on_user_turn_completed``) only ever see
   placeholders;
2. typed text: an app caller's chat message (the room's ``lk.chat`` text stream) is
   redacted the way a final transcript is before the framework's text-input handling
   sees it, so it enters the history as placeholders and its values reach the vault;
3. the LLM node: a last pass over every user message of every request, in case text
   reached the context another way (``generate_reply(user_input=...)``, a handoff).

And one feed the other way: everything the agent says passes `speak_placeholders` on its way
to the TTS, which hands it to the call's redactor as context, so after "what's the best
number to reach you?" the caller's "five five five, one two three..." is read as a phone
number.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import replace
from typing import Any

from livekit.agents import AgentSession, llm, room_io, stt

from compliance import CallRedactor, RedactionPolicy, redact_text

__all__ = ["redact_chat_ctx", "redact_speech_event", "redacted_text_input", "speak_placeholders"]

# Longest placeholder is like "[ADDRESS_12]"; text held back waiting for a "]" is bounded.
_MAX_PLACEHOLDER = 16
# A number read in two breaths comes back as two finals of the same value.
_REPEATED_PLACEHOLDER = re.compile(r"(\[[A-Z]+_\d+\])(?:[\s,.]+\1)+")


def _for_llm(text: str, redactor: CallRedactor) -> str:
    return _REPEATED_PLACEHOLDER.sub(r"\1", redactor.redact_for_llm_context(text))


_TRANSCRIPTS = (
    stt.SpeechEventType.INTERIM_TRANSCRIPT,
    stt.SpeechEventType.PREFLIGHT_TRANSCRIPT,
    stt.SpeechEventType.FINAL_TRANSCRIPT,
)


def redact_speech_event(event: stt.SpeechEvent, redactor: CallRedactor) -> stt.SpeechEvent:
    """The event with its transcripts redacted.

    Finals advance the call's cross-turn state (chunked dictation); interims and
    preflights are previews that must not, or a number would be counted twice. They are
    still read as the answer to the agent's standing question, so a security word is
    redacted from the first interim that holds it.
    """
    if event.type not in _TRANSCRIPTS or not event.alternatives:
        return event
    final = event.type == stt.SpeechEventType.FINAL_TRANSCRIPT
    alternatives = []
    for alt in event.alternatives:
        text = redactor.redact(alt.text) if final else redactor.redact_interim(alt.text)
        # Word timings carry the raw tokens; drop them whenever the text changed.
        words = alt.words if text == alt.text else None
        alternatives.append(replace(alt, text=text, words=words))
    return replace(event, alternatives=alternatives)


# What the framework does with typed text (interrupt the agent, then answer it), kept
# as its own default so our callback changes only the text.
_FRAMEWORK_TEXT_INPUT = room_io.TextInputOptions().text_input_cb


def redacted_text_input(
    redactor: CallRedactor, on_input: Callable[[], None] = lambda: None
) -> room_io.TextInputOptions:
    """Text-input options whose callback redacts a typed message like a final transcript
    (advancing the call's cross-turn state and vaulting its values) before the
    framework's own handling runs on it; ``on_input`` is told a typed turn arrived."""

    async def on_text(session: AgentSession[Any], event: room_io.TextInputEvent) -> None:
        if not event.text.strip():
            return
        on_input()
        handled = _FRAMEWORK_TEXT_INPUT(session, replace(event, text=redactor.redact(event.text)))
        if handled is not None:
            await handled

    return room_io.TextInputOptions(text_input_cb=on_text)


def redact_chat_ctx(chat_ctx: llm.ChatContext, redactor: CallRedactor) -> llm.ChatContext:
    """A copy of ``chat_ctx`` with user messages and tool results redacted.

    Stateless and idempotent: placeholders stay as they are, values the call already
    holds become their placeholders (a tool echoing a card number), anything else that
    looks like personal data becomes a bare tag, and a placeholder repeated because the
    caller read one number in two breaths ("[CARD_1] [CARD_1]") is said once.
    """
    items: list[llm.ChatItem] = []
    changed = False
    for item in chat_ctx.items:
        if item.type == "message" and item.role == "user":
            content = [_for_llm(c, redactor) if isinstance(c, str) else c for c in item.content]
            if content != item.content:
                item = item.model_copy(update={"content": content})
                changed = True
        elif item.type == "function_call_output":
            # Our own tools' text: never cut to the caller-turn limit, only redacted.
            output = redact_text(redactor.vault.redact_known_values(item.output), redactor.policy)
            if output != item.output:
                item = item.model_copy(update={"output": output})
                changed = True
        items.append(item)
    return llm.ChatContext(items) if changed else chat_ctx


async def speak_placeholders(
    text: AsyncIterable[str], redactor: CallRedactor, policy: RedactionPolicy
) -> AsyncIterator[str]:
    """The LLM's reply with placeholders turned into what the policy lets the agent say
    ("the card ending in 1111"), streamed: only text that might still be the start of a
    placeholder is held back, so time-to-first-audio does not change.

    What the agent said (up to an interruption) becomes the redactor's context for the
    caller's next turn. A security code or PIN is never spoken, whatever the policy.

    With ``preemptive_tts`` on, a speculative reply that is then discarded also passes
    here and counts as the agent's last words; a number dictated over several turns still
    holds together through the redactor's own chain of chunks.
    """
    said: list[str] = []
    pending = ""
    try:
        async for chunk in text:
            said.append(chunk)
            pending += chunk
            cut = pending.rfind("[")
            if cut == -1 or "]" in pending[cut:] or len(pending) - cut > _MAX_PLACEHOLDER:
                ready, pending = pending, ""
            else:
                ready, pending = pending[:cut], pending[cut:]
            if ready:
                yield redactor.vault.restore_for_speech(ready, policy)
        if pending:
            yield redactor.vault.restore_for_speech(pending, policy)
    finally:
        redactor.agent_said("".join(said))
