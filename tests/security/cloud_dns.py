"""A LiveKit Cloud host name that resolves to the loopback simulator.

livekit-api decides whether to replay a failed request by the host name alone
(``*.livekit.cloud``: ``livekit/api/_failover.py``), so a test of "sent once" must use such
a name. This resolver answers for those names with 127.0.0.1 inside one aiohttp session,
without touching /etc/hosts or the network; any other name does not resolve.
"""

from __future__ import annotations

import socket

from aiohttp.abc import AbstractResolver, ResolveResult

CLOUD_HOST = "callcenter-test.livekit.cloud"


class CloudToLoopback(AbstractResolver):
    """Resolves ``*.livekit.cloud`` to the loopback address, and nothing else."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if not host.endswith(".livekit.cloud"):
            raise OSError(f"{host} does not resolve in this test")
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        """Nothing to release."""
