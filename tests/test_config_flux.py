"""Settings for Deepgram Flux: turning it on from the environment, Deepgram's ranges, the
rates it takes, and its key."""

from __future__ import annotations

import pytest

from config import SettingsError, load_settings, missing_credentials

pytestmark = pytest.mark.unit


def test_flux_is_turned_on_by_the_stt_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_PROVIDERS__STT_ORDER", '["flux","deepgram","openai"]')
    monkeypatch.setenv("CALLCENTER_PROVIDERS__FLUX_EAGER_EOT_THRESHOLD", "0.4")
    providers = load_settings(_env_file=None).providers
    assert providers.stt_order == ["flux", "deepgram", "openai"]
    assert providers.flux_eager_eot_threshold == 0.4
    assert providers.deepgram_flux_base_url == "https://api.deepgram.com/v2/listen"


def test_eager_end_of_turn_turns_off_from_a_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_PROVIDERS__FLUX_EAGER_EOT_THRESHOLD", "off")
    assert load_settings(_env_file=None).providers.flux_eager_eot_threshold is None


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        # Deepgram's ranges (/v2/listen reference, end-of-turn configuration page).
        ("CALLCENTER_PROVIDERS__FLUX_EOT_THRESHOLD", "0.95", "providers.flux_eot_threshold"),
        (
            "CALLCENTER_PROVIDERS__FLUX_EAGER_EOT_THRESHOLD",
            "0.2",
            "providers.flux_eager_eot_threshold",
        ),
        ("CALLCENTER_PROVIDERS__FLUX_EOT_TIMEOUT_MS", "20000", "providers.flux_eot_timeout_ms"),
        ("CALLCENTER_PROVIDERS__STT_ORDER", '["flux","nova"]', "providers.stt_order"),
    ],
)
def test_a_bad_flux_setting_names_its_field(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert any(problem.startswith(field) for problem, _ in caught.value.problems)


def test_the_eager_threshold_may_not_exceed_the_final_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_PROVIDERS__FLUX_EAGER_EOT_THRESHOLD", "0.8")
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert "providers.flux_eager_eot_threshold" in str(caught.value)
    monkeypatch.setenv("CALLCENTER_PROVIDERS__FLUX_EOT_THRESHOLD", "0.8")
    assert load_settings(_env_file=None).providers.flux_eager_eot_threshold == 0.8


def test_flux_takes_only_its_sample_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_TELEPHONY__STT_SAMPLE_RATE", "11025")
    # Nova takes it...
    assert load_settings(_env_file=None).telephony.stt_sample_rate == 11025
    # ...Flux does not (8000, 16000, 24000, 44100, 48000).
    monkeypatch.setenv("CALLCENTER_PROVIDERS__STT_ORDER", '["flux","openai"]')
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert "telephony.stt_sample_rate" in str(caught.value)


def test_flux_needs_the_deepgram_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_PROVIDERS__STT_ORDER", '["flux","openai"]')
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    monkeypatch.setenv("ELEVEN_API_KEY", "el-x")
    settings = load_settings(_env_file=None)
    assert missing_credentials(settings, "console") == [
        "providers.deepgram_api_key (DEEPGRAM_API_KEY)"
    ]
    monkeypatch.setenv("DEEPGRAM_API_KEY", "dg-x")
    assert missing_credentials(load_settings(_env_file=None), "console") == []


def test_flux_is_priced_for_the_call_summary() -> None:
    prices = load_settings(_env_file=None).observability.prices
    assert prices["flux-general-en"].per_minute > 0
