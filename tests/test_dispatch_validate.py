"""Local checks of the dispatch file: the server's conflict rules, mirrored."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.model import DispatchFile
from dispatch.validate import ValidationContext, validate

pytestmark = pytest.mark.unit

CTX = ValidationContext(
    path="d.yaml",
    region="US",
    agent_name="callcenter",
    agent_noise_cancellation=False,
    trunk_krisp_expected=False,
)


def _messages(document: dict[str, Any], env: dict[str, str] | None = None) -> list[str]:
    result = validate(DispatchFile.model_validate(document), CTX, env or {})
    return [str(p) for p in result.problems]


def test_disjoint_caller_filters_share_a_number() -> None:
    document = {
        "inbound_trunks": [
            {"name": "a", "numbers": ["+14155550100"], "allowed_numbers": ["+12025550143"]},
            {"name": "b", "numbers": ["4155550100"], "allowed_numbers": ["+12025550144"]},
        ]
    }
    assert _messages(document) == []


def test_addresses_do_not_separate_trunks_on_one_number() -> None:
    document = {
        "inbound_trunks": [
            {"name": "a", "numbers": ["+14155550100"], "allowed_addresses": ["192.0.2.1"]},
            {"name": "b", "numbers": ["(415) 555-0100"], "allowed_addresses": ["198.51.100.1"]},
        ]
    }
    [message] = _messages(document)
    assert message.startswith("d.yaml: inbound_trunks[b].numbers: conflicts with inbound trunk 'a'")


def test_rule_keys_differ_by_pin_or_caller() -> None:
    base = {"type": "individual", "trunks": ["t"], "room_prefix": "x"}
    document = {
        "inbound_trunks": [{"name": "t", "numbers": ["+14155550100"]}],
        "dispatch_rules": [
            {"name": "open", **base},
            {"name": "pinned", **base, "pin": "1234"},
            {"name": "vip", **base, "inbound_numbers": ["+12025550143"]},
        ],
    }
    assert _messages(document) == []
    document["dispatch_rules"].append({"name": "again", **base})
    assert _messages(document) == [
        "d.yaml: dispatch_rules[again].trunks: conflicts with dispatch rule 'open': same trunk "
        "(t), caller number (any) and PIN"
    ]


def test_rule_shape_and_reserved_metadata() -> None:
    document = {
        "dispatch_rules": [
            {"name": "d", "type": "direct", "room_prefix": "p", "randomize": True},
            {"name": "m", "type": "callee", "pin": "1", "metadata": {"managed_by": "me"}},
        ]
    }
    assert _messages(document) == [
        "d.yaml: dispatch_rules[d].room_name: a direct rule needs room_name",
        "d.yaml: dispatch_rules[d].room_prefix: a direct rule has room_name, not a prefix",
        "d.yaml: dispatch_rules[d].randomize: does not apply to a direct rule",
        "d.yaml: dispatch_rules[m].metadata: reserved key(s) ['managed_by'] are set by the tool",
    ]


def test_outbound_trunk_needs_host_and_numbers() -> None:
    document = {"outbound_trunks": [{"name": "o", "address": "sip:carrier.example.com"}]}
    assert _messages(document) == [
        "d.yaml: outbound_trunks[o].numbers: an outbound trunk needs at least one number",
        "d.yaml: outbound_trunks[o].address: must be a host[:port], not a SIP URI",
    ]
