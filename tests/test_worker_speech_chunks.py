"""The first clause of a reply reaches the TTS before the LLM has finished the sentence."""

from __future__ import annotations

import asyncio

import pytest

from worker.speech.speech_chunks import FirstClauseTokenizer

pytestmark = pytest.mark.unit


async def test_first_clause_is_emitted_while_the_sentence_is_still_streaming() -> None:
    stream = FirstClauseTokenizer().stream()
    received: list[str] = []

    async def read() -> None:
        async for token in stream:
            received.append(token.token)

    reader = asyncio.create_task(read())
    for piece in ["Sure", ",", " what", " would"]:
        stream.push_text(piece)
    await asyncio.sleep(0.01)
    assert received == ["Sure,"]  # out before the sentence is complete

    for piece in [" you", " like", " to", " know", "?", " The", " store", " is", " open", "."]:
        stream.push_text(piece)
    stream.end_input()
    await reader
    assert received == ["Sure,", "what would you like to know?", "The store is open."]


async def test_numbers_and_abbreviations_are_not_cut() -> None:
    stream = FirstClauseTokenizer().stream()
    stream.push_text("It costs 3.50 dollars today")
    stream.end_input()
    tokens = [t.token async for t in stream]
    assert tokens == ["It costs 3.50 dollars today"]
