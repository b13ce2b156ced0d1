"""LiveKit server API simulator: the Twirp ``SIP`` and ``RoomService`` services.

Speaks what ``livekit-api``'s ``TwirpClient`` sends and parses:

* ``POST /twirp/livekit.SIP/{Method}`` and ``POST /twirp/livekit.RoomService/{Method}``
  with a protobuf body (``Content-Type: application/protobuf``); a JSON body
  (``application/json``) is accepted too and answered in JSON, as Twirp servers do.
* ``Authorization: Bearer <JWT>`` signed HS256 with the API secret, checked with
  ``livekit.api.TokenVerifier`` and then for the grant each method needs (SIP admin,
  SIP call, room create/list/admin).
* Errors are Twirp JSON ``{"code", "msg", "meta"}`` with the spec's HTTP status, which
  the client raises as ``api.TwirpError``.

State lives in memory (:class:`SipState`, :class:`RoomState`). Every handled call is in
:attr:`LiveKitTwirpSim.calls`; everything received, faulted or not, is in ``received``.

Faults (by request index): ``http_error`` answers with a Twirp error for ``status``
(after ``seconds``) without touching state; :meth:`FaultPlan.transient` makes the first
N requests ``unavailable`` (503, the Twirp spec's code for a transient outage) so a
client's retry of safe calls can be tested; ``hang`` reads the request and sends
nothing until the client gives up, ``half_open`` also stops reading. LiveKit's own
mock for testing its SDKs' failover (``cmd/test-server`` in livekit/livekit) fails the
same ways: a 503 ``unavailable`` Twirp error, the same after a delay, or a dropped
connection. ``disconnect``
drops the connection before handling;
``slow_start`` waits ``seconds`` before handling; ``stall`` handles the call (state
changes) and then waits ``seconds`` before answering, the "did it happen?" case;
``malformed`` handles the call and answers 200 with a body that is not protobuf;
``html_page`` answers 200 with an HTML page without handling the call (not LiveKit's
behaviour: what an HTTP proxy or CDN error page in front of it looks like to the client).
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

import jwt
import structlog
from aiohttp import web
from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from google.protobuf.message_factory import GetMessageClass
from livekit.api import TokenVerifier
from livekit.api.access_token import Claims
from livekit.protocol import models, room, sip

from ._livekit_rooms import RoomState
from ._livekit_sip import DialFailure, SipState
from ._livekit_sip_calls import SipCalls
from ._server import FaultPlan, LoopbackServer, hold_until_client_leaves
from ._twirp import TwirpFailure, code_for_status, twirp_error_response

__all__ = ["DialFailure", "LiveKitLatency", "LiveKitTwirpSim", "TwirpCall"]

log = structlog.get_logger()

_SERVICES = {
    "SIP": sip.DESCRIPTOR.services_by_name["SIP"],
    "RoomService": room.DESCRIPTOR.services_by_name["RoomService"],
}
_WRITE_PREFIXES = ("Create", "Update", "Delete", "Remove", "Transfer")
# Not a protobuf message: 0xFF starts a field tag with an invalid wire type.
_MALFORMED_BODY = b"\xff\xff\xff\xff not protobuf"
_SILENT = ("hang", "half_open")
_HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Bad gateway</title></head><body>Bad gateway</body></html>"
)


@dataclass(frozen=True)
class LiveKitLatency:
    """Server think time added to every handled request (seconds)."""

    per_request: float = 0.0


class TwirpCall(NamedTuple):
    """One handled call: ``(service, method, request)``."""

    service: str
    method: str
    request: Message

    @property
    def is_write(self) -> bool:
        return self.method.startswith(_WRITE_PREFIXES)


class LiveKitTwirpSim(LoopbackServer):
    """The LiveKit server's Twirp API on a loopback port.

    Args:
        api_key: the key tokens must be issued by (``iss``).
        api_secret: the HS256 secret tokens must be signed with.
        faults: failures to inject, by request index.
        latency: server think time.
    """

    def __init__(
        self,
        *,
        api_key: str = "devkey",
        api_secret: str = "devsecret-devsecret-devsecret-00",  # noqa: S107 - loopback-only test secret
        faults: FaultPlan | None = None,
        latency: LiveKitLatency | None = None,
    ) -> None:
        super().__init__(faults=faults)
        self.api_key = api_key
        self.api_secret = api_secret
        self.latency = latency or LiveKitLatency()
        self.calls: list[TwirpCall] = []
        self.room_state = RoomState()
        self.sip_state = SipState(rooms=self.room_state)
        self.sip_calls = SipCalls(sip_state=self.sip_state, rooms=self.room_state)
        self._requests = 0
        self._verifier = TokenVerifier(api_key, api_secret)
        self._handlers: dict[str, Mapping[str, Callable[[Any], Message | Awaitable[Message]]]] = {
            "SIP": {**self.sip_state.handlers(), **self.sip_calls.handlers()},
            "RoomService": self.room_state.handlers(),
        }

    def _routes(self, app: web.Application) -> None:
        app.router.add_post("/twirp/livekit.{service}/{method}", self.tracked(self._handle))

    # -- what tests read ------------------------------------------------------------

    @property
    def request_count(self) -> int:
        """Requests received so far: the index the next request's faults are keyed by."""
        return self._requests

    @property
    def write_calls(self) -> list[TwirpCall]:
        """Handled calls that change state (create, update, delete, remove, transfer)."""
        return [c for c in self.calls if c.is_write]

    @property
    def inbound_trunks(self) -> dict[str, sip.SIPInboundTrunkInfo]:
        return self.sip_state.inbound_trunks

    @property
    def outbound_trunks(self) -> dict[str, sip.SIPOutboundTrunkInfo]:
        return self.sip_state.outbound_trunks

    @property
    def dispatch_rules(self) -> dict[str, sip.SIPDispatchRuleInfo]:
        return self.sip_state.dispatch_rules

    @property
    def transfers(self) -> list[sip.TransferSIPParticipantRequest]:
        return self.sip_state.transfers

    @property
    def outbound_calls(self) -> list[sip.CreateSIPParticipantRequest]:
        return self.sip_state.outbound_calls

    @property
    def dial_failures(self) -> dict[str, DialFailure]:
        """Number dialed -> the SIP failure CreateSIPParticipant answers with."""
        return self.sip_state.dial_failures

    @property
    def answer_after(self) -> dict[str, float | None]:
        """Number dialed -> seconds before the far end answers; None: never."""
        return self.sip_state.answer_after

    @property
    def moved_participants(self) -> list[tuple[str, str, str]]:
        """(from room, identity, to room) of each MoveParticipant handled."""
        return self.room_state.moved_participants

    @property
    def transfer_failures(self) -> dict[str, DialFailure]:
        """Transfer target -> the SIP failure TransferSIPParticipant answers with."""
        return self.sip_state.transfer_failures

    @property
    def rooms(self) -> dict[str, models.Room]:
        return self.room_state.rooms

    @property
    def participants(self) -> dict[str, dict[str, models.ParticipantInfo]]:
        return self.room_state.participants

    @property
    def deleted_rooms(self) -> list[str]:
        return self.room_state.deleted_rooms

    @property
    def removed_participants(self) -> list[tuple[str, str]]:
        return self.room_state.removed_participants

    def add_participant(
        self,
        room_name: str,
        identity: str,
        *,
        kind: models.ParticipantInfo.Kind = models.ParticipantInfo.Kind.SIP,
        attributes: Mapping[str, str] | None = None,
        name: str = "",
        metadata: str = "",
    ) -> models.ParticipantInfo:
        """Seat a participant (a SIP caller by default) in a room, creating the room."""
        return self.room_state.add_participant(
            room_name, identity, kind=kind, attributes=attributes, name=name, metadata=metadata
        )

    # -- the wire -------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        index = self.next_request_index()
        self._requests += 1
        service = request.match_info["service"]
        method = request.match_info["method"]
        body = await request.read()
        self.record(index, "twirp", request.path, body)

        if (fault := self.faults.first(index, "slow_start")) is not None:
            await asyncio.sleep(fault.seconds)
        hang = next((f for f in self.faults.for_request(index) if f.kind in _SILENT), None)
        if hang is not None:
            log.info("livekit_sim.hang", request=index, method=method, kind=hang.kind)
            await hold_until_client_leaves(request, half_open=hang.kind == "half_open")
            return web.Response(status=504)
        if (fault := self.faults.first(index, "disconnect")) is not None:
            log.info("livekit_sim.disconnect", request=index, method=method)
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)
        if (fault := self.faults.first(index, "http_error")) is not None:
            await asyncio.sleep(fault.seconds)
            code = code_for_status(fault.status)
            failure = TwirpFailure(code, f"injected failure on request {index}")
            return web.Response(
                status=fault.status,
                body=json.dumps({"code": failure.code, "msg": failure.msg}),
                content_type="application/json",
            )

        if self.faults.first(index, "html_page") is not None:
            return web.Response(text=_HTML_PAGE, content_type="text/html")

        as_json = request.content_type == "application/json"
        try:
            response = await self._dispatch(request, service, method, body, as_json=as_json)
        except TwirpFailure as failure:
            log.info("livekit_sim.error", method=method, code=failure.code, msg=failure.msg)
            return twirp_error_response(failure)

        if (fault := self.faults.first(index, "stall")) is not None:
            await asyncio.sleep(fault.seconds)
        if self.faults.first(index, "malformed") is not None:
            return web.Response(body=_MALFORMED_BODY, content_type="application/protobuf")
        if as_json:
            return web.Response(
                text=json_format.MessageToJson(response), content_type="application/json"
            )
        return web.Response(body=response.SerializeToString(), content_type="application/protobuf")

    async def _dispatch(
        self, request: web.Request, service: str, method: str, body: bytes, *, as_json: bool
    ) -> Message:
        descriptor = _SERVICES.get(service)
        handler = self._handlers.get(service, {}).get(method)
        method_descriptor = descriptor.methods_by_name.get(method) if descriptor else None
        if method_descriptor is None or handler is None:
            raise TwirpFailure("bad_route", f"no handler for livekit.{service}/{method}")

        claims = self._authenticate(request)
        message = GetMessageClass(method_descriptor.input_type)()
        try:
            if as_json:
                json_format.Parse(body or b"{}", message, ignore_unknown_fields=True)
            else:
                message.ParseFromString(body)
        except (DecodeError, json_format.ParseError) as error:
            raise TwirpFailure("malformed", f"cannot decode request: {error}") from None
        _authorize(service, method, message, claims)

        if self.latency.per_request:
            await asyncio.sleep(self.latency.per_request)
        self.calls.append(TwirpCall(service, method, message))
        response = handler(message)
        if inspect.isawaitable(response):
            # A dial that waits for the far end to answer (CreateSIPParticipant).
            response = await response
        expected = GetMessageClass(method_descriptor.output_type)
        return response if isinstance(response, expected) else expected()

    def _authenticate(self, request: web.Request) -> Claims:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise TwirpFailure("unauthenticated", "missing bearer token")
        try:
            return self._verifier.verify(token)
        except (jwt.PyJWTError, ValueError) as error:
            raise TwirpFailure("unauthenticated", f"invalid token: {error}") from None


def _authorize(service: str, method: str, message: Message, claims: Claims) -> None:
    """Raise ``permission_denied`` unless the token carries the grant the method needs."""
    video = claims.video
    sip_grants = claims.sip
    if service == "SIP":
        if method in ("CreateSIPParticipant", "TransferSIPParticipant"):
            if not (sip_grants and sip_grants.call):
                raise TwirpFailure("permission_denied", "requires SIP call grant")
            if method == "TransferSIPParticipant":
                _require_room_admin(
                    video, cast(sip.TransferSIPParticipantRequest, message).room_name
                )
            return
        if not (sip_grants and sip_grants.admin):
            raise TwirpFailure("permission_denied", "requires SIP admin grant")
        return
    if method == "MoveParticipant":
        # livekit/livekit pkg/service/auth.go EnsureDestRoomPermission: roomAdmin, and
        # the token's room and destination room both exactly the request's.
        move = cast(room.MoveParticipantRequest, message)
        if not (
            video
            and video.room_admin
            and video.room == move.room
            and video.destination_room == move.destination_room
        ):
            raise TwirpFailure("permission_denied", "requires roomAdmin for both rooms")
        return
    if method in ("CreateRoom", "DeleteRoom"):
        if not (video and video.room_create):
            raise TwirpFailure("permission_denied", "requires roomCreate grant")
        return
    if method == "ListRooms":
        if not (video and video.room_list):
            raise TwirpFailure("permission_denied", "requires roomList grant")
        return
    _require_room_admin(video, str(getattr(message, "room", "")))


def _require_room_admin(video: Any, room_name: str) -> None:
    if not (video and video.room_admin):
        raise TwirpFailure("permission_denied", "requires roomAdmin grant")
    if video.room and video.room != room_name:
        raise TwirpFailure("permission_denied", f"token is for room {video.room!r}")
