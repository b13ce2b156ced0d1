"""A cached acknowledgment ("Okay.") when the LLM is slow to start a reply.

Once the caller's turn is committed, the LLM's first token and the TTS's first byte
still come one after the other: 350 ms at budget provider latencies, 900 ms at typical
ones, on top of the endpointing the caller has already waited through. A person answers
in about a quarter of a second, often with "Okay." before the substance. When the LLM
has produced nothing for ``after_s``, the reply opens with an acknowledgment whose audio
the phrase cache already holds, so it plays at once while the LLM and the TTS work on
the rest. The acknowledgment is part of the reply (its text, its chat message, its
interruption), not a separate utterance. A fast LLM never triggers it.

When the LLM then opens with an opener that says the same thing ("Sure, ..."), that
opener is dropped so the caller does not hear "Okay. Sure, ...".
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from livekit.agents import llm

from worker.phrase_cache import PhraseCache

__all__ = ["ACKNOWLEDGMENTS", "Acknowledger", "Opening", "drop_echoed_opener"]

ACKNOWLEDGMENTS: tuple[str, ...] = ("Okay.", "Alright.")
# Openers that would repeat an acknowledgment. "Let me check that." or "Thanks." say
# something an acknowledgment does not, so they stay.
_ECHOES: tuple[str, ...] = ("sure", "of course", "okay", "ok", "alright", "all right", "got it")
_ECHO_MARKS: tuple[str, ...] = (".", ",", "!")

_Chunk = llm.ChatChunk | str


@dataclass
class Opening:
    """One reply's acknowledgment: the line, when it is due, and whether it was said."""

    line: str
    after_s: float
    user_message_id: str
    settled: Callable[[], bool] = lambda: True
    """Read when the acknowledgment is due; False: skip it."""
    said: bool = False
    model_ttft_s: float | None = None
    """The model's own time to its first output, which the framework's figure for the
    reply (time to its first text: the acknowledgment) no longer shows."""


class Acknowledger:
    """One call's acknowledgments: which line next (they alternate, so a call with many
    slow replies does not say "Okay." every time) and which turns got one.

    Args:
        after_s: how long the LLM may produce nothing before the reply opens with one.
        cache: where their audio is; a line is used only once its audio is there.
        settled: whether the caller's turn is all in when an acknowledgment is due. The
            framework commits a turn at its maximum delay even while the STT still owes
            a final for speech it heard; that final then arrives as the caller's next
            turn and cuts the reply off, so an "Okay." said by then would be all the
            caller hears of it.
        lines: the acknowledgments, in turn.
    """

    def __init__(
        self,
        after_s: float,
        cache: PhraseCache,
        settled: Callable[[], bool] = lambda: True,
        lines: tuple[str, ...] = ACKNOWLEDGMENTS,
    ) -> None:
        self._after_s = after_s
        self._cache = cache
        self._settled = settled
        self._lines = lines
        # Every reply's opening, said or not; a discarded preemptive generation's too,
        # which is why what was heard is counted against the history.
        self._openings: list[Opening] = []

    def for_reply(self, chat_ctx: llm.ChatContext) -> Opening | None:
        """The acknowledgment for a reply to ``chat_ctx``, or None: only a reply to the
        caller's words gets one (a reply after a tool result follows one that already
        did, and the greeting answers nobody)."""
        last = chat_ctx.items[-1] if chat_ctx.items else None
        if not isinstance(last, llm.ChatMessage) or last.role != "user":
            return None
        # After the one the caller heard last: the history's, not the last one asked
        # for (a preemptive generation the framework discarded asked for one too).
        previous = next(
            (
                item.text_content or ""
                for item in reversed(chat_ctx.items)
                if isinstance(item, llm.ChatMessage) and item.role == "assistant"
            ),
            "",
        )
        heard = next((i for i, line in enumerate(self._lines) if previous.startswith(line)), -1)
        start = heard + 1
        for step in range(len(self._lines)):
            line = self._lines[(start + step) % len(self._lines)]
            if self._cache.cached(line):
                opening = Opening(
                    line=line,
                    after_s=self._after_s,
                    user_message_id=last.id,
                    settled=self._settled,
                )
                self._openings.append(opening)
                return opening
        return None

    def model_ttft_s(self, user_message_id: str) -> float | None:
        """The model's time to first output for the acknowledged reply to this message."""
        for opening in reversed(self._openings):
            if opening.said and opening.user_message_id == user_message_id:
                return opening.model_ttft_s
        return None

    def spoken(self, history: llm.ChatContext) -> int:
        """How many acknowledgments the caller heard: those of turns the history kept."""
        kept = {item.id for item in history.items if isinstance(item, llm.ChatMessage)}
        said = {o.user_message_id for o in self._openings if o.said}
        return len(said & kept)


def _echo_length(head: str) -> int | None:
    """Characters of ``head`` an echoed opener takes (with the space before it), 0 when
    it opens with none, None while more text could still make one."""
    body = head.lstrip()
    lowered = body.lower()
    for echo in _ECHOES:
        for mark in _ECHO_MARKS:
            form = echo + mark
            if lowered.startswith(form):
                return len(head) - len(body) + len(form)
    if any((echo + mark).startswith(lowered) for echo in _ECHOES for mark in _ECHO_MARKS):
        return None
    return 0


def _text(chunk: llm.ChatChunk | str) -> str | None:
    if isinstance(chunk, str):
        return chunk
    if chunk.delta is None or chunk.delta.tool_calls:
        return None
    return chunk.delta.content


def _has_output(chunk: _Chunk) -> bool:
    return bool(chunk) if isinstance(chunk, str) else chunk.has_response()


def _with_text(chunk: _Chunk, text: str) -> _Chunk:
    if isinstance(chunk, str):
        return text
    assert chunk.delta is not None
    return chunk.model_copy(update={"delta": chunk.delta.model_copy(update={"content": text})})


async def drop_echoed_opener(
    chunks: AsyncIterator[_Chunk], opening: Opening
) -> AsyncIterator[_Chunk]:
    """The LLM's output without an opening "Sure," / "Okay." once ``opening`` was said
    before it; untouched otherwise. What follows a dropped opener starts with a capital.

    The first words are held only until they can no longer be such an opener (a word or
    two); whether the acknowledgment was said is read at that moment, which is before
    any of the LLM's text is passed on. The model's time to first output is recorded
    on ``opening``.
    """
    held: list[_Chunk] = []
    head = ""
    started = time.perf_counter()
    async for chunk in chunks:
        if opening.model_ttft_s is None and _has_output(chunk):
            opening.model_ttft_s = time.perf_counter() - started
        held.append(chunk)
        text = _text(chunk)
        if text is None:
            delta = chunk.delta if isinstance(chunk, llm.ChatChunk) else None
            if delta is not None and not delta.tool_calls:
                continue  # a role-only chunk: the words are still to come
            break  # a tool call or the closing usage: no opener to drop
        head += text
        if _echo_length(head) is not None:
            break
    else:
        # The reply ended while it could still be an opener ("Sure"): pass it on whole.
        for chunk in held:
            yield chunk
        return

    cut = (_echo_length(head) or 0) if opening.said else 0
    capitalize = bool(cut)
    for chunk in held:
        text = _text(chunk)
        if text is None or not (cut or capitalize):
            yield chunk
            continue
        take = min(cut, len(text))
        cut -= take
        rest = text[take:]
        if cut == 0 and capitalize:
            rest = rest.lstrip()
            if rest:
                rest = rest[0].upper() + rest[1:]
                capitalize = False
        if rest or not isinstance(chunk, str):
            yield _with_text(chunk, rest)
    async for chunk in chunks:
        text = _text(chunk)
        if capitalize and text:
            rest = text.lstrip()
            if not rest:
                continue
            chunk = _with_text(chunk, rest[0].upper() + rest[1:])
            capitalize = False
        yield chunk
