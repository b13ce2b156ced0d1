"""Rules from reading issue 27's thistle corpus: where a value is before it is read,
labels that announce it, and values whole by their issuers' formats."""

from __future__ import annotations

import pytest

from worker.turns.dictation import asked_for
from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("The order number's on the confirmation email.", "Have you got the order number?"),
        ("The policy number's at the top of the letter.", "What's the policy number?"),
        ("It should be on the receipt.", "Do you have your customer number?"),
        ("I've got it on his vaccination card.", "Can I take his microchip number?"),
        ("I've got it written down here somewhere.", "Can I take your account number?"),
        ("I do, yes. My husband's just reading it out to me.", "Your booking reference?"),
        ("Yes. The account code is.", "Is this going on a business account?"),
        ("My unit number's.", "Which unit are you in?"),
        ("I think it ended.", "What were the last four digits of the card?"),
        ("I'm a bit worried about.", "Is there anything you'd like to ask?"),
    ],
)
def test_the_value_or_its_words_are_next(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It's on the website.", "Where did you see the offer?"),
        ("It came about.", "How did the leak happen?"),
        ("My husband is.", "Are you the account holder?"),
    ],
)
def test_no_value_asked_or_a_whole_clause_is_answered(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


@pytest.mark.parametrize(
    ("agent", "part", "whole"),
    [
        ("For the invoice, can I take your NIF number?", "123. 456.", "123. 456. 789."),
        ("Can I take your NRIC number?", "It's S123.", "It's S123. 4567D."),
        ("Do you have the M-Pesa confirmation code?", "QGH. 7XK2.", "QGH. 7XK2. L9P."),
        ("And the postcode for your home address?", "It's 80.", "It's 8001. Zurich."),
        ("What number shall the driver ring?", "0161. 496.", "0161. 496. 0725."),
        ("What's a good number to ring when she's ready?", "0491. 570.", "0491. 570. 156."),
        ("When does the card expire?", "It expires 03.", "It expires 03. 2028."),
    ],
)
def test_a_value_of_one_length_is_whole_at_it(agent: str, part: str, whole: str) -> None:
    assert judge_turn(part, agent).state != "final"
    assert judge_turn(whole, agent).state == "final"


@pytest.mark.parametrize(
    "agent", ["When did you last use the card?", "When does your current visa expire?"]
)
def test_a_when_question_asks_for_a_time_not_the_value_it_names(agent: str) -> None:
    assert asked_for(agent) is None


def test_where_a_value_is_names_no_kind_to_dictate() -> None:
    verdict = judge_turn("Yeah. Hang on. It's on the email. It's SP774.", "The tracking number?")
    assert verdict.dictation is None or verdict.dictation.kind != "email"


def test_a_domain_read_in_pieces_ends_the_address() -> None:
    agent = "What email address was the order placed with?"
    assert judge_turn("It's orders at. Example. Dot com.", agent).state == "final"
