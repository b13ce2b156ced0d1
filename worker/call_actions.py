"""What the agent can do to the call itself: hand it to a person, or end it.

Both wait for the agent's words to finish playing before acting on the line: a caller
must hear "transferring you now" before the dial tone, and the whole goodbye before the
line drops. Ending runs in a task this object owns (a tool cannot wait for its own
speech), started once the tool's turn is done.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog
from livekit.agents import AgentSession, RunContext
from livekit.agents.voice import SpeechHandle

from sip.call_control import CallControl, CallControlError
from sip.transfer import TransferOutcome, choose_destination, cold_transfer
from worker.call_party import CallParty
from worker.outcome import CallOutcome

__all__ = ["CallActions"]

log = structlog.get_logger(__name__)


class CallActions:
    """Transfer and hang-up for one call.

    Args:
        session: the call's session.
        state: the call's state (tenant, caller, outcome).
        control: the server API client; None where the call has no room to control.
        room_name: the call's room.
    """

    def __init__(
        self,
        session: AgentSession[Any],
        state: CallParty,
        *,
        control: CallControl | None,
        room_name: str,
    ) -> None:
        self._session = session
        self._state = state
        self.control = control
        self.room_name = room_name
        self._ending: asyncio.Task[None] | None = None
        self._end_requested = False
        self._failed_destinations: set[str] = set()
        self._transferring = False
        self._caller_gone = False
        self.goodbye_played_at: float | None = None
        """Loop time the goodbye finished playing (for tests of the order of events)."""

    @property
    def ending(self) -> bool:
        return self._end_requested

    async def _say(self, text: str) -> None:
        handle = self._session.say(text, allow_interruptions=False)
        await handle.wait_for_playout()

    async def transfer(self, context: RunContext[Any], requested: str) -> TransferOutcome:
        """Cold-transfer the caller to the tenant destination named ``requested``."""
        state = self._state
        if state.caller.kind != "phone" or self.control is None:
            return TransferOutcome("not_phone", reason="app callers cannot be transferred")
        chosen = choose_destination(state.tenant.transfer_destinations, requested)
        if chosen is None:
            # Not logged with the request: a caller-supplied number is personal data.
            log.warning("transfer_refused", allowed=sorted(state.tenant.transfer_destinations))
            return TransferOutcome("refused", reason="not an allowed destination")
        name, uri = chosen
        if name in self._failed_destinations:
            # One failed REFER per destination: a model retrying in a loop would keep
            # the caller listening to hand-off lines and dial tones.
            return TransferOutcome("repeated", name, "already failed on this call")
        # Whatever the LLM said before calling the tool plays first.
        await context.wait_for_playout()

        async def hand_off() -> None:
            async with context.foreground():
                await self._say(state.tenant.hand_off_message)

        self._transferring = True
        try:
            outcome = await cold_transfer(
                self.control,
                room_name=self.room_name,
                participant_identity=state.caller.identity,
                name=name,
                uri=uri,
                hand_off=hand_off,
            )
        finally:
            self._transferring = False
        if outcome.status != "transferred" and self._caller_gone:
            # The caller hung up while it rang: nobody left to tell.
            state.end_with(CallOutcome.CALLER_HUNG_UP)
            self._session.shutdown(drain=False)
        elif outcome.status == "transferred":
            state.end_with(CallOutcome.TRANSFERRED)
            # The caller has left the room with the REFER; nothing more to say.
            self._session.shutdown(drain=False)
        else:
            self._failed_destinations.add(name)
            async with context.foreground():
                await self._say(state.tenant.transfer_failed_message)
        return outcome

    def caller_left(self) -> None:
        """The caller's leg left the room. During a transfer that is the REFER taking
        the call away (LiveKit may report it before the transfer request returns), so
        the transfer's result decides the outcome."""
        self._caller_gone = True
        if self._transferring:
            return
        self._state.end_with(CallOutcome.CALLER_HUNG_UP)
        log.info("caller_left")
        self._session.shutdown(drain=False)

    def end(self, outcome: CallOutcome, goodbye: str, *, after: SpeechHandle | None = None) -> None:
        """End the call: say ``goodbye``, wait for it to play, delete the room.

        Args:
            outcome: why the call ends (the first cause recorded wins).
            goodbye: the last words.
            after: a speech to let finish first (the turn of the tool that asked).
        """
        if self._end_requested:
            return
        self._end_requested = True
        self._state.end_with(outcome)
        if after is not None and not after.done():
            after.add_done_callback(lambda _: self._start_ending(goodbye))
        else:
            self._start_ending(goodbye)

    def _start_ending(self, goodbye: str) -> None:
        self._ending = asyncio.create_task(self._end(goodbye), name="CallActions.end")

    async def _end(self, goodbye: str) -> None:
        try:
            await self._say(goodbye)
            self.goodbye_played_at = asyncio.get_running_loop().time()
        except RuntimeError as error:
            # The session closed under us (the caller hung up first): still hang up.
            log.info("goodbye_not_played", error=str(error))
        await self.hang_up()

    def hang_up_soon(self) -> None:
        """Hang up without a goodbye (nothing can be said), from synchronous code."""
        if self._end_requested:
            return
        self._end_requested = True
        self._ending = asyncio.create_task(self.hang_up(), name="CallActions.hang_up")

    async def hang_up(self) -> None:
        """Delete the room (which ends every SIP leg in it) and close the session."""
        if self.control is not None:
            try:
                await self.control.delete_room(self.room_name)
            except CallControlError as error:
                # The room empties and closes on its own; the session must end anyway.
                log.error("hang_up_failed", kind=error.kind)
        self._session.shutdown(drain=False)

    async def aclose(self) -> None:
        task = self._ending
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
