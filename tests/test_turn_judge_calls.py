"""Simulated calls through the real AgentSession, plugins and simulators: the turn judge
waits through a phone number read in groups and answers a complete reply at once."""

from __future__ import annotations

import pytest
from livekit.agents import vad
from support import CACHE

from config import Settings
from sim.call import run_call
from sim.scenario import load_scenario

pytestmark = pytest.mark.sim


# Each seed is another draw of where the simulated Deepgram finalizes and how it
# punctuates the pauses (a period after a group in some, a comma in others).
@pytest.mark.parametrize("seed", [0, 1, 2])
async def test_phone_number_in_three_groups_is_answered_after_the_last_group(
    vad_model: vad.VAD, seed: int
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    scenario = load_scenario("phone-dictation")
    result = await run_call(
        scenario, vad_model=vad_model, cache_dir=CACHE, base_settings=settings, seed=seed
    )
    greeting, number, yes = result.turns

    # The number: nothing spoken in either pause (a 1.3 s pause outlasts the maximum
    # endpointing delay), one answer after the last group.
    assert not number.premature
    assert number.ttfa_ms is not None
    assert number.agent_text == scenario.turns[1].agent.reply
    # The request that answered held the whole number (its last group completed it).
    assert number.llm_saw is not None and number.llm_saw.rstrip(". ").endswith("[PHONE_1]")

    # "Yes, it is." after a yes/no question: whole, held only the comma's breath a bare
    # "Yes." gets, so the framework waited the short delay and that hold, not the long one.
    assert yes.agent_text == scenario.turns[2].agent.reply
    assert yes.end_of_turn_delay_ms is not None
    assert yes.end_of_turn_delay_ms < settings.latency.max_endpointing_delay * 1000.0
    assert greeting.end_of_turn_delay_ms is not None
    assert greeting.end_of_turn_delay_ms < settings.latency.max_endpointing_delay * 1000.0

    # The phrase cache (warmed once per process, maybe by an earlier call): the reply that
    # opened with "Sure." played the cached audio and sent only the rest to the TTS.
    assert result.phrase_cache_hits >= 1
    assert any(t.strip().startswith("What's the best phone number") for t in result.tts_texts)
    assert not any(t.strip().startswith("Sure. What's") for t in result.tts_texts)
