"""When an update can go out field by field (`dispatch.kinds.field_level_update`)."""

from __future__ import annotations

import pytest
from livekit.protocol import sip

from dispatch.kinds import KINDS, field_level_update

pytestmark = pytest.mark.unit


def test_trunk_fields_with_an_update_go_field_by_field() -> None:
    current = sip.SIPInboundTrunkInfo(numbers=["+14155550100"], krisp_enabled=True)
    wanted = sip.SIPInboundTrunkInfo(numbers=["+14155550100", "+14155550101"], metadata="m")
    spec = KINDS["inbound_trunk"]
    assert field_level_update(spec, {"numbers", "metadata"}, wanted, current) == {
        "numbers": ["+14155550100", "+14155550101"],
        "metadata": "m",
    }
    # krisp_enabled has no field in SIPInboundTrunkUpdate (livekit_sip.proto).
    assert field_level_update(spec, {"krisp_enabled"}, wanted, current) is None
    # An emptied list cannot be sent as a set (livekit/types.go ListUpdate.Validate).
    emptied = sip.SIPInboundTrunkInfo(auth_username="u")
    assert field_level_update(spec, {"numbers"}, emptied, current) is None


def test_rule_attributes_go_as_a_diff() -> None:
    spec = KINDS["dispatch_rule"]
    current = sip.SIPDispatchRuleInfo(attributes={"keep": "1", "drop": "2"})
    wanted = sip.SIPDispatchRuleInfo(attributes={"keep": "1", "new": "3"})
    # livekit/types.go applyMapDiff: "" deletes a key.
    assert field_level_update(spec, {"attributes"}, wanted, current) == {
        "attributes": {"drop": "", "keep": "1", "new": "3"}
    }
    empty_value = sip.SIPDispatchRuleInfo(attributes={"flag": ""})
    assert field_level_update(spec, {"attributes"}, empty_value, current) is None
    assert field_level_update(spec, {"room_config"}, wanted, current) is None
