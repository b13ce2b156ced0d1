"""One detector per entity type, run over the written form of a single utterance.

Numbers are found once as *digit runs* (digits joined by spaces, dashes, commas, dots or
brackets, so "4111 1111, 1111 1111" and spoken "4 1 5 5 ..." are one run) and each run is
classified by checksum and by the nearest context keyword before it ("card", "social",
"order number"...). Patterns that are not digit runs (e-mail, dates of birth, street
addresses) have their own expressions. Offsets are in the normalised text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Final

import phonenumbers

from compliance.amounts import compared_with_amount, digit_groups, is_hour, not_a_value
from compliance.checksums import (
    aba_valid,
    ca_postcode_valid,
    eircode_valid,
    gb_postcode_valid,
    gtin_valid,
    iban_valid,
    itin_valid,
    luhn_valid,
    nhs_valid,
    nino_valid,
    nl_postcode_valid,
    sin_valid,
    ssn_valid,
    tfn_valid,
    vin_valid,
)
from compliance.cues import SECRET_CONTEXTS, SENSITIVE_CONTEXTS, Context, question_context
from compliance.cues import keywords as find_keywords
from compliance.email_pieces import INSTRUCTION, local_part_start, pieces_asked_for
from compliance.identifiers import shaped_identifiers
from compliance.names import name_spans
from compliance.spoken import Normalised
from config.redaction_policy import EntityType

__all__ = [
    "DAY_AND_MONTH",
    "HOUSE_WORDS",
    "ID_CONTEXTS",
    "STREET_SUFFIX",
    "UNIT_WORDS",
    "WINDOW_CHARS",
    "Context",
    "Detection",
    "DigitRun",
    "TurnScan",
    "aba_valid",
    "birth_dates",
    "classify_digits",
    "day_and_month",
    "luhn_valid",
    "named_addresses",
    "plausible_card_prefix",
    "question_context",
    "scan",
    "ssn_valid",
]


ID_CONTEXTS: Final = {
    # a one-time or authorisation code may hold letters ("G-448219", "ABC123456")
    Context.OTP: EntityType.OTP,
    Context.PASSPORT: EntityType.PASSPORT,
    Context.LICENSE: EntityType.LICENSE,
    Context.MEMBER: EntityType.MEMBER,
    Context.ID: EntityType.ID,
    Context.MEDICAL: EntityType.MEDICAL,
    Context.POLICY: EntityType.POLICY,
    Context.VIN: EntityType.VIN,
    Context.PLATE: EntityType.PLATE,
    Context.NINO: EntityType.NINO,
    Context.IBAN: EntityType.IBAN,
    Context.POSTCODE: EntityType.POSTCODE,
}
"""Contexts whose value is an identifier that may hold letters ("1EG4-TE5-MK73"), and its
kind."""
_LETTERED: Final = frozenset({Context.IBAN, Context.NINO, Context.VIN})
_WHOLE_ID_DIGITS: Final = 6
# A plate read in pieces: "Yankee, Kilo, 6, 8." then "Foxtrot, Zulu, Oscar." (no plate is
# shorter than five characters but a personalised one).
_WHOLE_PLATE_CHARS: Final = 5
_PARTIAL_KIND: Final = {
    Context.CARD: EntityType.CARD,
    Context.SSN: EntityType.SSN,
    Context.PHONE: EntityType.PHONE,
    Context.ACCOUNT: EntityType.ACCOUNT,
    Context.ROUTING: EntityType.ROUTING,
    Context.SIN: EntityType.SIN,
    Context.TFN: EntityType.TFN,
    Context.NHS: EntityType.NHS,
}
# Authentication data fails closed: more digits than such a value has ("I got two, 551209
# and then 773418") are still that, not something to pass on.
_SECRET_KIND: Final = {
    Context.CVV: EntityType.CVV,
    Context.PIN: EntityType.PIN,
    Context.OTP: EntityType.OTP,
    Context.SECRET: EntityType.SECRET,
    Context.MAIDEN: EntityType.MAIDEN,
}
# National numbers of a fixed length, and their checks: a shorter run after the cue is
# the first part of one, still being read.
_NATIONAL: Final = {
    Context.SIN: (EntityType.SIN, (9,), sin_valid),
    Context.TFN: (EntityType.TFN, (8, 9), tfn_valid),
    Context.NHS: (EntityType.NHS, (10,), nhs_valid),
}

_CONTEXT_REACH: Final = 60
# A clock time between digits: "5 5 5:01 8 6".
_TIME_AMONG_DIGITS: Final = re.compile(r"(?<=\d)[ ,]{1,2}\d{1,2}:\d\d(?=[ ,]{1,2}\d)")
_BIRTH_BEFORE, _BIRTH_AFTER = 80, 40

# A count after a value is no group of it: "4242 4242 4242 4242, 3 times in Lisbon".
_COUNT_UNIT: Final = (
    r"times|people|adults|children|kids|nights|days|weeks|months|years|hours|minutes|mins"
    r"|items|tickets|bags|boxes|pounds|dollars|euros|percent|miles|km|kg|kilos|litres|liters"
    # "65 929 970 489. Eleven digits, yes?": how long the value is.
    r"|digits|characters|letters|numbers"
)
_RUN: Final = re.compile(
    r"(?<![\w.])\+?\(?\d+(?:(?:\)[ ]?|[ ]{0,2}[-,][ ]{0,2}|[ ]{1,2}|\.(?=\d))"
    # (after a space only: "184,000 miles" is one number)
    rf"(?!(?<= )\d+ (?:{_COUNT_UNIT})\b)\(?\d+)*(?!\w)"
    # "And then 4 zeros. 0000.": how many of a digit come, no digit itself.
    r"(?! (?:zeros|zeroes|noughts|ohs)\b)"
    # Not the digits of an address's local part ("rk1962@..."); "at the end" (which the
    # normaliser also writes "@") is no address: "...no, 158 at the end."
    r"(?!@(?!(?:the|a|an|my|your|least|most|all|once|first|last)\b))"
)
# Spoken "at" is ambiguous ("email me at john dot smith at gmail dot com"), so the last label
# must be a real top-level domain: "me@john.smith" is not an address.
_TLDS: Final = (
    r"com|net|org|edu|gov|mil|int|info|biz|io|ai|app|dev|co|me|us|uk|ca|au|de|fr|es|it|nl|in"
    r"|mail|email|online|site|tech|store|cloud|xyz|name|pro|mobi|tv|ly|gg|health|bank|law"
)
_EMAIL: Final = re.compile(
    r"(?<![\w.+-])(?:(?:[A-Za-z0-9] ){2,})?[A-Za-z0-9][\w.+-]*(?: \d+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:" + _TLDS + r"|[A-Za-z]{2})(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
STREET_SUFFIX: Final = (
    # The types of street an address line ends in: "Road", "Mews", "Close".
    r"street|st|avenue|ave|av|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|way"
    r"|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl|square|sq|crescent|cres"
    r"|alley|plaza|loop|pike|row|close|grove|heights|hollow|mews|wynd|quay|wharf|parade|rise"
    r"|walk|gardens"
    r"|esplanade|promenade"
)
_ADDRESS: Final = re.compile(
    r"(?<![\w.$])(?P<num>\d{1,6}(?: \d{1,5}){0,5}[A-Za-z]?)"
    r" (?:(?:north|south|east|west|n|s|e|w)\.? )?"
    # A sentence's period ends the name ("for 2 nights. 14 Elm Road" is no street of 2),
    # an abbreviation's does not ("12 St. Mary's Road").
    r"(?P<name>(?:(?:St|Mt|Ft|Ste)\. |[A-Za-z0-9][A-Za-z0-9']*(?:\.[A-Za-z0-9']+)* ){1,3}?)"
    rf"(?:{STREET_SUFFIX})\b\.?"
    # "1408 Oak Hollow Lane": a street type inside the name, the type after it.
    rf"(?: (?:{STREET_SUFFIX})\b\.?)?"
    # "251 Queen Street West": a directional after the street's type.
    r"(?: (?:north|south|east|west|northeast|northwest|southeast|southwest|ne|nw|se|sw)\b\.?)?"
    r"(?:,? (?:apt|apartment|suite|ste|unit|#)\.? ?#?[A-Za-z0-9-]+)?"
    r"(?:,? [A-Za-z][A-Za-z .]{1,30}?, ?[A-Za-z]{2}\.? \d{5}(?:-\d{4})?"
    # a UK or Canadian postcode after the town: "London NW1 6XE", "Ottawa K1A 0B1"
    r"|,? [A-Za-z][A-Za-z .'-]{1,30}? (?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)"
    r"(?![\w]))?",
    re.IGNORECASE,
)
# Words that make "10 minute drive" or "3 patients to see dr" not an address.
_NOT_STREET_NAME: Final = frozenset(
    "a an the to of and or for from in on at by with my your his her our their i you we they"
    " it is are was be see get go minute minutes min mins mile miles hour hours block blocks"
    " day days week weeks more times people items tickets km foot feet step steps long short"
    " away down up over out off about than then just only each per percent cent point points"
    " pound pounds dollar dollars euro euros price prices rent pay salary rate interest"
    " nice lovely big small public botanic botanical community dog beach coastal short long"
    " hour hours".split()
)
_YEAR_BEFORE: Final = re.compile(
    r"\b(?:in|since|from|until|till|by|before|after|year|of|back in|circa"
    # "My phone contract runs out in June 2027.": a month's year, never a phone number.
    r"|january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\s$",
    re.IGNORECASE,
)
_MONTH_NAME: Final = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTH: Final = rf"{_MONTH_NAME}\.?"
_DAY: Final = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR: Final = r"(?:\d{4}|\d{2} \d{2}|\d{2} \d \d|'?\d{2})"
_DATE: Final = re.compile(
    rf"\b(?:(?P<m1>{_MONTH}) (?:the )?(?P<d1>{_DAY})(?:,? (?:of )?(?P<y1>{_YEAR}))?"
    rf"|(?:the )?(?P<d2>{_DAY}) (?:of )?(?P<m2>{_MONTH})(?:,? (?P<y2>{_YEAR}))?"
    r"|(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})"
    rf"|(?P<m4>\d{{1,2}})(?P<sep>[/.-]| )(?P<d4>\d{{1,2}})(?P=sep)(?P<y4>{_YEAR}))(?![\w])",
    re.IGNORECASE,
)
_MONTHS: Final = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
# "December 5th", "the 5th of December": a day and month said with no year.
DAY_AND_MONTH: Final = re.compile(
    rf"(?i:(?:the )?(?P<d1>{_DAY}) (?:of )?(?P<m1>{_MONTH_NAME})\b"
    rf"|(?P<m2>{_MONTH_NAME}) (?:the )?(?P<d2>{_DAY})(?![\d:]))"
)


def _month_number(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


def day_and_month(m: re.Match[str]) -> tuple[int, int]:
    """A `DAY_AND_MONTH` match's month (1-12) and day.

    Args:
        m: The match.
    """
    return _month_number(m["m1"] or m["m2"]), int(re.sub(r"\D", "", m["d1"] or m["d2"]))


_CARD_LENGTHS: Final = range(13, 20)
_NANP_REGIONS: Final = frozenset({"US", "CA", "PR", "GU", "VI", "AS", "MP"})


@dataclass(frozen=True, slots=True)
class Detection:
    """One detected value.

    Attributes:
        kind: Entity type.
        start: Start offset in the normalised text.
        end: End offset in the normalised text (exclusive).
        value: Canonical value (digits, E.164, lower-case e-mail, ISO date...).
        complete: False for a proactive partial, such as the first chunk of a dictated card.
    """

    kind: EntityType
    start: int
    end: int
    value: str
    complete: bool = True


@dataclass(frozen=True, slots=True)
class DigitRun:
    """Digits said as one number, with where each digit sits in the normalised text.

    Attributes:
        start: Start offset in the normalised text.
        end: End offset (exclusive).
        digits: The digits alone.
        offsets: Normalised-text offset of each digit.
        group_starts: Index into ``digits`` where each written group begins.
        dash_groups: Lengths of the dash-separated groups ("123-45-6789" -> (3, 2, 4)).
        plus: Whether the run began with "+".
        money: Whether a currency sign or word marks it as an amount.
        context: Category of the nearest keyword before it (None if none in reach).
        groups: Digits per group as said or written (see `classify_digits`).
        asked: Its context is the agent's question, not a word of the caller's.
    """

    start: int
    end: int
    digits: str
    offsets: tuple[int, ...]
    group_starts: tuple[int, ...]
    dash_groups: tuple[int, ...]
    plus: bool
    money: bool
    context: str | None
    groups: tuple[int, ...] = ()
    asked: bool = False


@dataclass(frozen=True, slots=True)
class TurnScan:
    """Everything the redactor needs from one utterance.

    Attributes:
        detections: Values found, possibly overlapping (the redactor resolves overlaps).
        runs: All digit runs, in order.
        trailing_context: A sensitive keyword after the last run or value, waiting for a
            number that may come in the next turn ("my card number is ...").
    """

    detections: list[Detection]
    runs: list[DigitRun]
    trailing_context: str | None


def plausible_card_prefix(digits: str) -> bool:
    """Whether a digit string could be the start of a payment card number.

    Args:
        digits: Digits only.
    """
    return 4 <= len(digits) <= 19 and digits[0] in "3456"


def _card_complete(digits: str) -> bool:
    return len(digits) in _CARD_LENGTHS and digits[0] in "23456" and luhn_valid(digits)


def _phone_value(digits: str, region: str, plus: bool) -> str | None:
    """E.164 form if the digits are a valid phone number for the region, else None. A
    number with a trunk "0" is never a NANP one: it is tried in the countries that dial
    one (a UK caller of a US tenant: "ring the house, 020 7946 0018")."""
    if region in _NANP_REGIONS and not plus and digits[:1] == "0":
        if len(digits) not in (10, 11):
            # Shorter is a number's first groups ("01632 960", the rest next turn).
            return None
        for where in _TRUNK_ZERO_REGIONS:
            found = _phone_value(digits, where, plus)
            if found is not None:
                return found
        return None
    if region in _NANP_REGIONS and not plus:
        # Cheap shape check first: phonenumbers costs ~40 µs a call.
        national = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
        if len(national) != 10 or national[0] in "01" or national[3] in "01":
            return None
    try:
        parsed = phonenumbers.parse(("+" if plus else "") + digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_KEY_SAFE: Final = re.compile(
    r"\b(?:key ?safe|key ?box|lock ?box|door code|alarm|gate code|keypad)\b", re.IGNORECASE
)
_BUSINESS_TYPES: Final = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.UAN,
    }
)


def _business_number(digits: str, region: str, plus: bool) -> bool:
    """Whether the digits are a freephone, premium, shared-cost or universal access
    number (libphonenumber's types): one a business publishes. A number with a trunk
    "0" is tried in the countries that dial one (a UK caller of a US tenant)."""
    if not (plus or digits.startswith(_BUSINESS_PREFIXES)):
        return False  # the cheap shape check first: parsing costs ~40 µs
    regions = [None] if plus else [region, *(_TRUNK_ZERO_REGIONS if digits[0] == "0" else ())]
    for where in regions:
        try:
            parsed = phonenumbers.parse(("+" if plus else "") + digits, where)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.number_type(parsed) in _BUSINESS_TYPES:
            return True
    return False


# The countries whose callers dial a trunk "0" that a tenant most often hears.
_TRUNK_ZERO_REGIONS: Final = ("GB", "IE", "AU")
# UK and Irish non-geographic, Australian 13/1300/1800, NANP toll-free and premium.
_BUSINESS_PREFIXES: Final = (
    "08", "09", "03", "13", "1800", "800", "888", "877", "866", "855", "844", "833", "900",
    "1888", "1877", "1866", "1855", "1844", "1833", "1900",
)  # fmt: skip


# Answers that hold no digits of their own: a valid phone number said beside one is a
# phone number.
_NOT_DIGITS_ASKED: Final = frozenset((Context.EMAIL, Context.NAME, Context.MAIDEN, Context.ADDRESS))
# How a UK mobile is said or written: "07700 900127", "07700 900 127", whole.
_UK_MOBILE: Final = frozenset(((5, 6), (5, 3, 3), (11,), (4, 3, 4)))


# Digits said as a card's or account's "ending" that are more than a last four.
_LONG_ENDING_DIGITS: Final = 6
# Emergency and public service short codes (UK 999/111/101/119, EU 112, US 911/988/311/211,
# AU 000): no caller's own number, and never the start of one (no area code is N11).
_PUBLIC_SHORT_NUMBERS: Final = frozenset(
    {"999", "111", "101", "119", "112", "911", "988", "311", "211", "000"}
)


def classify_digits(
    digits: str,
    context: str | None,
    region: str,
    *,
    dash_groups: tuple[int, ...] = (),
    plus: bool = False,
    groups: tuple[int, ...] = (),
    spoken: bool = False,
) -> Detection | None:
    """Classify a whole digit string, or None when it is not personal data.

    Complete matches are checked first (Luhn card, SSN shape, valid phone); then, when a
    sensitive keyword is in reach, a run of 4+ digits is a *partial* of that type: the
    first chunk of a number dictated across turns must not reach the LLM either.

    Args:
        digits: Digits only.
        context: Context category of the nearest keyword before the digits.
        region: Default phone region.
        dash_groups: Lengths of dash-separated groups, if the digits were written so.
        plus: Whether the number began with "+".
        groups: Lengths of the groups the digits were said or written in, split at
            commas and dashes if any, else at spaces ("one two three, four five, ..." and
            "123 45 6789" are both (3, 2, 4)).
        spoken: Whether the digits were said in words; nine or more such digits with no
            context are redacted as a bare number (nobody dictates an ordinary quantity
            digit by digit).

    Returns:
        A detection with offsets 0..0 (the caller places it), or None.
    """
    n = len(digits)
    if context == Context.LASTFOUR:
        if n == 4:
            return Detection(EntityType.LASTFOUR, 0, 0, digits)
        if n >= _LONG_ENDING_DIGITS:
            # "the account ending 55 03 8211": more than its last four, most of the
            # account or card itself.
            return Detection(EntityType.NUMBER, 0, 0, digits, complete=False)
        context = None
    if context in (Context.CVV, Context.PIN, Context.EXPIRY, Context.OTP) and n <= 12:
        return _authentication_digits(digits, context)
    if context == Context.SECRET:
        return Detection(EntityType.SECRET, 0, 0, digits)
    if _card_complete(digits):
        return Detection(EntityType.CARD, 0, 0, digits)
    if context == Context.CARD and n in _CARD_LENGTHS:
        # Said after "card" but failing Luhn: a card still, perhaps misread or unfinished.
        return Detection(EntityType.CARD, 0, 0, digits, complete=False)
    if context == Context.NEGATIVE:
        # "Order number four four seven, two nine, ...": named, whatever its shape.
        return None
    if (
        n == 9
        and (ssn_valid(digits) or itin_valid(digits))
        and (dash_groups == (3, 2, 4) or groups == (3, 2, 4))
    ):
        # An SSN, or an ITIN written the same way.
        return Detection(EntityType.SSN, 0, 0, digits)
    if context in _NATIONAL:
        national_kind, lengths, valid = _NATIONAL[context]
        if n in lengths:
            return Detection(national_kind, 0, 0, digits)
        if n < max(lengths):
            return Detection(national_kind, 0, 0, digits, complete=False) if n >= 3 else None
        # Longer than the number: an attempt and its correction read as one run ("... four
        # four, sorry, four oh four, so one nine three, ..."). The value is the one that
        # checks, the last said first; the whole run goes either way.
        for length in lengths:
            for window in (digits[-length:], digits[:length]):
                if valid(window):
                    return Detection(national_kind, 0, 0, window)
        return Detection(national_kind, 0, 0, digits, complete=False)
    if context == Context.POSTCODE:
        # A US ZIP or an Australian postcode names a wide area: only GB and Canadian
        # postcodes, which hold letters, are redacted.
        return None
    if context in ID_CONTEXTS and n >= 3:
        # An IBAN, a National Insurance number and a VIN hold letters: their digits
        # alone are never all of one, and more may follow next turn. Four or five digits
        # are as often the first group of a longer number ("2950." / "48613. Then 1.").
        whole = n >= _WHOLE_ID_DIGITS and context not in _LETTERED
        return Detection(ID_CONTEXTS[context], 0, 0, digits, complete=whole)
    if context == Context.BIRTH and (
        n in (6, 8) or (len(groups) == 3 and max(groups[:2]) <= 2 and groups[2] in (2, 4))
    ):
        # "12061985", or day, month and year said apart ("Eleven, five, sixty").
        return Detection(EntityType.DOB, 0, 0, digits)
    if context == Context.BIRTH and n == 4 and 1900 <= int(digits) <= 2030:
        # "I was born in 1956." to "What year were you born?": the year of a birth date.
        return Detection(EntityType.DOB, 0, 0, digits, complete=False)
    if n == 9 and context == Context.SSN:
        return Detection(EntityType.SSN, 0, 0, digits)
    if n == 9 and context == Context.ROUTING:
        return Detection(EntityType.ROUTING, 0, 0, digits)
    if 6 <= n <= 17 and context == Context.ACCOUNT:
        return Detection(EntityType.ACCOUNT, 0, 0, digits)
    if 7 <= n <= 15 and context in (None, Context.PHONE, Context.GENERIC):
        if context != Context.PHONE and not spoken and _business_number(digits, region, plus):
            # "I rang your 0808 number, 08081 570 123": a freephone, shared-cost or
            # premium number as the STT writes it is a business's, unless the caller
            # says it is theirs ("my number is", "call me on") or reads it digit by digit.
            return None
        phone = _phone_value(digits, region, plus)
        if phone is not None:
            return Detection(EntityType.PHONE, 0, 0, phone)
        if context in (Context.PHONE, Context.GENERIC) and n >= 10:
            return Detection(EntityType.PHONE, 0, 0, digits)
        if context is None and n == 10 and groups == (3, 3, 4) and region in _NANP_REGIONS:
            # "five five five, one two three, four five six seven": a phone's shape even
            # where the exchange is fictional.
            return Detection(EntityType.PHONE, 0, 0, digits)
    if 7 <= n <= 15 and context in _NOT_DIGITS_ASKED and not _business_number(digits, region, plus):
        # "Name, email and mobile?" / "..., amara@..., and 07911 123456.": a whole phone
        # number beside an answer that holds no digits of its own.
        phone = _phone_value(digits, region, plus)
        if phone is not None:
            return Detection(EntityType.PHONE, 0, 0, phone)
    if (
        (context is None or context in _NOT_DIGITS_ASKED)
        and n == 11
        and digits.startswith("07")
        and groups in _UK_MOBILE
    ):
        # "07700 900127": a UK mobile's shape in Ofcom's numbering plan (07 and nine
        # digits), even in a range not allocated or kept for drama.
        return Detection(EntityType.PHONE, 0, 0, digits)
    if context is None and n == 9 and groups in ((3, 3, 3), (9,), (1,) * 9):
        # Nine digits in threes with no cue: a Canadian SIN or an Australian TFN when
        # their check digit says so.
        national = _uncued_national(digits, region)
        if national is not None:
            return national
    if context is None and spoken and n >= 9:
        return Detection(EntityType.NUMBER, 0, 0, digits)
    # Three digits after "phone" may be an area code; after "card", an amount more likely.
    # A sort code is read in pairs: "20." / "32 06.".
    least = (
        4 if context in (Context.GENERIC, Context.CARD) else 2 if context == Context.ROUTING else 3
    )
    if context is None or n < least:
        return None
    if context == Context.PHONE and digits in _PUBLIC_SHORT_NUMBERS:
        # "I just rang 999, then 111 the next day.": a number everyone shares.
        return None
    kind = _PARTIAL_KIND.get(context) or _SECRET_KIND.get(context)
    if kind is None and context == Context.GENERIC:
        kind = EntityType.CARD if plausible_card_prefix(digits) else EntityType.PHONE
    if kind is None:
        return None
    return Detection(kind, 0, 0, digits, complete=False)


_OWN_KIND_REACH: Final = 48


def _last_four_of(keywords: list[tuple[int, int, str]], start: int, fallback: str) -> str:
    """What a last four said at ``start`` ends: the account or card the caller named just
    before it ("to my savings, the one ending 4417", whatever the agent asked), else
    ``fallback`` (the question's kind, when it reads four digits)."""
    named = any(
        c in (Context.ACCOUNT, Context.CARD) and 0 <= start - e <= _OWN_KIND_REACH
        for _s, e, c in keywords
    )
    return Context.LASTFOUR if named and fallback == Context.NEGATIVE else fallback


def _uncued_national(digits: str, region: str) -> Detection | None:
    sin, tfn = sin_valid(digits), tfn_valid(digits)
    if sin and (not tfn or region != "AU"):
        return Detection(EntityType.SIN, 0, 0, digits)
    if tfn:
        return Detection(EntityType.TFN, 0, 0, digits)
    return None


def _authentication_digits(digits: str, context: str) -> Detection | None:
    """A security code, PIN, one-time code or expiry said after its keyword (or asked for
    by the agent)."""
    n = len(digits)
    if context == Context.CVV:
        if n in (3, 4):
            return Detection(EntityType.CVV, 0, 0, digits)
        if n < 3:
            return Detection(EntityType.CVV, 0, 0, digits, complete=False)
        # Five to eight digits after "security number": a PIN by another name.
        if n <= 8:
            return Detection(EntityType.PIN, 0, 0, digits)
        return Detection(EntityType.CVV, 0, 0, digits, complete=False)
    if context == Context.OTP:
        if 6 <= n <= 10:
            return Detection(EntityType.OTP, 0, 0, digits)
        if n in (4, 5):
            # A one-time code is most often six digits (RFC 4226's and RFC 6238's default):
            # four or five, redacted, may be its first groups ("50." / "2 9." / "83.").
            return Detection(EntityType.OTP, 0, 0, digits, complete=False)
        if n == 1:
            return None  # "I've got two." -- a count; a code is read in groups
        return Detection(EntityType.OTP, 0, 0, digits, complete=False)
    if context == Context.PIN:
        if 4 <= n <= 12:
            return Detection(EntityType.PIN, 0, 0, digits)
        return Detection(EntityType.PIN, 0, 0, digits, complete=False) if n < 4 else None
    if n in (3, 4, 6) and 1 <= int(digits[: 2 if n != 3 else 1]) <= 12:
        return Detection(EntityType.EXPIRY, 0, 0, digits)
    if n <= 2:
        # A month or a year alone ("the month's oh four", "twenty-eight"): a part of it.
        return Detection(EntityType.EXPIRY, 0, 0, digits, complete=False)
    return None


class _KeywordCursor:
    """Walks the keyword list forward as the runs do, so finding each run's context costs
    O(1) amortised instead of a pass over every keyword (linear, not quadratic, in a turn)."""

    def __init__(self, keywords: list[tuple[int, int, str]]) -> None:
        self._keywords = keywords
        self._next = 0
        self._last: tuple[int, int, str] | None = None
        self._secret: str | None = None

    @property
    def last_end(self) -> int:
        """Where the last keyword passed ends (-1 if none)."""
        return self._last[1] if self._last is not None else -1

    @property
    def secret_topic(self) -> str | None:
        """The last secret named so far in the turn (PIN, security code...), at any
        distance."""
        return self._secret

    def before(self, floor: int, start: int) -> str | None:
        """Category of the last keyword ending between ``floor`` and ``start``, in reach."""
        keywords = self._keywords
        while self._next < len(keywords) and keywords[self._next][0] < start:
            if keywords[self._next][1] <= start:
                self._last = keywords[self._next]
                if self._last[2] in SECRET_CONTEXTS:
                    self._secret = self._last[2]
            self._next += 1
        last = self._last
        if last is None or last[0] < floor or start - last[1] > _CONTEXT_REACH:
            return None
        return last[2]


# A sensitive context carries over to the next number in the same turn when little stands
# between them: "my number is 555 123, sorry, 555 123 4567" or "4 4 2 1, no wait, 4 4 2 7".
_INHERIT_GAP: Final = re.compile(
    r"(?:[\s,.;:!?-]|\b(?:no|not|wait|sorry|i mean|actually|rather|correction|make that|let me"
    r"|try|again|start over|scratch that|oops|um|uh|er|and|or|also|it's|it is|its|that's|is"
    r"|the|full|whole|number|maybe|perhaps|possibly|might be|could be|or else"
    # "It says 987-65-4328 and mine is 987-65-4329.": the caller's own, set beside it.
    r"|mine|my one|the real one|the right one|the correct one|but)\b){0,12}",
    re.IGNORECASE,
)


_SPECIFIC: Final = SENSITIVE_CONTEXTS - {Context.GENERIC}
# Numbers printed on a card of their own (a Social Security card, a licence, a membership
# or health card), asked for by name.
_PRINTED_ON_A_CARD: Final = frozenset(
    {
        Context.SSN,
        Context.SIN,
        Context.NINO,
        Context.TFN,
        Context.NHS,
        Context.MEDICAL,
        Context.MEMBER,
        Context.ID,
        Context.LICENSE,
        Context.POLICY,
    }
)
_PAYMENT_CARD_SAID: Final = re.compile(
    r"\b(?:credit|debit|bank|payment|visa|amex|master ?card|card number|card no)\b", re.I
)
# "... I'm sure I typed it right, it's 4 4 1 7": "it" is the secret the turn is about.
_IT_IS: Final = re.compile(
    r"\b(?:it's|it is|it was|its|that's|that is|which is)[\s,]*(?:(?:uh|um|er)[\s,]+)?$",
    re.IGNORECASE,
)
# Between an amount or reference word and its number: "limit is 7,500", "rate was 189".
_PRODUCT_CODE: Final = re.compile(r"\b(?:bar ?code|ean|upc|gtin)\b", re.IGNORECASE)
_LINKED: Final = re.compile(
    r"(?:[\s:#,.'-]|\b(?:is|was|are|were|of|at|number|no|about|around|roughly|just|only|now"
    r"|currently|says|said|reads|shows|showing|it's|its|s|like|probably|maybe)\b"
    # a reference's own letters: "ticket is TKT 55810"
    r"|\b(?-i:[A-Z]{1,5})\b)*",
    re.IGNORECASE,
)


def _runs(
    text: str,
    keywords: list[tuple[int, int, str]],
    leading: str | None,
    turn_context: str | None = None,
) -> list[DigitRun]:
    runs: list[DigitRun] = []
    floor = 0
    cursor = _KeywordCursor(keywords)
    previous: str | None = None
    # Keywords holding a digit ("last 4"), in order: walked forward with the runs.
    inside = [(a, b) for a, b, _c in keywords if any(ch.isdigit() for ch in text[a:b])]
    next_inside = 0
    for match in _RUN.finditer(text):
        start, end = match.span()
        while next_inside < len(inside) and inside[next_inside][1] < end:
            next_inside += 1
        if next_inside < len(inside) and inside[next_inside][0] <= start:
            continue  # "the last 4 are ...": the keyword's own digit, not a value
        chunk = match.group()
        offsets: list[int] = []
        group_starts: list[int] = []
        prev = -2
        for i, ch in enumerate(chunk):
            if "0" <= ch <= "9":
                if i != prev + 1:
                    group_starts.append(len(offsets))
                offsets.append(start + i)
                prev = i
        digits = "".join(text[o] for o in offsets)
        dash_groups = (
            tuple(len(part) for part in re.sub(r"[^\d-]", "", chunk).split("-"))
            if "-" in chunk
            else ()
        )
        money = not_a_value(
            text, start, end, chunk, len(offsets), secret_asked=turn_context in SECRET_CONTEXTS
        )
        context = cursor.before(floor, start)
        if (
            not money
            and context is None
            and runs
            and runs[-1].money
            and compared_with_amount(
                text, floor, start, len(offsets), turn_context in SECRET_CONTEXTS
            )
        ):
            money = True
        if context is None and not runs and leading is not None:
            context = leading
        asked = False
        if (
            context is None
            and runs
            and not runs[-1].money
            and previous in SENSITIVE_CONTEXTS
            and start - floor <= 48
            and _INHERIT_GAP.fullmatch(text, floor, start) is not None
        ):
            # An amount passes no context on ("paid 1,200 and 950").
            context, asked = previous, runs[-1].asked
        if (
            context is None
            and cursor.secret_topic is not None
            and _IT_IS.search(text, max(0, start - 24), start) is not None
        ):
            context = cursor.secret_topic
        if context is None and turn_context == Context.EXPIRY and _after_start_date(text, start):
            # "It's valid from 04/23, ...": the card's start date, not its expiry.
            context = Context.NEGATIVE
        if context is None and turn_context is not None:
            context, asked = turn_context, True
        elif context == Context.GENERIC and turn_context in _SPECIFIC:
            # "What's your account number?" -- "..., number 8 8 2 1 ...": the caller's
            # "number" is the one asked for.
            context, asked = turn_context, True
        elif (
            context == Context.CARD
            and turn_context in _PRINTED_ON_A_CARD
            and _PAYMENT_CARD_SAID.search(text, max(floor, start - 64), start) is None
        ):
            # "Your social security number?" -- "Let me find the card. 987.": the card it
            # is printed on, not one to pay with.
            context, asked = turn_context, True
        elif context == Context.GENERIC and turn_context == Context.NEGATIVE:
            # "Can you read me the meter?" -- "The numbers say 04518": a reading, as asked.
            context = turn_context
        elif turn_context in SECRET_CONTEXTS and (
            context in (Context.CARD, Context.GENERIC, Context.BIRTH)
            or (
                context == Context.NEGATIVE
                and _LINKED.fullmatch(text, cursor.last_end, start) is None
            )
        ):
            # Asked for a security code: "that's my old card. It's 280" is the code, and
            # so is "the charge was wrong, it's 280": an amount or reference word counts
            # only for the number it leads to. "It's the year I was born, 1 9 7 3" is
            # the PIN.
            context, asked = turn_context, True
        if gtin_valid(digits) and _PRODUCT_CODE.search(text, max(floor, start - 40), start):
            # "The barcode says 5012345678900": a product's GTIN, its GS1 check digit whole,
            # whatever was asked.
            context, asked = Context.NEGATIVE, False
        runs.append(
            DigitRun(
                start=start,
                end=end,
                digits=digits,
                offsets=tuple(offsets),
                group_starts=tuple(group_starts),
                dash_groups=dash_groups,
                plus=chunk.startswith("+"),
                money=money,
                context=context,
                groups=digit_groups(chunk),
                asked=asked,
            )
        )
        previous = context
        if not (money and is_hour(text, start, end, chunk, turn_context in SECRET_CONTEXTS)):
            # An hour said between a cue and its number leaves the cue to the number.
            floor = end
    return runs


def _best_card_window(run: DigitRun) -> tuple[int, int] | None:
    """Longest group-aligned window of a run that is a valid card (digit indices)."""
    starts = run.group_starts
    bounds = (*starts, len(run.digits))
    best: tuple[int, int] | None = None
    for a_i, a in enumerate(starts):
        for b in bounds[a_i + 1 :]:
            length = b - a
            if length > 19:
                break
            longer = best is None or length > best[1] - best[0]
            if length >= 13 and longer and _card_complete(run.digits[a:b]):
                best = (a, b)
    return best


def _place(run: DigitRun, found: Detection, a: int = 0, b: int | None = None) -> Detection:
    # A whole run keeps its "+" or "(" so "(212) 555-0199" is replaced entirely.
    start = run.start if a == 0 else run.offsets[a]
    end = run.end if b is None else run.offsets[b - 1] + 1
    return Detection(found.kind, start, end, found.value, found.complete)


def _is_year(run: DigitRun, text: str) -> bool:
    return _a_year_at(text, run.digits, run.start, run.end)


def _a_year_at(text: str, digits: str, start: int, end: int) -> bool:
    """ "since 2015", "in 1999": a year after a preposition is not a dictated chunk; nor
    is a model year before the model's name ("a blue 2014 Civic") or a year in a span
    ("the 2023 to 2024 year")."""
    if len(digits) != 4 or not ("1900" <= digits <= "2099"):
        return False
    return (
        _YEAR_BEFORE.search(text, max(0, start - 12), start) is not None
        or _MODEL_AFTER.match(text, end) is not None
        or _YEAR_AFTER.match(text, end) is not None
    )


# "The 2023 to 2024 year": a span of years, or a year named as one.
_YEAR_AFTER: Final = re.compile(r" (?:to|until|through|-) (?:19|20)\d\d\b| (?:tax )?year\b")


_MODEL_AFTER: Final = re.compile(r" (?:[A-Z][a-z]{2,}|[A-Z]-?[A-Z]?\d{1,3}\b)(?! [A-Z0-9]\b)")


_PHONE_MIN: Final = 10
_BESIDE_CARD_DIGITS: Final = 3
_AGE_DIGITS: Final = 2
_AGE_BEFORE: Final = re.compile(
    r"\b(?:when (?:i|he|she|we) (?:was|were)|aged|at (?:the )?age(?: of)?|i was only) $",
    re.IGNORECASE,
)
# A German number plate as written: district, hyphen, letters, digits ("B-MK 4721").
_DE_PLATE: Final = re.compile(r"(?<![\w-])[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} \d{1,4}[EH]?(?![\w-])")
_ON_BEFORE: Final = re.compile(r"\b(?:on|at) $")


def _run_detections(
    run: DigitRun, text: str, region: str, *, spoken: bool, card_context: bool
) -> list[Detection]:
    if run.money and (card := _card_in(run)) is not None:
        # "$89, okay. 4111 1111 1111 1111.": the filler dropped, the amount and the card
        # read after it are one run; no amount holds a valid card's digits.
        return [card[0]]
    if run.money or _is_year(run, text):
        return []
    if (
        run.context == Context.SECRET
        and len(run.digits) <= _AGE_DIGITS
        and _AGE_BEFORE.search(text, max(0, run.start - 24), run.start) is not None
    ):
        # "...we moved to Belfast when I was 4.": an age, not the security answer.
        return []
    if run.context == Context.EXPIRY and not card_context:
        return []
    if (
        run.asked
        and run.context == Context.NEGATIVE
        and len(run.digits) >= _PHONE_MIN
        and _ON_BEFORE.search(text, max(0, run.start - 4), run.start) is not None
    ):
        # "Between 2 and 4, on 07700 900578." to "When's the best time to call?": the
        # question asks for a time, and a whole phone number "on" which is still one.
        phone = classify_digits(run.digits, Context.PHONE, region, plus=run.plus, groups=run.groups)
        if phone is not None and phone.kind is EntityType.PHONE:
            return [_place(run, phone)]
    found = classify_digits(
        run.digits,
        run.context,
        region,
        dash_groups=run.dash_groups,
        plus=run.plus,
        groups=run.groups,
        spoken=spoken,
    )
    if found is not None and found.complete:
        return [_place(run, found)]
    named_whole = run.context == Context.NEGATIVE and len(run.dash_groups) >= 2
    # "order 114-3928457-6612209": a number named as an order and written as one keeps
    # its shape; no card is sought inside it.
    if not named_whole and (card := _card_in(run)) is not None:
        placed, window = [card[0]], card[1]
        if run.context == Context.CARD:
            # "No, the end's 8210, 5200 8282 8282 8210.": asked for the card, the digits
            # beside the whole card are its own, said again.
            for a, b in ((0, window[0]), (window[1], len(run.digits))):
                if b - a >= _BESIDE_CARD_DIGITS:
                    part = Detection(EntityType.CARD, 0, 0, run.digits[a:b], complete=False)
                    placed.append(_place(run, part, a, b))
        return placed
    return [] if found is None else [_place(run, found)]


def _card_in(run: DigitRun) -> tuple[Detection, tuple[int, int]] | None:
    """The longest valid card inside a run longer than one, placed, and its digit window."""
    if len(run.digits) <= _CARD_LENGTHS.start:
        return None
    window = _best_card_window(run)
    if window is None:
        return None
    card = Detection(EntityType.CARD, 0, 0, run.digits[window[0] : window[1]])
    return _place(run, card, *window), window


_EXPIRY_DATE: Final = re.compile(
    r"(?<![\w/.])(?:(?P<m>0?[1-9]|1[0-2])(?: ?[/.-] ?| )(?P<y>20\d{2}|20 \d{2}|\d{2})"
    rf"|(?P<mn>{_MONTH}) (?:of )?(?P<yn>20\d{{2}}|20 \d{{2}}|'?\d{{2}}))(?![\w/])",
    re.IGNORECASE,
)
_EXPIRY_REACH: Final = 40
# A card's expiry year: the next twenty years or so, never a year of a story ("since 2019").
_EXPIRY_YEAR: Final = re.compile(r"(?<![\w/.])20[2-4]\d(?![\w/])")
_EXPIRY_DIGITS: Final = re.compile(r"(?<![\w/])\d(?:[ /.-]{0,3}\d){2,5}(?![\w/])")
# Said of a card only: these need no card in the call ("Expiry 06/29"); "it expires in
# 2031" does.
_CARD_EXPIRY: Final = re.compile(
    r"expiry|expiration|exp\b|exp date|valid|good|end date", re.IGNORECASE
)


_CORRECTED_DATE: Final = re.compile(r"\b(?:no|sorry|actually|i mean|wait|rather)\b", re.I)


def _month_year(m: re.Match[str]) -> tuple[int, str]:
    """An expiry's month (1-12) and the last two digits of its year."""
    if m.group("mn") is not None:
        month = _month_number(m.group("mn"))
        year = m.group("yn")
    else:
        month, year = int(m.group("m")), m.group("y")
    return month, re.sub(r"\D", "", year)[-2:]


# Before a card's start date ("valid from 04/23"), or its year ("valid from 04/").
_VALID_FROM: Final = re.compile(
    r"\b(?:valid from|from|start(?:s|ed)?|start date(?: is)?|issued(?: on)?|member since)\W*"
    r"(?:\d{1,2} ?[/.-] ?)?$",
    re.IGNORECASE,
)
_VALID_FROM_REACH: Final = 24


def _after_start_date(text: str, pos: int) -> bool:
    """What starts at ``pos`` follows a card's start-date cue ("valid from 04/23")."""
    return _VALID_FROM.search(text, max(0, pos - _VALID_FROM_REACH), pos) is not None


_WEEKDAY_BEFORE: Final = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,? (?:the )?$", re.IGNORECASE
)
_WEEKDAY_REACH: Final = 16


def _expiry_detections(
    text: str,
    keywords: list[tuple[int, int, str]],
    card_context: bool,
    turn_context: str | None,
    card_ends: list[int],
) -> Iterable[Detection]:
    """A card's expiry: a month and year after an expiry keyword in card context, right
    after a card number, or as the answer when the agent asked for the expiry."""
    expiry_ends = [e for _s, e, c in keywords if c == Context.EXPIRY]
    if not expiry_ends and not card_ends and turn_context != Context.EXPIRY:
        return
    # "valid thru 0 5 slash 2 7", "good thru 0 4 2 6": the digits after the cue, however
    # they were grouped, when they make a month and a year.
    anchors = [e for e in expiry_ends if card_context]
    if turn_context == Context.EXPIRY:
        anchors.insert(0, 0)
    for anchor in anchors:
        said = _EXPIRY_DIGITS.search(text, anchor, min(len(text), anchor + _EXPIRY_REACH))
        if said is not None and _after_start_date(text, said.start()):
            # "It's valid from 04/23, expires 04/29.": the card's start date, no secret.
            said = _EXPIRY_DIGITS.search(text, said.end(), min(len(text), anchor + _EXPIRY_REACH))
        if said is None:
            continue
        digits = re.sub(r"\D", "", said.group())
        if len(digits) in (3, 4, 6) and 1 <= int(digits[: 2 if len(digits) != 3 else 1]) <= 12:
            value = re.sub(r"\s", "", said.group())
            yield Detection(EntityType.EXPIRY, said.start(), said.end(), value)
    dates = [(m.start(), m.end()) for m in _EXPIRY_DATE.finditer(text)]
    if turn_context == Context.EXPIRY:
        # "End of 2027.": the year alone, asked for a card's expiry, is half of it.
        for m in _EXPIRY_YEAR.finditer(text):
            if not any(a <= m.start() < b for a, b in dates):
                yield Detection(EntityType.EXPIRY, m.start(), m.end(), m.group(), complete=False)
    answer: tuple[int, str] | None = None
    previous_end = 0
    for m in _EXPIRY_DATE.finditer(text):
        start = m.start()
        if _after_start_date(text, start):
            # "It's valid from 04/23, expires 04/29.": the card's start date, no secret.
            continue
        if _WEEKDAY_BEFORE.search(text, max(0, start - _WEEKDAY_REACH), start):
            # "Check-in is Friday, July 18.": a day's date, not a month and a year.
            continue
        keyword = card_context and any(0 <= start - e <= _EXPIRY_REACH for e in expiry_ends)
        after_card = any(0 <= start - e <= 20 for e in card_ends)
        value = m.group().replace(" ", "").lower()
        # Asked for the expiry: the first date said is the answer, and so is the same
        # date said again, in any form ("End of November 2027, I think. Yeah, November
        # 2027.", "9 26. September '26.").
        month_year = _month_year(m)
        # "November 2027. No, sorry, December 2027.": the answer corrected.
        corrected = _CORRECTED_DATE.search(text, previous_end, start) is not None
        asked = turn_context == Context.EXPIRY and (answer in (None, month_year) or corrected)
        if turn_context == Context.EXPIRY and (answer is None or corrected):
            answer = month_year
        previous_end = m.end()
        if keyword or after_card or asked:
            yield Detection(EntityType.EXPIRY, start, m.end(), value)


# An identifier after its keyword: digits, single letters (dictated "d one two three") and
# mixed tokens ("1EG4-TE5-MK73", "X12345678"), up to 32 characters.
_ID_LEAD: Final = re.compile(
    r"(?:\s|[:#,.-]|'s\b"
    # "California, D4407219." after "Driver's license number and state?": where it is from.
    r"|(?-i:[A-Z][a-z]+(?: [A-Z][a-z]+)?),"
    # "a personalised one, ...", "the new one: ..."
    r"|\b(?:a|an|the) (?:[a-z]+ )?(?:one|1)[,:]"
    # "...has my licence wrong, it's 0847 2261"
    r"|\b(?:is|it's|its|it|number|no|id|the|my|uh|um|er|erm|okay|ok|so|that's|was|were|wrong"
    # "Mine's FD17 BNO." after "And your own registration?"
    r"|mine|ours|theirs"
    r"|reads|says|as|follows|starts|begins|with|then|yes|yeah|yep|sure|it says|on|are"
    # "policy reference, PET, 3, 9, 8 ...": the cue's own second word.
    r"|reference|ref"
    # "the last 8 are ..."
    r"|(?:last|first|final) \d+(?: digits?| characters?)?"
    # "my National Insurance number at the top, QQ123456D": where it is printed.
    r"|(?:(?:at|on|in) |@ ?)the (?:top|bottom|back|front|side|corner)(?: of (?:it|the [a-z]+))?"
    r")\b)*",
    re.IGNORECASE,
)
_ID_TOKEN: Final = re.compile(r"[A-Za-z0-9]+")
# Between the pieces of a spelled identifier: spaces, commas, dashes, slashes, an
# apostrophe, a filler ("M T R, dash, 3 3 0 9", "GB12, uh, LOYD, 6233"), or "and" before
# a last letter ("QQ 12 34 56, and C at the end").
_ID_GAP: Final = re.compile(
    # "P O L, then 88213 7765": "then" between the pieces read.
    r"[ ,/'-]{1,4}(?:(?:uh|um|er|erm|then)[ ,]{1,2}|(?i:and) (?-i:(?=[A-Z]\b)))?",
    re.IGNORECASE,
)
_ID_PAUSE: Final = re.compile(r"\. (?=\d)")
_NOT_ID_LETTER: Final = frozenset({"a", "i"})
_ID_MAX_CHARS: Final = 40
_HYPHEN_SPELLED: Final = re.compile(r"(?-i:[A-Z](?:-[A-Z]){3,})\b")
# Kinds with a check: a value after their cue that fails it is still being read (partial).
_ID_CHECKS: Final = {
    EntityType.NINO: nino_valid,
    EntityType.VIN: vin_valid,
    EntityType.IBAN: iban_valid,
}
# Medicare Beneficiary Identifier: its published shape (CMS): digit, letter, letter or
# digit, digit, letter, letter or digit, digit, letter, letter, digit, digit; no S L O I B Z.
_L: Final = "[AC-HJKMNP-RT-Yac-hjkmnp-rt-y]"
_MBI: Final = re.compile(
    rf"(?<![\w-])[1-9]{_L}(?:{_L}|\d)\d-?{_L}(?:{_L}|\d)\d-?{_L}{_L}\d\d(?![\w-])"
)


_SENTENCE_START: Final = re.compile(r"[.!?] +(?=\S)")


def _identifier_at(text: str, pos: int, min_digits: int = 2) -> tuple[int, int] | None:
    """The span of an identifier starting at ``pos`` (after filler words), or None."""
    lead = _ID_LEAD.match(text, pos, min(len(text), pos + 40))
    i = lead.end() if lead is not None else pos
    start = end = -1
    digits = chars = 0
    limit = min(len(text), i + 96)
    while i < limit:
        token = _ID_TOKEN.match(text, i, limit)
        if token is None:
            break
        word = token.group()
        if word == "I" and re.match(r" [a-z]|'[a-z]", text[token.end() : token.end() + 2]):
            break  # "..., 7 3 1 and I think", "and I'm": the pronoun, not a letter
        if _ORDINAL_DAY.fullmatch(word):
            break  # "The first one was ...": "1st 1", an ordinal and a pronoun
        has_digit = any(ch.isdigit() for ch in word)
        single = len(word) == 1 and word not in _NOT_ID_LETTER
        short_caps = len(word) <= 4 and word.isupper()
        if not (has_digit or single or short_caps) or chars + len(word) > _ID_MAX_CHARS:
            break
        if start == -1:
            start = token.start()
        end = token.end()
        digits += sum(ch.isdigit() for ch in word)
        chars += len(word)
        gap = _ID_GAP.match(text, end, limit) or (
            # "MTR. 0058.": the STT's full stop at a pause between its letters and digits.
            _ID_PAUSE.match(text, end, limit) if word.isalpha() and word.isupper() else None
        )
        if gap is None:
            break
        i = gap.end()
    if start == -1 or digits < min_digits or chars < 4:
        return None
    return start, end


def _id_detections(
    text: str, keywords: list[tuple[int, int, str]], leading: str | None
) -> Iterable[Detection]:
    anchors = [(e, c) for _s, e, c in keywords if c in ID_CONTEXTS]
    if leading in ID_CONTEXTS:
        # The answer may come after a remark: "Hers is the new kind. 1234567FA."
        anchors.extend((m.end(), leading) for m in _SENTENCE_START.finditer(text))
        anchors.insert(0, (0, leading))
    for pos, category in anchors:
        # A personalised plate may hold one digit ("J O E 1").
        span = _identifier_at(text, pos, 1 if category == Context.PLATE else 2)
        letters_only = False
        if span is None and category == leading:
            # "It's the long one. H-U-G-H-E.": the letters it starts with, spelled.
            lead = _ID_LEAD.match(text, pos, min(len(text), pos + 40))
            spelled = _HYPHEN_SPELLED.match(text, lead.end() if lead is not None else pos)
            span = spelled.span() if spelled is not None else None
            letters_only = True
        if span is None:
            continue
        value = re.sub(r"[^A-Za-z0-9]", "", text[span[0] : span[1]]).upper()
        if _a_year_at(text, value, *span):
            continue
        kind = ID_CONTEXTS[category]
        if kind is EntityType.POSTCODE and not (
            gb_postcode_valid(value)
            or ca_postcode_valid(value)
            or eircode_valid(value)
            or nl_postcode_valid(value)
        ):
            continue
        complete = _ID_CHECKS[kind](value) if kind in _ID_CHECKS else True
        if letters_only:
            complete = False  # its digits are still to come
        elif kind is EntityType.PLATE:
            complete = len(value) >= _WHOLE_PLATE_CHARS
        elif len(value) < _WHOLE_ID_DIGITS:
            # "It's S530." / "Mhm." / "4829. 1731.": letters or digits, too few for any
            # licence, member or patient number; the rest follows.
            complete = False
        elif ". " in text[span[0] : span[1]] and sum(c.isdigit() for c in value) < _WHOLE_ID_DIGITS:
            # "H O M. 5518.": read across a pause, and short yet; more may follow.
            complete = False
        yield Detection(kind, span[0], span[1], value, complete)
    for m in _MBI.finditer(text):
        yield Detection(EntityType.MEMBER, m.start(), m.end(), m.group().replace("-", "").upper())


# An Indian IFSC, by the RBI's definition: four letters (the bank), a 0, six letters or
# digits (the branch). No check digit, so only after its cue or when it was asked for.
_IFSC: Final = re.compile(r"[A-Z]{4}0[A-Z0-9]{6}")


def _ifsc_detections(
    text: str, keywords: list[tuple[int, int, str]], leading: str | None
) -> Iterable[Detection]:
    anchors = [e for _s, e, c in keywords if c == Context.ROUTING]
    if leading == Context.ROUTING:
        anchors.insert(0, 0)
    for pos in anchors:
        span = _identifier_at(text, pos)
        if span is None:
            continue
        value = re.sub(r"[^A-Za-z0-9]", "", text[span[0] : span[1]]).upper()
        if _IFSC.fullmatch(value):
            yield Detection(EntityType.ROUTING, span[0], span[1], value)


# The local part of an address spelled before "at": letters and digits one by one, with
# commas at the pauses, "dot"/"underscore"/"dash" (already symbols), hyphenated spellings
# ("s-h-a-r-m-a"), and the same name said whole before it ("dwalsh, that's D for David, W
# for William, A L S H, at outlook dot com").
_SAID_THEN_SPELLED: Final = re.compile(
    r"(?<![\w.])[A-Za-z][\w.]*,? (?:that's|that is|which is|spelled|spelt)[ ,]+$",
    re.IGNORECASE,
)


# The domain may be spelled letter by letter after a pause ("at, e i r c o m dot net").
_AT_DOMAIN: Final = re.compile(
    r"@(?:[ ,]{1,3})?(?:[A-Za-z0-9](?:[ ,]{1,2}[A-Za-z0-9])+(?=\.)|[A-Za-z0-9-]+)"
    # A country's code may be spelled too: "example dot I E".
    r"(?:\.[A-Za-z0-9-]+)*\.(?:" + _TLDS + r"|[A-Za-z] ?[A-Za-z])(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
# Before an address's local part: "It's jsmith at gmail", "my email is ...".
_SAID_AS_ADDRESS: Final = re.compile(
    r"(?:^|[.,!?]\s*|\b(?:it's|it is|its|is|email|e-mail|address|me at|reach me on))"
    r"\s*[\w.+-]+\s*$",
    re.IGNORECASE,
)
# "At gmail.": a webmail provider said without its ".com", the address ending there.
_WEBMAIL: Final = (
    r"@ ?(?:gmail|googlemail|hotmail|outlook|yahoo|icloud|aol|protonmail|proton|btinternet"
    r"|live|msn|gmx|yandex|zoho)\b"
)
_AT_WEBMAIL: Final = re.compile(_WEBMAIL, re.IGNORECASE)
_AT_PROVIDER: Final = re.compile(_WEBMAIL + r"(?!\.[A-Za-z])", re.IGNORECASE)
# The local part as written, up to the "@" (a comma may stand for the pause before "at").
# It may start with a dot or an underscore when the turn carries on one spelled in the
# turn before ("m o r a g" / "dot mackenzie, at ...").
_LOCAL_WRITTEN: Final = re.compile(
    r"(?<![\w.+'-])(?:[._](?=[A-Za-z0-9]))?(?:(?:[A-Za-z0-9] ){2,})?[A-Za-z0-9]"
    # an apostrophe inside a name ("o'brien"), not a contraction ("I'm")
    r"(?:[\w.+-]|'(?!(?:m|s|d|t|re|ve|ll)\b)(?=[A-Za-z]))*(?: \d+)*,?$"
)
# Asked for an e-mail address: what is spelled letter by letter is (a part of) it, before
# the "at" is said or in a turn of its own ("it's m o r a g", "b r o w n... no, b r a u n").
_SPELLED_PART: Final = re.compile(r"(?<![\w'])[A-Za-z0-9](?:[ ,.-]{1,3}[A-Za-z0-9](?![\w']))+")


_SPELL_SEPARATORS: Final = frozenset(" ,._-")
_FILLER_BEFORE: Final = re.compile(r"(?<![\w'])(?:uh|um|umm|er|erm|hmm)$", re.IGNORECASE)


def _gap_start(text: str, floor: int, i: int) -> int:
    """Walking back from ``i``, where the separators and fillers before it begin ("., um,
    " between the pieces of a spelled address)."""
    j = i
    while True:
        while j > floor and text[j - 1] in _SPELL_SEPARATORS:
            j -= 1
        filler = _FILLER_BEFORE.search(text, max(floor, j - 4), j)
        if filler is None or filler.start() == j:
            return j
        j = filler.start()


def _spelled_start(text: str, floor: int, end: int) -> int:
    """Where a run of characters spelled one by one (or digit groups) ends at ``end``
    begins, walking back: "L O U.B, B, " or "s-h-a-r-m-a, dot, a-n-i-l, ". A whole word
    counts beside a dot, an underscore or a dash said between pauses ("n, underscore,
    patel, nine one, at ..."). Linear in the distance walked."""
    start = i = end
    symbol_after = False
    while i > floor:
        j = _gap_start(text, floor, i)
        symbol_after = symbol_after or any(ch in "._-" for ch in text[j:i])
        k = j
        if k > floor and text[k - 1].isdigit():
            while k > floor and text[k - 1].isdigit():
                k -= 1
        elif k > floor and text[k - 1].isalnum():
            k -= 1
            if k > 0 and (text[k - 1].isalnum() or text[k - 1] == "'"):
                # A whole word: part of the address only beside a symbol said on its own.
                w = k
                while w > floor and text[w - 1].isalpha():
                    w -= 1
                sep = _gap_start(text, floor, w)
                spaced = "," in text[j:i] or "," in text[sep:w]
                symbol_before = any(ch in "._-" for ch in text[sep:w])
                if not (spaced and (symbol_after or symbol_before)) or w - 1 < floor:
                    break
                k = w
        else:
            break
        if k > 0 and (text[k - 1].isalnum() or text[k - 1] == "'"):
            break
        symbol_after = False
        start = i = k
    return start


def _compact_local(said: str) -> str:
    """A local part said in pieces, as one lower-case string ("P Iyer. 1987." ->
    "piyer1987"): the joining instructions and the pauses dropped."""
    said = INSTRUCTION.sub(" ", said)
    said = re.sub(r"\b(?:that's|that is|spelled|spelt|then)\b", " ", said, flags=re.IGNORECASE)
    return re.sub(r"[^\w.+\-]", "", said).strip("._-").lower()


def _local_part(text: str, at: int) -> tuple[int, str]:
    """Where the local part before an "@" begins (``at`` itself if there is none), and
    the local part as written."""
    floor = max(0, at - 120)
    start, local = at, ""
    written = _LOCAL_WRITTEN.search(text, floor, at)
    if written is not None:
        start, local = written.start(), written.group()
    spelled = _spelled_start(text, floor, at)
    if spelled < start:
        start, local = spelled, text[spelled:at]
    if start < at:
        said = _SAID_THEN_SPELLED.search(text, max(0, start - 60), start)
        if said is not None:
            start, local = said.start(), said.group().split()[0].rstrip(",")
    return start, re.sub(r"[\s,]|\b(?:uh|um|umm|er|erm|hmm)\b", "", local).lower()


def _email_detections(text: str, asked: bool = False) -> Iterable[Detection]:
    if asked:
        for m in _SPELLED_PART.finditer(text):
            said = m.group()
            if sum(ch.isalpha() for ch in said) >= 2 and sum(ch.isalnum() for ch in said) >= 3:
                value = re.sub(r"[^A-Za-z0-9.]", "", said).lower()
                yield Detection(EntityType.EMAIL, m.start(), m.end(), value, complete=False)
        for a, b in pieces_asked_for(text):
            value = _compact_local(text[a:b])
            yield Detection(EntityType.EMAIL, a, b, value, complete=False)
    if "@" not in text:
        return
    found = list(_AT_DOMAIN.finditer(text))
    found_at = {f.start() for f in found}
    for m in [*found, *_AT_PROVIDER.finditer(text)]:
        provider = m.re is _AT_PROVIDER
        if provider and m.start() in found_at:
            continue
        start, local = _local_part(text, m.start())
        # A provider named after "at" says an address is being given, asked or not
        # ("T H O R N. Thorn. Then dot, then Adebayo at yahoo.co.uk").
        webmail = provider or _AT_WEBMAIL.match(text, m.start()) is not None
        in_pieces = local_part_start(text, m.start(), asked or webmail)
        if provider and not (
            asked
            or in_pieces is not None
            or _SAID_AS_ADDRESS.search(text, max(0, m.start() - 64), m.start())
        ):
            continue  # "I looked at Outlook.": the app, not an address
        if in_pieces is not None and in_pieces < start:
            start, local = in_pieces, _compact_local(text[in_pieces : m.start()])
        if start == m.start():
            continue
        domain = re.sub(r"[ ,]", "", m.group()).lower()
        yield Detection(EntityType.EMAIL, start, m.end(), local + domain)


_STOP: Final = (
    r"(?!(?:and|or|but|please|thanks|in|is|it|to|for|with|near|which|where|that|i|my|the"
    r"|then|so|also)\b)"
)
_WORD: Final = rf"{_STOP}[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'\u2019.-]*"
_ROMANCE_WAY: Final = (
    r"rue|avenue|av|boulevard|bd|bld|place|allée|allee|chemin|impasse|quai|cours|via|viale"
    r"|piazza|piazzale|corso|vicolo|calle|avenida|avda|rua|carrer|paseo|plaza|travessa|largo"
    r"|rambla|praça|praca|ronda|camino|carretera"
)
_GERMANIC_WAY: Final = (
    r"straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|straat|laan|gracht"
    r"|plein|kade|singel|vej|gade|gatan|vägen|vagen|veien|gata"
)
# Postcode and town after a street: "10115 Berlin", "75001 Paris", "London NW1 6XE".
_TOWN_TAIL: Final = (
    rf"(?:,? (?:\d{{4,5}} )?{_STOP}[A-ZÀ-Ý][A-Za-zÀ-ÿ'\u2019-]+"
    r"(?: [A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})?)?"
)
_INTL_ADDRESS: Final = re.compile(
    # "42 Rue de Rivoli", "12, via Roma"
    rf"(?<![\w.$])\d{{1,5}}[A-Za-z]?,? (?:{_ROMANCE_WAY})\b(?: {_WORD}){{1,4}}{_TOWN_TAIL}"
    # "Calle Mayor 10", "Via della Spiga 7", "Rua Augusta, 100"
    rf"|\b(?:{_ROMANCE_WAY}) (?:{_WORD} ){{1,4}}?(?:n\.?º? ?|no\.? )?\d{{1,5}}[A-Za-z]?"
    rf"(?![\w]){_TOWN_TAIL}"
    # "Hauptstraße 5", "Berliner Straße 12a", "Keizersgracht 123"
    rf"|\b(?:{_STOP}(?-i:[A-ZÀ-Ý])[A-Za-zÀ-ÿ-]* )?[A-Za-zÀ-ÿ-]*(?:{_GERMANIC_WAY})"
    rf" \d{{1,5}}[A-Za-z]?(?![\w]){_TOWN_TAIL}",
    re.IGNORECASE,
)


# The full pattern tries every word; most turns have no street word at all, and a set lookup
# per word is far cheaper than an alternation tried at every position.
_ROMANCE_WORDS: Final = frozenset(_ROMANCE_WAY.split("|"))
_GERMANIC_ENDINGS: Final = tuple(w.replace("\\", "") for w in _GERMANIC_WAY.split("|"))
_WORD_THEN_NUMBER: Final = re.compile(r"([^\W\d_]+\.?) \d")


def _intl_hint(text: str) -> bool:
    lowered = text.lower()
    if not _ROMANCE_WORDS.isdisjoint(_LETTERS_ACCENTED.findall(lowered)):
        return True
    return any(m.group(1).endswith(_GERMANIC_ENDINGS) for m in _WORD_THEN_NUMBER.finditer(lowered))


_LETTERS_ACCENTED: Final = re.compile(r"[^\W\d_]+")


# An address with no house number, given when the agent asked for one: a house name and
# a street ("Rose Cottage, Church Lane"), or a street alone.
UNIT_WORDS: Final = "flat|unit|apartment|apt|suite"
"""The words that name a flat or a unit in a building."""
HOUSE_WORDS: Final = (
    r"cottage|cottages|house|farm|farmhouse|lodge|barn|barns|hall|manor|villa|mill|grange"
    r"|bungalow|forge|rectory|vicarage|croft|stables|chapel|oast|apartments|mansions|towers"
    r"|residency"
)
"""The last word of a house's or a building's name ("Rose Cottage", "Sai Krupa
Apartments")."""
# A street's last word when the address was asked for: its type, or a word a UK street
# name often ends in without one ("Church Green", "Pendle View", "Castle Vale").
_NAMED_STREET_END: Final = rf"{STREET_SUFFIX}|green|hill|view|vale"
_NAMED_ADDRESS: Final = re.compile(
    # a flat and its building's name: "Apartment 12, The Maltings", "Flat 3 Kingsley Mews"
    r"\b(?:apartment|apt|flat|unit|suite)\.? ?#?\d+[A-Za-z]?,? (?-i:(?:The )?[A-Z][\w'-]*"
    r"(?: [A-Z][\w'-]*){0,2})"
    rf"|(?-i:(?:[A-Z][\w'-]* ){{1,3}})(?:{HOUSE_WORDS})\b"
    rf"(?:,? (?-i:(?:[A-Z][\w'-]* ){{1,3}})(?:{_NAMED_STREET_END})\b)?"
    rf"|(?-i:(?:[A-Z][\w'-]* ){{1,3}})(?:{_NAMED_STREET_END})\b"
    # Bangalore's numbered roads: "14th Cross", "5th Main".
    r"|\b\d{1,2}(?:st|nd|rd|th) (?:cross|main)(?: road)?\b",
    re.IGNORECASE,
)


# A house number named as one, then its road: "House number 23, 4th Cross", "Door no. 12,
# 5th Main Road", "House number 9, Gandhi Street" (India's and Pakistan's usual order).
_HOUSE_NUMBER_ROAD: Final = re.compile(
    r"\b(?:house|door|plot) (?:number|no\.?) ?\d{1,5}[A-Za-z]?(?:, ?|/| )"
    r"(?:\d{1,2}(?:st|nd|rd|th) (?:cross|main|block|sector|lane|street|road)(?: road)?"
    rf"|(?-i:(?:[A-Z][a-z]+ ){{1,3}})(?:{STREET_SUFFIX}))\b",
    re.IGNORECASE,
)
# A post office box is a mailing address: "PO Box 1187", "P.O. Box 77", "post office box 12".
_PO_BOX: Final = re.compile(
    r"\b(?:p\.? ?o\.?|post office) box,? (?:number |no\.? |#)?\d{1,6}\b"
    # A US rural route or highway contract box (USPS Publication 28): "RR 2 Box 118".
    r"|\b(?:rr|r\.r\.|rural route|hc|highway contract(?: route)?) ?\d{1,3},? box \d{1,5}\b",
    re.IGNORECASE,
)
# A US ZIP+4 written as smart_format writes it: one block side or one building (a ZIP's
# five digits alone cover thousands of addresses and are kept).
_ZIP_PLUS_FOUR: Final = re.compile(r"(?<![\w-])\d{5}-\d{4}(?![\w-])")


# A street named in one word with its type inside it ("112 Kingsway", "4 Broadway", "9
# Northgate"); asked for an address, any capitalised name after a house number ("21 The
# Strand", "7 Piccadilly").
_COMPOUND_STREET: Final = re.compile(r"(?<![\w.$])\d{1,4}[A-Za-z]? (?-i:[A-Z][a-z]+(?:way|gate))\b")
_UNIT: Final = re.compile(rf"\b(?:{UNIT_WORDS}|lot)\.? ?#?\d{{1,5}}[A-Za-z]?\b", re.IGNORECASE)
_ONE_WORD_STREET: Final = re.compile(
    r"(?<![\w.$])\d{1,4}[A-Za-z]? (?-i:(?:The )?[A-Z][a-z]+(?: [A-Z][a-z]+)?)\b"
)


def named_addresses(text: str) -> Iterable[Detection]:
    """An address with no house number ("Rose Cottage, Church Lane", "Harrow View
    Gardens"), looked for only when the agent asked for an address or a house number.

    Args:
        text: The caller's turn, normalised.
    """
    for m in _NAMED_ADDRESS.finditer(text):
        value = " ".join(m.group().lower().split())
        yield Detection(EntityType.ADDRESS, m.start(), m.end(), value)


def _address_detections(text: str, asked: bool = False) -> Iterable[Detection]:
    if asked:
        yield from named_addresses(text)
    for m in _ONE_WORD_STREET.finditer(text) if asked else _COMPOUND_STREET.finditer(text):
        yield Detection(EntityType.ADDRESS, m.start(), m.end(), " ".join(m.group().split()))
    for m in _UNIT.finditer(text) if asked else ():
        # "Kingsbury Crescent. Unit 4.", "It's Lot 9, 1320 Wollombi Road": which door.
        yield Detection(EntityType.ADDRESS, m.start(), m.end(), " ".join(m.group().split()))
    intl = _INTL_ADDRESS.finditer(text) if _intl_hint(text) else ()
    for m in intl:
        way = _WORD_THEN_NUMBER.search(m.group())
        if way is not None and way.group(1).lower() in _GERMANIC_ENDINGS and way.group(1).islower():
            continue  # "can he ring 30 minutes before?": the verb, not a "-ring" street
        yield Detection(EntityType.ADDRESS, m.start(), m.end(), " ".join(m.group().split()))
    for m in _PO_BOX.finditer(text):
        yield Detection(EntityType.ADDRESS, m.start(), m.end(), " ".join(m.group().lower().split()))
    for m in _HOUSE_NUMBER_ROAD.finditer(text):
        yield Detection(EntityType.ADDRESS, m.start(), m.end(), " ".join(m.group().lower().split()))
    at = 0
    while (found := _ADDRESS.search(text, at)) is not None:
        m = found
        words = m.group("name").lower().split()
        if any(w.strip(".'") in _NOT_STREET_NAME for w in words):
            # "The old 1 was 112 Church Road.": not a street of "1", but one may start
            # after that number.
            at = m.end("num")
            continue
        at = m.end()
        number = m.group("num").replace(" ", "")
        rest = " ".join(text[m.end("num") : m.end()].lower().split())
        yield Detection(EntityType.ADDRESS, m.start(), m.end(), f"{number} {rest}")


def _date_parts(m: re.Match[str]) -> tuple[str, str, str | None]:
    """A `_DATE` match's month, day and year (None when said without one), whichever of
    its four forms it took."""
    g = m.groupdict()
    month = g["m1"] or g["m2"] or g["m3"] or g["m4"]
    day = g["d1"] or g["d2"] or g["d3"] or g["d4"]
    return month, day, g["y1"] or g["y2"] or g["y3"] or g["y4"]


def _iso_date(month: str, day: str, year: str | None) -> str:
    m = int(month) if month.isdigit() else _month_number(month)
    d = int(re.sub(r"\D", "", day))
    if m > 12 and d <= 12:
        m, d = d, m
    if year is None:
        return f"--{m:02d}-{d:02d}"
    y = re.sub(r"\D", "", year)
    if len(y) == 2:
        y = ("19" if int(y) > 30 else "20") + y
    return f"{y}-{m:02d}-{d:02d}"


_UK_ORDINALS: Final = re.compile(
    r"(?P<d>\d{1,2})(?:st|nd|rd|th) of the (?P<m>\d{1,2})(?:st|nd|rd|th)"
    r"(?:,? (?P<y>'?\d{2}(?:\d{2})?))?"
)


def _dob_value(said: str) -> str:
    """A date as the vault keeps it (ISO, "--MM-DD" without a year), else its words."""
    written = _DATE.search(said)
    if written is not None:
        month, day, year = _date_parts(written)
        if year is None:
            tail = re.search(r"\b(?:19|20)\d\d\b|\b19 \d\d\b", said)
            year = tail.group() if tail is not None else None
        return _iso_date(month, day, year)
    uk = _UK_ORDINALS.search(said)
    if uk is not None and 1 <= int(uk.group("m")) <= 12:
        return _iso_date(uk.group("m"), uk.group("d"), uk.group("y"))
    return " ".join(said.split()).lower()


def _whole_date(said: str) -> bool:
    """A day, a month and a year."""
    if _NUMERIC_DATE.search(said):
        return True
    m = _DATE.search(said)
    return m is not None and _date_parts(m)[2] is not None


# Before a date that answers the question outright: "Oh, 4th of July 1975, ..." (not
# "Yes, the 22nd of August is right.", the agent's date confirmed).
_BEFORE_AN_ANSWER: Final = re.compile(r"\W*(?:(?:oh|um|uh|er|erm|so|well|it's|it is|it was),?\s*)*")
_CUE_GAP: Final = 12
_ANOTHER_DATE_BEFORE: Final = re.compile(
    r"\b(?:on|for|by|until|till|before|after|from)(?: the)?\s*$", re.IGNORECASE
)


def _dob_detections(
    text: str, keywords: list[tuple[int, int, str]], leading_birth: bool
) -> Iterable[Detection]:
    births = [(s, e) for s, e, c in keywords if c == Context.BIRTH]
    if not births and not leading_birth:
        return
    # Asked for the date of birth: every date said in the answer is it (or a first try at
    # it); after the caller's own "born" or "date of birth", the first date after it --
    # then only that one: "my appointment's on the 3rd of March at 10, and my date of birth
    # is ..." names which date is which.
    asked = leading_birth and not births
    clusters = list(_date_clusters(text)) if asked else []
    if leading_birth and births:
        # "4th of July 1975, born on the 4th.": the answer said first, then the cue.
        opening = next(iter(_date_clusters(text, 0, births[0][0])), None)
        if opening is not None and _BEFORE_AN_ANSWER.fullmatch(text, 0, opening[0]):
            clusters.append(opening)
    for m in _YEAR_NAMED_BIRTH.finditer(text):
        # "The 1987 is my birth year.": the year, then what it is.
        yield Detection(EntityType.DOB, m.start("y"), m.end("y"), m.group("y"), complete=False)
    for m in _LABELLED_DATE_PART.finditer(text):
        # "Born in 1972, the month is October, day is the 5.": each part named, then said.
        yield Detection(EntityType.DOB, m.start("v"), m.end("v"), m.group("v"), complete=False)
    bare = _BARE_YEAR.fullmatch(text) if asked else None
    if bare is not None:
        # "And the year?" -- "Eighty-one.": a year alone is the answer's last part.
        year = bare.group("y")
        yield Detection(EntityType.DOB, bare.start("y"), bare.end("y"), year, complete=False)
        return
    pointed: list[tuple[int, int]] = []
    # Where a whole first date after each cue ends: a later date is another one ("born
    # 12/03/1978. I'm calling about the 3rd of May 2025 payment").
    first_end: dict[int, int] = {}
    for s, e in births:
        after = next(iter(_date_clusters(text, e, min(len(text), e + _BIRTH_BEFORE))), None)
        if after is not None and _whole_date(text[after[0] : after[1]]):
            first_end[e] = after[1]
        # Unasked, a year alone ("my son was born in 2012") is not a date of birth.
        if after is not None and (leading_birth or not _YEAR_ALONE.fullmatch(text, *after)):
            clusters.append(after)
            pointed.append((s, e))
    whole_by = min((b for a, b in clusters if _whole_date(text[a:b])), default=len(text))
    for a, b in clusters:
        said = text[a:b]
        if (
            a > whole_by
            and _ANOTHER_DATE_BEFORE.search(text, max(0, a - 12), a)
            and not any(0 <= a - e <= _CUE_GAP for _, e in births)
        ):
            # "4th of July 1975, and I'd like the 10:15 on the 9th": the birth date said
            # whole, a day it comes before is one asked about ("no, the 5th" is not).
            continue
        # A month said alone ("October", then "the 9th, 1972") is only the start of one.
        # Nor is a day and a month without the year ("Seventeenth of October," then
        # "nineteen eighty-four."): the question stands for the year.
        whole = "/" in said or any(p.search(said) for p in (_YEAR_SAID, _NUMERIC_DATE))
        value = _dob_value(said)
        # "July 22." reads as the 22nd with no year ("--07-22"), though "22" could be one.
        whole = whole and not value.startswith("--")
        yield Detection(EntityType.DOB, a, b, value, complete=whole)
    for m in _DATE.finditer(text):
        start, end = m.span()
        near = asked and start <= _BIRTH_BEFORE
        # A date before the cue is the birth date ("June 3rd 1988 is my birthday") only
        # when the cue has no date after it.
        near = near or any(
            (0 <= start - e <= _BIRTH_BEFORE and start < first_end.get(e, len(text)))
            or (0 <= s - end <= _BIRTH_AFTER and (s, e) not in pointed)
            for s, e in births
        )
        if not near:
            continue
        month, day, year = _date_parts(m)
        # Without its year ("The 9th of November."), the question stands for the year.
        yield Detection(
            EntityType.DOB, start, end, _iso_date(month, day, year), complete=year is not None
        )


def birth_dates(text: str, latest_year: int) -> Iterable[Detection]:
    """Whole dates whose year could be an adult's birth year, as dates of birth.

    For a turn answering an identity check ("I'll need to take you through security"):
    "Mrs. Janet Ellery, 4th of April 1949, postcode CF24 3NP" gives its date of birth
    unasked by name. A date with a later year (a payment, a booking) is left.

    Args:
        text: A normalised utterance.
        latest_year: The latest year a caller old enough to hold the account was born.
    """
    for m in _DATE.finditer(text):
        month, day, year = _date_parts(m)
        digits = year.replace(" ", "") if year is not None else ""
        if len(digits) != 4 or not 1900 <= int(digits) <= latest_year:
            continue
        yield Detection(EntityType.DOB, m.start(), m.end(), _iso_date(month, day, year))


# An answer that is a year and nothing else: "Eighty-one.", "It was 1981."
_BARE_YEAR: Final = re.compile(
    r"[\s,.!?]*(?:(?:uh|um|er|erm|oh|so|yes|yeah|it's|it is|it was|that's|that'd be)[\s,.!?]+)*"
    r"(?P<y>'?\d\d|(?:19|20)\d\d|19 \d\d)[\s,.!?]*",
    re.IGNORECASE,
)
_DATE_PART: Final = re.compile(
    rf"(?:\b{_MONTH}(?![\w])|\b\d{{1,2}}(?:st|nd|rd|th)\b|(?<![\w'])'?\d{{1,4}}(?![\w'])"
    r"|\b(?:the|of)\b|[ ,/.-])+",
    re.IGNORECASE,
)
_DATE_ANCHOR: Final = re.compile(
    rf"\b(?:{_MONTH})(?![\w])|\b\d{{1,2}}(?:st|nd|rd|th)\b|\b(?:19|20)\d\d\b|\b\d{{1,2}}"
    r"[/.-]\d{1,2}[/.-]\d{2,4}\b|\b19 \d\d\b",
    re.IGNORECASE,
)
_MAY: Final = re.compile(r"\bmay\b")
_YEAR_ALONE: Final = re.compile(r"(?:in |of )?'?\d{2,4}")
_MONTH_WORD: Final = re.compile(rf"\b{_MONTH}(?![\w])", re.IGNORECASE)
_ORDINAL_DAY: Final = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)\b")
_YEAR_SAID: Final = re.compile(
    rf"\b(?:(?:19|20)\d\d|19 \d\d|'\d\d)\b|, \d\d\b|(?:{_MONTH}|\d(?:st|nd|rd|th)) \d\d\b",
    re.IGNORECASE,
)
_NUMERIC_DATE: Final = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_YEAR_NAMED_BIRTH: Final = re.compile(
    r"\b(?P<y>(?:19|20)\d\d) (?:is|was) (?:my|his|her|their|our) (?:birth ?year|year of birth)\b",
    re.IGNORECASE,
)
_LABELLED_DATE_PART: Final = re.compile(
    rf"\b(?:the )?(?:month|day|year)(?: is|'s|:| was)? (?P<v>(?:the )?(?:{_MONTH_NAME}\b"
    r"|\d{1,2}(?:st|nd|rd|th)?\b|(?:19|20)\d\d\b))",
    re.IGNORECASE,
)
# An age said just before a date ("I'm 67, 5th of May"), which the normaliser joins to it.
_AGE_SAID: Final = re.compile(r"\b(?:i'm|i am|aged|age|he's|she's|he is|she is) $", re.IGNORECASE)
_AGE_LOOKBACK: Final = 12
_AGE_FIRST: Final = re.compile(r"\d{2,3}[ ,]+(?=\S)")


def _date_clusters(text: str, start: int = 0, end: int | None = None) -> Iterable[tuple[int, int]]:
    """Spans made only of date parts (months, ordinals, numbers, "the", "of") that hold a
    month, an ordinal day, a year or a written date: "21st of the 9th, 93", "19 88, June
    the 1st", "October", "the 9th, 1972". A full stop ends one."""
    limit = len(text) if end is None else end
    for m in _DATE_PART.finditer(text, start, limit):
        part = m.group()
        for piece in re.finditer(r"[^.]+", part):
            a = m.start() + piece.start()
            b = m.start() + piece.end()
            lead = len(piece.group()) - len(piece.group().lstrip(" ,/-"))
            a += lead
            b -= len(piece.group()) - len(piece.group().rstrip(" ,/-"))
            while b > a and text[a:b].lower().endswith((" the", " of")):
                b = text.rfind(" ", a, b)
            age = _AGE_FIRST.match(text, a, b)
            if age is not None and _AGE_SAID.search(text, max(0, a - _AGE_LOOKBACK), a):
                # "I'm 67. Fifth of May, fifty-eight.": the age, then the date.
                a = age.end()
            if b <= a or not _DATE_ANCHOR.search(text, a, b):
                continue
            if _MAY.fullmatch(text, a, b):
                continue  # "I may ...": a verb, not the month
            yield a, b


def _trailing_context(
    text: str,
    keywords: list[tuple[int, int, str]],
    detections: list[Detection],
    runs: list[DigitRun],
) -> str | None:
    """A keyword left hanging at the end of the turn ("my card number is").

    "the card on my account" names two kinds; the card wins, because that is what the
    caller is about to read out, and a card placeholder is the stricter one to speak.
    """
    last = max([d.end for d in detections] + [r.end for r in runs], default=0)
    hanging: list[str] = []
    for k_start, _k_end, category in reversed(keywords):
        if k_start < last:
            break
        if category == Context.NEGATIVE:
            if not hanging:
                return Context.NEGATIVE
            break
        if category in SENSITIVE_CONTEXTS or category == Context.BIRTH:
            hanging.append(category)
    if Context.CARD in hanging:
        return Context.CARD
    return hanging[0] if hanging else None


WINDOW_CHARS: Final = 2048
"""Longer text is scanned in overlapping windows of this size: linear time in the turn."""
_OVERLAP: Final = 512


def scan(
    norm: Normalised,
    region: str,
    leading_context: str | None = None,
    *,
    turn_context: str | None = None,
    card_context: bool = False,
    names: bool = False,
) -> TurnScan:
    """Find every candidate value in one normalised utterance.

    Args:
        norm: The utterance in written form.
        region: Default phone region (ISO 3166).
        leading_context: A keyword category left hanging at the end of the previous turn,
            applied to this turn's first number ("my card number is" / "4111 1111...").
        turn_context: What the agent last asked for ("what's the best number to reach
            you?"), applied to every number of the turn that has no keyword of its own.
        card_context: A card is being discussed (this call holds one, or the agent asked):
            an expiry after its keyword is then a card's expiry.
        names: Also look for person names (`compliance.names`).

    Returns:
        Detections (overlaps unresolved), digit runs and any trailing context keyword.
    """
    text = norm.text
    if len(text) <= WINDOW_CHARS:
        return _scan_window(
            norm, 0, len(text), region, leading_context, turn_context, card_context, names
        )
    # Each window owns the detections that start in its middle part, so every value up to
    # half the overlap long is seen whole once, with its context keyword in reach.
    detections: list[Detection] = []
    runs: list[DigitRun] = []
    trailing: str | None = None
    covered = 0
    start = 0
    step = WINDOW_CHARS - _OVERLAP
    while True:
        end = min(len(text), start + WINDOW_CHARS)
        last = end == len(text)
        own_from = 0 if start == 0 else start + _OVERLAP // 2
        own_to = len(text) + 1 if last else start + step + _OVERLAP // 2
        part = _scan_window(
            norm,
            start,
            end,
            region,
            leading_context if start == 0 else None,
            turn_context,
            card_context,
            names,
        )
        for det in sorted(part.detections, key=lambda d: d.start):
            if own_from <= det.start < own_to:
                detections.append(det)
            elif det.start < own_from and det.end > covered:
                # The rest of a value longer than the overlap, cut at the last window's
                # edge: taken from where the earlier windows stopped covering it.
                detections.append(Detection(det.kind, covered, det.end, det.value, det.complete))
            covered = max([covered, *(d.end for d in detections[-1:])])
        runs.extend(r for r in part.runs if own_from <= r.start < own_to)
        if last:
            trailing = part.trailing_context
            break
        start += step
    return TurnScan(detections, runs, trailing)


def _shift(det: Detection, offset: int) -> Detection:
    return Detection(det.kind, det.start + offset, det.end + offset, det.value, det.complete)


def _shift_run(run: DigitRun, offset: int) -> DigitRun:
    return DigitRun(
        start=run.start + offset,
        end=run.end + offset,
        digits=run.digits,
        offsets=tuple(o + offset for o in run.offsets),
        group_starts=run.group_starts,
        dash_groups=run.dash_groups,
        plus=run.plus,
        money=run.money,
        context=run.context,
        groups=run.groups,
        asked=run.asked,
    )


_CVV_AFTER_EXPIRY: Final = 24


def _security_code_after_expiry(
    detections: list[Detection], runs: list[DigitRun]
) -> list[Detection]:
    """Card, expiry, then three or four digits: callers read the security code last, often
    with no word for it ("4111 ..., 09/27, 732")."""
    expiry_ends = [d.end for d in detections if d.kind is EntityType.EXPIRY]
    if not expiry_ends:
        return detections
    # (start, end, digits): a run of its own, or the digits of a run that carried on past
    # the expiry ("12 28, 7 3 2" is one run of digits).
    codes: list[tuple[int, int, str]] = []
    expiries = [(d.start, d.end) for d in detections if d.kind is EntityType.EXPIRY]
    for run in runs:
        if run.money:
            continue
        for end in expiry_ends:
            # Not the year of the expiry said again ("August 2028, yeah August 2028").
            tail = [o for o in run.offsets if o >= end and not any(a <= o < b for a, b in expiries)]
            if 3 <= len(tail) <= 4 and 0 <= tail[0] - end <= _CVV_AFTER_EXPIRY:
                digits = "".join(run.digits[len(run.offsets) - len(tail) :])
                codes.append((tail[0], tail[-1] + 1, digits))
                break
    if not codes:
        return detections
    kept = [d for d in detections if not any(d.start < b and a < d.end for a, b, _ in codes)]
    kept.extend(Detection(EntityType.CVV, a, b, digits) for a, b, digits in codes)
    return kept


# A correction after an answer: what follows is more of the answer ("07700 900 482, no
# hang on, 900 428"), not another number.
_CORRECTION: Final = re.compile(
    r"\b(?:no|sorry|wait|hang on|hold on|i mean|i meant|actually|scratch that|rather"
    r"|correction|oops|make that|my mistake|my bad)\b",
    re.IGNORECASE,
)


# Another value of the kind asked for: "..., or my work one, ...".
_ALTERNATIVE: Final = re.compile(
    r"\b(?:or|also|other|another|second|2nd|work|home|mobile|landline|alternative|as well"
    r"|too|backup|spare|old|new|either|both)\b",
    re.IGNORECASE,
)


def _named_reference(text: str, reference_ends: list[int], start: int) -> bool:
    """Whether a code at ``start`` is the one a reference word just named ("my PNR is K 4
    T 9 Z 2" has a postcode's shape, and is a booking's reference)."""
    # The ends are in text order: only the last one before the code can name it.
    at = bisect.bisect_right(reference_ends, start) - 1
    if at < 0:
        return False
    end = reference_ends[at]
    return start - end <= _CONTEXT_REACH and _LINKED.fullmatch(text, end, start) is not None


def _said_as(norm: Normalised, start: int, end: int, word: str) -> bool:
    a, b = norm.to_original(start, end)
    return norm.original[a:b].lower() == word


def _spoken(norm: Normalised, start: int, end: int) -> bool:
    a, b = norm.to_original(start, end)
    return any(ch.isalpha() for ch in norm.original[a:b])


def _scan_window(
    norm: Normalised,
    offset: int,
    end: int,
    region: str,
    leading_context: str | None,
    turn_context: str | None,
    card_context: bool,
    names: bool,
) -> TurnScan:
    text = norm.text[offset:end]
    keywords = find_keywords(text)
    opening = leading_context or turn_context
    if (opening in _PARTIAL_KIND or opening == Context.GENERIC) and ":" in text:
        # "Four one five, five five 5:01 eight six.": digits read out after the question,
        # two of them taken by the STT for a time. Same length: offsets hold.
        text = _TIME_AMONG_DIGITS.sub(lambda m: m.group().replace(":", " "), text)
    card_context = card_context or opening in (
        Context.CARD,
        Context.CVV,
        Context.EXPIRY,
        Context.LASTFOUR,
    )
    card_context = card_context or any(c == Context.CARD for _s, _e, c in keywords)
    # While the agent asks for a code, or a card is being read, a bare "code" is that code
    # (its security code), not a promo code.
    code = opening if opening in (Context.OTP, Context.PIN, Context.CVV) else None
    code = code or (Context.CVV if card_context else None)
    # "There's a key safe by the front door. The code's 1947.": its PIN.
    code = code or (Context.PIN if _KEY_SAFE.search(text) else None)
    if code is not None:
        keywords = [
            (a, b, code if c == Context.NEGATIVE and text[a:b].lower() == "code" else c)
            for a, b, c in keywords
        ]
    if opening == Context.OTP:
        # "Oh, that one's expired, there's a new one. 660 174.": a code's expiry is no
        # card's; the digits after it are the new code.
        keywords = [(a, b, Context.OTP if c == Context.EXPIRY else c) for a, b, c in keywords]
    runs = _runs(text, keywords, leading_context, turn_context)
    if not card_context:
        # "the last 4 are 3 3 9 8" of a social: the question says what it is.
        # "Last four is 4326." after "the last four of your social and your date of
        # birth", or with nothing asked: a last four whatever it ends (the question's
        # own kind, when it has one that reads four digits, says which).
        fallback = (
            Context.LASTFOUR
            if turn_context in (None, Context.GENERIC, Context.BIRTH, Context.LASTFOUR)
            else turn_context
        )
        runs = [
            replace(r, context=_last_four_of(keywords, r.start, fallback))
            if r.context == Context.LASTFOUR
            else r
            for r in runs
        ]
    expiry_named = any(c == Context.EXPIRY and _CARD_EXPIRY.match(text, a) for a, _b, c in keywords)
    detections: list[Detection] = []
    references = [e for _s, e, c in keywords if c == Context.NEGATIVE]
    # "The billing ZIP is 60614-2203.": a ZIP names its own nine digits, no reference.
    not_zip = [
        e
        for s, e, c in keywords
        if c == Context.NEGATIVE and not text[s:e].lower().startswith("zip")
    ]
    detections.extend(
        Detection(kind, a, b, value)
        for kind, a, b, value in shaped_identifiers(text)
        if not (kind is EntityType.POSTCODE and _named_reference(text, references, a))
    )
    detections.extend(
        Detection(EntityType.POSTCODE, m.start(), m.end(), m.group().replace("-", ""))
        for m in _ZIP_PLUS_FOUR.finditer(text)
        if not _named_reference(text, not_zip, m.start())
    )
    detections.extend(_email_detections(text, asked=opening == Context.EMAIL))
    detections.extend(_dob_detections(text, keywords, opening == Context.BIRTH))
    detections.extend(_address_detections(text, asked=opening == Context.ADDRESS))
    detections.extend(_id_detections(text, keywords, opening))
    detections.extend(_ifsc_detections(text, keywords, opening))
    detections.extend(
        Detection(EntityType.PLATE, m.start(), m.end(), re.sub(r"[ -]", "", m.group()))
        for m in _DE_PLATE.finditer(text)
    )
    # The length of the value that answered the question, once one has: a later number of
    # another length in the same turn is not more of the answer ("It's 701 55 2980, and my
    # payment was 1,412") and is read on its own merits.
    answered: int | None = None
    # Since the answer: a correction or another value of its kind was spoken (each gap
    # between runs is read once: linear in the turn).
    related = False
    gap_from = 0
    for i, run in enumerate(runs):
        if answered is not None and not related:
            related = (
                _CORRECTION.search(text, gap_from, run.start) is not None
                or _ALTERNATIVE.search(text, gap_from, run.start) is not None
            )
        gap_from = run.end
        if len(run.digits) == 1 and _said_as(norm, run.start + offset, run.end + offset, "one"):
            continue  # "a new one", "there isn't one": the pronoun
        if run.asked and answered is not None and len(run.digits) != answered and not related:
            run = runs[i] = replace(run, context=None, asked=False)
        spoken = len(run.digits) >= 9 and _spoken(norm, run.start + offset, run.end + offset)
        found = _run_detections(
            run, text, region, spoken=spoken, card_context=card_context or expiry_named
        )
        if run.asked and answered is None and any(d.complete for d in found):
            answered = len(run.digits)
        detections.extend(found)
    card_ends = [d.end for d in detections if d.kind is EntityType.CARD]
    detections.extend(
        _expiry_detections(text, keywords, card_context or expiry_named, opening, card_ends)
    )
    detections = _security_code_after_expiry(detections, runs)
    if names:
        detections.extend(
            Detection(EntityType.NAME, a, b, name)
            for a, b, name in name_spans(text, answer=opening == Context.NAME)
        )
    trailing = _trailing_context(text, keywords, detections, runs)
    if offset:
        detections = [_shift(d, offset) for d in detections]
        runs = [_shift_run(r, offset) for r in runs]
    return TurnScan(detections, runs, trailing)
