"""In-memory state of the LiveKit SIP service: trunks, dispatch rules, calls, transfers.

Validation mirrors what the server does cheaply and documents (``livekit/protocol``
``sip/sip.go``): two inbound trunks may not share a dialed number unless their
``allowed_numbers`` (caller filters) are both set and disjoint; two dispatch rules may
not share a (trunk, caller number, PIN) key. Both fail with ``invalid_argument``.
"""

from __future__ import annotations

import re
import secrets
import string
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from google.protobuf.message import Message
from livekit.protocol import models, sip

from ._livekit_rooms import RoomState
from ._twirp import TwirpFailure

__all__ = ["DialFailure", "SipState", "new_id"]

_M = TypeVar("_M", bound=Message)
_ALPHABET = string.ascii_letters + string.digits
_NUMBER_RE = re.compile(r"^\+?[\d\- ()]+$")


def new_id(prefix: str) -> str:
    """A LiveKit-style id: prefix plus 12 random base62 characters."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(12))


def normalize_number(number: str) -> str:
    """The server's own normalisation: strip separators and add a leading ``+``."""
    if not number or not _NUMBER_RE.match(number):
        return number
    number = re.sub(r"[\s\-()]", "", number)
    return number if number.startswith("+") else "+" + number


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
    action: str | None,
    replacement: _Trunk,
    changes: Any,
    apply_update: Callable[[_Trunk, Any], None],
) -> _Trunk:
    """The trunk after an Update request: ``replace`` swaps it whole (keeping its id and
    creation time), ``update`` applies the field changes."""
    updated = type(current)()
    if action == "replace":
        updated.CopyFrom(replacement)
        updated.created_at.CopyFrom(current.created_at)
    elif action == "update":
        updated.CopyFrom(current)
        apply_update(updated, changes)
    else:
        raise TwirpFailure("invalid_argument", "no update action (replace or update)")
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
    outbound_calls: list[sip.CreateSIPParticipantRequest] = field(default_factory=list)
    transfers: list[sip.TransferSIPParticipantRequest] = field(default_factory=list)
    dial_failures: dict[str, DialFailure] = field(default_factory=dict)
    transfer_failures: dict[str, DialFailure] = field(default_factory=dict)

    def handlers(self) -> Mapping[str, Callable[[Any], Message]]:
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
        trunk = sip.SIPInboundTrunkInfo()
        trunk.CopyFrom(req.trunk)
        trunk.sip_trunk_id = new_id("ST_")
        _stamp(trunk, created=True)
        self._check_inbound(trunk)
        self.inbound_trunks[trunk.sip_trunk_id] = trunk
        return trunk

    def update_inbound_trunk(
        self, req: sip.UpdateSIPInboundTrunkRequest
    ) -> sip.SIPInboundTrunkInfo:
        updated = _updated_trunk(
            self._inbound(req.sip_trunk_id),
            req.WhichOneof("action"),
            req.replace,
            req.update,
            _apply_inbound_update,
        )
        self._check_inbound(updated)
        self.inbound_trunks[updated.sip_trunk_id] = updated
        return updated

    def get_inbound_trunk(
        self, req: sip.GetSIPInboundTrunkRequest
    ) -> sip.GetSIPInboundTrunkResponse:
        return sip.GetSIPInboundTrunkResponse(trunk=self._inbound(req.sip_trunk_id))

    def list_inbound_trunk(
        self, req: sip.ListSIPInboundTrunkRequest
    ) -> sip.ListSIPInboundTrunkResponse:
        items = _select(self.inbound_trunks, req.trunk_ids, sip.SIPInboundTrunkInfo)
        if req.numbers:
            wanted = {normalize_number(n) for n in req.numbers}
            items = [
                t
                for t in items
                if not t.numbers or wanted & {normalize_number(n) for n in t.numbers}
            ]
        return sip.ListSIPInboundTrunkResponse(items=items)

    def _inbound(self, trunk_id: str) -> sip.SIPInboundTrunkInfo:
        trunk = self.inbound_trunks.get(trunk_id)
        if trunk is None:
            raise TwirpFailure("not_found", f"inbound SIP trunk {trunk_id!r} not found")
        return trunk

    def _check_inbound(self, trunk: sip.SIPInboundTrunkInfo) -> None:
        _check_addresses(trunk.allowed_addresses)
        others = [t for i, t in self.inbound_trunks.items() if i != trunk.sip_trunk_id]
        _validate_inbound_trunks([*others, trunk])

    # -- outbound trunks ------------------------------------------------------------

    def create_outbound_trunk(
        self, req: sip.CreateSIPOutboundTrunkRequest
    ) -> sip.SIPOutboundTrunkInfo:
        trunk = sip.SIPOutboundTrunkInfo()
        trunk.CopyFrom(req.trunk)
        trunk.sip_trunk_id = new_id("ST_")
        _stamp(trunk, created=True)
        _check_outbound(trunk)
        self.outbound_trunks[trunk.sip_trunk_id] = trunk
        return trunk

    def update_outbound_trunk(
        self, req: sip.UpdateSIPOutboundTrunkRequest
    ) -> sip.SIPOutboundTrunkInfo:
        updated = _updated_trunk(
            self._outbound(req.sip_trunk_id),
            req.WhichOneof("action"),
            req.replace,
            req.update,
            _apply_outbound_update,
        )
        _check_outbound(updated)
        self.outbound_trunks[updated.sip_trunk_id] = updated
        return updated

    def get_outbound_trunk(
        self, req: sip.GetSIPOutboundTrunkRequest
    ) -> sip.GetSIPOutboundTrunkResponse:
        return sip.GetSIPOutboundTrunkResponse(trunk=self._outbound(req.sip_trunk_id))

    def list_outbound_trunk(
        self, req: sip.ListSIPOutboundTrunkRequest
    ) -> sip.ListSIPOutboundTrunkResponse:
        items = _select(self.outbound_trunks, req.trunk_ids, sip.SIPOutboundTrunkInfo)
        if req.numbers:
            wanted = {normalize_number(n) for n in req.numbers}
            items = [t for t in items if wanted & {normalize_number(n) for n in t.numbers}]
        return sip.ListSIPOutboundTrunkResponse(items=items)

    def _outbound(self, trunk_id: str) -> sip.SIPOutboundTrunkInfo:
        trunk = self.outbound_trunks.get(trunk_id)
        if trunk is None:
            raise TwirpFailure("not_found", f"outbound SIP trunk {trunk_id!r} not found")
        return trunk

    def delete_trunk(self, req: sip.DeleteSIPTrunkRequest) -> sip.SIPTrunkInfo:
        kind = sip.SIPTrunkInfo.TrunkKind
        if (inbound := self.inbound_trunks.pop(req.sip_trunk_id, None)) is not None:
            return sip.SIPTrunkInfo(
                sip_trunk_id=inbound.sip_trunk_id, kind=kind.TRUNK_INBOUND, name=inbound.name
            )
        if (outbound := self.outbound_trunks.pop(req.sip_trunk_id, None)) is not None:
            return sip.SIPTrunkInfo(
                sip_trunk_id=outbound.sip_trunk_id, kind=kind.TRUNK_OUTBOUND, name=outbound.name
            )
        raise TwirpFailure("not_found", f"SIP trunk {req.sip_trunk_id!r} not found")

    # -- dispatch rules -------------------------------------------------------------

    def create_dispatch_rule(
        self, req: sip.CreateSIPDispatchRuleRequest
    ) -> sip.SIPDispatchRuleInfo:
        rule = sip.SIPDispatchRuleInfo()
        if req.HasField("dispatch_rule"):
            rule.CopyFrom(req.dispatch_rule)
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
        rule.sip_dispatch_rule_id = new_id("SDR_")
        _stamp(rule, created=True)
        self._check_rule(rule)
        self.dispatch_rules[rule.sip_dispatch_rule_id] = rule
        return rule

    def update_dispatch_rule(
        self, req: sip.UpdateSIPDispatchRuleRequest
    ) -> sip.SIPDispatchRuleInfo:
        current = self.dispatch_rules.get(req.sip_dispatch_rule_id)
        if current is None:
            raise TwirpFailure(
                "not_found", f"SIP dispatch rule {req.sip_dispatch_rule_id!r} not found"
            )
        updated = sip.SIPDispatchRuleInfo()
        action = req.WhichOneof("action")
        if action == "replace":
            updated.CopyFrom(req.replace)
            updated.created_at.CopyFrom(current.created_at)
        elif action == "update":
            updated.CopyFrom(current)
            _apply_rule_update(updated, req.update)
        else:
            raise TwirpFailure("invalid_argument", "no update action (replace or update)")
        updated.sip_dispatch_rule_id = current.sip_dispatch_rule_id
        _stamp(updated)
        self._check_rule(updated)
        self.dispatch_rules[updated.sip_dispatch_rule_id] = updated
        return updated

    def list_dispatch_rule(
        self, req: sip.ListSIPDispatchRuleRequest
    ) -> sip.ListSIPDispatchRuleResponse:
        items = _select(self.dispatch_rules, req.dispatch_rule_ids, sip.SIPDispatchRuleInfo)
        if req.trunk_ids:
            wanted = set(req.trunk_ids)
            items = [r for r in items if not r.trunk_ids or wanted & set(r.trunk_ids)]
        return sip.ListSIPDispatchRuleResponse(items=items)

    def delete_dispatch_rule(
        self, req: sip.DeleteSIPDispatchRuleRequest
    ) -> sip.SIPDispatchRuleInfo:
        rule = self.dispatch_rules.pop(req.sip_dispatch_rule_id, None)
        if rule is None:
            raise TwirpFailure(
                "not_found", f"SIP dispatch rule {req.sip_dispatch_rule_id!r} not found"
            )
        return rule

    def _check_rule(self, rule: sip.SIPDispatchRuleInfo) -> None:
        if rule.rule.WhichOneof("rule") is None:
            raise TwirpFailure("invalid_argument", "dispatch rule has no rule type")
        others = [r for i, r in self.dispatch_rules.items() if i != rule.sip_dispatch_rule_id]
        _validate_dispatch_rules([*others, rule])

    # -- calls ----------------------------------------------------------------------

    def create_participant(self, req: sip.CreateSIPParticipantRequest) -> sip.SIPParticipantInfo:
        if not req.sip_call_to:
            raise TwirpFailure("invalid_argument", "missing sip_call_to")
        if not req.room_name:
            raise TwirpFailure("invalid_argument", "missing room_name")
        trunk_numbers: list[str] = []
        if req.sip_trunk_id:
            trunk_numbers = list(self._outbound(req.sip_trunk_id).numbers)
        elif not req.HasField("trunk"):
            raise TwirpFailure("invalid_argument", "missing sip_trunk_id or trunk")
        self.outbound_calls.append(_copy(req))
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


def _select(items: Mapping[str, _M], ids: Iterable[str], empty: Callable[[], _M]) -> list[_M]:
    wanted = list(ids)
    if not wanted:
        return list(items.values())
    # The server keeps the requested order; a missing id yields an empty item there.
    return [items[i] if i in items else empty() for i in wanted]


def _apply_list(target: list[str], update: models.ListUpdate) -> list[str]:
    result = [] if update.clear else list(target)
    if update.set:
        result = list(update.set)
    for item in update.add:
        if item not in result:
            result.append(item)
    return [item for item in result if item not in set(update.remove)]


def _replace_list(container: object, values: list[str]) -> None:
    del container[:]  # type: ignore[attr-defined]
    container.extend(values)  # type: ignore[attr-defined]


def _apply_inbound_update(
    trunk: sip.SIPInboundTrunkInfo, update: sip.SIPInboundTrunkUpdate
) -> None:
    for name in ("numbers", "allowed_addresses", "allowed_numbers"):
        if update.HasField(name):
            container = getattr(trunk, name)
            _replace_list(container, _apply_list(list(container), getattr(update, name)))
    for name in ("auth_username", "auth_password", "auth_realm", "name", "metadata"):
        if update.HasField(name):
            setattr(trunk, name, getattr(update, name))
    if update.HasField("media_encryption"):
        trunk.media_encryption = update.media_encryption
    if update.HasField("media"):
        trunk.media.CopyFrom(update.media)


def _apply_outbound_update(
    trunk: sip.SIPOutboundTrunkInfo, update: sip.SIPOutboundTrunkUpdate
) -> None:
    if update.HasField("numbers"):
        _replace_list(trunk.numbers, _apply_list(list(trunk.numbers), update.numbers))
    for name in (
        "address",
        "destination_country",
        "auth_username",
        "auth_password",
        "name",
        "metadata",
        "from_host",
    ):
        if update.HasField(name):
            setattr(trunk, name, getattr(update, name))
    if update.HasField("transport"):
        trunk.transport = update.transport
    if update.HasField("media_encryption"):
        trunk.media_encryption = update.media_encryption
    if update.HasField("media"):
        trunk.media.CopyFrom(update.media)


def _apply_rule_update(rule: sip.SIPDispatchRuleInfo, update: sip.SIPDispatchRuleUpdate) -> None:
    if update.HasField("trunk_ids"):
        _replace_list(rule.trunk_ids, _apply_list(list(rule.trunk_ids), update.trunk_ids))
    if update.HasField("rule"):
        rule.rule.CopyFrom(update.rule)
    if update.HasField("name"):
        rule.name = update.name
    if update.HasField("metadata"):
        rule.metadata = update.metadata
    if update.attributes:
        rule.attributes.clear()
        rule.attributes.update(update.attributes)
    if update.HasField("media_encryption"):
        rule.media_encryption = update.media_encryption
    if update.HasField("media"):
        rule.media.CopyFrom(update.media)


def _check_addresses(addresses: Iterable[str]) -> None:
    for address in addresses:
        if any(c in address for c in "()+*;, \t\n\r") or "://" in address:
            raise TwirpFailure("invalid_argument", f"invalid allowed address {address!r}")


def _check_outbound(trunk: sip.SIPOutboundTrunkInfo) -> None:
    if not trunk.address:
        raise TwirpFailure("invalid_argument", "no outbound address specified")
    if trunk.address.startswith(("sip:", "sips:")) or "://" in trunk.address:
        raise TwirpFailure("invalid_argument", "address must be a host, not a SIP URI")
    if not trunk.numbers:
        raise TwirpFailure("invalid_argument", "no trunk numbers specified")


def _print_id(item_id: str) -> str:
    return item_id or "<new>"


def _validate_inbound_trunks(trunks: Iterable[sip.SIPInboundTrunkInfo]) -> None:
    # Keyed by dialed number, then by allowed caller number ("" = any), as the server does.
    seen: dict[str, dict[str, sip.SIPInboundTrunkInfo]] = {}
    for trunk in trunks:
        for number in [normalize_number(n) for n in trunk.numbers] or [""]:
            by_caller = seen.setdefault(number, {})
            for caller in [normalize_number(n) for n in trunk.allowed_numbers] or [""]:
                other = by_caller.get(caller)
                if other is not None:
                    raise TwirpFailure(
                        "invalid_argument",
                        f"Conflicting inbound SIP Trunks: {_print_id(trunk.sip_trunk_id)!r} and "
                        f"{_print_id(other.sip_trunk_id)!r}, using the same number "
                        f"{number or '<any>'!r} and allowed number {caller or '<any>'!r}",
                    )
                by_caller[caller] = trunk


def _rule_pin(rule: sip.SIPDispatchRuleInfo) -> str:
    kind = rule.rule.WhichOneof("rule")
    if kind == "dispatch_rule_direct":
        return rule.rule.dispatch_rule_direct.pin
    if kind == "dispatch_rule_individual":
        return rule.rule.dispatch_rule_individual.pin
    if kind == "dispatch_rule_callee":
        return rule.rule.dispatch_rule_callee.pin
    return ""


def _validate_dispatch_rules(rules: Iterable[sip.SIPDispatchRuleInfo]) -> None:
    seen: dict[tuple[str, str, str], sip.SIPDispatchRuleInfo] = {}
    for rule in rules:
        pin = _rule_pin(rule)
        for trunk in list(rule.trunk_ids) or [""]:
            for number in [normalize_number(n) for n in rule.inbound_numbers] or [""]:
                key = (pin, trunk, number)
                other = seen.get(key)
                if other is not None:
                    raise TwirpFailure(
                        "invalid_argument",
                        "Conflicting SIP Dispatch Rules: same Trunk+Number+PIN combination for "
                        f"{_print_id(rule.sip_dispatch_rule_id)!r} and "
                        f"{_print_id(other.sip_dispatch_rule_id)!r}",
                    )
                seen[key] = rule
