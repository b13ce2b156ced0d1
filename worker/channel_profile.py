"""Channel profiles: what a phone (narrowband SIP) call and an app (wideband WebRTC) call get.

No agent-side noise cancellation: LiveKit's noise-cancellation plugin runs only against
LiveKit Cloud and is not a dependency; phone trunks can enable Krisp at the SIP bridge
(`dispatch`'s ``krisp_enabled``).
"""

from __future__ import annotations

from dataclasses import dataclass

from config import Settings
from worker.caller import CallerKind

__all__ = ["ChannelProfile", "channel_profile"]


@dataclass(frozen=True)
class ChannelProfile:
    kind: CallerKind
    stt_sample_rate: int
    deepgram_model: str
    smart_format: bool
    numerals: bool
    keyterms: tuple[str, ...]
    endpointing_ms: int
    tts_encoding: str

    @property
    def tts_sample_rate(self) -> int:
        return int(self.tts_encoding.removeprefix("pcm_"))

    @property
    def input_sample_rate(self) -> int:
        """The rate the caller's audio enters the session at: the STT's own. The room's
        track is decoded straight to it (natively, by the rtc audio stream), so the STT,
        the accuracy-critical consumer, gets no second resampling in Python; Silero
        resamples to its 16 kHz itself. (Silero at 8 kHz for phone calls was measured:
        it ended speech one 32 ms window later and phone TTFA p50 rose ~50 ms.)"""
        return self.stt_sample_rate


def channel_profile(settings: Settings, kind: CallerKind) -> ChannelProfile:
    """Pure function of settings and caller kind."""
    if kind == "phone":
        phone = settings.telephony
        return ChannelProfile(
            kind=kind,
            # The SIP bridge resamples G.711 to 48 kHz, but nothing above 4 kHz survives
            # the trunk: sending 8 kHz to Deepgram loses no information and a sixth of the bytes.
            stt_sample_rate=phone.stt_sample_rate,
            deepgram_model=phone.deepgram_model,
            # Callers dictate account and card numbers; digits as digits let the redactor
            # and the tools see "4111 1111" rather than "four one one one".
            smart_format=True,
            numerals=True,
            keyterms=tuple(phone.keyterms),
            endpointing_ms=settings.latency.stt_endpointing_ms,
            tts_encoding=phone.tts_encoding,
        )
    app = settings.app
    return ChannelProfile(
        kind=kind,
        stt_sample_rate=app.stt_sample_rate,
        deepgram_model=app.deepgram_model,
        smart_format=True,
        numerals=False,
        keyterms=(),
        endpointing_ms=settings.latency.stt_endpointing_ms,
        tts_encoding=app.tts_encoding,
    )
