"""Rules from reading issue 27's birch corpus: what the caller does before coming back
("Hang on, I'm getting out of the car."), counting, where a value is printed, a label
read off a card, endings that owe a figure or a clause ("thinking around", "every", ",
and the club's"), a word searched for ("what do they call them?"), the number a text
came from, paying "by phone", and a phone number's length from its country (its code
said, or the country named) by libphonenumber's metadata."""

from __future__ import annotations

import pytest

from worker.turns.dictation import asked_for, dictation_state
from worker.turns.identifier_lengths import phone_region, phone_whole
from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Hold on, I'm just pulling over.", "What's the registration?"),
        ("One sec, I need to find my glasses.", "Can you read me the serial number?"),
        ("Let me add up the receipts.", "How much did you spend in total?"),
        ("Is it the one at the bottom of the bill, is it?", "What's your customer reference?"),
        ("It's printed on the back of the meter.", "Do you know the meter's serial?"),
        ("The letter says account.", "Is there an account number on the letter?"),
        ("He's a. What do you call those?", "What kind of dog is he?"),
    ],
)
def test_the_caller_about_to_give_the_value_holds(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("We were hoping for around.", "What's your budget?"),
        ("We'd like someone every.", "How often should the cleaner come?"),
        ("I changed jobs, and my new employer's.", "Why are you leaving the scheme?"),
    ],
)
def test_an_ending_that_owes_what_comes_next_holds(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "unfinished"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Hang on, I don't have it.", "What's your account number?"),
        ("It's in my name and my husband's.", "Are you the account holder?"),
        ("It says pending.", "Does the screen say paid or pending?"),
        ("Every Friday.", "How often are you paid?"),
    ],
)
def test_the_same_words_closing_a_sentence_do_not_hold(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


def test_the_number_a_text_came_from_is_a_phone_number_and_paying_by_phone_is_not() -> None:
    assert asked_for("Which number did the suspicious text come from?") == ("phone", None)
    assert asked_for("What number did they call you from?") == ("phone", None)
    assert asked_for("To pay by phone I'll need the card number.") == ("card", None)


def test_a_country_named_gives_the_phone_numbers_length() -> None:
    assert phone_region("it's a spanish one") == "ES"
    assert phone_region("what number are you on while you're in kenya?") == "KE"
    assert phone_region("it's my mobile") is None
    agent = "What number are you on while you're in Spain?"
    assert dictation_state("It's a Spanish one, 612. 3456.", agent).complete is False
    assert dictation_state("It's a Spanish one, 612. 3456. 78.", agent).complete is True


def test_a_country_code_said_gives_the_phone_numbers_length() -> None:
    assert phone_whole("254712345678", plus=True, region=None) is True
    assert phone_whole("254712", plus=True, region=None) is False
    # Ofcom's drama range is valid nowhere, and whole at the UK's longest length.
    assert phone_whole("447700900123", plus=True, region=None) is True
    # A German number may run on: valid now and valid one digit longer is not known.
    assert phone_whole("493023125", plus=True, region=None) is None
    # Neither a code nor a country: the judge's own rules decide.
    assert phone_whole("07700900123", plus=False, region=None) is None


def test_a_number_described_before_it_is_read_holds() -> None:
    agent = "Can I take a contact number for the reminder text?"
    assert judge_turn("Okay. My number is a Kenyan one.", agent).state == "unfinished"
    assert judge_turn("Okay. My number is a Kenyan one. +254. 712.", agent).state == "unfinished"
    assert judge_turn("Okay. My number is a Kenyan one. +254. 712. 345678.", agent).state == (
        "final"
    )


def test_a_dutch_postcode_waits_for_its_two_letters() -> None:
    agent = "What's the postcode of your home address?"
    assert dictation_state("It is a Dutch one, 2513.", agent).complete is False
    assert dictation_state("It is a Dutch one, 2513. AA.", agent).complete is True
