"""The entrypoint's own decisions, without a call: what it logs before the caller joins,
and the opening line a tenant's policy makes."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest
import structlog
from livekit.agents import vad

from config import Settings, TenantDirectory
from config.tenants import BusinessHours, RecordingPolicy, TenantSettings
from sip.call_control import CallControl
from worker.caller import Caller
from worker.entrypoint import CallServices, JoinedParticipant, opening_line, start_call
from worker.session_factory import CallSession

pytestmark = pytest.mark.unit


class _Stop(Exception):
    pass


class _RoomBeforeJoin:
    """A room whose caller never joins: records the log context at that moment."""

    room_name = "call-7"
    job_id = "AJ_7"
    call_control: CallControl | None = None

    def __init__(self, dispatch_metadata: str = "") -> None:
        self.dispatch_metadata = dispatch_metadata
        self.log_context_fields: dict[str, Any] = {}
        self.bound_while_waiting: dict[str, Any] = {}

    async def connect(self) -> None:
        pass

    async def wait_for_caller(self) -> JoinedParticipant:
        self.bound_while_waiting = dict(structlog.contextvars.get_contextvars())
        raise _Stop

    async def start_session(self, call: CallSession, caller: Caller, *, record: bool) -> None:
        raise AssertionError("never reached")

    def on_dtmf(self, identity: str, callback: Callable[[str], None]) -> None:
        pass

    def on_caller_left(self, identity: str, callback: Callable[[], None]) -> None:
        pass

    def add_shutdown_callback(self, callback: Callable[[], Coroutine[Any, Any, None]]) -> None:
        pass


async def test_no_caller_kind_is_claimed_before_the_caller_joins(vad_model: vad.VAD) -> None:
    # A previous call in this context said "phone": the new one must not inherit it.
    structlog.contextvars.bind_contextvars(caller_kind="phone")
    room = _RoomBeforeJoin()
    services = CallServices(
        settings=Settings(_env_file=None),  # type: ignore[call-arg]
        tenants=TenantDirectory({}, "default"),
        vad_model=vad_model,
    )
    with pytest.raises(_Stop):
        await start_call(room, services)
    assert room.bound_while_waiting["call_id"] == "call-7"
    assert room.bound_while_waiting["job_id"] == "AJ_7"
    assert "caller_kind" not in room.bound_while_waiting
    assert "caller_kind" not in room.log_context_fields
    structlog.contextvars.clear_contextvars()


def test_consent_comes_first_and_cannot_be_interrupted() -> None:
    tenant = TenantSettings(
        greeting="Hi, this is Acme.",
        recording=RecordingPolicy(enabled=True, consent_message="This call is recorded."),
        business_hours=BusinessHours(
            timezone="UTC", opens="09:00", closes="17:00", out_of_hours_message="We're closed."
        ),
    )
    night = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # a Monday, after hours
    day = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert opening_line(tenant, night) == (
        "This call is recorded. We're closed. Hi, this is Acme.",
        False,
    )
    assert opening_line(tenant, day) == ("This call is recorded. Hi, this is Acme.", False)
    assert opening_line(TenantSettings(greeting="Hello."), day) == ("Hello.", True)
    assert opening_line(TenantSettings(), day) == ("", True)
    # Recorded because the whole fleet records: the consent line still comes first.
    assert opening_line(TenantSettings(greeting="Hello."), day, recording=True) == (
        "This call may be recorded for quality and training. Hello.",
        False,
    )


@pytest.mark.parametrize(
    ("metadata", "warned"),
    [('{"tenant": "ghost"}', ["ghost"]), ('{"tenant": "acme"}', []), ("", [])],
)
async def test_an_unknown_tenant_in_dispatch_metadata_is_warned_once_per_call(
    vad_model: vad.VAD, metadata: str, warned: list[str]
) -> None:
    services = CallServices(
        settings=Settings(_env_file=None),  # type: ignore[call-arg]
        tenants=TenantDirectory({"acme": TenantSettings()}, "acme"),
        vad_model=vad_model,
    )
    with structlog.testing.capture_logs() as logs, pytest.raises(_Stop):
        await start_call(_RoomBeforeJoin(metadata), services)
    unknown = [entry for entry in logs if entry["event"] == "dispatch_tenant_unknown"]
    assert [entry["tenant"] for entry in unknown] == warned
    assert all(entry["log_level"] == "warning" for entry in unknown)
    assert all(entry["default_tenant"] == "acme" for entry in unknown)
    structlog.contextvars.clear_contextvars()
