"""The one `Settings` object. Only this package reads the environment.

App settings use the ``CALLCENTER_`` prefix with ``__`` between nested groups
(``CALLCENTER_LATENCY__MIN_ENDPOINTING_DELAY=0.2``). Provider credentials also answer to the
names the LiveKit plugins document (``DEEPGRAM_API_KEY``, ``OPENAI_API_KEY``,
``ELEVEN_API_KEY``, ``LIVEKIT_URL``, ``LIVEKIT_API_KEY``, ``LIVEKIT_API_SECRET``), so an
existing deployment's environment works unchanged.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from config._standard_env import StandardEnvSource
from config.redaction_policy import RedactionPolicy
from config.tenants import TenantSettings
from config.urls import HttpUrl, LiveKitUrl, ProviderUrl, WebSocketUrl

__all__ = [
    "CompliancePolicy",
    "ContextSettings",
    "LatencySettings",
    "LiveKitSettings",
    "ModelPrice",
    "ObservabilitySettings",
    "ProviderSettings",
    "Settings",
    "TelephonySettings",
    "TenantSettings",
    "TokenEndpointSettings",
    "WorkerSettings",
]

Seconds = Annotated[float, Field(ge=0.0)]
"""Delays and timeouts: never negative."""

STTProvider = Literal["deepgram", "flux", "openai"]
"""``deepgram``: Nova on /v1/listen; ``flux``: Deepgram Flux on /v2/listen (docs/flux.md)."""
TTSProvider = Literal["elevenlabs", "openai"]
_STT_ORDER: tuple[STTProvider, ...] = ("deepgram", "openai")
FLUX_SAMPLE_RATES = (8000, 16000, 24000, 44100, 48000)
_TTS_ORDER: tuple[TTSProvider, ...] = ("elevenlabs", "openai")


class _Group(BaseModel):
    # A typo in a nested key is an error, not a silently ignored setting.
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class LiveKitSettings(_Group):
    url: LiveKitUrl = "ws://localhost:7880"
    api_key: SecretStr | None = None
    api_secret: SecretStr | None = None
    agent_name: str = Field(
        default="callcenter",
        min_length=1,
        description="Explicit dispatch name; dispatch rules name this agent.",
    )

    @property
    def http_url(self) -> str:
        """The Twirp API lives on the same host over HTTP(S)."""
        return self.url.replace("wss://", "https://", 1).replace("ws://", "http://", 1)


class ProviderSettings(_Group):
    """Provider credentials, endpoints and fallback order.

    Every endpoint is a setting so the loopback simulators stand in without patching.
    """

    deepgram_api_key: SecretStr | None = None
    openai_api_key: SecretStr | None = None
    eleven_api_key: SecretStr | None = None

    deepgram_base_url: ProviderUrl = "https://api.deepgram.com/v1/listen"
    deepgram_flux_base_url: ProviderUrl = Field(
        default="https://api.deepgram.com/v2/listen",
        description="Flux's turn-based endpoint (the plugin speaks websocket to it).",
    )
    openai_base_url: ProviderUrl = "https://api.openai.com/v1"
    elevenlabs_base_url: ProviderUrl = "https://api.elevenlabs.io/v1"

    openai_model: str = "gpt-4.1-mini"
    openai_fast_model: str = Field(
        default="gpt-4.1-nano",
        description="Answers small-talk/acknowledgement turns when model routing is on.",
    )
    openai_fallback_models: list[str] = Field(
        default_factory=lambda: ["gpt-4.1-nano"],
        description="Tried in order when the primary model fails.",
    )
    openai_tts_model: str = "gpt-4o-mini-tts"
    openai_tts_voice: str = "alloy"
    openai_stt_model: str = "gpt-4o-mini-transcribe"

    elevenlabs_voice_id: str = "EXAVITQu4vr4xnSDxMaL"
    elevenlabs_model: str = Field(
        default="eleven_flash_v2_5",
        description="Flash: the lowest time-to-first-byte ElevenLabs model.",
    )

    stt_order: list[STTProvider] = Field(default_factory=lambda: list(_STT_ORDER))
    flux_model: Literal["flux-general-en", "flux-general-multi"] = "flux-general-en"
    # Ranges: Deepgram's /v2/listen reference and its end-of-turn configuration page
    # (developers.deepgram.com/reference/speech-to-text/listen-flux, /docs/flux/configuration).
    flux_eot_threshold: float = Field(
        default=0.7,
        ge=0.5,
        le=0.9,
        description="Flux's confidence for EndOfTurn; higher waits longer and cuts in less.",
    )
    flux_eager_eot_threshold: float | None = Field(
        default=0.5,
        ge=0.3,
        le=0.9,
        description=(
            "Flux's confidence for EagerEndOfTurn, where the LLM starts (preemptive "
            "generation); lower starts sooner and sends more LLM requests. None: off."
        ),
    )
    flux_eot_timeout_ms: int = Field(
        default=5000,
        ge=500,
        le=10000,
        description="Silence after which Flux ends the turn whatever its confidence.",
    )
    flux_chunk_ms: int = Field(
        default=80,
        ge=10,
        le=200,
        description="Audio per websocket message: Deepgram recommends ~80 ms for Flux.",
    )
    tts_order: list[TTSProvider] = Field(default_factory=lambda: list(_TTS_ORDER))

    request_timeout: Seconds = Field(
        default=10.0, description="Per-attempt timeout before a provider counts as failed."
    )
    llm_attempt_timeout: Seconds = Field(
        default=4.0,
        description=(
            "How long the LLM chain waits on a model that sends nothing before the next "
            "model answers (a read timeout: a streaming reply is never cut). A stuck "
            "model gets one stall line at filler_stall (2 s); the fallback's answer must "
            "follow before three more seconds of silence."
        ),
    )
    max_retries: int = Field(
        default=1,
        ge=0,
        description=(
            "Retries of a failed request to the same provider: the STT's, and a lone "
            "LLM's or TTS's. In an LLM or TTS fallback chain the next provider is tried "
            "instead (a retry would keep the caller waiting on a stalled provider)."
        ),
    )
    retry_interval: Seconds = 0.5
    stt_close_timeout: Seconds = Field(
        default=2.0,
        description=(
            "When a call ends, how long to wait for the STT's last final transcript, so "
            "the caller's last words reach the history and the call summary."
        ),
    )

    @field_validator("stt_order", "tts_order")
    @classmethod
    def _non_empty_unique(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("needs at least one provider")
        if len(set(value)) != len(value):
            raise ValueError("lists a provider twice")
        return value

    @field_validator("flux_eager_eot_threshold", mode="before")
    @classmethod
    def _eager_off_is_none(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in ("", "off", "none"):
            return None
        return value

    @model_validator(mode="after")
    def _eager_before_end(self) -> ProviderSettings:
        # An eager threshold above the final one would never fire first; the plugin
        # refuses it at construction, so say it here, naming the field.
        eager = self.flux_eager_eot_threshold
        if eager is not None and eager > self.flux_eot_threshold:
            raise ValueError(
                "providers.flux_eager_eot_threshold must be <= providers.flux_eot_threshold"
            )
        return self


class TelephonySettings(_Group):
    """Phone (SIP, narrowband) channel profile."""

    stt_sample_rate: int = Field(
        default=8000,
        description="G.711 carries 8 kHz; sending more to Deepgram only adds bytes.",
    )
    deepgram_model: str = "nova-3"
    tts_encoding: Literal["pcm_8000", "pcm_16000", "pcm_22050", "pcm_24000"] = Field(
        default="pcm_16000",
        description="PCM avoids an MP3 decode; 16 kHz keeps G.722 (HD voice) trunks wideband.",
    )
    trunk_krisp: bool = Field(
        default=True,
        description="The inbound trunk applies Krisp; the agent must not add its own.",
    )
    keyterms: list[str] = Field(
        default_factory=lambda: ["account number", "card number", "extension", "representative"]
    )
    default_region: str = Field(default="US", min_length=2, max_length=2)


class AppSettings(_Group):
    """App (WebRTC, wideband) channel profile."""

    stt_sample_rate: int = 16000
    deepgram_model: str = "nova-3"
    tts_encoding: Literal["pcm_16000", "pcm_22050", "pcm_24000", "pcm_44100"] = "pcm_24000"


class LatencySettings(_Group):
    """Server-side time-to-first-audio knobs; defaults measured by `python -m bench latency`."""

    min_endpointing_delay: Seconds = 0.15
    max_endpointing_delay: Seconds = Field(
        default=1.4,
        description=(
            "Wait after the caller stops when the transcript judge finds the sentence "
            "left open ('...making a noise since.'); callers' pauses inside a sentence "
            "reach 1.2 s, so the wait must outlast that (bench turns, mid_pause). The "
            "framework also commits a turn whose final is later than this."
        ),
    )
    vad_min_silence: Seconds = Field(
        default=0.12,
        description=(
            "Silero silence before end of speech. The transcript judge, not this window, "
            "keeps a caller who pauses mid-sentence or between digit groups from being "
            "answered; shorter answers sooner (docs/turn-taking.md)."
        ),
    )
    vad_activation_threshold: float = Field(default=0.5, gt=0.0, lt=1.0)
    vad_deactivation_threshold: float | None = Field(
        default=None,
        gt=0.0,
        lt=1.0,
        description=(
            "Speech probability below which Silero counts silence; unset: its default "
            "(activation - 0.15). 0.5 ends speech ~30 ms sooner (bench latency zero p50 "
            "245 ms against 252) at some risk of splitting speech at soft syllables."
        ),
    )
    turn_detection: Literal["transcript", "audio", "vad"] = Field(
        default="transcript",
        description=(
            "transcript: judge completeness from the words; audio: the offline "
            "livekit-local-inference model; vad: silence only."
        ),
    )
    turn_unlikely_threshold: float = Field(default=0.2, ge=0.0, le=1.0)
    turn_maybe_hold: Seconds = Field(
        default=1.45,
        description=(
            "Transcript judge: extra wait for a value that may be complete or not "
            "(an account number of unknown length), or that the caller named last and "
            "may be about to read ('send a text to my mobile.'). Counted from the VAD's "
            "end of speech, so the caller's pause it allows is vad_min_silence + this "
            "(1.57 s, past the 1.4 s breaths callers take between groups); shrink the "
            "VAD window and this must grow (bench turns, account)."
        ),
    )
    turn_dictation_hold: Seconds = Field(
        default=1.6,
        description=(
            "Transcript judge: wait before answering a value dictated only in part "
            "(callers pause over a second between digit groups)."
        ),
    )
    turn_ack_hold: Seconds = Field(
        default=0.5,
        description=(
            "Transcript judge: extra wait after a bare acknowledgement of something the "
            "agent said, not asked ('Great.' is often followed by 'thank you so much')."
        ),
    )
    turn_short_hold: Seconds = Field(
        default=0.3,
        description=(
            "Transcript judge: extra wait after a bare short answer ('Yes.', 'Okay.'), "
            "whose comma pause before more ('No, the other one.': 0.15-0.35 s) outlasts "
            "the VAD window (bench turns, comma_short)."
        ),
    )
    preemptive_generation: bool = True
    preemptive_tts: bool = Field(
        default=False,
        description=(
            "Experimental, measured as no gain: also start the TTS of a preemptive reply "
            "before the turn is committed (within noise at the budget and typical "
            "profiles; the LLM, not the commit, is on the critical path)."
        ),
        json_schema_extra={"experimental": True},
    )
    input_frame_ms: int = Field(
        default=20,
        ge=10,
        le=100,
        description=(
            "Length of the caller's audio frames into the session. The framework's default "
            "is 50: ~9 % less CPU per call, up to 30 ms later to hear the caller stop."
        ),
    )
    stt_interim_results: bool = True
    stt_endpointing_ms: int = Field(default=25, ge=0)
    tts_prewarm: bool = True
    tts_first_clause: bool = Field(
        default=True,
        description="Send the reply's first clause to TTS as soon as it ends.",
    )
    phrase_cache: bool = Field(
        default=True,
        description=(
            "Synthesise short openers ('Sure.') and our own lines (fillers, bridge lines) "
            "once per voice and play them at once; the LLM is asked to open with an opener "
            "where natural. A short filler is said only once its audio is cached."
        ),
    )
    phrase_cache_dir: Path | None = Field(
        # A fixed path, not the system's temporary directory: finding that one probes the
        # filesystem, and a read-only pod has none, so loading Settings would fail in
        # every command. Pods mount an emptyDir at /tmp (deploy/k8s).
        default=Path("/tmp/callcenter-phrases"),  # noqa: S108
        description=(
            "Where synthesised openers are kept for the next job process: each call runs "
            "in its own process, so without it every call synthesises them again (TTS "
            "characters billed per call). Created on first use, never at load. Empty: "
            "memory only."
        ),
    )
    fillers: bool = Field(
        default=True,
        description=(
            "Say a short filler ('Let me see.') while a slow answer keeps the caller "
            "waiting, and bridge lines while a provider is late (worker/speech/filler_policy.py); "
            "off: none of them (the repeat request for lost words and the apology stay)."
        ),
    )
    filler_quiet: Seconds = Field(
        default=0.7,
        description=(
            "Caller's silence before a filler is considered (conversation's usual gap is "
            "~0.2 s, its standard maximum ~1 s)."
        ),
    )
    filler_margin: Seconds = Field(
        default=0.2,
        description=(
            "A filler is said only when the answer is predicted to start this long after "
            "the filler's own audio would end (running LLM TTFT and TTS TTFB estimates)."
        ),
    )
    filler_cooldown: Seconds = Field(
        default=6.0, description="No filler this soon after the last one ended."
    )
    filler_stall: Seconds = Field(
        default=2.0,
        description=(
            "Silence while a provider is stuck after which a line keeps the caller from "
            "thinking the line is dead; once a turn, then the fault path speaks."
        ),
    )
    speculative_interim_after: Seconds | None = Field(
        default=None,
        description=(
            "Experimental, measured as no gain: start the LLM from an interim transcript "
            "stable this long, before the STT final (kept when the final matches, "
            "cancelled when not); None: off. Deepgram sends about one interim a second, so "
            "a turn's last words are rarely in one before the final; at a faster interim "
            "cadence it tripled LLM requests without a TTFA gain."
        ),
        json_schema_extra={"experimental": True},
    )
    tool_bridge_after: Seconds | None = Field(
        default=1.0,
        description=(
            "Say a short bridge ('One moment while I look that up.') when a tool has run "
            "this long; None: never."
        ),
    )
    model_routing: bool = Field(
        default=False,
        description=(
            "Experimental, measured as no clear win: route acknowledgement turns to the "
            "fast model (content TTFA p50 earlier, p95 later in every simulated profile: "
            "docs/latency.md, Model routing)."
        ),
        json_schema_extra={"experimental": True},
    )
    min_interruption_duration: Seconds = 0.5

    @field_validator("speculative_interim_after", "tool_bridge_after", mode="before")
    @classmethod
    def _off_is_none(cls, value: object) -> object:
        # From a variable, "off" (or nothing) turns the technique off, as None does in code.
        if isinstance(value, str) and value.strip().lower() in ("", "off", "none"):
            return None
        return value

    @field_validator("phrase_cache_dir", mode="before")
    @classmethod
    def _empty_dir_is_none(cls, value: object) -> object:
        # An empty variable means "memory only", not the working directory.
        return None if isinstance(value, str) and not value.strip() else value


class ContextSettings(_Group):
    """Bounded chat context for long calls."""

    max_items: int = Field(
        default=40, ge=4, description="Chat items kept verbatim; older ones get summarised."
    )
    summarize: bool = True


class CompliancePolicy(_Group):
    redaction: RedactionPolicy = Field(default_factory=RedactionPolicy)
    record_calls: bool = False


class ModelPrice(_Group):
    """What one model costs, in USD, as the provider bills it (list prices as of 2025;
    set your contract's)."""

    input_per_mtok: float = Field(default=0.0, ge=0.0)
    cached_input_per_mtok: float = Field(default=0.0, ge=0.0)
    output_per_mtok: float = Field(default=0.0, ge=0.0)
    per_1k_chars: float = Field(default=0.0, ge=0.0, description="TTS characters.")
    per_minute: float = Field(default=0.0, ge=0.0, description="STT audio minutes.")


def _default_prices() -> dict[str, ModelPrice]:
    return {
        # OpenAI
        "gpt-4.1-mini": ModelPrice(
            input_per_mtok=0.40, cached_input_per_mtok=0.10, output_per_mtok=1.60
        ),
        "gpt-4.1-nano": ModelPrice(
            input_per_mtok=0.10, cached_input_per_mtok=0.025, output_per_mtok=0.40
        ),
        "gpt-4o-mini-tts": ModelPrice(per_1k_chars=0.015),
        "gpt-4o-mini-transcribe": ModelPrice(per_minute=0.003),
        # Deepgram (streaming, pay as you go)
        "nova-3": ModelPrice(per_minute=0.0077),
        # Flux lists at the same rate (Cloudflare Workers AI's Deepgram partner page,
        # developers.cloudflare.com/workers-ai/models/flux, "$0.0077 per audio minute";
        # AIgateway's pass-through listing the same); some resellers list $0.0065.
        "flux-general-en": ModelPrice(per_minute=0.0077),
        # ElevenLabs (Flash: half a credit per character)
        "eleven_flash_v2_5": ModelPrice(per_1k_chars=0.05),
    }


class ObservabilitySettings(_Group):
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    metrics_port: int = Field(
        default=9100,
        ge=0,
        le=65535,
        description="Prometheus /metrics on the worker's main process; 0 turns it off.",
    )
    metrics_host: str = Field(
        default="0.0.0.0",
        description=(
            "Address /metrics listens on. A pod's scraper comes from outside the pod, so "
            "every interface; 127.0.0.1 keeps it to the host (a sidecar or node agent); "
            "empty: every interface, IPv4 and IPv6."
        ),
    )
    metrics_multiproc_dir: Path = Field(
        # A fixed path the deployment can mount (an emptyDir), not a scratch file.
        default=Path("/tmp/callcenter-prometheus"),  # noqa: S108
        description=(
            "Where job processes write their metrics for the main process to serve. "
            "Dedicated: the framework empties it when the worker starts."
        ),
    )
    otlp_endpoint: HttpUrl | None = Field(
        default=None,
        description="OTLP collector for traces; unset (and no traces endpoint) = tracing off.",
    )
    otlp_traces_endpoint: HttpUrl | None = Field(
        default=None, description="OTLP traces URL, used as is (beats otlp_endpoint)."
    )
    otlp_protocol: Literal["http/protobuf", "grpc"] = "http/protobuf"

    budget_ttfa_ms: float = Field(
        default=1000.0,
        gt=0.0,
        description=(
            "A turn's content TTFA (caller's last voiced frame to the model's first words "
            "heard; fillers do not count) above this warns."
        ),
    )
    budget_llm_ttft_ms: float = Field(default=500.0, gt=0.0)
    budget_tts_ttfb_ms: float = Field(default=300.0, gt=0.0)
    prices: dict[str, ModelPrice] = Field(
        default_factory=_default_prices,
        description="USD price per model name, for the call summary's cost estimate.",
    )

    @field_validator("otlp_endpoint", "otlp_traces_endpoint", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # OTEL_EXPORTER_OTLP_ENDPOINT="" is how a manifest leaves tracing off.
        return None if isinstance(value, str) and not value.strip() else value


class WorkerSettings(_Group):
    load_threshold: float = Field(
        default=0.75,
        gt=0.0,
        description=(
            "CPU load (0..1] above which the worker reports itself full; `inf` turns the"
            " limit off, for load tests that find the limit themselves."
        ),
    )

    @field_validator("load_threshold")
    @classmethod
    def _threshold_in_range(cls, value: float) -> float:
        if value > 1.0 and not math.isinf(value):
            raise ValueError("must be at most 1.0, or inf to turn the limit off")
        return value

    drain_timeout: int = Field(default=1800, ge=0, description="Seconds to finish calls on deploy.")
    num_idle_processes: int = Field(default=2, ge=0)
    health_port: int = Field(
        default=8081,
        ge=0,
        le=65535,
        description=(
            "The framework's HTTP server in start: GET / (liveness), GET /worker; dev: any."
            " 0 picks a free port (several workers on one host)."
        ),
    )
    readiness_port: int = Field(
        default=8083,
        ge=0,
        le=65535,
        description=(
            "GET /ready: 200 while the worker is registered with LiveKit, 503 before and "
            "after (worker/telemetry/readiness.py); dev: any. 0 picks a free port."
        ),
    )
    health_host: str = Field(
        default="0.0.0.0",
        description=(
            "Address the health and readiness servers listen on. The kubelet probes from "
            "outside the pod, so every interface; 127.0.0.1 on a shared host; empty: every "
            "interface, IPv4 and IPv6."
        ),
    )
    connect_attempts: int = Field(
        default=16,
        ge=0,
        description=(
            "Retries of a lost or refused connection to LiveKit before the worker exits "
            "non-zero (then its supervisor restarts it); the waits between grow to 10 s."
        ),
    )


MIN_BEARER_SECRET_CHARS = 32
MIN_BEARER_SECRET_BITS_PER_CHAR = 2.5
"""Random hex (16 symbols) measures 2.9 at worst over 32 characters; 'changeme' repeated 2.75."""
MIN_BEARER_SECRET_COMPRESSION = 0.9
"""zlib output over input length: random secrets of 32+ characters do not shrink (1.09 at
worst for hex); a repeated pattern does ('app-bearer-secret-app-bearer-secret' 0.83)."""


def entropy_bits_per_char(text: str) -> float:
    """The Shannon entropy of ``text``'s characters, in bits per character: ~4.2-5 for a
    ``secrets.token_urlsafe(32)`` string, ~3.5 for hex, 0 for one repeated character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def weak_secret_reason(text: str) -> str | None:
    """Why ``text`` is too weak a shared secret, or None. The reason never quotes it."""
    if len(text) < MIN_BEARER_SECRET_CHARS:
        return f"is {len(text)} characters; at least {MIN_BEARER_SECRET_CHARS} are required"
    if entropy_bits_per_char(text) < MIN_BEARER_SECRET_BITS_PER_CHAR:
        return (
            f"has under {MIN_BEARER_SECRET_BITS_PER_CHAR:g} bits of entropy per character "
            "(too few different characters)"
        )
    encoded = text.encode("utf-8", "surrogatepass")
    if len(zlib.compress(encoded, 9)) < MIN_BEARER_SECRET_COMPRESSION * len(encoded):
        return "repeats itself (it compresses: a pattern, not a random string)"
    return None


class TokenEndpointSettings(_Group):
    """`python -m worker tokens`: LiveKit tokens for app callers."""

    bearer_secret: SecretStr | None = Field(
        default=None,
        description=(
            "Clients send `Authorization: Bearer <secret>`; required to serve tokens. At "
            "least 32 varied characters, not a repeated pattern: generate it "
            "(`python -c 'import secrets; print(secrets.token_urlsafe(32))'`). It ships "
            "inside the app, so anyone can extract it: docs/security.md."
        ),
    )
    host: str = "0.0.0.0"
    port: int = Field(default=8090, ge=1, le=65535)
    public_url: WebSocketUrl | None = Field(
        default=None,
        description="The LiveKit URL clients connect to (server_url); unset: livekit.url.",
    )
    ttl_s: int = Field(
        default=600,
        ge=30,
        le=86400,
        description="Token lifetime; it only has to outlive the join, LiveKit refreshes after.",
    )
    room_prefix: str = Field(
        default="app-",
        min_length=1,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="App rooms start with this; dispatch rules for phone rooms must not.",
    )
    rate_per_minute: float = Field(
        default=10.0, gt=0.0, description="Tokens per minute per client address."
    )
    burst: int = Field(default=5, ge=1, description="Requests a client may make at once.")
    trusted_proxies: int = Field(
        default=0,
        ge=0,
        description=(
            "Proxies in front that append X-Forwarded-For; the rate limit keys on the address "
            "that many entries from the right. 0: the peer address."
        ),
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins allowed to call the endpoint (CORS); empty: none.",
    )
    identity_header: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9-]{1,64}$",
        description=(
            "A header an upstream auth proxy sets to the verified user identity "
            "(X-Forwarded-User, X-Auth-Request-User...): the token's identity, and a "
            "request without it is refused. Trusted only when set; the proxy must strip "
            "it from what clients send (docs/security.md). Unset: identities are the "
            "client's claim."
        ),
    )
    room_ticket_ttl_s: int = Field(
        default=3600,
        ge=60,
        le=86400,
        description=(
            "How long a room ticket (returned with a room's first token) lets the same "
            "identity ask for that room again, to rejoin after its token expires."
        ),
    )
    room_check_timeout_s: float = Field(
        default=3.0,
        gt=0.0,
        le=30.0,
        description="Bound on asking LiveKit who is in a room a client asks to rejoin.",
    )
    header_timeout_s: float = Field(
        default=5.0,
        gt=0.0,
        le=120.0,
        description=(
            "A connection's request line and headers must arrive within this (and, on a "
            "kept-alive connection, the next request's)."
        ),
    )
    body_timeout_s: float = Field(
        default=10.0,
        gt=0.0,
        le=120.0,
        description="A request's body must arrive within this once its headers have.",
    )
    connection_max_s: float = Field(
        default=60.0,
        gt=0.0,
        description="The longest a connection stays open, whatever it is doing.",
    )
    max_connections: int = Field(
        default=512,
        ge=1,
        description="Open connections at once; more are answered 503 and closed.",
    )
    max_connections_per_client: int = Field(
        default=16,
        ge=1,
        description=(
            "Open connections from one peer address; more are answered 503 and closed. "
            "Not applied behind trusted_proxies (the peer is the proxy)."
        ),
    )

    @field_validator("bearer_secret")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        reason = weak_secret_reason(value.get_secret_value())
        if reason is not None:
            raise ValueError(
                f"{reason}; generate one: "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value


class DispatchSettings(_Group):
    config_path: Path = Path("dispatch.yaml")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CALLCENTER_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        # Only CALLCENTER_* lines of .env are ours; the standard provider names there are
        # read by StandardEnvSource, anything else belongs to other tools.
        dotenv_filtering="match_prefix",
        secrets_dir=None,
        extra="forbid",
        validate_default=True,
    )

    livekit: LiveKitSettings = Field(default_factory=LiveKitSettings)
    providers: ProviderSettings = Field(default_factory=ProviderSettings)
    telephony: TelephonySettings = Field(default_factory=TelephonySettings)
    app: AppSettings = Field(default_factory=AppSettings)
    latency: LatencySettings = Field(default_factory=LatencySettings)
    context: ContextSettings = Field(default_factory=ContextSettings)
    compliance: CompliancePolicy = Field(default_factory=CompliancePolicy)
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    dispatch: DispatchSettings = Field(default_factory=DispatchSettings)
    tokens: TokenEndpointSettings = Field(default_factory=TokenEndpointSettings)
    tenants: dict[str, TenantSettings] = Field(
        default_factory=dict, description="Inline tenants, used when no tenants_file is set."
    )
    tenants_file: Path | None = Field(
        default=None, description="YAML tenants file (config/tenants.py); read once at start."
    )
    default_tenant: str = "default"

    secrets_dir: Path | None = Field(
        default=None,
        description=(
            "CALLCENTER_SECRETS_DIR: a directory of files named like the standard variables "
            "(LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, DEEPGRAM_API_KEY, "
            "OPENAI_API_KEY, ELEVEN_API_KEY, OTEL_EXPORTER_OTLP_*), e.g. a mounted Secret; "
            "only those names are read from it, and the environment wins."
        ),
    )

    @field_validator("tenants_file", mode="before")
    @classmethod
    def _empty_file_is_unset(cls, value: object) -> object:
        # CALLCENTER_TENANTS_FILE= (empty) means no file, never the current directory.
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _endpointing_order(self) -> Settings:
        if self.latency.max_endpointing_delay < self.latency.min_endpointing_delay:
            raise ValueError(
                "latency.max_endpointing_delay must be >= latency.min_endpointing_delay"
            )
        # livekit-agents refuses the audio turn detector with a shorter VAD silence, at
        # session start; say so at configuration time instead, naming the field.
        if self.latency.turn_detection == "audio" and self.latency.vad_min_silence < 0.25:
            raise ValueError(
                "latency.vad_min_silence must be >= 0.25 when latency.turn_detection is 'audio'"
            )
        # Silero leaves speech below the deactivation threshold and enters it above the
        # activation one; the other way round, a frame would count as both.
        deactivation = self.latency.vad_deactivation_threshold
        if deactivation is not None and deactivation > self.latency.vad_activation_threshold:
            raise ValueError(
                "latency.vad_deactivation_threshold must be <= latency.vad_activation_threshold"
            )
        if "flux" in self.providers.stt_order:
            # Flux takes these rates only (Deepgram, "Migrating from Nova-3 to Flux").
            for group in ("telephony", "app"):
                rate = getattr(self, group).stt_sample_rate
                if rate not in FLUX_SAMPLE_RATES:
                    raise ValueError(
                        f"{group}.stt_sample_rate {rate} is not one Deepgram Flux takes "
                        f"({', '.join(map(str, FLUX_SAMPLE_RATES))}); providers.stt_order "
                        "lists flux"
                    )
        return self

    def tenant(self, name: str | None) -> TenantSettings:
        """The tenant's overrides, or the defaults for an unknown/absent tenant."""
        return self.tenants.get(name or self.default_tenant) or TenantSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Prefixed names beat the plugins' standard names, so one deployment can
        # point a single field elsewhere without unsetting the shared variable.
        return (
            init_settings,
            env_settings,
            StandardEnvSource(
                settings_cls,
                dotenv_settings=dotenv_settings,
                init_kwargs=getattr(init_settings, "init_kwargs", None),
            ),
            dotenv_settings,
            file_secret_settings,
        )
