"""What several test modules share: paths, the CLI runner's type, markers, fixed keys.

Fixtures live in conftest.py; plain values and types live here, because pytest loads
conftest.py as a plugin and a test module importing it gets a second copy.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from compliance import CallRedactor, RedactionPolicy

ROOT = Path(__file__).resolve().parents[1]
# Synthesised caller audio, cached across runs (espeak-ng is slow to start).
CACHE = ROOT / ".cache" / "caller-voice"

# The Twirp simulator's credentials in tests that talk to it directly.
KEY = "test-key"
SECRET = "test-secret-test-secret-test-secret"

RunModule = Callable[..., "subprocess.CompletedProcess[str]"]

needs_tools = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="espeak-ng and sox are required: make setup",
)


def redact_call(*turns: tuple[str, str], policy: RedactionPolicy | None = None) -> list[str]:
    """Run one call through one redactor: ("a", words) is the agent's turn, fed as
    context; ("c", words) is the caller's, redacted. The caller's turns, as redacted."""
    redactor = CallRedactor(policy)
    out: list[str] = []
    for who, words in turns:
        if who == "a":
            redactor.agent_said(words)
        else:
            out.append(redactor.redact(words))
    return out


def redacted_text(*turns: tuple[str, str]) -> str:
    """``redact_call``'s caller turns joined: what the model reads of the whole call."""
    return " ".join(redact_call(*turns))
