"""Bad caller and provider input, through the real pipeline: each has a defined outcome.

Empty transcripts and noise make no turn (no chat request); a long call's context stays
bounded, in items and, for one huge utterance, in characters; a tool call whose JSON arguments
are truncated or invalid never runs the tool with garbage, and the caller still hears
an answer.
"""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import utils, vad
from support import CACHE

from compliance.redactor import MAX_TURN_CHARS
from config import Settings
from sim.audio_io import CapturingAudioOutput, ScriptedAudioInput
from sim.call import CallResult, run_call
from sim.deepgram_listen import DeepgramListenSim
from sim.elevenlabs_multistream import ElevenLabsSim
from sim.openai_chat import OpenAIChatSim
from sim.scenario import Scenario
from sim.settings import simulator_settings
from worker.caller import describe_caller
from worker.session_factory import build_call

pytestmark = pytest.mark.sim

_KEY = "sim-key"


def _scenario(**fields: Any) -> Scenario:
    base: dict[str, Any] = {"name": "bad-input", "caller": "app", "latency": "zero"}
    return Scenario.model_validate({**base, **fields})


async def _run(scenario: Scenario, vad_model: vad.VAD, **kwargs: Any) -> CallResult:
    # From the test's cleaned environment (its own phrase cache directory): a simulated
    # call without base settings starts from the code's defaults.
    kwargs.setdefault("base_settings", Settings(_env_file=None))  # type: ignore[call-arg]
    return await run_call(scenario, vad_model=vad_model, cache_dir=CACHE, **kwargs)


def _last_user(body: dict[str, Any]) -> str:
    users = [m for m in body["messages"] if m.get("role") == "user"]
    content = users[-1]["content"] if users else ""
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content)
    return str(content)


async def test_empty_transcript_makes_no_turn(vad_model: vad.VAD) -> None:
    # A cough the STT hears as nothing, then the real question.
    scenario = _scenario(
        turns=[
            {
                "caller": [
                    {"say": "Hmm.", "transcript": ""},
                    {"pause": 1.2},
                    "Hello there, is anyone there?",
                ],
                "agent": {"reply": "Yes, I'm here."},
            }
        ]
    )
    result = await _run(scenario, vad_model)

    assert result.llm_requests, "the real question was never asked"
    # No request carries an empty caller turn. (The question's own comma pause may
    # split it into two finals, and so two turns: its words are not compared here.)
    for request in result.llm_requests:
        users = [m for m in request["messages"] if m.get("role") == "user"]
        assert users
        assert all(_last_user({"messages": [m]}).strip() for m in users)
    assert result.turns[0].agent_text == "Yes, I'm here."


async def test_long_call_context_stays_bounded_and_a_huge_utterance_is_capped(
    vad_model: vad.VAD,
) -> None:
    long_words = " ".join(f"word{i}" for i in range(1500))  # ~12,000 characters
    short = [
        {"caller": f"This is question number {n}.", "agent": {"reply": f"Answer {n}."}}
        for n in ("one", "two", "three")
    ]
    scenario = _scenario(
        turns=[
            *short,
            {
                "caller": [{"say": "Let me tell you the whole story.", "transcript": long_words}],
                "agent": {"reply": "Thanks for the detail."},
            },
        ]
    )
    base = Settings(_env_file=None)  # type: ignore[call-arg]
    base = base.model_copy(
        update={"context": base.context.model_copy(update={"max_items": 4, "summarize": False})}
    )
    result = await _run(scenario, vad_model, base_settings=base)

    last = result.llm_requests[-1]["messages"]
    conversation = [m for m in last if m.get("role") not in ("system", "developer")]
    # Four turns are eight items; the window keeps at most four.
    assert len(conversation) <= 4
    # The turn is passed on up to MAX_TURN_CHARS, from its start; the rest is withheld.
    sent = _last_user(result.llm_requests[-1])
    assert len(sent) <= MAX_TURN_CHARS
    assert sent.lower().startswith("word0 word1 word2")
    assert result.turns[-1].agent_text == "Thanks for the detail."


@pytest.mark.parametrize(
    "sound",
    [
        pytest.param("Hmm.", id="cough"),
        # Over a second of voice the STT finds no words in (mumbling, a voice far off),
        # in three breaths: long enough for the framework's transcription timeout to
        # fire, and each breath still the mumble's, not the question's.
        pytest.param("Well, hmm, I do not really know what to say here.", id="mumble"),
    ],
)
async def test_sound_the_stt_hears_as_nothing_gets_no_bridge_line(
    vad_model: vad.VAD, sound: str
) -> None:
    # The STT hears speech begin (SpeechStarted) and endpoints it with no words: it owes
    # nothing, so the wait after it must stay silent however long it lasts (the bridge for
    # a stalled STT speaks 1.5 s after the caller stops).
    scenario = _scenario(
        turns=[
            {
                "caller": [
                    {"say": sound, "transcript": ""},
                    {"pause": 3.5},
                    "Is anyone there to help me?",
                ],
                "agent": {"reply": "Yes, I'm here."},
            }
        ]
    )
    result = await _run(scenario, vad_model)

    turn = result.turns[0]
    assert turn.agent_text == "Yes, I'm here."
    assert turn.speech_end_at is not None
    early = [at for at, _ in result.agent_frames if at < turn.speech_end_at]
    assert early == [], "the agent spoke after a sound with no words in it"


async def test_noise_without_speech_makes_no_turn(vad_model: vad.VAD) -> None:
    settings_base = Settings(_env_file=None)  # type: ignore[call-arg]
    async with (
        DeepgramListenSim(api_key=_KEY) as deepgram,
        OpenAIChatSim(api_key=_KEY, replies=["unused"]) as openai,
        ElevenLabsSim(api_key=_KEY) as elevenlabs,
    ):
        settings = simulator_settings(
            settings_base,
            deepgram_url=deepgram.base_url,
            openai_url=openai.base_url,
            elevenlabs_url=elevenlabs.base_url,
            api_key=_KEY,
        )
        caller = describe_caller(
            participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD,
            identity="sim-noise",
            attributes={},
            tenant=None,
        )
        async with utils.http_context.open():
            call = build_call(settings, caller, vad_model=vad_model)
            mic = ScriptedAudioInput(sample_rate=16_000)
            speaker = CapturingAudioOutput(sample_rate=call.profile.tts_sample_rate)
            call.session.input.audio = mic
            call.session.output.audio = speaker
            async with speaker:
                await call.session.start(agent=call.agent, record=False)
                try:
                    # Three seconds of low broadband hiss (line noise), then quiet.
                    rng = np.random.default_rng(7)
                    hiss = (rng.standard_normal(48_000) * 300).astype(np.int16)
                    await mic.play_and_wait(hiss)
                    await mic.silence(1.5)
                    await asyncio.sleep(0)
                finally:
                    await call.session.aclose()
                    await mic.aclose()
            history = list(call.session.history.items)

    assert openai.requests == []
    assert not [i for i in history if getattr(i, "role", None) == "user"]
    assert speaker.segments == []


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param('{"order_number": "123', id="truncated"),
        pytest.param("order_number=12345", id="not-json"),
        pytest.param('["12345"]', id="not-an-object"),
    ],
)
async def test_bad_tool_arguments_never_run_the_tool_and_the_caller_hears_an_answer(
    vad_model: vad.VAD, arguments: str
) -> None:
    scenario = _scenario(
        turns=[
            {
                "caller": "Where is my order?",
                "agent": {
                    "tool_calls": [{"name": "lookup_order", "arguments": arguments}],
                    "reply": "Could you read me the order number again?",
                },
            }
        ]
    )
    result = await _run(scenario, vad_model)

    assert result.tool_invocations == []
    follow_up = result.llm_requests[-1]["messages"]
    tool_results = [m for m in follow_up if m.get("role") == "tool"]
    assert len(tool_results) == 1
    assert result.turns[0].agent_text == "Could you read me the order number again?"
    assert result.turns[0].ttfa_ms is not None
