"""Render `.env.example` from the Settings schema, so it documents every field."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic_core import to_jsonable_python

from config._standard_env import STANDARD_NAMES
from config.settings import Settings

__all__ = ["render_env_example"]

_STANDARD_FOR = {fields: name for name, fields in STANDARD_NAMES.items()}


def _sorted_sets(value: Any) -> Any:
    # Sets dump in hash order; sorting keeps the file stable between runs.
    if isinstance(value, dict):
        return {k: _sorted_sets(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted(value) if all(isinstance(v, str) for v in value) else value
    return value


def _value(value: Any) -> str:
    if value is None or isinstance(value, SecretStr):
        return ""
    if isinstance(value, BaseModel):
        return json.dumps(_sorted_sets(value.model_dump(mode="json")), sort_keys=True)
    if isinstance(value, (list, dict, set, frozenset)):
        # to_jsonable_python: a dict of settings models (the price table) dumps as JSON.
        return json.dumps(
            sorted(value) if isinstance(value, (set, frozenset)) else to_jsonable_python(value)
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_env_example() -> str:
    defaults = Settings.model_construct()
    lines = [
        "# Every setting, with its default. Copy to .env and edit; `python -m config check`",
        "# validates. Nested groups use __ (CALLCENTER_LATENCY__MIN_ENDPOINTING_DELAY).",
        "",
    ]
    for group_name, group_field in Settings.model_fields.items():
        group = getattr(defaults, group_name, None)
        if not isinstance(group, BaseModel):
            lines.append(f"# {group_field.description or group_name}")
            lines.append(f"# CALLCENTER_{group_name.upper()}={_value(group)}")
            lines.append("")
            continue
        lines.append(f"# --- {group_name} ---")
        for name, field in type(group).model_fields.items():
            if field.description:
                lines.append(f"# {field.description}")
            standard = _STANDARD_FOR.get((group_name, name))
            if standard:
                lines.append(f"# also read as {standard}")
            env = f"CALLCENTER_{group_name.upper()}__{name.upper()}"
            lines.append(f"# {env}={_value(getattr(group, name))}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_env_example(), end="")
