"""Settings for a simulated call: every provider endpoint points at a loopback simulator."""

from __future__ import annotations

from pydantic import SecretStr

from config import Settings, default_settings

__all__ = ["simulator_settings"]


def simulator_settings(
    base: Settings | None,
    *,
    deepgram_url: str,
    openai_url: str,
    elevenlabs_url: str,
    api_key: str,
    deepgram_flux_url: str | None = None,
) -> Settings:
    """``base`` (or defaults, ignoring the environment) with endpoints and keys replaced.

    Timeouts and retries stay as production has them: a hanging simulated provider must
    cost a simulated call what it would cost a real one. A test that wants a shorter
    wait replaces ``providers.request_timeout`` on the settings it passes in.
    """
    # Nothing from the environment: a developer's real keys must never reach a simulator
    # run, and a CALLCENTER_* variable must not change what a simulated call measures.
    settings = base or default_settings()
    key = SecretStr(api_key)
    providers = settings.providers.model_copy(
        update={
            "deepgram_base_url": deepgram_url,
            "deepgram_flux_base_url": deepgram_flux_url
            or settings.providers.deepgram_flux_base_url,
            "openai_base_url": openai_url,
            "elevenlabs_base_url": elevenlabs_url,
            "deepgram_api_key": key,
            "openai_api_key": key,
            "eleven_api_key": key,
        }
    )
    return settings.model_copy(update={"providers": providers})
