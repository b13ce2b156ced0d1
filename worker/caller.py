"""Who is calling: a phone caller through the SIP bridge, or an app caller over WebRTC.

The kind comes from the participant kind LiveKit's server sets (``PARTICIPANT_KIND_SIP``
for the SIP bridge's participants); attributes are client-settable on any other
participant, so ``sip.*`` attributes count only on a SIP participant.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from livekit import rtc

from sip.attributes import SipCall, parse_sip_attributes

__all__ = [
    "MAX_METADATA_CHARS",
    "Caller",
    "CallerKind",
    "DispatchMetadata",
    "caller_from_participant",
    "describe_caller",
    "parse_dispatch_metadata",
    "tenant_from_metadata",
]

CallerKind = Literal["phone", "app"]

MAX_METADATA_CHARS = 16_384
"""Dispatch metadata longer than this is ignored whole: ours is a few dozen bytes."""


@dataclass(frozen=True)
class Caller:
    """The caller of one call, as the session factory needs it."""

    kind: CallerKind
    identity: str
    sip: SipCall | None = None
    tenant: str | None = None

    @property
    def call_id(self) -> str | None:
        return (self.sip.call_id or None) if self.sip else None

    @property
    def dialed_number(self) -> str | None:
        return (self.sip.dialed_number or None) if self.sip else None


def describe_caller(
    *,
    participant_kind: rtc.ParticipantKind.ValueType,
    identity: str,
    attributes: Mapping[str, str],
    tenant: str | None = None,
) -> Caller:
    """Classify a participant by the kind the server set. Pure, so simulated calls use
    exactly what real calls use."""
    if participant_kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP:
        return Caller(
            kind="phone", identity=identity, sip=parse_sip_attributes(attributes), tenant=tenant
        )
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


@dataclass(frozen=True)
class DispatchMetadata:
    """What our dispatch rules and token endpoint put in the agent dispatch metadata.

    ``problem`` says why the metadata was ignored (for the log); the call then goes
    to the tenant its dialed number or the default picks.
    """

    tenant: str | None = None
    entry_point: str | None = None
    problem: str | None = None


def _text(parsed: dict[str, object], key: str) -> str | None:
    value = parsed.get(key)
    return value if isinstance(value, str) and 0 < len(value) <= 128 else None


def parse_dispatch_metadata(metadata: str) -> DispatchMetadata:
    """Read the dispatch metadata (JSON object); never raises.

    Empty is normal (a dispatch rule without metadata). Oversized, non-JSON, a JSON
    value that is not an object, or nesting deep enough to exhaust the parser's stack
    each give an empty result with ``problem`` set.
    """
    if not metadata:
        return DispatchMetadata()
    if len(metadata) > MAX_METADATA_CHARS:
        return DispatchMetadata(problem="too_long")
    try:
        parsed = json.loads(metadata)
    except RecursionError:
        return DispatchMetadata(problem="too_deep")
    except ValueError:
        return DispatchMetadata(problem="not_json")
    if not isinstance(parsed, dict):
        return DispatchMetadata(problem="not_an_object")
    return DispatchMetadata(
        tenant=_text(parsed, "tenant"), entry_point=_text(parsed, "entry_point")
    )


def tenant_from_metadata(metadata: str) -> str | None:
    """The ``tenant`` key of the dispatch metadata, if any."""
    return parse_dispatch_metadata(metadata).tenant
