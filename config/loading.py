"""Build `Settings` once, turning validation errors into one readable message per field."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_settings import InitSettingsSource

from config.settings import Settings
from config.tenants import TenantDirectory, load_tenants_file

__all__ = [
    "SettingsError",
    "default_settings",
    "load_settings",
    "load_tenant_directory",
    "secret_variables",
]


class SettingsError(Exception):
    """Invalid configuration; ``problems`` holds one ``(field, message)`` per invalid field."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {field}: {message}" for field, message in problems)
        super().__init__(f"invalid settings:\n{lines}")


def _env_name(location: tuple[int | str, ...]) -> str:
    path = "__".join(str(part) for part in location).upper()
    return f"CALLCENTER_{path}" if path else "CALLCENTER_*"


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for item in error.errors(include_url=False, include_input=False):
        location = tuple(item["loc"])
        dotted = ".".join(str(part) for part in location) or "(settings)"
        # Naming the variable as well as the field tells an operator what to edit.
        problems.append((f"{dotted} ({_env_name(location)})", item["msg"]))
    return problems


def load_settings(**overrides: Any) -> Settings:
    """Read the environment, ``.env`` and secrets; raise `SettingsError` naming bad fields."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(_problems(error)) from None


def default_settings(**values: Any) -> Settings:
    """The code's defaults and ``values``, validated, and nothing else: no ``CALLCENTER_*``
    or standard provider variable, no ``.env``, no secrets directory.

    For simulated calls and benchmarks, whose figures must not move with whatever a
    developer's shell exports; `load_settings` is the production path.
    """
    # Only the init source: the environment sources never run (an ``_env_file=None``
    # would still read the process environment).
    source = InitSettingsSource(Settings, init_kwargs=values)
    try:
        return Settings(_build_sources=((source,), values))  # type: ignore[call-arg]
    except ValidationError as error:
        raise SettingsError(_problems(error)) from None


def secret_variables() -> Mapping[str, str]:
    """The process environment, for secrets a config *file* names by variable (the
    dispatch file's ``auth_password_env``); only this package reads the environment."""
    return os.environ


def load_tenant_directory(settings: Settings) -> TenantDirectory:
    """The process's tenants: the file named by ``tenants_file`` when set, else the
    inline ``tenants`` of the settings (single-tenant deployments and tests)."""
    if settings.tenants_file is not None:
        return load_tenants_file(settings.tenants_file)
    try:
        return TenantDirectory(settings.tenants, settings.default_tenant)
    except ValueError as error:
        raise SettingsError(list(error.args[0])) from None
