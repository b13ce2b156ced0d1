"""Simulated calls with Deepgram Flux selected: the worker's entrypoint, the real
AgentSession and the real ``deepgram.STTv2`` plugin against the /v2/listen simulator.

Each test fixes the simulated Flux's end-of-turn timing (``FluxLatency``) so the event
it is about happens on every run: the eager end of turn in a pause the caller then
continues, Flux ending a turn in the middle of a phone number, Flux waiting through a
long pause after an unfinished phrase.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from livekit.agents import vad
from support import CACHE

from config import Settings
from sim.call import CallResult, run_call
from sim.deepgram_flux import FluxLatency
from sim.latency import Delay
from sim.latency_profiles import PROFILES
from sim.scenario import Scenario, load_scenario

pytestmark = pytest.mark.sim


def flux_settings(**providers: Any) -> Settings:
    base = Settings(_env_file=None)  # type: ignore[call-arg]
    update = {"stt_order": ["flux", "deepgram", "openai"], **providers}
    return base.model_copy(update={"providers": base.providers.model_copy(update=update)})


def served_by_flux(result: CallResult) -> None:
    assert result.served["stt_flux_connections"] >= 1
    assert result.served["stt_deepgram_connections"] == 0
    assert result.stt_queries == []  # no Nova connection at all


async def test_an_eager_end_of_turn_the_caller_talks_past_is_not_answered(
    vad_model: vad.VAD,
) -> None:
    # Every pause reaches the eager threshold (0.3) after ~0.75 s of silence and the end
    # of turn (0.7) only after 1.6 s: the 1 s pause gets an EagerEndOfTurn, the session
    # starts its preemptive reply, and the caller goes on (TurnResumed).
    flux = FluxLatency(complete_eot=Delay.constant(1.6), confidence_tau_s=1.0)
    scenario = Scenario.model_validate(
        {
            "name": "flux-resume",
            "caller": "app",
            "turns": [
                {
                    "caller": ["I need to update my email", {"pause": 1.0}, "and my password."],
                    "agent": {"reply": "I can help with both."},
                },
                {"caller": "Thanks.", "agent": {"reply": "You're welcome."}},
            ],
        }
    )
    result = await run_call(
        scenario,
        vad_model=vad_model,
        cache_dir=CACHE,
        base_settings=flux_settings(flux_eager_eot_threshold=0.3),
        latency=replace(PROFILES["zero"], flux=flux),
    )
    served_by_flux(result)
    resumed, thanks = result.turns

    # At the wire: Flux was eager in the pause and the turn resumed.
    assert result.served["stt_flux_resumed"] >= 1
    # The preemptive reply went to the LLM during the pause, with half the sentence...
    assert resumed.llm_request_ms is not None and resumed.llm_request_ms < -300
    first_user = [m for m in result.llm_requests[0]["messages"] if m["role"] == "user"][-1]
    assert "password" not in str(first_user["content"]).lower()
    # ...and nothing was committed or said before the caller finished.
    assert not resumed.premature
    assert resumed.turn_committed_ms is not None and resumed.turn_committed_ms > 0
    assert resumed.llm_saw is not None and resumed.llm_saw.lower().endswith("password.")
    assert resumed.agent_text == "I can help with both."
    assert thanks.agent_text == "You're welcome."
    assert not result.summary.get("recovery_lines")


async def test_a_number_flux_ends_the_turn_on_is_held_by_the_judge(vad_model: vad.VAD) -> None:
    # Flux ends every turn 0.3 s into a pause: after "It's 415." too, as a model that
    # hears only the caller would. The judge knows the agent asked for a phone number.
    flux = FluxLatency(complete_eot=Delay.constant(0.3))
    scenario = load_scenario("phone-dictation")
    result = await run_call(
        scenario,
        vad_model=vad_model,
        cache_dir=CACHE,
        base_settings=flux_settings(),
        latency=replace(PROFILES["zero"], flux=flux),
    )
    served_by_flux(result)
    greeting, number, yes = result.turns

    # Flux called the half-read number finished: its groups came as turns of their own.
    assert "It's 415." in result.stt_finals
    # One answer, after the last group, to the whole number.
    assert not number.premature
    assert number.agent_text == scenario.turns[1].agent.reply
    assert number.llm_saw is not None and number.llm_saw.rstrip(". ").endswith("[PHONE_1]")
    assert yes.agent_text == scenario.turns[2].agent.reply
    assert greeting.agent_text == scenario.turns[0].agent.reply


async def test_a_long_pause_flux_waits_through_gets_no_bridge_line(vad_model: vad.VAD) -> None:
    # After "to" Flux waits (here: until its 5 s timeout); its Updates keep coming, so
    # the 2 s of silence is a caller thinking, not a final that is late.
    flux = FluxLatency(complete_eot=Delay.constant(0.3), unfinished_eot=Delay.constant(30.0))
    scenario = Scenario.model_validate(
        {
            "name": "flux-long-pause",
            "caller": "phone",
            "turns": [
                {
                    "caller": [
                        "I would like to talk to",
                        {"pause": 2.2},
                        "someone about my account.",
                    ],
                    "agent": {"reply": "Let me connect you."},
                }
            ],
        }
    )
    result = await run_call(
        scenario,
        vad_model=vad_model,
        cache_dir=CACHE,
        base_settings=flux_settings(),
        latency=replace(PROFILES["zero"], flux=flux),
    )
    served_by_flux(result)
    (turn,) = result.turns
    assert not turn.premature
    assert not result.summary.get("recovery_lines")
    assert turn.agent_text == "Let me connect you."
    assert turn.llm_saw is not None and turn.llm_saw.endswith("account.")
