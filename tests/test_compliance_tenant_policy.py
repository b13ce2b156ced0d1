"""A tenant's redaction policy, read from the tenants file as it is loaded, reaches the
call's redactor: types turned off, the name detector, and the tools' secret arguments."""

from __future__ import annotations

from pathlib import Path

import pytest
from livekit import rtc
from livekit.agents import utils, vad
from scripted_models import KEYS

from compliance import EntityType
from config import Settings, TenantsFileError
from config.tenants import TenantSettings, load_tenants_file
from worker.call.account_tools import secret_phrases
from worker.caller import describe_caller
from worker.session_factory import CallSession, build_call

pytestmark = pytest.mark.unit

TENANTS = """\
default: shop
tenants:
  shop: {}
  garage:
    redaction:
      disabled: [LASTFOUR, PLATE]
      detect_names: true
"""


def _directory(tmp_path: Path, text: str = TENANTS) -> Path:
    path = tmp_path / "tenants.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_tenants_file_turns_types_off_and_names_on(tmp_path: Path) -> None:
    directory = load_tenants_file(_directory(tmp_path))

    garage = directory.get("garage").redaction
    assert garage is not None
    assert not garage.is_enabled(EntityType.LASTFOUR)
    assert not garage.is_enabled(EntityType.PLATE)
    assert garage.is_enabled(EntityType.NAME)
    assert directory.get("shop").redaction is None


def test_an_unknown_type_names_the_file_tenant_and_field(tmp_path: Path) -> None:
    path = _directory(tmp_path, "tenants:\n  garage:\n    redaction: {disabled: [PLATES]}\n")

    with pytest.raises(TenantsFileError) as raised:
        load_tenants_file(path)

    message = str(raised.value)
    assert str(path) in message
    assert "tenants.garage.redaction.disabled" in message


async def test_the_call_redacts_by_its_tenants_policy(tmp_path: Path, vad_model: vad.VAD) -> None:
    directory = load_tenants_file(_directory(tmp_path))
    settings = Settings(_env_file=None, providers=KEYS)  # type: ignore[call-arg, arg-type]

    def build(name: str, tenant: TenantSettings) -> CallSession:
        caller = describe_caller(
            participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD,
            identity="u",
            attributes={},
            tenant=name,
        )
        return build_call(settings, caller, vad_model=vad_model, tenant=tenant)

    async with utils.http_context.open():
        shop = build("shop", directory.get("shop"))
        garage = build("garage", directory.get("garage"))
        # Built calls own provider connections (the LLM's prewarm request): close them.
        await shop.aclose()
        await garage.aclose()
    said = "Reg is BD51 SMR, the card ending 4419, and I'm Jane Doe."

    assert shop.state.redactor.redact(said) == (
        "Reg is [PLATE_1], the card ending [LASTFOUR_1], and I'm Jane Doe."
    )
    assert garage.state.redactor.redact(said) == (
        "Reg is BD51 SMR, the card ending 4419, and I'm [NAME_1]."
    )
    # What the agent's tools take as secret is named to every call's redactor.
    assert shop.state.redactor.secret_phrases == secret_phrases() == ("security code",)
