"""Request bodies: nesting measured without recursion, duplicates and bad bytes refused."""

from __future__ import annotations

import pytest

from worker.tokens.json_body import BodyError, nested_deeper_than, parse_json_body

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "deeper_than_2"),
    [
        ('{"a": {"b": 1}}', False),
        ('{"a": {"b": [1]}}', True),
        ('{"a": "[[[[[[[[[[["}', False),  # brackets in a string are text
        ('{"a": "\\\\\\"[[[[["}', False),  # escaped quotes stay inside the string
        ("[" * 100_000, True),
    ],
)
def test_nesting_is_measured_outside_strings(text: str, deeper_than_2: bool) -> None:
    assert nested_deeper_than(text, 2) is deeper_than_2


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"[" * 50_000 + b"]" * 50_000, "nested more than 8"),
        (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
        (b'{"a": "\xff"}', "not UTF-8"),
        (b"{nope", "must be JSON"),
        (b'{"a": ' + b"9" * 5000 + b"}", "must be JSON"),
    ],
)
def test_bodies_the_parser_cannot_take_are_refused(raw: bytes, says: str) -> None:
    with pytest.raises(BodyError, match=says):
        parse_json_body(raw, max_depth=8)


def test_a_request_body_parses() -> None:
    body = b'{"room_config": {"agents": [{"agent_name": "x", "attributes": {"k": "v"}}]}}'
    assert parse_json_body(body, max_depth=8)["room_config"]["agents"][0]["agent_name"] == "x"
