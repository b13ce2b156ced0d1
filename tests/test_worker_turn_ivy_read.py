"""Rules from reading issue 27's ivy corpus: a value kept "here somewhere", where it is
said after "hang on", someone in the room holding the card, "let me put my glasses on",
a subject after ", and" with no verb ("..., and no one."), an e-mail begun with an
initial ("J dot Moreno."), and a card's security code whole at three digits."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I've got a policy number here somewhere.", "Have you got the policy number?"),
        ("The account number, hold on, it's on the statement.", "What's the account number?"),
        ("Hang on, my husband's got the card.", "What's the long number on the card?"),
        ("Okay, let me put my reading glasses on.", "What's your membership number?"),
        ("The gate was open, and no one.", "What happened at the stables?"),
        ("J dot Moreno.", "Where shall we send the receipt?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("It's 407.", "And the CVV on the back, please?"),
        ("Sorry, it's 3 1 9.", "What's the card security code?"),
    ],
)
def test_a_security_code_is_whole_at_three_digits(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "final"
    assert verdict.reason.startswith("dictation_complete")


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Hang on, why do I need to give you that?", "What's the card number?"),
        ("I went along, and nobody was there.", "What happened?"),
        ("It's on example.com.", "Where did you book it?"),
    ],
)
def test_the_same_words_closing_a_sentence_do_not_hold(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


def test_a_texted_security_code_is_not_whole_at_three_digits() -> None:
    assert judge_turn("It's 1 2 3.", "What's the security code we texted you?").state != "final"
