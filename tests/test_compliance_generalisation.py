"""Kinds of error a second independent corpus showed, each tested in wording of our own: a
security question told by its form, amounts kept after any cue, a finished value that does
not absorb later numbers, values that fail closed, identifiers and e-mails read over several
turns, self-corrected word answers, expiry and birth dates asked for in parts."""

from __future__ import annotations

import pytest

from compliance import CallRedactor, EntityType, RedactionPolicy, normalise
from compliance.checksums import eircode_valid
from compliance.cues import Context, question_context, read_agent_turn
from compliance.names import name_spans

pytestmark = pytest.mark.unit


def _call(*turns: tuple[str, str], names: bool = False) -> tuple[list[str], CallRedactor]:
    """Run one call: ("a", agent words) feeds context, ("c", caller words) is redacted."""
    redactor = CallRedactor(RedactionPolicy(detect_names=names))
    out: list[str] = []
    for who, text in turns:
        if who == "a":
            redactor.agent_said(text)
        else:
            out.append(redactor.redact(text))
    return out, redactor


def _values(redactor: CallRedactor, kind: EntityType) -> list[str]:
    return [e.value for e in redactor.vault if e.kind is kind]


# --- a security question is told by its form, not by a list of questions ---------------


@pytest.mark.parametrize(
    "question",
    [
        "What was the make of your first car?",
        "Which town did you grow up in?",
        "What was the name of your childhood best friend?",
        "What's your father's middle name?",
        "Where did your parents first meet?",
        "What was your favourite subject at school?",
        "Who was your favourite teacher?",
        "What was the name of the street where you lived as a child?",
        "What is your oldest sibling's middle name?",
        "In which hospital were you born?",
        "What was your grandmother's first name?",
        "Where did you go on your honeymoon?",
        "Which primary school did you attend?",
        "What was the number of the house you grew up in?",
    ],
)
def test_a_question_about_the_callers_past_is_a_security_question(question: str) -> None:
    assert question_context(question) == Context.SECRET


def test_a_maiden_name_asked_in_other_words_is_one() -> None:
    # Its answer's kind, so a place said beside it ("from Sligo") is told apart.
    assert question_context("What was your mother's name before she married?") == Context.MAIDEN


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What's your first name?", Context.NAME),
        ("What's the first line of your address?", Context.ADDRESS),
        ("Is this your first time calling us?", None),
        ("Which city are you calling from?", None),
        ("What's your husband's name?", None),
        ("What would you like your new limit to be?", None),
    ],
)
def test_questions_that_only_share_its_words_are_not(question: str, expected: str) -> None:
    assert question_context(question) == expected


@pytest.mark.parametrize(
    ("question", "answer", "secret", "redacted"),
    [
        ("What was the make of your first car?", "Oh gosh, a Vauxhall.", "Vauxhall",
         "Oh gosh, a [SECRET_1]."),
        ("Which town did you grow up in?", "Tipperary, a long way away.", "Tipperary",
         "[SECRET_1], a long way away."),
        ("What was the number of the house you grew up in?", "Forty-one.", "Forty-one",
         "[SECRET_1]."),
        ("What is the first name of your eldest cousin?", "That would be Aoife.", "Aoife",
         "That would be [SECRET_1]."),
        ("In what year did you graduate?", "Nineteen ninety-eight", "ninety-eight",
         "[SECRET_1]"),
        ("Where did you and your wife first meet?", "At a gig in Manchester, the Apollo.",
         "Apollo", "[SECRET_1], the [SECRET_1]."),
        ("Who was your favourite teacher?", "Lol, Mr Patel.", "Patel", "Lol, [SECRET_1]."),
        ("What's your favourite colour?", "Teal, obviously.", "Teal", "[SECRET_1], obviously."),
    ],
)  # fmt: skip
def test_the_answer_to_a_security_question_goes_whatever_its_form(
    question: str, answer: str, secret: str, redacted: str
) -> None:
    out, _ = _call(("a", question), ("c", answer))

    assert out == [redacted]
    assert secret not in out[0]


# --- word answers: descriptions, corrections, passwords ----------------------------------


def test_a_description_of_the_answer_is_not_the_answer() -> None:
    out, redactor = _call(
        ("a", "What's your mother's maiden name?"), ("c", "It's a tricky one, Szczepanski.")
    )

    assert out == ["It's a tricky one, [MAIDEN_1]."]
    assert _values(redactor, EntityType.MAIDEN) == ["Szczepanski"]


@pytest.mark.parametrize(
    ("answer", "gone"),
    [
        ("Oh, Whitby. Wait, no, I changed it, it's Scarborough now.", ("Whitby", "Scarborough")),
        ("It's Rover... sorry, no, it's Rex.", ("Rover", "Rex")),
        ("Biscuit, no, Rover.", ("Biscuit", "Rover")),
        ("Mrs Abernathy, I think. Or was it Mrs Kowalski? No, Abernathy.",
         ("Abernathy", "Kowalski")),
    ],
)  # fmt: skip
def test_every_answer_a_caller_corrects_a_word_answer_to_goes(
    answer: str, gone: tuple[str, ...]
) -> None:
    out, _ = _call(("a", "What's your memorable place?"), ("c", answer))

    for word in gone:
        assert word not in out[0]


def test_a_correction_that_is_a_remark_is_not_an_answer() -> None:
    out, _ = _call(("a", "What's your memorable place?"), ("c", "Padstow, sorry, the dog barked."))

    assert out == ["[SECRET_1], sorry, the dog barked."]


def test_a_password_of_letters_and_digits_goes_wherever_it_is_said() -> None:
    out, redactor = _call(
        ("a", "What's your password?"), ("c", "Hang on, I wrote it down... here, kx7Tq2.")
    )

    assert out == ["Hang on, I wrote it down... here, [SECRET_1]."]
    assert _values(redactor, EntityType.SECRET) == ["kx7Tq2"]


def test_a_password_of_letters_and_digits_goes_even_after_a_description() -> None:
    out, _ = _call(
        ("a", "What's your password?"),
        ("c", "It's my cat's name and a number, so Pickles88. P I C K L E S, eight eight."),
    )

    assert "Pickles88" not in out[0]
    assert "88" not in out[0].replace("[SECRET_1]", "")


def test_spell_that_asks_for_the_last_answer_again() -> None:
    out, _ = _call(
        ("a", "What's your security word?"),
        ("c", "It's an odd one, Wombat."),
        ("a", "Could you spell that for me?"),
        ("c", "W O M, B A T."),
    )

    assert out[0] == "It's an odd one, [SECRET_1]."
    assert "W O M" not in out[1] and "B A T" not in out[1]
    assert read_agent_turn("Could you spell that?").again


# --- amounts, counts and rates stay, whatever cue is near --------------------------------


@pytest.mark.parametrize(
    ("question", "turn", "kept"),
    [
        ("How can I help?", "My overdraft is 2,500 and I want it dropped to 1,000.",
         ("2,500", "1,000")),
        ("How can I help?", "They charged me 39.99 for the adapter on my card.", ("39.99",)),
        ("How can I help?", "The room was 240 per night.", ("240 per night",)),
        ("How can I help?", "The deposit was 350 rather than 300.", ("350", "300")),
        ("How can I help?", "The hotel charged 310 a night instead of 260.", ("310", "260")),
        ("How can I help?", "My phone bill went up to 95 this month.", ("95",)),
        ("How can I help?", "My savings account shows 12,400.00 but I expected 12,900.",
         ("12,400.00", "12,900")),
        ("What's your PIN?", "I've got 3 cards on this account.", ("3 cards",)),
        ("What's the account number?", "The balance shows 1,320.50 though.", ("1,320.50",)),
        ("What's your card number?", "I paid in 400 on Friday, that's all.", ("400",)),
        ("What's the security code?", "It said the code lasts 10 minutes, it's been 25.",
         ("10 minutes", "25")),
        ("Can I have the VIN and the mileage?", "The odometer says 112,450.", ("112,450",)),
        ("Do you have a reference?", "Complaint reference 7 7 8 1 2 0 9 3.",
         ("7 7 8 1 2 0 9 3",)),
        ("Do you have a reference?", "The repair request number is 4 4 9 1 2 0 3 3.",
         ("4 4 9 1 2 0 3 3",)),
        ("What's the account number?", "I paid in 400 yesterday.", ("400",)),
        ("What's the account number?", "Can it be raised to 10000?", ("10000",)),
        ("What's the account number?", "It came to 189 a night.", ("189",)),
        ("What's your PIN?", "I've got 2 phones on this plan.", ("2 phones",)),
        ("How can I help?", "My account is 12345678, and 1,200 and 950 went out of it.",
         ("1,200", "950")),
    ],
)  # fmt: skip
def test_amounts_counts_rates_and_references_are_kept(
    question: str, turn: str, kept: tuple[str, ...]
) -> None:
    out, redactor = _call(("a", question), ("c", turn))

    for value in kept:
        assert value in out[0]
    assert all(e.kind is EntityType.ACCOUNT and e.value == "12345678" for e in redactor.vault)


def test_a_secret_beside_an_amount_still_goes() -> None:
    out, _ = _call(
        ("a", "How can I help?"),
        ("c", "I need my limit raised to 4,000, it's card 4111 1111 1111 1111, I owe about 300."),
    )

    assert out == ["I need my limit raised to 4,000, it's card [CARD_1], I owe about 300."]


@pytest.mark.parametrize(
    "answer",
    [
        "It's 4,417",
        "I got charged twice, it's 4 4 1 7",
        "The charge was wrong, it's 4 4 1 7",
        "It's the year my dad was born, 4 4 1 7",
    ],
)
def test_an_answer_to_a_secret_question_is_not_taken_for_an_amount(answer: str) -> None:
    out, _ = _call(("a", "What's your PIN?"), ("c", answer))

    assert "4417" not in out[0].replace(" ", "").replace(",", "")
    assert "[PIN_1]" in out[0]


def test_a_decimal_point_is_written_not_a_pause() -> None:
    assert normalise("12,400.00 and 86.40").text == "12,400.00 and 86.40"
    assert normalise("uh 4036. 9702").text == "uh 4036, 9702"


# --- a finished value does not absorb later numbers --------------------------------------


def test_numbers_after_a_complete_answer_are_read_on_their_own() -> None:
    out, redactor = _call(
        ("a", "What's your social security number?"),
        ("c", "It's 123-45-6789, and I was paid 1,200 and 950 last month."),
    )

    assert out == ["It's [SSN_1], and I was paid 1,200 and 950 last month."]
    assert _values(redactor, EntityType.SSN) == ["123456789"]


def test_another_value_of_the_kind_asked_for_still_goes() -> None:
    out, _ = _call(
        ("a", "What's the best number to reach you?"),
        ("c", "It's 0 7 7 0 0 9 0 0 1 2 3, or at work 9 4 7 7 2 3 4"),
    )

    assert out == ["It's [PHONE_1], or at work [PHONE_2]"]


def test_a_correction_after_a_complete_answer_is_still_the_answer() -> None:
    out, _ = _call(
        ("a", "And a contact number?"), ("c", "07700 900 517, no wait, 900 571.")
    )  # fmt: skip

    assert "571" not in out[0]


# --- values that fail closed -------------------------------------------------------------


def test_an_attempt_and_its_restatement_read_as_one_run_still_go() -> None:
    # "so" joins the two readings into one run of eighteen digits; the one that checks is
    # the number.
    out, redactor = _call(
        ("a", "What's your social insurance number?"),
        ("c", "one three oh, six nine two, five four five, so one three oh, six nine two,"
              " five four four"),
    )  # fmt: skip

    assert out == ["[SIN_1]"]
    assert _values(redactor, EntityType.SIN) == ["130692544"]


def test_two_codes_read_as_one_run_still_go() -> None:
    out, _ = _call(
        ("a", "What's the one-time code?"),
        ("c", "I got two, 5 5 1 2 0 9 and then 7 7 3 4 1 8, which one?"),
    )

    assert "5 5 1 2 0 9" not in out[0] and "7 7 3 4 1 8" not in out[0]


# --- values read over several turns ------------------------------------------------------


def test_an_identifier_without_a_checksum_goes_on_over_a_back_channel() -> None:
    out, redactor = _call(
        ("a", "What's your policy number?"),
        ("c", "P L, four four one"),
        ("a", "Mm-hm."),
        ("c", "nine nine two three"),
    )

    assert out == ["[POLICY_1]", "[POLICY_1]"]
    assert _values(redactor, EntityType.POLICY) == ["PL4419923"]


def test_a_one_time_code_read_in_two_halves() -> None:
    out, _ = _call(
        ("a", "Could you read me the code we sent by SMS?"),
        ("c", "six one eight"),
        ("a", "Yes?"),
        ("c", "two two nine"),
    )

    assert out == ["[OTP_1]", "[OTP_1]"]


def test_an_email_spelled_over_two_turns() -> None:
    out, _ = _call(
        ("a", "Could you spell your email for me?"),
        ("c", "p a t"),
        ("a", "Go on."),
        ("c", "dot kelly at outlook dot ie"),
    )

    assert out[0] == "[EMAIL_1]"
    assert "kelly" not in out[1] and "outlook" not in out[1]


def test_a_corrected_spelling_before_an_email_goes_too() -> None:
    out, _ = _call(
        ("a", "And the email?"),
        ("c", "it's k e v... no sorry k i e v, kiev dot r at gmail dot com"),
    )

    assert "k e v" not in out[0] and "k i e v" not in out[0] and "kiev" not in out[0]


# --- one-time codes, expiry and birth dates asked in other words -------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Please read out the four digit code from the app.",
        "Can you give me the code from the text message?",
        "What code did you get?",
    ],
)
def test_a_code_that_came_by_text_or_app_is_a_one_time_code(question: str) -> None:
    assert question_context(question) == Context.OTP


def test_an_expiry_asked_for_in_parts() -> None:
    out, redactor = _call(
        ("a", "What's the expiry month?"),
        ("c", "It's oh nine"),
        ("a", "And the year?"),
        ("c", "twenty-seven"),
    )

    assert out == ["It's [EXPIRY_1]", "[EXPIRY_1]"]
    assert _values(redactor, EntityType.EXPIRY) == ["0927"]


@pytest.mark.parametrize(
    ("turn", "redacted"),
    [
        ("Valid until end of August 2028, yeah August 2028",
         "Valid until end of [EXPIRY_1], yeah [EXPIRY_1]"),
        ("End of August 2028 I'm fairly sure, let me check the card, yes August 2028",
         "End of [EXPIRY_1] I'm fairly sure, let me check the card, yes [EXPIRY_1]"),
    ],
)  # fmt: skip
def test_an_expiry_said_twice_is_the_expiry_both_times(turn: str, redacted: str) -> None:
    out, _ = _call(("a", "When does the card run out?"), ("c", turn))

    assert out == [redacted]


def test_another_date_named_for_what_it_is_stays_beside_a_date_of_birth() -> None:
    out, _ = _call(
        ("a", "What's your date of birth?"),
        ("c", "My delivery was due on the 5th of June, but my birthday's the 11th of November"
              " 1990."),
    )  # fmt: skip

    assert out == ["My delivery was due on the 5th of June, but my birthday's [DOB_1]."]


@pytest.mark.parametrize(
    "turns",
    [
        (("c", "The 2nd of February"), ("a", "And the year?"), ("c", "Eighty-one.")),
        (("c", "Twelfth of March,"), ("c", "nineteen eighty-four.")),
    ],
)
def test_a_birth_year_given_after_the_day_and_month(turns: tuple[tuple[str, str], ...]) -> None:
    out, _ = _call(("a", "What's your date of birth?"), *turns)

    assert out[-1].startswith("[DOB_")


def test_a_year_asked_for_after_other_talk_is_not_a_date_part() -> None:
    assert not read_agent_turn("And what year did you open the account with us?").date_part


# --- cues in other words -----------------------------------------------------------------


@pytest.mark.parametrize(
    "turn",
    ["Give me a ring on 07700 900 321 after lunch", "Ring me back on 07700 900 321 please"],
)
def test_ring_me_is_a_phone_cue(turn: str) -> None:
    out, redactor = _call(("c", turn))

    assert "900 321" not in out[0]
    assert _values(redactor, EntityType.PHONE) == ["07700900321"]


def test_a_number_asked_with_its_own_question_word_beside_a_time() -> None:
    assert question_context("When suits you, and on which number?") == Context.GENERIC
    assert question_context("What time is best, and which number should we use?") == (
        Context.GENERIC
    )
    assert question_context("What time works best for a callback?") == Context.NEGATIVE


@pytest.mark.parametrize("question", ["What's the CV2?", "And the CVN on the back?"])
def test_other_names_for_the_security_code(question: str) -> None:
    out, _ = _call(("a", question), ("c", "It's double four seven"))

    assert out == ["It's [CVV_1]"]


def test_it_after_naming_a_pin_is_the_pin() -> None:
    out, _ = _call(
        ("a", "What seems to be the problem?"),
        ("c", "My PIN got blocked after 2 attempts, I know it's 6 6 0 2"),
    )

    assert out == ["My PIN got blocked after 2 attempts, I know it's [PIN_1]"]


def test_the_pin_for_the_account_is_a_pin() -> None:
    out, _ = _call(("c", "The PIN on my account, it's 5 5 1 2"))

    assert out == ["The PIN on my account, it's [PIN_1]"]


def test_the_word_part_while_reading_a_card_is_not_a_part_number() -> None:
    out, _ = _call(("a", "Can I take the card number?"), ("c", "the first part's 4 5 5 6, 7 3 7 5"))

    assert out == ["the first part's [CARD_1]"]


# --- shapes: Eircode, NATO "X-ray", "November" ------------------------------------------


def test_eircode_follows_the_published_shape() -> None:
    assert eircode_valid("D02X285")
    assert eircode_valid("D6WXY12")
    assert not eircode_valid("B02X285")  # B is not among Eircode's letters
    assert not eircode_valid("D02X28")


@pytest.mark.parametrize(
    ("turn", "redacted"),
    [
        ("My Eircode is D02 X285", "My Eircode is [POSTCODE_1]"),
        ("I'm at D02 X285 now", "I'm at [POSTCODE_1] now"),
        ("The Eircode's T one two, K eight P three.", "The Eircode's [POSTCODE_1]."),
    ],
)
def test_an_eircode_is_a_postcode(turn: str, redacted: str) -> None:
    out, _ = _call(("c", turn))

    assert out == [redacted]


def test_x_ray_spells_x_and_november_beside_a_year_is_a_month() -> None:
    assert normalise("Kilo, X-ray, six four").text == "K, X, 6 4"
    assert normalise("an x-ray of my arm").text == "an x-ray of my arm"
    assert normalise("expires November 2027").text == "expires November 2027"
    assert normalise("Papa November 4 5").text == "P N 4 5"


def test_a_plate_read_after_regs() -> None:
    out, _ = _call(("c", "The reg's K, Echo, 6, 4, X-ray, Papa, Tango"))

    assert out == ["The reg's [PLATE_1]"]


def test_a_flat_and_its_buildings_name_when_asked_for_the_address() -> None:
    out, _ = _call(("a", "What's the address?"), ("c", "Flat 4, Harbour View, Cobh"))

    assert out == ["[ADDRESS_1], Cobh"]


# --- names (the optional detector) -------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "turn", "redacted"),
    [
        ("Which name is the table booked under?", "The reservation is under Okafor.",
         "The reservation is under [NAME_1]."),
        ("Which name is it booked under?", "Under the name of Brennan, I think.",
         "Under the name of [NAME_1], I think."),
        ("Whose name is it in?", "It's in my late mum's name, Patricia Doyle.",
         "It's in my late mum's name, [NAME_1]."),
        ("Can I take your name?", "It's Dr, er, Mensah.", "It's Dr, er, [NAME_1]."),
    ],
)  # fmt: skip
def test_names_after_under_a_relatives_name_and_a_title(
    question: str, turn: str, redacted: str
) -> None:
    out, _ = _call(("a", question), ("c", turn), names=True)

    assert out == [redacted]


def test_a_title_and_a_filler_before_an_answered_name() -> None:
    assert list(name_spans("Mr, um, Adeyemi.", answer=True)) == [(8, 15, "Adeyemi")]


# --- more forms of the same kinds --------------------------------------------------------


def test_the_digits_on_the_reverse_are_the_security_code() -> None:
    out, _ = _call(("a", "Lastly, the three digits on the reverse?"), ("c", "It's, uh, six oh two"))

    assert out == ["It's, uh, [CVV_1]"]


def test_an_ird_number_is_a_tax_number() -> None:
    out, redactor = _call(("a", "What's your IRD number?"), ("c", "one two three, four five six"))

    assert out == ["[TFN_1]"]
    assert _values(redactor, EntityType.TFN) == ["123456"]


def test_oh_between_a_letter_and_digits_of_a_spelled_code_is_a_zero() -> None:
    assert normalise("K one A, oh B one").text == "K 1 A, 0 B 1"
    assert normalise("oh, I see, A oh B").text == "oh, I see, A oh B"
    out, _ = _call(("a", "Postal code?"), ("c", "K one A, oh B one"))

    assert out == ["[POSTCODE_1]"]


@pytest.mark.parametrize(
    ("question", "turn", "redacted"),
    [
        ("What's the registration?", "It's a personalised one, J O E 1",
         "It's a personalised one, [PLATE_1]"),
        ("Can I have the VIN?", "The last 8 are 3 A 0 0 4 3 5 2", "The last 8 are [VIN_1]"),
    ],
)  # fmt: skip
def test_an_identifier_after_a_description_of_it(question: str, turn: str, redacted: str) -> None:
    out, _ = _call(("a", question), ("c", turn))

    assert out == [redacted]


@pytest.mark.parametrize(
    ("turn", "value"),
    [
        ("It's s dot o apostrophe brien at hotmail dot co dot uk", "s.o'brien@hotmail.co.uk"),
        ("n, underscore, patel, nine one, at yahoo dot com", "n_patel91@yahoo.com"),
        ("j dot, um, walsh, eighty-two, at, e i r c o m dot net", "j.walsh82@eircom.net"),
    ],
)
def test_an_email_said_with_pauses_apostrophes_and_a_spelled_domain(turn: str, value: str) -> None:
    out, redactor = _call(("a", "What's your email?"), ("c", turn))

    assert out[0].endswith("[EMAIL_1]")
    assert _values(redactor, EntityType.EMAIL) == [value]


def test_a_contraction_is_not_an_email_local_part() -> None:
    out, redactor = _call(("c", "I'm at home dot com, the company's site"))

    assert out == ["I'm at home dot com, the company's site"]
    assert len(redactor.vault) == 0


def test_small_amounts_in_a_list_stay_but_not_after_a_secret_question() -> None:
    out, _ = _call(
        ("a", "Account number?"),
        ("c", "Before that, I paid 250 on the 3rd and 180 on the 10th. It's 4 4 0 1 9 2 3 8."),
    )
    assert out == ["Before that, I paid 250 on the 3rd and 180 on the 10th. It's [ACCOUNT_1]."]

    for said in ("I paid 20 and 737 is the code", "I paid 20 on Monday and 737 is the code"):
        code, _ = _call(("a", "And the security code?"), ("c", said))
        assert "737" not in code[0]


def test_the_callers_own_number_word_is_the_number_asked_for() -> None:
    out, redactor = _call(
        ("a", "What's your account number?"),
        ("c", "It's the one with 1,000 in it, number 8 8 2 1 4 4 0 9."),
    )

    assert out == ["It's the one with 1,000 in it, number [ACCOUNT_1]."]
    assert _values(redactor, EntityType.ACCOUNT) == ["88214409"]


def test_a_birth_date_said_as_three_numbers() -> None:
    out, _ = _call(("a", "What's your date of birth?"), ("c", "Eleven, five, sixty"))

    assert out == ["[DOB_1]"]


@pytest.mark.parametrize(
    ("question", "turn", "value"),
    [
        ("What's your porting PAC code?", "It's A B C 1 2 3 4 5 6", "ABC123456"),
        ("Can you give me the one time passcode?", "Yeah it's G dash 4 4 8 2 1 9", "G448219"),
    ],
)
def test_an_authorisation_code_with_letters_goes_whole(
    question: str, turn: str, value: str
) -> None:
    out, redactor = _call(("a", question), ("c", turn))

    assert out[0].endswith("[OTP_1]")
    assert value in _values(redactor, EntityType.OTP)


def test_a_reference_with_a_postcodes_shape_stays() -> None:
    out, _ = _call(("a", "Which seat?"), ("c", "Seat 14C, and my PNR is K 4 T 9 Z 2."))

    assert out == ["Seat 14C, and my PNR is K 4 T 9 Z 2."]


@pytest.mark.parametrize(
    ("answer", "gone"),
    [
        ("We had a dog, Max, but the first was actually a cat, Tigger.", ("Tigger",)),
        ("Ooh, easy, Kylie.", ("Kylie",)),
        ("Ok so it's, let me think... Lighthouse.", ("Lighthouse",)),
        ("Sure, it's all lower case, sunshine, then the number 7.", ("sunshine", "7")),
    ],
)
def test_the_answer_among_talk_about_it(answer: str, gone: tuple[str, ...]) -> None:
    out, _ = _call(("a", "What's your memorable word?"), ("c", answer))

    for word in gone:
        assert word not in out[0]
