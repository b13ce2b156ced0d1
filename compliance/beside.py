"""What a caller says beside a value, with only a pause between, is part of it.

Callers spell what they have just said, or what they are about to say, in the same turn:
"72 Kestrel Close. K E S T R E L.", "It's 1234567. T for Tom." (an Irish PPS number's
letter), "Z for zebra. 4719306." (a passport's letter before its digits), "M O R G A.
753116. S M 9 I J." (a driving licence read in chunks). The detectors find the value's
core; the letters beside it are more of the same value.

A name in an e-mail address or a street said again in the same turn, to tell how it is
spelled ("Rose hyphen Lindqvist at proton dot me. Lindqvist with a Q.", "Carrick Lane.
Carrick with a C-K."), is the address's too.

A house's name before its street ("The Old Forge, Ballyhooly Road") is its first line,
and a long value's digits said again after it ("That's 0 1 2 3 at the end.") are it, as is
an identifier spelled and then written whole ("A B C P K 4821 L. ABCPK4821L."), and so
is an end of a value named before the whole of it ("The one ending 519. ... 07700
900519.").

The number of a flat, a unit or a house said in its own sentence before the street
("Flat 3. 17 Albemarle Road.", "It's 742. Evergreen Terrace.", "Unit 12B. 1640 Riverside
Drive.") is the address's first line.

Works on the normalised text (the spelling alphabet and "X for Xavier" are single letters
there); offsets are in it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

from compliance.checksums import gb_postcode_valid, nl_postcode_valid
from compliance.detectors import (
    DAY_AND_MONTH,
    HOUSE_WORDS,
    STREET_SUFFIX,
    UNIT_WORDS,
    Detection,
    DigitRun,
    day_and_month,
)
from compliance.spoken import Normalised
from config.redaction_policy import EntityType

__all__ = [
    "COMMON_LOCAL_PARTS",
    "birth_date_again",
    "digits_again",
    "digits_read_back",
    "dutch_postcode_after_address",
    "end_named_before",
    "house_name_before",
    "house_number_again",
    "keyed_instead",
    "postcode_begun_before",
    "spelled_beside",
    "unit_after_address",
    "unit_before_address",
    "words_again",
    "written_again",
]

# Letters and short digit groups said one by one ("S M 9 I J", "E V E R G R E E N",
# "Q, T", "double R"), nothing else between them but a pause.
_RUN: Final = re.compile(
    r"(?<![\w'])(?:(?:double|triple) )?[A-Za-z](?![\w'])"
    r"(?:[\s,.\-]{1,3}(?:(?:double|triple) )?(?:[A-Za-z]|\d{1,4})(?![\w']))*"
)
_LETTER: Final = re.compile(r"(?<![\w'])[A-Za-z](?![\w'])")
# Between a value and the spelling of it: a pause, or "that's", "spelled", "then".
_GAP_AFTER: Final = re.compile(
    r"[\s.,;:\-]*(?:(?:that's|that is|spelled|spelt|then|so)[\s.,:]*)?"
    # "2380416. And then the letter A.", "12345678, letter Z."
    r"(?:(?:and )?(?:then )?(?:the )?letters? )?",
    re.IGNORECASE,
)
# ("T for tango, W for whiskey, then Ellis at icloud.com.")
_GAP_BEFORE: Final = re.compile(r"[\s.,;:\-]*(?:(?i:then|and then)[\s.,:]*)?")


def _spells(norm: Normalised, start: int, end: int) -> bool:
    """Two letters or more, or one said the long way ("T for Tom", "Tango") or named a
    letter ("the letter A"): not the article "A" or the pronoun "I" left alone."""
    letters = list(_LETTER.finditer(norm.text, start, end))
    if len(letters) >= 2:
        return True
    if not letters:
        return False
    if re.search(r"\bletter $", norm.text[max(0, start - 7) : start], re.IGNORECASE):
        return True  # "the letter A": named a letter outright
    a, b = norm.to_original(letters[0].start(), letters[0].end())
    return b - a > 1


def _compact(said: str) -> str:
    """``said``'s letters and digits only, in capitals: a value as it is compared."""
    return re.sub(r"[^A-Za-z0-9]", "", said).upper()


class _Found:
    """Where the values found so far lie, to ask whether a position is inside one (as the
    last value starting at or before it covers it)."""

    def __init__(self, values: Sequence[Detection]) -> None:
        self._spans = sorted((v.start, v.end) for v in values)
        self._starts = [a for a, _b in self._spans]

    def covers(self, pos: int) -> bool:
        at = bisect_right(self._starts, pos) - 1
        return at >= 0 and pos < self._spans[at][1]


def spelled_beside(norm: Normalised, values: Sequence[Detection]) -> Iterable[Detection]:
    """The spelled runs right after or right before one of ``values``, each as a
    detection of that value's kind (not complete: the value's own detection is).

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
    """
    text = norm.text
    ordered = sorted(values, key=lambda v: v.start)
    edges = [0, *(x for v in ordered for x in (v.start, v.end)), len(text)]
    # Only the text between values: a run is never part of one already found.
    for lo, hi in zip(edges[::2], edges[1::2], strict=True):
        for run in _RUN.finditer(text, lo, hi):
            if not _spells(norm, run.start(), run.end()):
                continue
            for value in ordered:
                before = value.end <= run.start() and (
                    _GAP_AFTER.fullmatch(text, value.end, run.start()) is not None
                )
                after = run.end() <= value.start and (
                    _GAP_BEFORE.fullmatch(text, run.end(), value.start) is not None
                )
                if before or after:
                    said = _compact(run.group())
                    yield Detection(value.kind, run.start(), run.end(), said, complete=False)
                    break
    for value in ordered:
        # "12345678 Z. Z de Zaragoza.": the value's last letter told apart by a word.
        told = _LETTER_TOLD_APART.match(text, value.end)
        if told is not None and value.value[-1:].upper() == told["letter"].upper():
            yield Detection(value.kind, told.start("letter"), told.end(), told["letter"], False)


_LETTER_TOLD_APART: Final = re.compile(
    r"[.,]?\s{1,2}(?P<letter>[A-Za-z]) (?:de|for|as in|like|wie|comme) [A-Z][a-z]+"
)


# A flat, unit or house number said alone, and the pause after it.
_UNIT: Final = re.compile(
    rf"(?P<unit>(?:(?i:{UNIT_WORDS}|number|no)\.? )?\d{{1,5}}[A-Za-z]?)"
    r"(?:[.,]\s*)$"
)


def unit_before_address(norm: Normalised, values: Sequence[Detection]) -> Iterable[Detection]:
    """The flat, unit or house number said as its own piece right before an address.

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
    """
    text = norm.text
    for value in values:
        if value.kind is not EntityType.ADDRESS:
            continue
        before = value.start
        # "Flat 6. 31. Ormeau Road.": each piece before the next, back to the first.
        while (unit := _unit_before(text, before)) is not None:
            start, end = unit
            said = re.sub(r"[^A-Za-z0-9]", "", text[start:end])
            yield Detection(EntityType.ADDRESS, start, end, said, complete=False)
            before = start


def _unit_before(text: str, pos: int) -> tuple[int, int] | None:
    # The piece before the address: from the last pause (or "It's") before it.
    head = text[max(0, pos - 24) : pos]
    unit = _UNIT.search(head)
    if unit is None:
        return None
    start = pos - len(head) + unit.start()
    end = pos - len(head) + unit.end("unit")
    lead = text[:start].rstrip()
    if lead and not re.search(r"(?:[.,?!]|\b(?i:it's|it is|its|is|at|to|yes|yeah))$", lead):
        return None  # only a piece of its own: not "...for 2. 14 Elm Road"
    return start, end


# "...so put Unit 2 on it.": a flat, unit or suite named outright; "...Road. Number
# 112.": the house number, a piece of its own.
_NAMED_UNIT: Final = re.compile(
    rf"\b(?i:{UNIT_WORDS})\.? #?\d{{1,5}}[A-Za-z]?\b(?!\s*(?i:%|percent))|"
    r"(?<=[.,] )(?i:number|no\.?) \d{1,5}[A-Za-z]?(?=[.,!?]|$)"
)


def unit_after_address(norm: Normalised, values: Sequence[Detection]) -> Iterable[Detection]:
    """A flat, unit or suite named after an address in the same turn ("88 Danforth
    Avenue, Toronto. It's the upstairs, so put Unit 2 on it.").

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
    """
    ends = [v.end for v in values if v.kind is EntityType.ADDRESS]
    if not ends:
        return
    found = _Found(values)
    for m in _NAMED_UNIT.finditer(norm.text, min(ends)):
        if found.covers(m.start()):
            continue  # inside the address already
        yield Detection(EntityType.ADDRESS, m.start(), m.end(), m.group(), complete=False)


# A UK postcode's inward part: a digit, then two letters.
_INWARD: Final = 3
# How far before a postcode its first try may start ("BS8 4... no, sorry, BS8 1TH.").
_BEGUN_REACH: Final = 48


def postcode_begun_before(norm: Normalised, values: Sequence[Detection]) -> Iterable[Detection]:
    """The start of a UK postcode said before the caller corrected it ("BS8 4... no, BS8
    1TH."): its district again, with what of the rest was said.

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
    """
    text = norm.text
    for value in values:
        if value.kind is not EntityType.POSTCODE or not gb_postcode_valid(value.value):
            continue
        district = re.escape(value.value[:-_INWARD])
        begun = re.compile(rf"(?<![\w-]){district}(?: ?\d(?: ?[A-Z]){{0,2}})?(?![\w-])")
        for m in begun.finditer(text, max(0, value.start - _BEGUN_REACH), value.start):
            yield Detection(EntityType.POSTCODE, m.start(), m.end(), m.group(), complete=False)


# "Van Woustraat 112 hoog, 1073 LN Amsterdam": a Dutch postcode after its street.
_NL_POSTCODE: Final = re.compile(r"(?<![\w-])\d{4} ?[A-Z]{2}(?![\w-])")
_POSTCODE_REACH: Final = 60


def dutch_postcode_after_address(
    norm: Normalised, values: Sequence[Detection]
) -> Iterable[Detection]:
    """A Dutch postcode said after an address in the turn (said alone it is as often a
    reference: "1073 LN" has no letter a word would hold).

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
    """
    text = norm.text
    for value in values:
        if value.kind is not EntityType.ADDRESS:
            continue
        hi = min(len(text), value.end + _POSTCODE_REACH)
        for m in _NL_POSTCODE.finditer(text, value.end, hi):
            said = m.group().replace(" ", "")
            if nl_postcode_valid(said):
                yield Detection(EntityType.POSTCODE, m.start(), m.end(), said)


# A house's name said right before its street: "The Old Forge, Ballyhooly Road", "Rose
# Cottage, Mill Lane". Only "The ..." or a house's own word makes it one, not "Sarah, ".
_HOUSE_NAME: Final = re.compile(
    r"(?:^|[.,?!:]\s+|\b(?i:it's|it is|its|at|is|to|from|address is) )"
    r"(?P<name>(?-i:The (?:[A-Z][\w'-]* ){0,2}[A-Z][\w'-]*|(?:[A-Z][\w'-]* ){1,3}"
    rf"(?i:{HOUSE_WORDS})))"
    r",\s*$"
)

_BUILDING_NAME: Final = re.compile(
    r"(?:^|[.,?!:]\s+|\b(?i:it's|it is|its|at|is|to|address is) )"
    r"(?P<name>(?!(?:Yes|No|Yeah|Yep|Sure|Okay|Ok|Right|Well|Sorry|So|Oh|Hi|Hello|It's|It|"
    r"That's|Please|Thanks|Um|Uh)\b)(?-i:(?:[A-Z][\w'-]* ){0,2}[A-Z][\w'-]*))"
    r",\s*$"
)


def house_name_before(
    norm: Normalised, values: Sequence[Detection], *, asked: bool = False
) -> Iterable[Detection]:
    """A house's name said right before the street of an address, a comma between.

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
        asked: The agent asked for the address: any name there is the building's
            ("Harbour View, 33 Quay Road."), not only one ending "Cottage" or "House".
    """
    text = norm.text
    pattern = _BUILDING_NAME if asked else _HOUSE_NAME
    for value in values:
        if value.kind is not EntityType.ADDRESS:
            continue
        head_start = max(0, value.start - 48)
        named = pattern.search(text, head_start, value.start)
        if named is None:
            continue
        said = named.group("name")
        yield Detection(EntityType.ADDRESS, named.start("name"), named.end("name"), said, False)


# A word of a value worth finding again: a name, not "info" or "the".
_NAME_WORD: Final = re.compile(r"[^\W\d_]{4,}")
_AGAIN_REACH: Final = 160
COMMON_LOCAL_PARTS: Final = frozenset(
    "info mail email admin office sales support hello contact accounts team home work".split()
)
"""The local parts a business's address uses, which name no one: "info", "sales"."""
# The words of a street address that name no one street.
_STREET_WORDS: Final = re.compile(
    rf"\b(?:{STREET_SUFFIX}|north|south|east|west|{UNIT_WORDS}"
    # A Dutch address's floor: "112 hoog" (upstairs), "huis", "boven", "beneden", "bis".
    r"|hoog|huis|boven|beneden|bis)\b",
    re.IGNORECASE,
)


def _name_words(value: Detection) -> str | None:
    """What a value's name words are found in: an e-mail address's local part, or an
    address's words without its street type; None for other values."""
    if value.kind is EntityType.EMAIL and "@" in value.value:
        return re.sub(r"[\W_]", "", value.value.split("@", 1)[0].lower())
    if value.kind is EntityType.ADDRESS:
        return " ".join(_NAME_WORD.findall(_STREET_WORDS.sub(" ", value.value.lower())))
    return None


def words_again(norm: Normalised, values: Sequence[Detection]) -> Iterable[Detection]:
    """The name words of an e-mail address or a street address said again near it in the
    turn (within ``_AGAIN_REACH`` characters either side), to tell how they are spelled:
    linear in the turn's length.

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
    """
    text = norm.text
    found = _Found(values)
    seen: set[int] = set()
    for value in values:
        names = _name_words(value)
        if not names:
            continue
        lo = max(0, value.start - _AGAIN_REACH)
        hi = min(len(text), value.end + _AGAIN_REACH)
        # "T-K-O-W-A-L-S-K-I at proton dot me. T as in Tom, then Kowalski.", "Carrick
        # Lane. Carrick with a C-K.": a name inside the value, said again.
        for m in _NAME_WORD.finditer(text, lo, hi):
            word = m.group().lower()
            if m.start() in seen or word in COMMON_LOCAL_PARTS or word not in names:
                continue
            if found.covers(m.start()):
                continue  # inside a value already found
            seen.add(m.start())
            yield Detection(value.kind, m.start(), m.end(), word, complete=False)
        # "Ashcombe Gardens. That's A-S-H-C-O-M-B-E.", "J-O-N-E-Z, ... jonez@...": the
        # name spelled letter by letter.
        for m in _RUN.finditer(text, lo, hi):
            word = re.sub(r"[^A-Za-z]", "", m.group()).lower()
            if len(word) < _SPELLED_NAME or word not in names or m.start() in seen:
                continue
            if found.covers(m.start()):
                continue
            seen.add(m.start())
            yield Detection(value.kind, m.start(), m.end(), word, complete=False)


_MONTHS: Final = 12
# How a date of birth is stored: "1990-12-05".
_ISO_DATE: Final = re.compile(r"\d{4}-(\d{2})-(\d{2})")


def birth_date_again(
    norm: Normalised, values: Sequence[Detection], earlier: Iterable[tuple[EntityType, str]]
) -> Iterable[Detection]:
    """A date of birth from the turn or earlier in the call said again as its day and
    month ("12/05/1990. That's December 5th.").

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
        earlier: (kind, value) of the call's values so far.
    """
    births = {
        (int(m[1]), int(m[2]))
        for kind, value in (*((v.kind, v.value) for v in values if v.complete), *earlier)
        if kind is EntityType.DOB and (m := _ISO_DATE.fullmatch(value)) is not None
    }
    if not births:
        return
    # "12/05/1988" reads as either order: "That's the 12th of May" is the same date.
    births |= {(day, month) for month, day in births if day <= _MONTHS}
    found = _Found(values)
    for m in DAY_AND_MONTH.finditer(norm.text):
        if found.covers(m.start()):
            continue
        if day_and_month(m) in births:
            yield Detection(EntityType.DOB, m.start(), m.end(), m.group(), complete=False)


_AGAIN_DIGITS: Final = 3
_SPELLED_NAME: Final = 3


def _free_runs(values: Sequence[Detection], runs: Sequence[DigitRun]) -> Iterator[DigitRun]:
    """The turn's runs of three digits or more that are no amount and lie inside no value
    found."""
    found = _Found(values)
    for run in runs:
        if len(run.digits) >= _AGAIN_DIGITS and not run.money and not found.covers(run.start):
            yield run


def digits_read_back(values: Sequence[Detection], runs: Sequence[DigitRun]) -> Iterable[Detection]:
    """The digits a caller answers with after the agent read back a number of no known
    kind ("I've got 326 174 559." / "No, the end is 595. 326 174 595."): more of it.

    Args:
        values: What the detectors found in the turn.
        runs: The turn's digit runs.
    """
    for run in _free_runs(values, runs):
        yield Detection(EntityType.NUMBER, run.start, run.end, run.digits, complete=False)


_READ_BACK: Final = re.compile(
    r"\b(?:that's|that is|again|i said|ending|ends|ending in|ends in|repeat)\W*$", re.IGNORECASE
)
_VALUE_DIGITS: Final = 7


def digits_again(
    norm: Normalised, values: Sequence[Detection], runs: Sequence[DigitRun]
) -> Iterable[Detection]:
    """Digits of a long value said again after it in the turn ("0161 496 0123. That's 0
    1 2 3 at the end."): three or more of its digits in a row, within ``_AGAIN_REACH``
    characters of it.

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
        runs: The turn's digit runs.
    """
    # The digits of each whole, long value, worked out once for every run.
    long_values = [
        (value, digits)
        for value in values
        if value.complete and len(digits := re.sub(r"\D", "", value.value)) >= _VALUE_DIGITS
    ]
    text = norm.text
    for run in _free_runs(values, runs):
        # Read back digit by digit, or said to be the value's again: not "I owe 111".
        read_back = all(g == 1 for g in run.groups) or (
            _READ_BACK.search(text, max(0, run.start - 24), run.start) is not None
        )
        if not read_back:
            continue
        for value, digits in long_values:
            if 0 <= run.start - value.end <= _AGAIN_REACH and run.digits in digits:
                yield Detection(value.kind, run.start, run.end, run.digits, complete=False)
                break


# "The one ending 519.", "It starts ES91 and ends 1332.": an end of the value named
# before the whole of it.
_END_NAMED: Final = re.compile(
    r"\b(?P<how>end(?:s|ing)|start(?:s|ing)|begin(?:s|ning))(?: (?:in|with))? "
    r"(?P<piece>(?-i:[A-Z]{2})?\d+(?:[ -]\d+)*)\b",
    re.IGNORECASE,
)
# Three characters at least ("519", "ES91"): fewer are as likely a quantity.
_END_MIN_CHARS: Final = 3


def end_named_before(norm: Normalised, values: Sequence[Detection]) -> Iterable[Detection]:
    """An end of a value said before the whole of it in the same turn ("The one ending
    519, the work mobile. The full thing is 07700 900519."): that value's, not a number of
    its own.

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
    """
    wholes = [(value, _compact(value.value)) for value in values if value.complete]
    if not wholes:
        return
    found = _Found(values)
    for m in _END_NAMED.finditer(norm.text):
        piece = _compact(m["piece"])
        if len(piece) < _END_MIN_CHARS or found.covers(m.start("piece")):
            continue
        at_end = m["how"].lower().startswith("end")
        for value, compact in wholes:
            if (
                value.start > m.end()
                and len(compact) > len(piece)
                and (compact.endswith(piece) if at_end else compact.startswith(piece))
            ):
                yield Detection(value.kind, m.start("piece"), m.end("piece"), piece, False)
                break


_TOKEN: Final = re.compile(r"[A-Za-z0-9]{6,}")
_MIXED_MIN: Final = 6


def _mixed(value: str) -> str | None:
    """An identifier's letters and digits in capitals, if it holds both and is long enough
    to be told from a word."""
    compact = _compact(value)
    if len(compact) < _MIXED_MIN or compact.isalpha() or compact.isdigit():
        return None
    return compact


def written_again(
    norm: Normalised, values: Sequence[Detection], earlier: Iterable[tuple[EntityType, str]]
) -> Iterable[Detection]:
    """An identifier of letters and digits found in the turn or earlier in the call, said
    again as one written word ("A B C P K 4821 L. ABCPK4821L.").

    Args:
        norm: The caller's turn, normalised.
        values: What the detectors found in it.
        earlier: (kind, value) of the call's values so far.
    """
    known: dict[str, EntityType] = {}
    for kind, value in (*((v.kind, v.value) for v in values if v.complete), *earlier):
        compact = _mixed(value)
        if compact is not None:
            known.setdefault(compact, kind)
    if not known:
        return
    found = _Found(values)
    for m in _TOKEN.finditer(norm.text):
        again = known.get(m.group().upper())
        if again is not None and not found.covers(m.start()):
            yield Detection(again, m.start(), m.end(), m.group().upper(), complete=False)


# Codes a caller may say they got wrong, and the words for keying one in.
_KEYED_KINDS: Final = frozenset({EntityType.PIN, EntityType.OTP, EntityType.CVV})
_KEYED_IN: Final = re.compile(
    r"\b(?:typed|entered|put in|keyed in|pressed|tried|used)(?: in)?\s*$", re.IGNORECASE
)
_KEYED_REACH: Final = 16


def keyed_instead(
    values: Sequence[Detection], runs: Sequence[DigitRun], text: str
) -> Iterable[Detection]:
    """A code keyed in instead of the one given ("it's 2917 but I typed 2971"): a run as
    long as a PIN, one-time code or security code found in the turn, after a word for
    keying it in, is one too.

    Args:
        values: What the detectors found in the turn.
        runs: The turn's digit runs.
        text: The caller's turn, normalised.
    """
    codes = [v for v in values if v.kind in _KEYED_KINDS]
    if not codes:
        return
    for run in _free_runs(values, runs):
        if not _KEYED_IN.search(text, max(0, run.start - _KEYED_REACH), run.start):
            continue
        for code in codes:
            if len(run.digits) == len(re.sub(r"\D", "", code.value)):
                yield Detection(code.kind, run.start, run.end, run.digits, complete=False)
                break


_HOUSE_NUMBER_OF: Final = re.compile(r"(?:number |no\.? )?(\d{1,5})[a-z]?\b", re.IGNORECASE)
_ALONE: Final = re.compile(r"(?:^|[.!?]\s+)$")


def house_number_again(
    values: Sequence[Detection], runs: Sequence[DigitRun], text: str
) -> Iterable[Detection]:
    """An address's house number said again on its own ("Number 23, Hawthorn Avenue.
    Twenty-three.").

    Args:
        values: What the detectors found in the turn.
        runs: The turn's digit runs.
        text: The caller's turn, normalised.
    """
    numbers = {
        m.group(1)
        for v in values
        if v.kind is EntityType.ADDRESS and (m := _HOUSE_NUMBER_OF.match(v.value))
    }
    if not numbers:
        return
    found = _Found(values)
    for run in runs:
        if (
            run.digits in numbers
            and not found.covers(run.start)
            and _ALONE.search(text, max(0, run.start - 3), run.start)
            and re.match(r"\W*$|[.!?]", text[run.end : run.end + 1])
        ):
            yield Detection(EntityType.ADDRESS, run.start, run.end, run.digits, complete=False)
