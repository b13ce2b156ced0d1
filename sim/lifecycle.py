"""Start and stop as an async context manager: the small surface every loopback simulator
(`sim._server.LoopbackServer`) and bench's endpoint process (`bench.security_server`)
share, so ``async with`` always pairs a start with its stop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

__all__ = ["Lifecycle"]


class Lifecycle(ABC):
    """``async with`` runs `start` on entry and `stop` on exit, even on an error."""

    @abstractmethod
    async def start(self) -> None:
        """Be ready to serve (listening) before returning."""

    @abstractmethod
    async def stop(self) -> None:
        """Release everything `start` took; safe after a failed or no start."""

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
