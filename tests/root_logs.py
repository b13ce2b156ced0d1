"""A handler on the root logger while our logging setup runs at DEBUG: how the log tests
see every record, ours (structlog) and the framework's (stdlib logging)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from config.log_setup import configure_logging

__all__ = ["root_logs_at_debug"]


@contextmanager
def root_logs_at_debug(handler: logging.Handler) -> Iterator[None]:
    """Add ``handler`` to the root logger at DEBUG; take it off and restore the level after."""
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    configure_logging(level="DEBUG")
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
