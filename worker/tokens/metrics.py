"""The token endpoint's Prometheus collectors, served on its own ``/metrics``.

``callcenter_token_requests_total{status}`` counts every answer by its HTTP status code
as a string: ``201`` issued; ``400``, ``401``, ``403``, ``404``, ``405``, ``408``,
``409``, ``413`` refused; ``429`` rate limited; ``503`` refused for load (a connection
over the cap, or LiveKit not answering who is in a room); ``500`` a bug. ``408`` and the
connection cap's ``503`` are answered before any request was read (headers too slow, too
many connections), and are counted the same way, so one series shows everything refused.
The name and label are what the alert rules in deploy/ key on: keep them.

A registry per endpoint, not the process-wide default: nothing is left between tests.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge
from prometheus_client.exposition import generate_latest

__all__ = ["TokenMetrics"]

# Present from the first scrape, so a rate() over them has a series to start from.
_USUAL_STATUSES = ("201", "400", "401", "403", "404", "408", "409", "413", "429", "503")


class TokenMetrics:
    """The endpoint's collectors in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "callcenter_token_requests",
            "Token endpoint answers by HTTP status (connection-level 408 and 503 included).",
            ["status"],
            registry=self.registry,
        )
        self.open_connections = Gauge(
            "callcenter_token_open_connections",
            "Connections open to the token endpoint.",
            registry=self.registry,
        )
        for status in _USUAL_STATUSES:
            self.requests.labels(status=status)

    def answered(self, status: int) -> None:
        self.requests.labels(status=str(status)).inc()

    def exposition(self) -> tuple[bytes, str]:
        """The registry in Prometheus' text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
