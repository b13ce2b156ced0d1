"""Which scripted word the caller is saying when: the Deepgram simulator's stand-in for
recognition.

The simulator cannot recognise speech, so for each spoken part it is told the words and
where each one ends on the part's *voiced-time* axis (seconds of voiced audio from its
first voiced frame; pauses do not advance it). It then finalizes whatever words were
voiced before a pause, wherever the pause falls, with no knowledge of where the script's
sentences end.

The positions come from the audio itself: the synthesized caller pauses 140-250 ms at
the commas and periods of the text it reads (espeak-ng), and those pauses are found in
the samples; words inside a phrase share its voiced time by length.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

__all__ = ["FRAME_S", "PHRASE_PAUSE_S", "VOICED_DBFS", "spoken_words", "voiced_time", "word_ends"]

FRAME_S = 0.01
VOICED_DBFS = -40.0
"""Same level the simulator's detector uses: espeak speech sits near -20 dBFS."""
PHRASE_PAUSE_S = 0.12
"""Shortest silence taken for a phrase break: espeak-ng's pauses at commas measure
140-250 ms, its gaps inside phrases (stop closures, between digits) at most 90 ms."""

_PHRASE_BREAK = re.compile(r"(?<=[,.;:!?])\s+")
_EDGE_PUNCT = re.compile(r"^[^\w']+|[^\w']+$")
_SENTENCE_END = (".", "?", "!")


def spoken_words(text: str) -> list[str]:
    """The words of ``text`` as a recogniser hears them: no punctuation at their edges,
    no capital that only marks the start of a sentence ("I" and names keep theirs)."""
    words: list[str] = []
    start = True
    for token in text.split():
        bare = _EDGE_PUNCT.sub("", token)
        if not bare:
            continue
        if start and not (bare == "I" or bare.startswith("I'")):
            bare = bare[:1].lower() + bare[1:]
        words.append(bare)
        start = token.endswith(_SENTENCE_END)
    return words


def _phrases(text: str) -> list[list[str]]:
    return [w for w in (spoken_words(p) for p in _PHRASE_BREAK.split(text.strip())) if w]


def _weight(word: str) -> float:
    # A digit is said as a word ("four"), so a numeral weighs like several words.
    digits = sum(ch.isdigit() for ch in word)
    return float(len(word) - digits + 5 * digits + 1)


def _voiced_runs(samples: npt.NDArray[np.int16], sample_rate: int) -> list[tuple[int, int]]:
    """Voiced frames as runs ``[first, last+1)`` split by pauses of PHRASE_PAUSE_S."""
    step = max(1, round(sample_rate * FRAME_S))
    usable = len(samples) - len(samples) % step
    if usable == 0:
        return []
    frames = samples[:usable].astype(np.float64).reshape(-1, step)
    voiced = np.sqrt(np.mean(frames * frames, axis=1)) >= 32768.0 * 10 ** (VOICED_DBFS / 20)
    index = np.flatnonzero(voiced)
    if index.size == 0:
        return []
    min_gap = round(PHRASE_PAUSE_S / FRAME_S)
    runs: list[tuple[int, int]] = []
    start = prev = int(index[0])
    for i in index[1:]:
        if i - prev - 1 >= min_gap:
            runs.append((start, prev + 1))
            start = int(i)
        prev = int(i)
    runs.append((start, prev + 1))
    return runs


def voiced_time(samples: npt.NDArray[np.int16], sample_rate: int) -> float:
    """Seconds of voiced audio in ``samples``, pauses of PHRASE_PAUSE_S and more left out:
    the length of the part on the voiced-time axis."""
    return sum(b - a for a, b in _voiced_runs(samples, sample_rate)) * FRAME_S


def word_ends(
    say: str, heard: str, samples: npt.NDArray[np.int16], sample_rate: int
) -> tuple[float, ...]:
    """Voiced-time end of each word of ``heard`` (seconds), located in ``samples``.

    Args:
        say: the text the synthesizer read (its punctuation made the pauses).
        heard: the words the recogniser transcribes (e.g. numerals for spoken digits),
            split at the same punctuation as ``say`` when its phrases should line up
            with the pauses one to one.
        samples: the part's mono int16 PCM.
        sample_rate: rate of ``samples``.
    """
    words = spoken_words(heard)
    runs = _voiced_runs(samples, sample_rate)
    heard_phrases = _phrases(heard)
    total_voiced = sum(b - a for a, b in runs) * FRAME_S
    if len(heard_phrases) == len(_phrases(say)) == len(runs) and runs:
        spans = [(b - a) * FRAME_S for a, b in runs]
        groups = heard_phrases
    else:
        # The pauses do not match the phrases: share the voiced time by length.
        spans, groups = [total_voiced], [words]
    ends: list[float] = []
    clock = 0.0
    for span, group in zip(spans, groups, strict=True):
        weights = [_weight(w) for w in group]
        total = sum(weights) or 1.0
        used = 0.0
        for weight in weights:
            used += weight
            ends.append(round(clock + span * used / total, 3))
        clock += span
    return tuple(ends)
