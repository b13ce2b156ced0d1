"""The late-transcript bridge's guard for speech over the agent's own: the framework may
keep such speech from the STT on purpose (echo-cancellation warm-up, a line that cannot
be interrupted), so no final coming for it is not a failed STT."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from livekit import rtc
from livekit.agents import Agent, AgentSession
from livekit.agents.voice.events import AgentStateChangedEvent, UserTranscriptionTimeoutEvent

from compliance import CallRedactor
from config import TenantSettings
from worker.call.state import CallState
from worker.caller import describe_caller
from worker.speech.filler_policy import FillerPolicy, FillerRules
from worker.speech.spoken_lines import spoken_lines
from worker.turns.late_transcript import LateTranscriptBridge

pytestmark = pytest.mark.unit


@pytest.fixture
async def session() -> AsyncIterator[AgentSession[CallState]]:
    caller = describe_caller(
        participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
        identity="caller",
        attributes={"sip.callID": "SCL_1"},
    )
    tenant = TenantSettings()
    state = CallState(
        caller=caller, tenant_name="default", tenant=tenant, redactor=CallRedactor(tenant.redaction)
    )
    state.fillers = FillerPolicy(state.lines, FillerRules(stall_s=0.1))
    call: AgentSession[CallState] = AgentSession(userdata=state)
    LateTranscriptBridge(call, every_s=0.05, max_lines=1)
    await call.start(Agent(instructions="Answer."))
    try:
        yield call
    finally:
        await call.aclose()


def _unheard(started_at: float) -> UserTranscriptionTimeoutEvent:
    # 1.2 s of speech the VAD heard and no final came for: about three words' worth.
    return UserTranscriptionTimeoutEvent(speech_duration=1.2, vad_speech_started_at=started_at)


async def test_unheard_speech_over_the_agents_gets_no_bridge_but_after_it_does(
    session: AgentSession[CallState],
) -> None:
    state = session.userdata
    spoke_until = time.time()
    session.emit(
        "agent_state_changed",
        AgentStateChangedEvent(old_state="speaking", new_state="listening", created_at=spoke_until),
    )
    # Began while the agent was still talking.
    session.emit("user_transcription_timeout", _unheard(spoke_until - 0.5))
    await asyncio.sleep(0.3)
    assert state.recovery_lines["stt_bridge"] == 0
    assert state.recovery_lines["repeat_request"] == 0

    # The same speech begun after the agent had finished: the STT owes its words, so the
    # caller hears a bridge line and, with nothing coming, is asked to say it again.
    session.emit("user_transcription_timeout", _unheard(spoke_until + 0.3))
    for _ in range(50):
        if state.recovery_lines["repeat_request"]:
            break
        await asyncio.sleep(0.05)
    assert state.recovery_lines["stt_bridge"] == 1
    assert state.recovery_lines["repeat_request"] == 1
    said = [
        item.text_content
        for item in session.history.items
        if getattr(item, "role", "") == "assistant"
    ]
    assert said == [spoken_lines("en").repeat_request[0]]
