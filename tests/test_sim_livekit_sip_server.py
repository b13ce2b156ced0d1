"""The Twirp simulator's SIP service where it must match the real server, point by point,
each test naming the livekit/livekit or livekit/protocol source it follows. Driven by the
real ``livekit-api`` client, so what is checked is what a client sees on the wire."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import TypeVar

import aiohttp
import pytest
from google.protobuf.message import Message
from livekit import api
from livekit.protocol import models, sip
from support import KEY, SECRET

from sim.livekit_twirp import LiveKitTwirpSim

pytestmark = pytest.mark.sim

N1, N2, N3 = "+14155550100", "+14155550101", "+14155550102"
_M = TypeVar("_M", bound=Message)


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


async def _twirp(sim: LiveKitTwirpSim, method: str, request: Message, answer: type[_M]) -> _M:
    """One SIP call the client library has no method for, sent as it sends the others
    (protobuf body, bearer token with the SIP admin grant)."""
    token = api.AccessToken(KEY, SECRET).with_sip_grants(api.SIPGrants(admin=True)).to_jwt()
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{sim.http_url}/twirp/livekit.SIP/{method}",
            data=request.SerializeToString(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/protobuf"},
        ) as response,
    ):
        body = await response.read()
        if response.status != 200:
            error = json.loads(body)
            raise api.TwirpError(error["code"], error["msg"], status=response.status)
    parsed = answer()
    parsed.ParseFromString(body)
    return parsed


def _trunk(name: str, numbers: list[str]) -> api.CreateSIPInboundTrunkRequest:
    return api.CreateSIPInboundTrunkRequest(
        trunk=api.SIPInboundTrunkInfo(name=name, numbers=numbers, allowed_addresses=["10.0.0.1"])
    )


def _rule(name: str, trunk_ids: list[str], numbers: list[str]) -> sip.SIPDispatchRuleInfo:
    return sip.SIPDispatchRuleInfo(
        name=name,
        trunk_ids=trunk_ids,
        numbers=numbers,
        rule=sip.SIPDispatchRule(
            dispatch_rule_individual=sip.SIPDispatchRuleIndividual(room_prefix="call")
        ),
    )


async def test_trunk_writes_are_checked_only_in_their_numbers_buckets(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    """livekit/livekit pkg/service/sip.go ``UpdateSIPInboundTrunk`` (and
    ``CreateSIPInboundTrunk``) list the trunks with ``Numbers:`` the trunk's new numbers
    (livekit/protocol livekit/sip.go ``ListSIPInboundTrunkRequest.Filter``) and run
    ``sip.ValidateTrunksIter`` over that listing only: a conflict elsewhere does not
    block an unrelated write."""
    # Two trunks on one number, as a server can hold from before the check existed.
    for trunk_id in ("ST_old1", "ST_old2"):
        sim.inbound_trunks[trunk_id] = sip.SIPInboundTrunkInfo(
            sip_trunk_id=trunk_id, name=trunk_id, numbers=[N1]
        )
    other = await lkapi.sip.create_inbound_trunk(_trunk("other", [N2]))
    moved = await lkapi.sip.update_inbound_trunk_fields(other.sip_trunk_id, numbers=[N3])
    assert list(moved.numbers) == [N3]
    # In the number's own bucket the check still applies.
    with pytest.raises(api.TwirpError) as refused:
        await lkapi.sip.create_inbound_trunk(_trunk("clash", [N1]))
    assert refused.value.code == "invalid_argument"
    assert "Conflicting inbound SIP Trunks" in refused.value.message


async def test_rule_updates_are_checked_only_against_rules_of_their_trunks(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    """pkg/service/sip.go ``UpdateSIPDispatchRule`` lists the rules with ``TrunkIds:``
    the updated rule's trunks (livekit/sip.go ``ListSIPDispatchRuleRequest.Filter``: a
    rule with no trunks passes) before ``sip.ValidateDispatchRulesIter``."""
    for rule_id in ("SDR_old1", "SDR_old2"):
        sim.dispatch_rules[rule_id] = _rule(rule_id, ["ST_a"], [N1])
        sim.dispatch_rules[rule_id].sip_dispatch_rule_id = rule_id
    mine = await lkapi.sip.create_dispatch_rule(
        api.CreateSIPDispatchRuleRequest(
            trunk_ids=["ST_b"], dispatch_rule=_rule("mine", ["ST_b"], [N2])
        )
    )
    renamed = await lkapi.sip.update_dispatch_rule_fields(mine.sip_dispatch_rule_id, name="new")
    assert renamed.name == "new"
    with pytest.raises(api.TwirpError) as refused:
        await lkapi.sip.update_dispatch_rule_fields(
            mine.sip_dispatch_rule_id, trunk_ids=models.ListUpdate(set=["ST_a"])
        )
    assert "same trunk, inbound number, number, and PIN" in refused.value.message


async def test_deleting_an_unknown_trunk_succeeds_an_unknown_rule_does_not(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    """pkg/service/sip.go ``DeleteSIPTrunk`` calls the store's ``DeleteSIPTrunk``
    (pkg/service/redisstore_sip.go: ``HDel`` on the three trunk tables, which does not
    care whether the id was there) and answers with the id; ``DeleteSIPDispatchRule``
    loads the rule first and answers ``NotFound``."""
    gone = await lkapi.sip.delete_trunk(api.DeleteSIPTrunkRequest(sip_trunk_id="ST_nothere"))
    assert gone.sip_trunk_id == "ST_nothere"
    with pytest.raises(api.TwirpError) as missing:
        await lkapi.sip.delete_dispatch_rule(
            api.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id="SDR_nothere")
        )
    assert (missing.value.code, missing.value.status) == ("not_found", 404)


async def test_an_empty_rule_id_is_an_invalid_argument(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    """pkg/service/sip.go ``DeleteSIPDispatchRule``: ``InvalidArgument`` "dispatch rule
    ID is required"; ``UpdateSIPDispatchRule`` runs livekit/sip.go
    ``UpdateSIPDispatchRuleRequest.Validate`` ("rule id must be set") first."""
    with pytest.raises(api.TwirpError) as deleting:
        await lkapi.sip.delete_dispatch_rule(api.DeleteSIPDispatchRuleRequest())
    assert deleting.value.code == "invalid_argument"
    assert deleting.value.message == "dispatch rule ID is required"
    with pytest.raises(api.TwirpError) as updating:
        await lkapi.sip.update_dispatch_rule_fields("", name="x")
    assert updating.value.code == "invalid_argument"
    with pytest.raises(api.TwirpError) as getting:
        await _twirp(
            sim,
            "GetSIPInboundTrunk",
            sip.GetSIPInboundTrunkRequest(),
            sip.GetSIPInboundTrunkResponse,
        )
    assert (getting.value.code, getting.value.message) == (
        "invalid_argument",
        "trunk ID is required",
    )


async def test_lists_are_sorted_by_id_and_honour_after_id(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    """pkg/service/redisstore.go ``sortPage`` sorts by id, ``redisIterPage`` and
    livekit/types.go ``Pagination.Filter`` keep ids after ``after_id``, and
    livekit/types.go ``ListPageIter``, which ``ListSIPInboundTrunk`` drains with
    ``iters.All``, walks every page: ``limit`` sizes the store's pages, not the answer."""
    ids = sorted(
        [
            (
                await lkapi.sip.create_inbound_trunk(_trunk(f"t{i}", [f"+1415555020{i}"]))
            ).sip_trunk_id
            for i in range(5)
        ]
    )
    listed = await lkapi.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())
    assert [t.sip_trunk_id for t in listed.items] == ids
    page = models.Pagination(after_id=ids[1], limit=2)
    after = await lkapi.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest(page=page))
    assert [t.sip_trunk_id for t in after.items] == ids[2:]
    last = models.Pagination(after_id=ids[-1], limit=2)
    empty = await lkapi.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest(page=last))
    assert list(empty.items) == []
    # A missing id is left out, not answered with an empty item (the store's Filter).
    by_id = await lkapi.sip.list_inbound_trunk(
        api.ListSIPInboundTrunkRequest(trunk_ids=["ST_missing", ids[0]])
    )
    assert [t.sip_trunk_id for t in by_id.items] == [ids[0]]


async def test_legacy_trunks_are_listed_as_inbound_outbound_or_both(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    """pkg/service/redisstore_sip.go ``ListSIPInboundTrunk``/``ListSIPOutboundTrunk``
    append the legacy ``sip_trunk`` table converted by livekit/sip.go
    ``SIPTrunkInfo.AsInbound``/``AsOutbound`` (nil for the other kind), and
    ``LoadSIPInboundTrunk`` falls back to it; ``DeleteSIPTrunk`` clears it too."""
    kind = sip.SIPTrunkInfo.TrunkKind
    both = sim.sip_state.add_legacy_trunk(
        sip.SIPTrunkInfo(
            name="old-both",
            kind=kind.TRUNK_LEGACY,
            outbound_number=N1,
            outbound_address="carrier.example.com",
            inbound_addresses=["10.0.0.9"],
            inbound_password="legacy-secret",
        )
    )
    inbound_only = sim.sip_state.add_legacy_trunk(
        sip.SIPTrunkInfo(name="old-in", kind=kind.TRUNK_INBOUND, outbound_number=N2)
    )
    inbound = await lkapi.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())
    outbound = await lkapi.sip.list_outbound_trunk(api.ListSIPOutboundTrunkRequest())
    assert {t.name for t in inbound.items} == {"old-both", "old-in"}
    assert {t.name for t in outbound.items} == {"old-both"}
    converted = next(t for t in inbound.items if t.name == "old-both")
    assert (list(converted.numbers), list(converted.allowed_addresses)) == ([N1], ["10.0.0.9"])
    assert converted.auth_password == "legacy-secret"
    got = await _twirp(
        sim,
        "GetSIPInboundTrunk",
        sip.GetSIPInboundTrunkRequest(sip_trunk_id=inbound_only.sip_trunk_id),
        sip.GetSIPInboundTrunkResponse,
    )
    assert got.trunk.name == "old-in"
    legacy = await _twirp(sim, "ListSIPTrunk", sip.ListSIPTrunkRequest(), sip.ListSIPTrunkResponse)
    assert {t.sip_trunk_id for t in legacy.items} == {both.sip_trunk_id, inbound_only.sip_trunk_id}
    await lkapi.sip.delete_trunk(api.DeleteSIPTrunkRequest(sip_trunk_id=both.sip_trunk_id))
    after = await lkapi.sip.list_outbound_trunk(api.ListSIPOutboundTrunkRequest())
    assert list(after.items) == []


@pytest.mark.parametrize(
    ("media", "message"),
    [
        (sip.SIPMediaConfig(codecs=[sip.SIPCodec(name="")]), "missing codec name"),
        (sip.SIPMediaConfig(codecs=[sip.SIPCodec(name="PCMU 8000")]), "invalid codec name"),
        (
            sip.SIPMediaConfig(codecs=[sip.SIPCodec(name="PCMU/8000")]),
            "codec name must not contain '/'",
        ),
    ],
    ids=["empty", "whitespace", "slash"],
)
async def test_codec_errors_are_distinct(
    lkapi: api.LiveKitAPI, media: sip.SIPMediaConfig, message: str
) -> None:
    """livekit/sip.go ``SIPCodec.Validate``: three failures, three messages, through
    ``SIPMediaConfig.Validate`` in ``SIPInboundTrunkInfo.ValidateResult``."""
    request = _trunk("codec", [N1])
    request.trunk.media.CopyFrom(media)
    with pytest.raises(api.TwirpError) as refused:
        await lkapi.sip.create_inbound_trunk(request)
    assert (refused.value.code, refused.value.message) == ("invalid_argument", message)


async def test_media_timeout_bounds_are_separate_errors(lkapi: api.LiveKitAPI) -> None:
    """livekit/sip.go ``SIPMediaConfig.Validate``: negative, and over
    ``MaxSIPMediaTimeout`` (10 minutes, printed "10m0s")."""
    for seconds, message in ((-1, "media_timeout must not be negative"), (601, "10m0s")):
        request = _trunk("timeout", [N1])
        request.trunk.media.media_timeout.FromSeconds(seconds)
        with pytest.raises(api.TwirpError) as refused:
            await lkapi.sip.create_inbound_trunk(request)
        assert message in refused.value.message


async def test_header_values_are_measured_in_bytes(lkapi: api.LiveKitAPI) -> None:
    """livekit/sip_validation.go ``ValidateHeaderValueResult``: Go's ``len(value) >
    1024`` counts bytes, so 1024 characters with one two-byte letter are refused."""
    fits = _trunk("ascii", [N1])
    fits.trunk.headers["X-Note"] = "a" * 1024
    await lkapi.sip.create_inbound_trunk(fits)
    over = _trunk("accented", [N2])
    over.trunk.headers["X-Note"] = "é" + "a" * 1023
    with pytest.raises(api.TwirpError) as refused:
        await lkapi.sip.create_inbound_trunk(over)
    assert "value too long" in refused.value.message


async def test_route_follows_the_servers_matching(
    sim: LiveKitTwirpSim, lkapi: api.LiveKitAPI
) -> None:
    """pkg/service/ioservice_sip.go ``EvaluateSIPDispatchRules`` over livekit/protocol
    sip/sip.go ``MatchTrunkDetailed`` (a trunk listing the number beats the default
    trunk; two defaults fail the call) and ``MatchDispatchRuleIter`` (a rule of the
    trunk beats a wildcard; with no trunk matched only wildcards apply)."""
    specific = await lkapi.sip.create_inbound_trunk(_trunk("specific", [N1]))
    default = await lkapi.sip.create_inbound_trunk(
        api.CreateSIPInboundTrunkRequest(
            trunk=api.SIPInboundTrunkInfo(name="default", allowed_addresses=["10.0.0.2"])
        )
    )
    for name, trunks, numbers in (
        ("on-specific", [specific.sip_trunk_id], []),
        ("on-default", [default.sip_trunk_id], [N2]),
        ("wildcard", [], [N3]),
    ):
        await lkapi.sip.create_dispatch_rule(
            api.CreateSIPDispatchRuleRequest(dispatch_rule=_rule(name, trunks, numbers))
        )
    routes = {n: sim.sip_state.route(n) for n in (N1, N2, N3)}
    assert {
        n: (r[0].name if r and r[0] else None, r[1].name if r else None) for n, r in routes.items()
    } == {
        N1: ("specific", "on-specific"),
        N2: ("default", "on-default"),
        N3: ("default", "wildcard"),
    }
    sim.inbound_trunks["ST_second_default"] = sip.SIPInboundTrunkInfo(
        sip_trunk_id="ST_second_default", allowed_addresses=["10.0.0.3"]
    )
    assert sim.sip_state.route(N2) is None  # "Multiple default SIP Trunks matched"
