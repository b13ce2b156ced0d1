"""A call's identity on every log line: `bind_call` binds ``call_id``, ``room``,
``job_id`` and ``caller_kind`` for the call's tasks, and hands them to the job context,
whose own filter stamps records logged from framework tasks started before the bind.

Process-wide setup (handlers, the PII and phone-number filters) is `config.log_setup`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

import structlog

from config.log_setup import install_call_filter, mask_phone_numbers
from worker.caller import CallerKind

__all__ = ["CallIdentity", "bind_call"]


@dataclass(frozen=True)
class CallIdentity:
    """What every log line of a call carries."""

    call_id: str
    room: str
    job_id: str
    caller_kind: CallerKind | None = None
    """None until the caller has joined: lines logged before then claim no kind."""


class _HasLogFields(Protocol):
    @property
    def log_context_fields(self) -> dict[str, Any]: ...


def bind_call(identity: CallIdentity, job_ctx: _HasLogFields | None = None) -> None:
    """Bind a call's fields for this task and every task it starts from now on."""
    fields = {
        key: mask_phone_numbers(value)
        for key, value in asdict(identity).items()
        if value is not None
    }
    if identity.caller_kind is None:
        structlog.contextvars.unbind_contextvars("caller_kind")
    structlog.contextvars.bind_contextvars(**fields)
    install_call_filter()
    if job_ctx is not None:
        if identity.caller_kind is None:
            job_ctx.log_context_fields.pop("caller_kind", None)
        job_ctx.log_context_fields.update(fields)
