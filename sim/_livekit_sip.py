"""In-memory state of the LiveKit SIP service: trunks, dispatch rules, calls, transfers.

Trunk and dispatch-rule handling follows the server (``livekit/livekit``
``pkg/service/sip.go`` over ``pkg/service/redisstore_sip.go``): each request is
validated as ``livekit/protocol`` ``livekit/sip.go`` does, updates apply field by field
as there, and writes are checked for conflicts with ``sip/sip.go``'s rules
(`sim._sip_rules`) over the objects the server itself lists for the check: a trunk
against the trunks sharing one of its (new) numbers or having none, a rule against the
rules sharing one of its trunks or naming none. Failures are ``invalid_argument``.

Lists follow the store: every object passing the request's filter, sorted by id, and
with ``page`` set only those after ``page.after_id`` (the service walks every page, so
``limit`` sizes the store's pages, not the answer: ``livekit/types.go``
``ListPageIter``). Legacy ``SIPTrunkInfo`` trunks (`SipState.add_legacy_trunk`) are
listed as inbound, outbound or both, as ``AsInbound``/``AsOutbound`` convert them.
"""

from __future__ import annotations

import asyncio
import secrets
import string
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from google.protobuf.message import Message
from livekit.protocol import models, sip

from . import _sip_rules as rules
from ._livekit_rooms import RoomState
from ._sip_headers import check_headers
from ._twirp import TwirpFailure

__all__ = ["DialFailure", "SipState", "new_id"]

_M = TypeVar("_M", bound=Message)
_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str) -> str:
    """A LiveKit-style id: prefix plus 12 random base62 characters."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(12))


normalize_number = rules.normalize_number


@dataclass(frozen=True)
class DialFailure:
    """A SIP response the simulated far end gives instead of answering.

    Args:
        sip_status_code: the SIP status (486 busy, 480 unavailable, 603 decline...).
        sip_status: the reason phrase.
        twirp_code: the Twirp code the server wraps it in.
    """

    sip_status_code: int
    sip_status: str
    twirp_code: str = "unavailable"


_Trunk = TypeVar("_Trunk", sip.SIPInboundTrunkInfo, sip.SIPOutboundTrunkInfo)


def _updated_trunk(
    current: _Trunk,
    request_id: str,
    action: str | None,
    replacement: _Trunk,
    changes: Any,
    validate: Callable[[_Trunk], None],
    apply_update: Callable[[_Trunk, Any], None],
) -> _Trunk:
    """livekit/sip.go ``UpdateSIP*TrunkRequest_{Replace,Update}.ApplyResult``: a
    replacement is stored as sent with only the id forced (so it loses ``created_at``
    unless it carries one); an update applies the field changes to a copy."""
    updated = type(current)()
    if action == "replace":
        if replacement.sip_trunk_id and replacement.sip_trunk_id != request_id:
            raise TwirpFailure(
                "invalid_argument",
                "trunk id in the info must be empty or match the id in the update",
            )
        validate(replacement)
        updated.CopyFrom(replacement)
    elif action == "update":
        updated.CopyFrom(current)
        apply_update(updated, changes)
    else:
        raise TwirpFailure("invalid_argument", "missing or unsupported update action")
    updated.sip_trunk_id = current.sip_trunk_id
    _stamp(updated)
    return updated


@dataclass
class SipState:
    """Trunks, dispatch rules and SIP calls, keyed by id."""

    rooms: RoomState
    inbound_trunks: dict[str, sip.SIPInboundTrunkInfo] = field(default_factory=dict)
    outbound_trunks: dict[str, sip.SIPOutboundTrunkInfo] = field(default_factory=dict)
    dispatch_rules: dict[str, sip.SIPDispatchRuleInfo] = field(default_factory=dict)
    legacy_trunks: dict[str, sip.SIPTrunkInfo] = field(default_factory=dict)
    outbound_calls: list[sip.CreateSIPParticipantRequest] = field(default_factory=list)
    transfers: list[sip.TransferSIPParticipantRequest] = field(default_factory=list)
    dial_failures: dict[str, DialFailure] = field(default_factory=dict)
    transfer_failures: dict[str, DialFailure] = field(default_factory=dict)
    answer_after: dict[str, float | None] = field(default_factory=dict)
    """Number dialed -> seconds the far end rings before answering a call that waits
    for the answer (``wait_until_answered``); None: it never answers."""

    def handlers(self) -> Mapping[str, Callable[[Any], Message | Awaitable[Message]]]:
        """Method name -> handler; each takes the request message."""
        return {
            "CreateSIPInboundTrunk": self.create_inbound_trunk,
            "CreateSIPOutboundTrunk": self.create_outbound_trunk,
            "UpdateSIPInboundTrunk": self.update_inbound_trunk,
            "UpdateSIPOutboundTrunk": self.update_outbound_trunk,
            "GetSIPInboundTrunk": self.get_inbound_trunk,
            "GetSIPOutboundTrunk": self.get_outbound_trunk,
            "ListSIPInboundTrunk": self.list_inbound_trunk,
            "ListSIPOutboundTrunk": self.list_outbound_trunk,
            "ListSIPTrunk": self.list_legacy_trunk,
            "DeleteSIPTrunk": self.delete_trunk,
            "CreateSIPDispatchRule": self.create_dispatch_rule,
            "UpdateSIPDispatchRule": self.update_dispatch_rule,
            "ListSIPDispatchRule": self.list_dispatch_rule,
            "DeleteSIPDispatchRule": self.delete_dispatch_rule,
            "CreateSIPParticipant": self.create_participant,
            "TransferSIPParticipant": self.transfer_participant,
        }

    # -- inbound trunks -------------------------------------------------------------

    def create_inbound_trunk(
        self, req: sip.CreateSIPInboundTrunkRequest
    ) -> sip.SIPInboundTrunkInfo:
        # pkg/service/sip.go CreateSIPInboundTrunk: validate the request, check conflicts
        # with the id still empty (printed "<new>"), then assign the id.
        if not req.HasField("trunk"):
            raise TwirpFailure("invalid_argument", "missing trunk")
        if req.trunk.sip_trunk_id:
            raise TwirpFailure("invalid_argument", "trunk id must not be set")
        trunk = _copy(req.trunk)
        rules.validate_inbound_trunk(trunk)
        # The listing filtered by the new trunk's numbers, plus the new trunk.
        rules.validate_inbound_trunks([*self._inbound_listed([], trunk.numbers), trunk])
        trunk.sip_trunk_id = new_id("ST_")
        _stamp(trunk, created=True)
        self.inbound_trunks[trunk.sip_trunk_id] = trunk
        return trunk

    def update_inbound_trunk(
        self, req: sip.UpdateSIPInboundTrunkRequest
    ) -> sip.SIPInboundTrunkInfo:
        if not req.sip_trunk_id:
            raise TwirpFailure("invalid_argument", "trunk id must be set")
        updated = _updated_trunk(
            self._inbound(req.sip_trunk_id),
            req.sip_trunk_id,
            req.WhichOneof("action"),
            req.replace,
            req.update,
            rules.validate_inbound_trunk,
            rules.apply_inbound_update,
        )
        # pkg/service/sip.go UpdateSIPInboundTrunk: the trunks listed for the *new*
        # numbers, the stored copy of this one replaced by the update. A stored copy the
        # filter leaves out (its old numbers all differ) is not checked at all there.
        listed = self._inbound_listed([], updated.numbers)
        rules.validate_inbound_trunks(
            [updated if t.sip_trunk_id == updated.sip_trunk_id else t for t in listed]
        )
        self.inbound_trunks[updated.sip_trunk_id] = updated
        return updated

    def get_inbound_trunk(
        self, req: sip.GetSIPInboundTrunkRequest
    ) -> sip.GetSIPInboundTrunkResponse:
        if not req.sip_trunk_id:
            raise TwirpFailure("invalid_argument", "trunk ID is required")
        return sip.GetSIPInboundTrunkResponse(trunk=self._inbound(req.sip_trunk_id))

    def _all_inbound(self) -> list[sip.SIPInboundTrunkInfo]:
        """redisstore_sip.go ListSIPInboundTrunk: new-style trunks, then legacy ones."""
        legacy = (rules.legacy_as_inbound(t) for t in self.legacy_trunks.values())
        return [*self.inbound_trunks.values(), *(t for t in legacy if t is not None)]

    def _inbound_listed(
        self, trunk_ids: Iterable[str], numbers: Iterable[str]
    ) -> list[sip.SIPInboundTrunkInfo]:
        ids, wanted = list(trunk_ids), list(numbers)
        return [t for t in self._all_inbound() if rules.filter_inbound(t, ids, wanted)]

    def list_inbound_trunk(
        self, req: sip.ListSIPInboundTrunkRequest
    ) -> sip.ListSIPInboundTrunkResponse:
        items = self._inbound_listed(req.trunk_ids, req.numbers)
        return sip.ListSIPInboundTrunkResponse(items=_page(items, req))

    def _inbound(self, trunk_id: str) -> sip.SIPInboundTrunkInfo:
        """redisstore_sip.go LoadSIPInboundTrunk: a new-style trunk, else a legacy one."""
        trunk = self.inbound_trunks.get(trunk_id)
        if trunk is None and trunk_id in self.legacy_trunks:
            trunk = rules.legacy_as_inbound(self.legacy_trunks[trunk_id])
        if trunk is None:
            raise TwirpFailure("not_found", "SIP trunk not found")
        return trunk

    # -- outbound trunks ------------------------------------------------------------

    def create_outbound_trunk(
        self, req: sip.CreateSIPOutboundTrunkRequest
    ) -> sip.SIPOutboundTrunkInfo:
        # pkg/service/sip.go CreateSIPOutboundTrunk: no conflict check for outbound.
        if not req.HasField("trunk"):
            raise TwirpFailure("invalid_argument", "missing trunk")
        if req.trunk.sip_trunk_id:
            raise TwirpFailure("invalid_argument", "trunk id must not be set")
        trunk = _copy(req.trunk)
        rules.validate_outbound_trunk(trunk)
        trunk.sip_trunk_id = new_id("ST_")
        _stamp(trunk, created=True)
        self.outbound_trunks[trunk.sip_trunk_id] = trunk
        return trunk

    def update_outbound_trunk(
        self, req: sip.UpdateSIPOutboundTrunkRequest
    ) -> sip.SIPOutboundTrunkInfo:
        if not req.sip_trunk_id:
            raise TwirpFailure("invalid_argument", "trunk id must be set")
        updated = _updated_trunk(
            self._outbound(req.sip_trunk_id),
            req.sip_trunk_id,
            req.WhichOneof("action"),
            req.replace,
            req.update,
            rules.validate_outbound_trunk,
            rules.apply_outbound_update,
        )
        self.outbound_trunks[updated.sip_trunk_id] = updated
        return updated

    def get_outbound_trunk(
        self, req: sip.GetSIPOutboundTrunkRequest
    ) -> sip.GetSIPOutboundTrunkResponse:
        if not req.sip_trunk_id:
            raise TwirpFailure("invalid_argument", "trunk ID is required")
        return sip.GetSIPOutboundTrunkResponse(trunk=self._outbound(req.sip_trunk_id))

    def list_outbound_trunk(
        self, req: sip.ListSIPOutboundTrunkRequest
    ) -> sip.ListSIPOutboundTrunkResponse:
        legacy = (rules.legacy_as_outbound(t) for t in self.legacy_trunks.values())
        every = [*self.outbound_trunks.values(), *(t for t in legacy if t is not None)]
        items = [t for t in every if rules.filter_outbound(t, req.trunk_ids, req.numbers)]
        return sip.ListSIPOutboundTrunkResponse(items=_page(items, req))

    def _outbound(self, trunk_id: str) -> sip.SIPOutboundTrunkInfo:
        """redisstore_sip.go LoadSIPOutboundTrunk: a new-style trunk, else a legacy one."""
        trunk = self.outbound_trunks.get(trunk_id)
        if trunk is None and trunk_id in self.legacy_trunks:
            trunk = rules.legacy_as_outbound(self.legacy_trunks[trunk_id])
        if trunk is None:
            raise TwirpFailure("not_found", "SIP trunk not found")
        return trunk

    def delete_trunk(self, req: sip.DeleteSIPTrunkRequest) -> sip.SIPTrunkInfo:
        # pkg/service/sip.go DeleteSIPTrunk: the store's DeleteSIPTrunk removes the id
        # from all three trunk tables (redis HDel, which does not care whether it was
        # there), so an unknown id succeeds too; the answer is the id alone.
        if not req.sip_trunk_id:
            raise TwirpFailure("invalid_argument", "trunk ID is required")
        self.inbound_trunks.pop(req.sip_trunk_id, None)
        self.outbound_trunks.pop(req.sip_trunk_id, None)
        self.legacy_trunks.pop(req.sip_trunk_id, None)
        return sip.SIPTrunkInfo(sip_trunk_id=req.sip_trunk_id)

    def list_legacy_trunk(self, req: sip.ListSIPTrunkRequest) -> sip.ListSIPTrunkResponse:
        """pkg/service/sip.go ListSIPTrunk (deprecated): legacy trunks, then every
        new-style one converted (``AsTrunkInfo``)."""
        items = [*self.legacy_trunks.values()]
        items += [_inbound_as_legacy(t) for t in self.inbound_trunks.values()]
        items += [_outbound_as_legacy(t) for t in self.outbound_trunks.values()]
        return sip.ListSIPTrunkResponse(items=_page(items, req))

    def add_legacy_trunk(self, trunk: sip.SIPTrunkInfo) -> sip.SIPTrunkInfo:
        """Store a legacy ``SIPTrunkInfo``, as a project that used the removed
        ``CreateSIPTrunk`` still holds them (the current client cannot create one)."""
        stored = _copy(trunk)
        if not stored.sip_trunk_id:
            stored.sip_trunk_id = new_id("ST_")
        self.legacy_trunks[stored.sip_trunk_id] = stored
        return stored

    # -- dispatch rules -------------------------------------------------------------

    def create_dispatch_rule(
        self, req: sip.CreateSIPDispatchRuleRequest
    ) -> sip.SIPDispatchRuleInfo:
        # pkg/service/sip.go CreateSIPDispatchRule: upgrade media, validate, check
        # conflicts with the id empty, then assign it.
        rule = sip.SIPDispatchRuleInfo()
        if req.HasField("dispatch_rule"):
            if req.dispatch_rule.sip_dispatch_rule_id:
                raise TwirpFailure("invalid_argument", "rule id must not be set")
            rule.CopyFrom(req.dispatch_rule)
            rules.upgrade_media(rule)
        else:
            # The deprecated flat fields, still accepted by the server.
            rule.rule.CopyFrom(req.rule)
            rule.trunk_ids.extend(req.trunk_ids)
            rule.hide_phone_number = req.hide_phone_number
            rule.inbound_numbers.extend(req.inbound_numbers)
            rule.name = req.name
            rule.metadata = req.metadata
            rule.attributes.update(req.attributes)
            rule.room_preset = req.room_preset
            if req.HasField("room_config"):
                rule.room_config.CopyFrom(req.room_config)
        rules.validate_dispatch_rule(rule)
        # The listing is filtered by the request's *top-level* trunk_ids (the legacy
        # field), so a rule sent in `dispatch_rule` is checked against every rule.
        listed = [
            r for r in self.dispatch_rules.values() if rules.filter_rules(r, [], req.trunk_ids)
        ]
        rules.validate_dispatch_rules([*listed, rule])
        rule.sip_dispatch_rule_id = new_id("SDR_")
        _stamp(rule, created=True)
        self.dispatch_rules[rule.sip_dispatch_rule_id] = rule
        return rule

    def update_dispatch_rule(
        self, req: sip.UpdateSIPDispatchRuleRequest
    ) -> sip.SIPDispatchRuleInfo:
        if not req.sip_dispatch_rule_id:
            raise TwirpFailure("invalid_argument", "rule id must be set")
        current = self.dispatch_rules.get(req.sip_dispatch_rule_id)
        if current is None:
            raise TwirpFailure(
                "not_found", f"SIP dispatch rule {req.sip_dispatch_rule_id!r} not found"
            )
        updated = sip.SIPDispatchRuleInfo()
        action = req.WhichOneof("action")
        # livekit/sip.go UpdateSIPDispatchRuleRequest_{Replace,Update}.Apply
        if action == "replace":
            if req.replace.sip_dispatch_rule_id not in ("", req.sip_dispatch_rule_id):
                raise TwirpFailure(
                    "invalid_argument",
                    "rule id in the info must be empty or match the id in the update",
                )
            rules.validate_dispatch_rule(req.replace)
            updated.CopyFrom(req.replace)
        elif action == "update":
            updated.CopyFrom(current)
            rules.apply_dispatch_rule_update(updated, req.update)
        else:
            raise TwirpFailure("invalid_argument", "missing or unsupported update action")
        updated.sip_dispatch_rule_id = current.sip_dispatch_rule_id
        _stamp(updated)
        # pkg/service/sip.go UpdateSIPDispatchRule: the rules listed for the updated
        # rule's trunks, its stored copy replaced by the update.
        listed = [
            r for r in self.dispatch_rules.values() if rules.filter_rules(r, [], updated.trunk_ids)
        ]
        rules.validate_dispatch_rules(
            [
                updated if r.sip_dispatch_rule_id == updated.sip_dispatch_rule_id else r
                for r in listed
            ]
        )
        self.dispatch_rules[updated.sip_dispatch_rule_id] = updated
        return updated

    def list_dispatch_rule(
        self, req: sip.ListSIPDispatchRuleRequest
    ) -> sip.ListSIPDispatchRuleResponse:
        items = [
            r
            for r in self.dispatch_rules.values()
            if rules.filter_rules(r, req.dispatch_rule_ids, req.trunk_ids)
        ]
        return sip.ListSIPDispatchRuleResponse(items=_page(items, req))

    def delete_dispatch_rule(
        self, req: sip.DeleteSIPDispatchRuleRequest
    ) -> sip.SIPDispatchRuleInfo:
        # pkg/service/sip.go DeleteSIPDispatchRule: an empty id is invalid_argument; the
        # rule is loaded first, so an unknown id is not_found (unlike a trunk's).
        if not req.sip_dispatch_rule_id:
            raise TwirpFailure("invalid_argument", "dispatch rule ID is required")
        rule = self.dispatch_rules.pop(req.sip_dispatch_rule_id, None)
        if rule is None:
            raise TwirpFailure("not_found", "SIP dispatch rule not found")
        return rule

    # -- where a call goes ------------------------------------------------------------

    def route(
        self, called: str, calling: str = ""
    ) -> tuple[sip.SIPInboundTrunkInfo | None, sip.SIPDispatchRuleInfo] | None:
        """Which trunk and rule a call to ``called`` from ``calling`` reaches
        (`sim._sip_rules.match_call`), or None when the server drops it."""
        return rules.match_call(self._all_inbound(), self.dispatch_rules.values(), called, calling)

    # -- calls ----------------------------------------------------------------------

    async def create_participant(
        self, req: sip.CreateSIPParticipantRequest
    ) -> sip.SIPParticipantInfo:
        """``livekit/sip`` ``pkg/sip/outbound.go``: with ``wait_until_answered`` the
        answer comes once the far end answers; the INVITE is bounded by the ringing
        timeout (``sipSignal`` runs it under ``context.WithTimeout``; unset, it is
        ``defaultRingingTimeout``, 3 minutes, ``pkg/sip/participant.go``), after which
        the call fails:
        ``deadline_exceeded`` here, without a SIP status (nobody answered)."""
        self.validate_participant(req)
        self.outbound_calls.append(_copy(req))
        self._fail_dial(req)
        if req.wait_until_answered and req.sip_call_to in self.answer_after:
            ringing = req.ringing_timeout.ToTimedelta().total_seconds() or 180.0
            rings = self.answer_after[req.sip_call_to]
            if rings is None or rings > ringing:
                await asyncio.sleep(ringing)
                raise TwirpFailure("deadline_exceeded", "SIP call failed: ringing timeout")
            await asyncio.sleep(rings)
        return self._seat(req)

    def validate_participant(self, req: sip.CreateSIPParticipantRequest) -> None:
        if not req.sip_call_to:
            raise TwirpFailure("invalid_argument", "missing sip_call_to")
        if not req.room_name:
            raise TwirpFailure("invalid_argument", "missing room_name")
        if req.sip_trunk_id:
            self._outbound(req.sip_trunk_id)
        elif not req.HasField("trunk"):
            raise TwirpFailure("invalid_argument", "missing sip_trunk_id or trunk")
        check_headers(req.headers)

    def _fail_dial(self, req: sip.CreateSIPParticipantRequest) -> None:
        failure = self.dial_failures.get(req.sip_call_to)
        if failure is not None:
            raise TwirpFailure(
                failure.twirp_code,
                f"SIP call failed: {failure.sip_status_code} {failure.sip_status}",
                {
                    "sip_status_code": str(failure.sip_status_code),
                    "sip_status": failure.sip_status,
                },
            )

    def _seat(self, req: sip.CreateSIPParticipantRequest) -> sip.SIPParticipantInfo:
        trunk_numbers = list(self._outbound(req.sip_trunk_id).numbers) if req.sip_trunk_id else []
        call_id = new_id("SCL_")
        identity = req.participant_identity or f"sip_{req.sip_call_to}"
        attributes = dict(req.participant_attributes)
        attributes.update(
            {
                "sip.callID": call_id,
                "sip.callStatus": "active" if req.wait_until_answered else "dialing",
                "sip.trunkID": req.sip_trunk_id,
            }
        )
        if not req.hide_phone_number:
            attributes["sip.phoneNumber"] = req.sip_call_to
            attributes["sip.trunkPhoneNumber"] = req.sip_number or next(iter(trunk_numbers), "")
        participant = self.rooms.add_participant(
            req.room_name,
            identity,
            kind=models.ParticipantInfo.Kind.SIP,
            attributes=attributes,
            name=req.participant_name or f"Phone {req.sip_call_to}",
            metadata=req.participant_metadata,
        )
        return sip.SIPParticipantInfo(
            participant_id=participant.sid,
            participant_identity=identity,
            room_name=req.room_name,
            sip_call_id=call_id,
        )

    def transfer_participant(
        self, req: sip.TransferSIPParticipantRequest
    ) -> sip.TransferSIPParticipantResponse:
        if not req.transfer_to:
            raise TwirpFailure("invalid_argument", "missing transfer_to")
        participant = self.rooms.participant(req.room_name, req.participant_identity)
        if participant.kind != models.ParticipantInfo.Kind.SIP:
            raise TwirpFailure(
                "failed_precondition", f"{req.participant_identity!r} is not a SIP participant"
            )
        self.transfers.append(_copy(req))
        transfer_id = new_id("STR_")
        failure = self.transfer_failures.get(req.transfer_to)
        if failure is not None:
            raise TwirpFailure(
                failure.twirp_code,
                f"SIP transfer failed: {failure.sip_status_code} {failure.sip_status}",
                {
                    "sip_status_code": str(failure.sip_status_code),
                    "sip_status": failure.sip_status,
                    "sip_transfer_reason": "STR_SIP_ERROR",
                    "sip_transfer_id": transfer_id,
                },
            )
        # A completed cold transfer hands the call to the far end: the caller leaves.
        self.rooms.remove(req.room_name, req.participant_identity)
        return sip.TransferSIPParticipantResponse(
            transfer_id=transfer_id,
            status=sip.SIPTransferStatus.STS_TRANSFER_SUCCESSFUL,
            sip_status=sip.SIPStatus(code=sip.SIPStatusCode.SIP_STATUS_OK, status="OK"),
        )


# -- helpers --------------------------------------------------------------------------


def _copy(message: _M) -> _M:
    clone = type(message)()
    clone.CopyFrom(message)
    return clone


def _stamp(
    info: sip.SIPInboundTrunkInfo | sip.SIPOutboundTrunkInfo | sip.SIPDispatchRuleInfo,
    *,
    created: bool = False,
) -> None:
    now = time.time_ns()
    if created:
        info.created_at.FromNanoseconds(now)
    info.updated_at.FromNanoseconds(now)


class _Paged(Protocol):
    def HasField(self, name: str) -> bool: ...

    @property
    def page(self) -> models.Pagination: ...


def _item_id(item: Any) -> str:
    return str(getattr(item, "sip_dispatch_rule_id", "") or getattr(item, "sip_trunk_id", ""))


def _page(items: list[_M], req: _Paged) -> list[_M]:
    """redisstore.go ``sortPage`` (by id) and ``Pagination.Filter`` (ids after
    ``after_id``), through livekit/types.go ``ListPageIter``, which the service drains:
    with a page, every item after ``after_id``, however many pages that takes."""
    ordered = sorted(items, key=_item_id)
    if req.HasField("page") and req.page.after_id:
        return [i for i in ordered if _item_id(i) > req.page.after_id]
    return ordered


def _inbound_as_legacy(trunk: sip.SIPInboundTrunkInfo) -> sip.SIPTrunkInfo:
    """livekit/sip.go ``SIPInboundTrunkInfo.AsTrunkInfo``."""
    return sip.SIPTrunkInfo(
        sip_trunk_id=trunk.sip_trunk_id,
        kind=sip.SIPTrunkInfo.TrunkKind.TRUNK_INBOUND,
        name=trunk.name,
        metadata=trunk.metadata,
        outbound_number=trunk.numbers[0] if trunk.numbers else "",
        inbound_addresses=list(trunk.allowed_addresses),
        inbound_numbers=list(trunk.allowed_numbers),
        inbound_username=trunk.auth_username,
        inbound_password=trunk.auth_password,
    )


def _outbound_as_legacy(trunk: sip.SIPOutboundTrunkInfo) -> sip.SIPTrunkInfo:
    """livekit/sip.go ``SIPOutboundTrunkInfo.AsTrunkInfo``."""
    return sip.SIPTrunkInfo(
        sip_trunk_id=trunk.sip_trunk_id,
        kind=sip.SIPTrunkInfo.TrunkKind.TRUNK_OUTBOUND,
        name=trunk.name,
        metadata=trunk.metadata,
        outbound_address=trunk.address,
        transport=trunk.transport,
        outbound_number=trunk.numbers[0] if trunk.numbers else "",
        outbound_username=trunk.auth_username,
        outbound_password=trunk.auth_password,
    )
