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
