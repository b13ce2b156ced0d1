"""Suite-wide fixtures: keep a developer's environment out of the tests."""

from __future__ import annotations

import os

import pytest

# Settings read CALLCENTER_* and the provider variables; a developer's shell or .env
# must not change what a test sees. Tests build Settings explicitly instead.
_LEAKY_PREFIXES = ("CALLCENTER_", "LIVEKIT_", "DEEPGRAM_", "OPENAI_", "ELEVEN_")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(_LEAKY_PREFIXES):
            monkeypatch.delenv(name, raising=False)
