"""`dispatch.server_rules` against livekit/protocol's own test cases.

Cases from sip/sip_test.go (TestSIPValidateDispatchRules' dispatchCases,
TestSIPValidateTrunks' trunkCases and TestSIPValidateTrunksNormalizedNumbers,
TestNormalizeNumber) and livekit/sip.go's validation, so the tool's local checks and
the server agree on what is refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from livekit.protocol import sip

from dispatch.numbers import server_key
from dispatch.server_rules import check_inbound, check_outbound, inbound_clashes, rule_clashes

pytestmark = pytest.mark.unit

N1, N2, N3 = "1111 1111", "2222 2222", "3333 3333"


def _direct(pin: str = "", **fields: Any) -> sip.SIPDispatchRuleInfo:
    return sip.SIPDispatchRuleInfo(
        rule=sip.SIPDispatchRule(
            dispatch_rule_direct=sip.SIPDispatchRuleDirect(room_name="r", pin=pin)
        ),
        **fields,
    )


def _individual(pin: str = "", **fields: Any) -> sip.SIPDispatchRuleInfo:
    return sip.SIPDispatchRuleInfo(
        rule=sip.SIPDispatchRule(
            dispatch_rule_individual=sip.SIPDispatchRuleIndividual(room_prefix="p_", pin=pin)
        ),
        **fields,
    )


@pytest.mark.parametrize(
    ("rules", "valid"),
    [
        ([_direct("123", trunk_ids=["aaa"]), _direct("123", trunk_ids=["aaa", "bbb"])], False),
        ([_direct("123", trunk_ids=["aaa"]), _direct("123", trunk_ids=["bbb"])], True),
        ([_direct("123"), _direct("123", trunk_ids=["aaa"])], True),
        ([_direct(), _direct()], False),
        ([_direct(), _direct(inbound_numbers=[N1])], True),
        ([_direct(inbound_numbers=[N1]), _direct(inbound_numbers=[N1, N2])], False),
        ([_individual("123"), _direct("123")], False),
        ([_individual(), _direct()], False),
        ([_individual("123"), _direct("456")], True),
        ([_direct(), _direct(numbers=[N2])], True),
        ([_direct(numbers=[N1]), _direct(numbers=[N1, N2])], False),
        ([_direct("123"), _direct(numbers=[N2], inbound_numbers=[N1])], True),
        ([_direct(trunk_ids=["a"], numbers=[N1]), _direct(trunk_ids=["a"], numbers=[N2])], True),
        ([_direct(numbers=["+" + N1]), _direct(numbers=[N1])], False),
    ],
)
def test_rule_conflicts(rules: list[sip.SIPDispatchRuleInfo], valid: bool) -> None:
    assert (rule_clashes(rules) == []) is valid


def _trunk(**fields: Any) -> sip.SIPInboundTrunkInfo:
    return sip.SIPInboundTrunkInfo(**fields)


@pytest.mark.parametrize(
    ("trunks", "valid"),
    [
        ([_trunk(numbers=[N3]), _trunk(numbers=[N2])], True),
        ([_trunk(numbers=[N3]), _trunk(numbers=[N2]), _trunk(numbers=[N2])], False),
        ([_trunk(numbers=[N3]), _trunk(), _trunk(numbers=[N2]), _trunk()], False),
        ([_trunk(numbers=[N2]), _trunk(numbers=[N2], allowed_numbers=[N1 + "1"])], True),
        ([_trunk(numbers=["+" + N2, N2])], True),
        ([_trunk(numbers=["+" + N2]), _trunk(numbers=[N2])], False),
        (
            [
                _trunk(numbers=[N2], allowed_numbers=["+" + N1]),
                _trunk(numbers=[N2], allowed_numbers=[N1]),
            ],
            False,
        ),
        (
            [
                _trunk(numbers=[N2], allowed_addresses=["10.0.0.1"]),
                _trunk(numbers=[N2], allowed_addresses=["10.0.0.2"]),
            ],
            False,
        ),
    ],
)
def test_trunk_conflicts(trunks: list[sip.SIPInboundTrunkInfo], valid: bool) -> None:
    assert (inbound_clashes(trunks) == []) is valid


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("", ""),
        ("123", "+123"),
        ("+123", "+123"),
        ("user", "user"),
        ("(123) 456 7890", "+1234567890"),
    ],
)
def test_server_key_is_normalize_number(number: str, key: str) -> None:
    assert server_key(number) == key


def test_single_object_validation() -> None:
    assert check_inbound(_trunk()) != []
    assert check_inbound(_trunk(auth_username="u")) == []
    assert check_inbound(_trunk(numbers=[N1], headers={"X-Ok": "1", "contact": "x"})) != []
    # "Via" is only deprecated (a soft failure on the server), not refused.
    assert check_inbound(_trunk(numbers=[N1], headers={"Via": "x"})) == []
    assert check_outbound(sip.SIPOutboundTrunkInfo(address="h.example.com", numbers=[N1])) == []
    for address in ("sip:h.example.com", "u@h.example.com", "h.example.com;transport=tcp"):
        assert check_outbound(sip.SIPOutboundTrunkInfo(address=address, numbers=[N1])) != []
