"""Who is already in an app room, asked of LiveKit's RoomService (``ListParticipants``).

The token endpoint asks before issuing a token for a room a client names: a room that
already has a caller with another identity is refused, so nobody is seated next to a
caller to listen in. Agents and LiveKit's own egress (recording) participants are not
callers. A room LiveKit does not know has nobody in it: depending on its configuration
the server answers an empty list or ``not_found`` for it (livekit/livekit
``pkg/service/roomservice.go``, ``localstore.go``, ``roommanager.go``).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import aiohttp
from livekit import api
from livekit.protocol import models, room

from sip.livekit_client import LazyLiveKitAPI

__all__ = ["LiveKitRoomOccupancy", "RoomCheckError", "RoomOccupancy"]

_NOT_CALLERS = frozenset({models.ParticipantInfo.Kind.AGENT, models.ParticipantInfo.Kind.EGRESS})


class RoomCheckError(Exception):
    """LiveKit could not say who is in the room; the token request fails closed."""


class RoomOccupancy(Protocol):
    async def callers(self, room_name: str) -> frozenset[str]:
        """The identities of the callers in ``room_name`` (empty for no such room).

        Raises:
            RoomCheckError: the answer could not be had.
        """
        ...

    async def aclose(self) -> None: ...


class LiveKitRoomOccupancy:
    """`RoomOccupancy` over livekit-api.

    Args:
        url: the LiveKit server URL.
        api_key: the key the request's token is issued by.
        api_secret: its secret.
        timeout_s: bound on one question; a token request waits on it.
        http_session: the aiohttp session to use; default: livekit-api's own.
    """

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        api_secret: str,
        timeout_s: float,
        http_session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._timeout_s = timeout_s
        # One attempt, bounded: the client that asked for a token retries.
        self._api = LazyLiveKitAPI(
            url=url, api_key=api_key, api_secret=api_secret, http_session=http_session
        )

    async def callers(self, room_name: str) -> frozenset[str]:
        try:
            async with asyncio.timeout(self._timeout_s):
                response = await self._api.get().room.list_participants(
                    room.ListParticipantsRequest(room=room_name)
                )
        except api.TwirpError as error:
            if error.code == api.TwirpErrorCode.NOT_FOUND:
                return frozenset()
            raise RoomCheckError(f"LiveKit answered {error.code}") from None
        except Exception as error:
            # Any failure to find out means no token: never seat a second caller blind.
            raise RoomCheckError(type(error).__name__) from None
        return frozenset(p.identity for p in response.participants if p.kind not in _NOT_CALLERS)

    async def aclose(self) -> None:
        await self._api.aclose()
