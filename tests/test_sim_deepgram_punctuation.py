"""How the Deepgram simulator punctuates its finals (seeded, per final)."""

from __future__ import annotations

import random

import pytest

from sim.deepgram_punctuation import DeepgramPunctuation, Punctuator

pytestmark = pytest.mark.unit

ALWAYS = DeepgramPunctuation(
    terminal_if_complete=1.0, terminal_if_unfinished=1.0, comma_if_unfinished=0.0
)
NEVER = DeepgramPunctuation(
    terminal_if_complete=0.0, terminal_if_unfinished=0.0, comma_if_unfinished=0.0
)


def test_a_final_at_a_pause_ends_a_sentence_and_the_next_starts_with_a_capital() -> None:
    p = Punctuator(ALWAYS, random.Random(0))
    assert p.render("i was charged twice for".split(), final=True) == [
        "I", "was", "charged", "twice", "for.",
    ]  # fmt: skip
    assert p.render("the same order".split(), final=True) == ["The", "same", "order."]


def test_questions_get_a_question_mark_after_an_interjection() -> None:
    p = Punctuator(ALWAYS, random.Random(0))
    assert p.render("yes is there a way".split(), final=True) == [
        "Yes,",
        "is",
        "there",
        "a",
        "way?",
    ]


def test_without_an_ending_the_sentence_goes_on_into_the_next_final() -> None:
    p = Punctuator(NEVER, random.Random(0))
    assert p.render("can you tell me".split(), final=True) == ["Can", "you", "tell", "me"]
    assert p.render("when it arrives".split(), final=True) == ["when", "it", "arrives"]


def test_interims_get_no_ending_and_leave_the_sentence_alone() -> None:
    p = Punctuator(ALWAYS, random.Random(0))
    assert p.render(["hi", "there"], final=False) == ["Hi,", "there"]
    assert p.render(["hi", "there"], final=True) == ["Hi,", "there."]


def test_unfinished_fragments_get_a_period_at_about_the_configured_rate() -> None:
    rules = DeepgramPunctuation()
    endings = [
        Punctuator(rules, random.Random(seed)).render(["twice", "for"], final=True)[-1][-1]
        for seed in range(2000)
    ]
    periods = endings.count(".") / len(endings)
    commas = endings.count(",") / len(endings)
    assert periods == pytest.approx(rules.terminal_if_unfinished, abs=0.03)
    assert commas == pytest.approx(rules.comma_if_unfinished, abs=0.03)


def test_rates_are_validated() -> None:
    with pytest.raises(ValueError, match="must be <= 1"):
        DeepgramPunctuation(terminal_if_unfinished=0.8, comma_if_unfinished=0.3)
