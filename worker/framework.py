"""Every livekit-agents internal the project relies on, and nothing else.

livekit-agents exports a public API (the ``__all__`` of ``livekit.agents`` and its
packages); a few things we need it offers only privately, or only from modules it does
not export. They are reached here and nowhere else, so an upgrade that changes them
breaks one module, and ``tests/test_framework_contract.py`` says which contract broke,
naming the version they were checked against (`PINNED_VERSION`). The same test file
scans our packages so no other module reaches past the public API.

What is here, and why there is no public way (livekit-agents 1.8.9):

* `SessionConnectOptions`, `TurnDetectionMode`, `ServerEnvOption`: types that public
  signatures take (``AgentSession(conn_options=)``, ``turn_handling["turn_detection"]``,
  ``AgentServer(port=)``) but no public package exports.
* `fallback_engines`: the engines behind a fallback adapter, whose own ``error`` events
  the adapter does not pass on; the adapters keep them in private lists.
* `warm_framework_tls`: the framework's TLS context for its shared HTTP session, built
  on a call's first request unless warmed; the builder is private.
* `timed_transcript`, `forget_tts_start`: the frame userdata keys the framework's TTS
  streams write and its reply pipeline reads (internal constants of ``types.py``).
* `connection_state`: whether `AgentServer` is connecting, gave up or is closed; only
  private attributes carry it.
* `preflight_transcript`: a ``PREFLIGHT_TRANSCRIPT`` speech event of our own making. The
  enum member is public, but that the framework starts preemptive generation on one
  (``voice/audio_recognition.py``, ``voice/agent_activity.py``) is internal behaviour.
* `TurnDetector`: the framework's private ``_TurnDetector`` protocol, which
  `worker.turns.turn_judge.TranscriptTurnJudge` implements. Its only answer is a probability,
  which picks one of two endpointing delays (``min_delay`` or ``max_delay``, read before
  the prediction is asked for); a delay in between, or beyond ``max_delay`` for a number
  still being dictated, can only be expressed by answering later. So the judge's hold
  is a sleep inside ``predict_end_of_turn``: the framework cancels that task when the
  caller speaks again, which ends the hold, and counts its own delay from the end of
  speech, so the hold adds only what exceeds it. ``AgentSession.update_options`` could
  move ``min_delay``, but only for the next turn and for the whole session.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from livekit import rtc
from livekit.agents import AgentServer, LanguageCode, llm, stt, tts
from livekit.agents.beta.workflows import WarmTransferTask
from livekit.agents.types import USERDATA_TIMED_TRANSCRIPT, USERDATA_TTS_STARTED_TIME
from livekit.agents.utils import http_context
from livekit.agents.voice.agent_session import SessionConnectOptions
from livekit.agents.voice.turn import TurnDetectionMode
from livekit.agents.worker import ServerEnvOption

__all__ = [
    "PINNED_VERSION",
    "ConnectionState",
    "ServerEnvOption",
    "SessionConnectOptions",
    "TurnDetectionMode",
    "TurnDetector",
    "WarmTransferTask",
    "close_warm_transfer",
    "connection_state",
    "fallback_engines",
    "forget_tts_start",
    "preflight_transcript",
    "timed_transcript",
    "warm_framework_tls",
]

PINNED_VERSION = "1.8.9"
"""The livekit-agents version every contract here was checked against."""


class TurnDetector(Protocol):
    """What the framework asks a turn detector (its private ``_TurnDetector``)."""

    @property
    def model(self) -> str: ...

    @property
    def provider(self) -> str: ...

    async def unlikely_threshold(self, language: LanguageCode | None) -> float | None: ...

    async def supports_language(self, language: LanguageCode | None) -> bool: ...

    async def predict_end_of_turn(
        self,
        chat_ctx: llm.ChatContext,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the framework's protocol signature
    ) -> float: ...


def fallback_engines(engine: object) -> list[Any]:
    """The engines behind a fallback adapter, in fallback order; a bare engine is its own.

    Each engine's ``error`` event says which provider failed; the adapter only says that
    one became unavailable.
    """
    if isinstance(engine, stt.FallbackAdapter):
        return list(engine._stt_instances)
    if isinstance(engine, llm.FallbackAdapter):
        return list(engine._llm_instances)
    if isinstance(engine, tts.FallbackAdapter):
        return list(engine._tts_instances)
    return [engine]


def warm_framework_tls() -> ssl.SSLContext | None:
    """Build the framework's process-wide TLS context now, off any call's clock.

    A version without the private builder only loses the warm-up (the contract test says
    so first): the context is then built on the first call's first request, as before.
    """
    build = getattr(http_context, "_create_ssl_context", None)
    if not callable(build):
        return None
    context = build()
    return context if isinstance(context, ssl.SSLContext) else None


def timed_transcript(frame: rtc.AudioFrame) -> Sequence[object]:
    """The words a TTS frame carries (the framework's timed transcript), or none."""
    return frame.userdata.get(USERDATA_TIMED_TRANSCRIPT) or ()


def forget_tts_start(frame: rtc.AudioFrame) -> None:
    """Drop the synthesis start time from a frame kept for later replay, so the framework
    times the reply that replays it from the reply's own first text."""
    frame.userdata.pop(USERDATA_TTS_STARTED_TIME, None)


@dataclass(frozen=True)
class ConnectionState:
    """The framework's view of its websocket to LiveKit."""

    connecting: bool
    """Between a connection attempt's start and its register response."""
    gave_up: bool
    """``worker.connect_attempts`` retries failed: ``run()`` is about to raise."""
    closed: bool
    """Not running (not started yet, or shut down)."""


def connection_state(server: AgentServer) -> ConnectionState:
    """Where `AgentServer`'s connection to LiveKit stands.

    livekit/agents/worker.py, ``AgentServer._connection_task``: ``_connecting`` is set at
    the start of every attempt (the first, and each one after a lost connection) and
    cleared once LiveKit answered the register request; ``_connection_failed`` is set
    when the retries are exhausted; ``_closed`` is False only while ``run()`` runs.
    """
    return ConnectionState(
        connecting=bool(server._connecting),
        gave_up=bool(server._connection_failed),
        closed=bool(server._closed),
    )


def preflight_transcript(
    interim: stt.SpeechEvent, alternatives: list[stt.SpeechData]
) -> stt.SpeechEvent:
    """``interim`` as a preflight transcript of ``alternatives``: the framework starts a
    preemptive reply from it, keeps the reply when the final says the same, and cancels
    it otherwise."""
    return replace(
        interim, type=stt.SpeechEventType.PREFLIGHT_TRANSCRIPT, alternatives=alternatives
    )


async def close_warm_transfer(task: WarmTransferTask) -> None:
    """Stop what a `WarmTransferTask` started and left running.

    livekit-agents 1.8.9 (``beta/workflows/warm_transfer.py``) builds a
    ``BackgroundAudioPlayer`` in the task's constructor, whose ``rtc.AudioMixer`` starts
    its mixing task at once, and closes neither when the task completes: after a warm
    transfer nobody answered, that task would run for the rest of the call.
    """
    player = task._background_audio
    await player.aclose()
    await player._audio_mixer.aclose()
