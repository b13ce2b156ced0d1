"""Apply a plan, one write at a time, stopping at the first failure.

Every kind goes through the same path (`dispatch.kinds.KINDS`): a create sends the
built object, an update sends either the field-level update or a replacement built
from the server's object as the plan read it, a delete sends the id.

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

from dispatch.diff import Change, Plan
from dispatch.kinds import KINDS, field_level_update, object_id
from dispatch.state import bounded

__all__ = ["SyncResult", "apply_plan", "describe_error"]

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
    stack: str,
    trunk_ids: dict[str, str],
    passwords: Mapping[tuple[str, str], str],
    call_timeout: float,
) -> str:
    spec = KINDS[change.kind]
    if change.action == "delete":
        assert change.object_id is not None
        await bounded(spec.delete(lkapi.sip, change.object_id), call_timeout)
        return change.object_id
    assert change.desired is not None
    message = spec.build(change.name, change.desired, trunk_ids, stack, change.base)
    if change.kind != "dispatch_rule":
        message.auth_password = passwords.get((change.kind, change.name), "")
    if change.action == "create":
        written = await bounded(spec.create(lkapi.sip, message), call_timeout)
    else:
        assert change.object_id is not None
        assert change.base is not None
        arguments = None
        if change.method == "fields":
            changed = {f.field.split(".")[0] for f in change.fields}
            arguments = field_level_update(spec, changed, message, change.base)
        if arguments is not None:
            call = spec.update_fields(lkapi.sip, change.object_id, arguments)
        else:
            call = spec.replace(lkapi.sip, change.object_id, message)
        written = await bounded(call, call_timeout)
    written_id = object_id(written)
    if change.kind == "inbound_trunk":
        trunk_ids[change.name] = written_id
    return written_id


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
            written_id = await _write(lkapi, change, plan.stack, trunk_ids, passwords, call_timeout)
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
        result.applied.append((change, written_id))
        log.info(
            "dispatch.sync.applied",
            action=change.action,
            kind=change.kind,
            name=change.name,
            object_id=written_id,
        )
    return result
