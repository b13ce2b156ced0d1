"""Room tickets: the server's signed word that an identity was given a room.

The token endpoint names every new app room itself (random, unguessable) and returns a
ticket with the room's first token. Asking for that room again (to rejoin after the
token expired) needs the ticket, and the ticket only works for the identity it was
issued to: knowing a room's name, from a log or a shared link, is not enough to join it.

A ticket is ``base64url(payload) "." base64url(HMAC-SHA256(key, payload))`` with the
payload ``{"r": room, "i": identity, "e": expiry}``. The key is derived from the LiveKit
API secret, which stays on the server; the bearer secret ships in the app and is never
used for it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable

__all__ = ["RoomTickets"]

_LABEL = b"callcenter room ticket v1"
_MAX_TICKET = 1024


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class RoomTickets:
    """Issues and checks room tickets.

    Args:
        api_secret: the LiveKit API secret (the ticket key is derived from it).
        ttl_s: how long a ticket is good for.
        clock: seconds since the epoch (tests move it).
    """

    def __init__(
        self, api_secret: str, *, ttl_s: int, clock: Callable[[], float] = time.time
    ) -> None:
        self._key = hmac.new(api_secret.encode(), _LABEL, hashlib.sha256).digest()
        self._ttl_s = ttl_s
        self._clock = clock

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()

    def issue(self, *, room: str, identity: str) -> str:
        """A ticket for ``identity`` to ask for ``room`` again."""
        expires = int(self._clock()) + self._ttl_s
        payload = json.dumps({"r": room, "i": identity, "e": expires}, separators=(",", ":"))
        data = payload.encode()
        return f"{_b64(data)}.{_b64(self._mac(data))}"

    def admits(self, ticket: str | None, *, room: str, identity: str) -> bool:
        """Whether ``ticket`` is ours, unexpired, and for this room and identity."""
        if not ticket or len(ticket) > _MAX_TICKET or ticket.count(".") != 1:
            return False
        encoded, _, signature = ticket.partition(".")
        try:
            data, mac = _unb64(encoded), _unb64(signature)
        except (binascii.Error, ValueError):
            return False
        # The signature first: nothing unsigned is parsed.
        if not hmac.compare_digest(mac, self._mac(data)):
            return False
        try:
            claims = json.loads(data)
        except ValueError:
            return False
        if not isinstance(claims, dict):
            return False
        expires = claims.get("e")
        return (
            claims.get("r") == room
            and claims.get("i") == identity
            and isinstance(expires, int)
            and self._clock() < expires
        )
