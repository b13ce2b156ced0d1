"""Per-tenant time limits: an idle caller gets one check-in then a goodbye, and a call
that reaches its maximum duration gets a warning then a polite end.

Silence is the framework's to measure: the session is built with the tenant's
``idle_timeout`` as its ``user_away_timeout`` (worker/session_factory.py), and says
"away" on ``user_state_changed`` once user and agent have both been listening that long
(a running tool holds the count off).
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from livekit.agents import AgentSession
from livekit.agents.voice.events import UserStateChangedEvent

from config.tenants import CallLimits
from worker.call.actions import CallActions
from worker.call.outcome import CallOutcome
from worker.call.state import CallState

__all__ = ["CallLimitsWatch"]

log = structlog.get_logger(__name__)


class CallLimitsWatch:
    """Watches one call's silence and length.

    Silence counts only while both sides are quiet: the agent listening and the caller
    not speaking (the framework's away timer). The agent's own check-in resets it, so
    the goodbye comes a full ``idle_timeout`` after the check-in finished.

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
        self._checked_in = False
        self._tasks: list[asyncio.Task[None]] = []
        session.on("user_state_changed", self._on_user)
        session.on("close", self._on_close)

    def _on_close(self, _event: object) -> None:
        # A closed call has nothing left to time: no check-in after a transfer or hangup.
        for task in self._tasks:
            task.cancel()

    def _on_user(self, event: UserStateChangedEvent) -> None:
        if event.new_state == "speaking":
            self._checked_in = False
        elif event.new_state == "away" and self._tasks:
            self._on_away()

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._duration(), name="CallLimitsWatch.duration")]

    def _say(self, text: str) -> None:
        try:
            # Not interruptible: a caller talking over "we're near the limit" must still
            # have heard it before the call ends.
            self._session.say(text, allow_interruptions=False)
        except RuntimeError as error:
            # The session is closing (the caller left): nothing left to warn.
            log.info("limit_message_not_said", error=str(error))

    def _on_away(self) -> None:
        if self._actions.ending:
            return
        if not self._checked_in:
            self._checked_in = True
            log.info("idle_check_in")
            # The framework counts the next silence only from "listening": the caller is
            # put back there, so its timer restarts once the check-in has been said.
            self._session.reset_away_timer()
            self._say(self._limits.idle_check_in)
        else:
            log.info("idle_timeout")
            self._actions.end(CallOutcome.IDLE_TIMEOUT, self._limits.idle_goodbye)

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
