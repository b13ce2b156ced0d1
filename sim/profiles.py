"""Provider latency profiles shared by scenarios, the demo and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass

from sim.deepgram_listen import DeepgramLatency
from sim.elevenlabs_multistream import ElevenLabsLatency
from sim.openai_chat import OpenAILatency
from sim.scenario import LatencyName

__all__ = ["PROFILES", "ProviderLatency"]


@dataclass(frozen=True)
class ProviderLatency:
    name: LatencyName
    deepgram: DeepgramLatency
    openai: OpenAILatency
    elevenlabs: ElevenLabsLatency


def _profile(name: LatencyName, stt_s: float, ttft_s: float, ttfb_s: float) -> ProviderLatency:
    return ProviderLatency(
        name=name,
        # Deepgram endpoints after 25 ms of silence (the plugin's endpointing); 60 ms is
        # the shortest gap the 10 ms energy detector tells from a stop consonant near the
        # end of a phrase, and the scripted span keeps inner pauses from cutting it.
        deepgram=DeepgramLatency(final_delay_s=stt_s, min_gap_s=0.06),
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
