"""The IBAN length table, checked against SWIFT's IBAN Registry examples.

Each example below is the registry's own for its country (the same ones the central banks
and the European Committee for Banking Standards print). It passes ISO 7064 mod 97 only
at its true length, so a wrong length in the table fails here. The redactor and the turn
judge both read the one table.
"""

from __future__ import annotations

import pytest

from compliance.checksums import IBAN_LENGTHS, iban_valid
from worker.turns.turn_judge import judge_turn

REGISTRY_EXAMPLES = """
AT61 1904 3002 3457 3201
BE68 5390 0754 7034
CH93 0076 2011 6238 5295 7
CY17 0020 0128 0000 0012 0052 7600
CZ65 0800 0000 1920 0014 5399
DE89 3704 0044 0532 0130 00
DK50 0040 0440 1162 43
EE38 2200 2210 2014 5685
ES91 2100 0418 4502 0005 1332
FI21 1234 5600 0007 85
FR14 2004 1010 0505 0001 3M02 606
GB29 NWBK 6016 1331 9268 19
GR16 0110 1250 0000 0001 2300 695
HR12 1001 0051 8630 0016 0
HU42 1177 3016 1111 1018 0000 0000
IE29 AIBK 9311 5212 3456 78
IS14 0159 2600 7654 5510 7303 39
IT60 X054 2811 1010 0000 0123 456
LI21 0881 0000 2324 013A A
LT12 1000 0111 0100 1000
LU28 0019 4006 4475 0000
LV80 BANK 0000 4351 9500 1
MT84 MALT 0110 0001 2345 MTLC AST0 01S
NL91 ABNA 0417 1643 00
NO93 8601 1117 947
PL61 1090 1014 0000 0712 1981 2874
PT50 0002 0123 1234 5678 9015 4
RO49 AAAA 1B31 0075 9384 0000
SE45 5000 0000 0583 9825 7466
SI56 2633 0001 2039 086
SK31 1200 0000 1987 4263 7541
""".strip().splitlines()


def _with_check_digits(country: str, bban: str) -> str:
    """An IBAN with the check digits mod 97 asks for, whatever its length."""
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


def test_every_country_in_the_table_has_a_registry_example() -> None:
    assert {line[:2] for line in REGISTRY_EXAMPLES} == set(IBAN_LENGTHS)


@pytest.mark.parametrize("printed", REGISTRY_EXAMPLES)
def test_the_registry_example_is_valid_at_the_tables_length(printed: str) -> None:
    compact = printed.replace(" ", "")
    assert len(compact) == IBAN_LENGTHS[compact[:2]]
    assert iban_valid(compact)


@pytest.mark.parametrize("printed", REGISTRY_EXAMPLES)
def test_a_character_short_or_over_is_refused_even_with_good_check_digits(printed: str) -> None:
    compact = printed.replace(" ", "")
    country, bban = compact[:2], compact[4:]
    assert iban_valid(_with_check_digits(country, bban))
    assert not iban_valid(_with_check_digits(country, bban[:-1]))
    assert not iban_valid(_with_check_digits(country, bban + "0"))


@pytest.mark.parametrize(
    ("said", "whole"),
    [
        ("It's a Swiss account. CH93. 0076. 2011. 6238. 5295. 7.", True),
        ("It's a Swiss account. CH93. 0076. 2011. 6238. 5295.", False),
        ("It's a Slovenian account. SI56. 2633. 0001. 2039. 086.", True),
        ("It's a Slovenian account. SI56. 2633. 0001. 2039.", False),
        ("It's a Polish account. PL61. 1090. 1014. 0000. 0712. 1981. 2874.", True),
        ("It's a Polish account. PL61. 1090. 1014. 0000. 0712. 1981.", False),
    ],
)
def test_the_turn_judge_hears_an_iban_whole_at_its_countrys_length(said: str, whole: bool) -> None:
    verdict = judge_turn(said, "Which account should the refund go to?")
    assert (verdict.state == "final") is whole
