"""Settings the project measured as no gain are marked experimental and stay off.

An experimental field carries ``json_schema_extra={"experimental": True}``; its
description (which `.env.example` and ``python -m config check`` show) says so first.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from config import Settings, TenantSettings, default_settings

pytestmark = pytest.mark.unit

# Each measured in docs/latency.md (or README's knob table) as no gain or no clear win.
MEASURED_NO_GAIN = {
    "latency.preemptive_tts",
    "latency.speculative_interim_after",
    "latency.model_routing",
    "tenant.model_routing",
}


def _fields(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, FieldInfo]]:
    for name, info in model.model_fields.items():
        yield f"{prefix}{name}", info
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _fields(annotation, f"{prefix}{name}.")


def _all_fields() -> dict[str, FieldInfo]:
    return {**dict(_fields(Settings, "")), **dict(_fields(TenantSettings, "tenant."))}


def _experimental(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get("experimental") is True


def test_the_knobs_measured_as_no_gain_are_experimental() -> None:
    fields = _all_fields()
    assert set(fields) >= MEASURED_NO_GAIN
    assert {name for name, info in fields.items() if _experimental(info)} == MEASURED_NO_GAIN


def test_an_experimental_field_says_so_and_is_off_by_default() -> None:
    defaults = default_settings()
    tenant = TenantSettings()
    for name, info in _all_fields().items():
        if not _experimental(info):
            continue
        assert (info.description or "").startswith("Experimental"), name
        group, _, field = name.partition(".")
        owner: BaseModel = tenant if group == "tenant" else getattr(defaults, group)
        # Off: False, or None where None means "off" / "the latency default".
        assert getattr(owner, field) in (False, None), name
