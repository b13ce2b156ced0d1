"""JSON request bodies parsed without trusting their shape: bounded nesting, no
duplicate keys, UTF-8 only.

CPython's ``json`` recurses once per nesting level, so a body of a few kilobytes of
``[[[[...`` raises ``RecursionError`` (or worse, on a thread with a small stack). The
nesting is measured first, without recursion and without building anything: strings are
skipped (a bracket inside one is text), and every other ``[``/``{`` and ``]``/``}``
counts. Only a body within the limit reaches ``json.loads``.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["BodyError", "nested_deeper_than", "parse_json_body"]

# A JSON string: a quote, then characters that are not a quote or a backslash, or a
# backslash and any one character, then a quote. Linear: each alternative starts with a
# different character, so nothing backtracks.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


class BodyError(ValueError):
    """A body the endpoint will not parse; the message is safe to send back."""


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether arrays and objects in ``text`` (JSON or not) nest deeper than ``limit``;
    stops counting as soon as they do."""
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    depth = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            # Two readers of one body (a proxy, us) could take different values.
            raise BodyError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_json_body(raw: bytes, *, max_depth: int) -> Any:
    """The JSON value in ``raw``.

    Raises:
        BodyError: not UTF-8, nested deeper than ``max_depth``, duplicate keys, or not
            JSON.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("the body is not UTF-8") from None
    if nested_deeper_than(text, max_depth):
        raise BodyError(f"the body is nested more than {max_depth} levels deep")
    try:
        return json.loads(text, object_pairs_hook=_refuse_duplicates)
    except BodyError:
        raise
    except (ValueError, RecursionError):
        # ValueError: not JSON, or an integer of more digits than Python converts.
        raise BodyError("the body must be JSON") from None
