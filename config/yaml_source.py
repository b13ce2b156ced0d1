"""Read a dispatch file's YAML defensively, keeping the line of every key.

The file is operator input that a careless edit or a hostile merge request can break,
and ``sync --prune`` acts on what it finds, so anything YAML would quietly reinterpret
is an error instead: a duplicate key (PyYAML keeps the last one, hiding the first), an
alias (``*name``; the classic "billion laughs" expands a few lines into gigabytes), a
file over `MAX_BYTES`, nesting too deep to parse, or bytes that are not UTF-8.
"""

from __future__ import annotations

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
            raise YamlProblem(
                f"YAML aliases (*{event.anchor}) are not allowed; write the value out",
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


def load_yaml(text: str) -> Located:
    """Parse one YAML document strictly; raise `YamlProblem` on anything refused above."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlProblem(f"file is over {MAX_BYTES} bytes")
    loader = _StrictLoader(text)
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
