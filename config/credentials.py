"""Which credentials the configured providers need, checked before a worker starts.

A worker without its LiveKit key registers nowhere, and one without a provider key fails
on its first call; both are cheaper to refuse at start, naming every missing variable.
"""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr

from config.settings import Settings

__all__ = ["Role", "missing_credentials"]

Role = Literal["worker", "console"]
"""``worker`` registers with LiveKit and takes calls; ``console`` talks locally, no LiveKit."""


def _unset(secret: SecretStr | None) -> bool:
    return secret is None or not secret.get_secret_value()


def missing_credentials(settings: Settings, role: Role = "worker") -> list[str]:
    """Every credential ``role`` needs and lacks, as ``field (VARIABLE)``, in a stable order.

    Args:
        settings: the process's settings.
        role: what the process is about to do.
    """
    missing: list[str] = []
    if role == "worker":
        if _unset(settings.livekit.api_key):
            missing.append("livekit.api_key (LIVEKIT_API_KEY)")
        if _unset(settings.livekit.api_secret):
            missing.append("livekit.api_secret (LIVEKIT_API_SECRET)")
    providers = settings.providers
    # Nova and Flux are both Deepgram: one key.
    deepgram = {"deepgram", "flux"} & set(providers.stt_order)
    if deepgram and _unset(providers.deepgram_api_key):
        missing.append("providers.deepgram_api_key (DEEPGRAM_API_KEY)")
    # The LLM is OpenAI whatever the STT and TTS orders say.
    if _unset(providers.openai_api_key):
        missing.append("providers.openai_api_key (OPENAI_API_KEY)")
    if "elevenlabs" in providers.tts_order and _unset(providers.eleven_api_key):
        missing.append("providers.eleven_api_key (ELEVEN_API_KEY)")
    return missing
