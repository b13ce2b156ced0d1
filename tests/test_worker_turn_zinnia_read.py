"""Rules from reading issue 27's zinnia corpus: the handset is no phone number, going to
get the value, a noun or a clause still owed, what a display shows, and endings that
close a sentence (a comparison's pronoun, a name said before "it's called", "I suppose
we have to", the apology after a correction)."""

from __future__ import annotations

import pytest

from worker.turns.dictation import asked_for
from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    "agent",
    ["What colour is the phone?", "Can you restart the app on your phone?", "Is that phone new?"],
)
def test_the_handset_is_no_number_asked_for(agent: str) -> None:
    assert asked_for(agent) is None


@pytest.mark.parametrize(
    "agent",
    ["And your home phone?", "What's the number of the phone you're ringing from?"],
)
def test_a_phone_number_is_still_asked_for(agent: str) -> None:
    assert asked_for(agent) == ("phone", None)


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # Going to get the value out, or where it was written.
        ("It's in my wallet. Let me just get it out.", "Can I take your member number?"),
        ("Hold on. Let me pull it up.", "What's the order reference?"),
        ("Yes. I jotted it down somewhere.", "Did they give you a claim number?"),
        # A describing word after "a", its noun still owed.
        ("We'd like a big.", "What size of room do you need?"),
        # What it shows is next.
        ("The screen's saying.", "What does the display say?"),
        ("It's showing.", "Is the panel showing anything?"),
        # A thought after "and", its clause next.
        ("I've looked at my budget, and I reckon.", "How much could you pay?"),
    ],
)
def test_more_is_coming(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("He gets nervous with dogs bigger than him.", "Anything we should know?"),
        ("The deep cleanse, I think it's called.", "Which facial was it?"),
        ("Not now, but I suppose we have to.", "Can we go through the payment plan?"),
        ("Fine, if I have to.", "Could you bring the paperwork in?"),
        ("The 15. The 16. Sorry.", "Which bus was it?"),
        ("Samsung.", "What make is the phone?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


def test_a_little_is_no_describing_word_owing_its_noun() -> None:
    assert judge_turn("A little.", "Do you speak any French?").reason != "dangling_word"


def test_an_apology_before_the_correction_still_waits() -> None:
    assert judge_turn("2 nights. No. Sorry.", "How many nights?").state == "unfinished"
    assert judge_turn("681. Sorry.", "What's your account number?").state != "final"
