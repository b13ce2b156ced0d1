"""Key presses (DTMF) from a phone caller, turned into what the agent should hear.

Presses are collected into one entry that ends at ``#`` or after a pause between keys,
so "1 2 3 4 5 6 #" reaches the agent once, as an account-number placeholder, rather than
as seven turns. The digits are personal data: they go through the call's redactor and
its vault (tools get the real value), and they are never logged.

A flood (a stuck key, a fax tone mis-detected, someone leaning on the keypad) has a
defined outcome: presses beyond the rate limit are dropped, and an entry longer than
``max_digits`` is cut off there, so the agent gets at most one bounded entry per pause.

Entries reach the agent at a bounded rate too (`EntryThrottle`): each one is an LLM
request, and ``1#1#1#...`` would otherwise make several a second. One goes through at
once; those finished within ``entry_interval`` of it wait and go together as one turn,
up to ``max_batched_entries`` (the rest are dropped and counted).
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from compliance import CallRedactor
from config.redaction_policy import EntityType

__all__ = ["DigitCollector", "DtmfOptions", "EntryThrottle", "describe_entry"]

log = structlog.get_logger(__name__)

KEYS = frozenset("0123456789*#ABCD")


@dataclass(frozen=True)
class DtmfOptions:
    """Args:
    inter_digit_timeout: a pause this long ends the entry.
    terminator: the key that ends an entry at once (not part of it).
    max_digits: the longest entry kept.
    max_presses_per_second: presses beyond this rate are dropped.
    entry_interval: at most one turn of keypad entries reaches the agent this often
        (seconds); entries finished sooner are held and go together.
    max_batched_entries: the most entries held for one turn; more are dropped.
    """

    inter_digit_timeout: float = 2.5
    terminator: str = "#"
    max_digits: int = 24
    max_presses_per_second: int = 12
    entry_interval: float = 1.0
    max_batched_entries: int = 4

    def __post_init__(self) -> None:
        if (
            self.inter_digit_timeout <= 0
            or self.max_digits < 1
            or self.max_presses_per_second < 1
            or self.entry_interval <= 0
            or self.max_batched_entries < 1
        ):
            raise ValueError("DTMF limits must be positive")


def describe_entry(keys: str, redactor: CallRedactor) -> str:
    """What the LLM reads for an entry: a single key as itself (a menu choice), a longer
    entry through the redactor, and digits the redactor did not claim as an account
    placeholder from the call's vault, so the real value only reaches tools."""
    if len(keys) == 1:
        return f"The caller pressed {keys} on the keypad."
    text = redactor.redact(f"The caller entered {keys} on the keypad.")
    if keys in text:
        text = text.replace(keys, redactor.vault.add(EntityType.ACCOUNT, keys))
    return text


class DigitCollector:
    """Collects one call's key presses into entries.

    Args:
        deliver: called with each finished entry (keys, without the terminator).
        options: timing and limits.
    """

    def __init__(self, deliver: Callable[[str], None], options: DtmfOptions | None = None) -> None:
        self._deliver = deliver
        self.options = options or DtmfOptions()
        self._keys: list[str] = []
        self._recent: deque[float] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self.dropped = 0
        """Presses dropped by the flood guard or the length limit (for the call summary)."""
        self._flood_logged = False

    def press(self, key: str) -> None:
        """One key press, as ``sip_dtmf_received`` reports it."""
        if key not in KEYS:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self._recent and now - self._recent[0] > 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.options.max_presses_per_second:
            if not self._flood_logged:
                # Once per call: the limit, never the keys.
                self._flood_logged = True
                log.warning("dtmf_flood", limit=self.options.max_presses_per_second)
            self.dropped += 1
            return
        self._recent.append(now)
        if key == self.options.terminator:
            self._finish()
            return
        if len(self._keys) >= self.options.max_digits:
            self.dropped += 1
        else:
            self._keys.append(key)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(self.options.inter_digit_timeout, self._finish)

    def _finish(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        keys, self._keys = "".join(self._keys), []
        if keys:
            log.info("dtmf_entry", length=len(keys))
            self._deliver(keys)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._keys = []


class EntryThrottle:
    """Passes finished entries on at most once per ``options.entry_interval``.

    Args:
        deliver: called with one or more entries (oldest first) that make one turn.
        options: the interval and how many entries one turn may hold.
    """

    def __init__(
        self, deliver: Callable[[list[str]], None], options: DtmfOptions | None = None
    ) -> None:
        self._deliver = deliver
        self.options = options or DtmfOptions()
        self._pending: list[str] = []
        self._last_sent = -math.inf
        self._timer: asyncio.TimerHandle | None = None
        self.dropped = 0
        """Entries dropped because a turn already held ``max_batched_entries``."""

    def add(self, keys: str) -> None:
        """One finished entry (the `DigitCollector`'s ``deliver``)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        interval = self.options.entry_interval
        if self._timer is None and now - self._last_sent >= interval:
            self._send([keys], now)
            return
        if len(self._pending) >= self.options.max_batched_entries:
            if not self.dropped:
                log.warning("dtmf_entries_dropped", limit=self.options.max_batched_entries)
            self.dropped += 1
            return
        self._pending.append(keys)
        if self._timer is None:
            self._timer = loop.call_at(self._last_sent + interval, self._flush)

    def _flush(self) -> None:
        self._timer = None
        entries, self._pending = self._pending, []
        if entries:
            self._send(entries, asyncio.get_running_loop().time())

    def _send(self, entries: list[str], now: float) -> None:
        self._last_sent = now
        self._deliver(entries)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._pending = []
