"""How the Deepgram simulator punctuates what it heard: seeded, decided per final.

Scenario files say which words are spoken and nothing else; this module decides the
punctuation and capitals a ``punctuate=true`` / ``smart_format=true`` stream carries, the
way Deepgram's streaming output is observed to behave:

* Each final is punctuated on its own, when it is finalized, without knowing what the
  caller says next. A final cut by an endpoint at a pause usually ends with a period even
  where the caller only paused mid-sentence: livekit/agents issue 2633 ("Deepgram sets
  '.' quite randomly based on pauses and it overwhelms the turn detector") and the note
  on ``latency.vad_min_silence`` in ``config/settings.py``. Sometimes it is a comma,
  sometimes nothing.
* A question ends with a question mark; a sentence-initial interjection ("Hi", "Yes")
  gets a comma when more words follow in the same final; a sentence starts with a
  capital, as does "I".

No public figure gives the rates, so they are knobs (:class:`DeepgramPunctuation`), set
to the qualitative observations: a complete-looking clause at a pause nearly always
gets terminal punctuation, a fragment ending in a function word ("for", "to", "the")
gets a period often but not always.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["DeepgramPunctuation", "Punctuator"]

# A clause ending in one of these is visibly unfinished ("I was charged twice for").
_FUNCTION_WORDS = frozenset(
    """a an the to for of in on at by with from about into onto over under than as and or
    but so because if that which who whose my your our their his her its i we you they he
    she it is are was were be been am do does did have has had will would can could should
    may might must shall very really just also some any no every this these those""".split()
)
# Words that open a question when they start a sentence (after any interjection).
_QUESTION_OPENERS = frozenset(
    """what when where why how who whom whose which can could would will is are was were
    do does did should shall may might have has am""".split()
)
_INTERJECTIONS = frozenset(
    "hi hello hey yes yeah yep no nope okay ok sure well actually so great thanks".split()
)
_TERMINAL = (".", "?")


@dataclass(frozen=True)
class DeepgramPunctuation:
    """Probabilities of the ending a final gets at a pause.

    Args:
        terminal_if_complete: a clause that does not end in a function word gets a
            period (a question mark for a question).
        terminal_if_unfinished: a fragment ending in a function word still gets one:
            the "period at a pause" that makes a transcript look finished.
        comma_if_unfinished: such a fragment gets a comma instead.
    """

    terminal_if_complete: float = 0.95
    terminal_if_unfinished: float = 0.4
    comma_if_unfinished: float = 0.2

    def __post_init__(self) -> None:
        for name in ("terminal_if_complete", "terminal_if_unfinished", "comma_if_unfinished"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within [0, 1]")
        if self.terminal_if_unfinished + self.comma_if_unfinished > 1.0:
            raise ValueError("terminal_if_unfinished + comma_if_unfinished must be <= 1")


def _capital(token: str) -> str:
    return token[:1].upper() + token[1:]


def _is_i(token: str) -> bool:
    # "I", "I'm", "I'd", "I'll", "I've".
    return token.lower() == "i" or token.lower().startswith("i'")


@dataclass
class Punctuator:
    """Punctuation state of one stream: where the current sentence began.

    Args:
        rules: the rates.
        rng: the stream's own generator, so a run is reproducible.
    """

    rules: DeepgramPunctuation
    rng: random.Random
    _sentence: list[str] = field(default_factory=list)

    def render(self, tokens: list[str], *, final: bool) -> list[str]:
        """Punctuated forms of ``tokens`` (bare words, in order).

        An interim gets capitals and inner commas but no ending; a final also gets its
        ending drawn from the rates and moves the sentence state on.
        """
        sentence = list(self._sentence)
        out: list[str] = []
        for index, token in enumerate(tokens):
            word = _capital(token) if not sentence or _is_i(token) else token
            sentence.append(token.lower())
            opener = len(sentence) == 1 and token.lower() in _INTERJECTIONS
            if opener and index < len(tokens) - 1:
                word += ","
            out.append(word)
        if not final or not tokens:
            return out
        ending = self._ending(sentence)
        out[-1] = out[-1].rstrip(",") + ending
        self._sentence = [] if ending in _TERMINAL else sentence
        return out

    def _ending(self, sentence: list[str]) -> str:
        unfinished = sentence[-1] in _FUNCTION_WORDS
        draw = self.rng.random()
        if not unfinished:
            terminal, comma = self.rules.terminal_if_complete, 0.0
        else:
            terminal, comma = self.rules.terminal_if_unfinished, self.rules.comma_if_unfinished
        if draw < terminal:
            return "?" if _is_question(sentence) else "."
        if draw < terminal + comma:
            return ","
        return ""


def _is_question(sentence: list[str]) -> bool:
    words = [w for w in sentence if w not in _INTERJECTIONS] or sentence
    return words[0] in _QUESTION_OPENERS
