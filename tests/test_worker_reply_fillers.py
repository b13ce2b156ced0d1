"""A filler inside a reply: the LLM node opens a slow reply with it, the TTS node plays
it a word at a time and lets the answer in after the current word, every frame marked."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import APITimeoutError, llm

from worker.speech.filler_policy import FillerPolicy, FillerRules, RunningEstimate
from worker.speech.reply_audio import SpeechLedger, play_reply, word_chunks
from worker.speech.reply_fillers import with_fillers
from worker.speech.spoken_lines import spoken_lines
from worker.telemetry.answer_timing import frame_mark

pytestmark = pytest.mark.unit

EN = spoken_lines("en")
RATE = 16000


def _chunk(content: str | None = None, *, tool: str | None = None) -> llm.ChatChunk:
    calls = (
        [llm.FunctionToolCall(name=tool, arguments="{}", call_id="c1")] if tool is not None else []
    )
    return llm.ChatChunk(
        id="r1", delta=llm.ChoiceDelta(role="assistant", content=content, tool_calls=calls)
    )


async def _late(delay_s: float, *chunks: llm.ChatChunk) -> AsyncIterator[llm.ChatChunk | str]:
    await asyncio.sleep(delay_s)
    for chunk in chunks:
        yield chunk


def _text(out: list[llm.ChatChunk | str]) -> str:
    return "".join(
        item if isinstance(item, str) else (item.delta.content or "" if item.delta else "")
        for item in out
    )


def _timed(seconds: float) -> RunningEstimate:
    """The call's model, timed once at ``seconds``."""
    estimate = RunningEstimate(prior_s=seconds)
    estimate.observe(seconds)
    return estimate


def _policy(ttft_s: float = 1.0, **rules: float) -> FillerPolicy:
    policy = FillerPolicy(
        EN,
        FillerRules(**{"quiet_s": 0.05, "margin_s": 0.05, "stall_s": 0.3, **rules}),
        llm_ttft=_timed(ttft_s),
        tts_ttfb=RunningEstimate(prior_s=0.05),
        audio_s=lambda line: 0.1,
    )
    policy.caller_started()
    policy.caller_stopped()
    return policy


async def _reply(
    policy: FillerPolicy, ledger: SpeechLedger, delay_s: float, *chunks: llm.ChatChunk, **kw: str
) -> tuple[str, list[float]]:
    ttfts: list[float] = []
    out = [
        c
        async for c in with_fillers(
            _late(delay_s, *chunks),
            policy=policy,
            ledger=ledger,
            caller_text=kw.get("caller", "I want to change my address."),
            agent_text=kw.get("agent", ""),
            on_model_ttft=ttfts.append,
        )
    ]
    return _text(out), ttfts


async def test_a_slow_reply_opens_with_the_filler_and_only_a_literal_echo_goes() -> None:
    ledger = SpeechLedger()
    text, ttfts = await _reply(_policy(), ledger, 0.3, _chunk("Sure"), _chunk(", where to?"))
    # "Sure." (a request's filler) then the model's "Sure," would say it twice.
    assert text == "Sure. Where to?"
    assert ttfts and ttfts[0] >= 0.29  # the model's own time, not the filler's
    # Other words stay: a cached opener of the model's is part of its answer.
    text, _ = await _reply(
        _policy(), SpeechLedger(), 0.3, _chunk("Of course."), _chunk(" Where to?")
    )
    assert text == "Sure. Of course. Where to?"
    assert ledger.match("Sure.")[0] is not None  # the TTS node will know it is ours


async def test_a_prompt_model_is_left_exactly_as_it_wrote() -> None:
    text, _ = await _reply(_policy(), SpeechLedger(), 0.0, _chunk("Sure"), _chunk(", where to?"))
    assert text == "Sure, where to?"
    # Predicted prompt (the call's model is fast): no filler even when this one is late.
    text, _ = await _reply(_policy(ttft_s=0.05), SpeechLedger(), 0.2, _chunk("Hi."))
    assert text == "Hi."


async def test_a_stuck_model_gets_one_stall_line_and_a_tool_call_passes_through() -> None:
    policy = _policy(ttft_s=0.05)  # predicted fast: no filler, but it stalls
    ledger = SpeechLedger()
    out = [
        c
        async for c in with_fillers(
            _late(0.5, _chunk(tool="lookup_order")),
            policy=policy,
            ledger=ledger,
            caller_text="Where is my order?",
            agent_text="",
        )
    ]
    said = [c for c in out if isinstance(c, str)]
    assert len(said) == 1 and said[0] in EN.stall
    calls = [c for c in out if isinstance(c, llm.ChatChunk) and c.delta and c.delta.tool_calls]
    assert calls and calls[0].delta is not None
    assert calls[0].delta.tool_calls[0].name == "lookup_order"


async def test_a_late_transcripts_silence_is_not_a_stuck_model() -> None:
    # The caller stopped 3 s ago (the transcript was late); the model, asked just now,
    # is as quick as usual: its answer is not held behind a stall line.
    policy = _policy(ttft_s=0.3, stall_s=0.3, margin_s=0.5)  # no filler fits
    policy.caller_stopped(policy.now() - 3.0)
    text, _ = await _reply(policy, SpeechLedger(), 0.4, _chunk("It shipped."))
    assert text == "It shipped."
    # Past twice its usual time it is stuck: a line keeps the caller company.
    policy = _policy(ttft_s=0.3, stall_s=0.3, margin_s=0.5)  # no filler fits
    policy.caller_stopped(policy.now() - 3.0)
    text, _ = await _reply(policy, SpeechLedger(), 0.9, _chunk("It shipped."))
    assert text.endswith(" It shipped.") and text.split(".")[0] + "." in EN.stall


async def test_a_discarded_reply_takes_its_lines_back() -> None:
    ledger = SpeechLedger()
    stream = with_fillers(
        _late(5.0, _chunk("Hi.")),
        policy=_policy(),
        ledger=ledger,
        caller_text="Hello?",
        agent_text="",
    )
    first = await anext(stream)
    assert isinstance(first, str) and ledger.match(first)[0] is not None
    await stream.aclose()  # the framework dropped the preemptive generation
    assert ledger.match(first)[0] is None


def _word(seconds: float, level: int = 8000) -> list[rtc.AudioFrame]:
    samples = int(RATE * 0.02)
    frames = []
    for _ in range(round(seconds / 0.02)):
        pcm = np.full(samples, level, dtype=np.int16)
        frames.append(
            rtc.AudioFrame(
                pcm.tobytes(), sample_rate=RATE, num_channels=1, samples_per_channel=samples
            )
        )
    return frames


def _line_audio(words: int, word_s: float = 0.2, gap_s: float = 0.06) -> list[rtc.AudioFrame]:
    frames: list[rtc.AudioFrame] = []
    for index in range(words):
        if index:
            frames += _word(gap_s, level=0)
        frames += _word(word_s)
    return frames


def test_a_lines_audio_is_cut_into_its_words() -> None:
    audio = _line_audio(3)
    chunks = word_chunks(audio, "One moment, please.")
    assert len(chunks) == 3 and sum(len(c) for c in chunks) == len(audio)
    # Words run together (no quiet gap): cut by the words' lengths instead.
    solid = _word(0.6)
    chunks = word_chunks(solid, "One moment, please.")
    assert len(chunks) == 3 and sum(len(c) for c in chunks) == len(solid)
    assert word_chunks(solid, "Okay.") == [solid]


async def _words(*chunks: str, gap_s: float = 0.0) -> AsyncIterator[str]:
    for chunk in chunks:
        yield chunk
        if gap_s:
            await asyncio.sleep(gap_s)


def _answer_after(seconds: float) -> Callable[[AsyncIterable[str]], AsyncIterator[rtc.AudioFrame]]:
    """A TTS whose answer (0.1 s of audio) is ready ``seconds`` after its text ends."""

    def synthesize(words: AsyncIterable[str]) -> AsyncIterator[rtc.AudioFrame]:
        async def audio() -> AsyncIterator[rtc.AudioFrame]:
            async for _ in words:
                pass
            await asyncio.sleep(seconds)
            for frame in _word(0.1):
                yield frame

        return audio()

    return synthesize


async def test_the_answer_waits_for_no_more_than_the_fillers_current_word() -> None:
    line = "One moment, please."
    clip = _line_audio(3, word_s=0.3)
    ledger = SpeechLedger()
    ledger.expect("llm_bridge", line, owner=object())
    answer_ready = 0.15  # into the filler's first word

    synthesize = _answer_after(answer_ready)
    got: list[tuple[float, str, str | None]] = []
    # The framework's markdown filter hands our line over a word at a time.
    text = _words("One", " moment", ",", " please", ".", " It", " shipped.")
    async for frame in play_reply(
        text,
        ledger=ledger,
        clip=lambda said: clip if said == line else None,
        synthesize=synthesize,
        speak_line=synthesize,
    ):
        kind, said, _ = frame_mark(frame)
        got.append((time.monotonic(), kind, said))
    kinds = [k for _, k, _ in got]
    filler = kinds.count("llm_bridge")
    # The first word played whole; the other two never did.
    assert filler == len(word_chunks(clip, line)[0]) < len(clip) / 2
    assert kinds[filler:] == ["content"] * 5
    assert all(said == line for _, k, said in got if k == "llm_bridge")


async def test_an_uncached_line_also_stops_at_its_current_word() -> None:
    # The stall line of a first turn, before the phrase cache has it: the TTS streams
    # the whole line at once, faster than it plays.
    line = "Thanks for bearing with me."
    word_s = 0.3
    spoken = _line_audio(5, word_s=word_s)
    ledger = SpeechLedger()
    ledger.expect("llm_bridge", line, owner=object())
    answer_ready = 0.15  # into the line's first word

    def speak_line(words: AsyncIterable[str]) -> AsyncIterator[rtc.AudioFrame]:
        async def audio() -> AsyncIterator[rtc.AudioFrame]:
            async for _ in words:
                pass
            # In the framework's 200 ms frames, which run across word boundaries.
            for start in range(0, len(spoken), 10):
                pcm = b"".join(bytes(f.data) for f in spoken[start : start + 10])
                yield rtc.AudioFrame(
                    pcm, sample_rate=RATE, num_channels=1, samples_per_channel=len(pcm) // 2
                )

        return audio()

    synthesize = _answer_after(answer_ready)
    kinds = [
        frame_mark(frame)[0]
        async for frame in play_reply(
            _words(line, " It shipped."),
            ledger=ledger,
            clip=lambda _said: None,
            synthesize=synthesize,
            speak_line=speak_line,
        )
    ]
    line_frames = kinds.count("llm_bridge")
    # The first word played whole, in 20 ms frames (the output ran no more than its
    # lead ahead); the other four never reached the output.
    assert line_frames == round(word_s / 0.02)
    assert kinds[line_frames:] == ["content"] * 5


async def test_a_line_said_on_its_own_stops_when_the_model_speaks() -> None:
    line = "One moment while I look that up."
    clip = _line_audio(7, word_s=0.15)
    ledger = SpeechLedger()
    ledger.expect("tool_bridge", line)  # session.say: a speech of its own

    async def speak() -> list[str]:
        return [
            frame_mark(frame)[0]
            async for frame in play_reply(
                _words(line),
                ledger=ledger,
                clip=lambda _l: clip,
                synthesize=lambda w: _word(0.0),  # type: ignore[arg-type,return-value]
                speak_line=lambda w: _word(0.0),  # type: ignore[arg-type,return-value]
            )
        ]

    task = asyncio.create_task(speak())
    await asyncio.sleep(0.2)
    ledger.model_spoke()  # the tool returned and the model began its answer
    kinds = await task
    assert 0 < kinds.count("tool_bridge") < len(clip)
    assert set(kinds) == {"tool_bridge"}


async def test_the_models_words_and_our_uncached_lines_are_marked() -> None:
    ledger = SpeechLedger()
    ledger.expect("repeat_request", EN.repeat_request[0])

    def synthesize(words: AsyncIterable[str]) -> AsyncIterator[rtc.AudioFrame]:
        async def audio() -> AsyncIterator[rtc.AudioFrame]:
            async for _ in words:
                pass
            for frame in _word(0.04):
                yield frame

        return audio()

    kinds = [
        frame_mark(f)
        async for f in play_reply(
            _words(EN.repeat_request[0]),
            ledger=ledger,
            clip=lambda _l: None,
            synthesize=synthesize,
            speak_line=synthesize,
        )
    ]
    assert [k for k, _, _ in kinds] == ["repeat_request", "repeat_request"]
    content = [
        frame_mark(f)
        async for f in play_reply(
            _words("Sure, it shipped."),
            ledger=ledger,
            clip=lambda _l: None,
            synthesize=synthesize,
            speak_line=synthesize,
        )
    ]
    assert [k for k, _, _ in content] == ["content", "content"]
    assert content[0][2] is not None  # when the answer was ready to play


async def test_the_filler_is_decided_at_the_commit_not_after_the_quiet_gap() -> None:
    # Quiet gap 0.5 s; the model predicted 1 s away: the filler goes out when the reply
    # is asked for, so its audio ends before the answer instead of running into it.
    policy = _policy(quiet_s=0.5)
    started = time.monotonic()
    first_at: list[float] = []
    async for item in with_fillers(
        _late(0.8, _chunk("It shipped.")),
        policy=policy,
        ledger=SpeechLedger(),
        caller_text="Where is my order?",
        agent_text="",
    ):
        if isinstance(item, str) and not first_at:
            first_at.append(time.monotonic() - started)
    assert first_at and first_at[0] < 0.4


async def test_a_model_silent_after_the_one_line_is_a_fault_not_another_line() -> None:
    # Stall line at 0.3 s (0.1 s of audio), then 0.3 s more of silence: the reply gives
    # up with a timeout, which the LLM node turns into the apology line.
    out: list[llm.ChatChunk | str] = []

    async def collect() -> None:
        async for c in with_fillers(
            _late(5.0, _chunk("Too late.")),
            policy=_policy(ttft_s=0.05),
            ledger=SpeechLedger(),
            caller_text="Where is my order?",
            agent_text="",
        ):
            out.append(c)

    with pytest.raises(APITimeoutError):
        await asyncio.wait_for(collect(), timeout=4.0)
    assert len(out) == 1 and isinstance(out[0], str) and out[0] in EN.stall
