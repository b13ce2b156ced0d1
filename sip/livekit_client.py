"""One livekit-api client per owner, opened on first use and sent once per request.

Built lazily because ``LiveKitAPI`` opens an aiohttp session, which needs a running loop.
Built with ``failover=False``: with its default, livekit-api replays a request to a LiveKit
Cloud host that failed with a 5xx or a transport error up to 3 times
(``livekit/api/_failover.py``, ``twirp_client.py``). Its owners decide their own retries:
call control must never send a REFER twice, and the token endpoint's client retries a
room check itself.
"""

from __future__ import annotations

import aiohttp
from livekit import api

__all__ = ["LazyLiveKitAPI"]


class LazyLiveKitAPI:
    """A `livekit.api.LiveKitAPI` made on the first `get` and closed by `aclose`.

    Args:
        url: LiveKit server URL (ws(s):// or http(s)://).
        api_key: API key the requests' tokens are issued by.
        api_secret: secret they are signed with.
        http_session: the aiohttp session requests go through; default: one of
            livekit-api's own. The caller closes a session it passes.
    """

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        api_secret: str,
        http_session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._url = url
        self._key = api_key
        self._secret = api_secret
        self._http_session = http_session
        self._api: api.LiveKitAPI | None = None

    def get(self) -> api.LiveKitAPI:
        """The client, made now if this is the first use (inside the running loop)."""
        if self._api is None:
            self._api = api.LiveKitAPI(
                self._url,
                self._key,
                self._secret,
                session=self._http_session,
                failover=False,
            )
        return self._api

    async def aclose(self) -> None:
        """Close the client if one was made; a later `get` makes a new one."""
        if self._api is not None:
            await self._api.aclose()
            self._api = None
