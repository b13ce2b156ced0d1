"""Addresses and numbers read with a pause, an aside or a regional "@", as the turn judge
and the redactor hear them (from issue 27's orchard corpus, read, and call-centre
practice)."""

from __future__ import annotations

import pytest

from compliance import normalise, redact_text
from worker.turns.dictation import dictation_state
from worker.turns.turn_judge import judge_turn

EMAIL = "What's the best email for class updates?"
CONTACT = "Can I get an emergency contact number?"


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("rk.sharma at the rate of gmail dot com", "rk.sharma@gmail.com"),
        ("priya at the rate yahoo dot in", "priya@yahoo.in"),
    ],
)
def test_at_the_rate_is_the_at_sign(said: str, written: str) -> None:
    # Indian English reads "@" as "at the rate (of)".
    assert normalise(said).text == written
    assert redact_text(said) == "[EMAIL]"


def test_a_rate_of_interest_is_no_address() -> None:
    said = "It's charged at the rate of 5 percent."
    assert redact_text(said) == said


def test_an_address_with_at_the_rate_is_whole_at_its_domain() -> None:
    agent = "Could I take an email address to send the claim forms to?"
    assert judge_turn("It is R K Sharma. 1962.", agent).state == "unfinished"
    assert judge_turn("It is R K Sharma. 1962. At the rate example.com.", agent).state == "final"


def test_an_address_read_to_its_domain_is_whole_whatever_was_asked() -> None:
    agent = "Could you spell the first part for me?"
    assert judge_turn("G for golf. R for Romeo. E for echo. G for golf.", agent).state != "final"
    said = "G for golf. R for Romeo. E for echo. G for golf. At example.com."
    assert judge_turn(said, agent).state == "final"


@pytest.mark.parametrize(
    ("said", "whole"),
    [
        ("Busy mum. Sorry, hold on. Busy mum 3.", False),
        ("Busy mum. Sorry, hold on. Busy mum 3. At example.org.", True),
        ("Busy mum 3. Sorry, hold on. At example.org.", True),
    ],
)
def test_a_pause_in_an_address_is_no_part_of_it(said: str, whole: bool) -> None:
    verdict = judge_turn(said, EMAIL)
    assert verdict.dictation is not None and verdict.dictation.kind == "email"
    assert verdict.dictation.complete is whole


def test_an_apology_to_someone_in_the_room_takes_no_digits_back() -> None:
    said = "Yeah. It's my husband's. 514. Sorry, sweetie, one sec. 555."
    state = dictation_state(said, CONTACT)
    assert state is not None and state.digits == 6 and state.complete is False
    assert judge_turn(said + " 0138.", CONTACT).state == "final"
    # An apology for the digits still takes them back.
    state = dictation_state("4224. Sorry. 4242.", "What's the card number?")
    assert state is not None and state.digits == 4


def test_one_sec_is_no_digit() -> None:
    # The caller goes to get the card, as after "Yes. Hang on."; the "one" is no digit of it.
    state = dictation_state("Yes. Hang on one sec.", "Do you have your card handy?")
    assert state is not None and state.digits == 0 and state.complete is False
