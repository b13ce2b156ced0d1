"""Attack: make one transfer ring twice.

A LiveKit Cloud project URL (``*.livekit.cloud``, resolved to the loopback Twirp simulator)
answers the REFER with a 503, drops the connection, or answers 200 with an HTML page (a
proxy's). livekit-api's default region failover would replay the request up to 3 times;
an HTML 200 raised a ``DecodeError`` the transfer path did not catch. What must come back:
exactly one ``TransferSIPParticipant`` request reaches the server per transfer, the caller
hears the hand-off line and then the failure line, and asking again sends nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from cloud_dns import CLOUD_HOST, CloudToLoopback
from livekit import rtc
from livekit.agents import AgentSession
from livekit.plugins import openai
from support import KEY, SECRET

from compliance import CallRedactor
from config.tenants import TenantSettings
from sim.faults import Fault, FaultPlan
from sim.livekit_twirp import LiveKitTwirpSim
from sim.openai_chat import OpenAIChatSim, ScriptedReply, ToolCallSpec
from sip.call_control import CallControl, CallControlOptions
from worker.agent import CallAgent
from worker.call.actions import CallActions
from worker.call.state import CallState
from worker.caller import describe_caller

pytestmark = pytest.mark.sim

ROOM = "call-_x_1"
HAND_OFF = "Connecting you to billing now."
FAILED = "Sorry, billing did not pick up."
TENANT = TenantSettings(
    transfer_destinations={"billing": "sip:billing@pbx.example.com"},
    hand_off_message=HAND_OFF,
    transfer_failed_message=FAILED,
)


def _transfer_then_chat(body: dict[str, Any]) -> ScriptedReply:
    roles = [m["role"] for m in body["messages"]]
    last_user = len(roles) - 1 - roles[::-1].index("user")
    if "tool" in roles[last_user:]:
        return ScriptedReply(text="Anything else?")
    return ScriptedReply(tool_calls=(ToolCallSpec("transfer_call", {"destination": "billing"}),))


@pytest.fixture
async def cloud_session() -> AsyncIterator[aiohttp.ClientSession]:
    connector = aiohttp.TCPConnector(resolver=CloudToLoopback())
    async with aiohttp.ClientSession(connector=connector) as session:
        yield session


def _refers(twirp: LiveKitTwirpSim) -> int:
    return sum(1 for r in twirp.received if r.path.endswith("/TransferSIPParticipant"))


@pytest.mark.parametrize(
    "fault",
    [
        Fault("http_error", request=None, status=503),
        Fault("disconnect", request=None),
        Fault("html_page", request=None),
    ],
    ids=["503", "dropped-connection", "html-200"],
)
async def test_one_refer_per_transfer_on_a_cloud_host(
    cloud_session: aiohttp.ClientSession, fault: Fault
) -> None:
    async with (
        LiveKitTwirpSim(api_key=KEY, api_secret=SECRET, faults=FaultPlan([fault])) as twirp,
        OpenAIChatSim(responder=_transfer_then_chat, api_key=KEY) as llm_sim,
    ):
        twirp.add_participant(ROOM, "caller", attributes={"sip.callID": "SCL_1"})
        caller = describe_caller(
            participant_kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
            identity="caller",
            attributes={"sip.callID": "SCL_1"},
        )
        state = CallState(
            caller=caller, tenant_name="acme", tenant=TENANT, redactor=CallRedactor(None)
        )
        session: AgentSession[CallState] = AgentSession(
            llm=openai.LLM(model="gpt-4.1-mini", base_url=llm_sim.base_url, api_key=KEY),
            userdata=state,
            turn_handling={"turn_detection": None},
        )
        control = CallControl(
            # A LiveKit Cloud project URL: the host name livekit-api's failover keys on.
            url=f"ws://{CLOUD_HOST}:{twirp.port}",
            api_key=KEY,
            api_secret=SECRET,
            # Long enough that livekit-api would fail over (it does not below 5 s).
            options=CallControlOptions(transfer_timeout=10.0),
            http_session=cloud_session,
        )
        state.actions = CallActions(session, state, control=control, room_name=ROOM)
        await session.start(
            CallAgent(
                instructions="test",
                transfer_destinations=TENANT.transfer_destinations,
                fast_llm=None,
                max_context_items=40,
                summarize=False,
            )
        )
        try:
            await session.run(user_input="Put me through to billing.")
            refers_after_first = _refers(twirp)
            again = await session.run(user_input="Try billing again.")
        finally:
            await session.aclose()
            await control.aclose()

    said = [
        item.text_content
        for item in session.history.items
        if item.type == "message" and item.role == "assistant"
    ]
    assert refers_after_first == 1
    assert _refers(twirp) == 1
    assert said.index(HAND_OFF) < said.index(FAILED)
    assert state.outcome is None  # the call goes on with the agent
    again.expect.next_event().is_function_call(name="transfer_call")
    output = again.expect.next_event().is_function_call_output().event().item
    assert "already failed on this call" in output.output
