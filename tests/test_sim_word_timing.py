"""Locating scripted words in caller audio, for the Deepgram simulator."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from sim.word_timing import spoken_words, voiced_time, word_ends

pytestmark = pytest.mark.unit

RATE = 16000


def tone(seconds: float) -> npt.NDArray[np.int16]:
    t = np.arange(round(seconds * RATE)) / RATE
    return (np.sin(2 * np.pi * 200 * t) * 8000).astype(np.int16)


def gap(seconds: float) -> npt.NDArray[np.int16]:
    return np.zeros(round(seconds * RATE), dtype=np.int16)


def test_spoken_words_carry_no_punctuation_and_no_sentence_capitals() -> None:
    assert spoken_words("Hi, I'm calling Acme. Where is it? 12/28.") == [
        "hi",
        "I'm",
        "calling",
        "Acme",
        "where",
        "is",
        "it",
        "12/28",
    ]


def test_phrases_line_up_with_the_pauses_in_the_audio() -> None:
    audio = np.concatenate([tone(0.3), gap(0.2), tone(0.5)])
    ends = word_ends("Hi, there you go.", "Hi, there you go.", audio, RATE)
    # "hi" fills the first voiced run; the other three share the second by length.
    assert ends[0] == pytest.approx(0.3, abs=0.011)
    assert ends[-1] == pytest.approx(0.8, abs=0.021)
    assert list(ends) == sorted(ends)


def test_numerals_weigh_like_the_digits_said() -> None:
    audio = tone(2.0)
    ends = word_ends("it is one two three four five", "it is 12345", audio, RATE)
    # "12345" takes most of the time it took to say.
    assert ends[1] < 0.6 and ends[2] == pytest.approx(2.0, abs=0.011)


def test_pauses_that_do_not_match_the_phrases_fall_back_to_length() -> None:
    audio = np.concatenate([tone(0.5), gap(0.3), tone(0.5)])
    ends = word_ends("one two three four", "one two three four", audio, RATE)
    assert ends[-1] == pytest.approx(1.0, abs=0.021)  # voiced time only: the gap is not in it


def test_voiced_time_leaves_out_pauses_but_not_closures() -> None:
    # A 200 ms pause is a phrase break; a 60 ms closure inside a phrase is still speech.
    audio = np.concatenate([gap(0.1), tone(0.3), gap(0.2), tone(0.2), gap(0.06), tone(0.2)])
    assert voiced_time(audio, RATE) == pytest.approx(0.76, abs=0.02)
    assert voiced_time(gap(0.5), RATE) == 0.0
