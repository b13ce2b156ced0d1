"""Signed delivery of hand-off notes (and callback requests) to a tenant's webhook.

The body is JSON; ``X-Callcenter-Timestamp`` carries the Unix time of the attempt and
``X-Callcenter-Signature`` ``sha256=<hex>`` the HMAC-SHA256, keyed with the tenant's
secret, of ``<timestamp>.<body>`` (the same scheme as Stripe's and Slack's signed
webhooks: the receiver recomputes it and refuses a stale timestamp, so a captured
request cannot be replayed later). ``X-Callcenter-Delivery`` is the hand-off id, the
receiver's idempotency key: a retry after a lost answer delivers the same id twice.

Retries: a timeout, a connection error, 429 or 5xx is retried with exponential backoff
and full jitter, up to ``max_attempts`` and never past ``deadline`` in total; any other
4xx is final. The delivery runs in a task the call's hand-off owns: the transfer never
waits for it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
import structlog

__all__ = ["DeliveryOptions", "DeliveryResult", "deliver", "sign"]

log = structlog.get_logger(__name__)

DeliveryOutcome = Literal["delivered", "rejected", "failed"]


@dataclass(frozen=True)
class DeliveryOptions:
    """Bounds of one delivery; tests shorten them by replacing fields."""

    attempt_timeout: float = 3.0
    max_attempts: int = 4
    backoff: float = 0.5
    deadline: float = 20.0

    def __post_init__(self) -> None:
        if self.attempt_timeout <= 0 or self.deadline <= 0 or self.backoff < 0:
            raise ValueError("timeouts must be positive and backoff not negative")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")


@dataclass(frozen=True)
class DeliveryResult:
    outcome: DeliveryOutcome
    attempts: int
    status: int | None
    """The last HTTP status; None when the last attempt got no answer."""

    def as_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "attempts": self.attempts, "status": self.status}


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, ``<timestamp>.<body>``)."""
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


async def deliver(
    session: aiohttp.ClientSession,
    url: str,
    secret: bytes,
    payload: Mapping[str, Any],
    *,
    delivery_id: str,
    options: DeliveryOptions,
    on_retry: Callable[[], None] = lambda: None,
    clock: Callable[[], float] = time.time,
    rng: random.Random | None = None,
) -> DeliveryResult:
    """POST ``payload`` signed, retrying within the bounds of ``options``.

    Never raises for a delivery problem: the result says what happened.

    Args:
        session: the HTTP session.
        url: the tenant's webhook URL.
        secret: the HMAC key.
        payload: the JSON body.
        delivery_id: the idempotency key (the hand-off id).
        options: attempts, timeouts and the total deadline.
        on_retry: called before each retry (the metric).
        clock: Unix time for the timestamp header.
        rng: the jitter's random source.
    """
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    jitter = rng or random.Random()
    loop = asyncio.get_running_loop()
    ends = loop.time() + options.deadline
    attempts = 0
    status: int | None = None
    while True:
        attempts += 1
        left = ends - loop.time()
        timestamp = str(int(clock()))
        headers = {
            "Content-Type": "application/json",
            "X-Callcenter-Timestamp": timestamp,
            "X-Callcenter-Signature": sign(secret, timestamp, body),
            "X-Callcenter-Delivery": delivery_id,
        }
        status = None
        try:
            async with asyncio.timeout(min(options.attempt_timeout, max(left, 0.001))):
                async with session.post(url, data=body, headers=headers) as response:
                    status = response.status
                    await response.read()
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            log.info("handoff_webhook_attempt_failed", attempt=attempts, error=type(error).__name__)
        if status is not None and 200 <= status < 300:
            return DeliveryResult("delivered", attempts, status)
        if status is not None and not _retryable(status):
            log.warning("handoff_webhook_rejected", status=status, attempts=attempts)
            return DeliveryResult("rejected", attempts, status)
        # Full jitter (AWS architecture blog, "Exponential Backoff And Jitter").
        pause = jitter.uniform(0, options.backoff * 2 ** (attempts - 1))
        if attempts >= options.max_attempts or loop.time() + pause >= ends:
            log.warning("handoff_webhook_failed", status=status, attempts=attempts)
            return DeliveryResult("failed", attempts, status)
        on_retry()
        await asyncio.sleep(pause)
