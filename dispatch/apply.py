"""Apply a plan, one write at a time, stopping at the first failure.

A stopped sync leaves the server in a state the next ``plan`` reads correctly: every
object is found again by name and marker, so re-running converges. Nothing is rolled
back; undoing half a change is its own risk, and the report says exactly what landed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import aiohttp
import structlog
from google.protobuf.message import DecodeError
from livekit import api

from dispatch import canonical
from dispatch.diff import Change, Plan
from dispatch.state import bounded

__all__ = ["SyncResult", "apply_plan"]

log = structlog.get_logger()


@dataclass
class SyncResult:
    applied: list[tuple[Change, str]] = field(default_factory=list)
    """Each applied change with the id of the object it wrote."""
    failed: Change | None = None
    error: str | None = None
    not_applied: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed is None


def describe_error(error: BaseException) -> str:
    """One line for the report; never includes request bodies."""
    if isinstance(error, api.TwirpError):
        return f"{error.code}: {error.message} (HTTP {error.status})"
    if isinstance(error, TimeoutError):
        return "timed out waiting for the server (the change may or may not have landed)"
    if isinstance(error, DecodeError):
        return "the server's answer could not be decoded (the change may have landed)"
    return f"{type(error).__name__}: {error}"


async def _write(
    lkapi: api.LiveKitAPI,
    change: Change,
    trunk_ids: dict[str, str],
    passwords: Mapping[tuple[str, str], str],
    call_timeout: float,
) -> str:
    sip = lkapi.sip
    desired = change.desired or {}
    password = passwords.get((change.kind, change.name))
    if change.action == "delete":
        assert change.object_id is not None
        if change.kind == "dispatch_rule":
            await bounded(
                sip.delete_dispatch_rule(
                    api.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=change.object_id)
                ),
                call_timeout,
            )
        else:
            await bounded(
                sip.delete_trunk(api.DeleteSIPTrunkRequest(sip_trunk_id=change.object_id)),
                call_timeout,
            )
        return change.object_id
    if change.kind == "inbound_trunk":
        inbound = canonical.to_inbound(change.name, desired, password)
        if change.action == "create":
            created = await bounded(
                sip.create_inbound_trunk(api.CreateSIPInboundTrunkRequest(trunk=inbound)),
                call_timeout,
            )
        else:
            assert change.object_id is not None
            created = await bounded(
                sip.update_inbound_trunk(change.object_id, inbound), call_timeout
            )
        trunk_ids[change.name] = created.sip_trunk_id
        return created.sip_trunk_id
    if change.kind == "outbound_trunk":
        outbound = canonical.to_outbound(change.name, desired, password)
        if change.action == "create":
            out = await bounded(
                sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=outbound)),
                call_timeout,
            )
        else:
            assert change.object_id is not None
            out = await bounded(sip.update_outbound_trunk(change.object_id, outbound), call_timeout)
        return out.sip_trunk_id
    rule = canonical.to_rule(change.name, desired, trunk_ids)
    if change.action == "create":
        written = await bounded(
            sip.create_dispatch_rule(api.CreateSIPDispatchRuleRequest(dispatch_rule=rule)),
            call_timeout,
        )
    else:
        assert change.object_id is not None
        written = await bounded(sip.update_dispatch_rule(change.object_id, rule), call_timeout)
    return written.sip_dispatch_rule_id


async def apply_plan(
    plan: Plan,
    lkapi: api.LiveKitAPI,
    *,
    passwords: Mapping[tuple[str, str], str],
    call_timeout: float,
) -> SyncResult:
    """Apply ``plan.changes`` in order; stop at the first failure.

    Args:
        plan: a plan without conflicts.
        lkapi: the connected client.
        passwords: ``(kind, name)`` -> plaintext password, sent only to the server.
        call_timeout: seconds allowed per API call.
    """
    result = SyncResult()
    trunk_ids = dict(plan.trunk_ids)
    for position, change in enumerate(plan.changes):
        try:
            object_id = await _write(lkapi, change, trunk_ids, passwords, call_timeout)
        except (api.TwirpError, aiohttp.ClientError, TimeoutError, DecodeError) as error:
            result.failed = change
            result.error = describe_error(error)
            result.not_applied = plan.changes[position + 1 :]
            log.warning(
                "dispatch.sync.failed",
                action=change.action,
                kind=change.kind,
                name=change.name,
                error=result.error,
            )
            return result
        result.applied.append((change, object_id))
        log.info(
            "dispatch.sync.applied",
            action=change.action,
            kind=change.kind,
            name=change.name,
            object_id=object_id,
        )
    return result
