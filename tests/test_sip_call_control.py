"""`CallControl` against the LiveKit Twirp simulator: bounded requests, retries only where
repeating is harmless, SIP failures surfaced with their status."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from livekit import api
from livekit.protocol import models
from support import KEY, SECRET

from sim.faults import Fault, FaultPlan
from sim.livekit_twirp import DialFailure, LiveKitTwirpSim
from sim.sip_dtmf import DTMF_CODES, dtmf_packet
from sip.call_control import CallControl, CallControlError, CallControlOptions

pytestmark = pytest.mark.sim

FAST = CallControlOptions(request_timeout=0.5, transfer_timeout=0.5, retry_interval=0.01)


def _control(sim: LiveKitTwirpSim, options: CallControlOptions = FAST) -> CallControl:
    return CallControl(url=sim.http_url, api_key=KEY, api_secret=SECRET, options=options)


@pytest.fixture
async def sim() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as server:
        server.add_participant("call-1", "caller", attributes={"sip.callID": "SCL_1"})
        yield server


async def test_transfer_sends_refer_with_dialtone(sim: LiveKitTwirpSim) -> None:
    control = _control(sim)
    try:
        result = await control.transfer(
            room_name="call-1",
            participant_identity="caller",
            transfer_to="sip:billing@pbx.example.com",
        )
    finally:
        await control.aclose()
    assert result.transfer_id.startswith("STR_")
    [sent] = sim.transfers
    assert (sent.transfer_to, sent.play_dialtone) == ("sip:billing@pbx.example.com", True)
    # livekit/protocol rewrites a SIP URI as a name-addr for the Refer-To header.
    assert sim.sip_calls.refer_to == ["<sip:billing@pbx.example.com>"]
    assert "caller" not in sim.participants["call-1"]


async def test_transfer_rejected_by_far_end_carries_sip_status(sim: LiveKitTwirpSim) -> None:
    sim.transfer_failures["tel:+15550199"] = DialFailure(486, "Busy Here")
    control = _control(sim)
    try:
        with pytest.raises(CallControlError) as failed:
            await control.transfer(
                room_name="call-1", participant_identity="caller", transfer_to="tel:+15550199"
            )
    finally:
        await control.aclose()
    assert (failed.value.kind, failed.value.sip_status_code) == ("rejected", 486)
    assert "caller" in sim.participants["call-1"]  # the call goes on


async def test_simulator_refuses_a_transfer_target_livekit_refuses(sim: LiveKitTwirpSim) -> None:
    control = _control(sim)
    try:
        with pytest.raises(CallControlError) as failed:
            await control.transfer(
                room_name="call-1", participant_identity="caller", transfer_to="+15550199"
            )
    finally:
        await control.aclose()
    assert failed.value.kind == "rejected"
    assert "invalid_argument" in str(failed.value)
    assert sim.transfers == []


async def test_transfer_timeout_is_bounded_and_never_resent() -> None:
    plan = FaultPlan([Fault("slow_start", request=None, seconds=2.0)])
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET, faults=plan) as sim:
        sim.add_participant("call-1", "caller")
        control = _control(sim, replace(FAST, transfer_timeout=0.2, max_retries=3))
        try:
            with pytest.raises(CallControlError) as failed:
                await control.transfer(
                    room_name="call-1", participant_identity="caller", transfer_to="tel:+15550199"
                )
        finally:
            await control.aclose()
        assert failed.value.kind == "timeout"
        assert sim.request_count == 1


async def test_delete_room_retries_a_server_error_then_succeeds() -> None:
    plan = FaultPlan([Fault("http_error", request=0, status=503)])
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET, faults=plan) as sim:
        sim.add_participant("call-1", "caller")
        control = _control(sim)
        try:
            await control.delete_room("call-1")
            # Deleting again finds nothing, which is what was asked.
            await control.delete_room("call-1")
        finally:
            await control.aclose()
        assert sim.deleted_rooms == ["call-1"]
        assert sim.request_count == 3


async def test_delete_room_timeout_gives_up_after_the_retries() -> None:
    plan = FaultPlan([Fault("slow_start", request=None, seconds=1.0)])
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET, faults=plan) as sim:
        sim.add_participant("call-1", "caller")
        control = _control(sim, replace(FAST, request_timeout=0.1, max_retries=1))
        try:
            with pytest.raises(CallControlError) as failed:
                await control.delete_room("call-1")
        finally:
            await control.aclose()
        assert failed.value.kind == "timeout"
        assert sim.request_count == 2


def test_dtmf_packet_uses_rfc4733_event_codes() -> None:
    packet = dtmf_packet("#", "caller")
    assert packet.WhichOneof("value") == "sip_dtmf"
    assert (packet.sip_dtmf.code, packet.sip_dtmf.digit) == (11, "#")
    assert packet.kind == models.DataPacket.Kind.RELIABLE
    assert [DTMF_CODES[d] for d in "09*AD"] == [0, 9, 10, 12, 15]
    with pytest.raises(ValueError, match="not a DTMF key"):
        dtmf_packet("x", "caller")


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="positive"):
        CallControlOptions(request_timeout=0)


async def test_send_data_reaches_the_rooms_participants(sim: LiveKitTwirpSim) -> None:
    heard: list[models.DataPacket] = []

    class Watcher:
        def on_data(self, packet: models.DataPacket) -> None:
            heard.append(packet)

        def on_deleted(self) -> None:
            heard.clear()

    sim.room_state.watch("call-1", Watcher())
    client = api.LiveKitAPI(url=sim.http_url, api_key=KEY, api_secret=SECRET)
    try:
        await client.room.send_data(
            api.SendDataRequest(
                room="call-1", data=b"hello", kind=models.DataPacket.Kind.RELIABLE, topic="t"
            )
        )
    finally:
        await client.aclose()
    [packet] = heard
    assert (packet.user.payload, packet.user.topic) == (b"hello", "t")
    assert [r.room for r in sim.room_state.sent_data] == ["call-1"]
