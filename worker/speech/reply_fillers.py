"""The LLM node's side of fillers: while the model has said nothing, ask the call's
:class:`~worker.speech.filler_policy.FillerPolicy` whether to say a filler, and say it as the
start of the reply.

The filler is part of the reply (its text, its chat message, its interruption), sent
ahead of the model's words in the same stream, so the TTS node can play it and switch
to the answer the moment the answer's audio is ready (:mod:`worker.speech.reply_audio`). When
the model then opens with an opener that says the same thing ("Sure, ..." after
"Okay."), that opener is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

from livekit.agents import APITimeoutError, llm

from worker.speech.filler_policy import Filler, FillerPolicy
from worker.speech.reply_audio import SpeechLedger

__all__ = ["drop_echo", "with_fillers"]

_ECHO_MARKS: tuple[str, ...] = (".", ",", "!")

_Chunk = llm.ChatChunk | str


async def with_fillers(
    chunks: AsyncIterator[_Chunk],
    *,
    policy: FillerPolicy,
    ledger: SpeechLedger,
    caller_text: str,
    agent_text: str,
    settled: Callable[[], bool] = lambda: True,
    on_model_ttft: Callable[[float], None] = lambda _s: None,
) -> AsyncIterator[_Chunk | str]:
    """Pass the model's ``chunks`` through, opening the reply with a filler when the
    policy approves one while the model is still silent.

    Args:
        chunks: the model's output.
        policy: the call's filler policy.
        ledger: where the TTS node learns which text is ours.
        caller_text: the caller's turn (the filler's cue).
        agent_text: the agent's previous message (bad news gets no filler).
        settled: whether the caller's turn is all in. The framework commits a turn at
            its maximum delay even while the STT still owes a final for speech it heard;
            that final then arrives as a new turn and cuts this reply off, so a filler
            said by then would be all the caller hears of it.
        on_model_ttft: the model's own time to its first output (the framework's figure
            for the reply would time the filler).

    Raises:
        APITimeoutError: the model is still silent a stall interval after the turn's
            one line (at most one a turn): the LLM node's fault path says the apology.
    """
    owner = object()
    started = policy.now()
    first: asyncio.Future[_Chunk] = asyncio.ensure_future(anext(chunks))
    said: Filler | None = None
    checked = False
    heard_until: float | None = None
    stuck = False
    try:
        while True:
            if not checked:
                due = policy.first_check_at(started)
            else:
                # Silence since the caller stopped, or since the last line of ours (this
                # reply's, or a bridge said while the transcript was late) ended.
                stopped = policy.caller_stopped_at or started
                quiet_since = max(heard_until or stopped, policy.last_line_end, stopped)
                due = max(quiet_since + policy.rules.stall_s, policy.overdue_at(started))
            done, _ = await asyncio.wait({first}, timeout=max(0.0, due - policy.now()))
            if done:
                break
            now = policy.now()
            if not checked:
                checked = True
                if settled():
                    said = policy.choose(
                        "acknowledgment",
                        answer_due_in_s=policy.answer_due_in(now - started),
                        caller_text=caller_text,
                        agent_text=agent_text,
                        waited_s=policy.waited_s(),
                    )
                if said is not None:
                    ledger.expect(said.kind, said.line, owner)
                    heard_until = now + said.audio_s
                    yield said.line
                continue
            stall = policy.stall_line()
            if stall is None:
                if said is not None:
                    # The turn's one line said and the model still silent a stall
                    # interval after it: a provider fault, whose path speaks next.
                    stuck = True
                    break
                await asyncio.wait({first})
                break
            ledger.expect(stall.kind, stall.line, owner)
            heard_until = now + stall.audio_s
            # A line said after another joins the reply's text with a space.
            yield f" {stall.line}" if said is not None else stall.line
            said = said or stall
        if not stuck:
            try:
                chunk = first.result()
            except StopAsyncIteration:
                return
    except BaseException:
        # Discarded (a preemptive generation the framework dropped) or interrupted:
        # its lines will never reach the TTS node.
        ledger.retract(owner)
        raise
    finally:
        if not first.done():
            first.cancel()
            await asyncio.gather(first, return_exceptions=True)
    if stuck:
        # The LLM node's fault path: the apology line, after the line already said.
        raise APITimeoutError("the model said nothing after the turn's one line")
    on_model_ttft(policy.now() - started)
    ledger.model_spoke()
    rest = _chain(chunk, chunks)
    if said is None:
        async for item in rest:
            yield item
        return
    # The model saying the filler's own words again ("Sure." then "Sure, ...") is one
    # time too many; other words ("I see." then "Sure, ...") are how people talk, and
    # the model's cached opener is part of its answer.
    echo = said.line.rstrip(".!?").lower()
    async for item in _spaced(drop_echo(rest, (echo,))):
        yield item


async def _chain(first: _Chunk, rest: AsyncIterator[_Chunk]) -> AsyncIterator[_Chunk]:
    yield first
    async for chunk in rest:
        yield chunk


async def _spaced(chunks: AsyncIterator[_Chunk]) -> AsyncIterator[_Chunk]:
    """The first text after our line starts with a space (the reply's text is joined
    as it is: "Okay." + " It shipped.")."""
    spaced = False
    async for chunk in chunks:
        text = _text(chunk)
        if not spaced and text:
            spaced = True
            if not text[0].isspace():
                chunk = _with_text(chunk, f" {text}")
        yield chunk


def _echo_length(head: str, echoes: Sequence[str]) -> int | None:
    """Characters of ``head`` an echoed opener takes (with the space before it), 0 when
    it opens with none, None while more text could still make one."""
    body = head.lstrip()
    lowered = body.lower()
    for echo in echoes:
        for mark in _ECHO_MARKS:
            form = echo + mark
            if lowered.startswith(form):
                return len(head) - len(body) + len(form)
    if any((echo + mark).startswith(lowered) for echo in echoes for mark in _ECHO_MARKS):
        return None
    return 0


def _text(chunk: _Chunk) -> str | None:
    if isinstance(chunk, str):
        return chunk
    if chunk.delta is None or chunk.delta.tool_calls:
        return None
    return chunk.delta.content


def _with_text(chunk: _Chunk, text: str) -> _Chunk:
    if isinstance(chunk, str):
        return text
    assert chunk.delta is not None
    return chunk.model_copy(update={"delta": chunk.delta.model_copy(update={"content": text})})


async def drop_echo(chunks: AsyncIterator[_Chunk], echoes: Sequence[str]) -> AsyncIterator[_Chunk]:
    """The model's output without an opening "Sure," / "Okay." (any of ``echoes``);
    what follows a dropped opener starts with a capital. The first words are held only
    until they can no longer be such an opener (a word or two)."""
    held: list[_Chunk] = []
    head = ""
    async for chunk in chunks:
        held.append(chunk)
        text = _text(chunk)
        if text is None:
            delta = chunk.delta if isinstance(chunk, llm.ChatChunk) else None
            if delta is not None and not delta.tool_calls:
                continue  # a role-only chunk: the words are still to come
            break  # a tool call or the closing usage: no opener to drop
        head += text
        if _echo_length(head, echoes) is not None:
            break
    else:
        # The reply ended while it could still be an opener ("Sure"): pass it on whole.
        for chunk in held:
            yield chunk
        return

    cut = _echo_length(head, echoes) or 0
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
