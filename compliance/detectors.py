"""One detector per entity type, run over the written form of a single utterance.

Numbers are found once as *digit runs* (digits joined by spaces, dashes, commas, dots or
brackets, so "4111 1111, 1111 1111" and spoken "4 1 5 5 ..." are one run) and each run is
classified by checksum and by the nearest context keyword before it ("card", "social",
"order number"...). Patterns that are not digit runs (e-mail, dates of birth, street
addresses) have their own expressions. Offsets are in the normalised text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import phonenumbers

from compliance.policy import EntityType
from compliance.spoken import Normalised

__all__ = [
    "Context",
    "Detection",
    "DigitRun",
    "TurnScan",
    "aba_valid",
    "classify_digits",
    "luhn_valid",
    "plausible_card_prefix",
    "scan",
    "ssn_valid",
]


class Context:
    """Context categories a keyword can put a digit run in."""

    CARD: Final = "card"
    SSN: Final = "ssn"
    PHONE: Final = "phone"
    ACCOUNT: Final = "account"
    ROUTING: Final = "routing"
    GENERIC: Final = "generic"
    BIRTH: Final = "birth"
    NEGATIVE: Final = "negative"


SENSITIVE_CONTEXTS: Final = frozenset(
    {Context.CARD, Context.SSN, Context.PHONE, Context.ACCOUNT, Context.ROUTING, Context.GENERIC}
)
_PARTIAL_KIND: Final = {
    Context.CARD: EntityType.CARD,
    Context.SSN: EntityType.SSN,
    Context.PHONE: EntityType.PHONE,
    Context.ACCOUNT: EntityType.ACCOUNT,
    Context.ROUTING: EntityType.ROUTING,
}

# Longer phrases first so "order number" is negative, not the generic "number".
_KEYWORDS: Final = re.compile(
    r"\b(?:"
    r"(?P<negative>order|confirmation|conf|ticket|booking|flight|reference|ref|tracking"
    r"|invoice|case|claim|reservation|room|extension|ext|zip|zip code|postal code|model"
    r"|serial|item|sku|gate|seat|table|policy|member|pnr|transaction|receipt|voucher|coupon"
    r"|promo|product|part|apartment|apt|suite|unit|floor|building|route|bus|train|platform"
    r"|terminal|page|version|quantity|qty|store|tax id|employee id|badge|expires|expiry"
    r"|expiration|exp|valid thru|error|code)(?: (?:number|no|#|id|date))?"
    r"|(?P<card>(?:credit|debit|bank|payment|visa|amex) card(?: number)?|card(?: number)?|visa"
    r"|master ?card|amex|american express|discover|cc|card no)"
    r"|(?P<ssn>social security(?: number)?|social|ssn|s s n|s\.s\.n\.?)"
    r"|(?P<routing>routing(?: number)?|aba|transit number|sort code)"
    r"|(?P<account>(?:bank |checking |savings )?account(?: number| no|#| #)?|acct|iban"
    r"|checking|savings)"
    r"|(?P<phone>(?:phone|cell|mobile|telephone|contact|callback|home|work|my) number|phone|cell"
    r"|mobile|telephone|callback|call me|reach me|text me|landline|fax)"
    r"|(?P<birth>date of birth|birth ?date|birthday|born|birth|dob|d o b|d\.o\.b\.?)"
    r"|(?P<generic>number(?! of)|digits|the rest|numbers(?! of))"
    r")\b",
    re.IGNORECASE,
)
_CONTEXT_REACH: Final = 60
_BIRTH_BEFORE, _BIRTH_AFTER = 80, 40

_RUN: Final = re.compile(
    r"(?<![\w.])\+?\(?\d+(?:(?:\)[ ]?|[ ]{0,2}[-,][ ]{0,2}|[ ]{1,2}|\.(?=\d))\(?\d+)*(?![\w@])"
)
_MONEY_BEFORE: Final = re.compile(r"[$€£¥]\s?$")
_MONEY_AFTER: Final = re.compile(
    r"^\s?(?:dollars?|bucks|cents?|euros?|pounds?|usd|percent|%|grand|k\b|am\b|pm\b|a\.m|p\.m)",
    re.IGNORECASE,
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
_STREET_SUFFIX: Final = (
    r"street|st|avenue|ave|av|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|way"
    r"|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl|square|sq|crescent|cres"
    r"|alley|plaza|loop|pike|row|close|grove|heights|hollow"
)
_ADDRESS: Final = re.compile(
    r"(?<![\w.$])(?P<num>\d{1,6}(?: \d{1,5}){0,5}[A-Za-z]?)"
    r" (?:(?:north|south|east|west|n|s|e|w)\.? )?"
    r"(?P<name>(?:[A-Za-z0-9][A-Za-z0-9'.]* ){1,3}?)"
    rf"(?:{_STREET_SUFFIX})\b\.?"
    r"(?:,? (?:apt|apartment|suite|ste|unit|#)\.? ?#?[A-Za-z0-9-]+)?"
    r"(?:,? [A-Za-z][A-Za-z .]{1,30}?, ?[A-Za-z]{2}\.? \d{5}(?:-\d{4})?)?",
    re.IGNORECASE,
)
# Words that make "10 minute drive" or "3 patients to see dr" not an address.
_NOT_STREET_NAME: Final = frozenset(
    "a an the to of and or for from in on at by with my your his her our their i you we they"
    " it is are was be see get go minute minutes min mins mile miles hour hours block blocks"
    " day days week weeks more times people items tickets km foot feet step steps long short"
    " away down up over out off about than then just only each per".split()
)
_YEAR_BEFORE: Final = re.compile(
    r"\b(?:in|since|from|until|till|by|before|after|year|of|back in|circa)\s$", re.IGNORECASE
)
_MONTH: Final = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
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


def luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn (mod 10) check used by payment cards.

    Args:
        digits: Digits only.
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def aba_valid(digits: str) -> bool:
    """Whether nine digits pass the ABA routing-number checksum (weights 3, 7, 1).

    Args:
        digits: Digits only.
    """
    if len(digits) != 9 or digits[0] not in "0123467":
        return False
    weights = (3, 7, 1) * 3
    return sum(w * (ord(c) - 48) for w, c in zip(weights, digits, strict=True)) % 10 == 0


def ssn_valid(digits: str) -> bool:
    """Whether nine digits can be a US Social Security number.

    The area is never 000, 666 or 900-999; the group never 00; the serial never 0000.

    Args:
        digits: Digits only.
    """
    if len(digits) != 9:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def plausible_card_prefix(digits: str) -> bool:
    """Whether a digit string could be the start of a payment card number.

    Args:
        digits: Digits only.
    """
    return 4 <= len(digits) <= 19 and digits[0] in "3456"


def _card_complete(digits: str) -> bool:
    return len(digits) in _CARD_LENGTHS and digits[0] in "23456" and luhn_valid(digits)


def _phone_value(digits: str, region: str, plus: bool) -> str | None:
    """E.164 form if the digits are a valid phone number for the region, else None."""
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


def classify_digits(
    digits: str,
    context: str | None,
    region: str,
    *,
    dash_groups: tuple[int, ...] = (),
    plus: bool = False,
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

    Returns:
        A detection with offsets 0..0 (the caller places it), or None.
    """
    n = len(digits)
    if _card_complete(digits) or (context == Context.CARD and n in _CARD_LENGTHS):
        return Detection(EntityType.CARD, 0, 0, digits)
    if n == 9 and ssn_valid(digits) and dash_groups == (3, 2, 4):
        return Detection(EntityType.SSN, 0, 0, digits)
    if context == Context.NEGATIVE:
        return None
    if n == 9 and context == Context.SSN:
        return Detection(EntityType.SSN, 0, 0, digits)
    if n == 9 and context == Context.ROUTING:
        return Detection(EntityType.ROUTING, 0, 0, digits)
    if 6 <= n <= 17 and context == Context.ACCOUNT:
        return Detection(EntityType.ACCOUNT, 0, 0, digits)
    if 7 <= n <= 15 and context in (None, Context.PHONE, Context.GENERIC):
        phone = _phone_value(digits, region, plus)
        if phone is not None:
            return Detection(EntityType.PHONE, 0, 0, phone)
        if context in (Context.PHONE, Context.GENERIC) and n >= 10:
            return Detection(EntityType.PHONE, 0, 0, digits)
    if context is None or n < (4 if context == Context.GENERIC else 3):
        return None
    kind = _PARTIAL_KIND.get(context)
    if kind is None and context == Context.GENERIC:
        kind = EntityType.CARD if plausible_card_prefix(digits) else EntityType.PHONE
    if kind is None:
        return None
    return Detection(kind, 0, 0, digits, complete=False)


def _keywords(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.lastgroup or "") for m in _KEYWORDS.finditer(text)]


def _context_before(keywords: list[tuple[int, int, str]], floor: int, start: int) -> str | None:
    """Category of the last keyword between ``floor`` and ``start``, within reach."""
    found: str | None = None
    for k_start, k_end, category in keywords:
        if k_start >= start:
            break
        if k_start >= floor and k_end <= start and start - k_end <= _CONTEXT_REACH:
            found = category
    return found


def _runs(text: str, keywords: list[tuple[int, int, str]], leading: str | None) -> list[DigitRun]:
    runs: list[DigitRun] = []
    floor = 0
    for match in _RUN.finditer(text):
        start, end = match.span()
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
        money = bool(_MONEY_BEFORE.search(text, 0, start)) or bool(
            _MONEY_AFTER.match(text[end : end + 8])
        )
        context = _context_before(keywords, floor, start)
        if context is None and not runs and leading is not None:
            context = leading
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
            )
        )
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
    """ "since 2015", "in 1999": a year after a preposition is not a dictated chunk."""
    if len(run.digits) != 4 or not ("1900" <= run.digits <= "2099"):
        return False
    return _YEAR_BEFORE.search(text, 0, run.start) is not None


def _run_detections(run: DigitRun, text: str, region: str) -> list[Detection]:
    if run.money or _is_year(run, text):
        return []
    found = classify_digits(
        run.digits, run.context, region, dash_groups=run.dash_groups, plus=run.plus
    )
    if found is not None and found.complete:
        return [_place(run, found)]
    if len(run.digits) > 13:
        window = _best_card_window(run)
        if window is not None:
            card = Detection(EntityType.CARD, 0, 0, run.digits[window[0] : window[1]])
            return [_place(run, card, *window)]
    return [] if found is None else [_place(run, found)]


def _email_detections(text: str) -> Iterable[Detection]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        value = m.group().replace(" ", "").lower()
        yield Detection(EntityType.EMAIL, m.start(), m.end(), value)


def _address_detections(text: str) -> Iterable[Detection]:
    for m in _ADDRESS.finditer(text):
        words = m.group("name").lower().split()
        if any(w.strip(".'") in _NOT_STREET_NAME for w in words):
            continue
        number = m.group("num").replace(" ", "")
        rest = " ".join(text[m.end("num") : m.end()].lower().split())
        yield Detection(EntityType.ADDRESS, m.start(), m.end(), f"{number} {rest}")


def _iso_date(month: str, day: str, year: str | None) -> str:
    m = int(month) if month.isdigit() else _MONTHS.index(month[:3].lower()) + 1
    d = int(re.sub(r"\D", "", day))
    if m > 12 and d <= 12:
        m, d = d, m
    if year is None:
        return f"--{m:02d}-{d:02d}"
    y = re.sub(r"\D", "", year)
    if len(y) == 2:
        y = ("19" if int(y) > 30 else "20") + y
    return f"{y}-{m:02d}-{d:02d}"


def _dob_detections(
    text: str, keywords: list[tuple[int, int, str]], leading_birth: bool
) -> Iterable[Detection]:
    births = [(s, e) for s, e, c in keywords if c == Context.BIRTH]
    if not births and not leading_birth:
        return
    for m in _DATE.finditer(text):
        start, end = m.span()
        near = leading_birth and start <= _BIRTH_BEFORE
        near = near or any(
            0 <= start - e <= _BIRTH_BEFORE or 0 <= s - end <= _BIRTH_AFTER for s, e in births
        )
        if not near:
            continue
        g = m.groupdict()
        month = g["m1"] or g["m2"] or g["m3"] or g["m4"]
        day = g["d1"] or g["d2"] or g["d3"] or g["d4"]
        year = g["y1"] or g["y2"] or g["y3"] or g["y4"]
        yield Detection(EntityType.DOB, start, end, _iso_date(month, day, year))


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


def scan(norm: Normalised, region: str, leading_context: str | None = None) -> TurnScan:
    """Find every candidate value in one normalised utterance.

    Args:
        norm: The utterance in written form.
        region: Default phone region (ISO 3166).
        leading_context: A keyword category left hanging at the end of the previous turn,
            applied to this turn's first number ("my card number is" / "4111 1111...").

    Returns:
        Detections (overlaps unresolved), digit runs and any trailing context keyword.
    """
    text = norm.text
    keywords = _keywords(text)
    runs = _runs(text, keywords, leading_context)
    detections: list[Detection] = []
    detections.extend(_email_detections(text))
    detections.extend(_dob_detections(text, keywords, leading_context == Context.BIRTH))
    detections.extend(_address_detections(text))
    for run in runs:
        detections.extend(_run_detections(run, text, region))
    return TurnScan(detections, runs, _trailing_context(text, keywords, detections, runs))
