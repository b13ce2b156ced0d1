"""Per-tenant time limits: an idle caller gets one check-in then a goodbye, and a call
that reaches its maximum duration gets a warning then a polite end."""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from livekit.agents import AgentSession
from livekit.agents.voice.events import AgentStateChangedEvent, UserStateChangedEvent

from config.tenants import CallLimits
from worker.call_actions import CallActions
from worker.outcome import CallOutcome
from worker.state import CallState

__all__ = ["CallLimitsWatch"]

log = structlog.get_logger(__name__)

_TICK_S = 0.2
"""How often silence is measured: well under any sensible idle limit."""


class CallLimitsWatch:
    """Watches one call's silence and length.

    Silence counts only while both sides are quiet: the agent listening and the caller
    not speaking. The agent's own check-in resets it, so the goodbye comes a full
    ``idle_timeout`` after the check-in finished.

    Args:
        session: the call's session.
        actions: ends the call.
        limits: the tenant's limits.
    """

    def __init__(
        self, session: AgentSession[CallState], actions: CallActions, limits: CallLimits
    ) -> None:
        self._session = session
        self._actions = actions
        self._limits = limits
        self._user = "listening"
        self._agent = "initializing"
        self._checked_in = False
        self._last_activity = 0.0
        self._tasks: list[asyncio.Task[None]] = []
        session.on("user_state_changed", self._on_user)
        session.on("agent_state_changed", self._on_agent)
        session.on("close", self._on_close)

    def _on_close(self, _event: object) -> None:
        # A closed call has nothing left to time: no check-in after a transfer or hangup.
        for task in self._tasks:
            task.cancel()

    def _on_user(self, event: UserStateChangedEvent) -> None:
        self._user = event.new_state
        if event.new_state == "speaking":
            self._checked_in = False
        self._touch()

    def _on_agent(self, event: AgentStateChangedEvent) -> None:
        self._agent = event.new_state
        self._touch()

    def _touch(self) -> None:
        self._last_activity = asyncio.get_running_loop().time()

    def start(self) -> None:
        self._touch()
        self._tasks = [
            asyncio.create_task(self._idle(), name="CallLimitsWatch.idle"),
            asyncio.create_task(self._duration(), name="CallLimitsWatch.duration"),
        ]

    def _say(self, text: str) -> None:
        try:
            # Not interruptible: a caller talking over "we're near the limit" must still
            # have heard it before the call ends.
            self._session.say(text, allow_interruptions=False)
        except RuntimeError as error:
            # The session is closing (the caller left): nothing left to warn.
            log.info("limit_message_not_said", error=str(error))

    async def _idle(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._actions.ending:
            await asyncio.sleep(_TICK_S)
            busy = self._user == "speaking" or self._agent not in ("listening", "idle")
            if busy:
                self._last_activity = loop.time()
                continue
            if loop.time() - self._last_activity < self._limits.idle_timeout:
                continue
            if not self._checked_in:
                self._checked_in = True
                log.info("idle_check_in")
                self._say(self._limits.idle_check_in)
                self._touch()
            else:
                log.info("idle_timeout")
                self._actions.end(CallOutcome.IDLE_TIMEOUT, self._limits.idle_goodbye)
                return

    async def _duration(self) -> None:
        limits = self._limits
        warn_at = max(0.0, limits.max_duration - limits.max_duration_warning)
        await asyncio.sleep(warn_at)
        if self._actions.ending:
            return
        log.info("max_duration_warning")
        self._say(limits.max_duration_warning_message)
        await asyncio.sleep(limits.max_duration - warn_at)
        log.info("max_duration_reached")
        self._actions.end(CallOutcome.MAX_DURATION, limits.max_duration_goodbye)

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
