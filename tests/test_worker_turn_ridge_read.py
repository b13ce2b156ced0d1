"""Rules from reading issue 27's ridge corpus: identifiers of one length by their issuers'
formats, a request put as a need, and clauses left open or whole."""

from __future__ import annotations

import pytest

from worker.turns.dictation import asked_for, dictation_state
from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("agent", "part", "whole"),
    [
        (
            "For applicants from Mexico we need your CURP.",
            "HEGG. 560427.",
            "HEGG. 560427. MVZ. RRL04.",
        ),
        ("What's the CLABE for the refund?", "002010. 077777.", "002010. 077777. 777771."),
        ("Can I have your PESEL number, please?", "440514.", "440514. 01359."),
        ("What's your DNI number?", "1234. 5678.", "1234. 5678. Z."),
        ("What's your UCAS personal ID?", "123. 456.", "123. 456. 7890."),
        ("What's your driving licence number?", "MORGA. 753116.", "MORGA. 753116. SM9IJ."),
        ("We'll need your child's BSN for the registration.", "111. 222.", "111. 222. 333."),
        ("What's the PIN code of your home address?", "110.", "110. 001."),
        ("Could you give me the card's expiry date?", "It's 12.", "It's 12. 29."),
        (
            "And what's the registration of the new car?",
            "The reg is. BD51.",
            "The reg is. BD51. SMR.",
        ),
    ],
)
def test_a_value_of_one_length_is_whole_at_it(agent: str, part: str, whole: str) -> None:
    assert judge_turn(part, agent).state != "final"
    assert judge_turn(whole, agent).state == "final"


def test_a_modal_answering_a_yes_no_question_is_no_open_clause() -> None:
    assert judge_turn("I might.", "Will you renew next year?").state != "unfinished"


def test_an_identifier_the_caller_names_sets_its_length() -> None:
    agent = "Can you give me the number on the ID card you lost?"
    assert judge_turn("The DNI number is 1234. 5678.", agent).state != "final"
    assert judge_turn("The DNI number is 1234. 5678. Z.", agent).state == "final"


def test_a_registration_that_is_no_vehicles_is_no_plate() -> None:
    assert asked_for("What name should go on the registration form?") != ("reference", 7)


def test_a_date_of_birth_with_of_the_and_a_two_digit_year_is_whole() -> None:
    state = dictation_state("3rd of the 5th. 58.", "Can you confirm your date of birth?")
    assert state is not None and state.complete is True


def test_a_domain_said_as_words_ends_the_address() -> None:
    agent = "What email address do you use?"
    assert judge_turn("Info. At. Greenacres Farm.", agent).state == "unfinished"
    assert judge_turn("Info. At. Greenacres Farm. Dot example.com.", agent).state == "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("My wife's got it. She'll read it out.", "Can I take your booking reference?"),
        ("I think so. Let me.", "Is the router plugged into the main socket?"),
        ("Well, I was thinking I might.", "What would you like to do with your pension?"),
        ("I am wanting to know when I can.", "What can I help you with?"),
        ("Arriving Friday the. 4th of July.", "What dates would you like to book?"),
    ],
)
def test_more_is_coming(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    "said",
    ["I need to cancel my husband's appointments because he.", "We had to have him put down and."],
)
def test_a_clause_joined_on_waits_as_long_as_a_hesitation(said: str) -> None:
    assert judge_turn(said, "How can I help today?").reason == "open_phrase"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Okay. I'll drop it in after work then.", "The repair usually takes about an hour."),
        ("Oh, lovely. We'll bring him along then.", "Dogs are allowed for a small charge."),
        ("About 18 months, and they've never produced what you said they would.", "How is it?"),
    ],
)
def test_a_finished_clause_is_answered(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"
