"""Apply a plan, one write at a time, in the order `dispatch.schedule` chose.

Every kind goes through the same path (`dispatch.kinds.KINDS`): a create sends the
built object, an update sends either the field-level update or a replacement built
from the server's object as the plan read it, a delete sends the id.

A write whose answer is lost (a timeout, a dropped connection, a 5xx, an answer that is
not protobuf) may or may not have been applied, so the object is read back to find
out: if the change is there the sync goes on; if it is not, the sync stops; if the
read fails too, the report says plainly that whether it landed is unknown. The order
means a stop never strands a number (`dispatch.schedule`), and the next run reads the
state as it is and converges. Nothing is rolled back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
import structlog
from google.protobuf.message import DecodeError
from livekit import api

from dispatch.canonical import Kind, parse_metadata
from dispatch.diff import Change, Plan
from dispatch.kinds import KINDS, Info, field_level_update, object_id
from dispatch.passwords import Fingerprints, Secrets
from dispatch.state import bounded

__all__ = ["Landed", "SyncResult", "apply_plan", "describe_error"]

log = structlog.get_logger()

Landed = Literal["no", "yes", "unknown"]

# Answers after which the server may have applied the write.
_UNCERTAIN_CODES = frozenset(
    {"unavailable", "internal", "unknown", "deadline_exceeded", "canceled"}
)
_ERRORS = (api.TwirpError, aiohttp.ClientError, TimeoutError, DecodeError)


@dataclass
class SyncResult:
    applied: list[tuple[Change, str]] = field(default_factory=list)
    """Each applied change with the id of the object it wrote."""
    failed: Change | None = None
    error: str | None = None
    landed: Landed = "no"
    """Whether the failed write took effect: read back from the server after the error."""
    not_applied: list[Change] = field(default_factory=list)
    recovered: list[tuple[Change, str]] = field(default_factory=list)
    """Writes whose answer was lost but which the read-back found applied."""

    @property
    def ok(self) -> bool:
        return self.failed is None


def describe_error(error: BaseException) -> str:
    """One line for the report; never includes request bodies."""
    if isinstance(error, api.TwirpError):
        return f"{error.code}: {error.message} (HTTP {error.status})"
    if isinstance(error, TimeoutError):
        return "timed out waiting for the server's answer"
    if isinstance(error, DecodeError):
        return "the server's answer could not be decoded"
    return f"{type(error).__name__}: {error}"


def _uncertain(error: BaseException) -> bool:
    """Whether the write may have been applied despite the error. A Twirp error the
    server chose (invalid_argument, not_found...) means it refused the write."""
    if isinstance(error, api.TwirpError):
        return error.code in _UNCERTAIN_CODES or error.status >= 500
    return True


@dataclass
class _Writer:
    lkapi: api.LiveKitAPI
    plan: Plan
    secrets: Secrets
    fingerprints: Fingerprints
    call_timeout: float
    region: str
    trunk_ids: dict[str, str]
    created: dict[tuple[Kind, str], str] = field(default_factory=dict)

    def target_id(self, change: Change) -> str:
        found = change.object_id or self.created.get((change.kind, change.name))
        if found is None:
            raise LookupError(f"{change.kind} {change.name!r} was not created in this run")
        return found

    def message(self, change: Change) -> Info:
        assert change.desired is not None
        spec = KINDS[change.kind]
        message: Info = spec.build(
            change.name, change.desired, self.trunk_ids, self.plan.stamp, change.base, change.role
        )
        if not isinstance(message, api.SIPDispatchRuleInfo):
            source = change.secrets_from or change.name
            message.auth_password = self.secrets.passwords.get((change.kind, source), "")
        return message

    async def write(self, change: Change) -> str:
        spec = KINDS[change.kind]
        sip = self.lkapi.sip
        if change.action == "delete":
            target = self.target_id(change)
            try:
                await bounded(spec.delete(sip, target), self.call_timeout)
            except api.TwirpError as error:
                # livekit/livekit pkg/service/sip.go DeleteSIPDispatchRule answers
                # not_found for a rule already gone: the delete is done all the same.
                if error.code != "not_found":
                    raise
            return target
        message = self.message(change)
        if change.action == "create":
            written = await bounded(spec.create(sip, message), self.call_timeout)
        else:
            target = self.target_id(change)
            assert change.base is not None
            arguments = None
            if change.method == "fields":
                changed = {f.field.split(".")[0] for f in change.fields}
                arguments = field_level_update(spec, changed, message, change.base)
            if arguments is not None:
                call = spec.update_fields(sip, target, arguments)
            else:
                call = spec.replace(sip, target, message)
            written = await bounded(call, self.call_timeout)
        return object_id(written)

    async def read_back(self, change: Change) -> tuple[Landed, str, str]:
        """Whether ``change`` is on the server: ``(landed, object id, detail)``."""
        try:
            items = await self._list(change)
        except (*_ERRORS, LookupError) as error:
            return "unknown", "", describe_error(error)
        if change.action == "delete":
            target = self.target_id(change)
            gone = all(object_id(i) != target for i in items)
            return ("yes" if gone else "no"), target, ""
        for item in items:
            if self._matches(change, item):
                return "yes", object_id(item), ""
        return "no", "", ""

    async def _list(self, change: Change) -> list[Any]:
        sip = self.lkapi.sip
        ids = [] if change.action == "create" else [self.target_id(change)]
        if change.kind == "inbound_trunk":
            listed: Any = sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest(trunk_ids=ids))
        elif change.kind == "outbound_trunk":
            listed = sip.list_outbound_trunk(api.ListSIPOutboundTrunkRequest(trunk_ids=ids))
        else:
            listed = sip.list_dispatch_rule(api.ListSIPDispatchRuleRequest(dispatch_rule_ids=ids))
        response = await bounded(listed, self.call_timeout)
        # A missing id comes back as an empty item from some servers (FilterSlice).
        return [i for i in response.items if object_id(i)]

    def _matches(self, change: Change, item: Info) -> bool:
        """Whether ``item`` shows ``change`` applied: this stack's object under the
        change's name whose modeled fields are the ones the change wrote (a password
        compared by keyed hash)."""
        assert change.desired is not None
        meta = parse_metadata(item.metadata)
        if item.name != change.name or meta.stack != self.plan.stack:
            return False
        if meta.owner != self.plan.stamp.owner:
            return False
        names = {object_id: name for name, object_id in self.trunk_ids.items()}
        password = (
            None
            if isinstance(item, api.SIPDispatchRuleInfo)
            else self.fingerprints.of(item.auth_password)
        )
        fields, _ = KINDS[change.kind].read(item, self.region, names, password)
        if change.action == "create":
            return fields == change.desired
        touched = {f.field.split(".")[0] for f in change.fields} - {"name", "stack", "owner"}
        return all(fields.get(key) == change.desired.get(key) for key in touched)


async def apply_plan(
    plan: Plan,
    lkapi: api.LiveKitAPI,
    *,
    secrets: Secrets,
    fingerprints: Fingerprints,
    region: str,
    call_timeout: float,
    before_write: Callable[[], Awaitable[None]] | None = None,
) -> SyncResult:
    """Apply ``plan.changes`` in order; stop at the first write that did not land.

    Args:
        plan: a plan without conflicts.
        lkapi: the connected client.
        secrets: the passwords and PINs the file's variables hold, sent only to the server.
        fingerprints: the run's keyed hash, to read a password back without keeping it.
        region: default region for numbers without a country code.
        call_timeout: seconds allowed per API call.
        before_write: awaited before each write (the lease renews itself there).
    """
    result = SyncResult()
    writer = _Writer(lkapi, plan, secrets, fingerprints, call_timeout, region, dict(plan.trunk_ids))
    for position, change in enumerate(plan.changes):
        if before_write is not None:
            await before_write()
        try:
            written_id = await writer.write(change)
        except _ERRORS as error:
            landed: Landed = "no"
            written_id = ""
            if _uncertain(error):
                landed, written_id, detail = await writer.read_back(change)
                if landed == "unknown":
                    log.warning("dispatch.sync.read_back_failed", error=detail)
            if landed != "yes":
                result.failed = change
                result.error = describe_error(error)
                result.landed = landed
                result.not_applied = plan.changes[position + 1 :]
                log.warning(
                    "dispatch.sync.failed",
                    action=change.action,
                    kind=change.kind,
                    name=change.name,
                    error=result.error,
                    landed=landed,
                )
                return result
            result.recovered.append((change, describe_error(error)))
        _record(writer, change, written_id)
        result.applied.append((change, written_id))
        log.info(
            "dispatch.sync.applied",
            action=change.action,
            kind=change.kind,
            name=change.name,
            object_id=written_id,
        )
    return result


def _record(writer: _Writer, change: Change, written_id: str) -> None:
    if change.action == "delete":
        return
    writer.created[(change.kind, change.name)] = written_id
    if change.kind == "inbound_trunk":
        writer.trunk_ids[change.name] = written_id
