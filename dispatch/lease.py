"""One sync of a stack at a time: a lease marker on the server, taken before writing
and checked after.

LiveKit has no lock and no conditional write, and its outbound trunks no conflict
check at all (livekit/livekit ``pkg/service/sip.go`` ``CreateSIPOutboundTrunk``), so two
syncs planning against the same state both create what is missing, and the outbound
trunk ends up there twice. The lease is an inert object of its own, an outbound trunk
named ``dispatch lease: <stack>`` at ``lease.invalid`` (a name RFC 2606 keeps from
ever resolving) that no call can use, whose metadata carries a random token, the
holder's file and host, and an expiry:

1. list the stack's lease markers; a live one held by someone else means wait (up to
   ``wait`` seconds, then give up, naming the holder); expired ones are removed;
2. create ours, then list again: if any other live marker is there, ours is deleted
   and the run backs off a random moment and tries again.

Creating before looking means that of two runs, the second to create always sees the
first's marker (the server lists what it stored), so at most one proceeds; if both
see each other both back off. Writes then happen under the lease; before each one the
holder renews it when half its time is gone, and after the last it checks the marker
is still its own before reporting success (a lease that expired under a stalled run
is said plainly). Expiry uses the clocks of the machines running syncs, so keep them
roughly right; the time to live (``--lease-ttl``) is far longer than skew.

Whatever a lease cannot prevent (an old version of this tool, a run killed after its
lease expired) the next plan repairs: several objects of the stack under one name are
a duplicate, and all but the lowest id are deleted (`dispatch.diff`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from livekit import api
from livekit.protocol import sip

from dispatch.canonical import MANAGED_BY, Stamp, parse_metadata
from dispatch.state import bounded, list_all

__all__ = ["LEASE_ADDRESS", "Lease", "LeaseBusy", "LeaseLost", "acquire", "live_holders"]

LEASE_ADDRESS = "lease.invalid"
_LEASE_NUMBER = "dispatch-lease"


class LeaseBusy(Exception):
    """Another sync holds the stack's lease and did not release it in time."""


class LeaseLost(Exception):
    """Our lease expired or was removed while we wrote: another run may have written."""


@dataclass(frozen=True)
class _Marker:
    trunk_id: str
    token: str
    expires: float
    holder: str

    @property
    def live(self) -> bool:
        return self.expires > time.time()


def _holder(stamp: Stamp) -> str:
    return f"{stamp.file or 'a dispatch file'} on {socket.gethostname()} (pid {os.getpid()})"


def _marker(trunk: sip.SIPOutboundTrunkInfo, stack: str) -> _Marker | None:
    meta = parse_metadata(trunk.metadata)
    if meta.role != "lease" or not meta.owned_by(stack):
        return None
    lease = meta.bookkeeping.get("lease")
    if not isinstance(lease, dict):
        return None
    token, expires, holder = lease.get("token"), lease.get("expires"), lease.get("holder")
    if not isinstance(token, str) or not isinstance(expires, int | float):
        return None
    return _Marker(trunk.sip_trunk_id, token, float(expires), str(holder or "unknown"))


def live_holders(
    trunks: list[sip.SIPOutboundTrunkInfo], stack: str, own_token: str = ""
) -> list[str]:
    """Who else holds a live lease on ``stack`` among ``trunks`` (for a plan's note)."""
    markers = (_marker(t, stack) for t in trunks)
    return [m.holder for m in markers if m is not None and m.live and m.token != own_token]


@dataclass
class Lease:
    """A held lease; `renew_if_due` before writes, `check` after, `release` at the end."""

    lkapi: api.LiveKitAPI
    stamp: Stamp
    ttl: float
    call_timeout: float
    token: str
    trunk_id: str = ""
    expires: float = 0.0

    def _metadata(self, expires: float) -> str:
        book = {
            "role": "lease",
            "owner": self.stamp.owner,
            "file": self.stamp.file,
            "lease": {"token": self.token, "expires": expires, "holder": _holder(self.stamp)},
        }
        body = {"managed_by": MANAGED_BY, "stack": self.stamp.stack, "dispatch": book}
        return json.dumps(body, sort_keys=True, separators=(",", ":"))

    async def markers(self) -> list[_Marker]:
        trunks = await list_all(
            lambda page: self.lkapi.sip.list_outbound_trunk(
                api.ListSIPOutboundTrunkRequest(page=page)
            ),
            lambda t: str(t.sip_trunk_id),
            self.call_timeout,
        )
        found = (_marker(t, self.stamp.stack) for t in trunks)
        return [m for m in found if m is not None]

    async def create(self) -> None:
        self.expires = time.time() + self.ttl
        trunk = sip.SIPOutboundTrunkInfo(
            name=f"dispatch lease: {self.stamp.stack}",
            address=LEASE_ADDRESS,
            numbers=[_LEASE_NUMBER],
            metadata=self._metadata(self.expires),
        )
        created = await bounded(
            self.lkapi.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=trunk)),
            self.call_timeout,
        )
        self.trunk_id = created.sip_trunk_id

    async def delete(self, trunk_id: str) -> None:
        await bounded(
            self.lkapi.sip.delete_trunk(api.DeleteSIPTrunkRequest(sip_trunk_id=trunk_id)),
            self.call_timeout,
        )

    async def renew_if_due(self) -> None:
        """Push the expiry out when half the lease is gone (a long sync keeps it)."""
        if self.expires - time.time() > self.ttl / 2:
            return
        expires = time.time() + self.ttl
        await bounded(
            self.lkapi.sip.update_outbound_trunk_fields(
                self.trunk_id, metadata=self._metadata(expires)
            ),
            self.call_timeout,
        )
        self.expires = expires

    async def check(self) -> None:
        """Raise `LeaseLost` unless our marker is still there, live, and alone."""
        markers = await self.markers()
        mine = [m for m in markers if m.token == self.token]
        others = [m for m in markers if m.token != self.token and m.live]
        if not mine or not mine[0].live:
            raise LeaseLost(
                "the lease on stack "
                f"{self.stamp.stack!r} expired or was removed while this sync wrote; "
                "another run may have written at the same time: run plan to see the state"
            )
        if others:
            raise LeaseLost(
                f"another sync ({others[0].holder}) took stack {self.stamp.stack!r}'s lease "
                "while this one wrote: run plan to see the state"
            )

    async def release(self) -> None:
        if self.trunk_id:
            await self.delete(self.trunk_id)
            self.trunk_id = ""


async def acquire(
    lkapi: api.LiveKitAPI,
    stamp: Stamp,
    *,
    ttl: float,
    wait: float,
    call_timeout: float,
    on_wait: Callable[[str], None] | None = None,
    break_existing: Callable[[str], None] | None = None,
) -> Lease:
    """Take the stack's lease, waiting up to ``wait`` seconds for another holder.

    Args:
        break_existing: remove the stack's current markers first, live or not (for a
            run that died holding one); called with each holder removed.

    Raises:
        LeaseBusy: another run held it for longer than ``wait``.
    """
    lease = Lease(lkapi, stamp, ttl, call_timeout, secrets.token_hex(16))
    deadline = time.monotonic() + wait
    told = False
    if break_existing is not None:
        for marker in await lease.markers():
            break_existing(marker.holder)
            await lease.delete(marker.trunk_id)
    while True:
        markers = await lease.markers()
        for marker in markers:
            if not marker.live and marker.token != lease.token:
                # Its holder is gone (or far too slow to still be writing).
                await lease.delete(marker.trunk_id)
        others = [m for m in markers if m.live and m.token != lease.token]
        if not others:
            await lease.create()
            try:
                after = await lease.markers()
            except BaseException:
                with contextlib.suppress(Exception):
                    await lease.release()
                raise
            rivals = [m for m in after if m.live and m.token != lease.token]
            if not rivals:
                return lease
            await lease.release()
            others = rivals
        if time.monotonic() >= deadline:
            holder = others[0]
            raise LeaseBusy(
                f"stack {stamp.stack!r} is being synced by {holder.holder} (lease until "
                f"{time.strftime('%H:%M:%S', time.localtime(holder.expires))}); try again "
                "when it finishes, or raise --lease-wait; if that run died, --break-lease "
                "removes its lease"
            )
        if on_wait is not None and not told:
            on_wait(others[0].holder)
            told = True
        # Random, so two runs that saw each other do not retry in step.
        await asyncio.sleep(random.uniform(0.2, 1.0))
