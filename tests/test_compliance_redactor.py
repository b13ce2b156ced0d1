"""The call redactor: every type written and spoken, chunked dictation, survivors, the vault."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from compliance import (
    CallRedactor,
    EntityType,
    RedactionPolicy,
    SpeechPolicy,
    normalise,
    redact_text,
    redact_value_in_text,
)
from compliance.detectors import aba_valid, luhn_valid, ssn_valid

pytestmark = pytest.mark.unit


def _digits(text: str) -> str:
    return re.sub(r"\D", "", re.sub(r"\[[A-Z]+_\d+\]", " ", text))


def _value(redactor: CallRedactor, placeholder: str) -> str:
    entry = redactor.vault.get(placeholder)
    assert entry is not None
    return entry.value


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("my card number is 4111 1111 1111 1111", EntityType.CARD, "4111111111111111"),
        ("it's a visa, 4242-4242-4242-4242", EntityType.CARD, "4242424242424242"),
        ("card is 4111 1111, 1111 1111", EntityType.CARD, "4111111111111111"),
        (
            "credit card five five five five five five five five "
            "five five five five four four four four",
            EntityType.CARD,
            "5555555555554444",
        ),
        ("my amex is 3782 822463 10005", EntityType.CARD, "378282246310005"),
        ("my social is 123-45-6789", EntityType.SSN, "123456789"),
        ("my ssn is two one nine oh nine double nine nine nine", EntityType.SSN, "219099999"),
        ("call me at 415-555-1212", EntityType.PHONE, "+14155551212"),
        (
            "call me at four one five five five five one two one two",
            EntityType.PHONE,
            "+14155551212",
        ),
        ("it's eight hundred five five five one two three four", EntityType.PHONE, "+18005551234"),
        ("my uk number is +44 20 7946 0958", EntityType.PHONE, "+442079460958"),
        ("my email is John.Smith@gmail.com", EntityType.EMAIL, "john.smith@gmail.com"),
        ("it's john dot smith at gmail dot com", EntityType.EMAIL, "john.smith@gmail.com"),
        ("john dot smith at gmail.com", EntityType.EMAIL, "john.smith@gmail.com"),
        ("I was born on March 15th, 1985", EntityType.DOB, "1985-03-15"),
        ("date of birth march fifteenth nineteen eighty five", EntityType.DOB, "1985-03-15"),
        ("DOB 03/15/1985", EntityType.DOB, "1985-03-15"),
        ("I live at 123 Main Street", EntityType.ADDRESS, "123 main street"),
        ("my address is four hundred twelve elm avenue", EntityType.ADDRESS, "412 elm avenue"),
        ("my account number is 12345678", EntityType.ACCOUNT, "12345678"),
        ("account number is one two three four five six seven", EntityType.ACCOUNT, "1234567"),
        ("routing number 021000021", EntityType.ROUTING, "021000021"),
        ("the routing is oh one one oh oh oh oh one five", EntityType.ROUTING, "011000015"),
    ],
)
def test_each_type_is_redacted_written_and_spoken(text: str, kind: EntityType, value: str) -> None:
    redactor = CallRedactor()

    result = redactor.redact_turn(text)

    assert [r.kind for r in result.redactions] == [kind]
    placeholder = result.redactions[0].placeholder
    assert placeholder == f"[{kind.value}_1]"
    assert placeholder in result.text
    entry = redactor.vault.get(placeholder)
    assert entry is not None
    assert entry.value == value
    # Nothing of the value survives, in digits or in words.
    written = normalise(result.text).text.lower()
    if kind in (EntityType.EMAIL, EntityType.ADDRESS):
        assert value.split("@")[0].split()[-1] not in written
    else:
        assert _digits(value)[-4:] not in _digits(written)


def test_placeholder_replaces_whole_original_span() -> None:
    text = "my number is (212) 555-0199, thanks"

    assert CallRedactor().redact(text) == "my number is [PHONE_1], thanks"


@pytest.mark.parametrize(
    "text",
    [
        "my order number is 12345",
        "the order number is 1234567890",
        "the total was $1,250.00",
        "it was twelve fifty",
        "can we do 3:30 tomorrow",
        "half past four works",
        "my flight is UA 1234",
        "please transfer me to extension 204",
        "I'm in room 1412",
        "I bought it in 2019",
        "I need 2 tickets for 3 people",
        "confirmation number 8843 2219",
        "my zip code is 94105",
        "it's a 10 minute drive",
        "my appointment is March 15 2024",
        "I've had my card since 2015",
        "my subscription expires 12/27",
        "my account balance is 1250 dollars",
        "oh, I see",
        "tracking number 9400 1000 0000 0000 0000 00",
    ],
)
def test_ordinary_numbers_survive(text: str) -> None:
    redactor = CallRedactor()

    assert redactor.redact(text) == text
    assert len(redactor.vault) == 0


def test_survivors_next_to_secrets_are_kept() -> None:
    text = "my card is 4111 1111 1111 1111 and I'd like 2 tickets for the 3:30 show"

    out = CallRedactor().redact(text)

    assert out == "my card is [CARD_1] and I'd like 2 tickets for the 3:30 show"


def test_same_value_keeps_its_placeholder_across_the_call() -> None:
    redactor = CallRedactor()

    first = redactor.redact("my card is 4111 1111 1111 1111")
    second = redactor.redact("the other card is 5555 5555 5555 4444")
    again = redactor.redact(
        "no wait, use four one one one one one one one one one one one one one one one"
    )

    assert first.endswith("[CARD_1]")
    assert second.endswith("[CARD_2]")
    assert again.endswith("[CARD_1]")
    assert len(redactor.vault) == 2


def test_card_dictated_in_chunks_is_caught_proactively_and_completed() -> None:
    redactor = CallRedactor()

    first = redactor.redact_turn("my card number is 4111 1111")
    second = redactor.redact_turn("1111 1111")

    assert first.text == "my card number is [CARD_1]"
    assert first.redactions[0].complete is False
    assert second.text == "[CARD_1]"
    assert second.redactions[0].complete is True
    [chunk] = second.earlier_chunks
    assert (chunk.turn, chunk.placeholder, chunk.redacted) == (0, "[CARD_1]", True)
    assert "my card number is 4111 1111"[chunk.start : chunk.end] == "4111 1111"
    entry = redactor.vault.get("[CARD_1]")
    assert entry is not None
    assert (entry.value, entry.complete) == ("4111111111111111", True)


def test_three_chunk_spoken_dictation() -> None:
    redactor = CallRedactor()

    outs = [
        redactor.redact("my card number is five one oh five"),
        redactor.redact("one oh five one"),
        redactor.redact("oh five one oh five one oh oh"),
    ]

    assert outs == ["my card number is [CARD_1]", "[CARD_1]", "[CARD_1]"]
    assert _value(redactor, "[CARD_1]") == "5105105105105100"


def test_chunk_without_context_is_reported_as_reaching_the_llm() -> None:
    redactor = CallRedactor()

    first = redactor.redact_turn("4111 1111 1111")
    second = redactor.redact_turn("1111")

    assert first.text == "4111 1111 1111"
    assert second.text == "[CARD_1]"
    [chunk] = second.earlier_chunks
    assert chunk.redacted is False
    assert chunk.turn == 0


def test_keyword_left_hanging_applies_to_next_turn() -> None:
    redactor = CallRedactor()

    redactor.redact("sure, my social security number is")

    assert redactor.redact("321 54 0987") == "[SSN_1]"


def test_card_wins_over_account_in_a_hanging_context() -> None:
    # "the card on my account": the caller then reads the card, in two breaths.
    redactor = CallRedactor()
    assert redactor.redact("I need to update the card on my account.") == (
        "I need to update the card on my account."
    )
    assert redactor.redact("Sure, it's 4111 1111") == "Sure, it's [CARD_1]"
    assert redactor.redact("1111 1111.") == "[CARD_1]."
    assert redactor.vault.restore_for_tool("[CARD_1]") == "4111111111111111"


def test_ssn_and_phone_chunks() -> None:
    ssn = CallRedactor()
    assert (
        ssn.redact("my social security number is 536 22") == "my social security number is [SSN_1]"
    )
    assert ssn.redact("1234") == "[SSN_1]"
    assert _value(ssn, "[SSN_1]") == "536221234"

    phone = CallRedactor()
    assert phone.redact("my phone number is 415 555") == "my phone number is [PHONE_1]"
    assert phone.redact("1212") == "[PHONE_1]"
    assert _value(phone, "[PHONE_1]") == "+14155551212"


def test_account_grows_only_by_a_digits_only_turn() -> None:
    redactor = CallRedactor()
    redactor.redact("my account number is 1234 5678")

    assert redactor.redact("9012") == "[ACCOUNT_1]"
    assert _value(redactor, "[ACCOUNT_1]") == "123456789012"

    other = CallRedactor()
    other.redact("my account number is 12345678")
    assert other.redact("2 tickets please") == "2 tickets please"
    assert _value(other, "[ACCOUNT_1]") == "12345678"


def test_chain_is_not_kept_across_a_non_digit_turn() -> None:
    redactor = CallRedactor()
    redactor.redact("4111 1111")
    redactor.redact("sorry, what was the question")

    assert redactor.redact("1111 1111") == "1111 1111"


def test_restore_for_tool_deep_replaces_placeholders() -> None:
    redactor = CallRedactor()
    redactor.redact("card 4111 1111 1111 1111, email jane at example dot com")
    args = {
        "card_number": "[CARD_1]",
        "contacts": ["[EMAIL_1]", {"note": "send to [EMAIL_1] re [CARD_1]"}],
        "count": 2,
        "unknown": "[CARD_9]",
    }

    real = redactor.vault.restore_for_tool(args)

    assert real == {
        "card_number": "4111111111111111",
        "contacts": [
            "jane@example.com",
            {"note": "send to jane@example.com re 4111111111111111"},
        ],
        "count": 2,
        "unknown": "[CARD_9]",
    }
    assert args["card_number"] == "[CARD_1]"


def test_speech_never_reveals_a_full_card_or_ssn() -> None:
    redactor = CallRedactor()
    redactor.redact("card 4111 1111 1111 1111, social 123-45-6789, account number 99887766")
    reply = "I've saved [CARD_1], [SSN_1] and [ACCOUNT_1]."

    default = redactor.vault.restore_for_speech(reply, RedactionPolicy())
    last4 = redactor.vault.restore_for_speech(
        reply, RedactionPolicy(speech={EntityType.SSN: SpeechPolicy.LAST4})
    )
    silent = redactor.vault.restore_for_speech(
        reply, RedactionPolicy(speech={EntityType.CARD: SpeechPolicy.NONE})
    )

    assert default == (
        "I've saved card ending in 1111, the social security number on file "
        "and account ending in 7766."
    )
    assert "social security number ending in 6789" in last4
    assert silent.startswith("I've saved the card on file,")
    for spoken in (default, last4, silent):
        assert "4111111111111111" not in _digits(spoken)
        assert "123456789" not in _digits(spoken)


def test_speech_full_is_refused_for_card_ssn_account_routing() -> None:
    for kind in (EntityType.CARD, EntityType.SSN, EntityType.ACCOUNT, EntityType.ROUTING):
        with pytest.raises(ValidationError, match="not allowed"):
            RedactionPolicy(speech={kind: SpeechPolicy.FULL})


def test_speech_full_allowed_for_phone_and_partial_card_is_not_read() -> None:
    redactor = CallRedactor()
    redactor.redact("call me at 415 555 1212")
    redactor.redact("my card number is 4111 1111")
    policy = RedactionPolicy(speech={EntityType.PHONE: SpeechPolicy.FULL})

    spoken = redactor.vault.restore_for_speech("[PHONE_1] and [CARD_1] and [CARD_7]", policy)

    assert spoken == "(415) 555-1212 and the card on file and the card on file"


def test_policy_disables_types_and_validates_region() -> None:
    policy = RedactionPolicy(enabled=frozenset({EntityType.CARD}), default_region="gb")

    out = CallRedactor(policy).redact("card 4111111111111111, call 020 7946 0958")

    assert out == "card [CARD_1], call 020 7946 0958"
    assert policy.default_region == "GB"
    with pytest.raises(ValidationError):
        RedactionPolicy(default_region="XX")


def test_policy_loads_from_plain_data() -> None:
    policy = RedactionPolicy.model_validate(
        {"enabled": ["CARD", "SSN"], "speech": {"PHONE": "full"}, "default_region": "US"}
    )

    assert policy.enabled == frozenset({EntityType.CARD, EntityType.SSN})
    assert policy.speech_for(EntityType.PHONE) is SpeechPolicy.FULL
    assert policy.speech_for(EntityType.CARD) is SpeechPolicy.LAST4


def test_known_values_are_redacted_in_tool_results_and_logs() -> None:
    redactor = CallRedactor()
    redactor.redact("my card is 4111 1111 1111 1111 and my phone is 415 555 1212")

    echoed = redactor.vault.redact_known_values(
        "charged 4111-1111-1111-1111; sms sent to +1 (415) 555-1212"
    )
    logged = redactor.redact_for_llm_context("retry 4111111111111111, new card 5555 5555 5555 4444")

    assert echoed == "charged [CARD_1]; sms sent to [PHONE_1]"
    assert logged == "retry [CARD_1], new card [CARD]"
    assert redact_value_in_text("ssn 123 45 6789", "123456789", "[SSN]") == "ssn [SSN]"
    assert redact_text("email bob at work dot io") == "email [EMAIL]"


def test_checksums() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert aba_valid("021000021")
    assert not aba_valid("021000022")
    assert ssn_valid("123456789")
    for bad in ("000123456", "666123456", "900123456", "123006789", "123450000"):
        assert not ssn_valid(bad)


def test_normaliser_maps_spoken_forms_back_to_original_spans() -> None:
    text = "call four one five, double five oh seven or john dot smith at gmail dot com"

    norm = normalise(text)

    assert norm.text == "call 4 1 5, 55 0 7 or john.smith@gmail.com"
    start = norm.text.index("55")
    assert text[slice(*norm.to_original(start, start + 2))] == "double five"
    email = norm.text.index("john")
    assert text[slice(*norm.to_original(email, len(norm.text)))] == (
        "john dot smith at gmail dot com"
    )
    assert normalise("oh, I see").text == "oh, I see"
    assert normalise("nineteen eighty five").text == "19 85"
    assert normalise("one hundred and five").text == "105"
