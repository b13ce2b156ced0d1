"""Rules from reading issue 27's willow corpus: how a spelled address is joined, a time
word still owing its noun, where a value is by the letter it came on, a code's first
letters after its name, and three idioms that end a sentence; and an identifier's spoken
name ("NIF") is not part of the identifier."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # How the letters said are joined, not a refusal of an address.
        ("It's the Pattersons. No spaces.", "What email should the invoice go to?"),
        ("No spaces.", "And your email address?"),
        ("Hill family, all one word.", "Which email do you use?"),
        # A time word whose noun is still to come.
        ("The boiler was serviced last.", "When was it last looked at?"),
        ("He had his jabs last.", "Is there anything in his history?"),
        ("Last.", "Which delivery was late?"),
        # Where the value is, by the paper it came on.
        ("Yes. It's on the booking form I printed.", "Do you have the booking reference?"),
        ("It's on the email they sent me.", "Can I take the order number?"),
        # A code's first letters after its name.
        ("Yes. It's the trade account, TR.", "Is this on a trade account?"),
    ],
)
def test_more_is_coming(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("No, I don't have one.", "What email should the invoice go to?"),
        ("Next.", "Would you like this week or next?"),
        ("The year before last.", "When did you buy it?"),
        ("It finally went through at last.", "Did the payment work?"),
        ("The knee has ached ever since.", "How can I help?"),
        ("It has been leaking ever since.", "What's the problem?"),
        ("Two hours late, and my dad was still in bed.", "Did the carer arrive on time?"),
    ],
)
def test_the_whole_is_answered_at_once(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state != "unfinished"
    assert verdict.reason not in ("label_read", "dangling_word", "open_phrase")


def test_the_bed_asked_for_is_a_label() -> None:
    assert judge_turn("She's in bed.", "Which bed is she in on the ward?").reason == "label_read"


def test_a_refusal_after_a_name_is_still_no_code() -> None:
    assert judge_turn("I want to close my account, OK.", "How can I help?").state == "final"


@pytest.mark.parametrize(
    ("agent", "part", "whole"),
    [
        ("Can I take your NIF, please?", "My NIF is 1234567.", "My NIF is 12345678Z."),
        ("Could I have your PESEL number?", "PESEL 4405140.", "PESEL 44051401359."),
        ("What's the VIN?", "The VIN is 1HGCM82633.", "The VIN is 1HGCM82633A004352."),
    ],
)
def test_an_identifiers_spoken_name_is_not_its_letters(agent: str, part: str, whole: str) -> None:
    # "NIF" said before the number is its name, not three of its nine characters.
    assert judge_turn(part, agent).state != "final"
    assert judge_turn(whole, agent).state == "final"
