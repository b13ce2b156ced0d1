"""How the LLM's reply is cut into chunks for the TTS.

The stock sentence tokenizer holds text until a sentence has ended *and* some of the next
one has arrived, so a one-sentence reply reaches the TTS only when the LLM has finished.
This tokenizer lets the first clause go as soon as it ends ("Sure," / "Of course."), so
the TTS starts while the LLM is still writing, then cuts at sentences for natural prosody.
"""

from __future__ import annotations

import re

from livekit.agents import tokenize
from livekit.agents.tokenize.tokenizer import SentenceStream

__all__ = ["FirstClauseTokenizer"]

# A clause ends at punctuation followed by a space (so "3.5" and "e.g." stay whole).
_CLAUSE_END = re.compile(r"[,;:.!?](?=\s)")


class _FirstClause:
    """Tokenize function with per-reply state: the first cut may be a clause."""

    def __init__(self, sentences: tokenize.SentenceTokenizer, min_clause_len: int) -> None:
        self._sentences = sentences
        self._min = min_clause_len
        self._first_sent = False

    def __call__(self, text: str) -> list[str]:
        if not self._first_sent:
            for match in _CLAUSE_END.finditer(text):
                if match.end() >= self._min:
                    head, rest = text[: match.end()].strip(), text[match.end() :].strip()
                    if rest:
                        self._first_sent = True
                        return [head, rest]
                    break
            return [text.strip()] if text.strip() else []
        return self._sentences.tokenize(text)


class FirstClauseTokenizer(tokenize.SentenceTokenizer):
    """Sentence tokenizer whose first chunk of each reply may be a single clause.

    Args:
        min_clause_len: shortest first chunk worth a TTS request ("Sure," is 5).
    """

    def __init__(self, *, min_clause_len: int = 4) -> None:
        self._min_clause_len = min_clause_len
        self._sentences = tokenize.blingfire.SentenceTokenizer()

    def tokenize(self, text: str, *, language: str | None = None) -> list[str]:
        return self._sentences.tokenize(text, language=language)

    def stream(self, *, language: str | None = None) -> SentenceStream:
        return tokenize.BufferedSentenceStream(
            tokenizer=_FirstClause(self._sentences, self._min_clause_len),
            # Emit a token as soon as one is complete; the sentence splitter already
            # merges fragments shorter than a sentence.
            min_token_len=1,
            min_ctx_len=2,
        )
