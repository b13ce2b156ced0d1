"""The OpenAI simulator driven by the real livekit openai plugin and the openai SDK."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import numpy as np
import openai as openai_sdk
import pytest
from livekit import rtc
from livekit.agents import (
    APIConnectionError,
    APIConnectOptions,
    APIStatusError,
    APITimeoutError,
    llm,
    utils,
)
from livekit.plugins import openai

from sim.faults import Fault, FaultPlan
from sim.latency import Delay
from sim.openai_chat import (
    EXHAUSTED_REPLY,
    ModelLatency,
    OpenAIChatSim,
    OpenAILatency,
    ScriptedReply,
    ToolCallSpec,
    tokenize,
)

pytestmark = pytest.mark.sim

KEY = "sk-test-key"
MODEL = "gpt-4o-mini"
CONN = APIConnectOptions(max_retry=1, retry_interval=0.05, timeout=2)
INSTANT = OpenAILatency.instant()


@llm.function_tool
async def lookup_order(order_id: str, include_items: bool) -> str:
    """Look up an order.

    Args:
        order_id: the order number.
        include_items: whether to list the items.
    """
    return "shipped"


def _ctx(user_text: str) -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="system", content="You are a call-center agent.")
    ctx.add_message(role="user", content=user_text)
    return ctx


async def _collect(
    model: openai.LLM,
    ctx: llm.ChatContext,
    tools: list[Any] | None = None,
    *,
    conn_options: APIConnectOptions = CONN,
    into: list[llm.ChatChunk] | None = None,
) -> list[llm.ChatChunk]:
    chunks = [] if into is None else into
    async with model.chat(chat_ctx=ctx, tools=tools or [], conn_options=conn_options) as stream:
        async for chunk in stream:
            chunks.append(chunk)
    return chunks


def _text(chunks: list[llm.ChatChunk]) -> str:
    return "".join(c.delta.content or "" for c in chunks if c.delta)


def test_tokenize_keeps_spaces_and_round_trips() -> None:
    assert tokenize("Hello, world.") == ["Hello", ",", " world", "."]
    text = "  Your order #A-12 ships\ttomorrow, doesn't it?  "
    assert "".join(tokenize(text)) == text


async def test_text_turn_streams_tokens_and_usage() -> None:
    reply = "Hello, how can I help you today?"
    async with OpenAIChatSim(replies=[reply], latency=INSTANT, api_key=KEY) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        try:
            chunks = await _collect(model, _ctx("Where is my parcel?"))
        finally:
            await model.aclose()

    assert _text(chunks) == reply
    usage = [c.usage for c in chunks if c.usage is not None]
    assert len(usage) == 1
    assert usage[0].completion_tokens == len(tokenize(reply))
    assert usage[0].total_tokens == usage[0].prompt_tokens + usage[0].completion_tokens
    body = sim.requests[0]
    assert body["model"] == MODEL
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert sim.last_user_text(0) == "Where is my parcel?"
    assert [m["role"] for m in sim.messages(0)] == ["system", "user"]
    assert sim.timings[0].status == 200
    assert not sim.timings[0].cancelled


async def test_raw_wire_format_matches_openai() -> None:
    reply = ScriptedReply(text="Sure.", tool_calls=(ToolCallSpec("hang_up", {"why": "done"}),))
    async with OpenAIChatSim(replies=[reply], latency=INSTANT) as sim:
        body = {
            "model": "gpt-4.1-mini",
            "messages": [{"role": "user", "content": "bye"}],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{sim.base_url}/chat/completions",
                json=body,
                headers={"Authorization": f"Bearer {KEY}"},
            ) as resp,
        ):
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/event-stream")
            raw = (await resp.read()).decode()

    events = [e for e in raw.split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    chunks = [json.loads(e.removeprefix("data: ")) for e in events[:-1]]
    assert {c["id"] for c in chunks} == {"chatcmpl-sim000000"}
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert all(c["model"] == "gpt-4.1-mini" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    assert [c["choices"][0]["delta"].get("content") for c in chunks[1:3]] == ["Sure", "."]
    head = chunks[3]["choices"][0]["delta"]["tool_calls"][0]
    assert head["function"] == {"name": "hang_up", "arguments": ""}
    assert head["id"].startswith("call_")
    pieces = [
        c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] for c in chunks[4:-2]
    ]
    assert len(pieces) > 1
    assert json.loads("".join(pieces)) == {"why": "done"}
    assert chunks[-2]["choices"][0]["finish_reason"] == "tool_calls"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["completion_tokens"] > 0
    assert all(c["usage"] is None for c in chunks[:-1])


async def test_tool_call_reassembled_and_follow_up_recorded() -> None:
    args = {"order_id": "A-1234-XYZ", "include_items": True}
    replies: list[ScriptedReply | str] = [
        ScriptedReply(tool_calls=(ToolCallSpec("lookup_order", args, id="call_abc"),)),
        "Your order has shipped.",
    ]
    async with OpenAIChatSim(replies=replies, latency=INSTANT) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        try:
            ctx = _ctx("Where is order A-1234-XYZ?")
            chunks = await _collect(model, ctx, [lookup_order])
            calls = [tc for c in chunks if c.delta for tc in c.delta.tool_calls]
            assert len(calls) == 1
            call = calls[0]
            assert call.name == "lookup_order"
            assert call.call_id == "call_abc"
            assert json.loads(call.arguments) == args

            ctx.insert(
                llm.FunctionCall(call_id=call.call_id, name=call.name, arguments=call.arguments)
            )
            ctx.insert(
                llm.FunctionCallOutput(
                    call_id=call.call_id, name=call.name, output="shipped", is_error=False
                )
            )
            follow_up = await _collect(model, ctx, [lookup_order])
        finally:
            await model.aclose()

    assert _text(follow_up) == "Your order has shipped."
    tool_schema = sim.requests[0]["tools"][0]
    assert tool_schema["type"] == "function"
    assert tool_schema["function"]["name"] == "lookup_order"
    assert set(tool_schema["function"]["parameters"]["properties"]) == {"order_id", "include_items"}
    assert sim.tool_results(1) == [
        {"role": "tool", "tool_call_id": "call_abc", "content": "shipped"}
    ]
    assistant = [m for m in sim.messages(1) if m["role"] == "assistant"]
    assert assistant[-1]["tool_calls"][0]["id"] == "call_abc"
    assert json.loads(assistant[-1]["tool_calls"][0]["function"]["arguments"]) == args


async def test_responder_sees_request_and_script_exhaustion() -> None:
    seen: list[str] = []

    def respond(body: dict[str, Any]) -> ScriptedReply:
        seen.append(body["messages"][-1]["content"])
        return ScriptedReply(text=f"echo {len(seen)}")

    async with OpenAIChatSim(responder=respond, latency=INSTANT) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        try:
            assert _text(await _collect(model, _ctx("one"))) == "echo 1"
            assert _text(await _collect(model, _ctx("two"))) == "echo 2"
        finally:
            await model.aclose()
    assert seen == ["one", "two"]

    async with OpenAIChatSim(replies=["only"], latency=INSTANT) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        try:
            assert _text(await _collect(model, _ctx("a"))) == "only"
            assert _text(await _collect(model, _ctx("b"))) == EXHAUSTED_REPLY
        finally:
            await model.aclose()


async def test_prewarm_lists_models_without_counting_as_chat() -> None:
    async with OpenAIChatSim(replies=["hi"], latency=INSTANT) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        try:
            model.prewarm()
            for _ in range(100):
                if sim.models_requests:
                    break
                await asyncio.sleep(0.01)
            assert _text(await _collect(model, _ctx("hello"))) == "hi"
        finally:
            await model.aclose()
    assert sim.models_requests == 1
    assert sim.timings[0].index == 0
    assert [r.kind for r in sim.received] == ["models", "chat"]


async def test_wrong_key_is_401_with_openai_error_shape() -> None:
    async with OpenAIChatSim(replies=["x"], latency=INSTANT, api_key=KEY) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key="sk-wrong-key-123")
        try:
            with pytest.raises(APIStatusError) as info:
                await _collect(model, _ctx("hi"))
        finally:
            await model.aclose()
    assert info.value.status_code == 401
    assert isinstance(info.value.body, dict)
    assert info.value.body["code"] == "invalid_api_key"
    assert KEY not in str(info.value.body)
    # 401 is not retryable: one attempt only.
    assert [t.status for t in sim.timings] == [401]


async def test_rate_limit_then_retry_succeeds() -> None:
    faults = FaultPlan([Fault("http_error", request=0, status=429)])
    async with OpenAIChatSim(replies=["Recovered."], latency=INSTANT, faults=faults) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        try:
            chunks = await _collect(model, _ctx("hi"))
        finally:
            await model.aclose()
    assert _text(chunks) == "Recovered."
    assert [t.status for t in sim.timings] == [429, 200]
    assert sim.requests[0] == sim.requests[1]


async def test_rate_limit_response_carries_retry_after() -> None:
    faults = FaultPlan([Fault("http_error", request=0, status=429)])
    async with (
        OpenAIChatSim(faults=faults, latency=INSTANT) as sim,
        aiohttp.ClientSession() as http,
        http.post(
            f"{sim.base_url}/chat/completions",
            json={"model": MODEL, "messages": [{"role": "user", "content": "x"}], "stream": True},
            headers={"Authorization": f"Bearer {KEY}"},
        ) as resp,
    ):
        assert resp.status == 429
        assert resp.headers["retry-after"] == "1"
        error = (await resp.json())["error"]
    assert error["code"] == "rate_limit_exceeded"
    assert error["type"] == "requests"


@pytest.mark.parametrize("kind", ["disconnect", "malformed", "invalid_utf8"])
async def test_broken_stream_raises_connection_error(kind: str) -> None:
    faults = FaultPlan([Fault(kind, request=None, after_messages=3)])  # type: ignore[arg-type]
    reply = "This answer will not arrive in one piece."
    async with OpenAIChatSim(replies=[reply, reply], latency=INSTANT, faults=faults) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        received: list[llm.ChatChunk] = []
        try:
            with pytest.raises(APIConnectionError):
                await _collect(model, _ctx("hi"), into=received)
        finally:
            await model.aclose()
    # Role chunk + two tokens made it before the break; no retry once text went out.
    assert _text(received) == "".join(tokenize(reply)[:2])
    assert len(sim.timings) == 1


async def test_stall_trips_the_client_timeout() -> None:
    faults = FaultPlan([Fault("stall", request=None, after_messages=2, seconds=2.0)])
    short = APIConnectOptions(max_retry=0, retry_interval=0.05, timeout=0.3)
    async with OpenAIChatSim(replies=["a b c d"], latency=INSTANT, faults=faults) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            with pytest.raises(APITimeoutError):
                await _collect(model, _ctx("hi"), conn_options=short)
        finally:
            await model.aclose()
    # The client gave up, not the stall ending (2 s): no upper bound tighter than that,
    # which a loaded machine could cross.
    assert loop.time() - started < 2.0
    assert sim.timings[0].first_token_at is not None


async def test_ttft_and_token_pace_honoured_per_model() -> None:
    latency = OpenAILatency.constant(0.3, 50.0, per_model={"fast": (0.05, 0.0)})
    reply = "one two three four five six seven eight nine ten"
    async with OpenAIChatSim(replies=[reply, reply], latency=latency) as sim:
        loop = asyncio.get_running_loop()
        client_ttft: dict[str, float] = {}
        for name, min_ttft, min_total in (("strong", 0.3, 0.3 + 9 / 50), ("fast", 0.05, 0.05)):
            model = openai.LLM(model=name, base_url=sim.base_url, api_key=KEY)
            try:
                started = loop.time()
                first: float | None = None
                async with model.chat(chat_ctx=_ctx("count"), conn_options=CONN) as stream:
                    async for chunk in stream:
                        if first is None and chunk.delta and chunk.delta.content:
                            first = loop.time()
                ended = loop.time()
            finally:
                await model.aclose()
            assert first is not None
            # Lower bounds only: a delay is never shorter than configured; load can
            # only lengthen it, so the fast model is checked by order, not by a bound.
            assert first - started >= min_ttft
            assert ended - started >= min_total
            client_ttft[name] = first - started
    assert client_ttft["fast"] < client_ttft["strong"]
    strong, fast = sim.timings
    # What each model's profile chose, exactly; what was measured is never less.
    assert (strong.drawn_ttft_s, fast.drawn_ttft_s) == pytest.approx((0.3, 0.05))
    assert strong.ttft_s is not None
    assert strong.ttft_s >= 0.3
    assert fast.ttft_s is not None
    assert fast.drawn_ttft_s <= fast.ttft_s < strong.ttft_s


async def test_client_cancel_mid_stream_is_recorded() -> None:
    latency = OpenAILatency.constant(0.0, 20.0)
    reply = " ".join(["word"] * 60)
    async with OpenAIChatSim(replies=[reply], latency=latency) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        try:
            stream = model.chat(chat_ctx=_ctx("talk"), conn_options=CONN)
            async for chunk in stream:
                if chunk.delta and chunk.delta.content:
                    break
            await stream.aclose()
        finally:
            await model.aclose()
        for _ in range(200):
            if sim.timings[0].finished_at is not None:
                break
            await asyncio.sleep(0.01)
    assert sim.timings[0].cancelled
    assert sim.timings[0].finished_at is not None
    assert sim.timings[0].finished_at - sim.timings[0].arrived_at < 2.0


@pytest.mark.parametrize("tts_model", ["gpt-4o-mini-tts", "tts-1"])
async def test_speech_pcm_via_tts_plugin(tts_model: str) -> None:
    text = "Thanks for calling."
    latency = OpenAILatency(tts_ttfb=Delay.zero(), tts_realtime_factor=0.0, ms_per_char=50.0)
    async with OpenAIChatSim(latency=latency) as sim:
        tts = openai.TTS(model=tts_model, base_url=sim.base_url, api_key=KEY, response_format="pcm")
        try:
            frames = [ev.frame async for ev in tts.synthesize(text, conn_options=CONN)]
        finally:
            await tts.aclose()
    audio = rtc.combine_audio_frames(frames)
    assert audio.sample_rate == 24000
    assert audio.duration == pytest.approx(len(text) * 0.050, abs=0.01)
    samples = np.frombuffer(audio.data, dtype=np.int16)
    assert np.abs(samples).max() > 3000
    request = sim.speech_requests[0]
    assert request["input"] == text
    assert request["response_format"] == "pcm"
    assert request["stream_format"] == ("audio" if tts_model == "tts-1" else "sse")


async def test_speech_rejects_formats_the_simulator_cannot_encode() -> None:
    async with OpenAIChatSim(latency=INSTANT) as sim:
        tts = openai.TTS(base_url=sim.base_url, api_key=KEY)  # plugin default: mp3
        try:
            with pytest.raises(APIStatusError) as info:
                async for _ in tts.synthesize("hi", conn_options=CONN):
                    pass
        finally:
            await tts.aclose()
    assert info.value.status_code == 400


async def test_transcription_answers_scripted_text() -> None:
    async with (
        utils.http_context.open(),
        OpenAIChatSim(latency=INSTANT, transcripts=["I want to cancel my order."]) as sim,
    ):
        # openai.STT.aclose() leaves a client it created open, so the test owns it.
        client = openai_sdk.AsyncClient(base_url=sim.base_url, api_key=KEY, max_retries=0)
        stt = openai.STT(model="whisper-1", client=client, use_realtime=False)
        frame = rtc.AudioFrame(
            data=np.zeros(16000, dtype=np.int16).tobytes(),
            sample_rate=16000,
            num_channels=1,
            samples_per_channel=16000,
        )
        try:
            event = await stt.recognize([frame], conn_options=CONN)
        finally:
            await stt.aclose()
            await client.close()
    assert event.alternatives[0].text == "I want to cancel my order."
    request = sim.transcription_requests[0]
    assert request["model"] == "whisper-1"
    assert request["response_format"] == "verbose_json"
    assert request["sample_rate"] == 16000
    assert request["duration_s"] == pytest.approx(1.0)


async def _timed_chat(model: openai.LLM, ctx: llm.ChatContext) -> tuple[float, llm.ChatChunk]:
    """Client-side time to the first text, and the usage chunk."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    first: float | None = None
    usage: llm.ChatChunk | None = None
    async with model.chat(chat_ctx=ctx, conn_options=CONN) as stream:
        async for chunk in stream:
            if first is None and chunk.delta and chunk.delta.content:
                first = loop.time()
            if chunk.usage is not None:
                usage = chunk
    assert first is not None and usage is not None
    return first - started, usage


async def test_ttft_grows_with_the_prompt_and_drops_with_a_cached_prefix() -> None:
    # 0.2 s per 1000 uncached tokens makes prompt length plainly visible in timing.
    latency = OpenAILatency(
        model=ModelLatency(ttft=Delay.constant(0.05), prefill_s_per_1k=0.2),
    )
    manual = " ".join(f"rule{i}" for i in range(3000))
    long_ctx = llm.ChatContext.empty()
    long_ctx.add_message(role="system", content=f"You are a call-center agent. {manual}")
    long_ctx.add_message(role="user", content="Where is my order?")
    async with OpenAIChatSim(replies=["Shipped.", "Shipped.", "Tuesday."], latency=latency) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        try:
            short_ttft, short_usage = await _timed_chat(model, _ctx("Where is my order?"))
            long_ttft, long_usage = await _timed_chat(model, long_ctx)
            follow_up = long_ctx.copy()
            follow_up.add_message(role="assistant", content="Shipped.")
            follow_up.add_message(role="user", content="When does it arrive?")
            cached_ttft, cached_usage = await _timed_chat(model, follow_up)
        finally:
            await model.aclose()
    assert short_usage.usage is not None and long_usage.usage is not None
    assert cached_usage.usage is not None
    assert long_usage.usage.prompt_tokens > 3000 > short_usage.usage.prompt_tokens
    # Nothing cached the first time; the follow-up reuses the whole earlier prompt, in
    # 128-token steps.
    assert long_usage.usage.prompt_cached_tokens == 0
    cached = cached_usage.usage.prompt_cached_tokens
    assert cached % 128 == 0
    assert long_usage.usage.prompt_tokens - 128 < cached <= long_usage.usage.prompt_tokens
    assert short_ttft < long_ttft
    assert long_ttft >= 0.05 + 0.2 * 3.0
    assert cached_ttft < long_ttft - 0.3


async def test_same_seed_draws_the_same_delays() -> None:
    latency = OpenAILatency(model=ModelLatency(ttft=Delay(p50_s=0.01, p90_s=0.05)))

    async def drawn(seed: int) -> list[float]:
        async with OpenAIChatSim(latency=latency, seed=seed) as sim:
            model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
            try:
                for _ in range(4):
                    await _collect(model, _ctx("hi"))
            finally:
                await model.aclose()
        return [t.drawn_ttft_s for t in sim.timings]

    first, again, other = await drawn(7), await drawn(7), await drawn(8)
    assert first == again
    assert first != other
    assert len(set(first)) == 4


@pytest.mark.parametrize("kind", ["hang", "half_open"])
async def test_silent_mid_stream_ends_only_at_the_client_timeout(kind: str) -> None:
    faults = FaultPlan([Fault(kind, request=None, after_messages=2)])  # type: ignore[arg-type]
    short = APIConnectOptions(max_retry=0, retry_interval=0.05, timeout=0.5)
    async with OpenAIChatSim(replies=["a b c d"], latency=INSTANT, faults=faults) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            with pytest.raises(APITimeoutError):
                await _collect(model, _ctx("hi"), conn_options=short)
        finally:
            await model.aclose()
        elapsed = loop.time() - started
    assert 0.45 <= elapsed < 3.0
    assert sim.timings[0].first_token_at is not None


async def test_late_refusal_arrives_after_its_delay() -> None:
    faults = FaultPlan([Fault("http_error", request=0, status=503, seconds=0.4)])
    async with OpenAIChatSim(latency=INSTANT, faults=faults) as sim:
        model = openai.LLM(model=MODEL, base_url=sim.base_url, api_key=KEY)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            with pytest.raises(APIStatusError) as failed:
                await _collect(model, _ctx("hi"), conn_options=APIConnectOptions(max_retry=0))
        finally:
            await model.aclose()
    assert failed.value.status_code == 503
    assert loop.time() - started >= 0.4
