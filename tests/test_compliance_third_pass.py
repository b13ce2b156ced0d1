"""Issue 30: the agent's question drives the answer, spoken forms, new classes, corrections,
what is kept, and a vault that never changes a stored value because of a later answer."""

from __future__ import annotations

import re

import pytest
from support import redact_call

from compliance import CallRedactor, EntityType, RedactionPolicy, normalise, redact_text
from compliance.checksums import (
    au_medicare_valid,
    ca_postcode_valid,
    gb_postcode_valid,
    iban_valid,
    nhs_valid,
    nino_valid,
    sin_valid,
    tfn_valid,
    vin_valid,
)
from compliance.cues import Context, read_agent_turn
from compliance.vault import Vault

pytestmark = pytest.mark.unit


def _entries(redactor: CallRedactor) -> list[tuple[str, str]]:
    return [(e.placeholder, e.value) for e in redactor.vault]


# --- the vault never changes a stored value because of a later answer ------------------


@pytest.mark.parametrize(
    "ending",
    ["the card ending in 4 4 1 9", "I want to pay with my card ending in 4419", "4 4 1 9"],
)
def test_a_security_code_after_card_ending_in_is_never_merged_into_the_card(
    ending: str,
) -> None:
    # The case: "4419" then the security code "208" became one CARD of "4419208".
    redactor = CallRedactor()
    redactor.agent_said("Which card would you like to use? Just the last four is fine.")
    redactor.redact(ending)
    redactor.agent_said("What's the security code?")

    assert redactor.redact("208") == "[CVV_1]"

    values = [value for _placeholder, value in _entries(redactor)]
    assert "4419208" not in values
    assert not any(e.kind is EntityType.CARD for e in redactor.vault)
    assert redactor.vault.get("[CVV_1]") is not None
    assert redactor.vault.get("[CVV_1]").value == "208"  # type: ignore[union-attr]


def test_the_agent_reading_the_card_back_then_asking_the_code() -> None:
    redactor = CallRedactor()
    redactor.agent_said("I can see the card on file ending in 4 4 1 9. What's the security code?")

    assert redactor.redact("Yeah, it's 2 0 8.") == "Yeah, it's [CVV_1]."
    assert _entries(redactor) == [("[CVV_1]", "208")]


def test_a_stored_card_keeps_its_value_through_the_answers_after_it() -> None:
    redactor = CallRedactor()
    redactor.agent_said("What's the card number?")
    redactor.redact("4111 1111 1111 1111")
    redactor.agent_said("And the expiry?")
    redactor.redact("12 28")
    redactor.agent_said("And the security code?")
    redactor.redact("2 0 8")

    assert redactor.vault.get("[CARD_1]").value == "4111111111111111"  # type: ignore[union-attr]
    assert redactor.vault.get("[CVV_1]").value == "208"  # type: ignore[union-attr]


def test_a_new_question_ends_a_number_being_read_for_another_one() -> None:
    redactor = CallRedactor()
    redactor.agent_said("What's the card number?")
    assert redactor.redact("4111 1111") == "[CARD_1]"
    redactor.agent_said("Sorry, let's do the security code first. What is it?")

    assert redactor.redact("2 0 8") == "[CVV_1]"
    assert redactor.vault.get("[CARD_1]").value == "41111111"  # type: ignore[union-attr]


def test_vault_extend_never_changes_a_complete_value() -> None:
    vault = Vault()
    card = vault.add(EntityType.CARD, "4111111111111111")

    other = vault.extend(card, "4111111111111111208", complete=False)

    assert other != card
    assert vault.get(card).value == "4111111111111111"  # type: ignore[union-attr]
    # A partial grows only by what follows it.
    partial = vault.add(EntityType.CARD, "4419", complete=False)
    assert vault.extend(partial, "5208", complete=False) != partial
    assert vault.get(partial).value == "4419"  # type: ignore[union-attr]
    assert vault.extend(partial, "44195208", complete=False) == partial


def test_a_number_read_in_pieces_still_joins_across_back_channels() -> None:
    redactor = CallRedactor()
    redactor.agent_said("Card number, please.")
    assert redactor.redact("5135") == "[CARD_1]"
    redactor.agent_said("Mm-hm.")
    assert redactor.redact("1068 4282") == "[CARD_1]"
    redactor.agent_said("And the last four?")
    assert redactor.redact("7588.") == "[CARD_1]."

    assert _entries(redactor) == [("[CARD_1]", "5135106842827588")]


def test_a_group_said_again_is_the_stored_value() -> None:
    redactor = CallRedactor()
    redactor.agent_said("What's the card number, please?")
    redactor.redact("4807 0297 9547 8227.")
    redactor.agent_said("Sorry, could you repeat the last group?")

    assert redactor.redact("8227.") == "[CARD_1]."
    assert len(redactor.vault) == 1


# --- the agent's question drives what the answer is ------------------------------------


@pytest.mark.parametrize(
    ("agent", "caller", "expected"),
    [
        ("And for the Visa ending in 4419, the CVV please.", "Um, four one seven.",
         "Um, [CVV_1]."),
        ("And the last three digits on the signature strip?", "6 4 7.", "[CVV_1]."),
        ("Please give me your six digit security number.", "4 8 1 1 9 2.", "[PIN_1]."),
        ("And your PIN?", "It's nineteen seventy-three.", "It's [PIN_1]."),
        ("I've just sent a six digit code to your phone. Can you read it out?",
         "Yep, 4 8 2 9 1 7.", "Yep, [OTP_1]."),
        ("What's your security word?", "It's bluebird.", "It's [SECRET_1]."),
        ("What was the name of your first pet?", "Biscuit. B I S C U I T.",
         "[SECRET_1]. [SECRET_1]."),
        ("And your mother's maiden name?", "Henderson.", "[MAIDEN_1]."),
        ("Can you spell your mother's maiden name for me?",
         "Papa, Alpha, Romeo, Kilo, Echo, Romeo.", "[MAIDEN_1]."),
        ("Can you confirm your date of birth?", "Twenty-first of the ninth, ninety-three.",
         "[DOB_1]."),
        ("And your national insurance?", "PE 28 19 73 A.", "[NINO_1]."),
        ("What's the registration of the vehicle?", "It's L K 1 9 X W R.", "It's [PLATE_1]."),
        ("And the IBAN, please?", "N L six four, I N G B, five three eight one, one three "
         "seven nine, eight five.", "[IBAN_1]."),
    ],
)  # fmt: skip
def test_the_question_makes_the_answer_that_kind_whatever_its_form(
    agent: str, caller: str, expected: str
) -> None:
    assert redact_call(("a", agent), ("c", caller)) == [expected]


def test_the_same_words_unasked_are_kept() -> None:
    assert redact_call(("c", "It's bluebird.")) == ["It's bluebird."]
    assert redact_call(("c", "Henderson.")) == ["Henderson."]
    assert redact_call(("a", "How can I help?"), ("c", "My bill is wrong.")) == [
        "My bill is wrong."
    ]


def test_a_stall_is_not_the_answer_and_the_question_stands_for_the_next_turn() -> None:
    out = redact_call(
        ("a", "What's your security word?"),
        ("c", "Oh god, hang on, I wrote it down."),
        ("a", "No problem, take your time."),
        ("c", "Marmalade."),
    )
    assert out == ["Oh god, hang on, I wrote it down.", "[SECRET_1]."]
    remark = redact_call(
        ("a", "What's your security word?"),
        ("c", "I honestly can't remember it, can we do it another way?"),
    )
    assert remark == ["I honestly can't remember it, can we do it another way?"]


def test_thanks_after_a_remark_is_not_taken_for_the_answer() -> None:
    out = redact_call(
        ("a", "What's your security word?"),
        ("c", "I don't have one."),
        ("a", "Okay, I'll send you a reset link instead."),
        ("c", "Great, thanks."),
    )
    assert out == ["I don't have one.", "Great, thanks."]
    # Right after the question, a single word is the answer, whatever it is.
    assert redact_call(("a", "What's your security word?"), ("c", "Perfect.")) == ["[SECRET_1]."]


def test_an_answered_question_ends_with_the_next_agent_turn() -> None:
    out = redact_call(
        ("a", "What's your security word?"),
        ("c", "Penguin."),
        ("a", "Thank you. How can I help today?"),
        ("c", "I want the 500 megabit plan."),
    )
    assert out == ["[SECRET_1].", "I want the 500 megabit plan."]


def test_a_request_to_say_it_again_brings_the_question_back() -> None:
    out = redact_call(
        ("a", "What's your mother's maiden name?"),
        ("c", "It's Fitz"),
        ("a", "Sorry, you broke up there."),
        ("c", "Fitzgerald, sorry, the line cut out."),
    )
    assert out == ["It's [MAIDEN_1]", "[MAIDEN_2], sorry, the line cut out."]


def test_an_answer_cut_into_several_finals_is_redacted_whole() -> None:
    # The recogniser finalises at each pause; the agent may even answer the "Yes." first.
    out = redact_call(
        ("a", "Can I take your mother's maiden name to verify you?"),
        ("c", "Yes."),
        ("a", "Thank you. I'll send a reset link now."),
        ("c", "It's Henderson."),
        ("a", "Thank you. I'll send a reset link now."),
        ("c", "H E N D E R S O N."),
        ("c", "And I also want to ask about my loan."),
        ("a", "What's the account number?"),
        ("c", "It's 12345678, and Henderson is on it too."),
    )
    assert out == [
        "Yes.",
        "It's [MAIDEN_1].",
        "[MAIDEN_1].",
        "And I also want to ask about my loan.",
        "It's [ACCOUNT_1], and [MAIDEN_1] is on it too.",
    ]


def test_a_volunteered_maiden_name_is_redacted() -> None:
    out = redact_call(("c", "Oh, and my mum's maiden name is Nguyen if you need it for security."))
    assert out == ["Oh, and my mum's maiden name is [MAIDEN_1] if you need it for security."]


@pytest.mark.parametrize(
    ("text", "context", "hold", "again"),
    [
        ("Mm-hmm.", None, True, False),
        ("Sorry, you cut out after 2 4 4 4.", None, True, True),
        ("And the final four digits?", Context.GENERIC, True, False),
        ("Thank you. Is there anything else I can help with?", None, False, False),
        ("How many PIN attempts did you make?", Context.NEGATIVE, False, False),
        ("We've sent an eight digit security code. What does it say?", Context.OTP, False,
         False),
    ],
)  # fmt: skip
def test_agent_turns_that_ask_nothing_new(
    text: str, context: str | None, hold: bool, again: bool
) -> None:
    turn = read_agent_turn(text)
    assert (turn.context, turn.hold, turn.again) == (context, hold, again)


def test_a_tool_secret_named_in_the_question_makes_the_answer_secret() -> None:
    redactor = CallRedactor(secret_phrases=["verification phrase"])
    redactor.agent_said("To verify you, what's your verification phrase?")

    assert redactor.redact("It's the day we got the dog.") == "It's the [SECRET_1]."
    plain = CallRedactor()
    plain.agent_said("To verify you, what's your verification phrase?")
    assert plain.redact("It's the day we got the dog.") == "It's the day we got the dog."


def test_interims_are_read_as_the_answer_without_touching_the_call() -> None:
    redactor = CallRedactor()
    redactor.agent_said("What's your security word?")

    assert redactor.redact_interim("it's blue") == "it's [SECRET]"
    assert len(redactor.vault) == 0
    assert redactor.redact("It's bluebird.") == "It's [SECRET_1]."


# --- the spoken-form normaliser ----------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("It's uh 4849, um, 0934, 0662, 1708.", "It's uh 4849, 0934, 0662, 1708."),
        ("four five three two and nine one eight five", "4 5 3 2, 9 1 8 5"),
        ("5148 then 1235 then 1068", "5148, 1235, 1068"),
        ("4036. 9702. 6163.", "4036, 9702, 6163."),
        ("Valid thru 0 5 slash 2 7", "Valid thru 0 5/2 7"),
        ("Sierra Hotel Alpha Hotel", "S H A H"),
        ("D as in dog, U, B for boy", "D, U, B"),
        ("Capital K, a, n", "K, a, n"),
        ("It's plus 61 491 570 737", "It's +61 491 570 737"),
        ("Twenty-first of the ninth, ninety-three", "21st of the 9th, 93"),
        ("Oh seven seven double oh", "0 7 7 00"),
        # Words that only look like spelling or dictation stay as they are.
        ("the hotel on Victor Street", "the hotel on Victor Street"),
        ("between 9 and 11", "between 9 and 11"),
        ("my card is 4111 and 2 tickets", "my card is 4111 and 2 tickets"),
    ],
)
def test_spoken_forms(said: str, written: str) -> None:
    assert normalise(said).text == written


def test_a_joined_gap_is_redacted_whole() -> None:
    out = redact_call(
        ("a", "What's the card number?"), ("c", "5148 then 1235 then 1068 then 4287.")
    )
    assert out == ["[CARD_1]."]


# --- self-corrections --------------------------------------------------------------------


def test_every_attempt_at_a_corrected_value_is_its_placeholder() -> None:
    redactor = CallRedactor()
    redactor.agent_said("Card number, please.")
    out = redactor.redact(
        "Five four… no sorry, five four two seven, oh six six two, one seven oh eight, "
        "three oh one eight."
    )

    assert out == "[CARD_1]… no sorry, [CARD_1]."
    assert _entries(redactor) == [("[CARD_1]", "5427066217083018")]


def test_a_correction_of_the_end_replaces_the_end() -> None:
    redactor = CallRedactor()
    redactor.agent_said("And a contact number?")
    redactor.redact("07700 900 482, no hang on, 900 428.")

    assert [value for _p, value in _entries(redactor)] == ["07700900428"]


# --- new classes and their checks --------------------------------------------------------


def test_check_digits_of_the_new_classes() -> None:
    assert sin_valid("130692544") and not sin_valid("130692545")
    assert tfn_valid("123456782") and not tfn_valid("123456783")
    assert nhs_valid("9434765919") and not nhs_valid("9434765918")
    assert iban_valid("GB82WEST12345698765432") and not iban_valid("GB82WEST12345698765433")
    assert vin_valid("1HGCM8268JA526018") and not vin_valid("1HGCM8269JA526018")
    assert au_medicare_valid("5512157913") and not au_medicare_valid("5512157923")
    assert nino_valid("JG103759A") and not nino_valid("QQ123456A") and not nino_valid("JG103759E")
    assert gb_postcode_valid("EC1V4PW") and ca_postcode_valid("K1N6N5")
    assert not ca_postcode_valid("D1N6N5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My SIN is 141 678 177.", "My SIN is [SIN_1]."),
        ("It's 203 571 821, and I lodged my return", "It's [TFN_1], and I lodged my return"),
        ("NHS number 7245860505, and the appointment", "NHS number [NHS_1], and the appointment"),
        ("The IBAN is IE27 AIBK 9753 2852 1713 69.", "The IBAN is [IBAN_1]."),
        ("My NINO is TM 18 66 39 C, since April 2022.", "My NINO is [NINO_1], since April 2022."),
        ("The VIN is 1HGCM8268JA526018.", "The VIN is [VIN_1]."),
        ("Reg is BD51 SMR, it's the silver one.", "Reg is [PLATE_1], it's the silver one."),
        ("It's 27 Marlowe Street, Leeds, LS6 2QT.", "It's [ADDRESS_1], Leeds, [POSTCODE_1]."),
        ("My postal code is V6K 2G8.", "My postal code is [POSTCODE_1]."),
        ("MRN is M R 7 7 2 0 1 4.", "MRN is [MEDICAL_1]."),
        ("Policy number HX 4471 2290.", "Policy number [POLICY_1]."),
        ("The one-time passcode is 9 0 4 4 7 3, it expires in 10 minutes.",
         "The one-time passcode is [OTP_1], it expires in 10 minutes."),
        ("My state ID is 8 8 1 2 0 4 4 7.", "My state ID is [ID_1]."),
    ],
)  # fmt: skip
def test_new_classes(text: str, expected: str) -> None:
    assert redact_call(("c", text)) == [expected]


def test_spelled_email_and_the_name_said_before_its_spelling() -> None:
    out = redact_call(
        ("a", "And an email address for the receipt?"),
        ("c", "It's dwalsh, that's D for David, W for William, A L S H, at outlook dot com."),
    )
    assert out == ["It's [EMAIL_1]."]


# --- what is not personal data stays --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Yeah, order, number 30044871.",
        "PO number 7 7 2 0 9 1.",
        "RMA 4 4 1 0 2 7.",
        "Invoice INV 2024 0917.",
        "The tracking number is 1Z999AA10123456784 and it's been stuck for a week.",
        "Can you call me back around 7 45 tonight?",
        "call me back between 9 and 11 tomorrow",
        "My pin got locked after 3 tries.",
        "My credit card limit is 7,500 and I'm nowhere near it.",
        "I tried to take out 500 on my debit card but the ATM only gave me 200.",
        "I've forgotten my PIN, can you send me a new one?",
        "My son was born in 2012 and he's 12 now.",
        "I'm at the Hilton hotel in room 2 1 4.",
    ],
)
def test_ordinary_numbers_after_cue_words_are_kept(text: str) -> None:
    assert redact_call(("c", text)) == [text]


def test_a_time_asked_for_is_kept() -> None:
    out = redact_call(
        ("a", "What's a good time to call you back?"), ("c", "8 15 in the morning works.")
    )
    assert out == ["8 15 in the morning works."]


# --- per-tenant policy -------------------------------------------------------------------


def test_a_cards_last_four_is_redacted_unless_the_tenant_says_otherwise() -> None:
    said = "The one ending 4419, and the code is 062."
    asked = ("a", "Which card would you like to use, and the security code for it, please?")

    assert redact_call(asked, ("c", said)) == [
        "The one ending [LASTFOUR_1], and the code is [CVV_1]."
    ]
    keep = RedactionPolicy(disabled=frozenset({EntityType.LASTFOUR}))
    assert redact_call(asked, ("c", said), policy=keep) == [
        "The one ending 4419, and the code is [CVV_1]."
    ]


def test_a_class_turned_off_passes_through() -> None:
    policy = RedactionPolicy(disabled=frozenset({EntityType.PLATE, EntityType.POSTCODE}))
    out = redact_call(("c", "Reg is BD51 SMR and the postcode is M14 5RG."), policy=policy)
    assert out == ["Reg is BD51 SMR and the postcode is M14 5RG."]


def test_names_follow_the_policy_and_spelled_names_go_with_them() -> None:
    asked = ("a", "Can I get your surname?")
    said = ("c", "Walsh. That's W for William, A L S H.")
    assert redact_call(asked, said) == ["Walsh. That's W for William, A L S H."]
    named = redact_call(asked, said, policy=RedactionPolicy(detect_names=True))
    assert named == ["[NAME_1]. That's [NAME_1]."]


def test_stateless_redaction_has_bare_tags_for_the_new_classes() -> None:
    text = redact_text("my NHS number is 943 476 5919 and my reg is BD51 SMR")
    assert re.fullmatch(r"my NHS number is \[NHS\] and my reg is \[PLATE\]", text)
