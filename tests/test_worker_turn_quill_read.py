"""Rules from reading issue 27's quill corpus: identifiers of one length by their
issuers' formats, an auxiliary left without its verb, a reaction before the look."""

from __future__ import annotations

import pytest

from worker.turns.dictation import asked_for
from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("agent", "part", "whole"),
    [
        ("What's the club's EIN?", "91. 234.", "91. 234. 5678."),
        ("And your Unique Taxpayer Reference?", "987. 654.", "987. 654. 3210."),
        ("And your tax file number?", "876. 543.", "876. 543. 210."),
        ("Your PAN number, please.", "ABCPE. 1234.", "ABCPE. 1234. F."),
        ("What's your German tax ID?", "36. 574. 261.", "36. 574. 261. 809."),
        ("What's the CEP for the locker you want to use?", "01310.", "01310. 100."),
        ("What is your PIN code in India?", "560.", "560. 034."),
        ("What's the citizen service number?", "1112. 22.", "1112. 22. 333."),
    ],
)
def test_an_identifier_of_one_length_is_whole_at_it(agent: str, part: str, whole: str) -> None:
    assert judge_turn(part, agent).state != "final"
    assert judge_turn(whole, agent).state == "final"


def test_a_direct_line_is_a_phone_number() -> None:
    assert asked_for("Can I have a direct line for you?") == ("phone", None)
    assert asked_for("Can I take a number so the crew can call you?") == ("phone", None)


def test_a_code_started_after_the_stts_capital_is_held() -> None:
    agent = "Do you have the application reference from your acknowledgement letter?"
    assert judge_turn("Yes. The reference. Is BL.", agent).state == "unfinished"


@pytest.mark.parametrize(
    ("said", "agent", "state"),
    [
        ("My old employer's scheme has.", "How can I help?", "unfinished"),
        ("A couple of days, and nobody has.", "How can I help?", "final"),
        ("You've charged me for a. Landline I don't even have.", "The bill?", "final"),
        # Whole, not left open: held only the comma's breath of a bare "Yes." (olive).
        ("Yes, it has.", "Has it arrived?", "maybe"),
        ("The engineer said someone would call me within.", "How can I help?", "unfinished"),
        ("Ooh, let me look.", "When is your hearing date?", "unfinished"),
    ],
)
def test_an_auxiliary_or_preposition_left_open(said: str, agent: str, state: str) -> None:
    assert judge_turn(said, agent).state == state


def test_morning_greets_an_opening_that_asks_for_no_time() -> None:
    assert judge_turn("Morning.", "Blue badge team, how can I help?").reason == "greeting"
    assert judge_turn("Afternoon.", "Would you like a morning or afternoon slot?").reason != (
        "greeting"
    )
