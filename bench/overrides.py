"""``--set section.field=value``: a benchmark's explicit settings, on top of the code's
defaults.

Benchmarks read no ``CALLCENTER_*`` variable (:func:`config.default_settings`), so a run
measures the same code whatever a developer's shell exports; a what-if is asked for on
the command line instead, where the JSON's ``recorded.command`` keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config import Settings, default_settings

__all__ = ["settings_with"]


def settings_with(pairs: Sequence[str]) -> Settings:
    """The defaults with each ``section.field=value`` applied; the value is a string
    that Settings reads as it reads an environment variable (``0.3``, ``off``, ``true``).

    Raises:
        ValueError: a pair without ``=`` or without a section.
        config.SettingsError: a field or value Settings refuses, named.
    """
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        path = [part for part in name.strip().split(".") if part]
        if not sep or len(path) < 2:
            raise ValueError(f"--set {pair!r}: expected section.field=value")
        node = values
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ValueError(f"--set {pair!r}: {part} is set as a value already")
            node = child
        node[path[-1]] = raw.strip()
    return default_settings(**values)
