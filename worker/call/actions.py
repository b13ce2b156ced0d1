"""What the agent can do to the call itself: hand it to a person, or end it.

Both wait for the agent's words to finish playing before acting on the line: a caller
must hear "transferring you now" before the dial tone, and the whole goodbye before the
line drops. Ending runs in a task this object owns (a tool cannot wait for its own
speech), started once the tool's turn is done.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import structlog
from livekit.agents import AgentSession, RunContext, ToolError
from livekit.agents.voice import SpeechHandle

from config.tenants import DestinationOptions
from sip.call_control import CallControl, CallControlError
from sip.transfer import TransferOutcome, choose_destination, cold_transfer
from worker.call.outcome import CallOutcome
from worker.call.party import CallParty
from worker.framework import close_warm_transfer
from worker.handoff.note import HandoffNote, ReasonCode, build_note, new_handoff_id
from worker.handoff.transfer import CallHandoff
from worker.handoff.warm_transfer import warm_transfer_task
from worker.speech.spoken_lines import handoff_lines

__all__ = ["BUSY_CODES", "HUMAN_IDENTITY", "Brief", "CallActions"]

log = structlog.get_logger(__name__)

BUSY_CODES: Final = frozenset({486, 600})
"""SIP Busy Here and Busy Everywhere (RFC 3261 21.4.24, 21.6.1): the tenant's
alternative is offered, not the failure line."""
HUMAN_IDENTITY: Final = "handoff-human"
"""The briefed person's identity in the consult room and then the caller's room."""

Brief = Callable[[str, Sequence[str]], Awaitable[None]]
"""Speaks lines into a consult room: ``(room_name, lines)``."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def _nothing() -> None:
    """No hand-off line: the caller already heard why they are being moved."""


def _counted(outcome: TransferOutcome) -> str:
    """The outcome label of ``callcenter_handoffs_total`` (a bounded set)."""
    if outcome.status == "failed" and outcome.sip_status_code in BUSY_CODES:
        return "busy"
    if outcome.status == "transferred" and outcome.reason == "fallback":
        return "fallback"
    return outcome.status


class CallActions:
    """Transfer and hang-up for one call.

    Args:
        session: the call's session.
        state: the call's state (tenant, caller, outcome).
        control: the server API client; None where the call has no room to control.
        room_name: the call's room.
        clock: the wall clock destinations' hours are judged by.
        brief: speaks lines into a consult room (attended transfers); None: the
            human is bridged in without a briefing.
        handoff: the call's hand-off forms; by default from the tenant's settings.
    """

    def __init__(
        self,
        session: AgentSession[Any],
        state: CallParty,
        *,
        control: CallControl | None,
        room_name: str,
        clock: Callable[[], datetime] = _utc_now,
        brief: Brief | None = None,
        handoff: CallHandoff | None = None,
    ) -> None:
        self._session = session
        self._clock = clock
        self._brief = brief
        self.handoff = handoff or CallHandoff(state.tenant.handoff)
        self._unavailable_destination: str | None = None
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

    async def transfer(
        self,
        context: RunContext[Any],
        requested: str,
        reason: ReasonCode = "caller_request",
    ) -> TransferOutcome:
        """Transfer the caller to the tenant destination named ``requested``, with the
        hand-off note in every form the tenant configured (docs/handoff.md)."""
        state = self._state
        if state.caller.kind != "phone" or self.control is None:
            return TransferOutcome("not_phone", reason="app callers cannot be transferred")
        chosen = choose_destination(state.tenant.transfer_destinations, requested)
        if chosen is None:
            # Not logged with the request: a caller-supplied number is personal data.
            log.warning("transfer_refused", allowed=sorted(state.tenant.transfer_destinations))
            return TransferOutcome("refused", reason="not an allowed destination")
        name, _ = chosen
        if name in self._failed_destinations:
            # One failed REFER per destination: a model retrying in a loop would keep
            # the caller listening to hand-off lines and dial tones.
            return TransferOutcome("repeated", name, "already failed on this call")
        # Whatever the LLM said before calling the tool plays first.
        await context.wait_for_playout()
        return await self._transfer_to(context, name, reason, alternative_allowed=True)

    async def _transfer_to(
        self,
        context: RunContext[Any],
        name: str,
        reason: ReasonCode,
        *,
        alternative_allowed: bool,
    ) -> TransferOutcome:
        state = self._state
        options = state.tenant.destination_options(name)
        if options.hours is not None and not options.hours.is_open(self._clock()):
            log.info("transfer_destination_closed", destination=name)
            self.handoff.unreachable(reason, name, "closed")
            return await self._unavailable(context, name, reason, "closed", alternative_allowed)
        note = self.note(name, reason)
        # The webhook starts now, in the background: the REFER never waits for it.
        record = self.handoff.start(note, mode=options.mode)
        headers = self.handoff.headers(note)
        if options.mode == "warm" and options.platform == "cloud":
            outcome = await self._warm_cloud(context, name, options, note, headers)
        elif options.mode == "warm":
            outcome = await self._attended(context, name, options, note, headers)
        else:
            outcome = await self._cold(context, name, headers)
        self.handoff.finish(record, _counted(outcome))
        if outcome.status == "failed" and outcome.sip_status_code in BUSY_CODES:
            return await self._unavailable(context, name, reason, "busy", alternative_allowed)
        return outcome

    def note(self, name: str, reason: ReasonCode) -> HandoffNote:
        """The hand-off note for a transfer to ``name`` now, from the redacted history."""
        state = self._state
        return build_note(
            self._session.history,
            handoff_id=new_handoff_id(),
            reason=reason,
            destination=name,
            tenant=state.tenant_name,
            call_id=state.caller.call_id or self.room_name,
            language=state.tenant.language,
            allowed_fields=state.tenant.handoff.allowed_fields,
            scrub=state.redactor.vault.redact_known_values,
        )

    async def _say_in_foreground(self, context: RunContext[Any], *texts: str) -> None:
        async with context.foreground():
            for text in texts:
                await self._say(text)

    async def _unavailable(
        self,
        context: RunContext[Any],
        name: str,
        reason: ReasonCode,
        why: str,
        alternative_allowed: bool,
    ) -> TransferOutcome:
        """Closed or busy: the tenant's alternative destination, else a callback offer."""
        state = self._state
        lines = handoff_lines(state.tenant.language)
        self._failed_destinations.add(name)
        said = lines.closed if why == "closed" else lines.busy
        alternative = state.tenant.destination_options(name).alternative
        if alternative_allowed and alternative and alternative not in self._failed_destinations:
            await self._say_in_foreground(context, said, lines.alternative)
            return await self._transfer_to(context, alternative, reason, alternative_allowed=False)
        await self._say_in_foreground(context, said)
        self._unavailable_destination = name
        return TransferOutcome("unavailable", name, why)

    async def _refer(
        self,
        name: str,
        uri: str,
        hand_off: Callable[[], Awaitable[None]],
        headers: dict[str, str],
    ) -> TransferOutcome:
        """`cold_transfer` the caller to ``uri``, marked as transferring while it runs: a
        caller leg that leaves meanwhile is the REFER at work (see `caller_left`)."""
        assert self.control is not None
        self._transferring = True
        try:
            return await cold_transfer(
                self.control,
                room_name=self.room_name,
                participant_identity=self._state.caller.identity,
                name=name,
                uri=uri,
                hand_off=hand_off,
                headers=headers,
            )
        finally:
            self._transferring = False

    async def _cold(
        self, context: RunContext[Any], name: str, headers: dict[str, str]
    ) -> TransferOutcome:
        state = self._state
        uri = state.tenant.transfer_destinations[name]

        async def hand_off() -> None:
            await self._say_in_foreground(context, state.tenant.hand_off_message)

        outcome = await self._refer(name, uri, hand_off, headers)
        busy = outcome.status == "failed" and outcome.sip_status_code in BUSY_CODES
        if outcome.status != "transferred" and self._caller_gone:
            # The caller hung up while it rang: nobody left to tell.
            state.end_with(CallOutcome.CALLER_HUNG_UP)
            self._session.shutdown(drain=False)
        elif outcome.status == "transferred":
            state.end_with(CallOutcome.TRANSFERRED)
            # The caller has left the room with the REFER; nothing more to say.
            self._session.shutdown(drain=False)
        elif not busy:
            self._failed_destinations.add(name)
            await self._say_in_foreground(context, state.tenant.transfer_failed_message)
        return outcome

    async def _attended(
        self,
        context: RunContext[Any],
        name: str,
        options: DestinationOptions,
        note: HandoffNote,
        headers: dict[str, str],
    ) -> TransferOutcome:
        """A PBX attended transfer: dial the human into a consult room, brief them with
        the note, then move them into the caller's room; the agent leaves."""
        state = self._state
        assert self.control is not None
        assert options.dial_to
        assert options.outbound_trunk_id
        lines = handoff_lines(state.tenant.language)
        consult = f"{self.room_name}-consult-{note.handoff_id[-6:]}"
        await self._say_in_foreground(context, lines.consult_hold)
        self._transferring = True
        try:
            human = await self.control.dial(
                room_name=consult,
                participant_identity=HUMAN_IDENTITY,
                sip_call_to=options.dial_to,
                sip_trunk_id=options.outbound_trunk_id,
                ringing_timeout=options.ring_timeout,
                headers=headers,
            )
        except CallControlError as error:
            self._transferring = False
            log.info("consult_not_answered", destination=name, sip_status=error.sip_status_code)
            await self._drop_room(consult)
            if error.sip_status_code in BUSY_CODES:
                return TransferOutcome("failed", name, "busy", error.sip_status_code)
            return await self._no_answer(context, name, note, headers)
        try:
            if self._brief is not None:
                briefing = lines.briefing.format(
                    reason=note.reason.replace("_", " "), summary=note.summary_text()
                )
                await self._brief(consult, [briefing, lines.connecting])
            await self.control.move_participant(
                room_name=consult, identity=human, to_room=self.room_name
            )
        except CallControlError as error:
            self._transferring = False
            log.warning("consult_bridge_failed", destination=name, kind=error.kind)
            await self._drop_room(consult)
            self._failed_destinations.add(name)
            await self._say_in_foreground(context, state.tenant.transfer_failed_message)
            return TransferOutcome("failed", name, error.kind)
        self._transferring = False
        # The caller and the human now share the caller's room; the agent leaves it.
        state.end_with(CallOutcome.TRANSFERRED)
        self._session.shutdown(drain=False)
        return TransferOutcome("transferred", name)

    async def _no_answer(
        self,
        context: RunContext[Any],
        name: str,
        note: HandoffNote,
        headers: dict[str, str],
    ) -> TransferOutcome:
        """Nobody picked up: say so, then the tenant's fallback, or the call goes on."""
        state = self._state
        lines = handoff_lines(state.tenant.language)
        self._failed_destinations.add(name)
        fallback = state.tenant.handoff.fallback
        if fallback is None or fallback in self._failed_destinations:
            await self._say_in_foreground(context, lines.no_answer)
            return TransferOutcome("continued", name, "no answer")
        await self._say_in_foreground(context, lines.no_answer, lines.fallback)
        outcome = await self._refer(
            fallback, state.tenant.transfer_destinations[fallback], _nothing, headers
        )
        if outcome.status == "transferred":
            state.end_with(CallOutcome.TRANSFERRED)
            self._session.shutdown(drain=False)
            return TransferOutcome("transferred", fallback, "fallback")
        self._failed_destinations.add(fallback)
        await self._say_in_foreground(context, state.tenant.transfer_failed_message)
        return outcome

    async def _warm_cloud(
        self,
        context: RunContext[Any],
        name: str,
        options: DestinationOptions,
        note: HandoffNote,
        headers: dict[str, str],
    ) -> TransferOutcome:
        """LiveKit Cloud: the framework's WarmTransferTask briefs the human (from the
        redacted history and the note) and merges the calls."""
        state = self._state
        task = warm_transfer_task(options, note, headers, self._session.history)
        try:
            await task
        except ToolError as error:
            log.info("warm_transfer_not_completed", destination=name, error=str(error))
            return await self._no_answer(context, name, note, headers)
        finally:
            await close_warm_transfer(task)
        # The task moved the human into the caller's room; the agent leaves it.
        state.end_with(CallOutcome.TRANSFERRED)
        self._session.shutdown(drain=False)
        return TransferOutcome("transferred", name)

    async def _drop_room(self, room_name: str) -> None:
        assert self.control is not None
        try:
            await self.control.delete_room(room_name)
        except CallControlError as error:
            # An empty consult room closes on its own after its empty timeout.
            log.info("consult_room_not_deleted", kind=error.kind)

    def callback_destination(self) -> str | None:
        """The destination the caller could not reach (for a callback request)."""
        return self._unavailable_destination

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
        await self.handoff.aclose()
        task = self._ending
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
