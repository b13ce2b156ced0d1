"""Attack: make the token endpoint fail open, or make it unavailable.

What is sent, to ``python -m worker tokens`` as it runs in production (a real process on
a loopback port): credentials that are not UTF-8, bodies nested thousands deep under the
size limit, bodies over it, bodies that are not UTF-8 or JSON, requests that are not HTTP,
and then many connections that send their headers slowly. What must come back: a 4xx
naming the problem for every request (never a 500, never a traceback in the log), slow
connections closed with 408 after the header deadline, connections over the caps refused
with 503 at once while another client still gets its token, and every refusal counted in
``callcenter_token_requests_total{status}``.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from endpoint_process import BEARER, Endpoint, token_endpoint
from support import RunModule

from bench.security_http import Exchange, build_request, exchange

pytestmark = pytest.mark.unit

AUTH = {"Authorization": f"Bearer {BEARER}"}


def post(path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    """A well-formed POST; the hostile part goes in by hand below where it must."""
    return build_request("POST", path, list((headers or {}).items()), body)


def _refused_at_once(got: Exchange) -> bool:
    """503 over a cap, or a reset when too many are being refused to drain them all."""
    return got.status == 503 or (got.reset and not got.answers)


_LIMITS = {
    "CALLCENTER_TOKENS__HEADER_TIMEOUT_S": "1.0",
    "CALLCENTER_TOKENS__BODY_TIMEOUT_S": "1.0",
    "CALLCENTER_TOKENS__MAX_CONNECTIONS": "48",
    "CALLCENTER_TOKENS__MAX_CONNECTIONS_PER_CLIENT": "8",
    # The limiter is not what these attacks are about.
    "CALLCENTER_TOKENS__RATE_PER_MINUTE": "100000",
    "CALLCENTER_TOKENS__BURST": "100000",
}


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[Endpoint]:
    """A fresh endpoint: its caps and counters start empty."""
    with token_endpoint(tmp_path, _LIMITS) as running:
        yield running


@pytest.fixture(scope="module")
def shared_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """One endpoint for the one-request attacks (starting one takes seconds)."""
    with token_endpoint(tmp_path_factory.mktemp("tokens"), _LIMITS) as running:
        yield running


HOSTILE: list[tuple[str, bytes, set[int]]] = [
    (
        "bearer-not-utf8",
        post("/token", b"{}", {}).replace(
            b"Content-Length", b"Authorization: Bearer \xff\xfe\r\nContent-Length"
        ),
        {401},
    ),
    (
        "bearer-latin1",
        post("/token", b"{}", {}).replace(
            b"Content-Length", b"Authorization: Bearer caf\xe9\r\nContent-Length"
        ),
        {401},
    ),
    ("bearer-empty", post("/token", b"{}", {"Authorization": "Bearer "}), {401}),
    ("bearer-only-scheme", post("/token", b"{}", {"Authorization": "Bearer"}), {401}),
    ("bearer-nul", post("/token", b"{}", {"Authorization": "Bearer a\x00b"}), {400, 401}),
    ("deep-array-2000", post("/token", b"[" * 2000 + b"]" * 2000, AUTH), {400}),
    ("deep-array-30000", post("/token", b"[" * 30000, AUTH), {400}),
    ("deep-object-10000", post("/token", b'{"a":' * 10000 + b"1" + b"}" * 10000, AUTH), {400}),
    (
        "deep-in-room-config",
        post("/token", b'{"room_config": {"agents": ' + b"[" * 20000 + b"]" * 20000 + b"}}", AUTH),
        {400},
    ),
    (
        "body-over-64k",
        post("/token", b'{"participant_name": "' + b"x" * 70000 + b'"}', AUTH),
        {413},
    ),
    (
        "chunked-over-64k",
        b"POST /token HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
        + f"Authorization: Bearer {BEARER}\r\n\r\n".encode()
        + b"".join(b"4000\r\n" + b" " * 0x4000 + b"\r\n" for _ in range(5))
        + b"0\r\n\r\n",
        {413},
    ),
    ("body-not-utf8", post("/token", b'{"participant_name": "\xff"}', AUTH), {400}),
    ("body-not-json", post("/token", b"{nope", AUTH), {400}),
    (
        "duplicate-keys",
        post("/token", b'{"room_name": "app-a", "room_name": "app-b"}', AUTH),
        {400},
    ),
    ("huge-integer", post("/token", b'{"participant_name": ' + b"9" * 50000 + b"}", AUTH), {400}),
    ("nan", post("/token", b'{"participant_name": NaN}', AUTH), {400}),
    ("array-body", post("/token", b"[]", AUTH), {400}),
    ("string-body", post("/token", b'"x"', AUTH), {400}),
    ("lone-surrogate-escape", post("/token", b'{"participant_name": "\\ud800"}', AUTH), {201, 400}),
    ("not-http", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 64, {400}),
    (
        "header-line-too-long",
        b"GET /healthz HTTP/1.1\r\nX: " + b"a" * 20000 + b"\r\n\r\n",
        {400, 431},
    ),
    ("bad-content-length", b"POST /token HTTP/1.1\r\nContent-Length: -1\r\n\r\n", {400}),
    ("wrong-method", b"GET /token HTTP/1.1\r\nHost: t\r\n\r\n", {405}),
    ("unknown-tenant", post("/token/nobody", b"{}", AUTH), {404}),
    (
        "two-credentials",
        build_request("POST", "/token", [("Authorization", "Bearer wrong"), *AUTH.items()], b"{}"),
        {401},
    ),
    ("http09-request-line", b"GET /healthz\r\n", {400}),
    (
        "expect-continue-1gb",
        b"POST /token HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
        + f"Authorization: Bearer {BEARER}\r\nContent-Length: 1073741824\r\n\r\n".encode(),
        {413},
    ),
    (
        "gzip-body-not-inflated",
        post(
            "/token",
            gzip.compress(b"[" * 10_000_000),
            {**AUTH, "Content-Encoding": "gzip"},
        ),
        {400},
    ),
]


@pytest.mark.parametrize(
    ("raw", "allowed"), [(r, a) for _, r, a in HOSTILE], ids=[n for n, _, _ in HOSTILE]
)
async def test_hostile_requests_are_refused_never_a_500(
    shared_endpoint: Endpoint, raw: bytes, allowed: set[int], request: pytest.FixtureRequest
) -> None:
    got = await exchange(shared_endpoint.host, shared_endpoint.port, raw)
    answer = got.raw
    assert got.status in allowed, answer[:300]
    if b"deep" in request.node.name.encode():
        # Refused by the nesting limit before any recursive parser saw it.
        assert b"nested more than 8 levels" in answer
    assert b"Traceback" not in answer
    assert BEARER.encode() not in answer
    assert "Traceback" not in shared_endpoint.stderr()
    assert shared_endpoint.process.poll() is None


async def _slow_client(host: str, port: int, local_host: str) -> tuple[Exchange, float]:
    """Opens a connection and sends a header line, then nothing: what it got and how
    long it waited."""
    got = await exchange(
        host, port, b"POST /token HTTP/1.1\r\nHost: t\r\n", source_address=local_host, timeout_s=30
    )
    return got, got.elapsed_s


def _metric(text: str, status: str) -> float:
    match = re.search(
        rf'^callcenter_token_requests_total\{{status="{status}"\}} (\S+)$', text, re.MULTILINE
    )
    return float(match.group(1)) if match else 0.0


async def test_slow_clients_cannot_exhaust_the_endpoint(endpoint: Endpoint) -> None:
    host, port = endpoint.host, endpoint.port
    # 40 slow connections from one address, 80 more from ten others: over both caps
    # (8 per address, 48 in all).
    slow = [_slow_client(host, port, "127.0.0.1") for _ in range(40)]
    slow += [_slow_client(host, port, f"127.0.1.{n}") for n in range(1, 11) for _ in range(8)]
    attack = asyncio.gather(*slow)
    await asyncio.sleep(0.3)
    # While they hold all the caps allow, a new client is refused at once, not left hanging.
    got = await exchange(
        host, port, post("/token", b"{}", AUTH), source_address="127.0.2.1", timeout_s=5
    )
    assert _refused_at_once(got)
    results = await attack
    held = [got for got, _ in results if got.status == 408]
    # Each connection was refused at once or closed with 408 at the header deadline.
    assert all(got.status == 408 or _refused_at_once(got) for got, _ in results)
    assert 40 <= len(held) <= 48  # the global cap (a probe of the fixture may hold a slot)
    assert all(waited < 10 for _, waited in results)
    # Once the deadline has closed them, an honest client gets its token.
    got = await exchange(host, port, post("/token", b"{}", AUTH), source_address="127.0.2.1")
    assert got.status == 201, got.raw[:300]
    metrics = await exchange(host, port, build_request("GET", "/metrics", [], None))
    text = metrics.answers[0].body.decode()
    assert _metric(text, "408") == len(held)
    assert _metric(text, "503") >= len(results) - len(held)
    assert _metric(text, "201") == 1
    assert "Traceback" not in endpoint.stderr()


async def test_one_address_cannot_take_every_connection(endpoint: Endpoint) -> None:
    host, port = endpoint.host, endpoint.port
    attack = asyncio.gather(*[_slow_client(host, port, "127.0.0.1") for _ in range(30)])
    await asyncio.sleep(0.3)
    got = await exchange(
        host, port, post("/token", json.dumps({}).encode(), AUTH), source_address="127.0.3.1"
    )
    assert got.status == 201, got.raw[:300]
    statuses = [got.status for got, _ in await attack]
    assert 6 <= statuses.count(408) <= 8  # the per-client cap
    # Few enough refusals at a time to drain each: every client read its 503.
    assert statuses.count(503) == 30 - statuses.count(408)


async def test_a_pipelined_hostile_request_is_answered_too(shared_endpoint: Endpoint) -> None:
    deep = b"[" * 30000 + b"]" * 30000
    raw = post("/token", b"{}", AUTH) + post("/token", deep, AUTH)
    got = await exchange(shared_endpoint.host, shared_endpoint.port, raw, answers=2)
    assert [answer.status for answer in got.answers] == [201, 400]


async def test_a_slow_body_gets_408(endpoint: Endpoint) -> None:
    request = post("/token", b"{}", AUTH).replace(b"Content-Length: 2", b"Content-Length: 20")
    got = await exchange(endpoint.host, endpoint.port, request[:-2], timeout_s=30)
    assert got.status == 408, got.raw[:200]


@pytest.mark.parametrize(
    "secret", ["", "x", "a" * 64, "app-bearer-secret-app-bearer-secret", "changeme" * 4]
)
def test_a_weak_bearer_secret_stops_the_endpoint_at_start(
    run_module: RunModule, secret: str
) -> None:
    env = {
        "LIVEKIT_API_KEY": "APIk",
        "LIVEKIT_API_SECRET": "s" * 40,
        "CALLCENTER_TOKENS__BEARER_SECRET": secret,
    }
    result = run_module("worker", "tokens", env=env, timeout=60)
    assert result.returncode == 2
    assert "tokens.bearer_secret" in result.stderr
    assert "Traceback" not in result.stderr
    if secret:
        assert secret not in result.stderr
