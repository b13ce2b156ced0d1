"""The LiveKit Twirp simulator, driven by the real ``livekit-api`` client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from google.protobuf.message import DecodeError
from livekit import api
from livekit.protocol import models, room, sip
from support import KEY, SECRET

from sim.faults import Fault, FaultPlan
from sim.livekit_twirp import DialFailure, LiveKitTwirpSim

pytestmark = pytest.mark.sim


@pytest.fixture
async def sim() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as server:
        yield server


@pytest.fixture
async def lkapi(sim: LiveKitTwirpSim) -> AsyncIterator[api.LiveKitAPI]:
    client = api.LiveKitAPI(
        url=sim.http_url, api_key=KEY, api_secret=SECRET, timeout=aiohttp.ClientTimeout(total=2)
    )
    try:
        yield client
    finally:
        await client.aclose()


def _inbound(name: str, numbers: list[str], **kwargs: object) -> api.CreateSIPInboundTrunkRequest:
    return api.CreateSIPInboundTrunkRequest(
        trunk=api.SIPInboundTrunkInfo(name=name, numbers=numbers, **kwargs)  # type: ignore[arg-type]
    )


def _individual_rule(name: str, trunk_ids: list[str], pin: str = "") -> sip.SIPDispatchRuleInfo:
    return sip.SIPDispatchRuleInfo(
        name=name,
        trunk_ids=trunk_ids,
        rule=sip.SIPDispatchRule(
            dispatch_rule_individual=sip.SIPDispatchRuleIndividual(room_prefix="call-", pin=pin)
        ),
    )


async def test_inbound_trunk_round_trip(sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI) -> None:
    created = await lkapi.sip.create_inbound_trunk(
        _inbound("main", ["+14155550100"], krisp_enabled=True, auth_username="u", auth_password="p")
    )
    assert created.sip_trunk_id.startswith("ST_")
    assert created.krisp_enabled
    assert created.HasField("created_at")

    listed = await lkapi.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())
    assert [t.sip_trunk_id for t in listed.items] == [created.sip_trunk_id]
    by_number = await lkapi.sip.list_inbound_trunk(
        api.ListSIPInboundTrunkRequest(numbers=["+14155550199"])
    )
    assert list(by_number.items) == []

    replaced = api.SIPInboundTrunkInfo(name="main", numbers=["+14155550101"])
    after = await lkapi.sip.update_inbound_trunk(created.sip_trunk_id, replaced)
    assert list(after.numbers) == ["+14155550101"]
    assert not after.krisp_enabled  # replace means replace

    patched = await lkapi.sip.update_inbound_trunk_fields(
        created.sip_trunk_id,
        numbers=models.ListUpdate(add=["+14155550102"]),
        allowed_addresses=["10.0.0.0/8"],
        metadata="m",
    )
    assert list(patched.numbers) == ["+14155550101", "+14155550102"]
    assert list(patched.allowed_addresses) == ["10.0.0.0/8"]
    assert patched.metadata == "m"
    assert patched.name == "main"  # untouched by a field update

    removed = await lkapi.sip.update_inbound_trunk_fields(
        created.sip_trunk_id, numbers=models.ListUpdate(remove=["+14155550101"])
    )
    assert list(removed.numbers) == ["+14155550102"]
    assert sim.inbound_trunks[created.sip_trunk_id].numbers == ["+14155550102"]

    deleted = await lkapi.sip.delete_trunk(
        api.DeleteSIPTrunkRequest(sip_trunk_id=created.sip_trunk_id)
    )
    # pkg/service/sip.go DeleteSIPTrunk answers with the id alone.
    assert deleted == sip.SIPTrunkInfo(sip_trunk_id=created.sip_trunk_id)
    assert sim.inbound_trunks == {}
    assert [c.method for c in sim.calls] == [
        "CreateSIPInboundTrunk",
        "ListSIPInboundTrunk",
        "ListSIPInboundTrunk",
        "UpdateSIPInboundTrunk",
        "UpdateSIPInboundTrunk",
        "UpdateSIPInboundTrunk",
        "DeleteSIPTrunk",
    ]
    service, method, request = sim.calls[0]
    assert (service, method) == ("SIP", "CreateSIPInboundTrunk")
    assert isinstance(request, api.CreateSIPInboundTrunkRequest)
    assert request.trunk.auth_password == "p"


async def test_outbound_trunk_round_trip(sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI) -> None:
    created = await lkapi.sip.create_outbound_trunk(
        api.CreateSIPOutboundTrunkRequest(
            trunk=api.SIPOutboundTrunkInfo(
                name="out", address="sip.example.com", numbers=["+14155550100"]
            )
        )
    )
    updated = await lkapi.sip.update_outbound_trunk_fields(
        created.sip_trunk_id, transport=sip.SIPTransport.SIP_TRANSPORT_TLS, numbers=["+14155550111"]
    )
    assert updated.transport == sip.SIPTransport.SIP_TRANSPORT_TLS
    assert list(updated.numbers) == ["+14155550111"]
    assert updated.address == "sip.example.com"

    replaced = await lkapi.sip.update_outbound_trunk(
        created.sip_trunk_id,
        api.SIPOutboundTrunkInfo(name="out2", address="sip2.example.com", numbers=["+14155550112"]),
    )
    assert replaced.name == "out2"
    listed = await lkapi.sip.list_outbound_trunk(api.ListSIPOutboundTrunkRequest())
    assert [t.name for t in listed.items] == ["out2"]

    with pytest.raises(api.TwirpError) as missing_address:
        await lkapi.sip.create_outbound_trunk(
            api.CreateSIPOutboundTrunkRequest(trunk=api.SIPOutboundTrunkInfo(numbers=["+1415"]))
        )
    assert missing_address.value.code == "invalid_argument"
    assert missing_address.value.status == 400

    await lkapi.sip.delete_trunk(api.DeleteSIPTrunkRequest(sip_trunk_id=created.sip_trunk_id))
    assert sim.outbound_trunks == {}


async def test_inbound_trunks_sharing_a_number_conflict(lkapi: api.LiveKitAPI) -> None:
    await lkapi.sip.create_inbound_trunk(_inbound("a", ["+14155550100"]))
    with pytest.raises(api.TwirpError) as conflict:
        await lkapi.sip.create_inbound_trunk(
            _inbound("b", ["+1 (415) 555-0100"], allowed_addresses=["192.0.2.1"])
        )
    assert conflict.value.code == "invalid_argument"
    assert "Conflicting inbound SIP Trunks" in conflict.value.message

    # Disjoint caller filters make the same dialed number legal.
    await lkapi.sip.create_inbound_trunk(
        _inbound("c", ["+14155550101"], allowed_numbers=["+12025550143"])
    )
    await lkapi.sip.create_inbound_trunk(
        _inbound("d", ["+14155550101"], allowed_numbers=["+12025550144"])
    )


async def test_dispatch_rule_round_trip_and_conflict(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    trunk = await lkapi.sip.create_inbound_trunk(_inbound("main", ["+14155550100"]))
    rule = _individual_rule("r1", [trunk.sip_trunk_id])
    rule.room_config.agents.add(agent_name="callcenter", metadata='{"tenant":"acme"}')
    created = await lkapi.sip.create_dispatch_rule(
        api.CreateSIPDispatchRuleRequest(dispatch_rule=rule)
    )
    assert created.sip_dispatch_rule_id.startswith("SDR_")
    assert created.room_config.agents[0].agent_name == "callcenter"

    with pytest.raises(api.TwirpError) as conflict:
        await lkapi.sip.create_dispatch_rule(
            api.CreateSIPDispatchRuleRequest(
                dispatch_rule=_individual_rule("r2", [trunk.sip_trunk_id])
            )
        )
    assert conflict.value.code == "invalid_argument"
    assert "same trunk, inbound number, number, and PIN" in conflict.value.message

    # A PIN makes a different key.
    pinned = await lkapi.sip.create_dispatch_rule(
        api.CreateSIPDispatchRuleRequest(
            dispatch_rule=_individual_rule("r3", [trunk.sip_trunk_id], pin="1234")
        )
    )
    updated = await lkapi.sip.update_dispatch_rule_fields(
        pinned.sip_dispatch_rule_id, name="r3b", attributes={"team": "billing"}
    )
    assert updated.name == "r3b"
    assert dict(updated.attributes) == {"team": "billing"}
    replaced = await lkapi.sip.update_dispatch_rule(
        pinned.sip_dispatch_rule_id, _individual_rule("r3c", [], pin="1234")
    )
    assert list(replaced.trunk_ids) == []

    listed = await lkapi.sip.list_dispatch_rule(api.ListSIPDispatchRuleRequest())
    assert {r.name for r in listed.items} == {"r1", "r3c"}
    await lkapi.sip.delete_dispatch_rule(
        api.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=created.sip_dispatch_rule_id)
    )
    assert set(sim.dispatch_rules) == {pinned.sip_dispatch_rule_id}
    with pytest.raises(api.TwirpError) as missing:
        await lkapi.sip.delete_dispatch_rule(
            api.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=created.sip_dispatch_rule_id)
        )
    assert missing.value.code == "not_found"
    assert missing.value.status == 404


async def test_outbound_call_and_transfer(sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI) -> None:
    trunk = await lkapi.sip.create_outbound_trunk(
        api.CreateSIPOutboundTrunkRequest(
            trunk=api.SIPOutboundTrunkInfo(
                name="out", address="sip.example.com", numbers=["+14155550100"]
            )
        )
    )
    info = await lkapi.sip.create_sip_participant(
        api.CreateSIPParticipantRequest(
            sip_trunk_id=trunk.sip_trunk_id,
            sip_call_to="+12025550143",
            room_name="call-1",
            participant_identity="callee",
        )
    )
    assert info.sip_call_id.startswith("SCL_")
    participant = sim.participants["call-1"]["callee"]
    assert participant.kind == models.ParticipantInfo.Kind.SIP
    assert participant.attributes["sip.phoneNumber"] == "+12025550143"
    assert participant.attributes["sip.trunkPhoneNumber"] == "+14155550100"
    assert "sip.ruleID" not in participant.attributes

    result = await lkapi.sip.transfer_sip_participant(
        api.TransferSIPParticipantRequest(
            room_name="call-1", participant_identity="callee", transfer_to="tel:+12025550199"
        )
    )
    assert result.status == sip.SIPTransferStatus.STS_TRANSFER_SUCCESSFUL
    assert [t.transfer_to for t in sim.transfers] == ["tel:+12025550199"]
    assert "callee" not in sim.participants["call-1"]

    sim.dial_failures["+12025550150"] = DialFailure(486, "Busy Here")
    with pytest.raises(api.SipCallError) as busy:
        await lkapi.sip.create_sip_participant(
            api.CreateSIPParticipantRequest(
                sip_trunk_id=trunk.sip_trunk_id, sip_call_to="+12025550150", room_name="call-2"
            )
        )
    assert busy.value.sip_status_code == 486


async def test_transfer_failure_surfaces_sip_status(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    sim.add_participant("call-1", "caller", attributes={"sip.callID": "SCL_1"})
    sim.transfer_failures["tel:+12025550199"] = DialFailure(603, "Decline", "permission_denied")
    with pytest.raises(api.SipCallError) as failed:
        await lkapi.sip.transfer_sip_participant(
            api.TransferSIPParticipantRequest(
                room_name="call-1", participant_identity="caller", transfer_to="tel:+12025550199"
            )
        )
    assert failed.value.sip_status_code == 603
    assert failed.value.sip_transfer_reason == "STR_SIP_ERROR"
    assert "caller" in sim.participants["call-1"]

    with pytest.raises(api.TwirpError) as unknown:
        await lkapi.sip.transfer_sip_participant(
            api.TransferSIPParticipantRequest(
                room_name="call-1", participant_identity="nobody", transfer_to="tel:+1"
            )
        )
    assert unknown.value.code == "not_found"


async def test_room_service_round_trip(sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI) -> None:
    created = await lkapi.room.create_room(room.CreateRoomRequest(name="r1", metadata="m"))
    assert created.sid.startswith("RM_")
    sim.add_participant("r1", "caller", attributes={"sip.phoneNumber": "+14155550100"})
    sim.add_participant("r1", "agent", kind=models.ParticipantInfo.Kind.AGENT)

    rooms = await lkapi.room.list_rooms(room.ListRoomsRequest(names=["r1"]))
    assert [r.name for r in rooms.rooms] == ["r1"]
    assert rooms.rooms[0].num_participants == 2

    listed = await lkapi.room.list_participants(room.ListParticipantsRequest(room="r1"))
    assert {p.identity for p in listed.participants} == {"caller", "agent"}
    caller = await lkapi.room.get_participant(
        room.RoomParticipantIdentity(room="r1", identity="caller")
    )
    assert caller.attributes["sip.phoneNumber"] == "+14155550100"

    updated = await lkapi.room.update_participant(
        room.UpdateParticipantRequest(
            room="r1", identity="caller", attributes={"sip.phoneNumber": "", "tier": "gold"}
        )
    )
    assert dict(updated.attributes) == {"tier": "gold"}

    await lkapi.room.remove_participant(room.RoomParticipantIdentity(room="r1", identity="agent"))
    assert sim.removed_participants == [("r1", "agent")]
    await lkapi.room.delete_room(room.DeleteRoomRequest(room="r1"))
    assert sim.deleted_rooms == ["r1"]
    assert sim.rooms == {}

    with pytest.raises(api.TwirpError) as gone:
        await lkapi.room.get_participant(room.RoomParticipantIdentity(room="r1", identity="caller"))
    assert gone.value.code == "not_found"


async def test_wrong_secret_is_unauthenticated(sim: LiveKitTwirpSim) -> None:
    async with api.LiveKitAPI(
        url=sim.http_url, api_key=KEY, api_secret="wrong-secret-wrong-secret-wrong-secret"
    ) as client:
        with pytest.raises(api.TwirpError) as denied:
            await client.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())
    assert denied.value.code == "unauthenticated"
    assert denied.value.status == 401
    assert sim.calls == []


async def test_missing_grant_is_permission_denied(sim: LiveKitTwirpSim) -> None:
    token = api.AccessToken(KEY, SECRET).with_grants(api.VideoGrants(room_list=True)).to_jwt()
    async with api.LiveKitAPI.with_token(token, url=sim.http_url) as client:
        rooms = await client.room.list_rooms(room.ListRoomsRequest())
        assert list(rooms.rooms) == []
        with pytest.raises(api.TwirpError) as denied:
            await client.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())
    assert denied.value.code == "permission_denied"
    assert denied.value.status == 403


async def test_json_body_is_accepted(sim: LiveKitTwirpSim) -> None:
    token = api.AccessToken(KEY, SECRET).with_sip_grants(api.SIPGrants(admin=True)).to_jwt()
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{sim.http_url}/twirp/livekit.SIP/CreateSIPInboundTrunk",
            json={"trunk": {"name": "j", "numbers": ["+14155550100"]}},
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            assert response.status == 200
            body = json.loads(await response.text())
        async with session.post(
            f"{sim.http_url}/twirp/livekit.SIP/NoSuchMethod",
            json={},
            headers={"Authorization": f"Bearer {token}"},
        ) as missing:
            assert missing.status == 404
            assert (await missing.json())["code"] == "bad_route"
    assert body["sipTrunkId"].startswith("ST_")
    assert [t.name for t in sim.inbound_trunks.values()] == ["j"]


@pytest.mark.parametrize(
    ("status", "code"), [(500, "internal"), (503, "unavailable"), (429, "resource_exhausted")]
)
async def test_http_error_fault(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI, status: int, code: str
) -> None:
    sim.faults = FaultPlan([Fault("http_error", request=0, status=status)])
    with pytest.raises(api.TwirpError) as failed:
        await lkapi.sip.create_inbound_trunk(_inbound("a", ["+14155550100"]))
    assert (failed.value.status, failed.value.code) == (status, code)
    assert sim.inbound_trunks == {}
    # The next request is not faulted.
    await lkapi.sip.create_inbound_trunk(_inbound("a", ["+14155550100"]))
    assert len(sim.inbound_trunks) == 1


async def test_disconnect_fault(sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI) -> None:
    sim.faults = FaultPlan([Fault("disconnect", request=0)])
    with pytest.raises(aiohttp.ClientError):
        await lkapi.sip.create_inbound_trunk(_inbound("a", ["+14155550100"]))
    assert sim.inbound_trunks == {}
    assert sim.request_count == 1


async def test_malformed_fault_applies_but_garbles_the_answer(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    sim.faults = FaultPlan([Fault("malformed", request=0)])
    with pytest.raises(DecodeError):
        await lkapi.sip.create_inbound_trunk(_inbound("a", ["+14155550100"]))
    assert [t.name for t in sim.inbound_trunks.values()] == ["a"]


async def test_html_page_fault_answers_200_html_without_handling(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    sim.faults = FaultPlan([Fault("html_page", request=0)])
    with pytest.raises(DecodeError):
        await lkapi.sip.create_inbound_trunk(_inbound("a", ["+14155550100"]))
    assert sim.inbound_trunks == {}
    assert sim.request_count == 1


async def test_stall_fault_applies_then_answers_late(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    sim.faults = FaultPlan([Fault("stall", request=0, seconds=1.0)])
    # The caller's own deadline is what bounds the call (see the next test).
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await lkapi.sip.create_inbound_trunk(_inbound("a", ["+14155550100"]))
    # The server did it; only the answer was late.
    assert [t.name for t in sim.inbound_trunks.values()] == ["a"]


async def test_client_session_timeout_is_not_applied_per_call(sim: LiveKitTwirpSim) -> None:
    """Pins a livekit-api 1.2.2 fact: ``TwirpClient`` posts with ``timeout=None``, which
    aiohttp reads as "no timeout", so ``LiveKitAPI(timeout=...)`` bounds nothing. Callers
    must wrap calls in ``asyncio.timeout``. If this starts failing, the client got fixed."""
    sim.faults = FaultPlan([Fault("stall", request=0, seconds=0.5)])
    timeout = aiohttp.ClientTimeout(total=0.1)
    async with api.LiveKitAPI(
        url=sim.http_url, api_key=KEY, api_secret=SECRET, timeout=timeout
    ) as client:
        listed = await client.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())
    assert list(listed.items) == []


async def test_slow_start_fault_delays_but_succeeds(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    sim.faults = FaultPlan([Fault("slow_start", request=0, seconds=0.2)])
    loop = asyncio.get_running_loop()
    started = loop.time()
    await lkapi.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())
    assert loop.time() - started >= 0.2


# -- the protocol's own rules ----------------------------------------------------------
# Cases from livekit/protocol sip/sip_test.go (TestSIPValidateDispatchRules,
# TestSIPValidateTrunks*, TestNormalizeNumber) and livekit/sip.go, driven through the
# wire: the simulator must accept what LiveKit accepts and refuse what it refuses.

N1, N2 = "1111 1111", "2222 2222"


def _direct(room_name: str, pin: str = "", **fields: Any) -> sip.SIPDispatchRuleInfo:
    return sip.SIPDispatchRuleInfo(
        rule=sip.SIPDispatchRule(
            dispatch_rule_direct=sip.SIPDispatchRuleDirect(room_name=room_name, pin=pin)
        ),
        **fields,
    )


def _individual(prefix: str, pin: str = "", **fields: Any) -> sip.SIPDispatchRuleInfo:
    return sip.SIPDispatchRuleInfo(
        rule=sip.SIPDispatchRule(
            dispatch_rule_individual=sip.SIPDispatchRuleIndividual(room_prefix=prefix, pin=pin)
        ),
        **fields,
    )


RULE_CASES: list[tuple[str, list[sip.SIPDispatchRuleInfo], bool]] = [
    (
        "direct pin/conflict",
        [
            _direct("sip1", "123", trunk_ids=["aaa"]),
            _direct("sip2", "123", trunk_ids=["aaa", "bbb"]),
        ],
        False,
    ),
    (
        "direct pin/no conflict on different trunk",
        [_direct("sip1", "123", trunk_ids=["aaa"]), _direct("sip2", "123", trunk_ids=["bbb"])],
        True,
    ),
    (
        "direct pin/default and specific",
        [_direct("sip1", "123"), _direct("sip2", "123", trunk_ids=["aaa"])],
        True,
    ),
    ("direct/multiple defaults", [_direct("sip1"), _direct("sip2")], False),
    (
        "direct/inbound number specific",
        [_direct("sip1"), _direct("sip2", inbound_numbers=[N1])],
        True,
    ),
    (
        "direct/inbound number specific conflict",
        [_direct("sip1", inbound_numbers=[N1]), _direct("sip2", inbound_numbers=[N1, N2])],
        False,
    ),
    ("direct vs individual/open", [_individual("pref_"), _direct("sip")], False),
    ("direct vs individual/priority", [_individual("pref_", "123"), _direct("sip", "456")], True),
    ("direct/number specific", [_direct("sip_1"), _direct("sip_2", numbers=[N2])], True),
    (
        "direct/number specific conflict",
        [_direct("sip_1", numbers=[N1]), _direct("sip_2", numbers=[N1, N2])],
        False,
    ),
    (
        "direct/number + inbound number specific conflict",
        [
            _direct("sip_1", numbers=[N1], inbound_numbers=[N1]),
            _direct("sip_2", numbers=[N1, N2], inbound_numbers=[N1]),
        ],
        False,
    ),
    # The case: one trunk, one rule per dialed number.
    (
        "one trunk, one rule per dialed number",
        [
            _direct("sales", trunk_ids=["aaa"], numbers=[N1]),
            _direct("support", trunk_ids=["aaa"], numbers=[N2]),
        ],
        True,
    ),
    (
        "dialed numbers compare normalised",
        [_direct("a", numbers=["+" + N1]), _direct("b", numbers=[N1])],
        False,
    ),
]


@pytest.mark.parametrize(
    ("rules", "valid"), [(r, v) for _, r, v in RULE_CASES], ids=[n for n, _, _ in RULE_CASES]
)
async def test_dispatch_rule_conflicts_follow_the_protocol(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI, rules: list[sip.SIPDispatchRuleInfo], valid: bool
) -> None:
    first, second = rules
    await lkapi.sip.create_dispatch_rule(api.CreateSIPDispatchRuleRequest(dispatch_rule=first))
    if valid:
        await lkapi.sip.create_dispatch_rule(api.CreateSIPDispatchRuleRequest(dispatch_rule=second))
        assert len(sim.dispatch_rules) == 2
        return
    with pytest.raises(api.TwirpError) as refused:
        await lkapi.sip.create_dispatch_rule(api.CreateSIPDispatchRuleRequest(dispatch_rule=second))
    assert refused.value.code == "invalid_argument"
    assert len(sim.dispatch_rules) == 1


TRUNK_CASES: list[tuple[str, list[dict[str, Any]], bool]] = [
    ("many matches", [{"numbers": [N2]}, {"numbers": [N2]}], False),
    ("multiple defaults", [{"auth_username": "a"}, {"auth_username": "b"}], False),
    ("different Numbers forms", [{"numbers": ["+" + N2]}, {"numbers": [N2]}], False),
    (
        "different AllowedNumbers forms",
        [
            {"numbers": [N2], "allowed_numbers": ["+" + N1]},
            {"numbers": [N2], "allowed_numbers": [N1]},
        ],
        False,
    ),
    (
        "a caller filter never collides with no filter",
        [{"numbers": [N2]}, {"numbers": [N2], "allowed_numbers": [N1]}],
        True,
    ),
    (
        "addresses do not separate",
        [
            {"numbers": [N2], "allowed_addresses": ["10.0.0.1"]},
            {"numbers": [N2], "allowed_addresses": ["10.0.0.2"]},
        ],
        False,
    ),
    ("a SIP user name is a number", [{"numbers": ["sales"]}, {"numbers": ["support"]}], True),
]


@pytest.mark.parametrize(
    ("trunks", "valid"), [(t, v) for _, t, v in TRUNK_CASES], ids=[n for n, _, _ in TRUNK_CASES]
)
async def test_inbound_trunk_conflicts_follow_the_protocol(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI, trunks: list[dict[str, Any]], valid: bool
) -> None:
    first, second = (api.SIPInboundTrunkInfo(**t) for t in trunks)
    await lkapi.sip.create_inbound_trunk(api.CreateSIPInboundTrunkRequest(trunk=first))
    if valid:
        await lkapi.sip.create_inbound_trunk(api.CreateSIPInboundTrunkRequest(trunk=second))
        return
    with pytest.raises(api.TwirpError) as refused:
        await lkapi.sip.create_inbound_trunk(api.CreateSIPInboundTrunkRequest(trunk=second))
    assert refused.value.code == "invalid_argument"
    assert "Conflicting inbound SIP Trunks" in refused.value.message
    assert len(sim.inbound_trunks) == 1


INVALID_TRUNKS: list[tuple[str, sip.SIPInboundTrunkInfo | sip.SIPOutboundTrunkInfo, str]] = [
    ("open inbound trunk", sip.SIPInboundTrunkInfo(name="open"), "for security"),
    (
        "forbidden header",
        sip.SIPInboundTrunkInfo(numbers=[N1], headers={"Contact": "x"}),
        "not supported",
    ),
    (
        "header name with a space",
        sip.SIPInboundTrunkInfo(numbers=[N1], headers_to_attributes={"X Bad": "a"}),
        "invalid characters",
    ),
    (
        "transport in the address",
        sip.SIPOutboundTrunkInfo(address="sip.example.com;transport=tcp", numbers=[N1]),
        "transport parameter",
    ),
    (
        "SIP URI as address",
        sip.SIPOutboundTrunkInfo(address="sip:carrier.example.com", numbers=[N1]),
        "not SIP URI",
    ),
    (
        "outbound without numbers",
        sip.SIPOutboundTrunkInfo(address="carrier.example.com"),
        "no trunk numbers",
    ),
]


@pytest.mark.parametrize(
    ("trunk", "message"),
    [(t, m) for _, t, m in INVALID_TRUNKS],
    ids=[n for n, _, _ in INVALID_TRUNKS],
)
async def test_trunk_validation_follows_the_protocol(
    sim: LiveKitTwirpSim,
    lkapi: api.LiveKitAPI,
    trunk: sip.SIPInboundTrunkInfo | sip.SIPOutboundTrunkInfo,
    message: str,
) -> None:
    create = (
        lkapi.sip.create_inbound_trunk(api.CreateSIPInboundTrunkRequest(trunk=trunk))
        if isinstance(trunk, sip.SIPInboundTrunkInfo)
        else lkapi.sip.create_outbound_trunk(api.CreateSIPOutboundTrunkRequest(trunk=trunk))
    )
    with pytest.raises(api.TwirpError) as refused:
        await create
    assert refused.value.code == "invalid_argument"
    assert message in refused.value.message
    assert sim.inbound_trunks == {} and sim.outbound_trunks == {}


async def test_field_updates_follow_the_protocol(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    # livekit/sip.go SIPDispatchRuleUpdate.Apply touches only the fields it carries;
    # attributes are a diff where "" deletes (livekit/types.go applyMapDiff).
    rule = _individual(
        "call-",
        trunk_ids=["aaa"],
        room_preset="cloud-preset",
        krisp_enabled=True,
        attributes={"keep": "1", "drop": "2"},
    )
    rule.room_config.metadata = "room-meta"
    created = await lkapi.sip.create_dispatch_rule(
        api.CreateSIPDispatchRuleRequest(dispatch_rule=rule)
    )
    updated = await lkapi.sip.update_dispatch_rule_fields(
        created.sip_dispatch_rule_id,
        attributes={"drop": "", "new": "3"},
        trunk_ids=models.ListUpdate(add=["bbb"], remove=["aaa"]),
    )
    assert dict(updated.attributes) == {"keep": "1", "new": "3"}
    assert list(updated.trunk_ids) == ["bbb"]
    assert (updated.room_preset, updated.krisp_enabled) == ("cloud-preset", True)
    assert updated.room_config.metadata == "room-meta"

    # livekit/types.go ListUpdate.Validate: an empty update is refused.
    trunk = await lkapi.sip.create_inbound_trunk(_inbound("t", [N1], krisp_enabled=True))
    with pytest.raises(api.TwirpError) as empty:
        await lkapi.sip.update_inbound_trunk_fields(trunk.sip_trunk_id, numbers=[])
    assert "unsupported list update operation" in empty.value.message
    # A replacement is validated whole: one without numbers, auth or addresses is open.
    with pytest.raises(api.TwirpError) as opened:
        await lkapi.sip.update_inbound_trunk(trunk.sip_trunk_id, api.SIPInboundTrunkInfo(name="t"))
    assert "for security" in opened.value.message
    kept = sim.inbound_trunks[trunk.sip_trunk_id]
    assert kept.krisp_enabled and list(kept.numbers) == [N1]


async def test_transient_unavailable_then_success(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    """Two 503 ``unavailable`` answers (the Twirp spec's code for a transient outage),
    then service. livekit-api retries only LiveKit Cloud hosts, so against a loopback
    URL every failure reaches the caller: the caller's own retry is what gets tested."""
    sim.faults = FaultPlan.transient(2)
    request = _inbound("a", ["+14155550100"])
    failures: list[api.TwirpError] = []
    for _ in range(3):
        try:
            await lkapi.sip.create_inbound_trunk(request)
            break
        except api.TwirpError as error:
            failures.append(error)
    assert [(e.status, e.code) for e in failures] == [(503, "unavailable")] * 2
    # One attempt per call (no client-side failover), and only the third one acted.
    assert sim.request_count == 3
    assert [c.method for c in sim.write_calls] == ["CreateSIPInboundTrunk"]
    assert [t.name for t in sim.inbound_trunks.values()] == ["a"]


@pytest.mark.parametrize("kind", ["hang", "half_open"])
async def test_silent_server_holds_until_the_caller_gives_up(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI, kind: str
) -> None:
    sim.faults = FaultPlan([Fault(kind, request=0)])  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.5):
            await lkapi.sip.create_inbound_trunk(_inbound("a", ["+14155550100"]))
    assert loop.time() - started >= 0.5
    # Nothing was handled: a hang is not a slow success.
    assert sim.calls == []
    assert sim.inbound_trunks == {}


async def test_late_refusal(sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI) -> None:
    sim.faults = FaultPlan([Fault("http_error", request=0, status=503, seconds=0.3)])
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(api.TwirpError) as failed:
        await lkapi.room.list_rooms(api.ListRoomsRequest())
    assert failed.value.code == "unavailable"
    assert loop.time() - started >= 0.3
