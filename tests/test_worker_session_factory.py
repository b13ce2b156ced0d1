"""The session each caller kind gets: channel profile and turn handling, from Settings."""

from __future__ import annotations

import pytest
from livekit import rtc
from livekit.agents import utils, vad

from config import Settings, TenantSettings
from worker.caller import describe_caller, tenant_from_metadata
from worker.channel_profile import channel_profile
from worker.framework import fallback_engines
from worker.session_factory import build_call
from worker.turns.turn_judge import TranscriptTurnJudge

pytestmark = pytest.mark.unit

KEYS = {"openai_api_key": "k", "deepgram_api_key": "k", "eleven_api_key": "k"}


def _settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, providers=KEYS, **overrides)  # type: ignore[call-arg, arg-type]


def test_sip_participant_is_a_phone_caller() -> None:
    caller = describe_caller(
        participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
        identity="sip_+15550100",
        attributes={
            "sip.callID": "SCL_1",
            "sip.phoneNumber": "+15550100",
            "sip.trunkPhoneNumber": "+15550199",
            "sip.ruleID": "SDR_1",
            "sip.h.x-customer": "gold",
        },
        tenant="acme",
    )
    assert caller.kind == "phone"
    assert caller.call_id == "SCL_1"
    assert caller.sip is not None
    assert caller.sip.inbound
    assert caller.sip.dialed_number == "+15550199"
    assert caller.sip.headers == {"x-customer": "gold"}
    app = describe_caller(
        participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD,
        identity="user-1",
        attributes={},
    )
    assert (app.kind, app.call_id) == ("app", None)


def test_tenant_comes_from_dispatch_metadata() -> None:
    assert tenant_from_metadata('{"tenant": "acme"}') == "acme"
    assert tenant_from_metadata("not json") is None
    assert tenant_from_metadata("") is None


def test_channel_profiles() -> None:
    settings = _settings()
    phone, app = channel_profile(settings, "phone"), channel_profile(settings, "app")
    assert (phone.stt_sample_rate, phone.tts_encoding, phone.numerals) == (8000, "pcm_16000", True)
    assert (app.stt_sample_rate, app.tts_encoding, app.numerals) == (16000, "pcm_24000", False)


async def test_turn_handling_from_settings_and_tenant(vad_model: vad.VAD) -> None:
    settings = _settings(
        latency={"min_endpointing_delay": 0.2, "max_endpointing_delay": 1.1},
        tenants={"bank": TenantSettings(preemptive_generation=False, model_routing=True)},
    )
    caller = describe_caller(
        participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD, identity="u", attributes={}
    )
    async with utils.http_context.open():
        default = build_call(settings, caller, vad_model=vad_model)
        bank = build_call(
            settings,
            describe_caller(
                participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD,
                identity="u",
                attributes={},
                tenant="bank",
            ),
            vad_model=vad_model,
        )
        # Built calls own provider connections (the LLM's prewarm request): close them.
        await default.aclose()
        await bank.aclose()
    handling = default.session.options.turn_handling
    assert handling["endpointing"]["min_delay"] == 0.2
    assert handling["endpointing"]["max_delay"] == 1.1
    assert isinstance(handling["turn_detection"], TranscriptTurnJudge)
    assert handling["preemptive_generation"]["enabled"] is True
    assert bank.session.options.turn_handling["preemptive_generation"]["enabled"] is False
    # Model routing is the tenant's choice: only its calls get the fast model.
    assert default.providers.fast_llm is None
    assert bank.providers.fast_llm is not None


@pytest.mark.parametrize(
    ("text", "finished"),
    [
        ("My order number is 12345.", True),
        ("Thanks!", True),
        ("I'd like to check the status of", False),
        ("my card is", False),
        ("Sure, it's 4111 1111", False),
        ("Sure, it's [CARD_1]", False),
        ("And could you also send a text to", False),
    ],
)
def test_turn_judge(text: str, finished: bool) -> None:
    judge = TranscriptTurnJudge(unlikely_threshold=0.2)
    assert (judge.score(text) >= 0.2) is finished


def test_prewarm_loads_vad_and_the_offline_turn_detector_when_used() -> None:
    from livekit.agents import inference

    from worker.server import prewarm_models

    transcript: dict[str, object] = {}
    prewarm_models(_settings(), transcript)
    assert set(transcript) == {"vad"}

    audio: dict[str, object] = {}
    prewarm_models(_settings(latency={"turn_detection": "audio", "vad_min_silence": 0.3}), audio)
    assert isinstance(audio["eot"], inference.TurnDetector)
    assert audio["eot"].model == "turn-detector-v1-mini"  # the local, in-wheel model


async def test_every_openai_client_uses_the_tls_context_the_prewarm_built() -> None:
    # Building a TLS context reads the CA bundle (130-170 ms of CPU): the prewarm does it
    # once per process, off every call's event loop, and each call's client reuses it.
    from livekit.agents.utils import http_context

    from worker.providers.providers import SharedOpenAIClient, TimeoutCap, tls_context
    from worker.server import prewarm_models

    tls_context.cache_clear()
    http_context._ssl_context_for.cache_clear()
    prewarm_models(_settings(), {})
    assert tls_context.cache_info().currsize == 1
    # The framework's own, for its shared HTTP session (the plugins' websockets).
    assert http_context._ssl_context_for.cache_info().currsize == 1
    built = tls_context()

    settings = _settings()
    clients = [SharedOpenAIClient(settings.providers).get() for _ in range(2)]
    try:
        for client in clients:
            capped = client._client._transport
            assert isinstance(capped, TimeoutCap)  # every timeout held to request_timeout
            assert capped._inner._pool._ssl_context is built  # type: ignore[attr-defined]
        assert tls_context.cache_info().misses == 1
    finally:
        for client in clients:
            await client.close()


async def test_the_tenants_language_reaches_both_stts(vad_model: vad.VAD) -> None:
    from livekit.plugins import deepgram, openai

    settings = _settings(tenants={"es": TenantSettings(language="es")})
    caller = describe_caller(
        participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD,
        identity="u",
        attributes={},
        tenant="es",
    )
    async with utils.http_context.open():
        call = build_call(settings, caller, vad_model=vad_model)
        engines = fallback_engines(call.providers.stt)
        # The non-streaming OpenAI STT sits inside the framework's StreamAdapter.
        unwrapped = [getattr(engine, "wrapped_stt", engine) for engine in engines]
        by_kind = {type(engine): engine for engine in unwrapped}
        assert by_kind[deepgram.STT]._opts.language == "es"
        assert by_kind[openai.STT]._opts.languages == ["es"]
        await call.aclose()


async def test_a_call_gets_room_audio_at_its_own_rate(vad_model: vad.VAD) -> None:
    from worker.entrypoint import room_options

    settings = _settings()
    phone = describe_caller(
        participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
        identity="sip_+15550100",
        attributes={"sip.phoneNumber": "+15550100"},
    )
    app = describe_caller(
        participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD, identity="u", attributes={}
    )
    # The room input decodes the caller's track to the STT's rate, the output publishes
    # at the TTS's: the framework's 24 kHz both ways resampled every frame in Python.
    for caller, (rate_in, rate_out) in ((phone, (8000, 16000)), (app, (16000, 24000))):
        async with utils.http_context.open():
            call = build_call(settings, caller, vad_model=vad_model)
            await call.aclose()
        options = room_options(call, caller, frame_ms=20)
        audio_in, audio_out = options.get_audio_input_options(), options.get_audio_output_options()
        assert audio_in is not None and audio_out is not None
        assert (audio_in.sample_rate, audio_in.frame_size_ms) == (rate_in, 20)
        assert audio_out.sample_rate == rate_out
        assert options.participant_identity == caller.identity


async def test_a_call_speaks_its_tenants_language_and_says_when_it_cannot(
    vad_model: vad.VAD,
) -> None:
    from structlog.testing import capture_logs

    settings = _settings(
        tenants={
            "madrid": TenantSettings(language="es-ES"),
            "lisboa": TenantSettings(language="pt-PT"),
        }
    )

    def caller(tenant: str) -> object:
        return describe_caller(
            participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD,
            identity="u",
            attributes={},
            tenant=tenant,
        )

    async with utils.http_context.open():
        with capture_logs() as logs:
            madrid = build_call(settings, caller("madrid"), vad_model=vad_model)  # type: ignore[arg-type]
            lisboa = build_call(settings, caller("lisboa"), vad_model=vad_model)  # type: ignore[arg-type]
        await madrid.aclose()
        await lisboa.aclose()
    assert madrid.state.lines.language == "es"
    assert madrid.state.fillers is not None and madrid.state.fillers.lines.language == "es"
    # Its openers are asked of the model and cached in Spanish too.
    assert madrid.state.phrase_cache is not None
    assert "Claro." in madrid.state.phrase_cache.phrases
    assert lisboa.state.lines.language == "en" and lisboa.state.lines.fallback
    fallbacks = [e for e in logs if e["event"] == "spoken_lines_fallback"]
    assert [e["language"] for e in fallbacks] == ["pt-PT"]
