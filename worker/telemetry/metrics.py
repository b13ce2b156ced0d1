"""Per-call latency and usage from the framework's current APIs: `ChatMessage.metrics`
on each conversation item and the `session_usage_updated` event.

Log lines carry numbers only, never the text of a turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from livekit.agents import AgentSession
from livekit.agents.llm import ChatMessage
from livekit.agents.metrics.usage import (
    AgentSessionUsage,
    LLMModelUsage,
    STTModelUsage,
    TTSModelUsage,
)
from livekit.agents.voice.events import ConversationItemAddedEvent, SessionUsageUpdatedEvent

__all__ = ["CallMetrics", "TurnListener"]

log = structlog.get_logger(__name__)

_USER_FIELDS = ("transcription_delay", "end_of_turn_delay", "on_user_turn_completed_delay")
_AGENT_FIELDS = ("e2e_latency", "llm_node_ttft", "tts_node_ttfb")


def _ms(metrics: Any, fields: tuple[str, ...]) -> dict[str, float]:
    return {
        f"{name}_ms": round(float(metrics[name]) * 1000.0, 1)
        for name in fields
        if metrics.get(name) is not None
    }


TurnListener = Callable[[dict[str, float], bool], None]
"""Called with a turn's figures (``<field>_ms``) and whether the agent was interrupted."""


class CallMetrics:
    """Subscribes to one session; logs each turn's latencies and keeps them, with the
    latest usage, for the call summary and the Prometheus collectors."""

    def __init__(
        self,
        session: AgentSession[Any],
        model_ttft_s: Callable[[str], float | None] | None = None,
    ) -> None:
        """
        Args:
            session: the call's session.
            model_ttft_s: the model's own time to first token for the reply to a user
                message (by its id), where the reply's first text was not the model's
                (an acknowledgment): the LLM TTFT figure stays the model's.
        """
        self._session = session
        self._model_ttft_s = model_ttft_s
        self.usage: AgentSessionUsage | None = None
        self.turns: list[dict[str, float]] = []
        """Agent turns: e2e_latency_ms (time to first audio), llm_node_ttft_ms, ..."""
        self.user_turns: list[dict[str, float]] = []
        self.interruptions = 0
        self.listeners: list[TurnListener] = []
        session.on("conversation_item_added", self._on_item)
        session.on("session_usage_updated", self._on_usage)

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        item = event.item
        if not isinstance(item, ChatMessage):
            return
        if item.role == "user":
            fields = _ms(item.metrics, _USER_FIELDS)
            self.user_turns.append(fields)
            log.info("user_turn", **fields)
        elif item.role == "assistant":
            fields = _ms(item.metrics, _AGENT_FIELDS)
            ttft = self._replied_model_ttft(item)
            if ttft is not None:
                fields["llm_node_ttft_ms"] = round(ttft * 1000.0, 1)
            self.turns.append(fields)
            self.interruptions += int(item.interrupted)
            log.info("agent_turn", interrupted=item.interrupted, **fields)
        else:
            return
        for listener in self.listeners:
            listener(fields, item.role == "assistant" and item.interrupted)

    def _replied_model_ttft(self, reply: ChatMessage) -> float | None:
        if self._model_ttft_s is None:
            return None
        items = self._session.history.items
        before = next((i for i, item in enumerate(items) if item.id == reply.id), len(items))
        for item in reversed(items[:before]):
            if isinstance(item, ChatMessage) and item.role == "user":
                return self._model_ttft_s(item.id)
        return None

    def samples_ms(self, field: str) -> list[float]:
        """Every turn's value of one figure, in call order (``e2e_latency_ms``...)."""
        source = self.user_turns if field[: -len("_ms")] in _USER_FIELDS else self.turns
        return [turn[field] for turn in source if field in turn]

    def _on_usage(self, event: SessionUsageUpdatedEvent) -> None:
        self.usage = event.usage

    def totals(self) -> dict[str, float]:
        """Tokens, characters and seconds billed so far, summed over models."""
        totals: dict[str, float] = {
            "llm_input_tokens": 0,
            "llm_cached_input_tokens": 0,
            "llm_output_tokens": 0,
            "tts_characters": 0,
            "stt_audio_seconds": 0.0,
        }
        for usage in self.usage.model_usage if self.usage else []:
            if isinstance(usage, LLMModelUsage):
                totals["llm_input_tokens"] += usage.input_tokens
                totals["llm_cached_input_tokens"] += usage.input_cached_tokens
                totals["llm_output_tokens"] += usage.output_tokens
            elif isinstance(usage, TTSModelUsage):
                totals["tts_characters"] += usage.characters_count
            elif isinstance(usage, STTModelUsage):
                totals["stt_audio_seconds"] += usage.audio_duration
        return totals

    def model_usage(self) -> list[LLMModelUsage | TTSModelUsage | STTModelUsage]:
        """Usage per model, as the framework reported it last."""
        return [
            usage
            for usage in (self.usage.model_usage if self.usage else [])
            if isinstance(usage, LLMModelUsage | TTSModelUsage | STTModelUsage)
        ]
