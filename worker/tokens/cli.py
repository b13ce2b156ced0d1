"""``python -m worker tokens`` (the endpoint) and ``python -m worker token`` (one token)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from config import (
    Settings,
    SettingsError,
    TenantDirectory,
    TenantsFileError,
    load_settings,
    load_tenant_directory,
)

if TYPE_CHECKING:
    from worker.tokens.grants import TokenPolicy

__all__ = ["COMMANDS", "main"]

COMMANDS = frozenset({"tokens", "token"})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m worker")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "tokens", help="serve LiveKit's token-endpoint format for app callers (aiohttp)"
    )
    one = commands.add_parser(
        "token", help="print one app-caller token, e.g. for LiveKit's example web app"
    )
    one.add_argument("--identity", required=True, help="the participant identity")
    one.add_argument("--tenant", help="a known tenant (default: the default tenant)")
    one.add_argument(
        "--room",
        help="a room with the app prefix (default: a new random one); refused when "
        "another identity is in it (asks LiveKit)",
    )
    return parser


async def _refuse_a_taken_room(
    settings: Settings, policy: TokenPolicy, room: str, identity: str
) -> None:
    """An operator may name a room (no ticket needed), but not one another caller is in."""
    from worker.tokens.grants import TokenRequestError
    from worker.tokens.room_occupancy import LiveKitRoomOccupancy, RoomCheckError

    occupancy = LiveKitRoomOccupancy(
        url=settings.livekit.http_url,
        api_key=policy.api_key,
        api_secret=policy.api_secret,
        timeout_s=settings.tokens.room_check_timeout_s,
    )
    try:
        callers = await occupancy.callers(room)
    except RoomCheckError as error:
        raise TokenRequestError(503, f"cannot check who is in {room} ({error})") from None
    finally:
        await occupancy.aclose()
    if callers - {identity}:
        raise TokenRequestError(409, f"{room} already has a caller")


def _run(args: argparse.Namespace, settings: Settings, tenants: TenantDirectory) -> int:
    from worker.tokens.grants import (
        AppTokenRequest,
        TokenPolicy,
        issue_token,
        new_room,
        requested_room,
    )

    policy = TokenPolicy.from_settings(settings, tenants=tenants)
    if args.command == "tokens":
        from config.log_setup import configure_logging
        from worker.tokens.server import serve_tokens

        configure_logging(
            level=settings.observability.log_level,
            fmt=settings.observability.log_format,
            own_handler=True,
        )
        serve_tokens(settings, tenants=tenants)
        return 0
    wanted = AppTokenRequest(room_name=args.room, participant_identity=args.identity)
    tenant = policy.check_tenant(args.tenant)
    room = requested_room(wanted, policy)
    if room is None:
        room = new_room(policy)
    else:
        asyncio.run(_refuse_a_taken_room(settings, policy, room, args.identity))
    issued = issue_token(wanted, policy, tenant=tenant, room=room)
    # The token alone on stdout, so `$(python -m worker token ...)` captures just it.
    print(f"server_url: {issued.server_url}  room: {issued.room}", file=sys.stderr)
    print(issued.participant_token)
    return 0


def main(argv: list[str]) -> int:
    """Run one of our token commands; 2 for bad settings, a bad tenants file or a refused
    request."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        tenants = load_tenant_directory(settings)
    except (SettingsError, TenantsFileError) as error:
        print(error, file=sys.stderr)
        return 2
    # Only now livekit-api and the token logic (half a second of imports), and the agents
    # framework for `tokens`' logging (seconds): a bad setting or tenants file is refused
    # as fast as `config check` refuses it.
    from worker.tokens.grants import TokenPolicyError, TokenRequestError

    try:
        return _run(args, settings, tenants)
    except TokenPolicyError as error:
        print(error, file=sys.stderr)
        return 2
    except TokenRequestError as error:
        print(f"refused: {error.message}", file=sys.stderr)
        return 2
