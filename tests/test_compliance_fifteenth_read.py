"""Kinds of error read from the fifteenth PII corpus's leaks: a card asked for by its
length ("the sixteen digit number") and its last group announced ("then 4 zeros"), a
maiden name after "it was", a security question asked in the plural and a surname with
an inner capital, an Indian PAN and an Irish PPS number by their issuers' shapes, a UK
plate spelled, a password typed in small letters, a Wi-Fi key, a phone number given "on"
in an answer about times. What stays: an order number asked for, a time, a count of
digits, values that fail those shapes."""

from __future__ import annotations

import pytest
from support import redact_call

from compliance.checksums import pan_valid, ppsn_valid, uk_plate_valid

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("turns", "gone"),
    [
        (
            (
                ("a", "Can I take the sixteen digit number?"),
                ("c", "It starts 4000."),
                ("a", "Mhm."),
                ("c", "0000 0000."),
                ("a", "Mhm."),
                ("c", "Then 4 noughts. 0000."),
            ),
            "0000",
        ),
        (
            (
                ("a", "Was the account opened in another name?"),
                ("c", "Maybe try my maiden name, it was Greenhalgh."),
            ),
            "Greenhalgh",
        ),
        (
            (
                ("a", "Could you answer one of your security questions for me?"),
                ("c", "My gran was a MacPherson, if that's one of them."),
            ),
            "MacPherson",
        ),
        (
            (("a", "Your PAN, please."), ("c", "B N Z P M. 2501. K. BNZPM2501K.")),
            "BNZPM2501K",
        ),
        ((("c", "It's AFZPK7190K, the one on my tax card."),), "AFZPK7190K"),
        (
            (("a", "And your PPS number?"), ("c", "It's the newer format. 1234567TW.")),
            "1234567TW",
        ),
        (
            (("c", "It's a silver Golf, Bravo Alpha 21 Charlie Delta Echo."),),
            "21 Charlie",
        ),
        (
            (("c", "It says wrong password, I'm typing m, o, n, k, e, y, 4, 2. Monkey42."),),
            "Monkey42",
        ),
        (
            (("c", "The WiFi code on the router is GT7P-2KLM, it won't connect."),),
            "GT7P-2KLM",
        ),
        (
            (("a", "When's a good time to ring you back?"), ("c", "After 5, on 07700 900461.")),
            "900461",
        ),
    ],
)
def test_the_value_does_not_reach_the_model(turns: tuple[tuple[str, str], ...], gone: str) -> None:
    assert gone not in " ".join(redact_call(*turns))


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        ((("a", "What's your order number?"), ("c", "It's 1122334455.")), "1122334455"),
        ((("a", "When's the best time to call?"), ("c", "At 10 past 9 on Monday.")), "10 past 9"),
        ((("c", "The price ends in 2 zeros, it's 1,200 pounds."),), "1,200 pounds"),
        ((("c", "The invoice is 1234567AB."),), "1234567AB"),
        ((("c", "The model is AB99CDE."),), "AB99CDE"),
    ],
)
def test_what_is_no_secret_stays(turns: tuple[tuple[str, str], ...], kept: str) -> None:
    assert kept in " ".join(redact_call(*turns))


def test_the_issuers_shapes() -> None:
    # PPS: 1234567 weighs 112, T is 112 mod 23 = 20; with W second it still counts 0.
    assert ppsn_valid("1234567T") and ppsn_valid("1234567TW")
    assert not ppsn_valid("1234567A") and not ppsn_valid("123456T")
    # PAN: the fourth letter is the holder's type; X is none.
    assert pan_valid("AFZPK7190K") and not pan_valid("AFZXK7190K")
    # UK plate: age identifiers 02-29 and 51-79; no I or Q among the letters.
    assert uk_plate_valid("BA21CDE") and uk_plate_valid("LM68XYZ")
    assert not uk_plate_valid("BA99CDE") and not uk_plate_valid("IA21CDE")
