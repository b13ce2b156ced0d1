"""One call's hand-offs: the note's SIP headers, its webhook delivery in the background,
the counters, and what the `call.summary` event says about them.

The webhook runs in tasks this object owns. `aclose` waits for them within their own
deadline (the summary then has the delivery's result) and cancels what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any, Final

import aiohttp
import structlog

from config.tenants import HandoffSettings
from worker.handoff.note import HandoffNote, ReasonCode, new_handoff_id
from worker.handoff.webhook import DeliveryOptions, DeliveryResult, deliver
from worker.telemetry.prometheus_metrics import collectors

__all__ = ["HEADER_ID", "HEADER_REASON", "CallHandoff", "HandoffRecord"]

log = structlog.get_logger(__name__)

HEADER_ID: Final = "X-Handoff-Id"
HEADER_REASON: Final = "X-Handoff-Reason"


@dataclass
class HandoffRecord:
    """One hand-off (or callback request) as the summary reports it."""

    handoff_id: str
    kind: str
    reason: ReasonCode
    destination: str | None
    outcome: str = "pending"
    mode: str = "cold"
    webhook: dict[str, Any] | str = "not_configured"
    task: asyncio.Task[DeliveryResult] | None = field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "handoff_id": self.handoff_id,
            "kind": self.kind,
            "reason": self.reason,
            "destination": self.destination,
            "mode": self.mode,
            "outcome": self.outcome,
            "webhook": self.webhook,
        }


class CallHandoff:
    """Hand-off forms for one call.

    Args:
        settings: the tenant's hand-off settings.
        options: webhook delivery bounds; by default from ``settings``.
    """

    def __init__(self, settings: HandoffSettings, options: DeliveryOptions | None = None) -> None:
        self.settings = settings
        self.options = options or DeliveryOptions(
            attempt_timeout=settings.webhook_attempt_timeout,
            max_attempts=settings.webhook_max_attempts,
            backoff=settings.webhook_backoff,
            deadline=settings.webhook_deadline,
        )
        self.records: list[HandoffRecord] = []
        self._http: aiohttp.ClientSession | None = None

    def headers(self, note: HandoffNote) -> dict[str, str]:
        """The SIP headers for the REFER or INVITE: an id and a reason code, both from
        LiveKit's header-value alphabet and far under its 1024-character limit."""
        if not self.settings.sip_headers:
            return {}
        return {HEADER_ID: note.handoff_id, HEADER_REASON: note.reason}

    def start(self, note: HandoffNote, *, mode: str) -> HandoffRecord:
        """Record a hand-off and start its webhook delivery; returns at once."""
        record = HandoffRecord(note.handoff_id, "handoff", note.reason, note.destination, mode=mode)
        self.records.append(record)
        self._post(record, {"type": "handoff", "note": note.as_dict()})
        return record

    def finish(self, record: HandoffRecord, outcome: str) -> None:
        """Count a hand-off's outcome once it is known."""
        record.outcome = outcome
        collectors().handoffs.labels(reason=record.reason, outcome=outcome).inc()
        log.info(
            "handoff",
            handoff_id=record.handoff_id,
            reason=record.reason,
            destination=record.destination,
            mode=record.mode,
            outcome=outcome,
        )

    def unreachable(self, reason: ReasonCode, destination: str, outcome: str) -> HandoffRecord:
        """A destination the call never dialled (``closed``): counted and in the
        summary, with no note sent."""
        record = HandoffRecord(new_handoff_id(), "handoff", reason, destination)
        self.records.append(record)
        self.finish(record, outcome)
        return record

    def callback(
        self, handoff_id: str, *, reason: ReasonCode, destination: str | None, payload: Any
    ) -> HandoffRecord:
        """Post a callback request (number as a placeholder, preferred time) to the
        webhook; counted as a hand-off with outcome ``callback``."""
        record = HandoffRecord(handoff_id, "callback", reason, destination)
        self.records.append(record)
        self._post(record, {"type": "callback", "request": payload})
        self.finish(record, "callback")
        return record

    def _post(self, record: HandoffRecord, payload: dict[str, Any]) -> None:
        url, secret = self.settings.webhook_url, self.settings.webhook_secret
        if url is None or secret is None:
            return
        record.webhook = "pending"
        if self._http is None:
            self._http = aiohttp.ClientSession()
        counters = collectors().handoff_webhook_deliveries
        task = asyncio.create_task(
            deliver(
                self._http,
                url,
                secret.get_secret_value().encode(),
                payload,
                delivery_id=record.handoff_id,
                options=self.options,
                on_retry=lambda: counters.labels(outcome="retried").inc(),
            ),
            name=f"handoff_webhook:{record.handoff_id}",
        )

        def done(finished: asyncio.Task[DeliveryResult]) -> None:
            if finished.cancelled():
                record.webhook = {"outcome": "cancelled"}
                return
            error = finished.exception()
            if error is not None:
                record.webhook = {"outcome": "failed", "error": type(error).__name__}
                counters.labels(outcome="failed").inc()
                return
            result = finished.result()
            record.webhook = result.as_dict()
            counters.labels(outcome=result.outcome).inc()

        task.add_done_callback(done)
        record.task = task

    @property
    def pending(self) -> list[asyncio.Task[DeliveryResult]]:
        return [r.task for r in self.records if r.task is not None and not r.task.done()]

    async def wait(self) -> None:
        """Let deliveries in flight finish (each is bounded by its own deadline)."""
        pending = self.pending
        if pending:
            await asyncio.wait(pending, timeout=self.options.deadline + 1.0)

    def summary(self) -> list[dict[str, Any]]:
        return [record.as_dict() for record in self.records]

    async def aclose(self) -> None:
        await self.wait()
        for task in self.pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._http is not None:
            await self._http.close()
            self._http = None
