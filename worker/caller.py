"""Who is calling: a phone caller through the SIP bridge, or an app caller over WebRTC."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from livekit import rtc

from sip.attributes import SipCall, parse_sip_attributes
from worker.logs import CallerKind

__all__ = ["Caller", "caller_from_participant", "describe_caller", "tenant_from_metadata"]


@dataclass(frozen=True)
class Caller:
    """The caller of one call, as the session factory needs it."""

    kind: CallerKind
    identity: str
    sip: SipCall | None = None
    tenant: str | None = None

    @property
    def call_id(self) -> str | None:
        return self.sip.call_id if self.sip else None


def describe_caller(
    *,
    participant_kind: rtc.ParticipantKind.ValueType,
    identity: str,
    attributes: Mapping[str, str],
    tenant: str | None = None,
) -> Caller:
    """Classify a participant. Pure, so simulated calls use exactly what real calls use."""
    sip = parse_sip_attributes(attributes)
    if participant_kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP or sip is not None:
        return Caller(kind="phone", identity=identity, sip=sip, tenant=tenant)
    return Caller(kind="app", identity=identity, tenant=tenant)


def caller_from_participant(
    participant: rtc.RemoteParticipant, *, tenant: str | None = None
) -> Caller:
    return describe_caller(
        participant_kind=participant.kind,
        identity=participant.identity,
        attributes=participant.attributes,
        tenant=tenant,
    )


def tenant_from_metadata(metadata: str) -> str | None:
    """The ``tenant`` key of the dispatch metadata (JSON), if any.

    Dispatch rules put ``{"tenant": ...}`` in the agent dispatch metadata; a malformed
    or absent value means the default tenant rather than a failed call.
    """
    if not metadata:
        return None
    try:
        parsed = json.loads(metadata)
    except ValueError:
        return None
    tenant = parsed.get("tenant") if isinstance(parsed, dict) else None
    return tenant if isinstance(tenant, str) and tenant else None
