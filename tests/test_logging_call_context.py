"""Every line of a call carries call_id, ours and the framework's."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
import structlog
from root_logs import root_logs_at_debug

from config.log_setup import CALL_FIELDS, mask_phone_numbers
from worker.logs import CallIdentity, bind_call

pytestmark = pytest.mark.unit


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class _FakeJob:
    """Stands in for JobContext's log-field dictionary only."""

    def __init__(self) -> None:
        self.log_context_fields: dict[str, object] = {}


@pytest.fixture
def captured() -> Iterator[_Collect]:
    handler = _Collect()
    with root_logs_at_debug(handler):
        structlog.contextvars.clear_contextvars()
        try:
            yield handler
        finally:
            structlog.contextvars.clear_contextvars()


IDENTITY = CallIdentity(
    call_id="SCL_abc123", room="call-_+15551234567_x", job_id="AJ_1", caller_kind="phone"
)


async def test_every_record_of_a_call_carries_its_fields(captured: _Collect) -> None:
    job = _FakeJob()

    async def call() -> None:
        bind_call(IDENTITY, job)
        structlog.get_logger("worker.test").info("call_started", turns=0)
        logging.getLogger("livekit.agents").warning("framework line")
        logging.getLogger("livekit.plugins.deepgram").debug("plugin line %s", 1)

        async def child() -> None:
            structlog.get_logger("worker.child").info("from a task started after bind")

        await asyncio.create_task(child())

    await asyncio.create_task(call())
    # A line outside the call's context must not be stamped with it.
    logging.getLogger("livekit.agents").info("between calls")

    in_call = [
        r
        for r in captured.records
        if r.name.startswith(("worker", "livekit")) and r.getMessage() != "between calls"
    ]
    assert len(in_call) == 4
    for record in in_call:
        for field in CALL_FIELDS:
            expected = mask_phone_numbers(getattr(IDENTITY, field))
            assert getattr(record, field) == expected, (record.name, field)
    outside = next(r for r in captured.records if r.getMessage() == "between calls")
    assert not hasattr(outside, "call_id")
    # The framework's job filter gets the same fields for records from pre-bind tasks.
    assert job.log_context_fields["call_id"] == "SCL_abc123"


async def test_structlog_fields_reach_the_stdlib_record(captured: _Collect) -> None:
    structlog.get_logger("worker.test").info("tool_called", tool="lookup_order")
    record = captured.records[-1]
    assert record.getMessage() == "tool_called"
    assert record.tool == "lookup_order"  # type: ignore[attr-defined]
    assert record.levelno == logging.INFO


async def test_reserved_record_names_do_not_break_logging(captured: _Collect) -> None:
    structlog.get_logger("worker.test").warning("twirp_error", msg="not found", name="x")
    record = captured.records[-1]
    assert record.getMessage() == "twirp_error"
    assert record.msg_ == "not found"  # type: ignore[attr-defined]
    assert record.name_ == "x"  # type: ignore[attr-defined]


async def test_no_phone_number_reaches_a_log_record(captured: _Collect) -> None:
    """The room is named after the caller and the SIP identity holds the number: neither
    may reach a line, ours or the framework's."""
    bind_call(IDENTITY)
    structlog.get_logger("worker.test").info("participant_joined", identity="sip_+15551234567")
    logging.getLogger("livekit.agents").info(
        "participant disconnected %s", "sip_+15551234567", extra={"room": IDENTITY.room}
    )
    logging.getLogger("livekit.agents").info(
        "sip attributes", extra={"attributes": {"sip.phoneNumber": "+15551234567"}}
    )
    for record in captured.records:
        rendered = record.getMessage() + " " + repr(record.__dict__)
        assert "15551234567" not in rendered, record.name
    assert captured.records[-1].attributes == {"sip.phoneNumber": "+[PHONE]"}  # type: ignore[attr-defined]
