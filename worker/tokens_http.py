"""``python -m worker tokens``: the token endpoint app callers' SDKs ask for a room token.

``POST /token`` issues a token for the default tenant, ``POST /token/{tenant}`` for a named
tenant's app entry point; ``GET /healthz`` answers probes. Every POST is rate limited per
client address first (so a guessed secret costs as much as a real request), then needs the
bearer secret, then goes through `worker.tokens`.
"""

from __future__ import annotations

import hmac
import json

import structlog
from aiohttp import web

from config import Settings, TenantDirectory
from worker.tokens import (
    TokenPolicy,
    TokenPolicyError,
    TokenRequestError,
    issue_token,
    parse_token_request,
)
from worker.tokens_rate import RateLimiter

__all__ = ["build_token_app", "serve_tokens"]

log = structlog.get_logger(__name__)

_MAX_BODY = 64 * 1024
_POLICY = web.AppKey("policy", TokenPolicy)
_LIMITER = web.AppKey("limiter", RateLimiter)
_SECRET = web.AppKey("secret", bytes)
_ORIGINS = web.AppKey("origins", frozenset)
_PROXIES = web.AppKey("trusted_proxies", int)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)


def _authorized(request: web.Request) -> bool:
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credential:
        return False
    return hmac.compare_digest(credential.strip().encode(), request.app[_SECRET])


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
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


async def _preflight(request: web.Request) -> web.Response:
    headers = _cors_headers(request)
    return web.Response(status=204 if headers else 403, headers=headers)


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
    try:
        body = await request.json(loads=json.loads)
    except ValueError:
        return _error(400, "the body must be JSON", cors)
    try:
        issued = issue_token(
            parse_token_request(body),
            request.app[_POLICY],
            tenant=request.match_info.get("tenant"),
        )
    except TokenRequestError as error:
        log.warning("token_refused", status=error.status, reason=error.message)
        return _error(error.status, error.message, cors)
    # Room and tenant only: the identity and name are the caller's to choose, maybe PII.
    log.info("token_issued", room=issued.room, tenant=issued.tenant)
    return web.json_response(issued.response_body(), status=201, headers=cors)


async def _healthz(_: web.Request) -> web.Response:
    return web.Response(text="OK")


def build_token_app(
    settings: Settings,
    *,
    tenants: TenantDirectory | None = None,
    limiter: RateLimiter | None = None,
) -> web.Application:
    """The endpoint's aiohttp app.

    Args:
        settings: the process's settings; ``tokens.bearer_secret`` and the LiveKit key and
            secret are required.
        tenants: the tenants a token may name and the default; default: those the
            worker routes calls with (`config.load_tenant_directory`).
        limiter: the per-client limiter; default: from ``tokens.rate_per_minute``/``burst``.

    Raises:
        TokenPolicyError: a required secret is missing, named in the message.
    """
    if settings.tokens.bearer_secret is None:
        raise TokenPolicyError(
            "tokens.bearer_secret (CALLCENTER_TOKENS__BEARER_SECRET) is required to serve tokens"
        )
    app = web.Application(client_max_size=_MAX_BODY)
    app[_POLICY] = TokenPolicy.from_settings(settings, tenants=tenants)
    app[_LIMITER] = limiter or RateLimiter(
        rate_per_minute=settings.tokens.rate_per_minute, burst=settings.tokens.burst
    )
    app[_SECRET] = settings.tokens.bearer_secret.get_secret_value().encode()
    app[_ORIGINS] = frozenset(settings.tokens.allowed_origins)
    app[_PROXIES] = settings.tokens.trusted_proxies
    app.router.add_post("/token", _token)
    app.router.add_post("/token/{tenant}", _token)
    app.router.add_route("OPTIONS", "/token", _preflight)
    app.router.add_route("OPTIONS", "/token/{tenant}", _preflight)
    app.router.add_get("/healthz", _healthz)
    return app


def serve_tokens(settings: Settings, *, tenants: TenantDirectory | None = None) -> None:
    """Serve until SIGINT/SIGTERM (aiohttp's runner shuts down gracefully on both)."""
    app = build_token_app(settings, tenants=tenants)
    log.info("token_endpoint_listening", host=settings.tokens.host, port=settings.tokens.port)
    web.run_app(
        app,
        host=settings.tokens.host,
        port=settings.tokens.port,
        print=None,
        access_log=None,
    )
