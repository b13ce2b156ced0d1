"""Rules from reading issue 27's yarrow corpus: two dates however they are asked for, the
words before a date, a label read from a place on the page, bank details and an email
address asked for as "the address"."""

from __future__ import annotations

import pytest

from worker.turns.dictation import asked_for
from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("We flew out on the 3rd.", "What were your travel dates?"),
        ("It was.", "Can I ask when she passed?"),
        ("Oh, it would have been.", "When did the damage happen?"),
        ("There is. At the top, it says reference.", "Is there a reference on your letter?"),
        ("I do. It's written in the front of my book.", "Do you have your member number?"),
        ("It's IE29. AIBK.", "What are the bank details for the refund?"),
        ("J Davies.", "We'll email the permit to you. What's the address?"),
    ],
)
def test_more_is_coming(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


def test_the_words_before_a_date_wait_as_long_as_a_hesitation() -> None:
    assert judge_turn("It was.", "Can I ask when she passed?").reason == "open_phrase"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("We flew out on the 3rd. And came back on the 17th of August.", "Your travel dates?"),
        ("It's IE29. AIBK. 93115212. 345678.", "What are the bank details for the refund?"),
        ("J Davies. 2000. At example.com.", "We'll email the permit to you. What's the address?"),
    ],
)
def test_the_whole_is_answered(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


def test_it_was_answering_a_yes_no_question_is_no_lead_in() -> None:
    assert judge_turn("It was.", "Was the parcel damaged?").state != "unfinished"


def test_the_address_after_an_email_is_the_email_address() -> None:
    assert asked_for("We'll email the permit to you. What's the address?") == ("email", None)
    assert asked_for("What's the address?") is None


@pytest.mark.parametrize(
    ("agent", "part", "whole"),
    [
        ("Can I take your IC number, please?", "900101. 14.", "900101. 14. 5678."),
        ("For payroll, could I get your SSS number?", "34. 1234567.", "34. 1234567. 8."),
        ("What postcode was the vehicle registered to?", "DN. 55.", "DN. 55. 1PT."),
    ],
)
def test_a_value_of_one_length_is_whole_at_it(agent: str, part: str, whole: str) -> None:
    assert judge_turn(part, agent).state != "final"
    assert judge_turn(whole, agent).state == "final"
