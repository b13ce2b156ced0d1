"""Read what the server holds, each call bounded by our own deadline.

``livekit-api`` 1.2.2 posts every request with ``timeout=None``, which aiohttp takes as
"no timeout", so the client's session timeout never applies: every call here goes
through :func:`bounded`.

Lists are read page by page (``page.after_id``/``page.limit``). The open-source server
walks every page itself and answers with all the objects after ``after_id``
(livekit/livekit ``pkg/service/sip.go`` ``ListSIPInboundTrunk`` over livekit/protocol
``livekit/types.go`` ``ListPageIter``), so there one page holds everything and the next
comes back empty; a server that stops at ``limit`` is read to the end all the same.
Objects are sorted by id there (``redisstore.go`` ``sortPage``), and legacy
``SIPTrunkInfo`` trunks come back in the inbound list, the outbound list or both
(``redisstore_sip.go``, ``AsInbound``/``AsOutbound``).

Passwords never leave this module: each trunk's ``auth_password`` is replaced by its
keyed hash (`dispatch.passwords.Fingerprints`) as soon as it is read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from livekit import api
from livekit.protocol import models, sip

from dispatch.canonical import parse_metadata
from dispatch.passwords import Fingerprints

__all__ = ["PAGE_SIZE", "ListFailed", "ServerState", "bounded", "fetch_state", "list_all"]

_T = TypeVar("_T")
PAGE_SIZE = 500
_MAX_PAGES = 1000


async def bounded(call: Awaitable[_T], call_timeout: float) -> _T:
    """Await one API call, raising ``TimeoutError`` after ``call_timeout`` seconds."""
    async with asyncio.timeout(call_timeout):
        return await call


class ListFailed(Exception):
    """The server's answers to a paged List made no progress (a server ignoring
    ``after_id`` would otherwise be read forever)."""


class _Listed(Protocol):
    @property
    def items(self) -> Sequence[Any]: ...


async def list_all(
    call: Callable[[models.Pagination], Awaitable[_Listed]],
    id_of: Callable[[Any], str],
    call_timeout: float,
) -> list[Any]:
    """Every item of a paged List, in the server's order, each id once."""
    items: list[Any] = []
    seen: set[str] = set()
    after = ""
    for _ in range(_MAX_PAGES):
        page = await bounded(call(models.Pagination(after_id=after, limit=PAGE_SIZE)), call_timeout)
        fresh = [item for item in page.items if id_of(item) not in seen]
        for item in fresh:
            seen.add(id_of(item))
            items.append(item)
        if len(page.items) < PAGE_SIZE or not fresh:
            return items
        last = max(id_of(item) for item in fresh)
        if last <= after:
            raise ListFailed("the server answered the same page twice; its pagination is broken")
        after = last
    raise ListFailed(f"more than {_MAX_PAGES} pages of {PAGE_SIZE}")


@dataclass(frozen=True)
class ServerState:
    """What the server holds, passwords replaced by their keyed hashes.

    Args:
        inbound, outbound, rules: the objects (``auth_password`` cleared).
        passwords: ``(kind, id)`` -> keyed hash of the trunk's password (None: none).
        leases: this tool's lease markers (`dispatch.lease`), kept out of the lists.
    """

    inbound: list[sip.SIPInboundTrunkInfo]
    outbound: list[sip.SIPOutboundTrunkInfo]
    rules: list[sip.SIPDispatchRuleInfo]
    passwords: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)
    leases: list[sip.SIPOutboundTrunkInfo] = field(default_factory=list)


def _strip(
    trunks: list[Any], kind: str, fingerprints: Fingerprints, out: dict[tuple[str, str], Any]
) -> None:
    for trunk in trunks:
        out[(kind, trunk.sip_trunk_id)] = fingerprints.of(trunk.auth_password)
        trunk.auth_password = ""


async def fetch_state(
    lkapi: api.LiveKitAPI, *, call_timeout: float, fingerprints: Fingerprints
) -> ServerState:
    """List every inbound trunk, outbound trunk and dispatch rule."""
    inbound = await list_all(
        lambda page: lkapi.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest(page=page)),
        lambda t: str(t.sip_trunk_id),
        call_timeout,
    )
    outbound = await list_all(
        lambda page: lkapi.sip.list_outbound_trunk(api.ListSIPOutboundTrunkRequest(page=page)),
        lambda t: str(t.sip_trunk_id),
        call_timeout,
    )
    rules = await list_all(
        lambda page: lkapi.sip.list_dispatch_rule(api.ListSIPDispatchRuleRequest(page=page)),
        lambda r: str(r.sip_dispatch_rule_id),
        call_timeout,
    )
    passwords: dict[tuple[str, str], str | None] = {}
    _strip(inbound, "inbound_trunk", fingerprints, passwords)
    _strip(outbound, "outbound_trunk", fingerprints, passwords)
    leases = [t for t in outbound if parse_metadata(t.metadata).role == "lease"]
    lease_ids = {t.sip_trunk_id for t in leases}
    outbound = [t for t in outbound if t.sip_trunk_id not in lease_ids]
    return ServerState(inbound, outbound, rules, passwords, leases)
