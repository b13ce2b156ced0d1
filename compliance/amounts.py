"""Numbers that are not personal data: amounts, counts, rates and times of day.

A number is read as one whatever cue word is near it ("my card limit is 7,500", "my PIN got
locked after 3 tries", "the rate was 189 a night", "call me back around 7 45 tonight"): by
a currency sign or word, a unit or a plural noun after it, a verb of paying or changing an
amount before it, the way it is written (thousands separators, a decimal point), or a
comparison with an amount just said ("120 dollars rather than 100").

Works on the normalised text (`compliance.spoken`); offsets are in it.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["compared_with_amount", "digit_groups", "is_hour", "not_a_value"]

_MONEY_BEFORE: Final = re.compile(r"[$€£¥]\s?$")
_MONEY_AFTER: Final = re.compile(
    r"^\s?(?:dollars?|bucks|cents?|euros?|pounds?|quid|usd|percent|%|grand|k\b|am\b|pm\b|a\.m"
    r"|p\.m"
    # a rate: "189 a night", "12 per person", "40 each"
    r"|(?:a|an|per|each) (?:night|day|week|month|year|hour|person|head|adult|child|ticket"
    r"|item|unit|piece|room|kilo|kg|litre|liter|mile|km|minute|gig|gb|pop)s?\b|each\b"
    r"|apiece\b)",
    re.IGNORECASE,
)
# An amount as written: thousands separators or a decimal point ("7,500", "1,249.99",
# "86.40"). Spoken digit groups are written with a space after each comma, and a value
# read out is never written with a decimal point.
_WRITTEN_AMOUNT: Final = re.compile(
    r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d{1,2})?|(?:0|[1-9]\d*)\.\d{1,2}"
)
# A verb of paying or of changing an amount right before the number: "I paid in 400",
# "was charged 52", "raised to 10,000", "went up to 695".
_MONEY_VERB_BEFORE: Final = re.compile(
    r"\b(?:paid|pay|paying|pays|charged?|charging|costs?|costing|spent|spend|owed?|owes"
    r"|owing|refund(?:ed)?|deposit(?:ed)?|withdr[ae]w|withdrawn|billed|worth|earn(?:ed|s)?"
    r"|(?:(?:rais|increas|lower|reduc|decreas|drop|bump|cut|top)\w*|up|down|went up|gone up"
    r"|go up|goes up|come down|came down)(?: (?:it|that|this|them|my \w+|the \w+))?"
    r"(?: up| down)? to)"
    r"(?: (?:in|out|off|back|up|me|us|you|him|her|them|about|around|roughly|only|just|over"
    r"|nearly|almost|was|were|is|of))*\s$",
    re.IGNORECASE,
)
_MONEY_VERB_REACH: Final = 40
# A number compared with an amount or a count just said is one too: "120 dollars rather
# than 100", "15 minutes but it's been 20", "1,412 instead of 1,530".
_COMPARED: Final = re.compile(
    r"(?:rather than|instead of|than|not|or|versus|vs|compared to|compared with|from|to"
    r"|been|now|only|down to|up to)[\s,]*$",
    re.IGNORECASE,
)
_COMPARED_REACH: Final = 40
_COMPARED_DIGITS: Final = 6
# The next of a list of amounts: small numbers only (a code or an account number is longer).
_LISTED: Final = re.compile(r"(?:and|then|plus)[\s,]*$|,\s*$", re.IGNORECASE)
_LISTED_DIGITS: Final = 3
# A small number before a plural noun is a count ("2 lines", "3 bedrooms"); the nouns
# here end in "s" without being plurals.
# "3 tries", "3 missed payments": a plural noun, after one describing word at most (not a
# word that joins the groups of a number read out).
_PLURAL_AFTER: Final = re.compile(
    r"^ (?:(?!(?:and|or|then|so|um|uh|er|no|sorry)\b)(?-i:[a-z]{3,}ed|[a-z]{3,}ing|new|old|"
    r"other|more|extra|late|small|big|free) )?(?-i:(?P<noun>[a-z]{2,}s))\b"
)
_NOT_PLURAL: Final = frozenset(
    "is was has does this thus its his hers ours yours theirs us as yes thanks always"
    " perhaps unless plus minus less across towards afterwards besides whereas anyways"
    " cheers please sometimes".split()
)
# A count of something ("3 tries", "4 digits", "12 months", "500 ml"): not a value.
_COUNT_AFTER: Final = re.compile(
    r"^\s?(?:tries|try|times|attempts|goes|digits?|characters?|letters?|cards?|accounts?"
    r"|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|items?|packs?|pack|ml"
    r"|litres?|liters?|gigs?|gb|tb|mb|kg|kilos?|lbs?|inch(?:es)?|cm|mm|km|miles?|people"
    r"|kids|children|tickets?|bottles?|boxes?|pieces?|units?|times|of (?:the|them|those)"
    # "We used 312 kilowatt hours": energy, a meter's quantity.
    r"|kilowatt[- ]?hours?|kwh|kilowatts?|kw|watts?|cubic metres?|therms?)\b",
    re.IGNORECASE,
)
# A time of day said as "7 45", "11 15": after a preposition of time or before a part of
# the day.
_TIME_BEFORE: Final = re.compile(
    r"\b(?:at|around|about|after|before|by|till|til|until|from|since|between|past|to|and"
    r"|nearly|almost|gone)\s$",
    re.IGNORECASE,
)
# Before an hour said alone ("after 6", "at 3"); not "to", "and" or "from", which also join
# the groups of a number read out.
_HOUR_BEFORE: Final = re.compile(
    r"\b(?:at|around|about|after|before|by|till|til|until|since|past)\s$", re.IGNORECASE
)
_TIME_AFTER: Final = re.compile(
    r"^\s?(?:am|pm|a\.m|p\.m|o'clock|ish|tonight|today|tomorrow|this (?:morning|afternoon"
    r"|evening)|in the (?:morning|afternoon|evening)|at night)\b",
    re.IGNORECASE,
)
# "my SSN is wrong on the 1099": a US tax form's name (the IRS's 1099, 1098, 1095, 1040).
_TAX_FORM: Final = re.compile(r"10(?:99|98|95|40)")
_FORM_BEFORE: Final = re.compile(r"\b(?:the|a|my|your|form|on) $", re.IGNORECASE)
# "the 0800 number", "an 1800 number": a freephone or shared-cost range named by its
# prefix (Ofcom's 08 and 03, ACMA's 1800 and 1300, the NANP's toll-free 8xx codes).
_SERVICE_PREFIX: Final = re.compile(
    r"0800|0808|0500|08[4-7]\d|09\d\d|03\d\d|1[38]00|8(?:00|33|44|55|66|77|88)"
)
_NUMBER_AFTER: Final = re.compile(r"\s(?:number|numbers|line)\b", re.IGNORECASE)
_RANGE_BEFORE: Final = re.compile(r"\b(?:between|from|around|about|till|until|since)\s$", re.I)
_CLOCK: Final = re.compile(r"(?:[01]?\d|2[0-3])[ :][0-5]\d")
_GROUP_SPLIT: Final = re.compile(r"[-,]")


def digit_groups(chunk: str) -> tuple[int, ...]:
    """Digits per group of a run as written, split at commas and dashes if any, else at
    spaces ("123-45-6789" and "123 45 6789" are both (3, 2, 4)).

    Args:
        chunk: The run as written.
    """
    parts = _GROUP_SPLIT.split(chunk) if ("," in chunk or "-" in chunk) else chunk.split()
    return tuple(n for n in (sum(ch.isdigit() for ch in part) for part in parts) if n)


def not_a_value(
    text: str, start: int, end: int, chunk: str, digits: int, secret_asked: bool = False
) -> bool:
    """Whether a digit run is an amount, a count or a time of day, whatever cue is near.

    Args:
        text: The normalised turn.
        start: Where the run starts in it.
        end: Where the run ends.
        chunk: The run as written ("1,249.99", "4 4 1 7").
        digits: How many digits it holds.
        secret_asked: The agent asked for a PIN, a code or a secret answer: a number then
            written with a thousands separator ("4,417") may be the recogniser's way of
            writing the code said as a cardinal, so only a decimal point makes it an
            amount.
    """
    after = text[end : end + 24]
    if _MONEY_BEFORE.search(text, max(0, start - 2), start) or _MONEY_AFTER.match(after):
        return True
    if _COUNT_AFTER.match(after):
        return True
    if _TAX_FORM.fullmatch(chunk) and _FORM_BEFORE.search(text, max(0, start - 6), start):
        return True
    if _SERVICE_PREFIX.fullmatch(chunk) and _NUMBER_AFTER.match(after):
        return True
    if _WRITTEN_AMOUNT.fullmatch(chunk) and not (secret_asked and "." not in chunk):
        return True
    # One number after the verb, not groups joined by "and" ("I paid 20 and 737 is the
    # code" is an amount and a code).
    single = len(digit_groups(chunk)) == 1 or _WRITTEN_AMOUNT.fullmatch(chunk) is not None
    if (
        digits <= 7
        and single
        and _MONEY_VERB_BEFORE.search(text, max(0, start - _MONEY_VERB_REACH), start)
    ):
        return True
    if digits <= 3:
        plural = _PLURAL_AFTER.match(after)
        if plural is not None and plural["noun"] not in _NOT_PLURAL:
            return True
    if text[end : end + 1] == ":" or text[max(0, start - 1) : start] == ":":
        return True  # "10:30"
    if digits in (3, 4) and _CLOCK.fullmatch(chunk):
        return bool(
            _TIME_BEFORE.search(text, max(0, start - 10), start) or _TIME_AFTER.match(after)
        )
    if is_hour(text, start, end, chunk, secret_asked):
        return True
    if digits <= 4 and max(digit_groups(chunk), default=0) <= 2:
        # "between 10 and 12", "from 9, 11": hours or a range, groups of one or two digits.
        return _RANGE_BEFORE.search(text, max(0, start - 10), start) is not None
    return False


def is_hour(text: str, start: int, end: int, chunk: str, secret_asked: bool = False) -> bool:
    """Whether a run of one or two digits is an hour ("after 6", "5 PM"), said beside a
    number and not part of it: "Call me back after 5 PM on 613..." names the callback's
    time, and the number after it is still the one "call me" is about.

    Args:
        text: The normalised turn.
        start: Where the run starts in it.
        end: Where the run ends.
        chunk: The run as written.
        secret_asked: The agent asked for a code: "at 4" may be its digit.
    """
    digits = re.sub(r"\D", "", chunk)
    return (
        len(digits) <= 2
        and not secret_asked
        and int(digits) <= 24
        and (
            _TIME_AFTER.match(text[end : end + 24]) is not None
            or _HOUR_BEFORE.search(text, max(0, start - 10), start) is not None
        )
    )


def compared_with_amount(
    text: str, gap_start: int, start: int, digits: int, secret_asked: bool = False
) -> bool:
    """Whether the number at ``start`` is compared with the amount or count that ends at
    ``gap_start`` ("120 dollars rather than 100", "15 minutes but it's been 20"), or is
    the next of a list of small amounts ("I paid 250 on the 3rd and 180 on the 10th").

    Args:
        text: The normalised turn.
        gap_start: Where the amount (or count) before it ends.
        start: Where this number starts.
        digits: How many digits it holds.
        secret_asked: The agent asked for a code: a list word does not make it an amount
            ("I paid 20 and 737 is the code").
    """
    if start - gap_start > _COMPARED_REACH or digits > _COMPARED_DIGITS:
        return False
    if _COMPARED.search(text, gap_start, start) is not None:
        return True
    return (
        not secret_asked
        and digits <= _LISTED_DIGITS
        and _LISTED.search(text, gap_start, start) is not None
    )
