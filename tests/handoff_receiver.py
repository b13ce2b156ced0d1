"""A loopback webhook receiver for hand-off tests: records every request (arrival and
answer times on the event loop's clock, headers, body) and answers each attempt as
told: ``200``, another status, or ``"hang"`` (no answer until the client gives up)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Delivery:
    arrived_at: float
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def signature_valid(self, secret: bytes) -> bool:
        timestamp = self.headers["X-Callcenter-Timestamp"]
        expected = hmac.new(secret, timestamp.encode() + b"." + self.body, hashlib.sha256)
        return hmac.compare_digest(
            self.headers["X-Callcenter-Signature"], "sha256=" + expected.hexdigest()
        )


@dataclass
class WebhookReceiver:
    answers: list[int | str] = field(default_factory=list)
    """One per attempt, in order; 200 once they run out."""
    deliveries: list[Delivery] = field(default_factory=list)
    url: str = ""

    async def _handle(self, request: web.Request) -> web.Response:
        delivery = Delivery(
            asyncio.get_running_loop().time(), dict(request.headers), await request.read()
        )
        self.deliveries.append(delivery)
        index = len(self.deliveries) - 1
        answer = self.answers[index] if index < len(self.answers) else 200
        if answer == "hang":
            # Longer than any attempt timeout here; aiohttp may keep running a handler
            # after its client gave up, so this one ends on its own.
            await asyncio.sleep(5.0)
            return web.Response(status=504)
        return web.Response(status=int(answer))


@contextlib.asynccontextmanager
async def webhook_receiver(*answers: int | str) -> AsyncIterator[WebhookReceiver]:
    receiver = WebhookReceiver(list(answers))
    app = web.Application()
    app.router.add_post("/handoff", receiver._handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    receiver.url = f"http://127.0.0.1:{port}/handoff"
    try:
        yield receiver
    finally:
        await runner.cleanup()
