"""Rules from reading issue 27's larch corpus: a list with no "and" yet, the country of
a postcode before the code, "code postal", "on the tip of my tongue", "I think." alone,
"They've said." to a when-question, "Could you do?", "...and after.", and a longer wait
for a sentence left open (pauses inside one reach 1.2 s). Also the other side: words
the judge had read as left open that close a sentence ("I didn't know that.", "Sorry?",
"Twice, actually.", "Over." to an either-or question), answered without the long wait."""

from __future__ import annotations

import pytest

from config import default_settings
from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Well, there'll be my sister, my nephew.", "Who's travelling with you?"),
        ("I've got the birth certificate, the council tax bill.", "What ID can you bring?"),
        ("It's a French one.", "Can I take the postcode, please?"),
        ("Oh, it's in Spain.", "What's the postcode there?"),
        ("Um, what's the word.", "What sort of boiler is it?"),
        ("It's on the tip of my tongue.", "What was the engineer's name?"),
        ("Um, I think.", "Is the back gate unlocked?"),
        ("She's said.", "When is the delivery due?"),
        ("He's said.", "What time did the driver give you?"),
        ("Can you do?", "Which day suits you?"),
        ("We want to go to the museum and before.", "What are your plans for the day?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


def test_a_postcode_asked_for_as_code_postal_is_read_as_one() -> None:
    # "75." alone is the first group of a French code postal, not an answer.
    assert judge_turn("75.", "Et le code postal, s'il vous plaît?").state == "unfinished"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("The blue ones, the thick ones.", "Which towels did you order?"),
        ("Me, my wife and our two boys.", "Who's coming?"),
        ("It's in Germany, 10115.", "What's the postcode?"),
        ("I think so.", "Is the back gate unlocked?"),
        ("Oh, I hadn't heard that.", "The office closes at four on Fridays."),
        ("I'd have loved that.", "We could have done it on the Monday."),
        ("Sorry?", "Can I take your postcode?"),
        ("Three times, actually.", "Have you reset it?"),
        ("Under.", "Is he over or under twenty kilos?"),
        ("No, I never make that mistake.", "Did you enter it twice?"),
        ("Just text it over.", "Shall I send you the code?"),
        ("I've not used it since.", "Is the card still in use?"),
    ],
)
def test_the_same_shapes_closing_a_sentence_are_not_held_open(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "unfinished"


def test_yes_actually_still_waits_for_what_follows() -> None:
    assert judge_turn("Yes, actually.", "Anything else I can help with?").state != "final"


def test_a_sentence_left_open_outlasts_a_pause_of_one_point_two_seconds() -> None:
    latency = default_settings().latency
    verdict = judge_turn("The alarm's been beeping since.", "What's the problem?")
    assert verdict.state == "unfinished"
    # On an unfinished turn the framework commits its longest delay after the voice
    # stopped (bench turns' timing model): a caller back after 1.2 s must be in time.
    assert latency.max_endpointing_delay > 1.2
