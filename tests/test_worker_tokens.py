"""The app callers' token endpoint, over HTTP, in LiveKit's token-endpoint format.

Request bodies are shaped as client-sdk-js's endpoint ``TokenSource`` sends them
(``TokenSourceRequest`` JSON with proto field names); tokens are checked by verifying the
JWT signature with the LiveKit secret and decoding what LiveKit would read from it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp.test_utils import TestClient
from livekit import api
from support import ROOT, RunModule

from config import Settings, TenantDirectory
from config.tenants import TenantSettings
from worker.tokens.http_app import build_token_app
from worker.tokens.rate_limit import RateLimiter

pytestmark = pytest.mark.unit

API_KEY = "APIcallcenterTest"
API_SECRET = "a-livekit-api-secret-long-enough-for-hs256"
BEARER = "tB8v-Qx2mZp9_Lk4WvN8sTd1HcE6uJ0aYf3R"
AUTH = {"Authorization": f"Bearer {BEARER}"}
_OTHER_TENANT = '{"tenant":"x"}'


def _settings(tenants: dict[str, Any] | None = None, **tokens: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        livekit={"url": "wss://lk.example.com", "api_key": API_KEY, "api_secret": API_SECRET},
        tokens={"bearer_secret": BEARER, "ttl_s": 300, **tokens},
        tenants=tenants or {},
    )


def _directory(*names: str) -> TenantDirectory:
    return TenantDirectory({name: TenantSettings() for name in names}, "default")


@pytest.fixture
def make_client(app_client: Callable[..., Any]) -> Callable[..., Any]:
    async def make(settings: Settings | None = None, **kwargs: Any) -> TestClient[Any, Any]:
        client: TestClient[Any, Any] = await app_client(
            build_token_app(settings or _settings(), **kwargs)
        )
        return client

    return make


def _claims(token: str) -> dict[str, Any]:
    """The JWT's claims, its HS256 signature verified with the LiveKit secret."""
    claims: dict[str, Any] = jwt.decode(
        token, API_SECRET, algorithms=["HS256"], issuer=API_KEY, options={"require": ["exp"]}
    )
    return claims


async def test_issues_a_token_in_livekits_format(make_client: Callable[..., Any]) -> None:
    client = await make_client()
    response = await client.post(
        "/token",
        headers=AUTH,
        json={
            "participant_identity": "user-42",
            "participant_name": "Ada",
            "participant_attributes": {"app.version": "3.1"},
        },
    )
    assert response.status == 201
    body = await response.json()
    # TokenSourceResponse, and the ticket to rejoin the room (SDKs ignore unknown fields).
    assert set(body) == {"server_url", "participant_token", "room_ticket"}
    assert body["server_url"] == "wss://lk.example.com"

    claims = _claims(body["participant_token"])
    assert claims["sub"] == "user-42"
    assert claims["name"] == "Ada"
    assert claims["attributes"] == {"app.version": "3.1"}
    assert claims["exp"] - claims["nbf"] == 300
    video = claims["video"]
    assert video["roomJoin"] is True
    assert video["room"].startswith("app-")
    assert video["canPublishSources"] == ["microphone"]
    assert video["canUpdateOwnMetadata"] is False
    assert not video.get("roomAdmin") and not video.get("roomCreate")

    grants = api.TokenVerifier(API_KEY, API_SECRET).verify(body["participant_token"])
    assert grants.room_config is not None
    assert [(a.agent_name, json.loads(a.metadata)) for a in grants.room_config.agents] == [
        ("callcenter", {"tenant": "default"})
    ]


async def test_each_call_gets_its_own_unguessable_room(make_client: Callable[..., Any]) -> None:
    client = await make_client()
    rooms = set()
    for _ in range(3):
        response = await client.post("/token", headers=AUTH, json={})
        assert response.status == 201
        rooms.add(_claims((await response.json())["participant_token"])["video"]["room"])
    assert len(rooms) == 3


async def test_sdk_agent_name_option_is_accepted(
    make_client: Callable[..., Any],
) -> None:
    client = await make_client(tenants=_directory("acme"))
    # What TokenSource.endpoint sends for {agentName}: room_config.agents[0].
    response = await client.post(
        "/token/acme",
        headers=AUTH,
        json={"room_config": {"agents": [{"agent_name": "callcenter"}]}},
    )
    assert response.status == 201
    grants = api.TokenVerifier(API_KEY, API_SECRET).verify(
        (await response.json())["participant_token"]
    )
    assert grants.video is not None and grants.video.room.startswith("app-")
    assert grants.room_config is not None
    assert [(a.agent_name, a.metadata) for a in grants.room_config.agents] == [
        ("callcenter", '{"tenant":"acme"}')
    ]


async def test_known_tenants_default_to_settings(make_client: Callable[..., Any]) -> None:
    client = await make_client(_settings(tenants={"globex": {"display_name": "Globex"}}))
    known = await client.post("/token/globex", headers=AUTH, json={})
    assert known.status == 201
    claims = _claims((await known.json())["participant_token"])
    assert claims["roomConfig"]["agents"][0]["metadata"] == '{"tenant":"globex"}'
    assert (await client.post("/token/initech", headers=AUTH, json={})).status == 404


async def test_unknown_tenant_entry_point_is_404(make_client: Callable[..., Any]) -> None:
    client = await make_client(tenants=_directory("acme"))
    response = await client.post("/token/globex", headers=AUTH, json={})
    assert response.status == 404


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": BEARER}]
)
async def test_without_the_bearer_secret_is_401(
    make_client: Callable[..., Any], headers: dict[str, str]
) -> None:
    client = await make_client()
    response = await client.post("/token", headers=headers, json={})
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "participant_token" not in await response.json()


@pytest.mark.parametrize(
    ("body", "status", "names"),
    [
        ({"room_config": {"agents": [{"agent_name": "other-agent"}]}}, 403, "other-agent"),
        (
            {
                "room_config": {
                    "agents": [{"agent_name": "callcenter"}, {"agent_name": "callcenter"}]
                }
            },
            403,
            "one agent",
        ),
        (
            {
                "room_config": {
                    "agents": [{"agent_name": "callcenter", "metadata": '{"tenant":"x"}'}]
                }
            },
            403,
            "metadata",
        ),
        ({"room_name": "call-_+14155550100_abc"}, 403, "room_name"),
        ({"room_name": "app-"}, 403, "room_name"),
        ({"room_config": {"name": "other-room"}}, 403, "room_name"),
        ({"room_config": {"egress": {"room": {"room_name": "app-x"}}}}, 403, "egress"),
        ({"room_config": {"max_participants": 50}}, 403, "max_participants"),
        ({"participant_attributes": {"sip.callID": "SCL_fake"}}, 403, "sip.callID"),
        ({"participant_attributes": {"sip.phoneNumber": "+14155550100"}}, 403, "sip."),
        ({"participant_attributes": {"lk.agent.state": "speaking"}}, 403, "lk."),
        ({"participant_attributes": {"a": 1}}, 400, "strings"),
        ({"participant_identity": 7}, 400, "participant_identity"),
        ({"agent_name": "other"}, 400, "agent_name"),
        ({"room_config": {"agents": [{"agentz": 1}]}}, 400, "room_config"),
        ([], 400, "object"),
    ],
)
async def test_what_a_client_may_not_set_is_refused(
    make_client: Callable[..., Any], body: Any, status: int, names: str
) -> None:
    client = await make_client()
    response = await client.post("/token", headers=AUTH, json=body)
    assert response.status == status
    assert names in (await response.json())["error"]


async def test_malformed_json_is_400(make_client: Callable[..., Any]) -> None:
    client = await make_client()
    response = await client.post("/token", headers=AUTH, data=b"{nope")
    assert response.status == 400


async def test_rate_limit_answers_429_with_retry_after(make_client: Callable[..., Any]) -> None:
    client = await make_client(_settings(rate_per_minute=6, burst=2))
    statuses = [(await client.post("/token", headers=AUTH, json={})).status for _ in range(2)]
    limited = await client.post("/token", headers=AUTH, json={})
    assert statuses == [201, 201]
    assert limited.status == 429
    # 6 a minute: the next token is 10 s away.
    assert limited.headers["Retry-After"] == "10"
    # Unauthenticated guesses spend the same allowance.
    assert (await client.post("/token", json={})).status == 429


async def test_rate_limit_keys_on_the_address_the_trusted_proxy_saw(
    make_client: Callable[..., Any],
) -> None:
    client = await make_client(_settings(rate_per_minute=1, burst=1, trusted_proxies=1))

    async def post(chain: str) -> int:
        headers = {**AUTH, "X-Forwarded-For": chain}
        return (await client.post("/token", headers=headers, json={})).status

    assert await post("203.0.113.7") == 201
    # A client prepending its own entries is still the address the proxy appended.
    assert await post("198.51.100.1, 203.0.113.7") == 429
    assert await post("203.0.113.8") == 201


def test_rate_limiter_refills_per_client() -> None:
    now = [0.0]
    limiter = RateLimiter(rate_per_minute=60, burst=1, clock=lambda: now[0])
    assert limiter.acquire("10.0.0.1") == 0.0
    assert limiter.acquire("10.0.0.1") == pytest.approx(1.0)
    assert limiter.acquire("10.0.0.2") == 0.0
    now[0] = 1.0
    assert limiter.acquire("10.0.0.1") == 0.0


async def test_cors_only_for_allowed_origins(make_client: Callable[..., Any]) -> None:
    client = await make_client(_settings(allowed_origins=["https://app.example.com"]))
    allowed = await client.options("/token", headers={"Origin": "https://app.example.com"})
    other = await client.options("/token", headers={"Origin": "https://evil.example.com"})
    assert allowed.status == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "Authorization" in allowed.headers["Access-Control-Allow-Headers"]
    assert other.status == 403
    assert "Access-Control-Allow-Origin" not in other.headers


_CLI_ENV = {"LIVEKIT_API_KEY": API_KEY, "LIVEKIT_API_SECRET": API_SECRET}


def test_token_cli_prints_a_decodable_token(run_module: RunModule) -> None:
    result = run_module("worker", "token", "--identity", "tester", env=_CLI_ENV)
    assert result.returncode == 0, result.stderr
    claims = _claims(result.stdout.strip())
    assert claims["sub"] == "tester"
    assert claims["video"]["room"].startswith("app-")
    assert claims["roomConfig"]["agents"] == [
        {"agentName": "callcenter", "metadata": '{"tenant":"default"}'}
    ]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--tenant", "nobody"], _CLI_ENV, "unknown tenant"),
        (["--room", "call-x"], _CLI_ENV, "room_name"),
        ([], {}, "livekit.api_key"),
    ],
)
def test_token_cli_refuses_with_exit_2(
    run_module: RunModule, args: list[str], env: dict[str, str], message: str
) -> None:
    result = run_module("worker", "token", "--identity", "tester", *args, env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_tokens_endpoint_needs_its_bearer_secret(run_module: RunModule) -> None:
    result = run_module("worker", "tokens", env=_CLI_ENV)
    assert result.returncode == 2
    assert "tokens.bearer_secret" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served_endpoint(tmp_path: Any) -> Iterator[str]:
    """``python -m worker tokens`` as a real process on a loopback port."""
    import os

    port = _free_port()
    env = {
        **os.environ,
        **_CLI_ENV,
        "PYTHONPATH": str(ROOT),
        "CALLCENTER_TOKENS__BEARER_SECRET": BEARER,
        "CALLCENTER_TOKENS__HOST": "127.0.0.1",
        "CALLCENTER_TOKENS__PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "worker", "tokens"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                raise AssertionError(process.stderr.read() if process.stderr else "exited")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_worker_tokens_serves_over_http(served_endpoint: str) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{served_endpoint}/healthz") as health:
            assert health.status == 200
        async with http.post(
            f"{served_endpoint}/token", headers=AUTH, json={"participant_identity": "u1"}
        ) as response:
            assert response.status == 201
            body = await response.json()
    assert _claims(body["participant_token"])["sub"] == "u1"


def test_token_cli_uses_the_tenants_files_default(run_module: RunModule, tmp_path: Any) -> None:
    path = tmp_path / "tenants.yaml"
    path.write_text("default: acme\ntenants:\n  acme: {display_name: Acme}\n", encoding="utf-8")
    env = {**_CLI_ENV, "CALLCENTER_TENANTS_FILE": str(path)}
    result = run_module("worker", "token", "--identity", "tester", env=env)
    assert result.returncode == 0, result.stderr
    agents = _claims(result.stdout.strip())["roomConfig"]["agents"]
    assert agents == [{"agentName": "callcenter", "metadata": '{"tenant":"acme"}'}]


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"participant_identity": 'ana\n{"event":"forged"}'}, 400, "control characters"),
        ({"participant_identity": "\u001b]0;pwned\u0007"}, 400, "control characters"),
        ({"participant_identity": "agent-AJ_abc123"}, 403, "LiveKit's"),
        ({"participant_identity": "sip_+14155550100"}, 403, "LiveKit's"),
        ({"participant_attributes": {"SIP.phoneNumber": "+1"}}, 403, "sip.*"),
        ({"participant_attributes": {" sip.phoneNumber": "+1"}}, 403, "sip.*"),
        ({"participant_attributes": {"sip .phoneNumber": "+1"}}, 403, "sip.*"),
        ({"participant_attributes": {"Lk.agent.state": "x"}}, 403, "lk.*"),
        ({"participant_attributes": {"a b": "x"}}, 400, "letters, digits"),
    ],
)
async def test_identities_and_attributes_that_pass_for_livekits_are_refused(
    make_client: Callable[..., Any], body: dict[str, Any], status: int, says: str
) -> None:
    client = await make_client()
    response = await client.post("/token", headers=AUTH, json=body)
    assert response.status == status
    assert says in (await response.json())["error"]


async def test_two_credentials_are_none(make_client: Callable[..., Any]) -> None:
    client = await make_client()
    headers = [("Authorization", "Bearer wrong"), ("Authorization", f"Bearer {BEARER}")]
    for order in (headers, headers[::-1]):
        assert (await client.post("/token", headers=order, json={})).status == 401


async def test_a_body_in_another_charset_is_refused(make_client: Callable[..., Any]) -> None:
    client = await make_client()
    # UTF-7: '+ACI-' is a quote there, so a proxy honouring it reads another document.
    body = b'{"participant_name":"x+ACIALAAi-room_config+ACI-:{}"}'
    response = await client.post(
        "/token",
        headers={**AUTH, "Content-Type": "application/json; charset=utf-7"},
        data=body,
    )
    assert response.status == 415
