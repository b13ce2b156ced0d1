"""Provider latency profiles shared by scenarios, the demo and the benchmark.

Every delay is a :class:`~sim.latency.Delay` (log-normal through a median and a 90th
percentile), drawn per request by each simulator from its own seeded generator:

* ``zero``: no provider latency at all; what our own code costs.
* ``budget`` / ``typical``: the medians these profiles always had, with the tail shape
  (p90 / p50) of the ``measured`` figures of the same provider.
* ``measured``: public measurements of the configured models (sources below).
* ``budget-constant`` / ``typical-constant``: the old fixed delays, no tail; kept so a
  figure taken before the distributions existed can be reproduced.

The sources, each a public measurement or a provider's published figure:

* Deepgram nova-3 streaming final after end of speech: p50 361 ms, p90 1256 ms, the
  ``apresvous`` measurements of LiveKit Agents 1.8 (cited in issue 17; Deepgram
  community discussion 1006 puts the median at 300-450 ms with a tail over 1 s).
* OpenAI gpt-4.1-mini: TTFT ~0.79 s mean on a production prompt (Fetch Rewards'
  32-sample study, Dec 2025) and 0.93 s on Artificial Analysis' 10k-token workload;
  the prefill term below brings a 10k-token prompt from the 0.55 s base to ~0.95 s.
  61.7 tok/s (OpenAI community "Inference speed of different models", tacho) to
  77.2 tok/s (Artificial Analysis): ~70 tok/s.
* OpenAI gpt-4.1-nano: 176 ms TTFT at short prompts (2,000-call small-model benchmark
  reported by AI Weekly), 95.9 tok/s (tacho, same thread as above).
* No public p90 of OpenAI TTFT was found for these models: the p90s (~1.8x the median)
  are an estimate, not a measurement. Cloudax's "sub-second shortlist" run of twelve
  OpenAI models shows tails of that order between warm and cold and between service
  tiers; replace these with figures from a real run when one exists.
* Prompt prefill: the Prompt Caching 201 cookbook measured caching cutting TTFT by ~7 %
  at 1024 tokens and ~67 % at 150k tokens; 40 ms per 1000 uncached tokens with cached
  tokens at a quarter of that reproduces both (see ``sim.openai_chat.ModelLatency``).
* ElevenLabs eleven_flash_v2_5: ElevenLabs claims ~75 ms *model* latency (models page;
  its "Understanding latency" page says it excludes network and scheduling). Measured
  time to first audio over the API: 288 ms p50 with a 28 ms inter-quartile range
  (Coval TTS benchmark, May 2026), 197 ms median (Vapi, 50 streaming trials). The
  profile uses Coval's p50 and the p90 its IQR implies for a log-normal (~316 ms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.deepgram_flux import FluxLatency
from sim.deepgram_listen import DeepgramLatency
from sim.elevenlabs_multistream import ElevenLabsLatency
from sim.latency import Delay
from sim.openai_chat import ModelLatency, OpenAILatency
from sim.scenario import LatencyName

__all__ = ["MEASURED", "PROFILES", "ProviderLatency"]

# Models the worker uses (config: openai_model, openai_fast_model / fallback).
_STRONG_MODEL = "gpt-4.1-mini"
_FAST_MODEL = "gpt-4.1-nano"


@dataclass(frozen=True)
class ProviderLatency:
    name: LatencyName
    deepgram: DeepgramLatency
    openai: OpenAILatency
    elevenlabs: ElevenLabsLatency
    flux: FluxLatency = field(default_factory=FluxLatency)
    """Deepgram Flux: the same in every profile. Its end-of-turn timing is the model's
    published decision time, network included (sim/deepgram_flux.py), not a delay a
    faster network removes; a Flux with none would have nothing to be eager about."""


@dataclass(frozen=True)
class _Measured:
    """The public figures, one Delay per provider step."""

    stt_final: Delay
    strong_ttft: Delay
    strong_token_gap: Delay
    fast_ttft: Delay
    fast_token_gap: Delay
    prefill_s_per_1k: float
    tts_ttfb: Delay


MEASURED = _Measured(
    stt_final=Delay(p50_s=0.361, p90_s=1.256),
    strong_ttft=Delay(p50_s=0.55, p90_s=1.0),
    strong_token_gap=Delay(p50_s=1 / 70, p90_s=1 / 55),
    fast_ttft=Delay(p50_s=0.18, p90_s=0.33),
    fast_token_gap=Delay(p50_s=1 / 96, p90_s=1 / 76),
    prefill_s_per_1k=0.04,
    tts_ttfb=Delay(p50_s=0.288, p90_s=0.316),
)
# The fast model's median relative to the strong one's, used to give the synthetic
# profiles a fast model too, so model routing shows up in every profile.
_FAST_RATIO = MEASURED.fast_ttft.p50_s / MEASURED.strong_ttft.p50_s


# The synthetic profiles' "STT +N ms" is what Deepgram adds after its endpoint; the
# simulator times a final from the end of speech, so their medians carry the 60 ms
# endpoint the constant profiles always had.
_ENDPOINT_S = 0.06


def _after_endpoint(stt_s: float) -> float:
    return stt_s + _ENDPOINT_S if stt_s > 0 else 0.0


def _deepgram(final: Delay) -> DeepgramLatency:
    """The Deepgram part of a profile: the one place that maps a final delay onto the
    simulator's knobs."""
    # Deepgram endpoints after 25 ms of silence (the plugin's endpointing); the
    # simulator's floor of 100 ms keeps espeak's stop closures (up to 90 ms) from
    # counting as pauses, while its comma pauses (140-250 ms) do.
    return DeepgramLatency(final_delay=final, min_gap_s=0.1)


def _openai(strong: ModelLatency, fast: ModelLatency) -> OpenAILatency:
    return OpenAILatency(model=strong, per_model={_STRONG_MODEL: strong, _FAST_MODEL: fast})


# Real-time factor 0.5: audio arrives twice as fast as it plays, as a streaming TTS does
# once it has started.
_TTS_REALTIME_FACTOR = 0.5


def _shaped(name: LatencyName, stt_s: float, ttft_s: float, ttfb_s: float) -> ProviderLatency:
    """A profile with its own medians and the measured tails."""
    m = MEASURED
    return ProviderLatency(
        name=name,
        deepgram=_deepgram(m.stt_final.with_median(_after_endpoint(stt_s))),
        openai=_openai(
            ModelLatency(
                ttft=m.strong_ttft.with_median(ttft_s),
                token_gap=m.strong_token_gap.with_median(0.01),
                prefill_s_per_1k=m.prefill_s_per_1k,
            ),
            ModelLatency(
                ttft=m.fast_ttft.with_median(ttft_s * _FAST_RATIO),
                token_gap=m.fast_token_gap.with_median(0.01),
                prefill_s_per_1k=m.prefill_s_per_1k,
            ),
        ),
        elevenlabs=ElevenLabsLatency(
            ttfb=m.tts_ttfb.with_median(ttfb_s), realtime_factor=_TTS_REALTIME_FACTOR
        ),
    )


def _constant(name: LatencyName, stt_s: float, ttft_s: float, ttfb_s: float) -> ProviderLatency:
    """The pre-distribution profiles: fixed delays, one model speed, no prefill."""
    return ProviderLatency(
        name=name,
        deepgram=_deepgram(Delay.constant(_after_endpoint(stt_s))),
        # 100 tokens/s was the fast hosted model's streaming rate these profiles assumed.
        openai=OpenAILatency.constant(ttft_s, 100.0),
        elevenlabs=ElevenLabsLatency.constant(ttfb_s, _TTS_REALTIME_FACTOR),
    )


def _measured() -> ProviderLatency:
    m = MEASURED
    return ProviderLatency(
        name="measured",
        deepgram=_deepgram(m.stt_final),
        openai=_openai(
            ModelLatency(
                ttft=m.strong_ttft,
                token_gap=m.strong_token_gap,
                prefill_s_per_1k=m.prefill_s_per_1k,
            ),
            ModelLatency(
                ttft=m.fast_ttft, token_gap=m.fast_token_gap, prefill_s_per_1k=m.prefill_s_per_1k
            ),
        ),
        elevenlabs=ElevenLabsLatency(ttfb=m.tts_ttfb, realtime_factor=_TTS_REALTIME_FACTOR),
    )


PROFILES: dict[LatencyName, ProviderLatency] = {
    "zero": _constant("zero", 0.0, 0.0, 0.0),
    "budget": _shaped("budget", 0.1, 0.25, 0.1),
    "typical": _shaped("typical", 0.25, 0.6, 0.3),
    "measured": _measured(),
    "budget-constant": _constant("budget-constant", 0.1, 0.25, 0.1),
    "typical-constant": _constant("typical-constant", 0.25, 0.6, 0.3),
}
