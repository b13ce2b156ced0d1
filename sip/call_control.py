"""Call control over LiveKit's server API: transfer a SIP caller, end a call.

Every request is bounded by `asyncio.timeout` (livekit-api 1.2.2 sends most requests with
``timeout=None``, so a stuck server would hold a call forever) and retried only when
repeating it is harmless: deleting a room twice leaves it deleted, but a transfer that
timed out may already be ringing the far end, so it is never sent twice.

livekit-api has a retry of its own: with ``failover=True`` (its default), a request to a
LiveKit Cloud host (``*.livekit.cloud``) that fails with a 5xx or a transport error is
replayed up to 3 times, against other regions or the same host
(``livekit/api/_failover.py``, ``twirp_client.py``). That would send a REFER again, so the
client here is built with ``failover=False`` and the only retries are the ones below.

Whatever the client raises (a Twirp error, an aiohttp error, a timeout, a protobuf
``DecodeError`` from a 200 that is not protobuf, such as a proxy's HTML page, or anything
else) comes out as `CallControlError`: a transfer that did not complete, which the caller
is told about and which is not tried again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import aiohttp
import structlog
from google.protobuf.message import DecodeError
from livekit import api
from livekit.protocol import room, sip

from sip.livekit_client import LazyLiveKitAPI

__all__ = [
    "CallControl",
    "CallControlError",
    "CallControlOptions",
    "TransferResult",
]

log = structlog.get_logger(__name__)

FailureKind = Literal["timeout", "rejected", "unreachable", "malformed", "error"]


@dataclass(frozen=True)
class CallControlOptions:
    """Time bounds and retries; tests shorten them by replacing fields.

    Args:
        request_timeout: bound on one request that does not dial.
        transfer_timeout: bound on a transfer, which waits for the far end to answer.
        max_retries: extra attempts for requests that are safe to repeat.
        retry_interval: pause between those attempts.
    """

    request_timeout: float = 5.0
    transfer_timeout: float = 40.0
    max_retries: int = 2
    retry_interval: float = 0.5

    def __post_init__(self) -> None:
        if self.request_timeout <= 0 or self.transfer_timeout <= 0:
            raise ValueError("timeouts must be positive")
        if self.max_retries < 0 or self.retry_interval < 0:
            raise ValueError("max_retries and retry_interval must not be negative")


class CallControlError(Exception):
    """A call-control request that did not do what was asked.

    Attributes:
        kind: ``timeout`` (no answer in time: it may or may not have happened),
            ``rejected`` (the server or the far end said no), ``unreachable`` (no
            connection to the server), ``malformed`` (an answer that is not the API's,
            such as a proxy's HTML page: it may or may not have happened), ``error``
            (anything else the client raised).
        sip_status_code: the far end's SIP status for a failed transfer (486, 603...).
    """

    def __init__(
        self, method: str, kind: FailureKind, detail: str, sip_status_code: int | None = None
    ) -> None:
        super().__init__(f"{method}: {kind}: {detail}")
        self.method = method
        self.kind = kind
        self.sip_status_code = sip_status_code


@dataclass(frozen=True)
class TransferResult:
    transfer_id: str
    sip_status_code: int | None


class CallControl:
    """The one door from the agent to LiveKit's server API.

    Args:
        url: LiveKit server URL (ws(s):// or http(s)://).
        api_key: API key the requests' tokens are issued by.
        api_secret: secret they are signed with.
        options: time bounds and retries.
        http_session: the aiohttp session requests go through (its connector decides
            name resolution and TLS); default: one of livekit-api's own. The caller
            closes a session it passes.
    """

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        api_secret: str,
        options: CallControlOptions | None = None,
        http_session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.options = options or CallControlOptions()
        # Sent once: see the module docstring (the SDK's Cloud failover).
        self._api = LazyLiveKitAPI(
            url=url, api_key=api_key, api_secret=api_secret, http_session=http_session
        )

    async def aclose(self) -> None:
        await self._api.aclose()

    async def transfer(
        self,
        *,
        room_name: str,
        participant_identity: str,
        transfer_to: str,
        headers: Mapping[str, str] | None = None,
    ) -> TransferResult:
        """Cold-transfer a SIP participant by SIP REFER, with dial tone while it rings.

        Sent once: a timed-out transfer may already be ringing the far end.

        Args:
            room_name: the caller's room.
            participant_identity: the SIP caller.
            transfer_to: the ``sip:`` or ``tel:`` URI (the REFER's Refer-To).
            headers: extra SIP headers on the REFER (``X-Handoff-Id``...).

        Raises:
            CallControlError: the transfer did not complete.
        """
        request = sip.TransferSIPParticipantRequest(
            room_name=room_name,
            participant_identity=participant_identity,
            transfer_to=transfer_to,
            play_dialtone=True,
            headers=dict(headers or {}),
        )
        method = "TransferSIPParticipant"
        try:
            async with asyncio.timeout(self.options.transfer_timeout):
                response = await self._api.get().sip.transfer_sip_participant(
                    request, timeout=self.options.transfer_timeout
                )
        except Exception as error:
            # Every failure, of any type, is a transfer that did not complete: the caller
            # hears so, and the destination is not tried again on this call.
            raise _failure(method, error) from None
        # livekit/protocol sip.proto: a response whose status is not successful is a
        # transfer that did not complete, even without an error.
        if response.status == sip.SIPTransferStatus.STS_TRANSFER_FAILED:
            code = response.sip_status.code if response.HasField("sip_status") else None
            raise CallControlError(method, "rejected", "transfer failed", code)
        code = response.sip_status.code if response.HasField("sip_status") else None
        return TransferResult(transfer_id=response.transfer_id, sip_status_code=code)

    async def dial(
        self,
        *,
        room_name: str,
        participant_identity: str,
        sip_call_to: str,
        sip_trunk_id: str,
        ringing_timeout: float,
        headers: Mapping[str, str] | None = None,
    ) -> str:
        """Call a person into ``room_name`` and return once they answered.

        Sent once, like a transfer: a dial that timed out may still be ringing. Bounded
        by the ringing timeout plus ``request_timeout`` for the server's own answer.

        Returns:
            The SIP participant's identity in the room.

        Raises:
            CallControlError: nobody answered (``sip_status_code`` 408, 480, 486...), or
                the request failed.
        """
        request = sip.CreateSIPParticipantRequest(
            sip_trunk_id=sip_trunk_id,
            sip_call_to=sip_call_to,
            room_name=room_name,
            participant_identity=participant_identity,
            wait_until_answered=True,
            headers=dict(headers or {}),
        )
        request.ringing_timeout.FromNanoseconds(int(ringing_timeout * 1e9))
        method = "CreateSIPParticipant"
        bound = ringing_timeout + self.options.request_timeout
        try:
            async with asyncio.timeout(bound):
                info = await self._api.get().sip.create_sip_participant(request, timeout=bound)
        except Exception as error:
            raise _failure(method, error) from None
        return info.participant_identity or participant_identity

    async def move_participant(self, *, room_name: str, identity: str, to_room: str) -> None:
        """Move a participant (the briefed human) into another room (the caller's).

        Raises:
            CallControlError: the move did not happen.
        """
        method = "MoveParticipant"
        try:
            async with asyncio.timeout(self.options.request_timeout):
                await self._api.get().room.move_participant(
                    room.MoveParticipantRequest(
                        room=room_name, identity=identity, destination_room=to_room
                    )
                )
        except Exception as error:
            raise _failure(method, error) from None

    async def delete_room(self, room_name: str) -> None:
        """Delete the room, which hangs up every SIP leg in it. Retried: deleting twice
        is harmless, and a room already gone (``not_found``) counts as deleted.

        Raises:
            CallControlError: the room could not be deleted after every attempt.
        """
        method = "DeleteRoom"
        last = CallControlError(method, "unreachable", "not attempted")
        for attempt in range(self.options.max_retries + 1):
            if attempt:
                await asyncio.sleep(self.options.retry_interval)
            try:
                async with asyncio.timeout(self.options.request_timeout):
                    await self._api.get().room.delete_room(room.DeleteRoomRequest(room=room_name))
                return
            except api.TwirpError as error:
                if error.code == api.TwirpErrorCode.NOT_FOUND:
                    return
                last = _failure(method, error)
                if error.status < 500:
                    break
            except Exception as error:
                # Whatever it was, the room may still be there: try again, then give up
                # with a CallControlError the caller of hang_up handles.
                last = _failure(method, error)
            log.warning("call_control_retry", method=method, attempt=attempt + 1)
        raise last


def _failure(method: str, error: Exception) -> CallControlError:
    """What any exception from livekit-api means for a call-control request."""
    if isinstance(error, TimeoutError):
        return CallControlError(method, "timeout", "no answer from the server")
    if isinstance(error, api.SipCallError):
        return CallControlError(method, "rejected", error.message, error.sip_status_code)
    if isinstance(error, api.TwirpError):
        return CallControlError(method, "rejected", f"{error.code}: {error.message}")
    if isinstance(error, aiohttp.ClientError):
        return CallControlError(method, "unreachable", type(error).__name__)
    if isinstance(error, DecodeError):
        return CallControlError(method, "malformed", "the answer is not the API's protobuf")
    return CallControlError(method, "error", type(error).__name__)
