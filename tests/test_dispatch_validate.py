"""Local checks of the dispatch file: the server's rules (livekit/protocol sip/sip.go,
livekit/sip.go) and the defences against careless or hostile YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.yaml_source import MAX_BYTES
from dispatch.model import DispatchFile, InvalidFile, load_file, parse_file
from dispatch.validate import ValidationContext, validate

pytestmark = pytest.mark.unit

CTX = ValidationContext(
    path="d.yaml",
    region="US",
    agent_name="callcenter",
    agent_noise_cancellation=False,
    trunk_krisp_expected=False,
    app_room_prefix="app-",
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
        "(t), caller number (any), dialed number (any) and PIN (none)"
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
        "d.yaml: dispatch_rules[m].room_prefix: without room_prefix, a callee rule names each "
        "room after the SIP user the caller sends, which can be anything, the app callers' "
        "room prefix 'app-' (settings.tokens.room_prefix) included; set a room_prefix "
        "outside it",
        "d.yaml: dispatch_rules[m].metadata: reserved key(s) ['managed_by'] are set by the tool",
    ]


def test_outbound_trunk_needs_host_and_numbers() -> None:
    document = {"outbound_trunks": [{"name": "o", "address": "sip:carrier.example.com"}]}
    assert _messages(document) == [
        "d.yaml: outbound_trunks[o].numbers: an outbound trunk needs at least one number",
        "d.yaml: outbound_trunks[o].address: must be a host[:port] or IP, not a SIP URI",
    ]


def test_one_trunk_with_one_rule_per_dialed_number_is_valid() -> None:
    # sip/sip.go DispatchRuleValidator keys rules by dialed number too.
    rule = {"type": "callee", "trunks": ["carrier"], "room_prefix": "x"}
    document = {
        "inbound_trunks": [{"name": "carrier", "numbers": ["+14155550100", "+14155550101"]}],
        "dispatch_rules": [
            {"name": "sales", **rule, "numbers": ["+14155550100"]},
            {"name": "support", **rule, "numbers": ["(415) 555-0101"]},
        ],
    }
    assert _messages(document) == []
    document["dispatch_rules"].append({"name": "also-sales", **rule, "numbers": ["4155550100"]})
    [message] = _messages(document)
    assert "dispatch_rules[also-sales].trunks: conflicts with dispatch rule 'sales'" in message
    assert "dialed number (+14155550100)" in message


def test_extensions_and_sip_user_names_are_numbers() -> None:
    document = {
        "inbound_trunks": [
            {"name": "pbx", "numbers": ["1001", "sales-desk"], "allowed_addresses": ["10.0.0.5"]},
            {"name": "typo", "numbers": ["415555010"], "auth_username": "u"},
        ]
    }
    [message] = _messages(document)
    assert message.startswith("d.yaml: inbound_trunks[typo].numbers: '415555010' is not a valid")
    assert "an extension has at most 6 digits" in message


def test_server_validation_runs_locally() -> None:
    document = {
        "inbound_trunks": [
            {"name": "open"},
            {"name": "hdr", "numbers": ["+14155550100"], "headers": {"Contact": "x"}},
            {"name": "map", "numbers": ["+14155550101"], "headers_to_attributes": {"X Id": "id"}},
        ],
        "outbound_trunks": [
            {"name": "o", "address": "carrier.example.com;transport=tcp", "numbers": ["1001"]}
        ],
    }
    messages = _messages(document)
    assert messages[0].startswith("d.yaml: inbound_trunks[open].numbers: an inbound trunk")
    assert "LiveKit refuses an open trunk" in messages[0]
    assert (
        "inbound_trunks[hdr].headers.Contact: header 'Contact' is set by LiveKit itself"
        in (messages[1])
    )
    assert "inbound_trunks[map].headers_to_attributes.X Id: header name 'X Id'" in messages[2]
    assert "outbound_trunks[o].address: must not carry ;transport=" in messages[3]
    assert len(messages) == 4


def test_several_agents_with_attributes() -> None:
    document = {
        "dispatch_rules": [
            {
                "name": "bilingual",
                "type": "individual",
                "room_prefix": "call",
                "room_config": {
                    "agents": [
                        {"agent_name": "callcenter", "attributes": {"lang": "en"}},
                        {"agent_name": "callcenter-es", "attributes": {"lang": "es"}},
                    ]
                },
            },
            {
                "name": "twice",
                "type": "individual",
                "room_prefix": "pin",
                "pin": "1234",
                "room_config": {
                    "agents": [{"agent_name": "callcenter"}, {"agent_name": "callcenter"}]
                },
            },
        ]
    }
    result = validate(DispatchFile.model_validate(document), CTX, {})
    assert [str(p) for p in result.problems] == [
        "d.yaml: dispatch_rules[twice].room_config.agents.1.agent_name: 'callcenter' is listed "
        "twice (it would join the room twice)"
    ]
    assert any("agent 'callcenter-es'" in w for w in result.warnings)


HOSTILE: list[tuple[str, str, str]] = [
    (
        "duplicate key",
        "inbound_trunks:\n  - name: a\n    numbers: ['+14155550100']\ninbound_trunks: []\n",
        "d.yaml:4: duplicate key 'inbound_trunks' (first on line 1)",
    ),
    (
        "alias bomb",
        "x: &a [1, 1]\ny: &b [*a, *a]\ninbound_trunks: []\n",
        "d.yaml:2: YAML aliases (*name) are not allowed",
    ),
    ("not a mapping", "- a\n- b\n", "d.yaml:1: top level must be a mapping"),
    ("deep nesting", "x: " + "[" * 5000 + "]" * 5000 + "\n", "d.yaml:1: nested too deeply"),
    (
        "unquoted PIN",
        "dispatch_rules:\n  - name: r\n    type: direct\n    room_name: r\n    pin: 1234\n",
        "d.yaml:5: dispatch_rules[r].pin: Input should be a valid string (write the PIN quoted; "
        "YAML read it as a number, 0123 as octal)",
    ),
    (
        "wrong type",
        "inbound_trunks:\n  - name: a\n    numbers: +14155550100\n",
        "d.yaml:3: inbound_trunks[a].numbers: Input should be a valid list",
    ),
    (
        "misspelt section",
        "inbound_trunk: []\n",
        "d.yaml:1: inbound_trunk: Extra inputs are not permitted; did you mean 'inbound_trunks'?",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [(t, m) for _, t, m in HOSTILE], ids=[n for n, _, _ in HOSTILE]
)
def test_hostile_and_careless_yaml_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidFile) as refused:
        parse_file(text, "d.yaml")
    assert any(str(p).startswith(message) for p in refused.value.problems), refused.value


def test_undecodable_and_huge_files_are_refused(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"inbound_trunks: []\n# caf\xe9\n")
    with pytest.raises(InvalidFile) as undecodable:
        load_file(latin1)
    [problem] = undecodable.value.problems
    assert str(problem).startswith(f"{latin1}:2: not UTF-8 (byte 0xe9")
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(InvalidFile) as too_big:
        load_file(huge)
    assert f"the limit is {MAX_BYTES}" in str(too_big.value)


def test_limits_are_counted_in_bytes_as_livekit_counts_them() -> None:
    """livekit/protocol livekit/sip_validation.go (header names 255, values 1024) and
    livekit/livekit pkg/config/config.go (room names 256, attributes 64 KiB): Go's len()."""
    trunk = {"name": "t", "numbers": ["+14155550100"]}
    fits = {**trunk, "headers": {"X-Note": "é" * 512}}  # 512 characters, 1024 bytes
    over = {
        **trunk,
        "name": "u",
        "numbers": ["+14155550101"],
        "headers": {"X-Note": "é" + "a" * 1023},
    }
    rule = {"type": "direct", "trunks": ["t"], "numbers": ["+14155550100"]}
    document = {
        "inbound_trunks": [fits, over],
        "dispatch_rules": [
            {"name": "room", **rule, "room_name": "ü" * 129},  # 258 bytes
            {
                "name": "attrs",
                **rule,
                "pin": "1234",
                "room_name": "r",
                "attributes": {"k": "é" * 32768},
            },
        ],
    }
    assert _messages(document) == [
        "d.yaml: inbound_trunks[u].headers.X-Note: value of X-Note is 1025 bytes; LiveKit "
        "allows 1024 (it counts bytes, not characters)",
        "d.yaml: dispatch_rules[room].room_name: is 258 bytes; LiveKit's room names hold 256",
        "d.yaml: dispatch_rules[attrs].attributes: are 65537 bytes; LiveKit allows 65536 in all",
    ]
