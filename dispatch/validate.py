"""Everything that can be checked without the server, checked before any API call.

Each entry is turned into the exact message ``sync`` would send and judged by
`dispatch.server_rules` (LiveKit's own validation and conflict rules), plus the checks
only the file can answer: references between entries, rule shapes, passwords and PINs
present, and that no phone room can fall inside the app callers' room prefix
(``settings.tokens.room_prefix``): the token endpoint hands app users tokens for any
room under it, so a phone caller's room there could be joined by anyone with the app.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from livekit.protocol import sip

from dispatch import canonical, server_rules
from dispatch.canonical import Stamp
from dispatch.model import (
    RESERVED_METADATA_KEYS,
    DispatchFile,
    FileProblem,
    RuleSpec,
    default_stack,
)
from dispatch.numbers import InvalidNumber, normalize
from dispatch.passwords import read_secrets

__all__ = ["ValidationContext", "ValidationResult", "validate"]

_HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9\-.]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class ValidationContext:
    """What the checks need from the settings and the command line.

    Args:
        path: the file, for messages.
        region: default region for numbers written without a country code.
        agent_name: the agent name this deployment registers (others only warn).
        agent_noise_cancellation: the agent applies its own noise cancellation.
        trunk_krisp_expected: settings say the trunk, not the agent, applies Krisp.
        app_room_prefix: the app callers' room prefix (``settings.tokens.room_prefix``);
            no phone room may fall inside it.
        unparsed_names: entries that failed the schema (already reported); references
            to them are not reported again as missing.
    """

    path: str
    region: str
    agent_name: str
    agent_noise_cancellation: bool
    trunk_krisp_expected: bool
    app_room_prefix: str
    unparsed_names: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ValidationResult:
    problems: list[FileProblem]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


class _Collector:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[FileProblem] = []
        self.warnings: list[str] = []

    def add(self, section: str, entry: str, field: str, message: str) -> None:
        self.problems.append(
            FileProblem(path=self.path, section=section, entry=entry, field=field, message=message)
        )

    def numbers(
        self, section: str, entry: str, field: str, values: Iterable[str], region: str
    ) -> None:
        for value in values:
            try:
                normalize(value, region)
            except InvalidNumber as error:
                self.add(section, entry, field, str(error))

    def metadata(self, section: str, entry: str, keys: Iterable[str]) -> None:
        reserved = sorted(RESERVED_METADATA_KEYS.intersection(keys))
        if reserved:
            self.add(section, entry, "metadata", f"reserved key(s) {reserved} are set by the tool")


def _unique_names(c: _Collector, section: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            c.add(section, name, "name", "name is used by more than one entry")
        seen.add(name)


def _valid_address(mask: str) -> bool:
    # livekit/protocol sip/sip.go isValidMask drops anything with these characters.
    if any(ch in mask for ch in "()+*;, \t\n\r") or "://" in mask:
        return False
    try:
        ipaddress.ip_network(mask, strict=False)
    except ValueError:
        return bool(_HOST_RE.match(mask))
    return True


def _check_inbound(c: _Collector, file: DispatchFile, ctx: ValidationContext, stack: str) -> None:
    section = "inbound_trunks"
    messages: list[sip.SIPInboundTrunkInfo] = []
    for trunk in file.inbound_trunks:
        c.numbers(section, trunk.name, "numbers", trunk.numbers, ctx.region)
        c.numbers(section, trunk.name, "allowed_numbers", trunk.allowed_numbers, ctx.region)
        for address in trunk.allowed_addresses:
            if not _valid_address(address):
                c.add(
                    section,
                    trunk.name,
                    "allowed_addresses",
                    f"{address!r} is not an IP, CIDR or host (LiveKit would ignore it, and "
                    "a trunk whose every address is ignored accepts any address)",
                )
        if trunk.auth_password_env and not trunk.auth_username:
            c.add(section, trunk.name, "auth_username", "a password needs a username")
        if trunk.krisp_enabled and ctx.agent_noise_cancellation:
            c.add(
                section,
                trunk.name,
                "krisp_enabled",
                "the trunk applies Krisp and the agent applies noise cancellation too; "
                "denoising twice degrades speech (turn one off)",
            )
        c.metadata(section, trunk.name, trunk.metadata)
        fields = canonical.inbound_fields(trunk, ctx.region, None)
        # A stand-in password: only its presence matters to the server's checks.
        message = canonical.to_inbound(
            trunk.name, fields, "set" if trunk.auth_password_env else None, Stamp(stack)
        )
        for field, text in server_rules.check_inbound(message):
            c.add(section, trunk.name, field, text)
        messages.append(message)
    for clash in server_rules.inbound_clashes(messages):
        c.add(
            section,
            clash.item.name,
            "numbers",
            f"conflicts with inbound trunk {clash.other.name!r}: {clash.detail} "
            "(give them different numbers or disjoint allowed_numbers)",
        )
    if (
        ctx.trunk_krisp_expected
        and file.inbound_trunks
        and not any(t.krisp_enabled for t in file.inbound_trunks)
    ):
        c.warnings.append(
            "settings.telephony.trunk_krisp is on but no inbound trunk enables krisp_enabled"
        )


def _check_outbound(c: _Collector, file: DispatchFile, ctx: ValidationContext, stack: str) -> None:
    section = "outbound_trunks"
    for trunk in file.outbound_trunks:
        c.numbers(section, trunk.name, "numbers", trunk.numbers, ctx.region)
        if trunk.auth_password_env and not trunk.auth_username:
            c.add(section, trunk.name, "auth_username", "a password needs a username")
        c.metadata(section, trunk.name, trunk.metadata)
        fields = canonical.outbound_fields(trunk, ctx.region, None)
        message = canonical.to_outbound(trunk.name, fields, None, Stamp(stack))
        message.address = message.address.strip()
        for field, text in server_rules.check_outbound(message):
            c.add(section, trunk.name, field, text)


# Rooms a callee or individual rule creates: prefix, "_", the caller's (or dialed)
# number, "_", a 12-character random suffix (livekit/protocol sip/sip.go
# EvaluateDispatchRule, utils/guid Size). E.164 numbers are at most 16 characters.
_ROOM_SUFFIX_BYTES = 1 + 16 + 1 + 12


def _app_overlap(rule: RuleSpec, app_prefix: str) -> tuple[str, str] | None:
    """``(field, message)`` when a room of this rule can fall inside the app prefix.

    Room names follow livekit/protocol ``sip/sip.go`` ``EvaluateDispatchRule``: a
    direct rule's ``room_name``; otherwise ``room_prefix + "_" + number`` (the caller's
    for an individual rule, the dialed one for a callee rule), or the number alone when
    the prefix is empty, and the SIP user in From/To is whatever the caller sends.
    """
    where = f"the app callers' room prefix {app_prefix!r} (settings.tokens.room_prefix)"
    if rule.type == "direct":
        if rule.room_name.startswith(app_prefix):
            return (
                "room_name",
                f"room {rule.room_name!r} is inside {where}: the token endpoint would give "
                "app users tokens for this phone room; name it outside that prefix",
            )
        return None
    if not rule.room_prefix:
        return (
            "room_prefix",
            f"without room_prefix, {'an' if rule.type == 'individual' else 'a'} {rule.type} "
            "rule names each room after the SIP user "
            f"the caller sends, which can be anything, {where} included; set a "
            "room_prefix outside it",
        )
    stem = rule.room_prefix + "_"
    if stem.startswith(app_prefix) or app_prefix.startswith(stem):
        return (
            "room_prefix",
            f"rooms {stem}<number>... overlap {where}: the token endpoint would give app "
            "users tokens for these phone rooms; choose a prefix outside it",
        )
    return None


def _room_bytes(rule: RuleSpec) -> tuple[str, str] | None:
    """livekit/livekit pkg/config/config.go ``CheckRoomNameLength``: at most
    ``limit.max_room_name_length`` (default 256) bytes, else the call's room is refused."""
    limit = server_rules.MAX_ROOM_NAME_BYTES
    if rule.type == "direct":
        size = len(rule.room_name.encode())
        if size > limit:
            return ("room_name", f"is {size} bytes; LiveKit's room names hold {limit}")
        return None
    size = len(rule.room_prefix.encode())
    if size + _ROOM_SUFFIX_BYTES > limit:
        return (
            "room_prefix",
            f"is {size} bytes; with the number and random suffix LiveKit adds, rooms would "
            f"pass the {limit}-byte room name limit (at most {limit - _ROOM_SUFFIX_BYTES})",
        )
    return None


def _check_rules(
    c: _Collector,
    file: DispatchFile,
    ctx: ValidationContext,
    stack: str,
    pins: Mapping[str, str],
) -> None:
    section = "dispatch_rules"
    inbound = {t.name for t in file.inbound_trunks}
    outbound = {t.name for t in file.outbound_trunks}
    messages: list[sip.SIPDispatchRuleInfo] = []
    for rule in file.dispatch_rules:
        if rule.type == "direct":
            if not rule.room_name:
                c.add(section, rule.name, "room_name", "a direct rule needs room_name")
            if rule.room_prefix:
                c.add(
                    section, rule.name, "room_prefix", "a direct rule has room_name, not a prefix"
                )
            if rule.randomize is not None:
                c.add(section, rule.name, "randomize", "does not apply to a direct rule")
        elif rule.room_name:
            c.add(section, rule.name, "room_name", f"a {rule.type} rule takes room_prefix")
        if rule.pin and rule.pin_env:
            c.add(section, rule.name, "pin_env", "set pin or pin_env, not both")
        if (overlap := _app_overlap(rule, ctx.app_room_prefix)) is not None:
            c.add(section, rule.name, *overlap)
        if (too_long := _room_bytes(rule)) is not None:
            c.add(section, rule.name, *too_long)
        for field_name, text in server_rules.check_participant(rule.attributes, rule.metadata):
            c.add(section, rule.name, field_name, text)
        if 0 < len(rule.pin) < 4:
            c.warnings.append(
                f"dispatch rule {rule.name!r} has a PIN of fewer than 4 keys: easy to guess"
            )
        for trunk in rule.trunks:
            if trunk not in inbound and trunk not in ctx.unparsed_names:
                hint = " (that is an outbound trunk)" if trunk in outbound else ""
                c.add(section, rule.name, "trunks", f"no inbound trunk named {trunk!r}{hint}")
        c.numbers(section, rule.name, "numbers", rule.numbers, ctx.region)
        c.numbers(section, rule.name, "inbound_numbers", rule.inbound_numbers, ctx.region)
        agents = [a.agent_name for a in rule.room_config.agents]
        if not agents:
            c.warnings.append(f"dispatch rule {rule.name!r} dispatches no agent")
        for index, name in enumerate(agents):
            if name in agents[:index]:
                c.add(
                    section,
                    rule.name,
                    f"room_config.agents.{index}.agent_name",
                    f"{name!r} is listed twice (it would join the room twice)",
                )
            elif name != ctx.agent_name:
                c.warnings.append(
                    f"dispatch rule {rule.name!r} dispatches agent {name!r}, which is not "
                    f"this deployment's (settings.livekit.agent_name = {ctx.agent_name!r}); "
                    "make sure a worker registers it"
                )
        c.metadata(section, rule.name, rule.metadata)
        # Trunk names stand in for ids: within one file they are just as unique.
        # An unset pin_env is reported below; a stand-in keeps the rule PIN-protected.
        pin = pins.get(rule.name, "?") if rule.pin_env else None
        fields = canonical.rule_fields(rule, ctx.region, pin)
        messages.append(canonical.to_rule(rule.name, fields, {}, Stamp(stack)))
    for clash in server_rules.rule_clashes(messages):
        c.add(
            section,
            clash.item.name,
            "trunks",
            f"conflicts with dispatch rule {clash.other.name!r}: {clash.detail}",
        )


def validate(
    file: DispatchFile, ctx: ValidationContext, env: Mapping[str, str]
) -> ValidationResult:
    """Check the whole file and return every problem, not just the first.

    Args:
        file: the parsed dispatch file.
        ctx: settings and flags the checks depend on.
        env: the environment the password variables are looked up in.
    """
    c = _Collector(ctx.path)
    stack = file.stack or default_stack(ctx.path)
    _unique_names(c, "inbound_trunks", [t.name for t in file.inbound_trunks])
    _unique_names(c, "outbound_trunks", [t.name for t in file.outbound_trunks])
    _unique_names(c, "dispatch_rules", [r.name for r in file.dispatch_rules])
    secrets = read_secrets(file, env)
    _check_inbound(c, file, ctx, stack)
    _check_outbound(c, file, ctx, stack)
    _check_rules(c, file, ctx, stack, secrets.pins)
    for section, name, field_name, text in secrets.missing:
        c.add(section, name, field_name, text)
    return ValidationResult(problems=c.problems, warnings=c.warnings)
