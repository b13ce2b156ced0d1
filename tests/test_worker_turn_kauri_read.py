"""Rules from reading issue 27's kauri corpus: the caller going to look in their own
words ("I'm just getting it out."), where the value is on something "that came with"
it, a four-letter start of a code, "It's one of those.", a time left open with "before"
to a when-question, a number someone was given to ring, "What was it?" asked of
oneself, and an address someone else set up (a phrase seven authors wrote)."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Right. I'm just getting it out now.", "What's the number on the front of the card?"),
        ("It's on the leaflet that came with the kettle.", "Have you got the model number?"),
        ("It's on the voucher. SAVE.", "What's the promo code?"),
        ("They're some of those.", "What sort of windows are they?"),
        ("We need it done after.", "When would you like the fitting?"),
        ("The number on the email is 0800.", "Which number were you given to call?"),
        ("Oh, hang on. What was it?", "What's your email address?"),
        ("It's the one my daughter set up for me.", "What's your email address?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("The week after.", "When would you like the fitting?"),
        ("The Tuesday before.", "When did you last pay?"),
        ("It's happened before.", "When did the leak start?"),
        ("It's just one of those things.", "What happened?"),
        ("My daughter set up the account for me.", "How can I help?"),
    ],
)
def test_the_same_words_closing_a_sentence_are_not_held_open(said: str, agent: str) -> None:
    # ("The week after." stays a date fragment, answered after the judge's short wait.)
    assert judge_turn(said, agent).state != "unfinished"
