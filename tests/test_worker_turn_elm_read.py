"""Rules from reading issue 27's elm corpus: a greeting and a breath ("Hi, yeah."), going
to look in the caller's own words ("I'm trying to find it.", "I'll have to get my
glasses."), thinking aloud ("now you're asking"), a subject with no verb yet after a
conjunction, a coming or going whose date is next, "He's." with its complement next, and
how a word of an e-mail address is spelled ("with two R's")."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Hello, um.", "Good afternoon, you're through to bookings."),
        ("I'm just looking for it. The kids have had my bag.", "Have you got the reference?"),
        ("I need to fetch my purse.", "Can I take the card number?"),
        ("Ooh, you've got me there.", "When did you move in?"),
        ("We had three quotes, and the other ones.", "What did the other firms say?"),
        ("I have four cats, but some of them.", "Are they all insured?"),
        ("We're flying out the 3rd and coming back.", "What dates do you need cover for?"),
        ("It's my husband. She's.", "Who is the policy for?"),
        ("It's Jo. Then Lennon with a double N.", "What email address shall we use?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("We're arriving Friday and leaving.", "Is it just the two of you?"),
        ("I'm trying to find a cheaper tariff.", "What can I do for you?"),
        ("Two of them are insured, but one of them isn't.", "Are they all insured?"),
        ("It's the one with a red door.", "Which house is it?"),
        ("I fetched my purse and paid.", "Did the payment go through?"),
    ],
)
def test_the_same_words_closing_a_sentence_do_not_hold(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "final"


def test_a_spelled_address_is_whole_at_its_domain() -> None:
    said = "It's Jo. Then Lennon with a double N. At example.com."
    verdict = judge_turn(said, "What email address shall we use?")
    assert verdict.state == "final"
    assert verdict.dictation is not None and verdict.dictation.kind == "email"
