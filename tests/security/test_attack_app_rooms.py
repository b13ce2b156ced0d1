"""Attack: listen in on another app caller's call.

The bearer secret ships inside the app, so the attacker has it. They know (or guess) the
room of a caller already talking to the agent, and ask the token endpoint for that room
under their own identity, with or without the caller's room ticket, or claiming the
caller's identity. What must come back: a new caller always gets a fresh, unguessable
room and a ticket bound to its identity; a second identity is refused (409) for a room
with a caller in it; naming any room needs the ticket issued to that identity (403);
when LiveKit cannot say who is in the room, no token (503). With an auth proxy in front,
the identity is the proxy's verified one, and a request without it gets nothing (401).

The endpoint runs in-process; who is in a room comes from the LiveKit Twirp simulator's
RoomService over the real livekit-api client.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient
from livekit.protocol import models
from support import ROOT

from config import Settings
from sim.faults import Fault, FaultPlan
from sim.livekit_twirp import LiveKitTwirpSim
from worker.tokens.http_app import ROOM_TICKET_HEADER, build_token_app

pytestmark = pytest.mark.sim

API_KEY = "APIroomsTest"
API_SECRET = "a-livekit-api-secret-long-enough-for-hs256"
BEARER = "Wm4-Rz8pQ_x1Kb6NdS3vGc9HtJ2yLf7EaT5u"
AUTH = {"Authorization": f"Bearer {BEARER}"}

Client = TestClient[Any, Any]


@pytest.fixture
async def livekit() -> AsyncIterator[LiveKitTwirpSim]:
    async with LiveKitTwirpSim(api_key=API_KEY, api_secret=API_SECRET) as sim:
        yield sim


@pytest.fixture
def make_client(livekit: LiveKitTwirpSim, app_client: Callable[..., Any]) -> Callable[..., Any]:
    async def make(**tokens: Any) -> Client:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            livekit={"url": livekit.http_url, "api_key": API_KEY, "api_secret": API_SECRET},
            tokens={
                "bearer_secret": BEARER,
                "public_url": "wss://lk.example.com",
                # The limiter is not what these attacks are about.
                "rate_per_minute": 10_000,
                "burst": 10_000,
                **tokens,
            },
        )
        client: Client = await app_client(build_token_app(settings))
        return client

    return make


def _room(token: str) -> str:
    claims = jwt.decode(token, API_SECRET, algorithms=["HS256"], issuer=API_KEY)
    room: str = claims["video"]["room"]
    return room


async def _first_token(client: Client, identity: str) -> tuple[str, str]:
    response = await client.post("/token", headers=AUTH, json={"participant_identity": identity})
    assert response.status == 201
    body = await response.json()
    return _room(body["participant_token"]), body["room_ticket"]


async def test_every_new_caller_gets_an_unguessable_room(make_client: Callable[..., Any]) -> None:
    client = await make_client()
    rooms = {(await _first_token(client, f"user-{n}"))[0] for n in range(5)}
    assert len(rooms) == 5
    # 16 random bytes after the prefix: 22 URL-safe characters.
    assert all(room.startswith("app-") and len(room) >= len("app-") + 22 for room in rooms)


async def test_a_second_identity_is_refused_a_room_with_a_caller(
    make_client: Callable[..., Any], livekit: LiveKitTwirpSim
) -> None:
    client = await make_client()
    room, ticket = await _first_token(client, "victim")
    livekit.add_participant(room, "victim", kind=models.ParticipantInfo.Kind.STANDARD)
    livekit.add_participant(room, "agent-1", kind=models.ParticipantInfo.Kind.AGENT)

    for headers in (AUTH, {**AUTH, ROOM_TICKET_HEADER: ticket}):
        response = await client.post(
            "/token", headers=headers, json={"room_name": room, "participant_identity": "eve"}
        )
        assert response.status == 409
        assert "participant_token" not in await response.json()
    # The same through room_config.name, LiveKit's other way to name a room.
    response = await client.post(
        "/token",
        headers=AUTH,
        json={"room_config": {"name": room}, "participant_identity": "eve"},
    )
    assert response.status == 409


async def test_naming_a_room_needs_the_ticket_of_that_identity(
    make_client: Callable[..., Any], livekit: LiveKitTwirpSim
) -> None:
    client = await make_client()
    room, ticket = await _first_token(client, "victim")

    async def ask(identity: str, ticket: str | None, room_name: str = room) -> int:
        headers = {**AUTH, ROOM_TICKET_HEADER: ticket} if ticket is not None else AUTH
        body = {"room_name": room_name, "participant_identity": identity}
        return (await client.post("/token", headers=headers, json=body)).status

    # Before the caller joins: the name alone, the caller's ticket under another
    # identity, the caller's identity without the ticket, a forged or tampered ticket.
    assert await ask("eve", None) == 403
    assert await ask("eve", ticket) == 403
    assert await ask("victim", None) == 403
    payload, _, signature = ticket.partition(".")
    assert await ask("victim", f"{payload}.{signature[::-1]}") == 403
    assert await ask("victim", "\xff.\xfe") == 403
    _, eves_ticket = await _first_token(client, "eve")
    assert await ask("eve", eves_ticket) == 403  # eve's own ticket is for eve's room
    # A guessed room nobody was given.
    assert await ask("eve", None, "app-guessed-room") == 403
    # The caller, with its ticket, may come back (after a dropped connection, say).
    livekit.add_participant(room, "victim", kind=models.ParticipantInfo.Kind.STANDARD)
    assert await ask("victim", ticket) == 201


async def test_no_token_when_livekit_cannot_say_who_is_in_the_room(
    make_client: Callable[..., Any], livekit: LiveKitTwirpSim
) -> None:
    client = await make_client(room_check_timeout_s=0.5)
    room, ticket = await _first_token(client, "victim")
    livekit.faults = FaultPlan([Fault("http_error", request=None, status=503)])
    response = await client.post(
        "/token",
        headers={**AUTH, ROOM_TICKET_HEADER: ticket},
        json={"room_name": room, "participant_identity": "victim"},
    )
    assert response.status == 503
    livekit.faults = FaultPlan([Fault("hang", request=None)])
    response = await client.post(
        "/token",
        headers={**AUTH, ROOM_TICKET_HEADER: ticket},
        json={"room_name": room, "participant_identity": "victim"},
    )
    assert response.status == 503


async def test_behind_an_auth_proxy_the_identity_is_the_verified_one(
    make_client: Callable[..., Any],
) -> None:
    client = await make_client(identity_header="X-Forwarded-User")
    # Straight to the endpoint, past the proxy: no verified identity, no token.
    assert (await client.post("/token", headers=AUTH, json={})).status == 401
    # Through the proxy: the token is for the verified user, whatever the body claims.
    proxied = {**AUTH, "X-Forwarded-User": "alice@example.com"}
    response = await client.post("/token", headers=proxied, json={})
    assert response.status == 201
    token = (await response.json())["participant_token"]
    claims = jwt.decode(token, API_SECRET, algorithms=["HS256"], issuer=API_KEY)
    assert claims["sub"] == "alice@example.com"
    response = await client.post("/token", headers=proxied, json={"participant_identity": "bob"})
    assert response.status == 403
    doubled = await client.post(
        "/token",
        headers=[*AUTH.items(), ("X-Forwarded-User", "alice"), ("X-Forwarded-User", "bob")],
        json={},
    )
    assert doubled.status == 401


async def test_an_operator_token_for_a_taken_room_is_refused(livekit: LiveKitTwirpSim) -> None:
    livekit.add_participant("app-taken", "victim", kind=models.ParticipantInfo.Kind.STANDARD)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LIVEKIT_URL": livekit.http_url,
        "LIVEKIT_API_KEY": API_KEY,
        "LIVEKIT_API_SECRET": API_SECRET,
    }

    async def token(identity: str, room: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "worker",
            "token",
            "--identity",
            identity,
            "--room",
            room,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        return process.returncode or 0, out.decode(), err.decode()

    code, out, err = await token("eve", "app-taken")
    assert (code, out) == (2, "")
    assert "already has a caller" in err
    code, out, err = await token("victim", "app-taken")
    assert code == 0, err
    assert _room(out.strip()) == "app-taken"
