"""The Flux simulator (``/v2/listen``) against Deepgram's published definition of it.

A raw websocket client speaks to the simulator, so these tests check the simulator
against Deepgram's documents (named in ``sim/deepgram_flux.py``), not against what the
LiveKit plugin happens to send or read. Audio is pushed faster than real time: the
simulator keeps time by the samples it receives.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from typing import Any

import aiohttp
import numpy as np
import numpy.typing as npt
import pytest

from sim.deepgram_flux import (
    DeepgramFluxSim,
    FluxLatency,
    Segment,
)
from sim.faults import Fault, FaultPlan
from sim.latency import Delay

pytestmark = pytest.mark.sim

Pcm = npt.NDArray[np.int16]
RATE = 16000
BASE_QUERY = {"model": "flux-general-en", "encoding": "linear16", "sample_rate": str(RATE)}
TURN_INFO_FIELDS = {
    "type",
    "request_id",
    "sequence_id",
    "event",
    "turn_index",
    "audio_window_start",
    "audio_window_end",
    "transcript",
    "words",
    "end_of_turn_confidence",
}
EVENTS = {"Update", "StartOfTurn", "EagerEndOfTurn", "TurnResumed", "EndOfTurn"}
# The published state machine (developers.deepgram.com/docs/flux/state): (state, event) ->
# next state. Without eager mode Flux "only emits Update, StartOfTurn, and EndOfTurn"
# (Nova-3 migration guide), so a turn ends straight from TurnOngoing.
EAGER_MACHINE = {
    ("Initial", "StartOfTurn"): "TurnOngoing",
    ("TurnOngoing", "EagerEndOfTurn"): "AwaitingEnd",
    ("AwaitingEnd", "TurnResumed"): "TurnOngoing",
    ("AwaitingEnd", "EndOfTurn"): "Initial",
}
PLAIN_MACHINE = {
    ("Initial", "StartOfTurn"): "TurnOngoing",
    ("TurnOngoing", "EndOfTurn"): "Initial",
}


def voiced(seconds: float, *, seed: int = 0) -> Pcm:
    """A noisy harmonic tone, loud enough to pass for a voice."""
    n = round(seconds * RATE)
    t = np.arange(n) / RATE
    sig: npt.NDArray[np.float64] = np.random.default_rng(seed).normal(0.0, 0.1, n)
    for k in range(1, 6):
        sig += np.sin(2 * np.pi * 140.0 * k * t) / k
    pcm: Pcm = (sig / float(np.max(np.abs(sig))) * 0.5 * 32767).astype(np.int16)
    return pcm


def quiet(seconds: float) -> Pcm:
    return np.zeros(round(seconds * RATE), dtype=np.int16)


async def converse(
    sim: DeepgramFluxSim,
    audio: Sequence[Pcm],
    *,
    query: dict[str, str] | None = None,
    controls: Sequence[dict[str, Any]] = (),
) -> tuple[list[dict[str, Any]], int | None]:
    """Stream ``audio`` in 80 ms chunks, send ``controls`` and CloseStream, and return
    every server message and the close code."""
    params = {**BASE_QUERY, **(query or {})}
    pcm = np.concatenate(list(audio))
    chunk = RATE * 80 // 1000
    messages: list[dict[str, Any]] = []
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(
            sim.base_url, params=params, headers={"Authorization": "Token key"}
        )
        for start in range(0, len(pcm), chunk):
            await ws.send_bytes(pcm[start : start + chunk].tobytes())
        for control in controls:
            await ws.send_str(json.dumps(control))
        await ws.send_str(json.dumps({"type": "CloseStream"}))
        async for msg in ws:
            messages.append(json.loads(msg.data))
        return messages, ws.close_code


def turn_events(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m.get("type") == "TurnInfo" and m["event"] != "Update"]


def walk(machine: dict[tuple[str, str], str], messages: list[dict[str, Any]]) -> None:
    state = "Initial"
    for message in turn_events(messages):
        key = (state, message["event"])
        assert key in machine, f"{message['event']} is not allowed in {state}"
        state = machine[key]


# A caller who pauses after a clause that may be complete, then goes on: the eager
# end of turn fires in the pause and the turn resumes.
PAUSED = [Segment("I would like to change", duration_s=1.2), Segment("my address", duration_s=0.8)]
PAUSED_AUDIO = [quiet(0.3), voiced(1.2), quiet(0.9), voiced(0.8, seed=1), quiet(1.5)]


def paused_latency() -> FluxLatency:
    # Every pause reaches 0.7 after 1 s of silence and the eager 0.4 about 0.2 s
    # sooner: the 0.9 s pause gets an eager end of turn and the caller resumes; the
    # silence at the end gets both.
    return FluxLatency(complete_eot=Delay.constant(1.0))


async def test_connected_comes_first_and_sequence_ids_count_every_message() -> None:
    async with DeepgramFluxSim(PAUSED, latency=paused_latency()) as sim:
        messages, close_code = await converse(
            sim, PAUSED_AUDIO, query={"eager_eot_threshold": "0.4"}
        )
    first = messages[0]
    assert first["type"] == "Connected"
    assert set(first) == {"type", "request_id", "sequence_id"}
    assert first["sequence_id"] == 0
    # "Starts at 0 and increments for each message the server sends" (ListenV2TurnInfo).
    assert [m["sequence_id"] for m in messages] == list(range(len(messages)))
    assert {m["request_id"] for m in messages} == {first["request_id"]}
    assert close_code == 1000


async def test_turn_info_messages_have_the_published_fields() -> None:
    async with DeepgramFluxSim(PAUSED, latency=paused_latency()) as sim:
        messages, _ = await converse(sim, PAUSED_AUDIO, query={"eager_eot_threshold": "0.4"})
    infos = [m for m in messages if m["type"] == "TurnInfo"]
    assert infos
    for info in infos:
        assert set(info) == TURN_INFO_FIELDS
        assert info["event"] in EVENTS
        assert 0.0 <= info["end_of_turn_confidence"] <= 1.0
        assert 0.0 <= info["audio_window_start"] <= info["audio_window_end"]
        # The transcript is its words, each "punctuated, properly-cased" with a confidence.
        assert info["transcript"] == " ".join(w["word"] for w in info["words"])
        for word in info["words"]:
            assert {"word", "confidence"} <= set(word)
            assert 0.0 <= word["confidence"] <= 1.0
            assert word["start"] <= word["end"]
    ends = [m for m in infos if m["event"] == "EndOfTurn"]
    assert ends[-1]["transcript"] == "I would like to change my address."


async def test_updates_come_every_quarter_second_of_audio_silence_included() -> None:
    async with DeepgramFluxSim() as sim:
        messages, _ = await converse(sim, [quiet(3.0)])
    updates = [m for m in messages if m.get("event") == "Update"]
    # "Update messages are sent for approximately every 0.25 seconds of transcribed
    # audio, regardless of transcript updates" (Flux state machine).
    assert [u["audio_window_end"] for u in updates] == [0.25 * i for i in range(1, 13)]
    assert all(u["transcript"] == "" and u["words"] == [] for u in updates)
    assert all(u["turn_index"] == 0 for u in updates)


async def test_eager_mode_follows_the_published_state_machine() -> None:
    async with DeepgramFluxSim(PAUSED, latency=paused_latency()) as sim:
        messages, _ = await converse(sim, PAUSED_AUDIO, query={"eager_eot_threshold": "0.4"})
    walk(EAGER_MACHINE, messages)
    events = [m["event"] for m in turn_events(messages)]
    assert events == ["StartOfTurn", "EagerEndOfTurn", "TurnResumed", "EagerEndOfTurn", "EndOfTurn"]
    named = turn_events(messages)
    # StartOfTurn and EagerEndOfTurn always carry words.
    assert named[0]["transcript"] and named[1]["transcript"]
    # The EndOfTurn transcript is the preceding EagerEndOfTurn's; the resumed turn's
    # words are the whole turn, not the part after the pause.
    assert named[4]["transcript"] == named[3]["transcript"] == "I would like to change my address."
    assert named[1]["transcript"] == "I would like to change."


async def test_turn_index_increments_right_after_end_of_turn() -> None:
    script = [Segment("Hi there", duration_s=0.6), Segment("Thanks a lot", duration_s=0.8)]
    async with DeepgramFluxSim(
        script, latency=FluxLatency(complete_eot=Delay.constant(0.2))
    ) as sim:
        messages, _ = await converse(
            sim, [quiet(0.2), voiced(0.6), quiet(1.0), voiced(0.8), quiet(1.0)]
        )
    infos = [m for m in messages if m["type"] == "TurnInfo"]
    end = next(i for i, m in enumerate(infos) if m["event"] == "EndOfTurn")
    assert {m["turn_index"] for m in infos[: end + 1]} == {0}
    assert infos[end + 1]["turn_index"] == 1
    second = [m for m in infos[end + 1 :] if m["event"] != "Update"]
    assert second[0]["event"] == "StartOfTurn"
    # The next turn's window starts where the ended one's closed.
    assert second[0]["audio_window_start"] == infos[end]["audio_window_end"]
    walk(PLAIN_MACHINE, messages)


async def test_no_eager_or_resumed_events_without_an_eager_threshold() -> None:
    async with DeepgramFluxSim(PAUSED, latency=paused_latency()) as sim:
        messages, _ = await converse(sim, PAUSED_AUDIO)
    events = [m["event"] for m in turn_events(messages)]
    assert events == ["StartOfTurn", "EndOfTurn"]
    walk(PLAIN_MACHINE, messages)


async def test_a_lower_eager_threshold_fires_sooner() -> None:
    script = [Segment("I need to check my balance", duration_s=1.4)]
    audio = [quiet(0.2), voiced(1.4), quiet(2.0)]
    first_eager: dict[str, float] = {}
    for eager in ("0.3", "0.6"):
        async with DeepgramFluxSim(
            script, latency=FluxLatency(complete_eot=Delay.constant(0.8))
        ) as sim:
            messages, _ = await converse(sim, audio, query={"eager_eot_threshold": eager})
        first_eager[eager] = next(
            m["audio_window_end"] for m in messages if m.get("event") == "EagerEndOfTurn"
        )
    # "Lower values = earlier triggers" (Flux end-of-turn configuration).
    assert first_eager["0.3"] < first_eager["0.6"]


async def test_eot_timeout_forces_the_end_of_an_unfinished_turn() -> None:
    script = [Segment("I want to talk to", duration_s=1.0)]
    never = FluxLatency(unfinished_eot=Delay.constant(30.0))
    async with DeepgramFluxSim(script, latency=never) as sim:
        messages, _ = await converse(
            sim, [quiet(0.2), voiced(1.0), quiet(2.0)], query={"eot_timeout_ms": "1000"}
        )
    start = next(m for m in messages if m.get("event") == "StartOfTurn")
    end = next(m for m in messages if m.get("event") == "EndOfTurn")
    speech_end = 1.2  # the voiced audio ends there
    # "Maximum silence duration (ms) before forcing EndOfTurn", whatever the confidence.
    assert end["audio_window_end"] - speech_end == pytest.approx(1.0, abs=0.03)
    assert end["end_of_turn_confidence"] < 0.7
    assert start["turn_index"] == end["turn_index"] == 0


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("eot_threshold", "0.95"),
        ("eot_threshold", "0.4"),
        ("eager_eot_threshold", "0.2"),
        ("eot_timeout_ms", "100"),
        ("eot_timeout_ms", "20000"),
        ("sample_rate", "11025"),
        ("model", "nova-3"),
        ("encoding", "mp3"),
    ],
)
async def test_out_of_range_parameters_are_refused_naming_them(param: str, value: str) -> None:
    async with DeepgramFluxSim() as sim, aiohttp.ClientSession() as http:
        response = await http.get(
            sim.base_url,
            params={**BASE_QUERY, param: value},
            headers={"Authorization": "Token key"},
        )
        body = await response.json()
    assert response.status == 400
    assert param in body["err_msg"]
    assert response.headers["dg-request-id"] == body["request_id"]
    assert sim.connections[0].status == 400


async def test_the_documented_ranges_are_accepted() -> None:
    bounds = {"eager_eot_threshold": "0.3", "eot_threshold": "0.9", "eot_timeout_ms": "10000"}
    async with DeepgramFluxSim() as sim:
        messages, _ = await converse(sim, [quiet(0.3)], query={**bounds, "sample_rate": "16000"})
    assert messages[0]["type"] == "Connected"
    query = sim.connections[0].query
    assert query is not None
    assert (query.eager_eot_threshold, query.eot_threshold, query.eot_timeout_ms) == (
        0.3,
        0.9,
        10000,
    )


async def test_defaults_are_the_published_ones() -> None:
    async with DeepgramFluxSim() as sim:
        await converse(sim, [quiet(0.3)])
    query = sim.connections[0].query
    assert query is not None
    assert (query.eager_eot_threshold, query.eot_threshold, query.eot_timeout_ms) == (
        None,
        0.7,
        5000,
    )


async def test_a_key_is_required() -> None:
    async with DeepgramFluxSim(api_key="right") as sim, aiohttp.ClientSession() as http:
        wrong = await http.get(
            sim.base_url, params=BASE_QUERY, headers={"Authorization": "Token no"}
        )
        bearer = await http.ws_connect(
            sim.base_url, params=BASE_QUERY, headers={"Authorization": "Bearer right"}
        )
        await bearer.close()
    assert wrong.status == 401
    assert [c.status for c in sim.connections] == [401, 101]


async def test_close_stream_ends_the_turn_in_progress_and_closes_normally() -> None:
    script = [Segment("Hello I am calling about", duration_s=1.0)]
    async with DeepgramFluxSim(script) as sim:
        messages, close_code = await converse(sim, [quiet(0.2), voiced(1.0)])
    end = [m for m in messages if m.get("event") == "EndOfTurn"]
    # "Force stream closure and final transcription" (Flux feature overview).
    assert len(end) == 1 and end[0]["transcript"].startswith("Hello")
    assert close_code == 1000
    assert sim.connections[0].close_stream


async def test_a_server_failure_sends_an_error_then_closes() -> None:
    plan = FaultPlan([Fault("disconnect", after_messages=3)])
    async with DeepgramFluxSim(faults=plan) as sim:
        messages, close_code = await converse(sim, [quiet(2.0)])
    error = messages[-1]
    # ListenV2FatalError: type, sequence_id, code, description.
    assert set(error) == {"type", "sequence_id", "code", "description"}
    assert error["type"] == "Error" and error["sequence_id"] == 3
    assert close_code == 1011


async def test_configure_changes_thresholds_mid_stream() -> None:
    good = {"type": "Configure", "thresholds": {"eot_threshold": 0.8, "eager_eot_threshold": 0.5}}
    bad = {"type": "Configure", "thresholds": {"eot_threshold": 1.5}}
    async with DeepgramFluxSim() as sim:
        messages, _ = await converse(sim, [quiet(0.5)], controls=[good, bad])
    answers = [m for m in messages if m["type"].startswith("Configure")]
    assert [a["type"] for a in answers] == ["ConfigureSuccess", "ConfigureFailure"]
    assert answers[0]["thresholds"] == {
        "eager_eot_threshold": 0.5,
        "eot_threshold": 0.8,
        "eot_timeout_ms": 5000,
    }


def test_the_turn_model_reproduces_the_published_latency() -> None:
    import random

    model = FluxLatency()
    rng = random.Random(7)
    draws = [model.draw_reference_s(rng, "bill") for _ in range(4000)]
    eot = sorted(model.crossing_s(d, 0.7) for d in draws)
    # "~260ms end-of-turn detection (p50 at defaults)"; "p95 at 1.5 seconds".
    assert statistics.median(eot) == pytest.approx(0.26, abs=0.03)
    assert eot[int(0.95 * len(eot))] == pytest.approx(1.5, rel=0.15)
    # Eager at 0.3-0.5: "~150-250 ms latency savings" (Telnyx's Flux parameter page),
    # "~150 ms" median (its release note).
    for eager in (0.3, 0.4, 0.5):
        saved = statistics.median(
            model.crossing_s(d, 0.7) - model.crossing_s(d, eager) for d in draws
        )
        assert 0.1 <= saved <= 0.26
    # After a word that cannot end a clause, Flux mostly waits through a breath.
    unfinished = [model.crossing_s(model.draw_reference_s(rng, "to"), 0.7) for _ in range(2000)]
    assert statistics.median(unfinished) > 1.0
