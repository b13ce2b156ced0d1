"""Settings: prefixed and standard variable names, validation naming the field, masking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import ROOT, RunModule

from config import Settings, SettingsError, load_settings

pytestmark = pytest.mark.unit


def test_prefixed_nested_and_standard_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_LATENCY__MIN_ENDPOINTING_DELAY", "0.2")
    monkeypatch.setenv("LIVEKIT_URL", "wss://example.livekit.cloud")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-standard")
    monkeypatch.setenv("ELEVEN_API_KEY", "el-standard")
    settings = load_settings(_env_file=None)
    assert settings.latency.min_endpointing_delay == 0.2
    assert settings.livekit.url == "wss://example.livekit.cloud"
    assert settings.livekit.http_url == "https://example.livekit.cloud"
    assert settings.providers.openai_api_key is not None
    assert settings.providers.openai_api_key.get_secret_value() == "sk-standard"


def test_prefixed_name_beats_standard_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-standard")
    monkeypatch.setenv("CALLCENTER_PROVIDERS__OPENAI_API_KEY", "sk-prefixed")
    key = load_settings(_env_file=None).providers.openai_api_key
    assert key is not None
    assert key.get_secret_value() == "sk-prefixed"


def test_dotenv_and_secrets_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("CALLCENTER_WORKER__LOAD_THRESHOLD=0.5\nDEEPGRAM_API_KEY=dg-dotenv\n")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "LIVEKIT_API_SECRET").write_text("lk-secret\n")
    monkeypatch.setenv("CALLCENTER_SECRETS_DIR", str(secrets))
    settings = load_settings(_env_file=str(env_file))
    assert settings.worker.load_threshold == 0.5
    assert settings.providers.deepgram_api_key is not None
    assert settings.providers.deepgram_api_key.get_secret_value() == "dg-dotenv"
    assert settings.livekit.api_secret is not None
    assert settings.livekit.api_secret.get_secret_value() == "lk-secret"


def test_a_secrets_dir_named_in_dotenv_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "OPENAI_API_KEY").write_text("sk-from-secret-file\n")
    env_file = tmp_path / ".env"
    env_file.write_text(f"CALLCENTER_SECRETS_DIR={secrets}\n")
    monkeypatch.delenv("CALLCENTER_SECRETS_DIR", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = load_settings(_env_file=str(env_file))
    assert settings.secrets_dir == secrets
    key = settings.providers.openai_api_key
    assert key is not None and key.get_secret_value() == "sk-from-secret-file"
    # A directory given in code is read the same way.
    direct = load_settings(_env_file=None, secrets_dir=secrets).providers.openai_api_key
    assert direct is not None and direct.get_secret_value() == "sk-from-secret-file"


def test_loading_settings_never_touches_the_filesystem_for_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # tempfile.gettempdir() creates and deletes a probe file in each candidate directory
    # and raises on a read-only root: loading must not depend on it.
    import tempfile

    def no_temporary_directory() -> str:
        raise FileNotFoundError("No usable temporary directory found")

    monkeypatch.setattr(tempfile, "gettempdir", no_temporary_directory)
    monkeypatch.delenv("CALLCENTER_LATENCY__PHRASE_CACHE_DIR", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.latency.phrase_cache_dir == Path("/tmp/callcenter-phrases")


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("LIVEKIT_URL", "ftp://nope", "livekit.url"),
        ("CALLCENTER_LATENCY__MIN_ENDPOINTING_DELAY", "-1", "latency.min_endpointing_delay"),
        ("CALLCENTER_PROVIDERS__REQUEST_TIMEOUT", "-0.5", "providers.request_timeout"),
        ("CALLCENTER_PROVIDERS__STT_ORDER", '["deepgram","deepgram"]', "providers.stt_order"),
    ],
)
def test_invalid_value_names_the_field(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert any(problem.startswith(field) for problem, _ in caught.value.problems)


def test_check_cli_exits_2_naming_every_invalid_field(run_module: RunModule) -> None:
    result = run_module(
        "config",
        "check",
        env={
            "LIVEKIT_URL": "localhost:7880",
            "CALLCENTER_LATENCY__MAX_ENDPOINTING_DELAY": "-3",
        },
    )
    assert result.returncode == 2
    assert "livekit.url" in result.stderr
    assert "latency.max_endpointing_delay" in result.stderr
    assert "CALLCENTER_LATENCY__MAX_ENDPOINTING_DELAY" in result.stderr


def test_check_cli_masks_secrets(run_module: RunModule) -> None:
    result = run_module(
        "config", "check", "--skip-credentials", env={"OPENAI_API_KEY": "sk-very-secret-value"}
    )
    assert result.returncode == 0, result.stderr
    assert "sk-very-secret-value" not in result.stdout
    shown = json.loads(result.stdout)
    assert shown["providers"]["openai_api_key"] == "**********"


def test_env_example_documents_every_field() -> None:
    from config.env_example import render_env_example

    assert (ROOT / ".env.example").read_text() == render_env_example(), (
        "regenerate: uv run python -m config.env_example > .env.example"
    )


def test_audio_turn_detector_needs_a_longer_vad_silence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_LATENCY__TURN_DETECTION", "audio")
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert "latency.vad_min_silence" in str(caught.value)
    monkeypatch.setenv("CALLCENTER_LATENCY__VAD_MIN_SILENCE", "0.3")
    assert load_settings(_env_file=None).latency.turn_detection == "audio"


def test_vad_thresholds_must_not_cross(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_LATENCY__VAD_DEACTIVATION_THRESHOLD", "0.6")
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert "latency.vad_deactivation_threshold" in str(caught.value)
    monkeypatch.setenv("CALLCENTER_LATENCY__VAD_DEACTIVATION_THRESHOLD", "0.5")
    assert load_settings(_env_file=None).latency.vad_deactivation_threshold == 0.5


def test_check_names_every_missing_credential(run_module: RunModule) -> None:
    result = run_module("config", "check", env={"OPENAI_API_KEY": "sk-x"})
    assert result.returncode == 2
    assert "LIVEKIT_API_KEY" in result.stderr and "DEEPGRAM_API_KEY" in result.stderr
    assert "OPENAI_API_KEY" not in result.stderr
    skipped = run_module("config", "check", "--skip-credentials")
    assert skipped.returncode == 0, skipped.stderr


def test_only_the_configured_providers_need_keys() -> None:
    from pydantic import SecretStr

    from config import Settings, missing_credentials

    settings = Settings.model_construct()
    providers = settings.providers.model_copy(
        update={"stt_order": ["openai"], "tts_order": ["openai"], "openai_api_key": SecretStr("k")}
    )
    settings = settings.model_copy(update={"providers": providers})
    assert missing_credentials(settings, "console") == []
    assert missing_credentials(settings, "worker") == [
        "livekit.api_key (LIVEKIT_API_KEY)",
        "livekit.api_secret (LIVEKIT_API_SECRET)",
    ]


def test_an_empty_phrase_cache_dir_keeps_openers_in_memory_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Not Path(""): that is the working directory, which the worker does not own.
    monkeypatch.setenv("CALLCENTER_LATENCY__PHRASE_CACHE_DIR", "")
    assert Settings(_env_file=None).latency.phrase_cache_dir is None  # type: ignore[call-arg]


@pytest.mark.parametrize("value", ["off", "", "None"])
def test_an_optional_technique_turns_off_from_a_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CALLCENTER_LATENCY__SPECULATIVE_INTERIM_AFTER", value)
    monkeypatch.setenv("CALLCENTER_LATENCY__TOOL_BRIDGE_AFTER", value)
    latency = load_settings(_env_file=None).latency
    assert latency.speculative_interim_after is None
    assert latency.tool_bridge_after is None
    monkeypatch.setenv("CALLCENTER_LATENCY__TOOL_BRIDGE_AFTER", "0.3")
    assert load_settings(_env_file=None).latency.tool_bridge_after == 0.3
    monkeypatch.setenv("CALLCENTER_LATENCY__FILLERS", "false")
    assert load_settings(_env_file=None).latency.fillers is False
