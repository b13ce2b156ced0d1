"""The phrase cache's stream splitting: a cached opener plays at once, the rest goes to
the TTS; anything else goes to the TTS whole."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path

import pytest
from livekit import rtc

from worker.speech.phrase_cache import _STORE, PhraseCache, clause_forms, opener_instruction

pytestmark = pytest.mark.unit


def _frame(tag: int) -> rtc.AudioFrame:
    return rtc.AudioFrame(
        b"\x00\x00" * 160, sample_rate=16000, num_channels=1, samples_per_channel=160 + 0 * tag
    )


async def _chunks(*parts: str) -> AsyncIterator[str]:
    for part in parts:
        yield part


async def _run(cache: PhraseCache, *parts: str) -> tuple[int, str]:
    sent: list[str] = []

    async def synthesize(text: AsyncIterable[str]) -> AsyncIterator[rtc.AudioFrame]:
        async for chunk in text:
            sent.append(chunk)
        yield _frame(0)

    frames = [f async for f in cache.speak(_chunks(*parts), synthesize)]
    return len(frames), "".join(sent)


async def test_opener_hit_plays_cached_audio_and_sends_only_the_rest() -> None:
    _STORE["test:voice:16000"] = {"Sure.": [_frame(1), _frame(2)]}
    cache = PhraseCache(voice_key="test:voice:16000")
    frames, sent = await _run(cache, "Su", "re.", " What's", " the order number?")
    assert frames == 3  # two cached frames, then the TTS's
    assert sent == " What's the order number?"
    assert (cache.hits, cache.misses) == (1, 0)


async def test_other_replies_go_to_the_tts_whole() -> None:
    _STORE["test:voice:8000"] = {"Sure.": [_frame(1)]}
    cache = PhraseCache(voice_key="test:voice:8000")
    frames, sent = await _run(cache, "Sure", ", what's", " the order number?")
    assert frames == 1
    assert sent == "Sure, what's the order number?"
    frames, sent = await _run(cache, "It shipped.")
    assert sent == "It shipped."
    assert (cache.hits, cache.misses) == (0, 2)
    assert cache.hit_rate == 0.0


async def test_a_reply_opening_a_clause_with_an_opener_plays_that_form() -> None:
    # "Sure, what's..." is how chat models most often open; its comma form has its own
    # recording (the pitch stays up), so "Sure." audio never stands in for it.
    _STORE["test:comma:16000"] = {"Sure.": [_frame(1)], "Sure,": [_frame(2), _frame(3)]}
    cache = PhraseCache(voice_key="test:comma:16000")
    frames, sent = await _run(cache, "Sure", ",", " what's", " the order number?")
    assert frames == 3
    assert sent == " what's the order number?"
    frames, sent = await _run(cache, "Sure!", " Done.")
    assert (frames, sent) == (1, "Sure! Done.")  # no "Sure!" recording: a miss
    assert (cache.hits, cache.misses) == (1, 1)


def test_every_opener_is_kept_in_each_clause_form_commas_warmed_early() -> None:
    forms = clause_forms(("Sure.", "Let me check that."))
    assert forms == (
        "Sure.",
        "Sure,",
        "Let me check that.",
        "Let me check that,",
        "Sure!",
        "Let me check that!",
    )
    assert PhraseCache(voice_key="x", openers=("Okay.",)).phrases == ("Okay.", "Okay,", "Okay!")


async def test_nothing_cached_yet_is_a_miss() -> None:
    cache = PhraseCache(voice_key="test:cold:16000")
    _, sent = await _run(cache, "Sure.", " Done.")
    assert sent == "Sure. Done."
    assert "Sure." in opener_instruction()


async def test_warmed_audio_carries_no_stale_synthesis_start() -> None:
    # The framework times a reply's TTS first byte from the start the provider's frames
    # carry; replaying the warm-up's frames with it reported tens of seconds.
    from livekit.agents import utils
    from livekit.agents.types import USERDATA_TTS_STARTED_TIME
    from livekit.plugins import elevenlabs

    from sim.elevenlabs_multistream import ElevenLabsLatency, ElevenLabsSim

    async with (
        utils.http_context.open(),
        # A speaking rate at which "Sure." outlasts one of the plugin's frames.
        ElevenLabsSim(latency=ElevenLabsLatency.instant(ms_per_char=65.0)) as sim,
    ):
        engine = elevenlabs.TTS(base_url=sim.base_url, api_key="xi-key", encoding="pcm_16000")
        try:
            async with engine.stream() as stream:  # what the plugin itself hands out
                stream.push_text("Sure.")
                stream.end_input()
                fresh = [event.frame async for event in stream]
            cache = PhraseCache(voice_key="sim:warm:16000", openers=("Sure.",))
            cache.start_warming(engine)
            assert cache._warming is not None
            await cache._warming
        finally:
            await engine.aclose()

    assert any(USERDATA_TTS_STARTED_TIME in f.userdata for f in fresh)
    cached = _STORE["sim:warm:16000"]["Sure."]
    assert cached
    assert not any(USERDATA_TTS_STARTED_TIME in f.userdata for f in cached)
    assert set(_STORE["sim:warm:16000"]) == {"Sure.", "Sure,", "Sure!"}
    # Kept in 20 ms frames, as a file is read back (the plugin's are 200 ms): a line is
    # stopped at the end of its current word only if a frame can end there.
    assert max(f.duration for f in fresh) > 0.02
    assert max(f.duration for f in cached) <= 0.02
    assert b"".join(bytes(f.data) for f in cached) == b"".join(bytes(f.data) for f in fresh)


async def _warm_through_the_sim(cache: PhraseCache) -> list[str]:
    """Warm ``cache`` with the real ElevenLabs plugin against the simulator; the texts the
    provider was asked to speak."""
    from livekit.agents import utils
    from livekit.plugins import elevenlabs

    from sim.elevenlabs_multistream import ElevenLabsLatency, ElevenLabsSim

    async with (
        utils.http_context.open(),
        ElevenLabsSim(latency=ElevenLabsLatency.instant(ms_per_char=1.0)) as sim,
    ):
        engine = elevenlabs.TTS(base_url=sim.base_url, api_key="xi-key", encoding="pcm_16000")
        try:
            cache.start_warming(engine)
            if cache._warming is not None:
                await cache._warming
        finally:
            await engine.aclose()
        return [text for texts in sim.contexts.values() if (text := "".join(texts).strip())]


async def test_a_new_process_reads_the_openers_instead_of_paying_for_them(tmp_path: Path) -> None:
    # A job process runs one call: without the files every call would synthesise (and be
    # billed for) every opener again.
    key = "sim:disk:16000"
    first = PhraseCache(voice_key=key, openers=("Sure.",), directory=tmp_path)
    spoken = await _warm_through_the_sim(first)
    assert sorted(spoken) == ["Sure!", "Sure,", "Sure."]
    synthesised = {p: b"".join(bytes(f.data) for f in _STORE[key][p]) for p in first.phrases}
    assert len(await asyncio.to_thread(lambda: list(tmp_path.glob("*.wav")))) == 3

    del _STORE[key]  # the next process starts with nothing in memory
    second = PhraseCache(voice_key=key, openers=("Sure.",), directory=tmp_path)
    assert await _warm_through_the_sim(second) == []
    for phrase, pcm in synthesised.items():
        assert b"".join(bytes(f.data) for f in _STORE[key][phrase]) == pcm
    assert {f.sample_rate for f in _STORE[key]["Sure."]} == {16000}
    _, sent = await _run(second, "Sure,", " what's the order number?")
    assert sent == " what's the order number?"  # played from the file's audio


async def test_a_damaged_file_is_synthesised_again_and_replaced(tmp_path: Path) -> None:
    key = "sim:damaged:16000"
    cache = PhraseCache(voice_key=key, openers=("Sure.",), directory=tmp_path)
    cache._path("Sure.").write_bytes(b"RIFF\x00\x00")  # a write cut short elsewhere
    assert "Sure." in await _warm_through_the_sim(cache)
    del _STORE[key]
    again = PhraseCache(voice_key=key, openers=("Sure.",), directory=tmp_path)
    assert await _warm_through_the_sim(again) == []


async def test_an_unwritable_directory_costs_only_the_files(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("someone else's file")
    key = "sim:blocked:16000"
    cache = PhraseCache(voice_key=key, openers=("Sure.",), directory=blocked)
    await _warm_through_the_sim(cache)
    assert set(_STORE[key]) == {"Sure.", "Sure,", "Sure!"}
    assert blocked.read_text() == "someone else's file"
