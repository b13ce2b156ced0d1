"""Turns with more to come, and numbers whole by their prefix (from issue 27's orchard
corpus, read, and call-centre practice)."""

from __future__ import annotations

import pytest

from worker.turns.dictation import dictation_state
from worker.turns.turn_judge import judge_turn

CALL_BACK = "What's the best number to call you back on?"


def test_no_sorry_takes_back_the_group_before_it() -> None:
    state = dictation_state("049157. No, sorry. 0491. 571.", CALL_BACK)
    assert state is not None and state.digits == 7 and state.complete is False


@pytest.mark.parametrize(
    ("said", "whole"),
    [
        # An Australian mobile or an Irish landline: ten digits after "04".
        ("0491. 570. 156.", True),
        ("0491. 570.", False),
        # A Wellington landline is nine: it may be whole.
        ("04. 555. 0123.", None),
    ],
)
def test_a_number_starting_04_is_whole_at_ten_digits(said: str, whole: bool | None) -> None:
    state = dictation_state(said, CALL_BACK)
    assert state is not None and state.complete is whole


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # The perfect of "be": its complement is next, after as long a pause as "um".
        ("Oh, it would have been.", "When was your last delivery?"),
        ("It must have been.", "When was the hearing aid fitted?"),
        # A reaction said alone, the answer after it.
        ("Oh, gosh.", "How are you finding the current blend?"),
        ("Eh.", "Which country are you travelling to?"),
        # A house number, its street next.
        ("We're at number. 47.", "What's the address for the clean?"),
    ],
)
def test_more_is_coming(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


def test_the_perfect_of_be_waits_as_long_as_a_hesitation() -> None:
    assert judge_turn("Oh, it would have been.", "When was it?").reason == "open_phrase"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("We're at number. 47. Acacia Avenue.", "What's the address for the clean?"),
        ("Yes. Number 14.", "Is that the address on Elm Road?"),
    ],
)
def test_a_whole_address_or_a_confirmed_one_is_answered(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # A time left open after a day as after "any time".
        ("Any weekday after.", "When would suit you for the fitting?"),
        ("Any evening before.", "When can we call?"),
        # The noise or the thing it makes, still to be named.
        ("It's making this.", "What's the washing machine doing?"),
        # "Is there...?" is echoed by "there", not by a noun's verb left open.
        ("The last service was.", "Is there a problem with the car?"),
    ],
)
def test_the_rest_of_the_phrase_is_coming(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "unfinished"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("There is.", "Is there a problem with the car?"),
        ("My husband is.", "Are you the account holder?"),
        ("What's making that?", "How can I help?"),
        ("It keeps making that noise.", "How can I help?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "unfinished"


@pytest.mark.parametrize(
    "agent",
    [
        "What's your work number?",
        "Can I take the office number?",
        "And the best number to reach you at work?",
    ],
)
def test_a_work_number_may_have_its_extension_next(agent: str) -> None:
    assert judge_turn("646-555-0142.", agent).state == "maybe"
    assert judge_turn("646-555-0142. Extension 310.", agent).state == "final"


@pytest.mark.parametrize(
    "agent", ["And a daytime number?", "Can I have a direct line for you?", "Your mobile?"]
)
def test_other_numbers_are_whole_at_their_length(agent: str) -> None:
    assert judge_turn("646-555-0142.", agent).state == "final"
