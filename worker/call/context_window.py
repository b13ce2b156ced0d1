"""Bounded chat context for long calls.

Older turns are summarised in the background and the recent window is sent verbatim.
The cut point moves in coarse steps, so the request prefix (instructions + summary +
window start) stays byte-identical for many turns and provider prefix caching keeps
working; a turn never waits for a summary: until one is ready, the old part is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import structlog
from livekit.agents import llm

__all__ = ["ContextWindow", "Summarizer"]

log = structlog.get_logger(__name__)

Summarizer = Callable[[Sequence[llm.ChatItem]], Awaitable[str]]


def _is_turn_start(item: llm.ChatItem) -> bool:
    # A window must not open on a tool result whose call was cut away.
    return item.type == "message" and item.role == "user"


class ContextWindow:
    def __init__(self, *, max_items: int, summarizer: Summarizer | None) -> None:
        self._max_items = max_items
        self._step = max(2, max_items // 2)
        self._summarizer = summarizer
        self._summaries: dict[str, str] = {}
        self._task: asyncio.Task[None] | None = None

    def _cut(self, conversation: Sequence[llm.ChatItem]) -> int:
        overflow = len(conversation) - self._max_items
        if overflow <= 0:
            return 0
        # Round up to a whole step so the cut (and so the prefix) changes rarely.
        cut = min(len(conversation) - 1, -(-overflow // self._step) * self._step)
        while cut < len(conversation) - 1 and not _is_turn_start(conversation[cut]):
            cut += 1
        return cut

    def view(self, chat_ctx: llm.ChatContext) -> llm.ChatContext:
        """What to send: leading instructions, a summary if ready, then the recent window."""
        items = list(chat_ctx.items)
        head = 0
        while head < len(items):
            item = items[head]
            if not (item.type == "message" and item.role in ("system", "developer")):
                break
            head += 1
        instructions, conversation = items[:head], items[head:]
        cut = self._cut(conversation)
        if cut == 0:
            return chat_ctx
        older = conversation[:cut]
        key = older[-1].id
        summary = self._summaries.get(key)
        if summary is None:
            self._schedule(key, older)
        kept: list[llm.ChatItem] = list(instructions)
        if summary:
            kept.append(
                llm.ChatMessage(
                    role="system",
                    content=[f"Summary of the earlier part of this call: {summary}"],
                )
            )
        kept.extend(conversation[cut:])
        return llm.ChatContext(kept)

    def _schedule(self, key: str, older: Sequence[llm.ChatItem]) -> None:
        if self._summarizer is None or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.create_task(self._summarize(key, list(older)))

    async def _summarize(self, key: str, older: list[llm.ChatItem]) -> None:
        assert self._summarizer is not None
        try:
            self._summaries[key] = await self._summarizer(older)
            log.info("context_summarized", items=len(older))
        except Exception:
            # A failed summary only means the old turns stay dropped; the call goes on.
            log.warning("context_summary_failed", exc_info=True)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
