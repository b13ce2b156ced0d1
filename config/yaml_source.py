"""Read a dispatch file's YAML defensively, keeping the line of every key.

The file is operator input that a careless edit or a hostile merge request can break,
and ``sync --prune`` acts on what it finds, so anything YAML would quietly reinterpret
is an error instead: a duplicate key (PyYAML keeps the last one, hiding the first), an
alias (``*name``; the classic "billion laughs" expands a few lines into gigabytes), a
file over `MAX_BYTES`, nesting too deep to parse, or bytes that are not UTF-8.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["MAX_BYTES", "Located", "YamlProblem", "load_yaml"]

MAX_BYTES = 1_000_000
"""A dispatch file for hundreds of numbers is tens of kilobytes; a megabyte is a mistake."""

Path = tuple[str | int, ...]


class YamlProblem(ValueError):
    """The text is not a dispatch file we will read; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Located:
    """The parsed document and the line each key (or list item) starts on."""

    data: Any
    lines: dict[Path, int]

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest located parent."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


class _StrictLoader(yaml.SafeLoader):
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            # Not the alias's name: an unquoted `*secret` reads as an alias.
            raise YamlProblem(
                "YAML aliases (*name) are not allowed; write the value out",
                event.start_mark.line + 1,
            )
        return super().compose_node(parent, index)


def _walk(node: Node, path: Path, lines: dict[Path, int]) -> None:
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                raise YamlProblem("mapping keys must be plain strings", key.start_mark.line + 1)
            name = str(key.value)
            line = key.start_mark.line + 1
            if name in seen:
                raise YamlProblem(
                    f"duplicate key {name!r} (first on line {seen[name]}); YAML would keep "
                    "only the last one",
                    line,
                )
            seen[name] = line
            lines[(*path, name)] = line
            _walk(value, (*path, name), lines)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), lines)


def decode(raw: bytes) -> str:
    """UTF-8 text, or `YamlProblem` naming the line of the first bad byte."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(f"file is {len(raw)} bytes; the limit is {MAX_BYTES}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlProblem(
            f"not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8",
            line,
        ) from None


def _not_yaml(error: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    """The problem, where it was found and where the construct it breaks began (an
    unclosed quote is found lines later); never the snippet of the line, which may hold
    a password written into the file."""
    mark = error.problem_mark or error.context_mark
    message = f"not valid YAML: {error.problem or 'cannot parse'}"
    start = error.context_mark
    if start is not None and mark is not None and start.line != mark.line:
        message += f" (in what starts on line {start.line + 1})"
    quoted = _last_multiline_quote(text)
    if quoted is not None:
        message += (
            f"; the quoted value starting on line {quoted[0]} runs on to line {quoted[1]}: "
            "is its closing quote missing?"
        )
    return YamlProblem(message, mark.line + 1 if mark else None)


def _last_multiline_quote(text: str) -> tuple[int, int] | None:
    """``(first, last)`` line of the last quoted value spanning lines before the scanner
    failed (a dispatch file has no reason for one; an unclosed quote makes one)."""
    found: tuple[int, int] | None = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ('"', "'")
                and token.start_mark.line != token.end_mark.line
            ):
                found = (int(token.start_mark.line) + 1, int(token.end_mark.line) + 1)
    except (yaml.YAMLError, RecursionError):
        pass
    return found


def _unreadable(text: str, error: yaml.reader.ReaderError) -> YamlProblem:
    """A character YAML refuses (NUL, most control characters), by line, not shown."""
    line = text[: error.position].count("\n") + 1
    return YamlProblem(f"not valid YAML: character #x{error.character:04x} is not allowed", line)


def _deep_line(text: str, limit: int = 500) -> int | None:
    """The line where nesting passes ``limit``; PyYAML's parser yields events without
    recursing, so this walk succeeds where composing the document did not."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit and event.start_mark is not None:
                    return int(event.start_mark.line) + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except (yaml.YAMLError, RecursionError):
        return None
    return None


def load_yaml(text: str) -> Located:
    """Parse one YAML document strictly; raise `YamlProblem` on anything refused above."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlProblem(f"file is over {MAX_BYTES} bytes")
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as error:
        raise _unreadable(text, error) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, {})
        lines: dict[Path, int] = {}
        _walk(node, (), lines)
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as error:
        # Its text quotes the tag, and an unquoted `!secret` reads as one.
        mark = error.problem_mark or error.context_mark
        raise YamlProblem(
            "not valid YAML: a tag (!...) this file may not use", mark.line + 1 if mark else None
        ) from None
    except yaml.MarkedYAMLError as error:
        raise _not_yaml(error, text) from None
    except yaml.reader.ReaderError as error:
        raise _unreadable(text, error) from None
    except yaml.YAMLError:
        raise YamlProblem("not valid YAML") from None
    except RecursionError:
        raise YamlProblem("nested too deeply", _deep_line(text)) from None
    finally:
        loader.dispose()
    return Located(data, lines)


# -- Files that must also be refused quickly and in little memory ---------------------
#
# The tenants file is read by every command at start. PyYAML is pure Python here (about
# 5 s and 250 MB for a megabyte of short values), and composing recurses once per level
# of nesting, so such a file is first read as a stream of parser events, which neither
# builds anything nor recurses: its size, nesting, number of values, tags and anchors are
# checked there, with the line of the first one over a limit, and only then does
# `load_yaml` build it. Dispatch files do not use this.


@dataclass(frozen=True)
class YamlLimits:
    """What `load_limited_yaml` allows.

    Args:
        max_bytes: the largest file.
        max_depth: the deepest nesting of mappings and lists.
        max_nodes: the most keys, values and list items.
    """

    max_bytes: int
    max_depth: int
    max_nodes: int


# Tags plain YAML resolves a value to; a document spelling any other (``!!binary``,
# ``!!python/...``, ``!include``, a ``%TAG`` shorthand) is refused.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


def _too_big(max_bytes: int) -> str:
    return f"file size is over {max_bytes} bytes ({max_bytes / 1e6:g} MB), the limit"


def read_limited(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """A regular file's bytes, reading no more than one past ``max_bytes``: a 50 MB file
    is refused without being read, and a FIFO, a device (/dev/zero) or a directory
    without being read from at all (opening a FIFO nobody writes to would block).

    Raises:
        OSError: the file cannot be opened (missing, a symlink loop, no permission).
        YamlProblem: it is not a regular file, or it is over ``max_bytes``.
    """
    # Non-blocking, so a FIFO opens at once; what it is is checked on what was opened.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise YamlProblem("not a regular file (a directory, device, FIFO or socket)")
        os.set_blocking(descriptor, True)
        raw = file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise YamlProblem(
            f"file size is over {max_bytes} bytes ({max_bytes / 1e6:g} MB), the limit"
        )
    return raw


_KINDS = {"timestamp": "a date", "int": "an integer", "float": "a number"}


# YAML 1.2's core-schema numbers (https://yaml.org/spec/1.2.2/#1032-tag-resolution):
# "1e5" and "0o17" are numbers there but text to PyYAML's YAML 1.1.
_YAML12_NUMBER = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+)$"
)


def _check_value(event: yaml.ScalarEvent, resolver: yaml.SafeLoader) -> None:
    """A plain scalar must mean one thing: a date or number Python can build (an
    impossible date, an integer of more than 4 300 digits raise ``ValueError``), and not
    text here that YAML 1.2 reads as a number (``1e99999``)."""
    if not event.implicit[0] or event.tag is not None:
        return
    tag: str = resolver.resolve(ScalarNode, event.value, (True, False))  # type: ignore[no-untyped-call]
    if tag.endswith(":str") and _YAML12_NUMBER.match(event.value):
        raise YamlProblem(
            "YAML versions read this value differently (a number in YAML 1.2, text in "
            "1.1); quote it if it is text",
            _line(event.start_mark),
        )
    if tag.endswith((":timestamp", ":int", ":float")):
        try:
            resolver.construct_object(ScalarNode(tag, event.value))
        except (ValueError, OverflowError):
            kind = _KINDS[tag.rsplit(":", 1)[1]]
            raise YamlProblem(
                f"YAML reads this value as {kind} that cannot exist; quote it if it is text",
                _line(event.start_mark),
            ) from None


def _line(mark: Any) -> int | None:
    """The 1-based line of a PyYAML mark, when there is one."""
    return int(mark.line) + 1 if mark is not None else None


@dataclass
class _Level:
    """One mapping or list the parser is inside, and the key (or index) being read."""

    mapping: bool
    seen: dict[str, int | None]
    key: str | int | None = None
    expecting_key: bool = True


class _Where:
    """Where the parser is (the keys above it), so a duplicate key is named with the
    tenant and field it sits in, not only its line."""

    def __init__(self) -> None:
        self.levels: list[_Level] = []

    def node(self, event: yaml.NodeEvent, line: int | None) -> None:
        if not self.levels:
            return
        level = self.levels[-1]
        if not level.mapping:
            level.key = -1 if level.key is None else int(level.key) + 1
            return
        if not level.expecting_key:
            level.expecting_key = True  # a value; the next node in this mapping is a key
            return
        level.expecting_key = False
        name = event.value if isinstance(event, yaml.ScalarEvent) else "?"
        if name in level.seen:
            above = ".".join(str(lv.key) for lv in self.levels[:-1])
            where = f"{above}: " if above else ""
            raise YamlProblem(
                f"{where}duplicate key {name!r} (first on line {level.seen[name]}); YAML "
                "would keep only the last one",
                line,
            )
        level.seen[name] = line
        level.key = name

    def start(self, event: yaml.CollectionStartEvent) -> None:
        self.levels.append(_Level(isinstance(event, yaml.MappingStartEvent), {}))

    def end(self) -> None:
        self.levels.pop()


def _check_events(text: str, limits: YamlLimits) -> int | None:
    """Walk the parser's events once, refusing what `YamlLimits` and plain YAML do not
    allow; returns the line the top value starts on."""
    resolver = yaml.SafeLoader("")
    depth = nodes = 0
    top: int | None = None
    anchor: tuple[str, int | None] | None = None
    where = _Where()
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if not isinstance(event, yaml.NodeEvent):
                if isinstance(event, yaml.CollectionEndEvent):
                    depth -= 1
                    where.end()
                continue
            line = _line(event.start_mark)
            where.node(event, line)
            top = line if top is None else top
            nodes += 1
            if nodes > limits.max_nodes:
                raise YamlProblem(f"more than {limits.max_nodes} keys and values", line)
            if isinstance(event, yaml.AliasEvent):
                # Not the alias's name: an unquoted `*secret` reads as an alias.
                raise YamlProblem("YAML aliases (*name) are not allowed; write the value out", line)
            if event.anchor is not None and anchor is None:
                # Refused once the whole file is read: an alias to it, further on, is the
                # problem to name first.
                anchor = (event.anchor, line)
            tag = getattr(event, "tag", None)
            if tag not in (None, "!") and tag not in _PLAIN_TAGS:
                raise YamlProblem(f"YAML tags ({tag}) are not allowed; write a plain value", line)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                where.start(event)
                if depth > limits.max_depth:
                    raise YamlProblem(f"nested more than {limits.max_depth} levels deep", line)
            elif isinstance(event, yaml.ScalarEvent):
                _check_value(event, resolver)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlProblem(
            f"not valid YAML: {error.problem or 'cannot parse'}", _line(mark)
        ) from None
    except yaml.reader.ReaderError as error:
        # A character YAML refuses (NUL, most control characters), by line, not shown.
        line = text.count("\n", 0, max(error.position, 0)) + 1
        raise YamlProblem(
            f"not valid YAML: character #x{error.character:04x} is not allowed", line
        ) from None
    except yaml.YAMLError:
        raise YamlProblem("not valid YAML") from None
    finally:
        resolver.dispose()
    if anchor is not None:
        # Not the anchor's name, for the same reason as an alias's.
        raise YamlProblem("YAML anchors (&name) are not allowed; write the value out", anchor[1])
    return top


@dataclass(frozen=True)
class LimitedDocument:
    """A document read by `load_limited_yaml`: as `load_yaml` reads it, and the line its
    top value starts on (where a file of the wrong shape goes wrong)."""

    located: Located
    top_line: int | None


def load_limited_yaml(raw: bytes, limits: YamlLimits) -> LimitedDocument:
    """Read ``raw`` strictly (everything `load_yaml` refuses), within ``limits``, with no
    tags or anchors: a value is only what it says.

    Raises:
        YamlProblem: naming the line when the file says where.
    """
    if len(raw) > limits.max_bytes:
        raise YamlProblem(_too_big(limits.max_bytes))
    text = decode(raw)
    top = _check_events(text, limits)
    return LimitedDocument(load_yaml(text), top)
