"""A simulated call records a turn committed in a mid-sentence pause as premature."""

from __future__ import annotations

import pytest
from livekit.agents import vad
from support import CACHE

from config import Settings
from sim.call import CallResult, run_call
from sim.scenario import Scenario

pytestmark = pytest.mark.sim


async def _paused_call(vad_model: vad.VAD, *, caller: str, latency: str) -> CallResult:
    """One caller turn, "I was charged twice for", a 0.7 s pause, "the same order.", with
    silence-only end of turn, which answers in every 700 ms pause (see the protocols
    notes)."""
    base = Settings(_env_file=None)  # type: ignore[call-arg]
    settings = base.model_copy(
        update={"latency": base.latency.model_copy(update={"turn_detection": "vad"})}
    )
    scenario = Scenario.model_validate(
        {
            "name": f"paused-{latency}",
            "caller": caller,
            "latency": latency,
            "turns": [
                {
                    "caller": ["I was charged twice for", {"pause": 0.7}, "the same order."],
                    "agent": {"reply": "Let me look into it."},
                }
            ],
        }
    )
    return await run_call(scenario, vad_model=vad_model, cache_dir=CACHE, base_settings=settings)


async def test_a_turn_committed_in_the_pause_is_premature(vad_model: vad.VAD) -> None:
    # The turn is committed with half the sentence, whatever the agent says after.
    result = await _paused_call(vad_model, caller="app", latency="zero")

    (turn,) = result.turns
    assert turn.premature
    assert turn.turn_committed_ms is not None and turn.turn_committed_ms < -500
    # The first LLM request held only the first half of the sentence.
    first_users = [m for m in result.llm_requests[0]["messages"] if m["role"] == "user"]
    assert "same order" not in str(first_users[-1]["content"]).lower()
    assert "charged twice for" in str(first_users[-1]["content"]).lower()


async def test_a_commit_the_caller_talks_through_is_not_heard(vad_model: vad.VAD) -> None:
    # The same commit in the pause, with the answer slower than the pause (the typical
    # profile: about a second from commit to audio): the caller goes on before a word of
    # the reply plays, the framework drops it, and the reply heard answers both halves.
    # What bench turns counts as talked_over rests on this.
    result = await _paused_call(vad_model, caller="phone", latency="typical")

    (turn,) = result.turns
    assert turn.premature  # committed in the pause, as above
    assert turn.turn_committed_ms is not None and turn.turn_committed_ms < -500
    # Nothing the agent said was heard before the caller finished.
    assert turn.speech_end_at is not None and result.agent_audio
    assert all(start > turn.speech_end_at for start, _end in result.agent_audio)
    # The reply heard came from a request holding the whole sentence.
    assert turn.llm_saw is not None and "same order" in turn.llm_saw.lower()
    heard_from = [
        " ".join(str(m["content"]) for m in request["messages"] if m["role"] == "user").lower()
        for request in result.llm_requests
    ]
    assert "charged twice for" in heard_from[0] and "same order" not in heard_from[0]
    assert any("charged twice for" in u and "same order" in u for u in heard_from[1:])
