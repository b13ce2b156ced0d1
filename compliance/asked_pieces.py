"""A turn that is only pieces of a value, while the agent waits for that value.

A caller reading an IBAN, a VIN or a postcode in chunks, with the agent saying "Mhm."
between them, sends turns that are nothing but the chunks: "D E 89. 3704.", "0044. 0532.",
"0130. 00."; "B 15.", "2 T T. Double T."; "1 H G. C M 8 2.". The detectors see too little
in each to name it, and the digit chains join digits only. While the value asked for is
still owed, such a turn is more of it. So is a house or flat number said alone when the
address was asked for ("It's number 9.", then "Quarry Bank Lane.").

Works on the normalised text; offsets are in it.
"""

from __future__ import annotations

import re
from typing import Final

from compliance.cues import Context
from compliance.detectors import ID_CONTEXTS

__all__ = ["ASKED_IN_PIECES", "house_number_only", "pieces_only"]

ASKED_IN_PIECES: Final = {c: k for c, k in ID_CONTEXTS.items() if c != Context.OTP}
"""The values read in letters and digits, by the question that asks for one: the
identifiers that may hold letters, but for a one-time code, whose digits the code rules
read already."""

# One chunk as the STT writes it: digits, capitals spelled ("QQ", "T T"), or both ("12B",
# "CM82"); "double T" repeats a letter. A word of a sentence ("Yes", "sorry") is none.
_CHUNK: Final = r"(?:(?:double|triple|Double|Triple) )?(?!OK\b)(?:[A-Z0-9]{1,8})"
_LEAD: Final = (
    r"(?:(?:um|uh|er|erm|and|then|so|it's|it is|next|after that|"
    # "Okay, 1M8. GDM9.", "I do. D6W. Then X, K, 2, 3.": a yes before the chunks.
    r"okay|ok|right|yes|yeah|yep|sure|i do|i have|here we go|here it is|"
    # "It starts A B.": the value's first letters, the rest to come.
    r"it starts(?: with)?|starts with|it begins(?: with)?|the first (?:bit|part) is|"
    # "It starts with two letters, KH."
    r"(?:two|three|four|2|3|4) letters)[\s,.]+)*"
)
_PIECES: Final = re.compile(
    rf"(?i:{_LEAD})(?P<pieces>{_CHUNK}(?:[\s,.\-]+(?i:(?:and |then |and then )?){_CHUNK})*)"
    r"[\s.,]*"
)

_PIECES_THEN_TOWN: Final = re.compile(
    rf"{_PIECES.pattern}(?-i:[A-Z][a-z]+(?:[ -][A-Z][a-z]+){{0,2}})[.!]?"
)


def pieces_only(text: str, context: str) -> tuple[int, int, str] | None:
    """The span and value of ``text`` when it is only chunks of the value ``context``
    asks for, else None. A postcode's chunks must hold a letter: a ZIP or an Australian
    postcode names an area, and is not redacted.

    Args:
        text: The caller's turn, normalised.
        context: What the agent asked for.
    """
    m = _PIECES.fullmatch(text.strip())
    if m is None and context == Context.POSTCODE:
        # "2 TT. Edgbaston.": the postcode's rest, then its town.
        m = _PIECES_THEN_TOWN.fullmatch(text.strip())
    if m is None:
        return None
    said = m["pieces"]
    value = re.sub(r"(?i:double|triple)|[^A-Za-z0-9]", "", said).upper()
    if context == Context.POSTCODE and not re.search(r"[A-Z]", value):
        return None
    offset = len(text) - len(text.lstrip()) + m.start("pieces")
    return offset, offset + len(said), value


_HOUSE_NUMBER: Final = re.compile(
    rf"(?i:{_LEAD}|(?:yes|yeah|okay|ok|right|well),? )*"
    r"(?P<number>(?i:(?:number|no\.?|flat|unit|apartment|apt\.?|house) )?\d{1,5}[A-Za-z]?)"
    r"[\s.,]*"
)


def house_number_only(text: str) -> tuple[int, int, str] | None:
    """The span and value of ``text`` when it is only a house or flat number ("It's
    number 9.", "Flat 3.", "42."), said when the agent asked for the address.

    Args:
        text: The caller's turn, normalised.
    """
    m = _HOUSE_NUMBER.fullmatch(text.strip())
    if m is None:
        return None
    offset = len(text) - len(text.lstrip())
    return offset + m.start("number"), offset + m.end("number"), m["number"]
