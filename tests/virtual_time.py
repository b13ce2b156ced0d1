"""An event loop on virtual time, for tests of code that paces itself with the loop's
clock (``loop.time()``, ``asyncio.sleep``, ``call_later``).

Whenever nothing is ready to run and no I/O is pending, the loop's clock jumps to the
next timer instead of waiting for it: a test of 0.5 s of paced audio takes no wall time,
and a loaded machine cannot stretch what the code under test sees. Time still only moves
forward and only by timers, so ordering and durations are exact.

Only for code whose waiting is all timers: a socket, subprocess or thread finishing
while the clock jumps would be seen arriving "later" than it did. A test opts in with
``@pytest.mark.virtual_time`` (conftest.py picks this loop for it).
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Mapping
from typing import Any

__all__ = ["VirtualTimeLoop"]


class _JumpingSelector(selectors.BaseSelector):
    """A real selector polled without blocking; a wait with a timeout moves the clock."""

    def __init__(self, loop_clock: list[float]) -> None:
        self._inner = selectors.DefaultSelector()
        self._clock = loop_clock

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._inner.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = self._inner.select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:
            # No timer at all: only I/O (or another thread) can wake the loop.
            return self._inner.select(None)
        self._clock[0] += timeout
        return []

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._inner.get_map()

    def close(self) -> None:
        self._inner.close()


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` is virtual (starts at 0)."""

    def __init__(self) -> None:
        self._virtual_now = [0.0]
        super().__init__(_JumpingSelector(self._virtual_now))

    def time(self) -> float:
        return self._virtual_now[0]
