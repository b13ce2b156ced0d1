"""Tenants: who a call is for, and everything that differs per tenant.

A tenants file (YAML, ``Settings.tenants_file``) lists tenants by name; a call finds its
tenant by the number dialed (``sip.trunkPhoneNumber``, set by LiveKit's SIP bridge), by
the app entry point named in the agent dispatch metadata, or by the metadata's
``tenant`` key (set by our dispatch rules and token endpoint, never by the caller)::

    default: main
    tenants:
      main:
        display_name: Acme
        numbers: ["+15550100"]
        greeting: "Thanks for calling Acme. How can I help?"
        transfer_destinations:
          billing: "sip:billing@pbx.example.com"
          sales: "tel:+15550199"
        limits: {idle_timeout: 20, max_duration: 1800}

The file is read once per process (`config.loading.load_tenant_directory`) through the
same strict YAML loader as dispatch files (`config.yaml_source`: no duplicate keys, no
aliases, UTF-8 only, bounded by `TENANTS_FILE_LIMITS`), ``default`` must name one of its
tenants, and a bad file stops every command that reads it with exit 2, naming the file,
line, tenant and field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from config.redaction_policy import RedactionPolicy
from config.urls import HttpUrl
from config.yaml_source import (
    LimitedDocument,
    YamlLimits,
    YamlProblem,
    load_limited_yaml,
    read_limited,
)

__all__ = [
    "TENANTS_FILE_LIMITS",
    "BusinessHours",
    "CallLimits",
    "DestinationOptions",
    "HandoffSettings",
    "RecordingPolicy",
    "ResolvedTenant",
    "TenantDirectory",
    "TenantProblem",
    "TenantSettings",
    "TenantsFileError",
    "load_tenants_file",
]

Seconds = Annotated[float, Field(gt=0.0)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# A SIP URI with a user and host, or a global tel: number (RFC 3261 / RFC 3966); the
# transfer goes out as the REFER's Refer-To, so nothing else is accepted.
_SIP_URI = re.compile(r"^sips?:[A-Za-z0-9_.!~*'()&=+$,;?/%-]+@[A-Za-z0-9.-]+(:\d{1,5})?$")
_TEL_URI = re.compile(r"^tel:\+[1-9]\d{6,14}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _e164(value: str) -> str:
    if not _E164.match(value):
        raise ValueError(f"{value!r} is not an E.164 number (+ and 7 to 15 digits)")
    return value


def _name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(
            f"{value!r} is not a name: 1 to 64 lowercase letters, digits, _ or -, "
            "starting with a letter or digit"
        )
    return value


def _transfer_uri(value: str) -> str:
    if not (_SIP_URI.match(value) or _TEL_URI.match(value)):
        raise ValueError(f"{value!r} is not a sip:user@host or tel:+E.164 URI")
    return value


# Checked one by one, so an error names the entry (and the file its line).
E164 = Annotated[str, AfterValidator(_e164)]
Name = Annotated[str, AfterValidator(_name)]
TransferUri = Annotated[str, AfterValidator(_transfer_uri)]


class BusinessHours(_Group):
    """Opening hours in the tenant's time zone; outside them the agent says so first."""

    timezone: str = "UTC"
    days: list[Weekday] = Field(default_factory=lambda: list(_WEEKDAYS[:5]))
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    out_of_hours_message: str = "Our team is away right now, but I can still help with most things."

    @field_validator("opens", "closes", mode="before")
    @classmethod
    def _time_as_text(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted 09:00 as the base-60 number 540, which a time field
        # would take as 00:09: refuse numbers, times are written "09:00".
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError('write the time quoted, as "09:00" (unquoted, YAML reads a number)')
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    def is_open(self, now: datetime) -> bool:
        """Whether ``now`` (timezone-aware) falls inside the opening hours."""
        local = now.astimezone(ZoneInfo(self.timezone))
        if _WEEKDAYS[local.weekday()] not in self.days:
            return False
        return self.opens <= local.time() < self.closes


class CallLimits(_Group):
    """How long a call may sit silent, and how long it may last."""

    idle_timeout: Seconds = Field(
        default=20.0, description="Caller silence before one check-in; as long again ends it."
    )
    idle_check_in: str = "Are you still there?"
    idle_goodbye: str = "I haven't heard from you, so I'll end the call now. Goodbye."
    max_duration: Seconds = Field(default=1800.0, description="Longest call, in seconds.")
    max_duration_warning: Seconds = Field(
        default=60.0, description="How long before the end the caller is warned."
    )
    max_duration_warning_message: str = (
        "We're close to the time limit for this call, so let's wrap up in the next minute."
    )
    max_duration_goodbye: str = (
        "We've reached the time limit for this call. Thank you for calling, goodbye."
    )


class RecordingPolicy(_Group):
    """Whether calls are recorded, and the consent line the caller hears first."""

    enabled: bool = False
    consent_message: str = "This call may be recorded for quality and training."


class DestinationOptions(_Group):
    """How a call reaches one transfer destination (docs/handoff.md).

    ``cold`` sends a SIP REFER; ``warm`` first briefs the human: on a PBX (``platform:
    pbx``) the agent dials ``dial_to`` through ``outbound_trunk_id`` into a consult room,
    says the hand-off note and bridges the human in; on LiveKit Cloud (``platform:
    cloud``) it runs the framework's ``WarmTransferTask``.
    """

    mode: Literal["cold", "warm"] = "cold"
    platform: Literal["pbx", "cloud"] = "pbx"
    dial_to: str | None = Field(
        default=None,
        description="Number or SIP user the warm path dials (CreateSIPParticipant sip_call_to).",
    )
    outbound_trunk_id: str | None = Field(
        default=None, description="The LiveKit outbound trunk the warm path dials through."
    )
    ring_timeout: Seconds = Field(
        default=20.0, description="How long the human may ring before the fallback."
    )
    hours: BusinessHours | None = Field(
        default=None, description="When this destination takes calls; None: always."
    )
    alternative: Name | None = Field(
        default=None, description="Destination offered when this one is closed or busy."
    )

    @model_validator(mode="after")
    def _warm_can_dial(self) -> DestinationOptions:
        if self.mode == "warm" and (not self.dial_to or not self.outbound_trunk_id):
            raise ValueError("a warm destination needs dial_to and outbound_trunk_id")
        return self


class HandoffSettings(_Group):
    """What goes with a transfer: the hand-off note's forms and the fallbacks."""

    sip_headers: bool = Field(
        default=True, description="X-Handoff-Id and X-Handoff-Reason on the REFER / INVITE."
    )
    webhook_url: HttpUrl | None = Field(
        default=None, description="POSTed the signed hand-off note (and callback requests)."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="HMAC-SHA256 key of the webhook signature."
    )
    webhook_attempt_timeout: Seconds = 3.0
    webhook_max_attempts: int = Field(default=4, ge=1, le=10)
    webhook_backoff: Seconds = Field(default=0.5, description="First retry delay; doubles.")
    webhook_deadline: Seconds = Field(
        default=20.0, description="Total time a delivery may take, retries included."
    )
    allowed_fields: list[str] = Field(
        default_factory=list,
        description="Tool arguments whose value (as the model passed it) the note may carry.",
    )
    destinations: dict[Name, DestinationOptions] = Field(
        default_factory=dict, description="Per transfer destination: mode, hours, alternative."
    )
    fallback: Name | None = Field(
        default=None, description="Voicemail or queue destination when a warm transfer fails."
    )
    offer_callback: bool = Field(
        default=True, description="Closed or busy with no alternative: offer a callback."
    )

    @model_validator(mode="after")
    def _signed(self) -> HandoffSettings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError("webhook_url needs webhook_secret (deliveries are signed)")
        return self


class TenantSettings(_Group):
    """One tenant. Every field has a default, so an empty tenant is a working one."""

    display_name: str = "our company"
    greeting: str | None = Field(
        default=None, description="First words of every call; None lets the caller speak first."
    )
    instructions: str = Field(
        default="", description="Tenant-specific guidance, appended after the shared prompt."
    )
    language: str = Field(default="en-US", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    voice: str | None = Field(default=None, description="ElevenLabs voice id; None: the default.")
    numbers: list[E164] = Field(default_factory=list, description="Dialed numbers (E.164).")
    entry_points: list[str] = Field(
        default_factory=list, description="App entry points (token endpoint) for this tenant."
    )
    transfer_destinations: dict[Name, TransferUri] = Field(
        default_factory=dict,
        description="Name -> sip: or tel: URI; the only places a call can be transferred.",
    )
    hand_off_message: str = "I'm transferring you now. Please hold for a moment."
    transfer_failed_message: str = (
        "I'm sorry, I couldn't connect you just now. I can keep helping you here."
    )
    goodbye: str = "Thank you for calling. Goodbye."
    redaction: RedactionPolicy | None = Field(
        default=None,
        description=(
            "This tenant's redaction policy (types turned off with `disabled`, names with "
            "`detect_names`, speech per type); None: the settings' compliance.redaction. "
            "Types and their defaults: docs/pii.md."
        ),
    )
    recording: RecordingPolicy = Field(default_factory=RecordingPolicy)
    preemptive_generation: bool | None = Field(
        default=None, description="None: the latency default. Off for high-accuracy domains."
    )
    model_routing: bool | None = Field(
        default=None,
        description=(
            "Experimental, measured as no clear win: answer conversational glue "
            "('thanks', 'bye') with the fast model; None: the latency default "
            "(latency.model_routing). See docs/latency.md for the measurement."
        ),
        json_schema_extra={"experimental": True},
    )
    max_endpointing_delay: float | None = Field(
        default=None, ge=0.0, description="Latency bound on waiting for a turn's end."
    )
    business_hours: BusinessHours | None = None
    limits: CallLimits = Field(default_factory=CallLimits)
    handoff: HandoffSettings = Field(default_factory=HandoffSettings)

    @model_validator(mode="after")
    def _handoff_names_destinations(self) -> TenantSettings:
        known = self.transfer_destinations
        named = [("handoff.fallback", self.handoff.fallback)]
        for name, options in self.handoff.destinations.items():
            if name not in known:
                raise ValueError(f"handoff.destinations.{name} is not a transfer destination")
            named.append((f"handoff.destinations.{name}.alternative", options.alternative))
        for field_name, value in named:
            if value is not None and value not in known:
                raise ValueError(f"{field_name}: {value!r} is not a transfer destination")
        return self

    def destination_options(self, name: str) -> DestinationOptions:
        """The options of one transfer destination (defaults: cold, always open)."""
        return self.handoff.destinations.get(name) or DestinationOptions()


class _TenantsFile(_Group):
    default: str = "default"
    # A tenant's name is a URL path segment (/token/<tenant>) and a metric label.
    tenants: dict[Name, TenantSettings] = Field(default_factory=dict)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


class TenantProblem(NamedTuple):
    """One thing wrong with a tenants file: the field (``tenants.acme.numbers``, or
    ``(file)``), what is wrong, and the 1-based line when the file says where."""

    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        # Names come from the file: a key of terminal escapes must not reach a terminal.
        return _printable(f"{where}{self.field}: {self.message}")


class TenantsFileError(Exception):
    """A tenants file that cannot be used; names the file, the line, the tenant and the
    field of every problem."""

    def __init__(self, path: Path, problems: list[TenantProblem]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"invalid tenants file {path}:\n{lines}")


@dataclass(frozen=True)
class ResolvedTenant:
    """The tenant a call belongs to, and what picked it (for the log, not the caller)."""

    name: str
    settings: TenantSettings
    matched_by: Literal["metadata", "entry_point", "dialed_number", "default"]


class TenantDirectory:
    """Tenants by name, dialed number and entry point; built once per process."""

    def __init__(self, tenants: Mapping[str, TenantSettings], default: str) -> None:
        self.tenants = dict(tenants)
        self.default = default
        self._by_number: dict[str, str] = {}
        self._by_entry: dict[str, str] = {}
        problems: list[tuple[str, str]] = []
        for name, tenant in self.tenants.items():
            for number in tenant.numbers:
                owner = self._by_number.setdefault(number, name)
                if owner != name:
                    problems.append((f"tenants.{name}.numbers", f"{number} is also {owner}'s"))
            for entry in tenant.entry_points:
                owner = self._by_entry.setdefault(entry, name)
                if owner != name:
                    problems.append((f"tenants.{name}.entry_points", f"{entry!r} is {owner}'s"))
        if problems:
            raise ValueError(problems)

    def __contains__(self, name: object) -> bool:
        return name in self.tenants or name == self.default

    def get(self, name: str | None) -> TenantSettings:
        """A tenant by name; the defaults for the default tenant when it is not listed."""
        return self.tenants.get(name or self.default) or self.tenants.get(
            self.default, TenantSettings()
        )

    def resolve(
        self,
        *,
        metadata_tenant: str | None = None,
        entry_point: str | None = None,
        dialed_number: str | None = None,
    ) -> ResolvedTenant:
        """Pick the call's tenant from server-set values only.

        Args:
            metadata_tenant: ``tenant`` from the agent dispatch metadata (dispatch rule or
                token endpoint): wins when it names a known tenant.
            entry_point: ``entry_point`` from the dispatch metadata (app callers).
            dialed_number: ``sip.trunkPhoneNumber`` of a SIP participant.
        """
        if metadata_tenant and metadata_tenant in self:
            return ResolvedTenant(metadata_tenant, self.get(metadata_tenant), "metadata")
        if entry_point and entry_point in self._by_entry:
            name = self._by_entry[entry_point]
            return ResolvedTenant(name, self.tenants[name], "entry_point")
        if dialed_number and dialed_number in self._by_number:
            name = self._by_number[dialed_number]
            return ResolvedTenant(name, self.tenants[name], "dialed_number")
        return ResolvedTenant(self.default, self.get(self.default), "default")


TENANTS_FILE_LIMITS = YamlLimits(max_bytes=256_000, max_depth=16, max_nodes=10_000)
"""A tenant is a few dozen keys and values: these allow some 300 tenants, and keep the
worst file within ~0.2 s and ~50 MB to refuse (PyYAML is pure Python: a megabyte of
short values would take seconds and hundreds of megabytes)."""


def _locate(document: LimitedDocument, loc: tuple[str | int, ...]) -> tuple[str, int | None]:
    """Where pydantic's ``loc`` is in the file: the field as the file spells it (a key
    YAML read as a number, ``0123``, stays ``0123`` rather than 83), and its line.

    Keys are matched by position among their siblings, since their text may differ.
    """
    located = document.located
    node: Any = located.data
    path: tuple[str | int, ...] = ()
    matched = 0
    for part in loc:
        # pydantic writes a key it cannot use as a string (None, a date) as its str().
        keys = (
            [k for k in node if k == part or str(k) == str(part)] if isinstance(node, dict) else []
        )
        if keys:
            index = list(node).index(keys[0])
            children = [p for p in located.lines if len(p) == len(path) + 1 and p[:-1] == path]
            if index >= len(children):
                break
            path, node = children[index], node[keys[0]]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path, node = (*path, part), node[part]
        else:
            break
        matched += 1
    field = ".".join(str(part) for part in (*path, *loc[matched:])) or "(file)"
    return field, located.line_of(path) if path else document.top_line


def _field_names() -> list[str]:
    """Every field a tenants file may set, for "did you mean" on a misspelt one."""
    models: list[type[BaseModel]] = [
        _TenantsFile,
        TenantSettings,
        BusinessHours,
        CallLimits,
        RecordingPolicy,
        RedactionPolicy,
        HandoffSettings,
        DestinationOptions,
    ]
    return sorted({name for model in models for name in model.model_fields})


def _problems(error: ValidationError, document: LimitedDocument) -> list[TenantProblem]:
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        field, line = _locate(document, tuple(item["loc"]))
        message = item["msg"]
        if item["loc"][-1:] == ("[key]",) and item["type"] == "string_type":
            message += " (YAML read this key as a number, a boolean or null: quote it)"
        elif item["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(item["loc"][-1]), _field_names(), n=1)
            if close:
                message += f"; did you mean {close[0]!r}?"
        problems.append(TenantProblem(field, message, line))
    return problems


def _read(path: Path) -> LimitedDocument:
    try:
        raw = read_limited(path, TENANTS_FILE_LIMITS.max_bytes)
        return load_limited_yaml(raw, TENANTS_FILE_LIMITS)
    except OSError as error:
        raise TenantsFileError(
            path, [TenantProblem("(file)", error.strerror or type(error).__name__)]
        ) from None
    except YamlProblem as error:
        raise TenantsFileError(path, [TenantProblem("(file)", str(error), error.line)]) from None


def load_tenants_file(path: Path) -> TenantDirectory:
    """Read and validate a tenants file through the strict YAML loader.

    Raises:
        TenantsFileError: unreadable, over the limits, not strict YAML (duplicate keys,
            aliases, not UTF-8), invalid, or a ``default`` that names no tenant; each
            problem names the line, the tenant and the field (``tenants.acme.numbers``).
    """
    document = _read(path)
    located = document.located
    try:
        parsed = _TenantsFile.model_validate({} if located.data is None else located.data)
    except ValidationError as error:
        raise TenantsFileError(path, _problems(error, document)) from None
    problems: list[TenantProblem] = []
    if parsed.default not in parsed.tenants:
        known = ", ".join(sorted(parsed.tenants)) or "none"
        problems.append(
            TenantProblem(
                "default",
                f"{parsed.default!r} is not a tenant of this file (tenants: {known}); "
                "calls no tenant claims go to the default, so it must be one of them",
                located.line_of(("default",)),
            )
        )
    try:
        directory = TenantDirectory(parsed.tenants, parsed.default)
    except ValueError as error:
        problems.extend(
            TenantProblem(field, message, located.line_of(tuple(field.split("."))))
            for field, message in error.args[0]
        )
    if problems:
        raise TenantsFileError(path, problems)
    return directory
