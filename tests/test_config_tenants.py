"""The tenants file: schema, routing by dialed number / entry point / metadata, and a bad
file stopping the worker at start with the file, tenant and field named."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config import Settings, SettingsError, TenantsFileError, load_tenant_directory
from config.tenants import TenantSettings, load_tenants_file

pytestmark = pytest.mark.unit

RunModule = Callable[..., "subprocess.CompletedProcess[str]"]

GOOD = """\
default: main
tenants:
  main:
    display_name: Acme
    numbers: ["+15550100"]
    greeting: Thanks for calling Acme.
  bank:
    display_name: First Bank
    numbers: ["+15550200", "+15550201"]
    entry_points: [bank-app]
    transfer_destinations:
      billing: "sip:billing@pbx.example.com"
      fraud: "tel:+15550299"
    business_hours: {timezone: America/New_York, days: [mon, tue], opens: "09:00", closes: "17:00"}
    limits: {idle_timeout: 5, max_duration: 60, max_duration_warning: 10}
    recording: {enabled: true}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tenants.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_dialed_number_entry_point_and_metadata_pick_the_tenant(tmp_path: Path) -> None:
    directory = load_tenants_file(_write(tmp_path, GOOD))

    by_number = directory.resolve(dialed_number="+15550201")
    assert (by_number.name, by_number.matched_by) == ("bank", "dialed_number")
    assert by_number.settings.limits.idle_timeout == 5
    assert directory.resolve(entry_point="bank-app").name == "bank"
    # The dispatch metadata's tenant wins over the number dialed.
    assert directory.resolve(metadata_tenant="main", dialed_number="+15550201").name == "main"
    # Unknown number or unknown metadata tenant: the default tenant.
    unknown = directory.resolve(metadata_tenant="nobody", dialed_number="+15559999")
    assert (unknown.name, unknown.matched_by) == ("main", "default")
    assert unknown.settings.greeting == "Thanks for calling Acme."


def test_business_hours_follow_the_tenant_time_zone(tmp_path: Path) -> None:
    hours = load_tenants_file(_write(tmp_path, GOOD)).get("bank").business_hours
    assert hours is not None
    # Monday 2026-11-23 15:00 UTC is 10:00 in New York; 23:00 UTC is 18:00 there.
    assert hours.is_open(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 11, 23, 23, 0, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # a Wednesday


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        (
            "tenants:\n  bank:\n    transfer_destinations: {billing: 'http://evil.example'}\n",
            "tenants.bank.transfer_destinations",
            "not a sip:user@host or tel:+E.164 URI",
        ),
        ("tenants:\n  bank:\n    numbers: ['5550100']\n", "tenants.bank.numbers", "E.164"),
        ("tenants:\n  bank:\n    limits: {idle_timeout: 0}\n", "tenants.bank.limits", "greater"),
        ("tenants:\n  bank:\n    colour: red\n", "tenants.bank.colour", "Extra inputs"),
        (
            "tenants:\n  a: {numbers: ['+15550100']}\n  b: {numbers: ['+15550100']}\n",
            "tenants.b.numbers",
            "also a's",
        ),
        ("tenants: [1, 2\n", "line 2: (file)", "not valid YAML"),
    ],
)
def test_bad_file_names_file_tenant_and_field(
    tmp_path: Path, text: str, where: str, says: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(TenantsFileError) as raised:
        load_tenants_file(path)
    message = str(raised.value)
    assert str(path) in message
    assert where in message
    assert says in message


def test_inline_tenants_when_no_file() -> None:
    settings = Settings(_env_file=None, tenants={"acme": TenantSettings(display_name="Acme")})  # type: ignore[call-arg]
    directory = load_tenant_directory(settings)
    assert directory.resolve(metadata_tenant="acme").settings.display_name == "Acme"
    assert directory.resolve().name == "default"


def test_inline_tenants_sharing_a_number_are_a_settings_error() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        tenants={
            "a": TenantSettings(numbers=["+15550100"]),
            "b": TenantSettings(numbers=["+15550100"]),
        },
    )
    with pytest.raises(SettingsError, match=r"tenants\.b\.numbers: \+15550100 is also a's"):
        load_tenant_directory(settings)


def test_worker_exits_2_on_a_bad_tenants_file(tmp_path: Path, run_module: RunModule) -> None:
    path = _write(tmp_path, "tenants:\n  bank:\n    numbers: ['nope']\n")
    result = run_module("worker", "start", env={"CALLCENTER_TENANTS_FILE": str(path)}, timeout=60)
    assert result.returncode == 2, result.stderr
    assert str(path) in result.stderr
    assert "tenants.bank.numbers" in result.stderr


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("default: main\ntenants:\n  main: {}\n  main: {}\n", "line 4: (file)", "duplicate key"),
        (
            "default: main\ntenants:\n  main: &t {display_name: A}\n  other: *t\n",
            "line 4: (file)",
            "aliases",
        ),
        ("default: nobody\ntenants:\n  main: {}\n", "line 1: default", "'nobody' is not a tenant"),
        ("tenants:\n  main: {}\n", "default", "'default' is not a tenant"),
        (
            "default: main\ntenants:\n  main:\n    numbers: ['555']\n",
            "line 4: tenants.main",
            "E.164",
        ),
        (
            "default: main\ntenants:\n  main:\n"
            + "".join(" " * (4 + 2 * i) + "x:\n" for i in range(20)),
            "(file)",
            "nested more than 16",
        ),
    ],
)
def test_strict_yaml_and_a_default_that_is_a_tenant(
    tmp_path: Path, text: str, where: str, says: str
) -> None:
    with pytest.raises(TenantsFileError) as raised:
        load_tenants_file(_write(tmp_path, text))
    assert where in str(raised.value)
    assert says in str(raised.value)


def test_bytes_that_are_not_utf8_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "tenants.yaml"
    path.write_bytes(b"default: main\ntenants:\n  main:\n    display_name: \xff\xfe\n")
    with pytest.raises(TenantsFileError, match=r"line 4: \(file\): not UTF-8"):
        load_tenants_file(path)


def test_the_files_default_is_the_default(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, tenants_file=_write(tmp_path, GOOD))  # type: ignore[call-arg]
    directory = load_tenant_directory(settings)
    assert directory.default == "main"
    assert directory.resolve().name == "main"
