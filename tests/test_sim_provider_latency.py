"""Latency profiles: the distributions match their sources, the simulators draw them
reproducibly, and prompt caching follows OpenAI's published rules."""

from __future__ import annotations

import random

import pytest

from sim.latency import Delay, seeded_rng
from sim.latency_profiles import MEASURED, PROFILES
from sim.openai_chat import cached_prefix_tokens

pytestmark = pytest.mark.unit

DRAWS = 20_000


def _percentiles(delay: Delay, seed: int = 11) -> tuple[float, float]:
    rng = seeded_rng("test", seed)
    draws = sorted(delay.sample(rng) for _ in range(DRAWS))
    return draws[DRAWS // 2], draws[DRAWS * 9 // 10]


@pytest.mark.parametrize(
    ("name", "delay", "p50", "p90"),
    [
        # apresvous, LiveKit Agents 1.8 + nova-3: final after end of speech.
        ("deepgram final", MEASURED.stt_final, 0.361, 1.256),
        # Coval TTS benchmark, eleven_flash_v2_5: p50 288 ms, IQR 28 ms.
        ("elevenlabs ttfb", MEASURED.tts_ttfb, 0.288, 0.316),
        ("gpt-4.1-mini ttft", MEASURED.strong_ttft, 0.55, 1.0),
        ("gpt-4.1-nano ttft", MEASURED.fast_ttft, 0.18, 0.33),
    ],
)
def test_measured_draws_match_the_source_within_ten_percent(
    name: str, delay: Delay, p50: float, p90: float
) -> None:
    got50, got90 = _percentiles(delay)
    assert got50 == pytest.approx(p50, rel=0.10), name
    assert got90 == pytest.approx(p90, rel=0.10), name


def test_coval_iqr_gives_the_elevenlabs_tail() -> None:
    # A 28 ms inter-quartile range around 288 ms, read as a log-normal.
    q25, q75 = MEASURED.tts_ttfb.quantile(0.25), MEASURED.tts_ttfb.quantile(0.75)
    assert q75 - q25 == pytest.approx(0.028, rel=0.10)


def test_budget_and_typical_keep_their_medians_and_gain_tails() -> None:
    for name, ttft, ttfb in (("budget", 0.25, 0.1), ("typical", 0.6, 0.3)):
        profile = PROFILES[name]  # type: ignore[index]
        strong = profile.openai.model
        got50, got90 = _percentiles(strong.ttft)
        assert got50 == pytest.approx(ttft, rel=0.10)
        assert got90 > 1.5 * got50
        got50, got90 = _percentiles(profile.elevenlabs.ttfb)
        assert got50 == pytest.approx(ttfb, rel=0.10)
        assert got90 > got50


def test_constant_profiles_have_no_spread_and_the_old_values() -> None:
    for name, stt, ttft, ttfb in (
        ("budget-constant", 0.1, 0.25, 0.1),
        ("typical-constant", 0.25, 0.6, 0.3),
        ("zero", 0.0, 0.0, 0.0),
    ):
        profile = PROFILES[name]  # type: ignore[index]
        rng = random.Random(1)
        assert {profile.openai.for_model("gpt-4.1-mini").ttft.sample(rng) for _ in range(5)} == {
            ttft
        }
        assert {profile.elevenlabs.ttfb.sample(rng) for _ in range(5)} == {ttfb}
        # From the end of speech: the old 60 ms endpoint, then the profile's STT time.
        final = profile.deepgram.final_delay
        assert final.p50_s == final.p90_s == (stt + 0.06 if stt else 0.0)
        assert profile.openai.model.prefill_s_per_1k == 0.0


def test_the_fast_model_answers_sooner_in_every_profile_with_latency() -> None:
    for name in ("budget", "typical", "measured"):
        openai = PROFILES[name].openai  # type: ignore[index]
        fast, strong = openai.for_model("gpt-4.1-nano"), openai.for_model("gpt-4.1-mini")
        assert fast.ttft.p50_s < strong.ttft.p50_s, name


def test_ttft_grows_with_prompt_length_and_shrinks_with_a_cached_prefix() -> None:
    model = PROFILES["measured"].openai.model
    short, long_ = model.prefill_s(200, 0), model.prefill_s(10_000, 0)
    cached = model.prefill_s(10_000, 9_984)
    assert short < long_
    assert cached < long_
    # Prompt Caching 201: ~67 % faster TTFT at 150k tokens when cached.
    base = model.ttft.p50_s
    saving = 1 - (base + model.prefill_s(150_000, 150_000)) / (base + model.prefill_s(150_000, 0))
    assert saving == pytest.approx(0.67, abs=0.08)


def test_prompt_cache_counts_from_1024_tokens_in_128_token_steps() -> None:
    earlier = [f"t{i}" for i in range(3000)]
    # A prompt shorter than 1024 tokens is never cached.
    assert cached_prefix_tokens(earlier[:1000], [earlier]) == 0
    # A shared prefix under 1024 tokens is not a hit.
    diverging = earlier[:1000] + ["x"] * 1000
    assert cached_prefix_tokens(diverging, [earlier]) == 0
    # 1300 shared tokens are served as 1280 (10 x 128).
    assert cached_prefix_tokens(earlier[:1300] + ["y"] * 200, [earlier]) == 1280
    # Nothing seen before: a miss.
    assert cached_prefix_tokens(earlier, []) == 0


def test_same_seed_same_draws_and_simulators_draw_apart() -> None:
    delay = MEASURED.stt_final
    a = [delay.sample(seeded_rng("openai", 3)) for _ in range(1)]
    assert a == [delay.sample(seeded_rng("openai", 3))]
    assert seeded_rng("openai", 3).random() != seeded_rng("elevenlabs", 3).random()
