"""Kinds of error read from the outside PII corpus's leaks: a plate after "was" or
"mine's", a member ID after "member is", a fresh one-time code, a card that "runs out",
passwords said beside "wrong password" or set "to" a value, an address's local part as an
initial and a name, a name of an address said again, a house number alone, a PO box, a
mews, a Dutch postcode, a ZIP+4; and what stays: a model year, "ring 30 minutes", a
month's year beside "phone", a year asked with "when"."""

from __future__ import annotations

import pytest
from support import redact_call

from compliance.checksums import nl_postcode_valid
from compliance.cues import Context, question_context

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        ((("c", "The other driver's reg was LK19 RTP."),), "LK19"),
        ((("a", "And the registration of your van?"), ("c", "Mine's BD68 XNE.")), "BD68"),
        (
            (("a", "Can I take the group number and your member ID?"), ("c", "Group 7731.")),
            "7731",
        ),
        ((("c", "And member is WQR 118 204 337."),), "118 204"),
        (
            (("a", "That code timed out, so I've sent you a new one."), ("c", "It's 604 219.")),
            "604 219",
        ),
        (
            (("c", "It's 4539 1488 0343 6467 and it runs out in March 2029."),),
            "March 2029",
        ),
        ((("c", "It says wrong password, but it's marigold, all lowercase."),), "marigold"),
        ((("c", "I changed my password to Bramble77 last week."),), "Bramble77"),
        ((("a", "What's your email?"), ("c", "It's k osei, all one word.")), "osei"),
        (
            (
                ("a", "And your email?"),
                ("c", "Ana dot Sørlie at example dot com. Sørlie with an o slash."),
            ),
            "Sørlie with",
        ),
        ((("a", "What's the address?"), ("c", "Number 14.")), "14"),
        ((("c", "Send it to PO Box 4471, please."),), "4471"),
        ((("a", "What's your address?"), ("c", "It's 3 Coach House Mews.")), "Coach House"),
        ((("a", "What's your postcode?"), ("c", "1017 CT, Amsterdam.")), "1017"),
        ((("c", "The billing ZIP is 60614-2203."),), "60614"),
        # A last four asked beside a date of birth, or said with nothing asked.
        (
            (
                ("a", "I need the last four of your social and your date of birth."),
                ("c", "Last four is 7710. Birthday's May 3rd, 1980."),
            ),
            "7710",
        ),
        ((("c", "The last four are 5521."),), "5521"),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        # A model year before the model's name is no plate.
        (
            (
                ("a", "What's the registration of the car?"),
                ("c", "It's a grey 2017 Fiesta, the plate's in the app."),
            ),
            "2017 Fiesta",
        ),
        # "ring" the verb is no German street ("...ring 30").
        ((("c", "Could the driver ring 15 minutes before he arrives?"),), "15 minutes"),
        # A month's year beside "phone" is a date, not a number.
        ((("c", "My phone contract ends in October 2026."),), "October 2026"),
        # "When did you...?" asks for a time, whatever else the question names.
        ((("a", "When did you open the account?"), ("c", "2011, I think.")), "2011"),
        # Said as why, not as the password.
        ((("c", "I need to reset my password to get back into the app."),), "get back into"),
        # A last four of an ordinary number asked for is that number's.
        ((("a", "What's your order number?"), ("c", "The last four are 1234.")), "1234"),
        ((("c", "I've lived here the last four years, since 2019."),), "since 2019"),
        # A five-digit ZIP names an area (docs/pii.md): kept.
        ((("c", "We're in Chicago, 60614."),), "60614"),
    ],
)
def test_ordinary_words_and_numbers_are_kept(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))


def test_an_order_number_read_from_an_email_is_not_an_email_asked_for() -> None:
    asked = question_context("Can you read me the booking number from the confirmation email?")
    assert asked == Context.NEGATIVE


def test_a_dutch_postcode_is_four_digits_and_two_letters_never_sa_sd_ss() -> None:
    assert nl_postcode_valid("3511LX")
    assert not nl_postcode_valid("0511LX")
    assert not nl_postcode_valid("3511SS")
    assert not nl_postcode_valid("351LX")
