"""The dispatch file: SIP trunks and dispatch rules as code.

One YAML file with a stack name and three lists, each entry identified by a unique
``name``::

    stack: tenant-a          # default: the file name without extension
    owner: team-a/dispatch   # default: this file's path (see `dispatch.ownership`)
    inbound_trunks: [...]
    outbound_trunks: [...]
    dispatch_rules: [...]

The stack scopes ownership: the tool only ever updates or deletes objects it marked with
the same stack, so two teams' files never touch each other's objects. ``--prune`` also
needs the stack named explicitly and every object of it last written by this file's
``owner`` (`dispatch.ownership`). An entry may say ``renamed_from: old-name``: the
object keeps its id and is updated, not deleted and created again.

Field names follow the LiveKit protobuf messages (``SIPInboundTrunkInfo``...) so the file
reads like the API it drives; durations are seconds. Passwords never appear in the
file: ``auth_password_env`` names the environment variable that holds one; a PIN may
be written out (``pin:``) or read the same way (``pin_env:``).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from config.yaml_source import MAX_BYTES, Located, YamlProblem, decode, load_yaml

__all__ = [
    "PIN_MAX_LENGTH",
    "PIN_PATTERN",
    "RESERVED_METADATA_KEYS",
    "SECRET_KEYS",
    "AgentSpec",
    "DispatchFile",
    "FileProblem",
    "InboundTrunkSpec",
    "InvalidFile",
    "OutboundTrunkSpec",
    "RoomConfigSpec",
    "RuleSpec",
    "default_stack",
    "load_file",
    "load_located",
    "parse_file",
    "parse_located",
    "with_lines",
]

MediaEncryption = Literal["disable", "allow", "require"]
Transport = Literal["auto", "udp", "tcp", "tls"]
IncludeHeaders = Literal["none", "x_headers", "all"]
RuleType = Literal["individual", "direct", "callee"]
Seconds = Annotated[float, Field(gt=0)]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$")]

StackName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")]
# Who owns a stack: a team or repository name, written into every object it syncs.
OwnerName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/@+-]{0,127}$")]
# A PIN is typed on a keypad (DTMF digits).
PIN_PATTERN = r"^[0-9*#]*$"
PIN_MAX_LENGTH = 32
Pin = Annotated[str, Field(pattern=PIN_PATTERN, max_length=PIN_MAX_LENGTH)]
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")]

SECRET_KEYS = frozenset({"pin", "auth_password"})
"""File keys whose values are never echoed, not even in a schema error."""

RESERVED_METADATA_KEYS = frozenset({"managed_by", "stack", "dispatch"})
"""Keys the tool writes into an object's metadata; user metadata may not use them."""


class _Spec(BaseModel):
    # A typo in a key is an error: a silently ignored field would be a silent outage.
    model_config = ConfigDict(extra="forbid", frozen=True)


class InboundTrunkSpec(_Spec):
    """An inbound trunk: which dialed numbers and which carriers LiveKit accepts."""

    name: Name
    renamed_from: Name | None = Field(default=None, description="The name it had before.")
    numbers: list[str] = Field(default_factory=list, description="Dialed numbers (E.164).")
    allowed_addresses: list[str] = Field(default_factory=list, description="Carrier IPs/CIDRs.")
    allowed_numbers: list[str] = Field(default_factory=list, description="Caller numbers.")
    auth_username: str = ""
    auth_password_env: EnvName | None = None
    krisp_enabled: bool = False
    media_encryption: MediaEncryption = "disable"
    ringing_timeout: Seconds | None = None
    max_call_duration: Seconds | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    headers_to_attributes: dict[str, str] = Field(default_factory=dict)
    attributes_to_headers: dict[str, str] = Field(default_factory=dict)
    include_headers: IncludeHeaders = "none"
    metadata: dict[str, Any] = Field(default_factory=dict)


class OutboundTrunkSpec(_Spec):
    """An outbound trunk: where LiveKit sends INVITEs and which numbers it calls from."""

    name: Name
    renamed_from: Name | None = Field(default=None, description="The name it had before.")
    address: str
    transport: Transport = "auto"
    numbers: list[str] = Field(default_factory=list, description="Caller-ID numbers (E.164).")
    destination_country: str = ""
    auth_username: str = ""
    auth_password_env: EnvName | None = None
    media_encryption: MediaEncryption = "disable"
    headers: dict[str, str] = Field(default_factory=dict)
    headers_to_attributes: dict[str, str] = Field(default_factory=dict)
    attributes_to_headers: dict[str, str] = Field(default_factory=dict)
    include_headers: IncludeHeaders = "none"
    metadata: dict[str, Any] = Field(default_factory=dict)


class AgentSpec(_Spec):
    """An agent the room dispatches by name when the call creates the room."""

    agent_name: Name
    metadata: dict[str, Any] | str = Field(default_factory=dict)
    attributes: dict[str, str] = Field(
        default_factory=dict, description="Attributes of the agent's participant."
    )


class RoomConfigSpec(_Spec):
    agents: list[AgentSpec] = Field(default_factory=list)
    empty_timeout: int = Field(default=0, ge=0)
    departure_timeout: int = Field(default=0, ge=0)
    max_participants: int = Field(default=0, ge=0)


class RuleSpec(_Spec):
    """A dispatch rule: which calls go to which room, and which agent joins it.

    ``numbers`` filters on the *dialed* number and ``inbound_numbers`` on the *caller's*
    number, as in ``SIPDispatchRuleInfo``; the server's conflict check keys rules by
    (trunk, caller number, dialed number, PIN) (livekit/protocol ``sip/sip.go``).
    """

    name: Name
    renamed_from: Name | None = Field(default=None, description="The name it had before.")
    type: RuleType
    room_prefix: str = ""
    room_name: str = ""
    pin: Pin = ""
    pin_env: EnvName | None = Field(
        default=None, description="Variable holding the PIN (instead of `pin:`)."
    )
    randomize: bool | None = Field(
        default=None, description="Random room suffix; default: individual yes, callee no."
    )
    trunks: list[str] = Field(default_factory=list, description="Inbound trunk names.")
    numbers: list[str] = Field(default_factory=list, description="Dialed-number filter.")
    inbound_numbers: list[str] = Field(default_factory=list, description="Caller filter.")
    hide_phone_number: bool = False
    attributes: dict[str, str] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)
    room_config: RoomConfigSpec = Field(default_factory=RoomConfigSpec)


class DispatchFile(_Spec):
    stack: StackName | None = Field(
        default=None, description="Owner of the objects; default: the file's name."
    )
    owner: OwnerName | None = Field(
        default=None, description="Who writes this stack; default: this file's path."
    )
    inbound_trunks: list[InboundTrunkSpec] = Field(default_factory=list)
    outbound_trunks: list[OutboundTrunkSpec] = Field(default_factory=list)
    dispatch_rules: list[RuleSpec] = Field(default_factory=list)


class FileProblem(BaseModel):
    """One thing wrong with the file, located as precisely as we can."""

    model_config = ConfigDict(frozen=True)

    path: str
    section: str = ""
    entry: str = ""
    field: str = ""
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        if self.section:
            where += f": {self.section}"
            if self.entry:
                where += f"[{self.entry}]"
        if self.field:
            where += f".{self.field}"
        return f"{where}: {self.message}"


class InvalidFile(Exception):
    """The file cannot be used; ``problems`` lists every reason."""

    def __init__(
        self,
        problems: list[FileProblem],
        partial: DispatchFile | None = None,
        broken_names: set[str] | None = None,
        located: Located | None = None,
    ) -> None:
        self.problems = problems
        self.partial = partial
        self.broken_names = broken_names or set()
        self.located = located
        super().__init__("\n".join(str(p) for p in problems))


def _entry_name(raw: Any, section: str, index: int) -> str:
    try:
        name = raw[section][index]["name"]
    except (KeyError, IndexError, TypeError):
        return f"#{index}"
    return str(name) if isinstance(name, str) and name else f"#{index}"


def _known_keys(loc: list[Any]) -> list[str]:
    """The keys allowed where ``loc`` points (for "did you mean")."""
    model: type[BaseModel] = DispatchFile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = (
            model.model_fields[str(part)].annotation if part in model.model_fields else None
        )
        inner = getattr(annotation, "__args__", (annotation,))
        nested = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)


def _message(item: Any, loc: list[Any]) -> str:
    message = str(item["msg"])
    secret = bool(loc) and str(loc[-1]) in SECRET_KEYS
    if item["type"] == "extra_forbidden" and loc and isinstance(loc[-1], str):
        close = difflib.get_close_matches(loc[-1], _known_keys(loc), n=1)
        if close:
            message += f"; did you mean {close[0]!r}?"
    elif item["type"] == "string_type" and isinstance(item.get("input"), int | float):
        # YAML reads 0123 as octal and 1e3 as a float: numbers, PINs and extensions
        # must be quoted strings. A PIN's value (or its octal reading) is never echoed.
        if secret:
            message += " (write the PIN quoted; YAML read it as a number, 0123 as octal)"
        else:
            message += f" (write it quoted: '{item['input']}')"
    return message


def _problems(path: str, located: Located, error: ValidationError) -> list[FileProblem]:
    raw = located.data
    problems: list[FileProblem] = []
    for item in error.errors(include_url=False):
        full = list(item["loc"])
        loc = list(full)
        section = entry = ""
        if loc and isinstance(loc[0], str) and len(loc) >= 2 and isinstance(loc[1], int):
            section = loc[0]
            entry = _entry_name(raw, section, loc[1])
            loc = loc[2:]
        elif loc and isinstance(loc[0], str):
            section, loc = loc[0], loc[1:]
        dotted = ".".join(str(part) for part in loc)
        problems.append(
            FileProblem(
                path=path,
                section=section,
                entry=entry,
                field=dotted,
                message=_message(item, full),
                line=located.line_of(tuple(full)),
            )
        )
    return problems


_SECTIONS: dict[str, type[_Spec]] = {
    "inbound_trunks": InboundTrunkSpec,
    "outbound_trunks": OutboundTrunkSpec,
    "dispatch_rules": RuleSpec,
}


def _salvage(raw: dict[str, Any]) -> tuple[DispatchFile, set[str]]:
    """The entries that do validate, and the names of those that do not, so the
    cross-entry checks can still run (and not report a broken trunk as missing)."""
    kept: dict[str, list[Any]] = {}
    broken: set[str] = set()
    for section, spec in _SECTIONS.items():
        entries = raw.get(section)
        kept[section] = []
        for entry in entries if isinstance(entries, list) else []:
            try:
                kept[section].append(spec.model_validate(entry))
            except ValidationError:
                if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                    broken.add(entry["name"])
    try:
        top = {key: raw.get(key) for key in ("stack", "owner") if key in raw}
        return DispatchFile.model_validate({**kept, **top}), broken
    except ValidationError:
        return DispatchFile.model_validate(kept), broken


def default_stack(path: str) -> str:
    """The stack a file without ``stack:`` belongs to: its name, made a valid stack name."""
    stem = Path(path).stem.lower()
    return re.sub(r"[^a-z0-9_.-]+", "-", stem).strip("-.")[:63] or "default"


def parse_file(text: str, path: str) -> DispatchFile:
    """Parse YAML text into a `DispatchFile`; raise `InvalidFile` listing every problem.

    On schema errors, `InvalidFile.partial` holds the entries that did parse and
    `InvalidFile.broken_names` the names of those that did not.
    """
    return parse_located(text, path)[0]


def with_lines(problems: list[FileProblem], located: Located) -> list[FileProblem]:
    """``problems`` with the line of the entry and field each one names, where known."""
    raw = located.data if isinstance(located.data, dict) else {}
    out: list[FileProblem] = []
    for problem in problems:
        if problem.line is not None or not problem.section:
            out.append(problem)
            continue
        entries = raw.get(problem.section)
        index = next(
            (
                i
                for i, e in enumerate(entries if isinstance(entries, list) else [])
                if isinstance(e, dict) and e.get("name") == problem.entry
            ),
            None,
        )
        path: list[str | int] = [problem.section] if index is None else [problem.section, index]
        if index is not None and problem.field:
            path += [int(p) if p.isdigit() else p for p in problem.field.split(".")]
        out.append(problem.model_copy(update={"line": located.line_of(tuple(path))}))
    return out


def parse_located(text: str, path: str) -> tuple[DispatchFile, Located]:
    """`parse_file`, also returning where each key is (for `with_lines`)."""
    try:
        located = load_yaml(text)
    except YamlProblem as problem:
        raise InvalidFile(
            [FileProblem(path=path, message=str(problem), line=problem.line)]
        ) from None
    raw = located.data
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InvalidFile([FileProblem(path=path, message="top level must be a mapping", line=1)])
    try:
        return DispatchFile.model_validate(raw), located
    except ValidationError as error:
        partial, broken = _salvage(raw)
        raise InvalidFile(_problems(path, located, error), partial, broken, located) from None


def load_file(path: Path) -> DispatchFile:
    """Read and parse the dispatch file at ``path`` (at most `MAX_BYTES`, UTF-8)."""
    return load_located(path)[0]


def load_located(path: Path) -> tuple[DispatchFile, Located]:
    """`load_file`, also returning where each key is (for `with_lines`)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlProblem(f"file is {size} bytes; the limit is {MAX_BYTES}")
        with path.open("rb") as handle:
            # Read one byte past the limit: the file may have grown since stat().
            raw = handle.read(MAX_BYTES + 1)
        text = decode(raw)
    except OSError as error:
        raise InvalidFile([FileProblem(path=str(path), message=f"cannot read: {error}")]) from None
    except YamlProblem as problem:
        raise InvalidFile(
            [FileProblem(path=str(path), message=str(problem), line=problem.line)]
        ) from None
    return parse_located(text, str(path))
