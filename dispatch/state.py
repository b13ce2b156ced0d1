"""Read what the server holds, each call bounded by our own deadline.

``livekit-api`` 1.2.2 posts every request with ``timeout=None``, which aiohttp takes as
"no timeout", so the client's session timeout never applies: every call here goes
through :func:`bounded`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from livekit import api
from livekit.protocol import sip

__all__ = ["ServerState", "bounded", "fetch_state"]

_T = TypeVar("_T")


async def bounded(call: Awaitable[_T], call_timeout: float) -> _T:
    """Await one API call, raising ``TimeoutError`` after ``call_timeout`` seconds."""
    async with asyncio.timeout(call_timeout):
        return await call


@dataclass(frozen=True)
class ServerState:
    inbound: list[sip.SIPInboundTrunkInfo]
    outbound: list[sip.SIPOutboundTrunkInfo]
    rules: list[sip.SIPDispatchRuleInfo]


async def fetch_state(lkapi: api.LiveKitAPI, *, call_timeout: float) -> ServerState:
    """List every inbound trunk, outbound trunk and dispatch rule."""
    inbound = await bounded(
        lkapi.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest()), call_timeout
    )
    outbound = await bounded(
        lkapi.sip.list_outbound_trunk(api.ListSIPOutboundTrunkRequest()), call_timeout
    )
    rules = await bounded(
        lkapi.sip.list_dispatch_rule(api.ListSIPDispatchRuleRequest()), call_timeout
    )
    return ServerState(list(inbound.items), list(outbound.items), list(rules.items))
