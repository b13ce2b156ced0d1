"""STT, LLM and TTS for a call, each behind a FallbackAdapter built from the ordered lists
in Settings. Every endpoint comes from Settings, so the simulators stand in unpatched."""

from __future__ import annotations

import functools
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx2
import openai as openai_sdk
import structlog
from livekit.agents import NOT_GIVEN, llm, stt, tts, vad
from livekit.plugins import deepgram, elevenlabs, openai
from pydantic import SecretStr

from config import ProviderSettings, Settings
from worker.channel_profile import ChannelProfile
from worker.speech.speech_chunks import FirstClauseTokenizer

__all__ = [
    "MissingCredentialError",
    "Providers",
    "SharedOpenAIClient",
    "TimeoutCap",
    "build_llm",
    "build_llm_engines",
    "build_providers",
    "build_stt_engines",
    "build_tts",
    "build_tts_engines",
    "fallback_stt",
    "flux_stt",
    "reconnect_stt",
    "tls_context",
]

log = structlog.get_logger(__name__)

STT = stt.STT[Any]
LLM = llm.LLM[Any]
TTS = tts.TTS[Any]


class MissingCredentialError(RuntimeError):
    """A provider in the configured order has no key; names the field and variable."""

    def __init__(self, field: str, variable: str) -> None:
        super().__init__(f"providers.{field} is not set (export {variable})")
        self.field = field


def _key(secret: SecretStr | None, field: str, variable: str) -> str:
    if secret is None or not secret.get_secret_value():
        raise MissingCredentialError(field, variable)
    return secret.get_secret_value()


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The process's TLS client context, built once.

    Building one reads the whole CA bundle: 130-170 ms of CPU that, left to the OpenAI
    SDK, ran on every call's event loop as the call started (the framework's loop
    monitor caught it). The worker's prewarm builds it before any call; every client
    of the process shares it. The standard library's default: system CAs, or
    ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when set, hostname checks on.
    """
    return ssl.create_default_context()


class TimeoutCap(httpx2.AsyncBaseTransport):
    """Holds every timeout of a request (connect, read, write, pool) to ``limit_s``.

    The OpenAI TTS plugin asks for ``httpx.Timeout(30, connect=...)`` on each speech
    request, overriding the client's timeout: a speech endpoint that accepts the request
    and says nothing kept the caller in silence for 30 s before the FallbackAdapter
    (which has no timeout of its own) gave up. Capped here, every OpenAI request of the
    call ends within ``request_timeout``, as Deepgram's and ElevenLabs' do.

    Args:
        inner: the transport that sends the request.
        limit_s: the longest any single timeout may be.
    """

    def __init__(self, inner: httpx2.AsyncBaseTransport, limit_s: float) -> None:
        self._inner = inner
        self._limit_s = limit_s

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        asked = request.extensions.get("timeout") or dict.fromkeys(
            ("connect", "read", "write", "pool")
        )
        request.extensions = {
            **request.extensions,
            "timeout": {
                name: self._limit_s if value is None else min(value, self._limit_s)
                for name, value in asked.items()
            },
        }
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _openai_client(providers: ProviderSettings) -> openai_sdk.AsyncClient:
    # The SDK retries on its own by default; the FallbackAdapter owns retry policy,
    # so a failing model hands over to the next one instead of retrying behind its back.
    # A per-call client (its pool closes with the call) over the process's TLS context.
    transport = httpx2.AsyncHTTPTransport(
        verify=tls_context(), limits=openai_sdk.DEFAULT_CONNECTION_LIMITS
    )
    return openai_sdk.AsyncClient(
        api_key=_key(providers.openai_api_key, "openai_api_key", "OPENAI_API_KEY"),
        base_url=providers.openai_base_url,
        max_retries=0,
        timeout=providers.request_timeout,
        http_client=openai_sdk.DefaultAsyncHttpxClient(
            transport=TimeoutCap(transport, providers.request_timeout),
            timeout=providers.request_timeout,
        ),
    )


class SharedOpenAIClient:
    """One OpenAI client for every OpenAI engine of a call, made on first use.

    The plugins do not close a client they were handed, so the call owns it and closes
    it at the end (`Providers.aclose`); one per engine would leave a pool per engine.
    """

    def __init__(self, providers: ProviderSettings) -> None:
        self._providers = providers
        self.client: openai_sdk.AsyncClient | None = None

    def get(self) -> openai_sdk.AsyncClient:
        if self.client is None:
            self.client = _openai_client(self._providers)
        return self.client


@dataclass(frozen=True)
class Providers:
    stt: STT
    stt_engines: tuple[STT, ...]
    """The engines behind ``stt``, in fallback order: their own error events say when a
    connection failed (the fallback adapter does not pass them on)."""
    llm: LLM
    fast_llm: LLM | None
    tts: TTS
    openai: SharedOpenAIClient
    llm_engines: tuple[LLM, ...] = ()
    """The models behind ``llm`` and ``fast_llm``: the framework's LLM fallback adapter
    does not close them, and each holds its prewarm request."""
    tts_engines: tuple[TTS, ...] = ()
    """The voices behind ``tts``: the TTS fallback adapter does not close them either
    (an ElevenLabs TTS keeps reconnecting its prewarm socket until closed)."""

    async def aclose(self) -> None:
        """Close what the call opened: plugin streams and pools, then the shared client.

        A job process ends with its call, but simulated calls and benchmarks run many
        calls in one process, where an unclosed pool is a leaked socket per call.
        """
        engines: list[STT | LLM | TTS] = [self.stt, self.llm, self.tts]
        if self.fast_llm is not None:
            engines.append(self.fast_llm)
        inner: list[LLM | TTS] = [*self.llm_engines, *self.tts_engines]
        engines.extend(e for e in inner if all(e is not other for other in engines))
        for engine in engines:
            await engine.aclose()
        if self.openai.client is not None:
            await self.openai.client.close()


def build_stt_engines(
    settings: Settings,
    profile: ChannelProfile,
    openai_client: SharedOpenAIClient | None = None,
    language: str = "en-US",
) -> list[STT]:
    """The call's speech-to-text engines, in the order Settings gives.

    Args:
        language: the tenant's language (BCP 47, e.g. ``es`` or ``en-US``); both STTs
            are told it rather than left to guess from the first words.
    """
    providers = settings.providers
    shared = openai_client or SharedOpenAIClient(providers)
    engines: list[STT] = []
    for name in providers.stt_order:
        if name == "flux":
            flux = flux_stt(settings, profile, language)
            if flux is not None:
                engines.append(flux)
        elif name == "deepgram":
            engines.append(
                deepgram.STT(
                    model=profile.deepgram_model,
                    sample_rate=profile.stt_sample_rate,
                    interim_results=settings.latency.stt_interim_results,
                    smart_format=profile.smart_format,
                    numerals=profile.numerals,
                    endpointing_ms=profile.endpointing_ms,
                    keyterm=list(profile.keyterms) if profile.keyterms else [],
                    language=language,
                    api_key=_key(
                        providers.deepgram_api_key, "deepgram_api_key", "DEEPGRAM_API_KEY"
                    ),
                    base_url=providers.deepgram_base_url,
                )
            )
        else:
            engines.append(
                openai.STT(
                    model=providers.openai_stt_model,
                    client=shared.get(),
                    use_realtime=False,
                    # The transcription API takes ISO 639-1 ("es"), not a region.
                    language=language.split("-")[0],
                )
            )
    if not engines:
        raise ValueError(
            f"providers.stt_order {providers.stt_order} leaves no STT for language "
            f"{language!r} (flux-general-en is English only)"
        )
    return engines


def flux_stt(settings: Settings, profile: ChannelProfile, language: str) -> STT | None:
    """Deepgram Flux (``/v2/listen``) for the call, or None when its model does not speak
    the tenant's language: the next STT in the order serves that call.

    Flux ends turns itself and sends ``EagerEndOfTurn`` before ``EndOfTurn``: the
    plugin turns the eager one into a preflight transcript, where the session starts
    its preemptive reply, and ``EndOfTurn`` into the final (docs/flux.md).
    """
    providers = settings.providers
    multi = providers.flux_model == "flux-general-multi"
    if not multi and not language.lower().startswith("en"):
        log.info("flux_skipped_for_language", language=language)
        return None
    return deepgram.STTv2(
        model=providers.flux_model,
        sample_rate=profile.stt_sample_rate,
        audio_chunk_duration_ms=providers.flux_chunk_ms,
        eot_threshold=providers.flux_eot_threshold,
        eager_eot_threshold=(
            providers.flux_eager_eot_threshold
            if providers.flux_eager_eot_threshold is not None
            else NOT_GIVEN
        ),
        eot_timeout_ms=providers.flux_eot_timeout_ms,
        keyterm=list(profile.keyterms) if profile.keyterms else NOT_GIVEN,
        numerals=profile.numerals,
        language_hint=[language.split("-")[0]] if multi else NOT_GIVEN,
        api_key=_key(providers.deepgram_api_key, "deepgram_api_key", "DEEPGRAM_API_KEY"),
        base_url=providers.deepgram_flux_base_url,
    )


def reconnect_stt(engines: Sequence[STT]) -> None:
    """Open a new connection for every open stream of the call's Deepgram engines.

    A socket that stalls (open, no error, nothing sent) is not retried by the plugin,
    which reconnects only on an error: whatever the caller says next would go to the
    same silent socket. Both plugins reconnect when their options change (``update_options``
    on Nova always; on Flux for options sent in the URL, such as the model).
    """
    for engine in engines:
        if isinstance(engine, deepgram.STTv2):
            engine.update_options(model=engine.model)
        elif isinstance(engine, deepgram.STT):
            engine.update_options()


def fallback_stt(settings: Settings, engines: Sequence[STT], vad_model: vad.VAD) -> STT:
    """``engines`` as one STT: the only one, or a fallback adapter over them."""
    providers = settings.providers
    if len(engines) == 1:
        return engines[0]
    # The non-streaming OpenAI STT needs the VAD to cut utterances when it takes over.
    return stt.FallbackAdapter(
        list(engines),
        vad=vad_model,
        attempt_timeout=providers.request_timeout,
        max_retry_per_stt=providers.max_retries,
        retry_interval=providers.retry_interval,
    )


def build_llm_engines(
    settings: Settings,
    *,
    model: str | None = None,
    openai_client: SharedOpenAIClient | None = None,
) -> list[LLM]:
    """``model`` (or the configured one), then the fallback models, each its own LLM."""
    providers = settings.providers
    primary = model or providers.openai_model
    client = (openai_client or SharedOpenAIClient(providers)).get()
    models = [primary, *[m for m in providers.openai_fallback_models if m != primary]]
    return [openai.LLM(model=m, client=client) for m in models]


def build_llm(
    settings: Settings,
    *,
    model: str | None = None,
    openai_client: SharedOpenAIClient | None = None,
    engines: Sequence[LLM] | None = None,
) -> LLM:
    """``engines`` (built from the settings by default) as one LLM: the only one, or a
    fallback adapter over them. Closing the adapter leaves the engines open."""
    if engines is None:
        engines = build_llm_engines(settings, model=model, openai_client=openai_client)
    providers = settings.providers
    if len(engines) == 1:
        return engines[0]
    return llm.FallbackAdapter(
        list(engines),
        attempt_timeout=min(providers.llm_attempt_timeout, providers.request_timeout),
        max_retry_per_llm=0,
        retry_interval=providers.retry_interval,
    )


def build_tts_engines(
    settings: Settings, profile: ChannelProfile, openai_client: SharedOpenAIClient | None = None
) -> list[TTS]:
    """Each configured voice, in fallback order."""
    providers = settings.providers
    shared = openai_client or SharedOpenAIClient(providers)
    engines: list[TTS] = []
    for name in providers.tts_order:
        if name == "elevenlabs":
            engines.append(
                elevenlabs.TTS(
                    voice_id=providers.elevenlabs_voice_id,
                    model=providers.elevenlabs_model,
                    # PCM: no MP3 decode on the hot path.
                    encoding=profile.tts_encoding,  # type: ignore[arg-type]
                    api_key=_key(providers.eleven_api_key, "eleven_api_key", "ELEVEN_API_KEY"),
                    base_url=providers.elevenlabs_base_url,
                    word_tokenizer=(
                        FirstClauseTokenizer() if settings.latency.tts_first_clause else NOT_GIVEN
                    ),
                )
            )
        else:
            engines.append(
                openai.TTS(
                    model=providers.openai_tts_model,
                    voice=providers.openai_tts_voice,
                    client=shared.get(),
                    response_format="pcm",
                )
            )
    return engines


def build_tts(
    settings: Settings,
    profile: ChannelProfile,
    openai_client: SharedOpenAIClient | None = None,
    engines: Sequence[TTS] | None = None,
) -> TTS:
    """``engines`` (built from the settings by default) as one TTS: the only one, or a
    fallback adapter over them. Closing the adapter leaves the engines open."""
    if engines is None:
        engines = build_tts_engines(settings, profile, openai_client)
    if len(engines) == 1:
        return engines[0]
    # No retry of the same engine before the next one: a stalled ElevenLabs context
    # times out (the plugin's per-context timer) without the shared socket being
    # dropped, so a retry waits on the same stuck socket for a second full timeout
    # while the caller sits in silence (5 s measured behind an acknowledgment). The
    # next engine answers within its first byte; the adapter's recovery probe brings
    # the first back once it answers again, as the LLM chain does.
    return tts.FallbackAdapter(
        list(engines), max_retry_per_tts=0, sample_rate=profile.tts_sample_rate
    )


def build_providers(
    settings: Settings, profile: ChannelProfile, vad_model: vad.VAD, language: str = "en-US"
) -> Providers:
    shared = SharedOpenAIClient(settings.providers)
    llm_engines = build_llm_engines(settings, openai_client=shared)
    fast_engines = (
        build_llm_engines(
            settings, model=settings.providers.openai_fast_model, openai_client=shared
        )
        if settings.latency.model_routing
        else []
    )
    stt_engines = build_stt_engines(settings, profile, shared, language)
    tts_engines = build_tts_engines(settings, profile, shared)
    return Providers(
        stt=fallback_stt(settings, stt_engines, vad_model),
        stt_engines=tuple(stt_engines),
        llm=build_llm(settings, engines=llm_engines),
        fast_llm=build_llm(settings, engines=fast_engines) if fast_engines else None,
        tts=build_tts(settings, profile, engines=tts_engines),
        openai=shared,
        llm_engines=(*llm_engines, *fast_engines),
        tts_engines=tuple(tts_engines),
    )
