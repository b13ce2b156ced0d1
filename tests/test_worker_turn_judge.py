"""The transcript turn judge on chat contexts shaped like the framework's: finals joined
with spaces, periods wherever a real STT heard a pause, redacted by the STT node."""

from __future__ import annotations

import pytest
from livekit.agents import llm

from compliance import CallRedactor
from worker.turns.dictation import asked_for, asks_for_two, dictation_state, luhn_ok
from worker.turns.turn_judge import RawTurnText, TranscriptTurnJudge, hold_for, judge_turn

pytestmark = pytest.mark.unit


def _ctx(agent: str, user: str) -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="system", content="You are a call-center agent.")
    if agent:
        ctx.add_message(role="assistant", content=agent)
    ctx.add_message(role="user", content=user)
    return ctx


async def _judged(judge: TranscriptTurnJudge, agent: str, user: str) -> bool:
    """True when the judge lets the framework answer after the short delay."""
    threshold = await judge.unlikely_threshold(None)
    assert threshold is not None
    return await judge.predict_end_of_turn(_ctx(agent, user)) >= threshold


async def test_phone_number_in_three_groups_is_unfinished_until_the_last_group() -> None:
    """Each group arrives as its own final with a period, and the STT node redacts it:
    the judge reads the raw finals behind the placeholders."""
    redactor = CallRedactor()
    raw = RawTurnText()
    judge = TranscriptTurnJudge(raw_text=raw)
    finals = ["My phone number is four one five.", "Five five five.", "Zero one two three."]
    redacted: list[str] = []
    decisions = []
    for final in finals:
        safe = redactor.redact(final)
        raw.add(final, safe)
        redacted.append(safe)
        turn = " ".join(redacted)
        assert "five" not in turn.lower()  # the context holds placeholders only
        decisions.append(await _judged(judge, "How can I help you today?", turn))
    assert decisions == [False, False, True]


def test_words_heard_past_the_last_final_keep_the_turn_open_until_their_final() -> None:
    # A slow STT: "Yes." is final, "is there a way to talk to" is still an interim when
    # the caller pauses, and the framework judges the finals it has.
    raw = RawTurnText()
    judge = TranscriptTurnJudge(raw_text=raw)
    agent = "No problem. Anything else?"
    raw.add("Yes.", "Yes.")
    assert judge.verdict(_ctx(agent, "Yes.")).reason == "yes_to_more"
    raw.heard("is there a way to talk to")
    assert judge.verdict(_ctx(agent, "Yes.")).reason == "awaiting_final"
    # Its final re-runs the judgment on the whole turn.
    raw.add("Is there a way to talk to?", "Is there a way to talk to?")
    whole = judge.verdict(_ctx(agent, "Yes. Is there a way to talk to?"))
    assert (whole.state, whole.reason) == ("unfinished", "open_phrase")
    # An empty interim (line noise heard as nothing) holds nothing.
    raw.add("Someone about a business account?", "Someone about a business account?")
    raw.heard("  ")
    assert not raw.awaiting_final


def test_speech_the_stt_heard_begin_keeps_the_turn_open_without_an_interim() -> None:
    # Deepgram sends interims about once a second of audio: a short second breath can
    # reach its final with none, but its SpeechStarted (START_OF_SPEECH) came first.
    raw = RawTurnText()
    judge = TranscriptTurnJudge(raw_text=raw)
    agent = "Shall I read it back to you?"
    raw.add("Yes.", "Yes.")
    raw.speech_ended()
    raw.speech_started()
    assert judge.verdict(_ctx(agent, "Yes.")).reason == "awaiting_final"
    # A cough: speech began, the endpoint came with no words and no final.
    raw.speech_ended()
    assert judge.verdict(_ctx(agent, "Yes.")).reason == "answer_to_yes_no"


async def test_phone_groups_after_the_agent_asked_for_the_number() -> None:
    judge = TranscriptTurnJudge()
    agent = "Sure. What's the best phone number to reach you?"
    assert not await _judged(judge, agent, "It's 415.")
    assert not await _judged(judge, agent, "It's 415. 555.")
    assert await _judged(judge, agent, "It's 415. 555. 0123.")


async def test_yes_after_a_yes_no_question_is_final_even_unpunctuated() -> None:
    judge = TranscriptTurnJudge()
    assert await _judged(judge, "Is this the number on your account?", "yes")
    assert await _judged(judge, "Is this the number on your account?", "Yes.")
    assert await _judged(judge, "Is this the number on your account?", "Yes, it is.")
    assert not await _judged(judge, "Is this the number on your account?", "Yes, but")


async def test_complete_address_answer_gets_the_short_delay() -> None:
    judge = TranscriptTurnJudge()
    assert await _judged(judge, "What's the delivery address?", "It's 42 Oak Street, Springfield.")


@pytest.mark.parametrize(
    ("agent", "user", "state"),
    [
        ("", "My card number is 4111 1111 1111.", "unfinished"),
        ("", "My card number is 4111 1111 1111 1111.", "final"),
        ("", "My date of birth is March 5th.", "unfinished"),
        ("", "My date of birth is March 5th, 1985.", "final"),
        ("Can I have your date of birth?", "March fifth.", "unfinished"),
        ("Can I have your date of birth?", "March fifth nineteen eighty five.", "final"),
        ("What's your email address?", "It's john dot smith.", "unfinished"),
        ("", "My email is john dot smith at gmail.", "unfinished"),
        ("", "My email is john dot smith at gmail dot com.", "final"),
        # Agreeing to read a value is the start of reading it (a pause to find the card).
        ("What's your email address?", "Sure.", "unfinished"),
        ("Please read me the new card number.", "Sure.", "unfinished"),
        ("What's the best number to reach you?", "Okay, one second.", "unfinished"),
        ("What's your email address?", "I don't have one.", "final"),
        # A short answer waits the short hold: a comma's breath may bring more.
        ("Can I put you on hold for a moment?", "Sure.", "maybe"),
        ("", "The zip is 941.", "unfinished"),
        ("", "The zip is 94107.", "final"),
        ("", "My account number is 1234.", "unfinished"),
        ("", "My account number is 1234. 5678.", "maybe"),
        ("Please read me your ten-digit account number.", "It's 1234. 5678.", "unfinished"),
        ("Please read me your ten-digit account number.", "It's 1234. 5678. 90.", "final"),
        # Named last, nothing given: a finished sentence is answered (issue 27) ...
        ("", "I want to update my phone number.", "final"),
        ("How can I help?", "My account is under my wife's name, actually.", "final"),
        ("Can I get your account number, please?", "I don't have my account number.", "final"),
        # ... unless the agent just asked for it, or the caller wants something sent to it.
        ("What's the best phone number to reach you?", "You can use my mobile.", "maybe"),
        ("", "Could you send a text to my mobile.", "maybe"),
        ("", "And could you also send a text to. My mobile.", "maybe"),
        ("", "Can I pay by card?", "final"),
        ("", "I need to update the billing address on my account.", "final"),
        ("", "I'd like to change.", "unfinished"),
        ("", "I was charged twice for.", "unfinished"),
        ("", "Tuesday. No, sorry.", "unfinished"),
        ("", "Okay, so.", "unfinished"),
        ("", "Mm-hmm.", "maybe"),
        ("", "The problem is.", "unfinished"),
        ("How can I help?", "I got a text saying.", "unfinished"),
        ("How can I help?", "Can you tell me.", "unfinished"),
        # An expiry is a month and a year: the year follows the month's pause.
        ("And the expiration date?", "Oh nine.", "unfinished"),
        ("And the expiration date?", "Oh nine. Twenty-seven.", "final"),
        ("", "My phone number is.", "unfinished"),
        ("", "Can you tell me when the refund will arrive?", "final"),
        # "Yes" to an offer of more help says there is more; "No" ends it.
        ("No problem. Anything else?", "Yes.", "maybe"),
        ("Is there anything else I can help you with?", "Yeah.", "maybe"),
        ("Do you have any other questions?", "Yes.", "maybe"),
        ("No problem. Anything else?", "No.", "maybe"),
        ("No problem. Anything else?", "No, thanks.", "maybe"),
        ("No problem. Anything else?", "Yes. Is there a way to talk to someone?", "final"),
        ("Shall I cancel it?", "Yes.", "maybe"),
        # A word that leaves a sentence open, said where the sentence is whole.
        ("How can I help?", "Who should I talk to about my bill?", "final"),
        ("How can I help?", "Who should I talk to?", "final"),
        ("How can I help?", "Is there a cheaper plan I could switch to?", "final"),
        ("Anything else?", "And could you also send a text to?", "unfinished"),
        ("How can I help?", "Could you explain what this charge is for?", "final"),
        ("How can I help?", "Is there a way to talk to?", "unfinished"),
        ("I'll transfer you to billing now.", "Great, thank you.", "final"),
        ("What's the problem?", "The screen goes black when I turn it on.", "final"),
        ("How can I help?", "Every time I try to pay online, it.", "unfinished"),
        ("How can I help?", "We've had no water pressure since.", "unfinished"),
        # A few words of no digits after the agent asked for a value: its first group.
        ("What's your policy number?", "HP.", "unfinished"),  # letters alone: a first group
        ("What city and zip code is that?", "Austin.", "maybe"),
        ("What's your policy number?", "I don't know it.", "final"),
    ],
)
def test_judge_turn(agent: str, user: str, state: str) -> None:
    assert judge_turn(user, agent).state == state


async def test_maybe_holds_before_answering() -> None:
    """An account number of unknown length is answered, but only after the hold."""
    import asyncio

    judge = TranscriptTurnJudge(maybe_hold_s=0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await _judged(judge, "", "My account number is 1234. 5678.")
    assert loop.time() - started >= 0.05


def test_raw_text_matches_the_framework_join_and_ignores_older_turns() -> None:
    raw = RawTurnText()
    raw.add("Hi there.", "Hi there.")
    raw.add("My card is 4111 1111.", "My card is [CARD_1].")
    raw.add("1111 1111.", "[CARD_1].")
    assert raw.raw_for("My card is [CARD_1]. [CARD_1].") == "My card is 4111 1111. 1111 1111."
    assert raw.raw_for("[CARD_1].") == "1111 1111."
    assert raw.raw_for("Something else entirely that is long.") is None


def test_dictation_helpers() -> None:
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert asked_for("Could I get your 10-digit account number?") == ("account", 10)
    assert asked_for("How can I help?") is None
    state = dictation_state("Sure, it's four one five.", "What's your phone number?")
    assert state is not None and state.kind == "phone" and state.digits == 3
    assert state.from_agent and state.complete is False


def test_a_bare_acknowledgement_of_a_statement_waits_a_little_for_more() -> None:
    told = "Yes, I can connect you with our business team."
    verdict = judge_turn("Great.", told)
    assert (verdict.state, verdict.reason) == ("maybe", "acknowledgement")
    judge = TranscriptTurnJudge(ack_hold_s=0.5, maybe_hold_s=1.2)
    assert judge.hold_s(verdict) == 0.5
    # An answer to a question waits only the short-answer hold: the agent asked.
    answer = judge_turn("Great.", "How was your delivery?")
    assert (answer.state, answer.reason) == ("maybe", "short_answer")
    assert TranscriptTurnJudge(ack_hold_s=0.5, short_hold_s=0.3).hold_s(answer) == 0.3
    assert judge_turn("Yes.", "Is this the number on your account?").reason == "answer_to_yes_no"
    # Nor is a turn that already says more than the acknowledgement.
    assert judge_turn("Great. Thanks.", told).state == "maybe"
    assert judge_turn("Great, that works for me.", told).state == "final"


@pytest.mark.parametrize("said", ["Hello.", "Hi.", "Hey there.", "Good morning.", "hello"])
def test_a_bare_greeting_waits_the_short_hold_for_the_reason_of_the_call(said: str) -> None:
    # "Hello, I have a question." split at its comma pause: the first final is only the
    # greeting, and answering it talks over the caller (seen at a 0.12 s VAD window).
    verdict = judge_turn(said, "Thanks for calling First Bank.")
    assert (verdict.state, verdict.reason) == ("maybe", "greeting")
    judge = TranscriptTurnJudge(ack_hold_s=0.5, maybe_hold_s=1.25)
    assert judge.hold_s(verdict) == 0.5


def test_a_greeting_that_asks_or_says_more_is_not_held() -> None:
    # "Hello?" checks the line is open: someone should answer at once.
    assert judge_turn("Hello?", "Thanks for calling First Bank.").state == "final"
    assert judge_turn("Hello, I have a question.", "").state == "final"
    assert judge_turn("There.", "").reason != "greeting"


@pytest.mark.parametrize(
    ("agent", "user"),
    [
        ("Is that the card ending in 4242?", "That's the one."),  # the pronoun, not a 1
        ("Which account is this about?", "The joint one."),
        ("Would you like paper statements?", "Email's fine."),  # about an address
        ("Is there anything else?", "Yes, can you email me a receipt?"),  # the verb
        ("Can you spell your email address for me?", "It's the same as my username."),
        ("Would you prefer email or text?", "Text."),  # a choice, not the address
        ("Am I speaking with the account holder?", "Yes."),  # confirming, not reading
    ],
)
def test_words_about_a_value_are_not_its_dictation(agent: str, user: str) -> None:
    assert dictation_state(user, agent) is None
    assert judge_turn(user, agent).state != "unfinished"


def test_spelled_and_dotted_addresses_are_still_dictation() -> None:
    spelled = dictation_state("M A R I A.", "Could you spell the email for me?")
    assert spelled is not None and spelled.complete is False
    dotted = dictation_state("It's john dot smith.", "What's your email address?")
    assert dotted is not None and dotted.complete is False
    assert asked_for("What's your postcode?") == ("zip", None)
    assert asked_for("What's the best landline number?") == ("phone", None)


def test_a_value_announced_then_read_in_groups_is_held() -> None:
    # The STT closes a part on the word that introduces the value.
    verdict = judge_turn("It's. 42 Harbour Street.", "What's the delivery address?")
    assert (verdict.state, verdict.reason) == ("maybe", "announced_value")
    # "This is." said to a question asking who: the name follows.
    assert judge_turn("This is.", "Who am I speaking with?").state == "unfinished"
    # "Yes, it is." ends on its verb and is whole: held only the comma's breath of a bare
    # "Yes." (the olive reading), never as an open sentence.
    echoed = judge_turn("Yes, it is.", "Is this your first call?")
    assert (echoed.state, echoed.reason) == ("maybe", "short_turn")


def test_a_request_for_two_values_waits_for_the_second() -> None:
    agent = "Can I have your sort code and account number?"
    assert asks_for_two(agent)
    assert not asks_for_two("What's your phone number?")
    verdict = judge_turn("20. 10. 53. 3192. 6819.", agent)
    assert verdict.state == "maybe"
    place = judge_turn("Surry Hills. New South Wales.", "Which suburb is that, and the postcode?")
    assert (place.state, place.reason) == ("maybe", "value_expected:zip")


def test_the_value_asked_for_is_the_first_named() -> None:
    assert asked_for("What's the card number on the account?") == ("card", None)
    assert asked_for("What's the full zip code, with the extra four digits?") == ("zip", 9)
    assert asked_for("Can you read me the last eight digits?") == ("reference", 8)
    assert asked_for("What's the order number?") == ("reference", None)
    spelled = judge_turn("K as in kilo.", "What's the confirmation code?")
    assert spelled.state == "maybe"


def test_a_date_said_in_pieces_to_a_when_question_is_held_until_a_year() -> None:
    assert judge_turn("The 15th.", "When's the moving date?").reason == "date_fragment"
    assert judge_turn("The 15th of December 2026.", "When's the moving date?").state == "final"
    # Not asked when: a day named in a request is answered at once.
    assert judge_turn("I want to move my delivery to Tuesday.", "How can I help?").state == "final"


def test_a_modal_after_if_owes_its_verb() -> None:
    assert judge_turn("I'm not sure if I should.", "How can I help?").state == "unfinished"


def test_an_expiry_a_spelled_name_and_a_number_to_text_are_values() -> None:
    assert asked_for("And the expiry date?") == ("reference", 4)
    assert judge_turn("09.", "And the expiry date?").state == "unfinished"
    assert judge_turn("09. 27.", "And the expiry date?").state == "final"
    spelling = "Can you spell that for me?"
    assert judge_turn("P as in Peter. J as in John. Smith.", spelling).state == "maybe"
    assert asked_for("What's the number for the pharmacy to text?") == ("phone", None)


@pytest.mark.parametrize(
    ("agent", "user"),
    [
        ("Would you like to pay the full balance today?", "Not today."),
        ("Have you used the online portal before?", "Once."),
        ("Thank you for holding.", "That's okay."),
        ("Hello, you're speaking with Sam.", "Hi, Priya."),
    ],
)
def test_a_short_finished_turn_to_a_yes_no_question_or_a_statement_waits_the_short_hold(
    agent: str, user: str
) -> None:
    # Each is as often the opener of a longer turn ("Not today. / Can I pay half now?")
    # after a comma's breath as the whole of it.
    verdict = judge_turn(user, agent)
    assert (verdict.state, verdict.reason) == ("maybe", "short_turn")
    judge = TranscriptTurnJudge(ack_hold_s=0.5, maybe_hold_s=1.45, short_hold_s=0.3)
    assert judge.hold_s(verdict) == 0.3


def test_a_short_answer_to_a_question_asking_what_is_answered_at_once() -> None:
    assert judge_turn("Maria Gonzalez.", "Who am I speaking with?").state == "final"
    assert judge_turn("Billing.", "What is the call about?").state == "final"
    assert judge_turn("Why?", "Would you like to pay the full balance today?").state == "final"


def test_a_named_date_asked_for_is_held_until_it_has_a_year() -> None:
    agent = "What's the start date on the policy?"
    assert judge_turn("1st.", agent).reason == "date_fragment"
    assert judge_turn("September. 9th.", "What was the date of service on the bill?").state == (
        "maybe"
    )
    assert judge_turn("1st. August. 2024.", agent).state == "final"


def test_letters_said_as_a_reference_are_its_first_group() -> None:
    # smart_format joins spelled letters: "A B" comes back as "AB."
    verdict = judge_turn("Okay, the reference is AB.", "What's the reference number?")
    assert (verdict.state, verdict.reason) == ("unfinished", "dictation_incomplete:reference")
    assert judge_turn("HP.", "What's your policy number?").state == "unfinished"
    # A sentence that ends on an acronym names a bank, not a value.
    assert judge_turn("I have a savings account with TSB.", "How can I help?").state == "final"
    assert dictation_state("My account is OK.", "") is None


def test_the_first_part_of_an_address_announced_is_not_all_of_it() -> None:
    agent = "Can I have your email address?"
    assert judge_turn("The first part is B Wright.", agent).state == "unfinished"
    done = judge_turn("The first part is B Wright. At sky.com.", agent)
    assert done.reason == "dictation_complete:email"


def test_a_time_left_open_is_unfinished() -> None:
    assert judge_turn("Any time after.", "What time works best?").reason == "dangling_word"
    assert judge_turn("Any time after 3.", "What time works best?").state == "final"
    assert judge_turn("I called the day before.", "How can I help?").state == "final"


def test_more_ways_an_agent_asks_for_a_number() -> None:
    assert asked_for("Can I have a number where the technician can reach you?") == ("phone", None)
    assert asked_for("Is there a number we can text the code to?") == ("phone", None)
    assert asked_for("Go ahead with the Amex number.") == ("card", None)
    # Two letters, six digits and a letter: nine characters (HMRC's format).
    assert asked_for("What's your National Insurance number?") == ("reference", 9)
    amex = "Go ahead with the Amex number."
    assert judge_turn("3782. 822463.", amex).state == "unfinished"
    assert judge_turn("3782. 822463. 10005.", amex).state == "final"  # 15 digits, Luhn


def test_a_number_with_a_trunk_zero_runs_to_eleven_digits() -> None:
    agent = "What's the best number to reach you?"
    assert judge_turn("07700. 900. 7.", agent).state == "unfinished"
    assert judge_turn("07700. 900. 714.", agent).state == "final"
    # Ten digits after a 0: a whole Australian landline or a UK one a digit short. (After
    # "04", ten are whole: the UK has no 04 numbers.)
    assert judge_turn("02. 5550. 1234.", agent).state == "maybe"
    assert judge_turn("0491. 570. 156.", agent).state == "final"


def test_an_address_in_dotted_pieces_is_dictation() -> None:
    verdict = judge_turn("First name.last name.", "What's your work email?")
    assert verdict.reason == "dictation_incomplete:email"


@pytest.mark.parametrize(
    ("user", "state"),
    [
        ("It says.", "unfinished"),
        ("That's what it says.", "final"),
        ("It's just a bit too.", "unfinished"),
        ("Me too.", "maybe"),  # two words to a statement: the short hold, not dangling
        ("Can you leave it with the neighbour at number.", "unfinished"),
    ],
)
def test_phrases_that_owe_their_object(user: str, state: str) -> None:
    assert judge_turn(user, "I can see the charge here.").state == state


def test_a_time_of_day_said_back_to_a_greeting_is_a_greeting() -> None:
    verdict = judge_turn("Morning.", "Good morning, how can I help?")
    assert (verdict.state, verdict.reason) == ("maybe", "greeting")
    # Said to a question offering slots, it is the answer.
    assert judge_turn("Afternoon.", "Would a morning or afternoon slot suit you?").reason != (
        "greeting"
    )


@pytest.mark.parametrize(
    "user", ["416. Five five five.", "150.", "SW1A.", "QQ 12 34.", "Okay. AB 5572."]
)
def test_a_group_of_a_value_said_alone_waits_the_value_hold(user: str) -> None:
    # Its kind unknown (the agent's words named none), the next group may follow. ("Can I
    # have a number for the technician?" asks for a phone number to reach them.)
    verdict = judge_turn(user, "Can you read it out for me?")
    assert (verdict.state, verdict.reason) == ("maybe", "value_group")
    judge = TranscriptTurnJudge(ack_hold_s=0.5, maybe_hold_s=1.45, short_hold_s=0.3)
    assert judge.hold_s(verdict) == 1.45


@pytest.mark.parametrize("user", ["Two.", "I was charged 150.", "It is 2024.", "Flat 4B."])
def test_a_number_inside_words_or_a_small_count_is_not_a_value_group(user: str) -> None:
    assert judge_turn(user, "How many were there?").reason != "value_group"


def test_an_account_number_past_ten_digits_may_still_go_on() -> None:
    # No length named: 8 to 17 digits may be all of it or not; the value hold, not
    # the tenth digit, ends it.
    agent = "What's the account number on your bill?"
    verdict = judge_turn("1204. 556. 789.", agent)
    assert (verdict.state, verdict.reason) == ("maybe", "dictation_unknown_length:account")
    assert judge_turn("1204. 556. 789. 001. 2345.", agent).reason == "dictation_complete:account"


@pytest.mark.parametrize(
    ("agent", "user", "kind", "length"),
    [
        ("And the three-digit security code on the back?", "7.", "reference", 3),
        ("What's the full nine-digit zip?", "10001.", "zip", 9),
        ("Is there a daytime number?", "02.", "phone", None),
        # India's PAN: ten characters.
        ("Please tell me your PAN number.", "BRKPS. 4219.", "reference", 10),
        # A UK number plate: seven characters (DVLA's current format).
        ("What's the car's registration?", "Lima Kilo. 68.", "reference", 7),
        ("And the Eircode for the meter address?", "D02.", "zip", None),
    ],
)
def test_more_values_an_agent_asks_for_and_the_lengths_it_names(
    agent: str, user: str, kind: str, length: int | None
) -> None:
    assert asked_for(agent) == (kind, length)
    assert judge_turn(user, agent).state != "final"


def test_a_count_is_not_a_dictated_value() -> None:
    said = "My card's been declined three times today and I don't know why."
    assert dictation_state(said, "What can I do for you?") is None
    assert judge_turn(said, "What can I do for you?").state == "final"


def test_a_group_taken_back_in_a_card_number_is_not_counted_twice() -> None:
    agent = "Go ahead with the card number."
    # 4242 4242 4224, then "sorry" and the group again: 12 digits so far, not 16.
    state = dictation_state("4242. 4242. 4224. Sorry. 4242.", agent)
    assert state is not None and (state.complete, state.digits) == (False, 12)
    done = dictation_state("4242. 4242. 4224. Sorry. 4242. 4242.", agent)
    assert done is not None and done.complete is True


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("Dave underscore.", "Where should the receipt go?"),
        ("Dave underscore. Hughes.", "Where should the receipt go?"),
        ("All lowercase. Gwen. Dot. McAllister.", "What's the best email for you?"),
    ],
)
def test_an_address_being_spelled_is_held_until_its_domain(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state == "unfinished"
    assert judge_turn(f"{user} At gmail.com.", agent).state != "unfinished"


def test_a_value_spelled_in_the_phonetic_alphabet_is_a_group() -> None:
    agent = "Could you read that out for me?"
    assert judge_turn("X as in X-ray.", agent).reason == "value_group"
    assert judge_turn("Lima Kilo.", agent).reason == "value_group"
    # One name that is also a letter's word is a name.
    assert judge_turn("Mike.", "Who am I speaking with?").reason != "value_group"


def test_a_possessive_said_alone_owes_its_noun() -> None:
    assert judge_turn("My husband's.", "Riverside Pharmacy, how can I help?").state == (
        "unfinished"
    )
    assert judge_turn("My broadband's.", "What's the reason for your call?").state == ("unfinished")
    # To "whose" it is the answer.
    assert judge_turn("My husband's.", "Whose name is on it?").state != "unfinished"
    assert judge_turn("It's my husband's.", "How can I help?").state == "final"


def test_a_filler_said_last_holds_the_floor_longer() -> None:
    verdict = judge_turn("Um.", "How can I help?")
    assert (verdict.state, verdict.reason) == ("unfinished", "hesitation")
    judge = TranscriptTurnJudge(ack_hold_s=0.5, maybe_hold_s=1.45, short_hold_s=0.3)
    assert judge.hold_s(verdict) == judge.hold_s(judge_turn("07700.", "Your mobile number?"))


def test_two_greetings_are_a_greeting() -> None:
    verdict = judge_turn("Hi. Good morning.", "Good morning, you're through to the surgery.")
    assert (verdict.state, verdict.reason) == ("maybe", "greeting")


def test_a_refusal_with_any_negative_is_answered_at_once() -> None:
    agent = "What's the account number?"
    assert judge_turn("I haven't got my account number.", agent).state == "final"


def test_a_short_answer_closing_a_longer_turn_ends_it() -> None:
    verdict = judge_turn("No. That's everything. Thanks.", "Anything else I can help with?")
    assert verdict.state == "final"
    assert judge_turn("Thanks.", "Anything else I can help with?").state == "maybe"


def test_a_preposition_whose_object_came_first_ends_the_sentence() -> None:
    assert judge_turn("I'm not sure who I need to talk to.", "How can I help?").state == "final"
    assert judge_turn("I want to speak to someone about.", "How can I help?").state == (
        "unfinished"
    )


def test_a_phrasal_verb_ends_its_sentence_and_an_infinitive_does_not() -> None:
    said = "My husband's. Prescription hasn't been sent over."
    assert judge_turn(said, "Riverside Pharmacy, how can I help?").state == "final"
    assert judge_turn("The engineer never turned up.", "What's the problem?").state == "final"
    assert judge_turn("It was supposed to come on.", "What's the problem?").state == ("unfinished")


def test_a_sentence_after_the_thing_is_is_not_a_value() -> None:
    said = "So the thing is. The engineer never turned up."
    assert judge_turn(said, "What's the problem?").state == "final"
    # A value after "is." still waits for its next group.
    assert judge_turn("It's. 42 Harbour Street.", "What's the address?").reason == (
        "announced_value"
    )


def test_it_is_said_to_a_yes_no_question_answers_it() -> None:
    said = "It is. Yeah. Since about 6 this morning."
    assert judge_turn(said, "Is the outage still affecting you?").state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("I am not able to do the online check in.", "How may I help you?"),
        ("I'd like to move my number from. My old network over to you.", "How can I help?"),
        ("I've been charged for a. Roaming bundle I never asked for.", "How can I help?"),
        ("I need to move the electricity over.", "What can I do for you?"),
        ("The boiler's making a noise when. The heating comes on.", "What's the problem?"),
        ("Actually, my debit card is. Not working at the ATM.", "How can I help you?"),
        ("I need to cancel.", "How can I help?"),
        ("I'd like to update my email address as well.", "Is there anything else?"),
        ("Ja. That's my cell.", "Is this the number we can reach you on?"),
        ("Yes. The one ending 4242.", "Do you want the refund back to the original card?"),
    ],
)
def test_finished_sentences_from_the_unseen_corpus_are_answered_at_once(
    user: str, agent: str
) -> None:
    assert judge_turn(user, agent).state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("The number on the card says.", "What's your member number?"),
        ("I need to speak to someone about my mother's.", "How can I help?"),
        ("Okay. Hang on.", "Read me the number that comes up."),
        ("Let me just check.", "And what dates did you book for?"),
        ("Hang on. I need my glasses.", "And the three-digit security code on the back?"),
        ("Okay. Hang on. 35.", "Can you read me the number that comes up?"),
        ("Yeah. No worries. It's 0491.", "I'll need a number in case we get disconnected."),
        ("Right. I've got the letter here.", "Could you give me your policy number?"),
        ("Sean. S E A N. Dot O'Brien. No apostrophe.", "What email address is on the booking?"),
        ("I want to talk to you about.", "How can I help?"),
    ],
)
def test_unfinished_turns_from_the_unseen_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state == "unfinished"


def test_a_bare_day_or_month_said_to_a_when_question_waits_for_the_rest() -> None:
    verdict = judge_turn("Um. 03.", "When does your passport expire?")
    assert (verdict.state, verdict.reason) == ("maybe", "date_fragment")


def test_a_caller_holding_the_floor_but_refusing_or_asking_is_answered() -> None:
    assert judge_turn("Hang on. I don't have it.", "Card number?").state == "final"
    assert judge_turn("Hold on. Can you repeat that?", "Card number?").state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("Yeah. You're a bit quiet, but I can hear you.", "Can you hear me okay?"),
        ("Um, I think that's it actually.", "Is there anything else you wanted to check?"),
        ("No. It's my mum's account. I'm calling for her.", "Are you the account holder?"),
        ("How much do I owe?", "How can I help?"),
        (
            "Well, I've been having my pension paid into the post office account for years, "
            "and I don't really understand what I'm meant to do about it.",
            "How can I help you today?",
        ),
        ("Example. Dot. Org.", "And what comes after the at sign?"),
    ],
)
def test_finished_turns_from_the_blind_corpus_are_answered_without_the_value_hold(
    user: str, agent: str
) -> None:
    assert judge_turn(user, agent).state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("I usually see.", "Which dentist do you normally see?"),
        ("It says that I owe.", "What did the letter say?"),
        ("So I've got.", "How can I help?"),
        ("Yes. Can you.", "Is there anything else?"),
        ("0161. 496. Oh, no. Sorry. Let me start again.", "And a contact number for you?"),
        ("Example. Dot.", "And what comes after the at sign?"),
        ("S123.", "Can I have your NRIC number?"),
        ("49.", "What's your IRD number?"),
    ],
)
def test_unfinished_turns_from_the_blind_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state == "unfinished"


def test_a_pan_is_a_value_asked_for() -> None:
    # India's PAN: five letters, four digits, a letter.
    assert asked_for("Can you give me your PAN for the invoice?") == ("reference", 10)
    assert judge_turn("ABCDE.", "Can you give me your PAN for the invoice?").state != "final"


def test_an_open_phrase_waits_as_long_as_a_hesitation() -> None:
    verdict = judge_turn("Well, it's about my.", "How can I help you today?")
    assert (verdict.state, verdict.reason) == ("unfinished", "open_phrase")
    judge = TranscriptTurnJudge(ack_hold_s=0.5, maybe_hold_s=1.45, short_hold_s=0.3)
    assert judge.hold_s(verdict) == judge.hold_s(judge_turn("Um.", "How can I help?"))


@pytest.mark.parametrize(
    ("user", "agent", "reason"),
    [
        ("It's 202.", "And the number for the account holder?", "value_group"),
        ("It's 24.", "What's the job number for the repair?", "dictation_incomplete"),
        ("It was on. The 15.", "What was the date of the incident?", "date_fragment"),
    ],
)
def test_a_group_after_its_introduction_waits_for_the_next(
    user: str, agent: str, reason: str
) -> None:
    verdict = judge_turn(user, agent)
    assert verdict.state != "final" and verdict.reason.startswith(reason)


def test_a_pick_from_a_choice_is_not_a_greeting_and_a_confirmation_gives_no_value() -> None:
    assert judge_turn("Afternoon.", "Morning or afternoon?").reason != "greeting"
    said = judge_turn("That's right.", "Is your date of birth still the fourth of May 1961?")
    assert said.reason != "value_expected:date"


def test_spelling_cues_need_a_letter() -> None:
    # "for her" is not "B for Bravo", nor "I'm" two spelled letters.
    assert dictation_state("It's my mum's account. I'm calling for her.") is None
    state = dictation_state("B for Bravo.", "Could you spell the reference?")
    assert state is not None and state.kind == "reference"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("That's fine. Someone will be in.", "Your delivery is booked. Is that okay?"),
        ("I can't really afford it at the moment. Sorry.", "Would you increase your gift?"),
        ("Wednesday morning, if possible.", "Which day suits you best?"),
        ("Yes. 2 employers, actually.", "Have you been paid by an employer this tax year?"),
    ],
)
def test_finished_turns_from_the_sealed_corpus_are_answered_at_once(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("Sort of.", "Is the water discoloured?"),
        ("Okay then.", "The outstanding balance is now four hundred and twelve pounds."),
        ("I think so.", "Is your phone unlocked?"),
    ],
)
def test_short_closings_from_the_sealed_corpus_wait_only_the_short_hold(
    user: str, agent: str
) -> None:
    verdict = judge_turn(user, agent)
    judge = TranscriptTurnJudge(ack_hold_s=0.5, maybe_hold_s=1.45, short_hold_s=0.3)
    assert verdict.state == "maybe" and judge.hold_s(verdict) == 0.3


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("There's a payment from a company called.", "What's happened?"),
        ("It's with the. Hang on. It's on the letter.", "Which department is it with?"),
        ("My sofa was supposed to arrive today between.", "How can I help today?"),
        ("He's got chest pain and he's really.", "What symptoms does he have?"),
        ("I used it on.", "When did you last use the card yourself?"),
        ("Let me just check my phone.", "Which number is registered to the account?"),
        ("+44.", "What number can our team call you on abroad?"),
        ("71.", "What's your TV licence number?"),
        ("It's my initial a. Then Nguyen.", "And your email?"),
        ("Sorry. It's loud here. DN.", "What's the postcode for the delivery?"),
        ("Yes, actually.", "No problem. Anything else?"),
    ],
)
def test_unfinished_turns_from_the_sealed_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state != "final"


def test_a_label_read_aloud_announces_its_value() -> None:
    said = "Hang on. Let me open the app. Okay. It's order number."
    assert judge_turn(said, "What's your order number?").reason == "label_read"
    label = judge_turn("On the letter it says. Supporter number.", "Your supporter number?")
    assert label.state == "maybe"
    assert judge_turn("It's Romeo Tango.", "What's the rental agreement number?").state == "maybe"
    # The phrasal-verb particle after an object still ends a sentence.
    assert judge_turn("Can you turn it on?", "How can I help?").state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        (
            "We're thinking of overpaying, and I wanted to know if there's a penalty for doing"
            " that.",
            "What can I help you with on the mortgage?",
        ),
        ("After 3 o'clock because I'm on the school run before that.", "What time works best?"),
        ("Will I get an email to confirm?", "Okay, I've updated that for you."),
        ("Yesterday afternoon at the petrol station.", "When did you last use the card?"),
        (
            "I've got two accounts and I want them merged under one membership number.",
            "How can I help with your rewards account?",
        ),
        ("Visa. The gold one.", "Was it a Visa or a Mastercard?"),
        # Dictation whole: a postcode with letters, a date with a two-digit year.
        ("SW1A. 1AA.", "What's the postcode of the property?"),
        ("H0H. 0H0.", "And the postal code?"),
        ("A65. F4E2.", "What's your Eircode?"),
        ("03. 07. 65.", "What's your date of birth, please?"),
        ("25th. December. 99.", "Your date of birth, please?"),
    ],
)
def test_finished_turns_from_the_vault_corpus_are_answered_at_once(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("It's called.", "What's the name of the medication?"),
        ("About 18 months now and they've never.", "How are the panels performing?"),
        ("It was around.", "When did you buy the appliance?"),
        ("It's on here somewhere. Where is it?", "Could you read me the policy number?"),
        ("Um, it was 087.", "What number did the text come from?"),
        ("Um, it was 087. 123.", "What number did the text come from?"),
        ("It's just my name. Tomasz.", "What's your email, please?"),
        ("The best one is my mobile, that's.", "Can I get a callback number?"),
        # Half a postcode, and a year that may be the first half of one.
        ("SW1A.", "What's the postcode of the property?"),
        ("The 3rd of July. 19.", "What's your date of birth?"),
    ],
)
def test_unfinished_turns_from_the_vault_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state != "final"


def test_an_agent_offering_help_or_asking_an_amount_asks_for_no_value() -> None:
    assert asked_for("How can I help with your rewards account?") is None
    assert asked_for("How much was taken from the account?") is None
    assert asked_for("What's the account number?") == ("account", None)
    # "Where is it?" asked of the agent, with nothing asked of the caller, is a question.
    assert judge_turn("Where is it?", "Your parcel has left the depot.").state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("No. My husband is.", "Are you the account holder?"),
        ("Perfect. And will I get an email to say so?", "That's your cancellation confirmed."),
        ("And the other thing is. The bill's gone up by £40.", "Anything else on the account?"),
        ("It says 03. Slash 27.", "What's the expiry on the card?"),
        ("Info at. Example.com.", "What's the email for delivery notifications?"),
        ("1017. BC.", "And the postcode of your address?"),
    ],
)
def test_finished_turns_from_the_ledger_corpus_are_answered_at_once(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("+44.", "What's the number we should use?"),
        ("I graduated in.", "When did you graduate?"),
        ("For the council tax, I need to.", "What can I help with?"),
        ("For the council tax, I need to. How do you say?", "What can I help with?"),
        ("P.", "What's your patient ID?"),
        ("It's quite long.", "What's the membership ID?"),
        ("Mary Smith, all one word.", "Email address?"),
        ("My grandson set it up. It's Peter.", "Do you have an email address?"),
        ("The tracking number on the card is. JD014.", "Can you read me the tracking number?"),
    ],
)
def test_unfinished_turns_from_the_ledger_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state != "final"


def test_a_value_introduced_and_not_yet_read_waits_as_long_as_a_hesitation() -> None:
    # Callers pause 1.2-1.4 s there while they find the value: longer than the maximum
    # delay, as after "um".
    for said in ("Yes. The booking code is.", "So what I'd like to do is."):
        verdict = judge_turn(said, "Can I take the booking details?")
        assert hold_for(verdict, maybe_s=1.45, dictation_s=1.6, ack_s=0.5) == 1.6


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("Listen. I don't know the name of it.", "Which channel package are you on?"),
        ("Um, I was thinking. £15.", "How much would you like to give each month?"),
        ("Oh, that's fine. We'll have it done before then.", "The deadline is the 15th."),
        ("Area code 416. Then 555. 0177.", "What number should we use?"),
    ],
)
def test_finished_turns_from_the_quarry_corpus_are_answered_at_once(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("Listen.", "Which channel package are you on?"),
        ("Um, I was thinking.", "How much would you like to give each month?"),
        ("The bike is number.", "What's the number on the bike?"),
        ("Oh, here. Order.", "What's the order ID in the app?"),
        ("I was hoping to pay it off in.", "How would you like to pay?"),
        ("The driver left it at the wrong.", "Can you tell me what happened?"),
        ("I ended the ride, but the app keeps.", "What seems to be the problem?"),
        ("I got an email saying that I'd.", "How did you hear about the win?"),
        ("I had it, but I think my son.", "Did you keep the receipt?"),
        ("Hang on. She's here. What's your number, darling?", "What's your daughter's number?"),
        ("Area code 416.", "What number should we use?"),
        ("It starts with W.", "What's your order number?"),
        ("It was last.", "What was the date of death?"),
        ("Oh, what's our email again?", "What email should we send the policy to?"),
        ("It was my work one.", "Which email did you get the message on?"),
    ],
)
def test_unfinished_turns_from_the_quarry_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state != "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("So basically.", "Hearing aid repairs, how can I help?"),
        ("I've got it here on the text.", "Can I take the PAC code?"),
        ("I've got it here on the text. It's ABC.", "Can I take the PAC code?"),
        ("Okay. I'm going to read it off the screen. It starts 0x.", "What's the address?"),
        ("Unit.", "Which unit are you in?"),
        ("It's on this letter somewhere. Here we go.", "Can I take your reference?"),
        ("I've got the confirmation email open.", "What's the booking reference?"),
        ("My daughter's passport has expired, and she's.", "How can I help?"),
        ("02.", "What's the number at the property?"),
        ("The agreement number.", "Do you have your agreement number handy?"),
        ("Loyalty number.", "Loyalty number?"),
        ("Oh, it's on here.", "What's your council tax account number?"),
        ("It says date of expiry.", "When does the current passport expire?"),
        ("1990.", "What is your date of birth?"),
        ("I've had a letter from you saying that.", "How can I help?"),
    ],
)
def test_unfinished_turns_from_the_tally_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state != "final"


def test_a_date_of_birth_needs_more_than_its_year() -> None:
    assert judge_turn("1990. November. 22.", "What is your date of birth?").state == "final"
    assert judge_turn("The 3rd of May, 1961.", "What is your date of birth?").state == "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("No. It's my dad's account, but I'm on it as a second user.", "Are you the holder?"),
        ("Okay. It's off now, and I've turned it back on.", "Can you switch it off and on?"),
        ("Right. Okay. Let's do that, then.", "The fast track service is £178."),
    ],
)
def test_finished_turns_from_the_tally_corpus_are_answered_at_once(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state == "final"


def test_then_after_and_still_leaves_the_turn_open() -> None:
    assert judge_turn("I'll pay the deposit, and then.", "How can I help?").state != "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("The label on the front says.", "Do you know the make and model of the boiler?"),
        ("Yes. I'm just reading it off the certificate. It's.", "Have you got the number?"),
        ("The old passport number.", "Do you have the number of the old passport?"),
        ("It was the lady called. Oh, what's her name?", "What was the name of the carer?"),
        ("There's three calls to some.", "Can you describe the charges you're seeing?"),
        ("I think we should be getting.", "How can I help?"),
        ("It says I've.", "What does the letter say?"),
        ("He hasn't eaten since. Hold on, Jack. I'm on the phone.", "Has he eaten today?"),
        ("202-555-0175. Extension.", "What's the number for your office?"),
        ("HCP.", "What's the number on your boiler cover plan?"),
        ("DE89. 3704.", "Where would you like the closing balance sent?"),
        ("It's on the folder here.", "Do you have your mother's client ID?"),
        ("It's the 20.", "Which date is the flight?"),
        ("The 20.", "Which tax year is the letter about?"),
        ("My grandson set it up. It's Grandma Jean. 42.", "Do you have an email address?"),
        ("Let me check. It's on my screen. Ahmed. Dot h.", "What's the email you registered?"),
    ],
)
def test_unfinished_turns_from_the_stack_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state != "final"


@pytest.mark.parametrize(
    "said",
    ["The label on the front says.", "I'm just reading it off the certificate. It's."],
)
def test_a_caller_reading_a_value_off_something_waits_as_long_as_a_hesitation(said: str) -> None:
    verdict = judge_turn(said, "Do you know the make and model of the boiler?")
    assert hold_for(verdict, maybe_s=1.45, dictation_s=1.6, ack_s=0.5) == 1.6


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("Yes. Please do that.", "Would you like me to raise a dispute for those charges?"),
        ("We get the keys on the 28th.", "When are you moving?"),
        ("Well. It was fine on Sunday night.", "When did the boiler stop working?"),
        ("Yes. I've already moved everything over.", "Are you sure you want to close it?"),
        ("He's taking money off for a carpet that was. Already stained when we moved in.", ""),
        ("The door opened, but there was. Nothing inside.", "What happened at the locker?"),
        ("I had a small accident, and I need to. Make a claim.", "How can I help?"),
        ("We are moving back to Portugal.", "May I ask why you're closing the account?"),
    ],
)
def test_finished_turns_from_the_stack_corpus_are_answered_at_once(user: str, agent: str) -> None:
    verdict = judge_turn(user, agent)
    assert verdict.state == "final"
    assert hold_for(verdict, maybe_s=1.45, dictation_s=1.6, ack_s=0.5) == 0.0


def test_a_month_after_it_was_is_still_a_date_in_pieces() -> None:
    assert judge_turn("Um. I think it was May.", "When did the agreement start?").state != "final"


def test_an_opener_said_alone_is_held_as_an_opener_not_a_value() -> None:
    verdict = judge_turn("So basically.", "Hearing aid repairs, how can I help?")
    assert (verdict.state, verdict.reason) == ("maybe", "opener")
    assert hold_for(verdict, maybe_s=1.45, dictation_s=1.6, ack_s=0.5) == 1.45


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("If I overpay this month.", "Is there anything else about the mortgage?"),
        ("When I got home.", "What happened to the phone?"),
        ("To be honest.", "We could offer you a free month instead."),
        ("In that case.", "The earlier slot has just gone, I'm afraid."),
        ("I want to pay off.", "What would you like to do with the mortgage?"),
        ("I've got a. 30 foot sailing boat, and I need.", "Tell me a bit about the vessel."),
        ("The points from my last.", "What seems to be the problem with your points?"),
        ("I'm phoning about the. Sorry. My grandson's just come in.", "How can I help?"),
        ("The number here at the house is 717.", "What's the number at the house?"),
        ("The one ending.", "We have two cards on file. Which one should I charge?"),
        ("It's 4242. Sorry. The light's bad in here.", "Whenever you're ready with the card."),
        ("Can we do.", "When would you like the engineer to come?"),
        ("I bought it on.", "When did you buy the tracker?"),
        ("Is it the one at the top of the bill?", "What's the account number on your bill?"),
    ],
)
def test_unfinished_turns_from_the_pylon_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state != "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("I bought it on.", "When did you buy the tracker?"),
        ("I'm phoning about the. Sorry. My grandson's just come in.", "How can I help?"),
    ],
)
def test_a_caller_finding_a_date_or_turned_aside_waits_as_long_as_a_hesitation(
    user: str, agent: str
) -> None:
    verdict = judge_turn(user, agent)
    assert hold_for(verdict, maybe_s=1.45, dictation_s=1.6, ack_s=0.5) == 1.6


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("Yes, please do.", "Would you like me to transfer you?"),
        ("What can we do?", "The flight has been cancelled."),
        ("I don't know what to do.", "How can I help?"),
        ("Yes, if possible.", "Can we call you back this afternoon?"),
        ("When I can.", "Could you send us a photo of the damage?"),
        ("When I got home.", "When did you notice it?"),
        ("The year before last.", "When did you buy it?"),
        ("Okay. I'll wait in for him then.", "The engineer can come between eight and one."),
        ("Sorry. I've left the letter at my daughter's house.", "Could you read me the reference?"),
        ("I've been trying to get through to. Someone since 9 o'clock this morning.", ""),
        ("I'm phoning about the. Sorry. Ellie, put that down. A repeat prescription.", ""),
        ("That's all I need.", "Is there anything else?"),
    ],
)
def test_finished_turns_from_the_pylon_corpus_are_answered_at_once(user: str, agent: str) -> None:
    verdict = judge_turn(user, agent)
    assert verdict.state == "final"
    assert hold_for(verdict, maybe_s=1.45, dictation_s=1.6, ack_s=0.5) == 0.0


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("The code stamped on it is.", "Is there a code stamped on the key?"),
        ("The referral code they gave me.", "Do you have the referral code they gave you?"),
        ("He's scratching his ear, and the vet said it's a. What was it?", "What did he say?"),
        ("Is it possible to?", "How can I help with your loan?"),
        ("I think the lock's.", "What kind of lock is it?"),
        ("My son needs.", "Who's the appointment for?"),
        ("Is it okay if my?", "Will anyone else be driving?"),
    ],
)
def test_unfinished_turns_from_the_beacon_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state != "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("I want to check which repayment plan I'm on.", "What can I help with?"),
        ("Just cancel it then.", "I'm afraid the upgrade isn't available on your plan."),
        ("The reds were lovely. It's the whites I'm not keen on.", "Were you happy?"),
        ("What I want is. The same deal, but with more data.", "What are you looking for?"),
        ("I'm not sure if. If your lads can do stairs with it.", "Anything unusual?"),
        ("We've had a letter saying. Sorry. Hold on. Saying we're in arrears.", ""),
        ("Okay. So who do I speak to?", "I'm afraid I can't change that from here."),
        ("That's all it needs.", "Is there anything else?"),
    ],
)
def test_finished_turns_from_the_beacon_corpus_are_answered_at_once(user: str, agent: str) -> None:
    verdict = judge_turn(user, agent)
    assert verdict.state == "final"
    assert hold_for(verdict, maybe_s=1.45, dictation_s=1.6, ack_s=0.5) == 0.0


def test_the_council_tax_i_need_to_still_owes_its_verb() -> None:
    assert judge_turn("For the council tax, I need to.", "What can I help with?").state != "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("The girl at the desk told me that. Sorry. The dog's going mad.", "How can I help?"),
        ("It's a Spanish account. ES91. 21000418. 45020005.", "Which account is the refund for?"),
        ("It's on the repeat slip.", "Can I take the NHS number for the patient?"),
        ("999. 047.", "Can I take the NHS number for the patient?"),
        ("Arriving on the 2nd of August.", "What dates are you looking at?"),
        ("It's the same as my name.", "What email address is on the booking?"),
    ],
)
def test_unfinished_turns_from_the_lantern_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state != "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("Yes, go on then.", "Would you like me to add breakfast for both mornings?"),
        ("Okay. I'll stay in then.", "The engineer is running about an hour behind."),
        ("Um. Any day the week after next.", "What date would you like to move it to?"),
        ("It's not the internet as such. It's. The landline that's gone dead.", ""),
        ("It's a Spanish account. ES91. 21000418. 45020005. 1332.", "Which account is it?"),
        ("999. 047. 2118.", "Can I take the NHS number for the patient?"),
        ("Arriving on the 2nd of August. And leaving on the 5th.", "What dates suit you?"),
        ("Friday the 27th. If there's space on the morning one.", "Which sailing?"),
    ],
)
def test_finished_turns_from_the_lantern_corpus_are_answered_at_once(user: str, agent: str) -> None:
    verdict = judge_turn(user, agent)
    assert verdict.state == "final"
    assert hold_for(verdict, maybe_s=1.45, dictation_s=1.6, ack_s=0.5) == 0.0


def test_only_a_country_code_and_check_digits_start_an_iban() -> None:
    # "is 12" is no Icelandic IBAN: eight digits are an account number that may be whole.
    verdict = judge_turn("My account number is 12345678.", "What is your account number?")
    assert verdict.reason == "dictation_unknown_length:account"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("Hang on, it's in the app.", "What's your member ID? It's in the app."),
        ("INV.", "Which invoice are you querying?"),
        ("It's LB.", "What's the penalty charge notice number?"),
        ("RSS. MRA. 85T10.", "Could you read me his codice fiscale?"),
        ("He was born.", "Do you know roughly when he was born?"),
        ("It was.", "Can you tell me the date she passed?"),
        ("She's in room.", "Which room is your mother in?"),
        ("My wife reckons.", "When did you first notice it?"),
        ("It is the right one, but sometimes.", "Which ear is giving you trouble?"),
        ("My National Insurance number is. QQ. 123456.", "Can I take your NI number?"),
        ("Okay. The IMEI is. 352991. 04211.", "Could you read me the IMEI?"),
    ],
)
def test_unfinished_turns_from_the_meridian_corpus_are_held(user: str, agent: str) -> None:
    assert judge_turn(user, agent).state != "final"


@pytest.mark.parametrize(
    ("user", "agent"),
    [
        ("RSS. MRA. 85T10. A562S.", "Could you read me his codice fiscale?"),
        ("My National Insurance number is. QQ. 123456. C.", "Can I take your NI number?"),
        ("He was born. Around Christmas 2020.", "Do you know roughly when he was born?"),
        ("It's only going to be. Maybe 60 miles all in.", "Roughly how far will you drive?"),
        ("It's the 12th month. 27.", "What's the expiry on the card?"),
        ("Hang on. It's rubbed off a bit. 7. 37.", "And the three-digit security code?"),
    ],
)
def test_finished_turns_from_the_meridian_corpus_are_answered_at_once(
    user: str, agent: str
) -> None:
    verdict = judge_turn(user, agent)
    assert verdict.state == "final"
    assert hold_for(verdict, maybe_s=1.45, dictation_s=1.6, ack_s=0.5) == 0.0


def test_a_member_id_with_letters_is_a_code_of_no_known_length() -> None:
    # Not an account number short of its eight digits: the value hold, not the longest.
    verdict = judge_turn("CR. 912. 66.", "What's your member ID?")
    assert verdict.state == "maybe"
    assert judge_turn("912. 66.", "What's your member ID?").state == "unfinished"
