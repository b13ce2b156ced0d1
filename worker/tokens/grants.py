"""LiveKit tokens for app callers: what a client may ask for, and the token it gets.

The request and answer follow LiveKit's token-endpoint format, ``TokenSourceRequest`` and
``TokenSourceResponse`` in livekit/protocol ``protobufs/livekit_token_source.proto``. The
client SDKs' endpoint ``TokenSource`` posts the request as JSON with the proto field names
(client-sdk-js ``src/room/token-source/TokenSource.ts``: ``toJsonString({useProtoFieldName:
true})``; its ``agentName``/``agentMetadata`` options land in ``room_config.agents[0]``) and
reads ``server_url`` and ``participant_token`` back.

A client decides nothing that routes or dispatches its call: the server names every new
room (random, under the app prefix), the only agent is ours, the tenant comes from the
entry point the server was asked on, and ``sip.*`` attributes are refused so an app caller
can never look like a phone caller. A room is one caller's: naming an existing room needs
the room ticket issued with its first token, for the same identity
(`worker.tokens.room_tickets`), and the HTTP layer refuses a room another identity is already in
(`worker.tokens.room_occupancy`). The threat model is in docs/security.md.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from google.protobuf.json_format import ParseDict, ParseError
from livekit import api

from config import Settings, TenantDirectory, load_tenant_directory
from config.urls import strip_userinfo
from worker.tokens.room_tickets import RoomTickets

__all__ = [
    "AppTokenRequest",
    "IssuedToken",
    "TokenPolicy",
    "TokenPolicyError",
    "TokenRequestError",
    "issue_token",
    "new_room",
    "parse_token_request",
    "requested_room",
]

# LiveKit reserves `lk.` for its own attributes (agent state, transcription); `sip.` is what
# the SIP bridge sets on phone callers (sip/attributes.py reads it). Compared without case
# or whitespace: "SIP.phoneNumber" and " sip.x" must not pass for something else.
RESERVED_ATTRIBUTE_PREFIXES = ("sip.", "lk.")
# The identities LiveKit gives its own participants: agents (agent-AJ_...), SIP callers
# (sip_+1555...), egress and ingress (EG_..., IN_...). A caller choosing one could pass
# for them in logs and in anything that keys on the identity.
RESERVED_IDENTITY_PREFIXES = ("agent-", "sip_", "EG_", "IN_")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ATTRIBUTE_KEY = re.compile(r"^[A-Za-z0-9_.:-]+$")

_REQUEST_FIELDS = frozenset(
    {
        "room_name",
        "participant_name",
        "participant_identity",
        "participant_metadata",
        "participant_attributes",
        "room_config",
    }
)
# room_config fields a client may set at all; the agents it lists are checked below. Egress,
# timeouts and participant limits are the operator's, never a caller's.
_CLIENT_ROOM_CONFIG_FIELDS = frozenset({"name", "agents"})

_ROOM_SUFFIX = re.compile(r"^[A-Za-z0-9_-]{1,96}$")
_MAX_IDENTITY = 128
_MAX_NAME = 128
_MAX_METADATA = 4096
_MAX_ATTRIBUTES = 32
_MAX_ATTRIBUTE_KEY = 64
_MAX_ATTRIBUTE_VALUE = 1024
# The SDKs publish the microphone for a voice call; a caller has no use for camera or screen.
_PUBLISH_SOURCES = ["microphone"]


class TokenRequestError(Exception):
    """A request the endpoint refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class TokenPolicyError(Exception):
    """The endpoint cannot issue tokens at all (missing LiveKit credentials)."""


@dataclass(frozen=True)
class AppTokenRequest:
    """A parsed ``TokenSourceRequest``; every field optional, as in the proto."""

    room_name: str | None = None
    participant_identity: str | None = None
    participant_name: str | None = None
    participant_metadata: str | None = None
    participant_attributes: Mapping[str, str] = field(default_factory=dict)
    room_config: api.RoomConfiguration | None = None


@dataclass(frozen=True)
class TokenPolicy:
    """What the server decides for every token it issues."""

    api_key: str
    api_secret: str
    server_url: str
    agent_name: str
    room_prefix: str
    ttl: timedelta
    tenants: frozenset[str]
    default_tenant: str
    tickets: RoomTickets

    @classmethod
    def from_settings(
        cls, settings: Settings, *, tenants: TenantDirectory | None = None
    ) -> TokenPolicy:
        """The policy from Settings.

        Args:
            settings: the process's settings.
            tenants: the tenants a token may name, and the default one; default: the
                directory the worker routes calls with (the tenants file's, with its
                ``default``, or the inline ``tenants``).

        Raises:
            TokenPolicyError: the LiveKit key or secret is missing.
            TenantsFileError: the tenants file is unusable.
        """
        livekit = settings.livekit
        if livekit.api_key is None or livekit.api_secret is None:
            raise TokenPolicyError(
                "livekit.api_key and livekit.api_secret (LIVEKIT_API_KEY, LIVEKIT_API_SECRET) "
                "are required to sign tokens"
            )
        directory = tenants if tenants is not None else load_tenant_directory(settings)
        return cls(
            api_key=livekit.api_key.get_secret_value(),
            api_secret=livekit.api_secret.get_secret_value(),
            # Clients get no credentials a URL setting may carry (user:password@).
            server_url=strip_userinfo(settings.tokens.public_url or livekit.url),
            agent_name=livekit.agent_name,
            room_prefix=settings.tokens.room_prefix,
            ttl=timedelta(seconds=settings.tokens.ttl_s),
            tenants=frozenset({*directory.tenants, directory.default}),
            default_tenant=directory.default,
            tickets=RoomTickets(
                livekit.api_secret.get_secret_value(), ttl_s=settings.tokens.room_ticket_ttl_s
            ),
        )

    def check_tenant(self, tenant: str | None) -> str:
        """The entry point's tenant (the default for None); 404 for an unknown one."""
        name = tenant or self.default_tenant
        if name not in self.tenants:
            raise TokenRequestError(404, f"unknown tenant {name!r}")
        return name


@dataclass(frozen=True)
class IssuedToken:
    room: str
    identity: str
    tenant: str
    server_url: str
    participant_token: str
    room_ticket: str

    def response_body(self) -> dict[str, str]:
        """The ``TokenSourceResponse`` JSON (proto field names), and the room ticket the
        app keeps to rejoin this room (the SDKs ignore fields they do not know)."""
        return {
            "server_url": self.server_url,
            "participant_token": self.participant_token,
            "room_ticket": self.room_ticket,
        }


def _optional_str(body: Mapping[str, Any], key: str, limit: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TokenRequestError(400, f"{key} must be a string")
    if len(value) > limit:
        raise TokenRequestError(400, f"{key} is longer than {limit} characters")
    return value or None


def _identity(body: Mapping[str, Any]) -> str | None:
    identity = _optional_str(body, "participant_identity", _MAX_IDENTITY)
    if identity is None:
        return None
    if _CONTROL.search(identity):
        raise TokenRequestError(400, "participant_identity has control characters")
    if identity.startswith(RESERVED_IDENTITY_PREFIXES):
        raise TokenRequestError(
            403, f"identities starting with {', '.join(RESERVED_IDENTITY_PREFIXES)} are LiveKit's"
        )
    return identity


def _attributes(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise TokenRequestError(400, "participant_attributes must map strings to strings")
    if len(value) > _MAX_ATTRIBUTES:
        raise TokenRequestError(400, f"participant_attributes has more than {_MAX_ATTRIBUTES}")
    for key, text in value.items():
        if re.sub(r"\s", "", key).lower().startswith(RESERVED_ATTRIBUTE_PREFIXES):
            raise TokenRequestError(
                403, f"participant_attributes[{key!r}]: sip.* and lk.* are set by LiveKit only"
            )
        if not key or len(key) > _MAX_ATTRIBUTE_KEY or len(text) > _MAX_ATTRIBUTE_VALUE:
            raise TokenRequestError(400, f"participant_attributes[{key!r}] is too long or empty")
        if not _ATTRIBUTE_KEY.match(key):
            raise TokenRequestError(
                400, f"participant_attributes[{key!r}]: letters, digits, _ . : or - only"
            )
    return dict(value)


def parse_token_request(body: object) -> AppTokenRequest:
    """Parse a ``TokenSourceRequest`` JSON body; shape errors raise a 400."""
    if not isinstance(body, dict):
        raise TokenRequestError(400, "the body must be a JSON object")
    unknown = sorted(set(body) - _REQUEST_FIELDS)
    if unknown:
        raise TokenRequestError(400, f"unknown field(s): {', '.join(unknown)}")
    room_config: api.RoomConfiguration | None = None
    if body.get("room_config") is not None:
        if not isinstance(body["room_config"], dict):
            raise TokenRequestError(400, "room_config must be an object")
        try:
            room_config = ParseDict(body["room_config"], api.RoomConfiguration())
        except ParseError as error:
            raise TokenRequestError(400, f"room_config: {error}") from None
    return AppTokenRequest(
        room_name=_optional_str(body, "room_name", 256),
        participant_identity=_identity(body),
        participant_name=_optional_str(body, "participant_name", _MAX_NAME),
        participant_metadata=_optional_str(body, "participant_metadata", _MAX_METADATA),
        participant_attributes=_attributes(body.get("participant_attributes")),
        room_config=room_config,
    )


def requested_room(request: AppTokenRequest, policy: TokenPolicy) -> str | None:
    """The room the client names (``room_name`` or ``room_config.name``), or None.

    Raises:
        TokenRequestError: 403 for two different names, or a name outside the prefix.
    """
    room = request.room_name
    config_name = request.room_config.name if request.room_config else ""
    if config_name and room and config_name != room:
        raise TokenRequestError(403, "room_config.name differs from room_name")
    room = room or config_name or None
    if room is None:
        return None
    suffix = room.removeprefix(policy.room_prefix)
    if suffix == room or not _ROOM_SUFFIX.fullmatch(suffix):
        raise TokenRequestError(
            403, f"room_name must be {policy.room_prefix!r} followed by [A-Za-z0-9_-]{{1,96}}"
        )
    return room


def new_room(policy: TokenPolicy) -> str:
    """A new room's name: 128 random bits, so no caller can guess another's."""
    return f"{policy.room_prefix}{secrets.token_urlsafe(16)}"


def _check_room_config(config: api.RoomConfiguration, policy: TokenPolicy, tenant: str) -> None:
    foreign = sorted(
        descriptor.name
        for descriptor, _ in config.ListFields()
        if descriptor.name not in _CLIENT_ROOM_CONFIG_FIELDS
    )
    if foreign:
        raise TokenRequestError(403, f"room_config may not set {', '.join(foreign)}")
    if len(config.agents) > 1:
        raise TokenRequestError(403, "room_config may dispatch one agent only")
    for dispatch in config.agents:
        if dispatch.agent_name != policy.agent_name:
            raise TokenRequestError(
                403, f"room_config dispatches {dispatch.agent_name!r}; only our agent joins"
            )
        if dispatch.deployment or dispatch.attributes or dispatch.restart_policy:
            raise TokenRequestError(403, "room_config.agents may name the agent only")
        if dispatch.metadata and dispatch.metadata != _dispatch_metadata(tenant):
            raise TokenRequestError(403, "the agent's dispatch metadata is set by the server")


def _dispatch_metadata(tenant: str) -> str:
    return json.dumps({"tenant": tenant}, separators=(",", ":"))


def issue_token(
    request: AppTokenRequest, policy: TokenPolicy, *, tenant: str, room: str
) -> IssuedToken:
    """Check what the client may not set and sign its token for ``room``.

    Who may have ``room`` is decided before (`requested_room`, `new_room`, the room ticket
    and who is already in it): this signs for the room it is given.

    Args:
        request: what the client asked for.
        policy: what the server decides.
        tenant: the checked tenant (`TokenPolicy.check_tenant`).
        room: the room the token joins.

    Raises:
        TokenRequestError: 403 for what a client may not set.
    """
    if request.room_config is not None:
        _check_room_config(request.room_config, policy, tenant)
    identity = request.participant_identity or f"app-caller-{secrets.token_hex(8)}"

    token = (
        api.AccessToken(policy.api_key, policy.api_secret)
        .with_identity(identity)
        .with_ttl(policy.ttl)
        .with_grants(
            api.VideoGrants(
                room_join=True,
                room=room,
                can_publish=True,
                can_subscribe=True,
                can_publish_data=True,
                can_publish_sources=list(_PUBLISH_SOURCES),
                # Otherwise the client could set sip.* attributes on itself after joining.
                can_update_own_metadata=False,
            )
        )
        .with_room_config(
            api.RoomConfiguration(
                agents=[
                    api.RoomAgentDispatch(
                        agent_name=policy.agent_name, metadata=_dispatch_metadata(tenant)
                    )
                ]
            )
        )
    )
    if request.participant_name:
        token = token.with_name(request.participant_name)
    if request.participant_metadata:
        token = token.with_metadata(request.participant_metadata)
    if request.participant_attributes:
        token = token.with_attributes(dict(request.participant_attributes))
    return IssuedToken(
        room=room,
        identity=identity,
        tenant=tenant,
        server_url=policy.server_url,
        participant_token=token.to_jwt(),
        room_ticket=policy.tickets.issue(room=room, identity=identity),
    )
