"""Twirp's error model: a code, a message and string metadata, sent as JSON with the
HTTP status the Twirp spec assigns to the code (https://twitchtv.github.io/twirp/docs/spec_v7.html).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiohttp import web

__all__ = ["STATUS_BY_CODE", "TwirpFailure", "code_for_status", "twirp_error_response"]

STATUS_BY_CODE: Mapping[str, int] = {
    "canceled": 408,
    "unknown": 500,
    "invalid_argument": 400,
    "malformed": 400,
    "deadline_exceeded": 408,
    "not_found": 404,
    "bad_route": 404,
    "already_exists": 409,
    "permission_denied": 403,
    "unauthenticated": 401,
    "resource_exhausted": 429,
    "failed_precondition": 412,
    "aborted": 409,
    "out_of_range": 400,
    "unimplemented": 501,
    "internal": 500,
    "unavailable": 503,
    "dataloss": 500,
}

# Several codes share a status; an injected HTTP error picks the usual one.
_CODE_BY_STATUS: Mapping[int, str] = {
    400: "invalid_argument",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    408: "deadline_exceeded",
    409: "already_exists",
    412: "failed_precondition",
    429: "resource_exhausted",
    500: "internal",
    501: "unimplemented",
    503: "unavailable",
}


class TwirpFailure(Exception):
    """Raised by a simulated method; turned into a Twirp JSON error response.

    Args:
        code: a Twirp error code (``not_found``, ``invalid_argument``...).
        msg: the human-readable message.
        meta: string metadata (the SIP methods put ``sip_status_code`` here).
    """

    def __init__(self, code: str, msg: str, meta: Mapping[str, str] | None = None) -> None:
        if code not in STATUS_BY_CODE:
            raise ValueError(f"not a Twirp error code: {code}")
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.meta = dict(meta or {})

    @property
    def status(self) -> int:
        return STATUS_BY_CODE[self.code]


def code_for_status(status: int) -> str:
    """The Twirp code an injected ``http_error`` with this status carries."""
    return _CODE_BY_STATUS.get(status, "internal" if status >= 500 else "unknown")


def twirp_error_response(failure: TwirpFailure) -> web.Response:
    body: dict[str, object] = {"code": failure.code, "msg": failure.msg}
    if failure.meta:
        body["meta"] = failure.meta
    return web.Response(
        status=failure.status, body=json.dumps(body), content_type="application/json"
    )
