"""Read a dispatch file's YAML defensively, keeping the line of every key.

The file is operator input that a careless edit or a hostile merge request can break,
and ``sync --prune`` acts on what it finds, so anything YAML would quietly reinterpret
is an error instead: a duplicate key (PyYAML keeps the last one, hiding the first), an
alias (``*name``; the classic "billion laughs" expands a few lines into gigabytes), a
file over `MAX_BYTES`, nesting too deep to parse, or bytes that are not UTF-8.

Dispatch files and the tenants file both go through it. A file that must also be read
quickly and in little memory (the tenants file, read by every command at start) passes
`YamlLimits`: PyYAML is pure Python here, about 5 s and 250 MB for a megabyte of short
values, so the bound that matters is on bytes, nesting and values, checked as it parses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["MAX_BYTES", "Located", "YamlLimits", "YamlProblem", "load_yaml", "read_limited"]

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


@dataclass(frozen=True)
class YamlLimits:
    """Bounds checked while parsing, so a hostile file costs at most what they allow.

    Args:
        max_bytes: the largest file read.
        max_depth: the deepest nesting of mappings and lists; None: as deep as Python's
            recursion limit lets the parser go ("nested too deeply" past it).
        max_nodes: the most keys, values and list items; None: no limit.
    """

    max_bytes: int = MAX_BYTES
    max_depth: int | None = None
    max_nodes: int | None = None


class _StrictLoader(yaml.SafeLoader):
    def __init__(self, stream: str, limits: YamlLimits | None = None) -> None:
        super().__init__(stream)
        self._limits = limits or YamlLimits()
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise YamlProblem(
                f"YAML aliases (*{event.anchor}) are not allowed; write the value out",
                event.start_mark.line + 1,
            )
        self._count()
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _count(self) -> None:
        limits = self._limits
        self._nodes += 1
        too_deep = limits.max_depth is not None and self._depth >= limits.max_depth
        too_many = limits.max_nodes is not None and self._nodes > limits.max_nodes
        if too_deep or too_many:
            line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
            if too_deep:
                raise YamlProblem(f"nested more than {limits.max_depth} levels deep", line)
            raise YamlProblem(f"more than {limits.max_nodes} keys and values", line)


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


def read_limited(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, reading no more than one past ``max_bytes`` (a 50 MB file, or
    /dev/zero, is refused without being read).

    Raises:
        OSError: the file cannot be read.
        YamlProblem: it is over ``max_bytes``.
    """
    with open(path, "rb") as file:
        raw = file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise YamlProblem(f"file is over {max_bytes} bytes; the limit is {max_bytes}")
    return raw


def decode(raw: bytes, max_bytes: int = MAX_BYTES) -> str:
    """UTF-8 text, or `YamlProblem` naming the line of the first bad byte."""
    if len(raw) > max_bytes:
        raise YamlProblem(f"file is {len(raw)} bytes; the limit is {max_bytes}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlProblem(
            f"not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8",
            line,
        ) from None


def load_yaml(text: str, limits: YamlLimits | None = None) -> Located:
    """Parse one YAML document strictly; raise `YamlProblem` on anything refused above.

    Args:
        text: the document.
        limits: bounds on size, nesting and values; default: `MAX_BYTES` only.
    """
    max_bytes = limits.max_bytes if limits is not None else MAX_BYTES
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise YamlProblem(f"file is over {max_bytes} bytes")
    loader = _StrictLoader(text, limits)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, {})
        lines: dict[Path, int] = {}
        _walk(node, (), lines)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlProblem(
            f"not valid YAML: {error.problem or error}", mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"not valid YAML: {error}") from None
    except RecursionError:
        raise YamlProblem("nested too deeply") from None
    finally:
        loader.dispose()
    return Located(data, lines)
