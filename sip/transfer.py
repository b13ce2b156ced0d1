"""Cold transfer to a human: only to a tenant's named destinations, only after the
hand-off line has played, and a failure the caller is told about.

The destination is a *name* the tenant configured (``billing``), never a number or URI
from the conversation: whatever the caller persuades the LLM to ask for, only the
tenants file decides where a call can go.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import structlog

from sip.call_control import CallControl, CallControlError

__all__ = ["TransferOutcome", "choose_destination", "cold_transfer"]

log = structlog.get_logger(__name__)

TransferStatus = Literal[
    "transferred", "refused", "failed", "repeated", "not_phone", "unavailable", "continued"
]
"""``unavailable``: closed or busy with no alternative (the agent may offer a callback);
``continued``: a warm transfer nobody answered, the call goes on with the agent."""


@dataclass(frozen=True)
class TransferOutcome:
    status: TransferStatus
    destination: str | None = None
    """The destination's name (never its URI: the log and the LLM only see names)."""
    reason: str = ""
    sip_status_code: int | None = None
    """The far end's SIP status of a failed transfer (486 busy, 600 busy everywhere)."""


def choose_destination(destinations: Mapping[str, str], requested: str) -> tuple[str, str] | None:
    """The (name, URI) the tenant allows for ``requested``, matched by name only."""
    name = requested.strip().lower()
    uri = destinations.get(name)
    return (name, uri) if uri is not None else None


async def cold_transfer(
    control: CallControl,
    *,
    room_name: str,
    participant_identity: str,
    name: str,
    uri: str,
    hand_off: Callable[[], Awaitable[None]],
    headers: Mapping[str, str] | None = None,
) -> TransferOutcome:
    """Say the hand-off line, wait for it to finish playing, then REFER the caller.

    Args:
        control: the call's server API client.
        room_name: the call's room.
        participant_identity: the SIP caller's identity.
        name: the destination's name (for the log).
        uri: its ``sip:`` or ``tel:`` URI from the tenants file.
        hand_off: speaks the hand-off line and returns once it has played out.
        headers: SIP headers for the REFER (the hand-off id and reason code).
    """
    await hand_off()
    try:
        await control.transfer(
            room_name=room_name,
            participant_identity=participant_identity,
            transfer_to=uri,
            headers=headers,
        )
    except CallControlError as error:
        log.warning(
            "transfer_failed",
            destination=name,
            kind=error.kind,
            sip_status_code=error.sip_status_code,
        )
        reason = error.kind if error.sip_status_code is None else f"SIP {error.sip_status_code}"
        return TransferOutcome("failed", name, reason, error.sip_status_code)
    log.info("transferred", destination=name)
    return TransferOutcome("transferred", name)
