"""``bench latency --set``: a benchmark's what-if is asked for on its command line."""

from __future__ import annotations

import pytest

from bench.latency import run
from bench.overrides import settings_with
from config import SettingsError


def test_each_pair_sets_its_field_and_nothing_else() -> None:
    settings = settings_with(["providers.flux_eager_eot_threshold=0.3", "latency.fillers=false"])
    assert settings.providers.flux_eager_eot_threshold == 0.3
    assert settings.latency.fillers is False
    defaults = settings_with([])
    assert settings.providers.flux_eot_threshold == defaults.providers.flux_eot_threshold


def test_off_is_read_as_a_variable_would_be() -> None:
    assert (
        settings_with(["providers.flux_eager_eot_threshold=off"]).providers.flux_eager_eot_threshold
        is None
    )


def test_the_environment_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_LATENCY__FILLERS", "false")
    assert settings_with([]).latency.fillers is True


@pytest.mark.parametrize("pair", ["fillers=false", "latency.fillers", "=1"])
def test_a_malformed_pair_is_refused(pair: str) -> None:
    with pytest.raises(ValueError, match=r"section\.field=value"):
        settings_with([pair])


def test_an_unknown_field_is_named() -> None:
    with pytest.raises(SettingsError, match=r"providers\.nope"):
        settings_with(["providers.nope=1"])


def test_the_command_line_names_a_bad_setting_before_any_call(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(["--set", "latency.fillers=maybe", "--profiles", "zero", "--calls", "1"])
    assert exit_.value.code == 2
    assert "latency.fillers" in capsys.readouterr().err
