"""``python -m worker tokens``: the token endpoint app callers' SDKs ask for a room token.

``POST /token`` issues a token for the default tenant, ``POST /token/{tenant}`` for a named
tenant's app entry point; ``GET /healthz`` answers probes, ``GET /metrics`` serves
`worker.tokens.metrics`. Every POST is rate limited per client address first (so a guessed
secret costs as much as a real request), then needs the bearer secret (and, when
configured, a verified identity from the auth proxy in front), then its body is read
within a deadline and parsed with bounded nesting, then `worker.tokens.grants` decides.

The endpoint fails closed: whatever a client sends, the answer is a 4xx naming what was
wrong (or 503 when LiveKit cannot say who is in a room); a 500 would be a bug, answered
without a traceback and counted. The time to send headers, a connection's lifetime and
the number of connections are bounded where connections are accepted
(`worker.tokens.server`).
"""

from __future__ import annotations

import asyncio
import hmac
import re
from dataclasses import replace

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from config import Settings, TenantDirectory
from worker.tokens.grants import (
    AppTokenRequest,
    TokenPolicy,
    TokenPolicyError,
    TokenRequestError,
    issue_token,
    new_room,
    parse_token_request,
    requested_room,
)
from worker.tokens.json_body import BodyError, parse_json_body
from worker.tokens.metrics import TokenMetrics
from worker.tokens.rate_limit import RateLimiter
from worker.tokens.room_occupancy import LiveKitRoomOccupancy, RoomCheckError, RoomOccupancy

__all__ = ["MAX_BODY", "ROOM_TICKET_HEADER", "build_token_app", "token_metrics"]

log = structlog.get_logger(__name__)

MAX_BODY = 64 * 1024
# A TokenSourceRequest nests four levels at most (room_config.agents[0].attributes).
MAX_BODY_DEPTH = 8
ROOM_TICKET_HEADER = "X-Room-Ticket"
_IDENTITY = re.compile(r"^[^\x00-\x1f\x7f]{1,128}$")
_UNCOUNTED_PATHS = frozenset({"/metrics", "/healthz"})

_POLICY = web.AppKey("policy", TokenPolicy)
_LIMITER = web.AppKey("limiter", RateLimiter)
_SECRET = web.AppKey("secret", bytes)
_ORIGINS = web.AppKey("origins", frozenset)
_PROXIES = web.AppKey("trusted_proxies", int)
_IDENTITY_HEADER = web.AppKey("identity_header", str)
_BODY_TIMEOUT = web.AppKey("body_timeout_s", float)
_OCCUPANCY = web.AppKey("occupancy", RoomOccupancy)
_METRICS = web.AppKey("metrics", TokenMetrics)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)


def _header_bytes(value: str) -> bytes | None:
    """A header value as its bytes; None for bytes that are not UTF-8 (aiohttp decodes
    headers with surrogate escapes, which do not encode back)."""
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        return None


def _authorized(request: web.Request) -> bool:
    values = request.headers.getall("Authorization", [])
    if len(values) != 1:
        # Two credentials: a proxy and this endpoint could each believe a different one.
        return False
    scheme, _, credential = values[0].partition(" ")
    given = _header_bytes(credential.strip())
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given, request.app[_SECRET])


def _verified_identity(request: web.Request) -> str | None:
    """The identity the auth proxy vouched for, when the endpoint is configured to take
    one; raises 401 when it is configured and missing or unusable."""
    header = request.app[_IDENTITY_HEADER]
    if not header:
        return None
    values = request.headers.getall(header, [])
    if len(values) != 1 or _header_bytes(values[0]) is None or not _IDENTITY.match(values[0]):
        raise TokenRequestError(401, f"a verified user identity ({header}) is required")
    return values[0]


def _client_address(request: web.Request) -> str:
    """The caller's address: behind N trusted proxies, the Nth X-Forwarded-For entry from
    the right (each proxy appends the address it saw; entries further left are the
    client's own claims)."""
    hops = request.app[_PROXIES]
    if hops:
        chain = [
            part.strip()
            for header in request.headers.getall("X-Forwarded-For", [])
            for part in header.split(",")
            if part.strip()
        ]
        if len(chain) >= hops:
            return chain[-hops]
    return request.remote or "unknown"


def _cors_headers(request: web.Request) -> dict[str, str]:
    origin = request.headers.get("Origin")
    if not origin or origin not in request.app[_ORIGINS]:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": f"Authorization, Content-Type, {ROOM_TICKET_HEADER}",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


async def _read_body(request: web.Request) -> bytes:
    """The body, within its size limit and deadline."""
    charset = (request.charset or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        # Read as UTF-8 whatever it says, a UTF-7 body would mean one thing to a proxy
        # that honours the charset and another here.
        raise TokenRequestError(415, "the body must be JSON in UTF-8")
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise TokenRequestError(413, f"the body is over {MAX_BODY} bytes")
    try:
        async with asyncio.timeout(request.app[_BODY_TIMEOUT]):
            return await request.read()
    except TimeoutError:
        raise TokenRequestError(408, "the body did not arrive in time") from None
    except web.HTTPRequestEntityTooLarge:
        raise TokenRequestError(413, f"the body is over {MAX_BODY} bytes") from None
    except (web.RequestPayloadError, ConnectionError):
        raise TokenRequestError(400, "the body could not be read") from None


def _with_verified_identity(request: AppTokenRequest, identity: str | None) -> AppTokenRequest:
    if identity is None:
        return request
    if request.participant_identity not in (None, identity):
        raise TokenRequestError(403, "participant_identity differs from the verified identity")
    return replace(request, participant_identity=identity)


async def _admit(request: web.Request, wanted: AppTokenRequest, room: str) -> None:
    """May this identity have a token for the existing room it names?

    Refused with 409 when another identity is already in the room, and with 403 without
    the room ticket issued to this identity with the room's first token.
    """
    identity = wanted.participant_identity
    try:
        callers = await request.app[_OCCUPANCY].callers(room)
    except RoomCheckError as error:
        log.warning("token_room_check_failed", reason=str(error))
        raise TokenRequestError(503, "cannot check the room just now; try again") from None
    if callers - {identity}:
        raise TokenRequestError(409, "the room already has a caller")
    ticket = request.headers.get(ROOM_TICKET_HEADER)
    if not identity or not request.app[_POLICY].tickets.admits(
        ticket, room=room, identity=identity
    ):
        raise TokenRequestError(
            403,
            f"naming a room needs the room ticket ({ROOM_TICKET_HEADER}) issued to this "
            "identity with the room's first token; ask without room_name for a new room",
        )


async def _token(request: web.Request) -> web.Response:
    cors = _cors_headers(request)
    wait_s = request.app[_LIMITER].acquire(_client_address(request))
    if wait_s > 0:
        log.warning("token_rate_limited")
        headers = {"Retry-After": RateLimiter.retry_after_header(wait_s), **cors}
        return _error(429, "too many token requests", headers)
    if not _authorized(request):
        log.warning("token_unauthorized")
        return _error(401, "a bearer secret is required", {"WWW-Authenticate": "Bearer", **cors})
    policy = request.app[_POLICY]
    try:
        verified = _verified_identity(request)
        try:
            body = parse_json_body(await _read_body(request), max_depth=MAX_BODY_DEPTH)
        except BodyError as error:
            raise TokenRequestError(400, str(error)) from None
        wanted = _with_verified_identity(parse_token_request(body), verified)
        tenant = policy.check_tenant(request.match_info.get("tenant"))
        room = requested_room(wanted, policy)
        if room is None:
            room = new_room(policy)
        else:
            await _admit(request, wanted, room)
        issued = issue_token(wanted, policy, tenant=tenant, room=room)
    except TokenRequestError as error:
        log.warning("token_refused", status=error.status, reason=error.message)
        return _error(error.status, error.message, cors)
    # Room and tenant only: the identity and name are the caller's to choose, maybe PII.
    log.info("token_issued", room=issued.room, tenant=issued.tenant)
    return web.json_response(issued.response_body(), status=201, headers=cors)


async def _expect(request: web.Request) -> web.StreamResponse | None:
    """``Expect: 100-continue``: refuse a body over the limit before the client sends it
    (aiohttp would say "100 Continue" to any length), else let it come."""
    if request.headers.get("Expect", "").lower() != "100-continue":
        return None
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _error(413, f"the body is over {MAX_BODY} bytes")
    await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    return None


async def _preflight(request: web.Request) -> web.Response:
    headers = _cors_headers(request)
    return web.Response(status=204 if headers else 403, headers=headers)


async def _healthz(_: web.Request) -> web.Response:
    return web.Response(text="OK")


async def _metrics(request: web.Request) -> web.Response:
    body, content_type = request.app[_METRICS].exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})


@web.middleware
async def _answer_everything(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every answer is counted, closes its connection, and is never a traceback."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        # aiohttp's own: an unknown path (404), a wrong method (405).
        allow = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else {}
        response = _error(error.status, error.reason, allow)
    except Exception as error:
        log.error("token_endpoint_error", error=type(error).__name__)
        response = _error(500, "internal error")
    if request.path not in _UNCOUNTED_PATHS:
        request.app[_METRICS].answered(response.status)
    return response


def build_token_app(
    settings: Settings,
    *,
    tenants: TenantDirectory | None = None,
    limiter: RateLimiter | None = None,
    occupancy: RoomOccupancy | None = None,
    metrics: TokenMetrics | None = None,
) -> web.Application:
    """The endpoint's aiohttp app.

    Args:
        settings: the process's settings; ``tokens.bearer_secret`` and the LiveKit key and
            secret are required.
        tenants: the tenants a token may name and the default; default: those the
            worker routes calls with (`config.load_tenant_directory`).
        limiter: the per-client limiter; default: from ``tokens.rate_per_minute``/``burst``.
        occupancy: who is in a room; default: LiveKit's RoomService at ``livekit.url``.
        metrics: the collectors; default: a new registry.

    Raises:
        TokenPolicyError: a required secret is missing, named in the message.
    """
    if settings.tokens.bearer_secret is None:
        raise TokenPolicyError(
            "tokens.bearer_secret (CALLCENTER_TOKENS__BEARER_SECRET) is required to serve tokens"
        )
    policy = TokenPolicy.from_settings(settings, tenants=tenants)
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_answer_everything])
    app[_POLICY] = policy
    app[_LIMITER] = limiter or RateLimiter(
        rate_per_minute=settings.tokens.rate_per_minute, burst=settings.tokens.burst
    )
    app[_SECRET] = settings.tokens.bearer_secret.get_secret_value().encode()
    app[_ORIGINS] = frozenset(settings.tokens.allowed_origins)
    app[_PROXIES] = settings.tokens.trusted_proxies
    app[_IDENTITY_HEADER] = settings.tokens.identity_header or ""
    app[_BODY_TIMEOUT] = settings.tokens.body_timeout_s
    app[_METRICS] = metrics or TokenMetrics()
    app[_OCCUPANCY] = occupancy or LiveKitRoomOccupancy(
        url=settings.livekit.http_url,
        api_key=policy.api_key,
        api_secret=policy.api_secret,
        timeout_s=settings.tokens.room_check_timeout_s,
    )

    async def close_occupancy(app: web.Application) -> None:
        await app[_OCCUPANCY].aclose()

    app.on_cleanup.append(close_occupancy)
    app.router.add_post("/token", _token, expect_handler=_expect)
    app.router.add_post("/token/{tenant}", _token, expect_handler=_expect)
    app.router.add_route("OPTIONS", "/token", _preflight)
    app.router.add_route("OPTIONS", "/token/{tenant}", _preflight)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/metrics", _metrics)
    return app


def token_metrics(app: web.Application) -> TokenMetrics:
    """The app's collectors (the server counts connection-level refusals in them)."""
    return app[_METRICS]
