"""Rules from reading issue 27's tupelo corpus.

Held: a security code asked for as the next item of a list ("And finally the
three-digit code on the back."), a number asked for by its name alone ("Job
number?") or as something the caller may have ("Is there a job number on the
letter?"), the first letters of either, "whether" with only its subject said, and a
voucher's expiry date read day first.

Answered promptly: a value the caller names but will not read now (the company holds
it, or someone else has it), one of the caller's own e-mail addresses picked by name,
and a list of people joined by "and" ("Me and my brother.").
"""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent", "held_as"),
    [
        # The value hold (a breath between groups), not the short hold of a bare answer.
        ("6.", "And finally the three-digit code on the back.", "dictation_incomplete"),
        ("6. 0.", "And finally the three-digit code on the back.", "dictation_incomplete"),
        ("D R.", "Job number?", "dictation"),
        ("M.", "Is there a job number on the letter?", "dictation"),
        ("My wife asked whether you.", "How can I help?", "dangling_word"),
        ("It runs out on. 30. 06.", "What's the expiry date on your voucher?", "date_fragment"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str, held_as: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "final"
    assert verdict.reason.startswith(held_as), verdict.reason


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("You've already got my phone number.", "What's the best number to reach you on?"),
        ("You already have my card number.", "Which card would you like to use?"),
        ("I'd need to ask my husband for his date of birth.", "What's his date of birth?"),
        ("You'll have to call the school for her mobile number.", "What's her mobile number?"),
        ("Please use my personal email.", "Which email should the receipt go to?"),
        ("I think it's my old college email.", "What's the email address on the account?"),
        ("Just me and my brother.", "Who's coming to the session?"),
    ],
)
def test_answered_in_the_short_delay(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "final", verdict.reason


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # Someone else's address is new to the agent: it is read next.
        ("Yes, please. It's my daughter's email.", "Would you like the receipt emailed?"),
        # A number asked for, then named: the caller is about to read it.
        ("It's my work mobile.", "What's the best number to reach you on?"),
    ],
)
def test_a_value_still_to_be_read_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


def test_yes_to_whether_there_is_a_number_is_not_held_as_dictation() -> None:
    verdict = judge_turn("Yes.", "Is there a job number on the letter?")
    assert not verdict.reason.startswith(("dictation", "value_expected")), verdict.reason
