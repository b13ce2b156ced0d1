"""Attack: put a phone caller's room inside the app callers' room prefix.

The token endpoint (`worker/tokens/grants.py`) gives any holder of the app's bearer secret a
token for a room named under ``settings.tokens.room_prefix`` (default ``app-``). A
dispatch rule whose rooms can fall under that prefix would let anyone with the app join
a phone caller's room and hear the call. So ``dispatch validate`` and ``dispatch plan``
refuse such a rule before any server call, naming the file, line and field.

What the attacker controls: the dispatch file (a merge request), and the SIP user in
From/To of their own call, which LiveKit puts into the room name of an individual or
callee rule (livekit/protocol ``sip/sip.go`` ``EvaluateDispatchRule``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dispatch_harness import run_cli, write_file

from config import Settings
from config.settings import LiveKitSettings, TokenEndpointSettings

pytestmark = pytest.mark.unit

AGENT = {"agents": [{"agent_name": "callcenter"}]}
TRUNK = {"name": "carrier", "numbers": ["+14155550100"], "allowed_addresses": ["192.0.2.0/24"]}


def _settings(app_prefix: str = "app-") -> Settings:
    # Port 9 (discard) on loopback: nothing answers, so a command that contacted the
    # server would fail with exit 1, not refuse the file with exit 2.
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        livekit=LiveKitSettings(url="http://127.0.0.1:9", api_key="k", api_secret="s" * 32),
        tokens=TokenEndpointSettings(room_prefix=app_prefix),
    )


def _file(tmp_path: Path, rule: dict[str, Any]) -> Path:
    document = {
        "stack": "acme-lines",
        "inbound_trunks": [TRUNK],
        "dispatch_rules": [{"name": "phone", "trunks": ["carrier"], "room_config": AGENT, **rule}],
    }
    return write_file(tmp_path, document)


ATTACKS: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "a direct rule naming an app room",
        {"type": "direct", "room_name": "app-user-42"},
        "app-",
        "dispatch_rules[phone].room_name: room 'app-user-42' is inside the app callers' room "
        "prefix 'app-'",
    ),
    (
        "a prefix inside the app prefix",
        {"type": "individual", "room_prefix": "app-support"},
        "app-",
        "dispatch_rules[phone].room_prefix: rooms app-support_<number>... overlap the app "
        "callers' room prefix 'app-'",
    ),
    (
        "a prefix the app prefix extends",
        {"type": "callee", "room_prefix": "mobile"},
        "mobile_",
        "dispatch_rules[phone].room_prefix: rooms mobile_<number>... overlap the app callers' "
        "room prefix 'mobile_'",
    ),
    (
        "no prefix: the room is the caller's SIP user, e.g. From: app-user-42",
        {"type": "individual"},
        "app-",
        "dispatch_rules[phone].room_prefix: without room_prefix, an individual rule names each "
        "room after the SIP user the caller sends",
    ),
    (
        "no prefix on a callee rule: the room is the dialed SIP user",
        {"type": "callee", "room_prefix": ""},
        "app-",
        "dispatch_rules[phone].room_prefix: without room_prefix, a callee rule",
    ),
]


@pytest.mark.parametrize(
    ("rule", "app_prefix", "refusal"),
    [(r, p, m) for _, r, p, m in ATTACKS],
    ids=[name for name, _, _, _ in ATTACKS],
)
async def test_a_phone_room_inside_the_app_prefix_is_refused(
    tmp_path: Path, rule: dict[str, Any], app_prefix: str, refusal: str
) -> None:
    path = _file(tmp_path, rule)
    for command in ("validate", "plan"):
        result = await run_cli(["--config", str(path), command], _settings(app_prefix))
        assert result.code == 2, (command, result.out, result.err)
        assert f"{path}:" in result.err and refusal in result.err, result.err
        assert "nothing was sent to the server" in result.err


@pytest.mark.parametrize(
    "rule",
    [
        {"type": "direct", "room_name": "lobby"},
        {"type": "individual", "room_prefix": "app"},  # rooms app_<number>: not app-...
        {"type": "callee", "room_prefix": "call-app-"},
    ],
    ids=["direct", "look-alike prefix", "app- later in the name"],
)
async def test_phone_rooms_outside_the_app_prefix_pass(
    tmp_path: Path, rule: dict[str, Any]
) -> None:
    result = await run_cli(["--config", str(_file(tmp_path, rule)), "validate"], _settings())
    assert result.code == 0, result.err
