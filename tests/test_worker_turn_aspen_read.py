"""Rules from reading issue 27's aspen corpus: a greeting by the agent's name, a value
found or being found, a thinking pause ("good question"), an address announced as
"which is", a guess at which address, and endings that owe what comes next ("It's
dated.", "It's basically.", "and now.", "just past.", "he wanted.")."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("Oh, hi, Priya.", "Nursery office, Priya speaking."),
        ("Hello, Tom.", "Good afternoon, Tom speaking, how can I help?"),
        ("Yeah, hi, Ana.", "You're through to Ana."),
    ],
)
def test_a_greeting_by_the_agents_name_is_a_greeting(said: str, agent: str) -> None:
    assert judge_turn(said, agent).reason == "greeting"


def test_a_name_the_agent_never_said_is_no_greeting_of_them() -> None:
    assert judge_turn("Hi, Priya.", "Hello, you're speaking with Sam.").reason != "greeting"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # Being found: somewhere on a thing, or written down somewhere.
        ("It's on the gate fob somewhere.", "Which plot number are you on?"),
        ("I've got it written down somewhere.", "Do you have the claim number?"),
        ("Yes. I have it somewhere.", "Do you have your membership number?"),
        # Found just now, about to be read.
        ("Here we are.", "What's the invoice number?"),
        ("Right, found it in the folder.", "Do you have the policy number?"),
        # Thinking before the answer.
        ("Hmm. That's a good question.", "When did the payments start?"),
        # Pointing at where the value is printed.
        ("I think it's this one at the top.", "Can you read me the reference on the letter?"),
    ],
)
def test_a_value_being_found_holds_the_turn(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "final"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("The letter's dated.", "When did they write to you?"),
        ("Well, it's basically.", "What's the problem with the boiler?"),
        ("It worked on Monday, and now.", "What's happened with the heating?"),
        ("I'm parked just outside.", "Where are you now?"),
        ("She always said she wanted.", "Had she made any wishes known?"),
    ],
)
def test_an_ending_that_owes_what_comes_next_holds(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state == "unfinished"


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("The wrong size, basically.", "What was wrong with it?"),
        ("It's been like that between then and now.", "How long has it been like this?"),
        ("I've got everything I wanted.", "Is there anything else?"),
        ("That's what she wanted.", "Did she want a burial?"),
        ("Hi there.", "Hello, you're through to Brightwater Energy."),
    ],
)
def test_the_same_words_closing_a_sentence_do_not_hold(said: str, agent: str) -> None:
    assert judge_turn(said, agent).state != "unfinished"


@pytest.mark.parametrize(
    "said",
    ["Probably my work one.", "It might be my personal one.", "The family one."],
)
def test_which_email_address_named_waits_for_the_address(said: str) -> None:
    assert judge_turn(said, "Which email is the account registered to?").state != "final"


def test_which_account_named_is_the_whole_answer() -> None:
    # Not read as the label of a value still to come (the account's number may be asked
    # for next, by the agent).
    assert judge_turn("Um. The joint one.", "Which account is this about?").state == "final"


def test_an_address_given_in_a_which_clause_is_read_to_its_domain() -> None:
    agent = "Which email did you register with?"
    assert judge_turn("My work one. Which is J Bennett.", agent).state == "unfinished"
    assert judge_turn("My work one. Which is J Bennett. At example.com.", agent).state == "final"
