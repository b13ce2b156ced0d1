"""What a caller says after answering the agent's question, in the same turn.

The agent's question colours every number of the caller's next turn: after "What's the
VIN?" a bare code is read as the VIN. Once a whole value of that kind has been given and
its sentence has ended, the question has been answered; what follows ("It's a 2014
F-150.", "The router's a Hub 3.", "I'm flying on AI 111.") is not more of it. A number
there much shorter than the answer is neither its rest nor a second value of the same
kind, so it is read on its own merits: a detection of the answer's kind there is dropped
unless it is at least half the answer's length (a second phone number, a corrected
account number, stay).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import Final

from compliance.cues import NOT_A_TITLES_STOP
from compliance.detectors import UNIT_WORDS, Detection
from config.redaction_policy import EntityType

__all__ = ["after_the_answer"]

_SENTENCE_END: Final = re.compile(rf"{NOT_A_TITLES_STOP}[.?!](?=\s|$)")
_BARE_YEAR: Final = re.compile(r"(?:19|20)\d{2}")
_YEAR: Final = re.compile(r"\b(?:1[89]|20)\d{2}\b|'\d{2}\b")
# A date with its day or month and its year ("the 9th of September 1975", "17/09/1985"),
# not a year alone.
_WHOLE_DATE: Final = re.compile(
    r"(?:[a-z]{3}|\d[/.-]\d).*(?:\b(?:1[89]|20)\d{2}\b|'\d{2}\b)|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2}",
    re.IGNORECASE,
)
# "No, sorry, 1978.", "Actually use my work one, it ends 0129.", "Or maybe Huang.", "And
# then the letter A.", "...so add Flat 3.": the answer corrected, narrowed, given again,
# finished or added to, which is the answer still.
_ANSWER_AGAIN: Final = re.compile(
    r"\b(?:no|not|sorry|actually|wait|hang on|hold on|i mean|rather|instead|oops|make that|"
    r"correction|or|"
    r"maybe|perhaps|might|could|ends?|ending|starts?|at the end|other|same|again|spell|"
    r"spelled|spelt|like|as in|with an?|[a-z] for|then|letters?|add|put|include|plus|also|"
    r"with (?:two|double|one|[123])|"
    # "Everyone says it Fanshaw.": how it is said aloud.
    r"says? it|said it|pronounced?|pronounces)\b",
    re.IGNORECASE,
)


_UNIT_WORD: Final = re.compile(rf"(?:{UNIT_WORDS}|lot)\b", re.IGNORECASE)


def _alnum(said: str) -> str:
    return "".join(ch for ch in said.lower() if ch.isalnum())


def after_the_answer(
    text: str, detections: Sequence[Detection], answer_kinds: Iterable[EntityType]
) -> list[Detection]:
    """``detections`` without the short values of the answer's kind said after it.

    Args:
        text: The caller's turn, normalised.
        detections: Every candidate of the turn, overlaps unresolved.
        answer_kinds: The kinds that answer the agent's question.
    """
    kinds = set(answer_kinds)
    if EntityType.DOB in kinds:
        detections = _one_birth_year(text, detections)
    answers = sorted(
        (d for d in detections if d.kind in kinds and d.complete), key=lambda d: d.start
    )
    if not answers:
        return list(detections)
    first = answers[0]
    if first.kind is EntityType.DOB and _WHOLE_DATE.search(text[first.start : first.end]):
        # "My date of birth is the 9th of September 1975, and the appointment I want to
        # move is the 9th of October.": a birth date has its year; a later date without
        # one, not said to correct it, is another date.
        detections = [
            d
            for d in detections
            if d.kind is not EntityType.DOB
            or d.start < first.end
            or _YEAR.search(text, d.start, d.end)
            or _ANSWER_AGAIN.search(text, first.end, d.start)
        ]
    end = _SENTENCE_END.search(text, first.end)
    if end is None:
        return list(detections)
    cut = end.end()
    # Lengths as said: a candidate's value may be another's (a spoken answer's span
    # carries the whole answer).
    answer = _alnum(text[first.start : first.end])
    # Each sentence's edges found once: the turn may be long and hold many values.
    edges = [m.end() for m in _SENTENCE_END.finditer(text)]
    return [
        d
        for d in detections
        if d.start < cut
        or d.kind not in kinds
        # "Kingsbury Crescent. Unit 4.": the flat or unit of the address given, its part.
        or (d.kind is EntityType.ADDRESS and _UNIT_WORD.match(text, d.start) is not None)
        or not _another_thing(text, edges, d, answer)
    ]


def _one_birth_year(text: str, detections: Sequence[Detection]) -> list[Detection]:
    """A birth has one year: "1961, and I joined you in 1988." keeps the second, unless
    it is said to correct the first ("1961. No, sorry, 1962.")."""
    years = sorted(
        (d for d in detections if d.kind is EntityType.DOB and _BARE_YEAR.fullmatch(d.value)),
        key=lambda d: d.start,
    )
    if len(years) < 2:
        return list(detections)
    first = years[0]
    later = {
        id(d)
        for d in years[1:]
        if d.start >= first.end and not _ANSWER_AGAIN.search(text, first.end, d.start)
    }
    return [d for d in detections if id(d) not in later]


def _another_thing(text: str, edges: list[int], det: Detection, answer: str) -> bool:
    """``det``, after the answer's sentence, names something else: short beside the
    answer, in a sentence that neither corrects nor repeats it, and no piece of it.
    ``edges`` are where the turn's sentences end."""
    said = _alnum(text[det.start : det.end])
    if len(said) > len(answer) / 2 or said in answer:
        return False
    at = bisect_right(edges, det.start)
    sentence = text[edges[at - 1] if at else 0 : det.start]
    after = bisect_left(edges, det.end)
    rest = text[det.end : edges[after] - 1 if after < len(edges) else len(text)]
    if said.isalpha() and len(said) <= 2 and not sentence.strip() and not rest.strip():
        # "47382915. V for Valencia.": its check letter, spelled after a breath.
        return False
    # "Farrell, with two Ls.": the cue may follow it in its sentence.
    return _ANSWER_AGAIN.search(sentence) is None and _ANSWER_AGAIN.search(rest) is None
