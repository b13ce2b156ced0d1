"""Provider failures on the call's real session and `CallAgent`: when every LLM fails the
caller hears the apology (never silence), turn after turn; when no TTS can speak, the
call ends with its outcome recorded. The models are scripted to fail; the LLM fallback
chain is the framework's own `FallbackAdapter`, as production builds it. In process and
in milliseconds; the wire-level version is test_call_pipeline.py."""

from __future__ import annotations

import asyncio

import pytest
from livekit.agents import APIConnectionError, APIStatusError, llm, vad
from scripted_models import RecordingTTS, Reply, ScriptedLLM, scripted_call

from worker.agent import APOLOGY
from worker.call.outcome import CallOutcome

pytestmark = pytest.mark.unit


def _server_error(*, retryable: bool = True) -> Reply:
    return Reply(error=APIStatusError("server error", status_code=500, retryable=retryable))


def _chain(*models: ScriptedLLM) -> llm.FallbackAdapter:
    # As worker/providers/providers.py builds it: no retry per model, the chain moves on.
    return llm.FallbackAdapter(list(models), max_retry_per_llm=0, retry_interval=0.0)


async def test_every_llm_failing_gives_the_apology_on_every_turn(vad_model: vad.VAD) -> None:
    primary = ScriptedLLM(responder=lambda _: _server_error())
    fallback = ScriptedLLM(responder=lambda _: _server_error())
    async with scripted_call(_chain(primary, fallback), vad_model=vad_model) as call:
        closed = asyncio.Event()
        call.session.on("close", lambda _: closed.set())
        results = [await call.session.run(user_input="Hello, is anyone there?") for _ in range(3)]
        still_open = not closed.is_set()

    for result in results:
        apology = result.expect.next_event().is_message(role="assistant").event().item
        assert apology.text_content == APOLOGY
        result.expect.no_more_events()
    # Both models were asked before the agent gave up on each turn.
    assert primary.requests and fallback.requests
    assert call.speech.heard == " ".join([APOLOGY] * 3)
    # An LLM outage is the provider's, not the caller's: the call stays open.
    assert still_open
    assert call.state.outcome is None


async def test_a_failing_primary_hands_over_to_the_fallback(vad_model: vad.VAD) -> None:
    primary = ScriptedLLM(_server_error())
    fallback = ScriptedLLM("Yes, I'm here. How can I help?")
    async with scripted_call(_chain(primary, fallback), vad_model=vad_model) as call:
        result = await call.session.run(user_input="Hello, is anyone there?")

    result.expect.next_event().is_message(role="assistant")
    result.expect.no_more_events()
    assert call.speech.heard == "Yes, I'm here. How can I help?"
    assert len(fallback.requests) == 1
    # The fallback got the same conversation the primary was sent.
    assert fallback.user_texts(0) == primary.user_texts(0) == ["Hello, is anyone there?"]


async def test_a_single_model_failing_outright_gives_the_apology(vad_model: vad.VAD) -> None:
    model = ScriptedLLM(_server_error(retryable=False))
    async with scripted_call(model, vad_model=vad_model) as call:
        result = await call.session.run(user_input="Where is my order?")

    message = result.expect.next_event().is_message(role="assistant").event().item
    assert message.text_content == APOLOGY
    result.expect.no_more_events()
    assert len(model.requests) == 1


async def test_a_reply_cut_off_midway_is_not_followed_by_the_apology(vad_model: vad.VAD) -> None:
    """Half an answer is already spoken; an apology after it would be a second voice."""
    model = ScriptedLLM(
        Reply(
            text="Your order is",
            error=APIStatusError("stream reset", status_code=500, retryable=False),
        )
    )
    async with scripted_call(model, vad_model=vad_model) as call:
        result = await call.session.run(user_input="Where is my order?")

    message = result.expect.next_event().is_message(role="assistant").event().item
    assert message.text_content == "Your order is"
    result.expect.no_more_events()
    assert call.speech.heard == "Your order is"


async def test_no_tts_ends_the_call_with_an_error_outcome(vad_model: vad.VAD) -> None:
    """worker/providers/provider_outage.py: a caller who can hear nothing is not kept on
    the line."""
    speech = RecordingTTS(error=APIConnectionError("TTS unreachable"))
    model = ScriptedLLM("Hello, how can I help?")
    async with scripted_call(model, vad_model=vad_model, speech=speech) as call:
        closed = asyncio.Event()
        call.session.on("close", lambda _: closed.set())
        await call.session.run(user_input="Hello?")
        await asyncio.wait_for(closed.wait(), 5)

    assert speech.texts == ["Hello, how can I help?"]
    assert call.state.outcome is CallOutcome.ERROR
