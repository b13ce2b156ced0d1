"""Provider latency profiles shared by scenarios, the demo and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass

from sim.deepgram_listen import DeepgramLatency
from sim.elevenlabs_multistream import ElevenLabsLatency
from sim.latency import Delay
from sim.openai_chat import OpenAILatency
from sim.scenario import LatencyName

__all__ = ["PROFILES", "ProviderLatency"]


@dataclass(frozen=True)
class ProviderLatency:
    name: LatencyName
    deepgram: DeepgramLatency
    openai: OpenAILatency
    elevenlabs: ElevenLabsLatency


# Deepgram final, from the end of speech (arrival of the last voiced audio). `measured`:
# nova-3 through LiveKit Agents 1.8 (the `apresvous` measurements): p50 361 ms, p90
# 1256 ms, in line with Deepgram community discussion 1006 (~300-450 ms median, a tail
# over 1 s with 25 ms endpointing). The constant profiles keep their medians (the old
# endpoint wait plus `stt_s`) and gain that tail's p90/p50 ratio; `zero` has no delay,
# the final goes out at the endpoint.
_DEEPGRAM_FINAL: dict[str, Delay] = {
    "measured": Delay(p50_s=0.361, p90_s=1.256),
}
_TAIL = 1.256 / 0.361


def _deepgram(name: str, stt_s: float) -> DeepgramLatency:
    final = _DEEPGRAM_FINAL.get(name)
    if final is None:
        median = stt_s + 0.06 if stt_s > 0 else 0.0
        final = Delay(p50_s=median, p90_s=median * _TAIL)
    # Deepgram endpoints after 25 ms of silence (the plugin's endpointing); the
    # simulator's floor of 100 ms keeps espeak's stop closures (up to 90 ms) from
    # counting as pauses, while its comma pauses (140-250 ms) do.
    return DeepgramLatency(final_delay=final, min_gap_s=0.1)


def _profile(name: LatencyName, stt_s: float, ttft_s: float, ttfb_s: float) -> ProviderLatency:
    return ProviderLatency(
        name=name,
        deepgram=_deepgram(name, stt_s),
        # 100 tokens/s is a fast hosted model's streaming rate; TTS starts on the
        # first sentence, so this mostly shapes how long the answer takes, not TTFA.
        openai=OpenAILatency(ttft_s=ttft_s, tokens_per_s=100.0),
        # Real-time factor 0.5: audio arrives twice as fast as it plays, as a
        # streaming TTS does once it has started.
        elevenlabs=ElevenLabsLatency(ttfb_s=ttfb_s, realtime_factor=0.5),
    )


PROFILES: dict[LatencyName, ProviderLatency] = {
    "zero": _profile("zero", 0.0, 0.0, 0.0),
    "budget": _profile("budget", 0.1, 0.25, 0.1),
    "typical": _profile("typical", 0.25, 0.6, 0.3),
}
