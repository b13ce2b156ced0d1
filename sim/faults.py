"""The faults a loopback simulator injects: what tests, scenarios and benchmarks ask for.

Public so tests and scenario files can build a :class:`FaultPlan` without reaching into
the simulators' shared server internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Fault", "FaultKind", "FaultPlan"]

FaultKind = Literal[
    "disconnect",
    "http_error",
    "stall",
    "malformed",
    "invalid_utf8",
    "slow_start",
    "hang",
    "half_open",
    "html_page",
]


@dataclass(frozen=True)
class Fault:
    """One injected failure.

    Real outages rarely fail fast: a provider that is down often accepts the connection
    and then says nothing, so the client learns of it only when its own timeout fires.
    ``hang`` and ``half_open`` model that; ``http_error`` with ``seconds`` models a
    refusal that comes late (a gateway's 503 after its own upstream timeout).

    Args:
        kind: ``disconnect`` drops the connection after ``after_messages`` server
            messages; ``http_error`` answers the request with ``status`` (429, 500...)
            before any streaming, after ``seconds``; ``stall`` stops sending for
            ``seconds`` after ``after_messages`` messages; ``malformed`` sends one
            unparsable message after ``after_messages`` messages; ``invalid_utf8`` sends
            one whose bytes are not UTF-8 (an SSE event on HTTP; on a websocket a text
            frame, which RFC 6455 section 8.1 says the client must fail the connection
            over: what a broken server or proxy would send); ``slow_start`` delays
            the first byte by ``seconds``; ``hang`` sends nothing more after
            ``after_messages`` messages (0: not even a status line or handshake answer)
            and keeps the connection open until the client gives up, still reading what
            it sends; ``half_open`` does the same but also stops reading, like a peer
            that vanished without a FIN: the client's writes pile up unanswered;
            ``html_page`` answers 200 with an HTML page and does not handle the request,
            as a proxy, CDN or captive portal in front of the server would.
        request: 0-based index of the request or websocket connection this fault hits
            (counted per simulator); ``None`` hits every request.
        after_messages: how many server messages go out normally before the fault.
        status: HTTP status for ``http_error``.
        seconds: duration for ``stall`` and ``slow_start``.
    """

    kind: FaultKind
    request: int | None = 0
    after_messages: int = 0
    status: int = 500
    seconds: float = 0.0


@dataclass
class FaultPlan:
    """Faults a simulator injects, looked up by request index."""

    faults: list[Fault] = field(default_factory=list)

    def for_request(self, index: int) -> list[Fault]:
        return [f for f in self.faults if f.request is None or f.request == index]

    def first(self, index: int, kind: FaultKind) -> Fault | None:
        return next((f for f in self.for_request(index) if f.kind == kind), None)

    @classmethod
    def transient(cls, failures: int, *, status: int = 503, first: int = 0) -> FaultPlan:
        """``failures`` requests in a row (from request ``first``) refused with ``status``,
        then service as usual: what a retry policy is tested against."""
        return cls([Fault("http_error", request=first + i, status=status) for i in range(failures)])

    @classmethod
    def parse(cls, raw: list[dict[str, Any]] | None) -> FaultPlan:
        """Build a plan from scenario YAML (a list of mappings of :class:`Fault` fields)."""
        return cls([Fault(**item) for item in raw or []])
