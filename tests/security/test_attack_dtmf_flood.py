"""Attack: hammer the keypad to flood the LLM.

A phone caller presses ``1#`` over and over, as fast as the SIP bridge reports keys
(the simulated caller's 0.12 s between keys: about four finished entries a second). Each
entry used to become its own LLM request. What must come back: at most one LLM turn per
second from the keypad (the first at once, the rest held and sent together), through
the worker's own entrypoint, the real session and plugins and the OpenAI simulator.
"""

from __future__ import annotations

import itertools

import pytest
from livekit.agents import vad
from support import CACHE, needs_tools

from config import Settings
from sim.call import run_call
from sim.scenario import Scenario
from sip.dtmf import DtmfOptions

pytestmark = [pytest.mark.sim, needs_tools]

PRESSES = "1#" * 16


async def test_a_keypad_flood_makes_at_most_one_llm_turn_a_second(vad_model: vad.VAD) -> None:
    scenario = Scenario.model_validate(
        {
            "name": "dtmf-flood",
            "caller": "phone",
            "latency": "zero",
            "turns": [{"caller": [{"dtmf": PRESSES}], "agent": {"reply": "Okay."}}],
            "linger": 2.0,
        }
    )
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    result = await run_call(scenario, vad_model=vad_model, cache_dir=CACHE, base_settings=settings)

    keypad = [
        (arrived, str(request["messages"][-1].get("content", "")))
        for request, arrived in zip(result.llm_requests, result.llm_arrivals, strict=True)
        if "on the keypad" in str(request["messages"][-1].get("content", ""))
    ]
    interval = DtmfOptions().entry_interval
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(keypad)]
    # ~4 entries a second went in; the LLM saw them a second apart, several per request
    # (half the interval leaves room for a loaded machine; unthrottled gaps are ~0.24 s).
    assert len(keypad) >= 2
    assert min(gaps) >= interval / 2, gaps
    entries_seen = sum(text.count("The caller pressed 1") for _, text in keypad)
    assert entries_seen >= 12, entries_seen
    assert len(keypad) <= entries_seen / 2
