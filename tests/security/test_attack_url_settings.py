"""Attack (careless operator): URLs that are not URLs, and a password inside one.

What is sent: ``LIVEKIT_URL`` (and the other URL settings) set to a truncated IPv6
literal, a port past 65535, or a URL with ``user:password@`` in it. What must come back:
the broken ones stop ``python -m config check`` with exit 2 naming the field; the password
never appears in what any command prints or logs, and is not handed to app callers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import structlog
from root_logs import root_logs_at_debug
from support import RunModule

pytestmark = pytest.mark.unit

PASSWORD = "hunter2-do-not-print"
URL_WITH_PASSWORD = f"wss://admin:{PASSWORD}@lk.example.com"
_LIVEKIT = {"LIVEKIT_API_KEY": "APIkey", "LIVEKIT_API_SECRET": "s" * 40}


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("LIVEKIT_URL", "ws://[::1", "livekit.url"),
        ("LIVEKIT_URL", "ws://localhost:99999", "livekit.url"),
        ("LIVEKIT_URL", "ftp://lk.example.com", "livekit.url"),
        ("LIVEKIT_URL", "ws://lk example.com", "livekit.url"),
        ("CALLCENTER_TOKENS__PUBLIC_URL", "https://lk.example.com", "tokens.public_url"),
        ("CALLCENTER_PROVIDERS__OPENAI_BASE_URL", "http://[fe80::1", "openai_base_url"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:0", "otlp_endpoint"),
    ],
)
def test_a_broken_url_exits_2_naming_the_field(
    run_module: RunModule, variable: str, value: str, field: str
) -> None:
    result = run_module("config", "check", "--skip-credentials", env={variable: value})
    assert result.returncode == 2, result.stdout
    assert field in result.stderr
    assert "Traceback" not in result.stderr


def test_config_check_masks_the_password(run_module: RunModule) -> None:
    env = {"LIVEKIT_URL": URL_WITH_PASSWORD, **_LIVEKIT}
    result = run_module("config", "check", "--skip-credentials", env=env)
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert '"url": "wss://***@lk.example.com"' in result.stdout


def test_a_password_in_a_bad_url_is_not_echoed(run_module: RunModule) -> None:
    env = {"LIVEKIT_URL": f"wss://admin:{PASSWORD}@lk.example.com:99999"}
    result = run_module("config", "check", "--skip-credentials", env=env)
    assert result.returncode == 2
    assert PASSWORD not in result.stdout + result.stderr


def test_app_callers_never_get_the_password(run_module: RunModule) -> None:
    env = {"LIVEKIT_URL": URL_WITH_PASSWORD, **_LIVEKIT}
    result = run_module("worker", "token", "--identity", "u1", env=env)
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert "server_url: wss://lk.example.com" in result.stderr


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage() + " " + repr(record.__dict__))


@pytest.fixture
def captured() -> Iterator[_Collect]:
    handler = _Collect()
    with root_logs_at_debug(handler):
        yield handler


def test_no_log_line_carries_the_password(captured: _Collect) -> None:
    # Ours (a structlog field) and a framework's (a %s argument, an extra field).
    structlog.get_logger("worker.test").info("connecting", url=URL_WITH_PASSWORD)
    logging.getLogger("livekit.agents").info("connecting to %s", URL_WITH_PASSWORD)
    logging.getLogger("livekit").warning(
        "request failed", extra={"origin": f"https://admin:{PASSWORD}@lk.example.com"}
    )
    assert len(captured.lines) == 3
    for line in captured.lines:
        assert PASSWORD not in line
        assert "***@lk.example.com" in line
