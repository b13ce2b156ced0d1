"""Rules from reading issue 27's juniper corpus: "Now let me see.", a value "written in
my diary", "1 sec." as the STT writes it, a hedge joined on at the end ("..., so
perhaps."), a person's number asked for ("and their number?"), and a postcode's first
letters read off ("It says here SY.")."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I've got it written in my notebook.", "What's your customer number?"),
        ("It's on the letter. 1 sec.", "Can I take your policy number?"),
        ("My sister and her husband and possibly.", "Who'll be coming with you?"),
        ("We finish at 5, so probably.", "What time suits you?"),
        ("That's my neighbour on 0161.", "Who should we call on the day, and their number?"),
        ("It says here LS.", "And the postcode there?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I'll come along, and maybe bring my son.", "Who's coming?"),
        ("It says here LS6 2QT.", "And the postcode there?"),
        ("Now let me see, I'd like the Tuesday class.", "Which class would you like?"),
    ],
)
def test_the_same_words_closing_a_sentence_do_not_hold(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


def test_a_caller_looking_is_held_as_long_as_after_um() -> None:
    # "Now let me see." holds the floor like "Um.", not like a verb awaiting its object.
    assert judge_turn("Now let me see.", "What's your booking reference?").reason == "hesitation"


def test_a_hedge_alone_is_no_hedge_left_open() -> None:
    assert judge_turn("Maybe.", "Will you need a ramp?").state != "unfinished"
