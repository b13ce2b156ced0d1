"""Hand-off pieces on their own: the webhook's signature, retries, final 4xx and total
deadline against a loopback receiver; the note from a redacted history; the SIP header
rules the Twirp simulator enforces; the tenants file's hand-off fields; the framework's
WarmTransferTask built from a destination."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from handoff_receiver import webhook_receiver
from livekit import api
from livekit.agents import llm
from livekit.protocol import models, sip
from prometheus_client import REGISTRY

from config.tenants import DestinationOptions, TenantSettings, TenantsFileError, load_tenants_file
from sim.livekit_twirp import LiveKitTwirpSim
from sip.call_control import CallControl, CallControlError
from worker.framework import close_warm_transfer
from worker.handoff.note import HandoffNote, ReasonCode, build_note
from worker.handoff.transfer import CallHandoff
from worker.handoff.warm_transfer import warm_transfer_task
from worker.handoff.webhook import DeliveryOptions, deliver, sign
from worker.speech.spoken_lines import handoff_lines

pytestmark = pytest.mark.unit

SECRET = b"unit-secret"
FAST = DeliveryOptions(attempt_timeout=0.3, max_attempts=3, backoff=0.05, deadline=5.0)


async def test_a_delivery_is_signed_over_timestamp_and_body() -> None:
    async with webhook_receiver() as receiver, aiohttp.ClientSession() as http:
        result = await deliver(
            http,
            receiver.url,
            SECRET,
            {"a": 1},
            delivery_id="ho_1",
            options=FAST,
            clock=lambda: 1700000000,
        )
    assert result.as_dict() == {"outcome": "delivered", "attempts": 1, "status": 200}
    [delivery] = receiver.deliveries
    assert delivery.headers["X-Callcenter-Timestamp"] == "1700000000"
    assert delivery.headers["X-Callcenter-Signature"] == sign(SECRET, "1700000000", delivery.body)
    assert delivery.signature_valid(SECRET)
    assert not delivery.signature_valid(b"another secret")


async def test_500s_and_timeouts_are_retried_up_to_max_attempts() -> None:
    retries: list[int] = []
    async with webhook_receiver(500, "hang", 503, 200) as receiver, aiohttp.ClientSession() as http:
        result = await deliver(
            http,
            receiver.url,
            SECRET,
            {},
            delivery_id="ho_2",
            options=FAST,
            on_retry=lambda: retries.append(1),
            rng=random.Random(1),
        )
    assert (result.outcome, result.attempts, result.status) == ("failed", 3, 503)
    assert len(receiver.deliveries) == 3
    assert len(retries) == 2
    # The same idempotency key on every attempt.
    assert {d.headers["X-Callcenter-Delivery"] for d in receiver.deliveries} == {"ho_2"}


async def test_a_4xx_is_final() -> None:
    async with webhook_receiver(404) as receiver, aiohttp.ClientSession() as http:
        result = await deliver(http, receiver.url, SECRET, {}, delivery_id="ho_3", options=FAST)
    assert (result.outcome, result.attempts, result.status) == ("rejected", 1, 404)


async def test_the_total_deadline_bounds_the_retries() -> None:
    options = DeliveryOptions(attempt_timeout=0.4, max_attempts=10, backoff=0.01, deadline=1.0)
    async with webhook_receiver(*["hang"] * 10) as receiver, aiohttp.ClientSession() as http:
        loop = asyncio.get_running_loop()
        started = loop.time()
        result = await deliver(http, receiver.url, SECRET, {}, delivery_id="ho_4", options=options)
        took = loop.time() - started
    assert result.outcome == "failed"
    assert result.attempts < 10
    # The deadline, plus at most the event loop's scheduling: never another attempt.
    assert took < options.deadline + options.attempt_timeout


async def test_call_handoff_counts_retries_and_the_final_outcome() -> None:
    def value(outcome: str) -> float:
        name = "callcenter_handoff_webhook_deliveries_total"
        return REGISTRY.get_sample_value(name, {"outcome": outcome}) or 0.0

    before = {k: value(k) for k in ("retried", "delivered")}
    async with webhook_receiver(500, 200) as receiver:
        settings = TenantSettings.model_validate(
            {"handoff": {"webhook_url": receiver.url, "webhook_secret": "s"}}
        ).handoff
        handoff = CallHandoff(settings, FAST)
        note = _note(llm.ChatContext.empty(), handoff_id="ho_5", reason="other")
        record = handoff.start(note, mode="cold")
        assert record.webhook == "pending"  # started, not awaited
        await handoff.aclose()
    assert record.webhook == {"outcome": "delivered", "attempts": 2, "status": 200}
    assert value("retried") == before["retried"] + 1
    assert value("delivered") == before["delivered"] + 1


def _note(
    history: llm.ChatContext, *, handoff_id: str, reason: ReasonCode, **options: Any
) -> HandoffNote:
    """The note of acme's call ``c`` (English) to billing."""
    return build_note(
        history,
        handoff_id=handoff_id,
        reason=reason,
        destination="billing",
        tenant="acme",
        call_id="c",
        language="en",
        **options,
    )


def _history() -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="user", content="My card is [CARD_1] and my PIN is [PIN_1].")
    ctx.add_message(role="assistant", content="Thanks.")
    ctx.items.append(
        llm.FunctionCall(
            call_id="c1",
            name="update_payment_card",
            arguments='{"card_number": "[CARD_1]", "expiry": "[EXPIRY_1]"}',
        )
    )
    ctx.items.append(
        llm.FunctionCallOutput(
            call_id="c1", name="update_payment_card", output="Card [CARD_1] saved.", is_error=False
        )
    )
    ctx.items.append(
        llm.FunctionCall(call_id="c2", name="lookup_order", arguments='{"order_number": "12345"}')
    )
    ctx.items.append(
        llm.FunctionCallOutput(call_id="c2", name="lookup_order", output="No order.", is_error=True)
    )
    ctx.add_message(role="user", content="Call 4155552671 if you must.")
    return ctx


def test_the_note_keeps_placeholders_names_tools_and_only_allowed_values() -> None:
    note = _note(
        _history(),
        handoff_id="ho_6",
        reason="complaint",
        allowed_fields=["order_number"],
        scrub=lambda text: text.replace("4155552671", "[PHONE_1]"),
    )
    data = note.as_dict()
    assert data["caller_asked"] == [
        "My card is [CARD_1] and my PIN is [PIN_1].",
        "Call [PHONE_1] if you must.",
    ]
    assert [(t["name"], t["outcome"]) for t in data["tools"]] == [
        ("update_payment_card", "ok"),
        ("lookup_order", "error"),
    ]
    # Not allowed: named, value withheld (even a placeholder). Allowed: as passed.
    assert data["tools"][0]["arguments"] == {"card_number": "[withheld]", "expiry": "[withheld]"}
    assert data["tools"][1]["arguments"] == {"order_number": "12345"}
    assert data["verified"] == ["update_payment_card: Card [CARD_1] saved."]
    assert "4155552671" not in str(data)


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"Refer-To": "sip:x@y"}, "not supported"),
        ({"Call-ID": "1"}, "not supported"),
        ({"X Bad": "1"}, "invalid characters"),
        ({"X-Long": "a" * 1025}, "too long"),
        ({"X-Ctl": "a\nb"}, "not allowed"),
    ],
)
async def test_the_simulator_refuses_headers_livekit_refuses(
    headers: dict[str, str], message: str
) -> None:
    async with LiveKitTwirpSim() as twirp:
        twirp.add_participant("r", "caller", attributes={"sip.callID": "SCL_1"})
        control = CallControl(
            url=twirp.http_url, api_key=twirp.api_key, api_secret=twirp.api_secret
        )
        try:
            with pytest.raises(CallControlError) as caught:
                await control.transfer(
                    room_name="r",
                    participant_identity="caller",
                    transfer_to="sip:a@b",
                    headers=headers,
                )
        finally:
            await control.aclose()
    assert message in str(caught.value)
    assert twirp.transfers == []


async def test_the_simulator_takes_handoff_headers_and_moves_with_both_rooms_granted() -> None:
    async with LiveKitTwirpSim() as twirp:
        twirp.add_participant("r", "caller", attributes={"sip.callID": "SCL_1"})
        twirp.add_participant("consult", "human")
        control = CallControl(
            url=twirp.http_url, api_key=twirp.api_key, api_secret=twirp.api_secret
        )
        try:
            await control.move_participant(room_name="consult", identity="human", to_room="r")
            with pytest.raises(CallControlError, match="same as source"):
                await control.move_participant(room_name="r", identity="human", to_room="r")
            await control.transfer(
                room_name="r",
                participant_identity="caller",
                transfer_to="sip:a@b",
                headers={"X-Handoff-Id": "ho_1", "X-Handoff-Reason": "complaint"},
            )
        finally:
            await control.aclose()
    assert twirp.moved_participants == [("consult", "human", "r")]
    assert "human" in twirp.participants["r"]
    assert dict(twirp.transfers[0].headers) == {
        "X-Handoff-Id": "ho_1",
        "X-Handoff-Reason": "complaint",
    }


async def test_a_move_without_the_destination_grant_is_refused() -> None:
    async with LiveKitTwirpSim() as twirp:
        twirp.add_participant("consult", "human", kind=models.ParticipantInfo.Kind.SIP)
        twirp.add_participant("r", "caller")
        token = (
            api.AccessToken(twirp.api_key, twirp.api_secret)
            .with_grants(api.VideoGrants(room_admin=True, room="consult"))
            .to_jwt()
        )
        async with aiohttp.ClientSession() as http:
            request = api.MoveParticipantRequest(
                room="consult", identity="human", destination_room="r"
            )
            async with http.post(
                f"{twirp.http_url}/twirp/livekit.RoomService/MoveParticipant",
                data=request.SerializeToString(),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/protobuf",
                },
            ) as response:
                assert response.status == 403
    assert twirp.moved_participants == []


def test_tenants_file_checks_handoff_fields(tmp_path: Path) -> None:
    path = tmp_path / "tenants.yaml"
    path.write_text(
        "default: a\ntenants:\n  a:\n"
        "    transfer_destinations: {billing: 'sip:b@pbx.example.com'}\n"
        "    handoff:\n      webhook_url: https://desk.example.com/h\n"
        "      destinations: {billing: {mode: warm, alternative: sales}}\n",
        encoding="utf-8",
    )
    with pytest.raises(TenantsFileError) as caught:
        load_tenants_file(path)
    text = str(caught.value)
    assert f"{path}" in text
    assert "line 7: tenants.a.handoff.destinations.billing" in text
    assert "dial_to and outbound_trunk_id" in text


def test_a_webhook_needs_its_secret() -> None:
    with pytest.raises(ValueError, match="webhook_url needs webhook_secret"):
        TenantSettings.model_validate({"handoff": {"webhook_url": "https://desk.example.com/h"}})


def test_alternative_must_be_a_destination() -> None:
    with pytest.raises(ValueError, match="'sales' is not a transfer destination"):
        TenantSettings.model_validate(
            {
                "transfer_destinations": {"billing": "sip:b@pbx.example.com"},
                "handoff": {"destinations": {"billing": {"alternative": "sales"}}},
            }
        )


async def test_cloud_warm_transfer_gets_the_note_headers_and_redacted_history() -> None:
    options = DestinationOptions(
        mode="warm",
        platform="cloud",
        dial_to="+15550300",
        outbound_trunk_id="ST_1",
        ring_timeout=12,
    )
    note = _note(_history(), handoff_id="ho_7", reason="needs_human")
    task = warm_transfer_task(options, note, {"X-Handoff-Id": "ho_7"}, _history())
    instructions = str(task.instructions)
    assert "ho_7" in instructions and "needs_human" in instructions
    assert "[CARD_1]" in instructions  # the history, as the model saw it
    assert isinstance(task.chat_ctx, llm.ChatContext)
    assert sip.CreateSIPParticipantRequest  # the request type the task sends
    await close_warm_transfer(task)


@pytest.mark.parametrize("language", ["es-ES", "fr-FR", "de-DE"])
def test_hand_off_lines_are_said_in_the_tenants_language(language: str) -> None:
    english, lines = handoff_lines("en-US"), handoff_lines(language)
    for name, text in vars(lines).items():
        assert text and text != getattr(english, name), (language, name)
    assert "{reason}" in lines.briefing and "{summary}" in lines.briefing
    assert handoff_lines("ja-JP") == english
