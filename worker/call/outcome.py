"""How a call ended: set once by whoever ends it, read by the call summary and metrics."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CallOutcome"]


class CallOutcome(StrEnum):
    COMPLETED = "completed"
    """The agent ended the call (goodbye, `end_call`)."""
    TRANSFERRED = "transferred"
    CALLER_HUNG_UP = "caller_hung_up"
    IDLE_TIMEOUT = "idle_timeout"
    MAX_DURATION = "max_duration"
    ERROR = "error"
    CRASHED = "crashed"
    """The call's job process died (killed, out of memory) before the call ended; counted
    by the worker's main process (`worker.telemetry.metrics_store`), never set by a call."""
