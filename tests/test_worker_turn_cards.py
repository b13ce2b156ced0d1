"""Card numbers, expiries and the cards that pay for nothing, as the turn judge hears them.

Cases from issue 27's orchard corpus (read) and from how card payments are taken over
the phone: the issuer fixes a card number's length, an expiry is four digits, and a
loyalty or membership card's number is a code like any other.
"""

from __future__ import annotations

import pytest

from worker.turns.dictation import asked_for, dictation_state
from worker.turns.turn_judge import judge_turn

CARD = "What's the card number?"


@pytest.mark.parametrize(
    ("said", "whole"),
    [
        # Visa (4), Mastercard (51-55, 2221-2720), Discover (6011): sixteen digits, even
        # where fourteen pass the checksum.
        ("4242 4242. 424242.", False),
        ("4242 4242. 424242. 42.", True),
        ("5555 5555. 5555 4444.", True),
        ("2223 0031. 2200 32.", False),
        ("6011 1111. 1111 111.", False),
        # American Express (34, 37): fifteen. Diners Club International (36): fourteen.
        ("3782 822463. 10005.", True),
        ("3782 822463.", False),
        ("3056 930902. 5904.", True),
    ],
)
def test_a_card_number_is_whole_at_its_issuers_length(said: str, whole: bool) -> None:
    verdict = judge_turn(said, CARD)
    assert verdict.dictation is not None and verdict.dictation.kind == "card"
    assert (verdict.state == "final") is whole


@pytest.mark.parametrize(
    "agent",
    [
        "Do you have your loyalty card number?",
        "What's the number on your library card?",
        "Can I take your membership card number?",
    ],
)
def test_a_card_that_pays_for_nothing_has_a_code_of_unknown_length(agent: str) -> None:
    assert asked_for(agent) == ("reference", None)
    assert judge_turn("PP. 31. 44.", agent).state != "unfinished"


def test_the_card_a_number_is_printed_on_is_not_a_payment_card() -> None:
    state = dictation_state(
        "I've got the card in my hand. It's 63. 547. 22. 9.",
        "Can you give me your membership number?",
    )
    assert state is not None and state.kind == "reference"
    # Named as one that pays, it is one.
    state = dictation_state("My debit card is 4242.", "Can you give me your membership number?")
    assert state is not None and state.kind == "card"


@pytest.mark.parametrize("agent", ["And the expiry date on the card?", "What's the expiry date?"])
def test_a_cards_expiry_is_four_digits_with_or_without_the_word_date(agent: str) -> None:
    assert judge_turn("09.", agent).state == "unfinished"
    assert judge_turn("09. 29.", agent).state == "final"


def test_a_passports_expiry_date_is_a_whole_date() -> None:
    assert asked_for("What is the expiry date on your passport?") != ("reference", 4)
    assert judge_turn("12th of May 2031.", "What is the expiry date on your passport?").state == (
        "final"
    )


@pytest.mark.parametrize(
    ("said", "whole"),
    [
        ("Expiry 03/30.", False),
        ("Expiry 03/30. Security code 812.", True),
        ("Expires April 29. And the code's.", False),
        ("Expires April 29. And the code's. 123.", True),
    ],
)
def test_an_expiry_and_its_security_code_are_seven_digits(said: str, whole: bool) -> None:
    verdict = judge_turn(said, "Can I have the expiry date and the security code?")
    assert (verdict.state == "final") is whole


def test_the_card_number_expiry_and_code_are_three_values() -> None:
    agent = "I'll need the card number, expiry date and security code."
    assert judge_turn("Okay. It's 4242 4242.", agent).state != "final"
    assert judge_turn("Okay. It's 4242 4242. 4242 4242.", agent).state != "final"


def test_a_pets_microchip_number_is_fifteen_digits() -> None:
    agent = "What's the microchip number?"
    assert judge_turn("985. 112. 004.", agent).state != "final"
    assert judge_turn("985. 112. Double 04. 367899.", agent).state == "final"


@pytest.mark.parametrize(
    ("said", "whole"),
    [("Registration is. LM72.", False), ("Registration is. LM72. KXP.", True)],
)
def test_a_uk_number_plate_is_seven_characters(said: str, whole: bool) -> None:
    verdict = judge_turn(said, "What's the vehicle registration?")
    assert (verdict.state == "final") is whole


def test_a_company_registration_number_is_no_number_plate() -> None:
    assert asked_for("What's your company registration number?") != ("reference", 7)


def test_an_expiry_and_code_said_earlier_is_not_the_request() -> None:
    # Only the agent's last request says what is asked for: the caller's own "membership
    # number" is the value read, not half of an expiry-and-code pair.
    agent = "The expiry and the security code both check out. Now, your membership number?"
    state = dictation_state("The membership number is 44712209.", agent)
    assert state is not None
    assert state.kind == "reference"
    assert not state.from_agent
