"""Where redaction plugs into the pipeline.

Two choke points, so no path reaches the LLM, the chat history, transcripts or logs raw:
1. the STT node: every transcript event leaves it redacted, so the session history, the
   transcription forwarded to the room and preemptive generation (which calls the LLM
   with the final transcript *before* ``on_user_turn_completed``) only ever see
   placeholders;
2. the LLM node: a last pass over every user message of every request, in case text
   reached the context another way (``generate_reply(user_input=...)``, a handoff).
"""

from __future__ import annotations

from dataclasses import replace

from livekit.agents import llm, stt

from compliance import CallRedactor

__all__ = ["redact_chat_ctx", "redact_speech_event"]

_TRANSCRIPTS = (
    stt.SpeechEventType.INTERIM_TRANSCRIPT,
    stt.SpeechEventType.PREFLIGHT_TRANSCRIPT,
    stt.SpeechEventType.FINAL_TRANSCRIPT,
)


def redact_speech_event(event: stt.SpeechEvent, redactor: CallRedactor) -> stt.SpeechEvent:
    """The event with its transcripts redacted.

    Finals advance the call's cross-turn state (chunked dictation); interims and
    preflights are previews that must not, or a number would be counted twice.
    """
    if event.type not in _TRANSCRIPTS or not event.alternatives:
        return event
    final = event.type == stt.SpeechEventType.FINAL_TRANSCRIPT
    alternatives = []
    for alt in event.alternatives:
        text = redactor.redact(alt.text) if final else redactor.redact_for_log(alt.text)
        # Word timings carry the raw tokens; drop them whenever the text changed.
        words = alt.words if text == alt.text else None
        alternatives.append(replace(alt, text=text, words=words))
    return replace(event, alternatives=alternatives)


def redact_chat_ctx(chat_ctx: llm.ChatContext, redactor: CallRedactor) -> llm.ChatContext:
    """A copy of ``chat_ctx`` whose user messages are redacted (stateless, idempotent)."""
    items: list[llm.ChatItem] = []
    changed = False
    for item in chat_ctx.items:
        if item.type == "message" and item.role == "user":
            content = [
                redactor.redact_for_log(c) if isinstance(c, str) else c for c in item.content
            ]
            if content != item.content:
                item = item.model_copy(update={"content": content})
                changed = True
        items.append(item)
    return llm.ChatContext(items) if changed else chat_ctx
