"""Values said in pieces across the STT's pauses: an e-mail address read as sentences, and
letters spelled beside a value (kinds of error from the pii_pieces corpus)."""

from __future__ import annotations

import re

import pytest

from compliance import CallRedactor, RedactionPolicy


def _redacted(agent: str, *turns: str) -> list[str]:
    redactor = CallRedactor(RedactionPolicy())
    redactor.agent_said(agent)
    out = []
    for turn in turns:
        out.append(redactor.redact(turn))
        redactor.agent_said("Mhm.")
    return out


@pytest.mark.parametrize(
    ("agent", "said", "gone"),
    [
        # The local part read as sentences before the "@".
        (
            "Which email should we use?",
            "Yes. It is R Menon. 1979. At the rate example.com.",
            ["Menon", "1979"],
        ),
        (
            "Can I take an email address?",
            "J. Ortega. O R T E G A. Arroba example dot com.",
            ["Ortega", "O R T E G A"],
        ),
        ("And your email?", "It's greenfinch, all one word, at example.org.", ["greenfinch"]),
        (
            "What's your email?",
            "Hallam. That's H for hotel, A, double L, A, M. At example dot co dot uk.",
            ["Hallam"],
        ),
        # Volunteered, with the word "email" before it.
        ("How can I help?", "My email is D Kowalski. 58. At example.net.", ["Kowalski", "58"]),
        # A correction of the address, without its "@" again.
        (
            "And the email?",
            "It's mlopez4@example.com. No, sorry, mlopez, then double 4. mlopez44.",
            ["mlopez", "44"],
        ),
    ],
)
def test_an_address_read_in_pieces_is_redacted_whole(
    agent: str, said: str, gone: list[str]
) -> None:
    (out,) = _redacted(agent, said)
    for piece in gone:
        assert piece not in out, out
    assert "[EMAIL" in out


def test_an_address_split_over_turns_is_redacted_in_each() -> None:
    first, second, third = _redacted(
        "What's your email address?", "It's K. Adeyemi.", "A D E Y E M I.", "At example dot I E."
    )
    assert "Adeyemi" not in first and "K." not in first
    assert "A D E Y E M I" not in second
    assert "example" in third or "[EMAIL" in third


@pytest.mark.parametrize(
    ("agent", "said"),
    [
        ("What's your email?", "I don't have one, sorry."),
        ("What's your email?", "Sure. Hang on."),
        ("How can I help?", "I'm at the office. Rob will ring you back."),
        ("What's the best email for you?", "Can I give you my husband's instead?"),
    ],
)
def test_words_that_are_no_address_stay(agent: str, said: str) -> None:
    (out,) = _redacted(agent, said)
    assert out == said


def test_what_follows_an_address_stays() -> None:
    (out,) = _redacted(
        "What's the email on the order?",
        "It's lena.fischer@example.de and I ordered 3 jackets, the navy ones.",
    )
    assert "lena" not in out
    assert out.endswith("and I ordered 3 jackets, the navy ones.")


@pytest.mark.parametrize(
    ("agent", "said", "gone"),
    [
        ("What's your address?", "14 Thornbury Road. T H O R N B U R Y.", "T H O R N B U R Y"),
        ("Your PPS number, please.", "It's 7654321. W for William.", "William"),
        ("Passport number for the visa?", "It's Y for yankee. 5512093.", "yankee"),
        (
            "Your maiden name?",
            "My maiden name was Fairweather. F A I R W E A T H E R.",
            "F A I R W E A T H E R",
        ),
    ],
)
def test_letters_spelled_beside_a_value_are_part_of_it(agent: str, said: str, gone: str) -> None:
    (out,) = _redacted(agent, said)
    assert gone not in out, out


@pytest.mark.parametrize(
    ("agent", "said", "kept"),
    [
        # A lone "I" or "A" after a value is a word, not a letter of it.
        ("What's the card number?", "4111 1111 1111 1111. I think.", "I think."),
        ("What's your postcode?", "SW1A 1AA. A flat above the shop.", "A flat above the shop."),
    ],
)
def test_a_word_after_a_value_stays(agent: str, said: str, kept: str) -> None:
    (out,) = _redacted(agent, said)
    assert out.endswith(kept), out


@pytest.mark.parametrize(
    "said",
    [
        # India's Aadhaar (12 digits), the Dutch BSN (9), a South African ID (13), named
        # and read in groups with the STT's periods between them.
        "My Aadhaar number is 4991. 1866. 5246.",
        "My BSN is 1 1 1. 2 2 2. 3 3 3.",
        "Sure, my ID is 850101. 5009. 087.",
    ],
)
def test_a_national_identifier_named_by_its_name_is_redacted(said: str) -> None:
    (out,) = _redacted("How can I help?", said)
    assert not re.search(r"\d", re.sub(r"\[[A-Z]+_\d+\]", "", out)), out


def test_an_id_card_is_not_an_id_number() -> None:
    (out,) = _redacted("How can I help?", "I lost my ID card on the 3 buses I took.")
    assert "3 buses" in out


@pytest.mark.parametrize(
    "said",
    [
        "Call me back after 5 PM on 613. 555. 0187.",
        "Ring me after 6 on 0161 496 0123.",
        "You can reach me from about 3 o'clock on 07700 900 461.",
    ],
)
def test_an_hour_between_the_cue_and_the_number_leaves_the_cue_to_the_number(said: str) -> None:
    redactor = CallRedactor(RedactionPolicy(default_region="GB"))
    redactor.agent_said("When's a good time to call you back?")
    out = redactor.redact(said)
    assert "[PHONE" in out, out
    assert re.search(r"\b(?:5 PM|6|3 o'clock)\b", out), out


def test_what_follows_a_secret_answer_keeps_its_words_and_counts() -> None:
    (out,) = _redacted(
        "What's your memorable word?", "Hedgehog. And I'm ringing about the 2 bounced payments."
    )
    assert "Hedgehog" not in out
    assert out.endswith("And I'm ringing about the 2 bounced payments."), out


def test_an_o_apostrophe_spelled_is_still_spelled() -> None:
    (out,) = _redacted("And your mother's maiden name?", "O'Dowd. O ' D O W D.")
    assert "Dowd" not in out and "D O W D" not in out, out


@pytest.mark.parametrize(
    ("agent", "said", "gone"),
    [
        ("And a mobile number?", "It's 0412. 345. 671. Oh, no, sorry, 617 at the end.", "617"),
        ("Account number?", "40118822. No, 28 at the end, not 22.", "28"),
    ],
)
def test_digits_a_correction_gives_after_the_value_are_the_values(
    agent: str, said: str, gone: str
) -> None:
    redactor = CallRedactor(RedactionPolicy(default_region="AU"))
    redactor.agent_said(agent)
    out = redactor.redact(said)
    assert gone not in out, out


def test_an_amount_at_the_end_of_the_month_stays() -> None:
    (out,) = _redacted("How would you like to pay?", "I'll pay 50 at the end of the month.")
    assert out == "I'll pay 50 at the end of the month."


def test_chunks_read_over_turns_while_the_value_is_owed_are_redacted() -> None:
    iban = _redacted("And your IBAN?", "D E 44. 5001.", "0517. 5407.", "3249. 31.")
    assert not any(re.search(r"\d{2}", re.sub(r"\[[A-Z]+_\d+\]", "", t)) for t in iban), iban
    postcode = _redacted("Postcode for the delivery?", "L 15.", "4 B X. Double B.")
    assert "L 15" not in postcode[0] and "B X" not in postcode[1], postcode


@pytest.mark.parametrize(
    ("agent", "said"),
    [
        ("What's the policy number?", "OK."),
        ("What's the policy number?", "Yes."),
        ("What's the policy number?", "Hang on, it's on the letter."),
        # A ZIP names an area: its digits alone are not redacted.
        ("And the ZIP code?", "9 7 2 1 4."),
    ],
)
def test_words_while_a_value_is_owed_stay(agent: str, said: str) -> None:
    (out,) = _redacted(agent, said)
    assert out == said


@pytest.mark.parametrize(
    ("said", "gone"),
    [
        ("Flat 9. 41 Cranbrook Road.", "Flat 9"),
        ("It's 318. Juniper Avenue.", "318"),
        ("Unit 4C. 2200 Harbor Boulevard.", "4C"),
    ],
)
def test_a_flat_or_house_number_said_before_the_street_is_the_address(said: str, gone: str) -> None:
    (out,) = _redacted("What's the address for the delivery?", said)
    assert gone not in out, out


@pytest.mark.parametrize(
    ("agent", "said", "kept"),
    [
        ("Where should we send it?", "We need it for 2 nights. 14 Elm Road.", "for 2 nights."),
        ("How much did you pay?", "I paid 40. 12 Mill Lane is the shop.", "I paid 40."),
    ],
)
def test_a_number_of_another_sentence_is_not_the_address(agent: str, said: str, kept: str) -> None:
    (out,) = _redacted(agent, said)
    assert kept in out, out
    assert "Elm" not in out and "Mill" not in out, out


@pytest.mark.parametrize(
    ("agent", "said"),
    [
        # The agent named e-mail without asking for an address: what comes back is no
        # part of one.
        ("I'll email the forms over this afternoon.", "Perfect. Thanks a lot."),
        ("You'll get an email once it's approved.", "Okay. Lovely."),
        ("Would you like the invoice by post or by email?", "Post."),
        ("Do you want the code by email or text?", "Text, please."),
    ],
)
def test_a_reply_to_an_email_mentioned_keeps_its_words(agent: str, said: str) -> None:
    (out,) = _redacted(agent, said)
    assert out == said


def test_one_second_after_a_correction_is_a_stall() -> None:
    (out,) = _redacted(
        "What's the best number for you?", "07700 900 416. Sorry. One second. 07700 900 461."
    )
    assert "One second" in out, out
