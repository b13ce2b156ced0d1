"""Issue 14: the agent's question as context, card security data, identifiers, international
addresses, long spoken numbers, names on request, and linear time with a per-turn bound."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from compliance import CallRedactor, EntityType, RedactionPolicy, redact_text
from compliance import detectors as detectors_module
from compliance import spoken as spoken_module
from compliance.detectors import WINDOW_CHARS, question_context
from compliance.redactor import MAX_TURN_CHARS, withhold_excess
from compliance.spoken import SEGMENT_CHARS, digits_said

pytestmark = pytest.mark.unit


def _after(agent: str, *turns: str) -> list[str]:
    redactor = CallRedactor()
    redactor.agent_said(agent)
    return [redactor.redact(turn) for turn in turns]


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ("What's the best number to reach you?", "phone"),
        ("And what's a good callback number in case we get cut off?", "phone"),
        ("For security, can you confirm your date of birth?", "birth"),
        ("Please read me the long number on the front of the card.", "card"),
        ("And the three digit security code on the back?", "cvv"),
        ("When does the card expire?", "expiry"),
        ("May I have your member ID?", "member"),
        ("What's your order number?", "negative"),
        ("What time works best for a callback?", "negative"),
        ("What's the member number on your insurance card?", "member"),
        ("Thanks, I have your card. What's the expiry?", "expiry"),
        ("What's a good number to reach you?", "phone"),
        ("Is there anything else I can help with?", None),
    ],
)
def test_the_agents_question_names_what_comes_next(agent: str, expected: str | None) -> None:
    assert question_context(agent) == expected


def test_a_grouped_spoken_answer_to_a_phone_question_is_a_phone() -> None:
    answer = "five five five one two three, four five six seven"

    assert _after("What's the best number to reach you?", answer) == ["[PHONE_1]"]
    # Without the question it is still redacted, as a bare long number.
    assert CallRedactor().redact(answer) == "[NUMBER_1]"


def test_the_question_carries_over_dictation_in_several_turns() -> None:
    out = _after(
        "Could I get a phone number where we can reach you?",
        "yeah it's three one two",
        "five five five",
        "zero one four two",
    )

    assert out == ["yeah it's [PHONE_1]", "[PHONE_1]", "[PHONE_1]"]


def test_an_answered_question_stops_colouring_later_turns() -> None:
    redactor = CallRedactor()
    redactor.agent_said("What's a good number to reach you?")
    redactor.redact("312 555 0142")

    assert redactor.asked is None
    assert redactor.redact("I want 3 more boxes by 5 pm, 2 1 4 each") == (
        "I want 3 more boxes by 5 pm, 2 1 4 each"
    )


def test_an_order_number_question_keeps_a_long_spoken_number() -> None:
    said = "one one two two three three four four five five"

    assert _after("What's your order number?", said) == [said]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my number is 555 123, sorry, 555 123 4567", "my number is [PHONE_1], sorry, [PHONE_2]"),
        (
            "my cell is 415 555 0101 and my work number is 415 555 0199",
            "my cell is [PHONE_1] and my work number is [PHONE_2]",
        ),
        # The corrected value is what counts: both attempts are its placeholder.
        ("my pin is 4 4 2 1, no wait, it's 4 4 2 7", "my pin is [PIN_1], no wait, it's [PIN_1]"),
        ("my pin is 1234 or maybe 4321", "my pin is [PIN_1] or maybe [PIN_2]"),
        (
            "my date of birth is march 3 1985 and my husband was born on april 5 1987",
            "my date of birth is [DOB_1] and my husband was born on [DOB_2]",
        ),
        ("the code on the back is 7 3 2", "the code on the back is [CVV_1]"),
        ("security code nine eight one", "security code [CVV_1]"),
        (
            "my card is 4242 4242 4242 4242 and it expires 12/27",
            "my card is [CARD_1] and it expires [EXPIRY_1]",
        ),
        ("4111 1111 1111 1111, 09/27", "[CARD_1], [EXPIRY_1]"),
        ("4111 1111 1111 1111, 09/27, 732", "[CARD_1], [EXPIRY_1], [CVV_1]"),
        (
            "card 4111 1111 1111 1111 exp twelve twenty eight code seven three two",
            "card [CARD_1] exp [EXPIRY_1] code [CVV_1]",
        ),
        ("use promo code 4412 please", "use promo code 4412 please"),
        ("my subscription expires 12/27", "my subscription expires 12/27"),
        ("my passport number is X12345678", "my passport number is [PASSPORT_1]"),
        ("driver's license number D123-4567-8901", "driver's license number [LICENSE_1]"),
        ("my medicare number is 1EG4-TE5-MK73", "my medicare number is [MEMBER_1]"),
        ("it says 1EG4-TE5-MK73 on the card", "it says [MEMBER_1] on the card"),
        ("my account id is AB12-3456-CD", "my account id is [ID_1]"),
        ("I live at 42 Rue de Rivoli, Paris", "I live at [ADDRESS_1]"),
        ("ship it to Hauptstraße 5, 10115 Berlin", "ship it to [ADDRESS_1]"),
        ("my address is Calle Mayor 10, Madrid", "my address is [ADDRESS_1]"),
        (
            "the delivery address is 221B Baker Street, London NW1 6XE",
            "the delivery address is [ADDRESS_1]",
        ),
        ("it's one two three, four five, six seven eight nine", "it's [SSN_1]"),
        ("sure, 536 22 1234", "sure, [SSN_1]"),
        # (Nine digits that pass neither the SIN's nor the TFN's check.)
        ("it's four seven two nine one eight three three five", "it's [NUMBER_1]"),
    ],
)
def test_second_pass_classes(text: str, expected: str) -> None:
    assert CallRedactor().redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "my order number is one two three four five six seven eight nine",
        "I'm on flight two two three one tomorrow at six forty five",
        "case number is eight eight one two three four five six seven zero",
        "reservation 4412990155",
        "they charged me one thousand two hundred and forty dollars",
        "the model is XJ 9 2 0 0 and the serial is 4 4 1 8 2 7 7 3 0 1",
        "I've been a customer from 2009 to 2024",
    ],
)
def test_ordinary_long_numbers_stay(text: str) -> None:
    assert CallRedactor().redact(text) == text


def test_an_expiry_after_its_keyword_needs_a_card_in_the_call() -> None:
    redactor = CallRedactor()

    first = redactor.redact("my card number is 4242 4242 4242 4242")
    second = redactor.redact("expiration is 11/30")

    assert (first, second) == ("my card number is [CARD_1]", "expiration is [EXPIRY_1]")


def test_names_only_when_the_policy_asks() -> None:
    text = "Hi, my name is Maria Gonzalez and I have a question"
    on = RedactionPolicy(detect_names=True)

    assert CallRedactor().redact(text) == text
    assert CallRedactor(on).redact(text) == "Hi, my name is [NAME_1] and I have a question"
    assert redact_text("this is Raj Patel calling", on) == "this is [NAME] calling"
    asked = CallRedactor(on)
    asked.agent_said("Can I have your full name, please?")
    assert asked.redact("Sure, it's Olivia Chen.") == "Sure, it's [NAME_1]."
    assert CallRedactor(on).redact("I'm Not sure, this is Monday's order") == (
        "I'm Not sure, this is Monday's order"
    )


def test_security_code_and_pin_may_never_be_spoken_in_full() -> None:
    for kind in ("CVV", "PIN"):
        with pytest.raises(ValidationError):
            RedactionPolicy.model_validate({"speech": {kind: "full"}})
    redactor = CallRedactor(RedactionPolicy.model_validate({"speech": {"CVV": "last4"}}))
    redactor.redact("the cvv is 5 1 8")

    assert redactor.vault.restore_for_speech("[CVV_1]", redactor.policy) == (
        "the security code you gave"
    )


def test_digits_said_counts_dictation_in_any_form() -> None:
    assert digits_said("four one five, five five") == "41555"
    assert digits_said("415-55") == "41555"
    assert digits_said("double five and twenty one") == "5521"
    assert digits_said("oh, I see") == ""


def test_a_turn_over_the_limit_is_cut_and_the_rest_withheld() -> None:
    long_turn = "my card is 4111 1111 1111 1111 " + "blah " * 2000 + "ssn 123-45-6789"

    out = CallRedactor().redact(long_turn)

    assert len(out) <= MAX_TURN_CHARS
    assert out.startswith("my card is [CARD_1] blah")
    assert out.endswith("more characters]")
    assert "6789" not in out
    assert withhold_excess(out) == out  # idempotent: the LLM-context pass keeps it


def test_work_per_turn_grows_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every detector runs on windows of bounded size whose total is proportional to the
    turn: so the cost is linear in the turn's length, whatever each window costs."""
    scanned: list[int] = []
    normalised: list[int] = []
    scan_window = detectors_module._scan_window
    segment = spoken_module._normalise_segment

    def counting_scan(norm, offset, end, *args):  # type: ignore[no-untyped-def]
        scanned.append(end - offset)
        return scan_window(norm, offset, end, *args)

    def counting_segment(text):  # type: ignore[no-untyped-def]
        normalised.append(len(text))
        return segment(text)

    monkeypatch.setattr(detectors_module, "_scan_window", counting_scan)
    monkeypatch.setattr(spoken_module, "_normalise_segment", counting_segment)
    unit = "call me at five five five one two three four five six seven, order 48213. "
    work = {}
    for size in (40_000, 80_000, 160_000):
        scanned.clear()
        normalised.clear()
        CallRedactor(max_turn_chars=None).redact((unit * (size // len(unit) + 1))[:size])
        assert max(scanned) <= WINDOW_CHARS
        assert max(normalised) <= SEGMENT_CHARS
        work[size] = sum(scanned) + sum(normalised)
    assert work[80_000] <= 2.1 * work[40_000]
    assert work[160_000] <= 2.1 * work[80_000]


@pytest.mark.timeout(120)
def test_a_one_megabyte_turn_completes_and_leaks_nothing() -> None:
    unit = "my social is 123-45-6789 and my card 4111 1111 1111 1111, order 48213 please. "
    text = (unit * (1_048_576 // len(unit) + 1))[:1_048_576]

    out = CallRedactor(max_turn_chars=None).redact(text)

    assert "6789" not in out
    assert "4111" not in out
    assert out.count("[SSN_1]") >= 13_000
    assert "order 48213 please" in out
    assert EntityType.CARD.value in out


def test_a_number_longer_than_a_window_is_redacted_to_its_end() -> None:
    words = "one two three four five six seven eight nine zero".split()
    said = " ".join(words[i % 10] for i in range(3000))  # 15 KB, several windows
    assert len(said) > 3 * WINDOW_CHARS

    out = CallRedactor(max_turn_chars=None).redact(f"ok so {said} thanks")

    assert out.startswith("ok so [NUMBER_1]")
    assert out.endswith("] thanks")
    assert not any(word in out.split() for word in words)
