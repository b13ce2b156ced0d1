"""Accept the variable names the LiveKit plugins document, beside our prefixed ones.

Operators already export ``OPENAI_API_KEY`` and ``LIVEKIT_URL`` for the plugins and the
``lk`` CLI; asking them to duplicate every credential under ``CALLCENTER_`` invites drift.
The names are read from the process environment, the ``.env`` file, and a secrets
directory (one file per variable, the Docker/Kubernetes convention).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from pydantic_settings.sources import DotEnvSettingsSource

__all__ = ["SECRETS_DIR_VARIABLE", "STANDARD_NAMES", "StandardEnvSource"]

STANDARD_NAMES: Mapping[str, tuple[str, str]] = {
    "LIVEKIT_URL": ("livekit", "url"),
    "LIVEKIT_API_KEY": ("livekit", "api_key"),
    "LIVEKIT_API_SECRET": ("livekit", "api_secret"),
    "DEEPGRAM_API_KEY": ("providers", "deepgram_api_key"),
    "OPENAI_API_KEY": ("providers", "openai_api_key"),
    "ELEVEN_API_KEY": ("providers", "eleven_api_key"),
    # OpenTelemetry's own names (the OTLP exporter specification): whether tracing is on
    # is decided here; headers, timeouts, TLS and resource attributes stay with the SDK.
    "OTEL_EXPORTER_OTLP_ENDPOINT": ("observability", "otlp_endpoint"),
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": ("observability", "otlp_traces_endpoint"),
    "OTEL_EXPORTER_OTLP_PROTOCOL": ("observability", "otlp_protocol"),
}
"""Standard variable name -> (settings group, field)."""

SECRETS_DIR_VARIABLE = "CALLCENTER_SECRETS_DIR"


class StandardEnvSource(PydanticBaseSettingsSource):
    """Maps the plugins' standard variable names onto nested settings fields."""

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        *,
        dotenv_settings: PydanticBaseSettingsSource | None = None,
        init_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(settings_cls)
        self._dotenv = dotenv_settings
        self._init_kwargs = init_kwargs or {}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        # Unused: __call__ builds the nested dict directly.
        return None, field_name, False

    def _secrets_dir(self) -> str | None:
        """Where the secrets directory is, by the precedence every setting has: a value
        in code, then the environment, then ``.env`` (the field alone would be filled
        from ``.env`` too, but nothing would read the directory)."""
        given = self._init_kwargs.get("secrets_dir")
        if given:
            return str(given)
        if os.environ.get(SECRETS_DIR_VARIABLE):
            return os.environ[SECRETS_DIR_VARIABLE]
        if isinstance(self._dotenv, DotEnvSettingsSource):
            for name, value in self._dotenv.env_vars.items():
                if name.upper() == SECRETS_DIR_VARIABLE and value:
                    return value
        return None

    def _lookup(self) -> dict[str, str]:
        found: dict[str, str] = {}
        secrets_dir = self._secrets_dir()
        if secrets_dir:
            for name in STANDARD_NAMES:
                path = Path(secrets_dir) / name
                if path.is_file():
                    found[name] = path.read_text(encoding="utf-8").strip()
        if isinstance(self._dotenv, DotEnvSettingsSource):
            for name, value in self._dotenv.env_vars.items():
                if name.upper() in STANDARD_NAMES and value:
                    found[name.upper()] = value
        for name in STANDARD_NAMES:
            value = os.environ.get(name)
            if value:
                found[name] = value
        return found

    def __call__(self) -> dict[str, Any]:
        nested: dict[str, Any] = {}
        for name, value in self._lookup().items():
            group, field = STANDARD_NAMES[name]
            nested.setdefault(group, {})[field] = value
        return nested
