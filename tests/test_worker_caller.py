"""Who is a phone caller is decided by the participant kind LiveKit sets, and bad input
(SIP attributes, dispatch metadata) has a defined outcome instead of an exception."""

from __future__ import annotations

import json

import pytest
from livekit import rtc

from sip.attributes import MAX_ATTRIBUTE_CHARS, MAX_HEADERS, parse_sip_attributes
from worker.caller import MAX_METADATA_CHARS, describe_caller, parse_dispatch_metadata

pytestmark = pytest.mark.unit

SIP = rtc.ParticipantKind.PARTICIPANT_KIND_SIP
STANDARD = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD


def test_app_participant_with_sip_attributes_is_still_an_app_caller() -> None:
    forged = {
        "sip.callID": "SCL_forged",
        "sip.phoneNumber": "+15550100",
        "sip.trunkPhoneNumber": "+15550200",
    }
    caller = describe_caller(participant_kind=STANDARD, identity="web-1", attributes=forged)
    assert caller.kind == "app"
    # Nothing the client set reaches routing or the call id.
    assert (caller.sip, caller.call_id, caller.dialed_number) == (None, None, None)


def test_sip_participant_without_attributes_is_a_phone_caller_with_nothing_known() -> None:
    caller = describe_caller(participant_kind=SIP, identity="sip_x", attributes={})
    assert caller.kind == "phone"
    assert caller.sip is not None
    assert (caller.call_id, caller.dialed_number, caller.sip.inbound) == (None, None, False)


def test_malformed_and_oversized_sip_attributes_are_dropped() -> None:
    attributes = {
        "sip.callID": "SCL_1",
        "sip.trunkPhoneNumber": "not a number",
        "sip.phoneNumber": "1 (555) 010-0123",
        "sip.trunkID": "T" * (MAX_ATTRIBUTE_CHARS + 1),
        **{f"sip.h.x-{i}": "v" for i in range(MAX_HEADERS * 4)},
    }
    call = parse_sip_attributes(attributes)
    assert call.call_id == "SCL_1"
    assert call.dialed_number == ""  # routes to the default tenant
    assert call.caller_number == "+15550100123"
    assert call.trunk_id == ""
    assert call.dropped == ("sip.trunkID",)
    assert len(call.headers) == MAX_HEADERS


@pytest.mark.parametrize(
    ("metadata", "problem"),
    [
        ("", None),
        ("not json", "not_json"),
        ("[1, 2]", "not_an_object"),
        ("[" * 1000 + "]" * 1000, "too_deep"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "too_long"),
        (json.dumps({"tenant": "x" * (MAX_METADATA_CHARS)}), "too_long"),
    ],
)
def test_bad_dispatch_metadata_means_no_tenant(metadata: str, problem: str | None) -> None:
    parsed = parse_dispatch_metadata(metadata)
    assert (parsed.tenant, parsed.entry_point, parsed.problem) == (None, None, problem)


def test_deeply_nested_metadata_within_the_size_limit_is_refused_not_raised() -> None:
    nested = '{"a":' * 2000 + "1" + "}" * 2000
    assert len(nested) < MAX_METADATA_CHARS
    assert parse_dispatch_metadata(nested).problem == "too_deep"


def test_dispatch_metadata_tenant_and_entry_point() -> None:
    parsed = parse_dispatch_metadata('{"tenant": "bank", "entry_point": "bank-app", "n": 1}')
    assert (parsed.tenant, parsed.entry_point, parsed.problem) == ("bank", "bank-app", None)
    assert parse_dispatch_metadata('{"tenant": 7}').tenant is None
