"""What acting on the call's line needs of the call: who is on it, the tenant's
destinations and lines, its redactor (for the hand-off note), and where to record how
the call ended.

`worker.call.actions` works on this protocol, not on `worker.call.state.CallState` (which
holds the call's `CallActions`): each module then imports only downwards.
"""

from __future__ import annotations

from typing import Protocol

from compliance import CallRedactor
from config import TenantSettings
from worker.call.outcome import CallOutcome
from worker.caller import Caller

__all__ = ["CallParty"]


class CallParty(Protocol):
    """The call as `CallActions` sees it; `worker.call.state.CallState` is one."""

    @property
    def caller(self) -> Caller: ...

    @property
    def tenant(self) -> TenantSettings: ...

    @property
    def tenant_name(self) -> str: ...

    @property
    def redactor(self) -> CallRedactor:
        """The call's redactor: the hand-off note is written from what it let through."""
        ...

    def end_with(self, outcome: CallOutcome) -> None:
        """Record how the call ended (the first cause wins)."""
        ...
