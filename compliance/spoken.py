"""Spoken-form normaliser: "four one five" -> "4 1 5", "j dot smith at gmail" -> "j.smith@gmail".

Detectors run on the written form; redaction must replace the caller's *original* words, so
every character of the normalised text carries the span of the original text it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["SEGMENT_CHARS", "Normalised", "digits_said", "normalise"]

_TOKEN: Final = re.compile(r"(?P<w>[A-Za-z]+(?:'[A-Za-z]+)?)|(?P<n>\d+)|(?P<s>\s+)|(?P<o>.)", re.S)

_UNITS: Final = {
    "zero": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "niner": 9,
}  # fmt: skip
_TEENS: Final = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS: Final = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORD_UNITS: Final = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
}  # fmt: skip
_ORD_TEENS: Final = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_REPEAT: Final = {"double": 2, "triple": 3, "treble": 3}  # "treble": British usage
_SYMBOLS: Final = {
    "dot": ".", "at": "@", "underscore": "_", "dash": "-", "hyphen": "-", "slash": "/",
    "apostrophe": "'",
    # "@" as Spanish, Portuguese and French speakers name it, in English sentences too.
    "arroba": "@", "arobase": "@",
}  # fmt: skip
# The ICAO/NATO spelling alphabet (and the spellings callers use for it).
_NATO: Final = {
    "alpha": "A", "alfa": "A", "bravo": "B", "charlie": "C", "delta": "D", "echo": "E",
    "foxtrot": "F", "golf": "G", "hotel": "H", "india": "I", "juliet": "J", "juliett": "J",
    "kilo": "K", "lima": "L", "mike": "M", "november": "N", "oscar": "O", "papa": "P",
    "quebec": "Q", "romeo": "R", "sierra": "S", "tango": "T", "uniform": "U",
    "victor": "V", "whiskey": "W", "whisky": "W", "xray": "X", "yankee": "Y", "zulu": "Z",
}  # fmt: skip
# Words callers put between the groups of a number they read out ("4849, um, 0934",
# "four five three two and nine one eight five", "5148 then 1235"): no part of the value.
_BRIDGE_WORDS: Final = frozenset(
    "uh uhm um umm er erm ah eh hmm mm and then next so okay ok".split()
)
_LETTER_CASE: Final = frozenset({"capital", "uppercase", "upper", "small", "lowercase", "lower"})
_ORD_SUFFIX: Final = {1: "st", 2: "nd", 3: "rd"}

# Token categories.
_UNIT, _TEEN, _TENS_C, _ORD_UNIT, _ORD_TEEN = "unit", "teen", "tens", "ord_unit", "ord_teen"
_HUNDRED, _THOUSAND, _AND, _NUM, _OH, _REP = "hundred", "thousand", "and", "num", "oh", "rep"
_SYM, _SPACE, _WORD, _OTHER = "sym", "space", "word", "other"
# A letter spelled out ("Sierra", "D for David", "capital K"), a word absorbed into the
# token before it, and a filler between two groups of one number.
_LETTER, _SKIP, _BRIDGE = "letter", "skip", "bridge"
_NUMERIC: Final = frozenset(
    {_UNIT, _TEEN, _TENS_C, _ORD_UNIT, _ORD_TEEN, _HUNDRED, _THOUSAND, _NUM}
)
_SMALL: Final = frozenset({_UNIT, _TEEN, _TENS_C, _ORD_UNIT, _ORD_TEEN})


@dataclass(frozen=True, slots=True)
class Normalised:
    """Written form of one utterance with a per-character map back to the original.

    Attributes:
        original: The text as transcribed.
        text: The written form ("4 1 5", "john.smith@gmail.com").
        starts: For each character of ``text``, the start offset of its source in ``original``.
        ends: For each character of ``text``, the end offset of its source in ``original``.
    """

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the span of ``original`` it came from.

        Args:
            start: Start offset in ``text``.
            end: End offset in ``text`` (exclusive, greater than ``start``).
        """
        return self.starts[start], self.ends[end - 1]


@dataclass(slots=True)
class _Tok:
    cat: str
    text: str
    start: int
    end: int
    value: int = 0


def _word_table() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for words, cat in (
        (_UNITS, _UNIT), (_TEENS, _TEEN), (_TENS, _TENS_C),
        (_ORD_UNITS, _ORD_UNIT), (_ORD_TEENS, _ORD_TEEN), (_REPEAT, _REP),
    ):  # fmt: skip
        for word, value in words.items():
            table.setdefault(word, (cat, value))
    for word in ("oh", "o"):
        table.setdefault(word, (_OH, 0))
    table.update(hundred=(_HUNDRED, 100), thousand=(_THOUSAND, 1000))
    table.setdefault("and", (_AND, 0))
    return table


# One lookup per word: this runs for every token of every turn.
_WORD_CATS: Final = _word_table()


def _classify(match: re.Match[str]) -> _Tok:
    kind = match.lastgroup
    text = match.group()
    start, end = match.span()
    if kind == "s":
        return _Tok(_SPACE, text, start, end)
    if kind == "n":
        return _Tok(_NUM, text, start, end)
    if kind == "o":
        return _Tok(_SYM if text == "@" else _OTHER, text, start, end)
    low = text.lower()
    hit = _WORD_CATS.get(low)
    if hit is not None:
        return _Tok(hit[0], text, start, end, hit[1])
    symbol = _SYMBOLS.get(low)
    if symbol is not None and not _glued(match.string, start, end):
        return _Tok(_SYM, symbol, start, end)
    return _Tok(_WORD, text, start, end)


def _glued(text: str, start: int, end: int) -> bool:
    """Whether the word at ``start:end`` is part of a code written as one ("CF10 3AT":
    the postcode's letters, not "at")."""
    return (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())


def _neighbour(toks: list[_Tok], i: int, step: int) -> _Tok | None:
    """Nearest token in one direction, skipping whitespace, hyphens, commas and words
    absorbed into a spelled letter ("for David")."""
    j = i + step
    while 0 <= j < len(toks):
        tok = toks[j]
        if tok.cat not in (_SPACE, _SKIP) and not (tok.cat == _OTHER and tok.text in "-,"):
            return tok
        j += step
    return None


def _next_index(toks: list[_Tok], i: int) -> int | None:
    """Index of the nearest token after ``i``, skipping whitespace, hyphens and commas."""
    j = i + 1
    while j < len(toks):
        tok = toks[j]
        if tok.cat != _SPACE and not (tok.cat == _OTHER and tok.text in "-,"):
            return j
        j += 1
    return None


def _in_code(toks: list[_Tok], i: int, step: int) -> bool:
    """Whether the "oh" at ``i`` sits in a code read character by character: a letter
    beside it in direction ``step`` with a digit beyond it ("K one A, oh B one"). A
    letter O written as such ("J O E 1") stays a letter."""
    j = i + step
    while 0 <= j < len(toks) and (toks[j].cat == _SPACE or toks[j].text in "-,"):
        j += step
    if not (0 <= j < len(toks)) or not (len(toks[j].text) == 1 and toks[j].text.isalpha()):
        return False
    beyond = _neighbour(toks, j, step)
    return beyond is not None and beyond.cat in (_UNIT, _NUM)


def _resolve_context(toks: list[_Tok]) -> None:
    """Decide which "oh"/"double"/"and" tokens are numeric: "oh, I see" is not a zero,
    and "one-time", "one-off", "two-way" are words."""
    n = len(toks)
    for i, tok in enumerate(toks):
        if (
            tok.cat in (_UNIT, _TEEN, _TENS_C)
            and i + 2 < n
            and toks[i + 1].text == "-"
            and toks[i + 2].cat == _WORD
        ):
            tok.cat = _WORD
    for i, tok in enumerate(toks):
        if tok.cat == _REP:
            nxt = _neighbour(toks, i, 1)
            # "double 5", and "Double 04" as the STT writes "double oh four": the first
            # digit said twice.
            digit_next = nxt is not None and nxt.cat in (_UNIT, _OH, _NUM)
            if not digit_next:
                tok.cat = _WORD
    # An "oh" is a zero when its chain of neighbouring "oh"s touches a number at either
    # end ("oh oh oh seven"); one pass over the chains keeps this linear in the turn.
    i, n = 0, len(toks)
    while i < n:
        if toks[i].cat != _OH:
            i += 1
            continue
        chain = [i]
        follow = _next_index(toks, i)
        while follow is not None and toks[follow].cat == _OH:
            chain.append(follow)
            follow = _next_index(toks, follow)
        before = _neighbour(toks, i, -1)
        after = toks[follow] if follow is not None else None
        spoken_oh = all(toks[k].text.lower() == "oh" for k in chain)
        if any(t is not None and (t.cat in _NUMERIC or t.cat == _REP) for t in (before, after)) or (
            spoken_oh and (_in_code(toks, i, -1) or _in_code(toks, chain[-1], 1))
        ):
            for k in chain:
                toks[k].cat, toks[k].value = "zero", 0
        i = chain[-1] + 1
    for i, tok in enumerate(toks):
        if tok.cat == "zero":
            tok.cat = _UNIT
        elif tok.cat == _OH:
            tok.cat = _WORD
        elif tok.cat == _AND:
            before, after = _neighbour(toks, i, -1), _neighbour(toks, i, 1)
            joins = (
                before is not None
                and before.cat in (_HUNDRED, _THOUSAND)
                and after is not None
                and after.cat in _SMALL
            )
            tok.cat = _AND if joins else _WORD


def _is_single_letter(tok: _Tok) -> bool:
    return tok.cat in (_WORD, _LETTER) and len(tok.text) == 1 and tok.text.isalpha()


def _spelled_neighbour(tok: _Tok | None) -> bool:
    return tok is not None and (
        _is_single_letter(tok) or tok.text.lower() in _NATO or tok.cat in (_UNIT, _NUM, _OH, _REP)
    )


# A spelling-alphabet word that is also a month.
_MONTH_WORDS: Final = frozenset({"november"})


def _lettered(tok: _Tok | None) -> bool:
    return tok is not None and (_is_single_letter(tok) or tok.text.lower() in _NATO)


def _a_year(tok: _Tok | None) -> bool:
    return (
        tok is not None and tok.cat == _NUM and re.fullmatch(r"(?:19|20)\d\d", tok.text) is not None
    )


def _is_x_ray(toks: list[_Tok], i: int) -> bool:
    return i + 2 < len(toks) and toks[i + 1].text == "-" and toks[i + 2].text.lower() == "ray"


def _resolve_spelling(toks: list[_Tok]) -> None:
    """Letters spelled out become the letter: "Sierra Hotel" -> "S H", "D for David" and
    "B as in boy" -> "D", "B", "capital K" -> "K". A NATO word counts only beside another
    spelled letter or a digit, so "the hotel on Victor Street" keeps its words."""
    for i, tok in enumerate(toks):
        if tok.cat != _WORD:
            continue
        low = tok.text.lower()
        if low == "x" and _is_x_ray(toks, i):
            # "X-ray", the spelling alphabet's own form of X, is three tokens; like any
            # spelling word it counts beside another spelled letter or a digit.
            if _spelled_neighbour(_neighbour(toks, i, -1)) or _spelled_neighbour(
                _neighbour(toks, i + 2, 1)
            ):
                tok.cat, tok.text = _LETTER, "X"
                tok.end = toks[i + 2].end
                toks[i + 1].cat = toks[i + 2].cat = _SKIP
        elif len(tok.text) == 1 and tok.text.isalpha():
            # "D for David", "B as in boy": the word after must start with the letter.
            j = _next_index(toks, i)
            if j is None:
                continue
            cue = toks[j].text.lower()
            k = _next_index(toks, j)
            if cue == "as" and k is not None and toks[k].text.lower() == "in":
                k = _next_index(toks, k)
            elif cue != "for":
                continue
            if k is None or toks[k].cat not in (_WORD, _OH, _LETTER):
                continue
            word = toks[k].text.lower()
            if word[:1] != low and word not in _NATO:
                continue
            tok.cat, tok.text, tok.end = _LETTER, tok.text.upper(), toks[k].end
            for m in range(i + 1, k + 1):
                toks[m].cat = _SKIP
        elif low in _LETTER_CASE:
            j = _next_index(toks, i)
            if j is not None and _is_single_letter(toks[j]):
                toks[j].start = tok.start
                tok.cat = _SKIP
                for m in range(i + 1, j):
                    toks[m].cat = _SKIP
        elif low in _NATO:
            before, after = _neighbour(toks, i, -1), _neighbour(toks, i, 1)
            if low in _MONTH_WORDS and not (_lettered(before) or _lettered(after)):
                # "November 2027", "the 3rd of November": a month, unless a letter is
                # spelled beside it ("Papa November 4").
                continue
            if not (_lettered(before) or _lettered(after)) and (_a_year(before) or _a_year(after)):
                # "a 2015 Golf": a model after its year, not a letter spelled beside digits.
                continue
            if _spelled_neighbour(before) or _spelled_neighbour(after):
                tok.cat, tok.text = _LETTER, _NATO[low]


def _resolve_at_the_rate(toks: list[_Tok]) -> None:
    """ "at the rate (of)" is "@" in Indian English ("rk.sharma at the rate gmail dot
    com"): the words after "at" are folded into its symbol."""
    for i, tok in enumerate(toks):
        if tok.cat != _SYM or tok.text != "@":
            continue
        j = _next_index(toks, i)
        k = _next_index(toks, j) if j is not None else None
        if (
            j is None
            or k is None
            or toks[j].text.lower() != "the"
            or toks[k].text.lower() != "rate"
        ):
            continue
        last = k
        of = _next_index(toks, k)
        if of is not None and toks[of].text.lower() == "of":
            last = of
        for m in range(i + 1, last + 1):
            toks[m].cat = _SKIP
        tok.end = toks[last].end


_GAP_MARKS: Final = frozenset(",.;…")


def _resolve_bridges(toks: list[_Tok]) -> None:
    """Fillers and joining words between two numeric tokens ("4849, um, 0934", "5148 then
    1235") are marked as a bridge: the gap then reads as one group separator."""
    last_numeric = -1
    pending: list[int] = []
    for i, tok in enumerate(toks):
        if tok.cat in _NUMERIC or tok.cat == _REP:
            if last_numeric >= 0:
                for k in pending:
                    toks[k].cat = _BRIDGE
            last_numeric, pending = i, []
        elif (
            tok.cat == _SPACE
            or (tok.cat == _OTHER and tok.text in _GAP_MARKS)
            or (tok.cat == _SYM and tok.text in "-/")
        ):
            continue
        elif tok.cat == _WORD and tok.text.lower() in _BRIDGE_WORDS and last_numeric >= 0:
            pending.append(i)
        else:
            last_numeric, pending = -1, []


def _gap_after(toks: list[_Tok], i: int, said: int) -> tuple[int, str] | None:
    """From ``i``, a gap between two groups of one number that holds a bridge word, a
    pause written as a full stop ("4036. 9702") or more than one mark ("R,-, 3 3"): the
    index of the next numeric token and the separator to write ("-" or "/" if said).
    ``said`` is how many digits the number holds so far: a bridge word joins groups after
    two digits or more ("between 9 and 11" is a range)."""
    n = len(toks)
    j = i
    bridged = stops = marks = 0
    symbol = ","
    while j < n:
        tok = toks[j]
        if tok.cat == _BRIDGE:
            bridged += 1
        elif tok.cat == _OTHER and tok.text in _GAP_MARKS:
            marks += 1
            stops += tok.text in ".…"
        elif tok.cat == _SYM and tok.text in "-/":
            marks += 1
            symbol = tok.text
        elif tok.cat != _SPACE:
            break
        j += 1
    if j >= n or j == i or not (toks[j].cat in _NUMERIC or toks[j].cat == _REP):
        return None
    if not (bridged or stops or marks > 1):
        return None
    if j == i + 1 and toks[i].text == "." and toks[i - 1].cat == _NUM and toks[j].cat == _NUM:
        return None  # "12,400.00", "86.40": a decimal point, written, not a pause
    if bridged and (_written_amount(toks, i - 1, -1) or _written_amount(toks, j, 1)):
        return None  # "12,400.00 and 86.40": two amounts, not the groups of one number
    # A group of one digit after "and" is a count ("... and 2 tickets"), not a group.
    if bridged and (said < 2 or _digits_ahead(toks, j) < 2):
        return None
    return j, symbol


def _written_amount(toks: list[_Tok], k: int, step: int) -> bool:
    """Whether the number token at ``k`` is one end of a number written with a decimal
    point or a thousands separator ("1,249.99", "7,500")."""
    mark, other = k + step, k + 2 * step
    return (
        min(mark, other) >= 0
        and max(mark, other) < len(toks)
        and toks[k].cat == _NUM
        and toks[mark].text in ".,"
        and toks[other].cat == _NUM
        and (toks[mark].text == "." or len(toks[max(k, other)].text) == 3)
    )


def _digits_ahead(toks: list[_Tok], j: int) -> int:
    """Digits in the group starting at ``j`` (numeric tokens a space apart), up to 2."""
    count = 0
    n = len(toks)
    while j < n and count < 2:
        tok = toks[j]
        if tok.cat == _NUM:
            count += len(tok.text)
        elif tok.cat in _NUMERIC or tok.cat == _REP:
            count += 2 if tok.cat in (_TEEN, _TENS_C, _REP) else 1
        else:
            break
        j += 2 if j + 1 < n and toks[j + 1].cat == _SPACE else 1
    return count


def _parse_below_hundred(items: list[_Tok], i: int) -> tuple[int, int] | None:
    if i >= len(items) or items[i].cat not in _SMALL:
        return None
    first = items[i]
    if (
        first.cat == _TENS_C
        and i + 1 < len(items)
        and items[i + 1].cat in (_UNIT, _ORD_UNIT)
        and items[i + 1].value > 0
    ):
        return first.value + items[i + 1].value, i + 2
    return first.value, i + 1


def _parse_cardinal(items: list[_Tok], i: int) -> tuple[int, int]:
    """Parse one cardinal starting at ``i``; returns (value, next index)."""
    if items[i].cat == _HUNDRED:
        value, j = 100, i + 1
    else:
        small = _parse_below_hundred(items, i)
        if small is None:
            return items[i].value, i + 1
        value, j = small
    if j < len(items) and items[j].cat == _HUNDRED and 0 < value < 100 and items[i].cat != _HUNDRED:
        value *= 100
        j += 1
    if value >= 100 and value % 100 == 0 and j < len(items):
        # "eight hundred five five five" is dictation (800 5 5 5); a bare unit joins the
        # hundreds only after "and" ("one hundred and five").
        joined = items[j].cat == _AND
        k = j + 1 if joined else j
        rest = _parse_below_hundred(items, k)
        if rest is not None and (joined or items[k].cat != _UNIT):
            value, j = value + rest[0], rest[1]
    if j < len(items) and items[j].cat == _THOUSAND and 0 < value < 1000:
        value *= 1000
        j += 1
        k = j + 1 if j < len(items) and items[j].cat == _AND else j
        if k < len(items) and items[k].cat in _SMALL:
            sub, after = _parse_cardinal(items, k)
            if sub < 1000:
                value, j = value + sub, after
    return value, j


def _atoms(items: list[_Tok]) -> list[tuple[str, int, int]]:
    """Turn one phrase of number words into digit strings with their original spans."""
    atoms: list[tuple[str, int, int]] = []
    i = 0
    while i < len(items):
        tok = items[i]
        if tok.cat == _AND:
            i += 1
            continue
        if tok.cat == _REP and i + 1 < len(items):
            digit = items[i + 1]
            text = str(digit.value) if digit.cat == _UNIT else digit.text
            atoms.append((text[0] * tok.value + text[1:], tok.start, digit.end))
            i += 2
            continue
        if tok.cat == _NUM:
            atoms.append((tok.text, tok.start, tok.end))
            i += 1
            continue
        value, j = _parse_cardinal(items, i)
        text = str(value)
        if items[j - 1].cat in (_ORD_UNIT, _ORD_TEEN):
            # "twenty-first" -> "21st": a date's day keeps its ordinal.
            text += _ORD_SUFFIX.get(value % 10, "th") if value % 100 not in (11, 12, 13) else "th"
        atoms.append((text, tok.start, items[j - 1].end))
        i = j
    return atoms


class _Builder:
    __slots__ = ("chars", "ends", "starts")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, text: str, start: int, end: int) -> None:
        self.chars.append(text)
        self.starts.extend([start] * len(text))
        self.ends.extend([end] * len(text))


SEGMENT_CHARS: Final = 4096
"""Longer text is normalised in segments cut at whitespace, so the cost stays linear."""


def normalise(text: str) -> Normalised:
    """Rewrite spoken numbers and e-mail words in written form, keeping a span map.

    Digit words become digits ("oh" only next to other digits), "double five" becomes "55",
    cardinals are parsed ("four hundred twelve" -> "412", "twenty one" -> "21"), while
    separate words stay separate atoms ("nineteen eighty five" -> "19 85") so dictated digit
    strings concatenate. "dot", "at", "underscore", "dash" become symbols glued to their
    neighbours so a spoken e-mail reads as a written one.

    Args:
        text: One utterance as transcribed.

    Returns:
        The written form and its map back to ``text``.
    """
    if len(text) <= SEGMENT_CHARS:
        return _normalise_segment(text)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for offset, piece in _segments(text):
        part = _normalise_segment(piece)
        if not part.text:
            continue
        if chars and chars[-1] != " " and not part.text.startswith(" "):
            # The whitespace the cut fell on (the segment drops its leading space).
            chars.append(" ")
            starts.append(offset)
            ends.append(offset)
        chars.append(part.text)
        starts.extend(s + offset for s in part.starts)
        ends.extend(e + offset for e in part.ends)
    return Normalised(original=text, text="".join(chars), starts=tuple(starts), ends=tuple(ends))


_NUMBERISH: Final = re.compile(
    r"(?:\d|\b(?:" + "|".join([*_UNITS, *_TEENS, *_TENS, "oh", "o", "hundred", "thousand", "and",
    "double", "triple", "treble"]) + r"))\W*$",
    re.IGNORECASE,
)  # fmt: skip


def _segments(text: str) -> list[tuple[int, str]]:
    """Cut ``text`` at whitespace into pieces of at most `SEGMENT_CHARS`, preferring a
    cut after a word that is not part of a number so "twenty | one" stays whole."""
    pieces: list[tuple[int, str]] = []
    start, n = 0, len(text)
    while n - start > SEGMENT_CHARS:
        limit = start + SEGMENT_CHARS
        floor = limit - SEGMENT_CHARS // 4
        cut = -1
        space = text.rfind(" ", floor, limit)
        while space > floor:
            if not _NUMBERISH.search(text, max(floor, space - 12), space):
                cut = space
                break
            space = text.rfind(" ", floor, space)
        if cut == -1:
            cut = max(text.rfind(" ", floor, limit), text.rfind("\n", floor, limit))
        if cut <= start:
            cut = limit
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def _normalise_segment(text: str) -> Normalised:
    toks = [_classify(m) for m in _TOKEN.finditer(text)]
    _resolve_context(toks)
    _resolve_spelling(toks)
    _resolve_at_the_rate(toks)
    _resolve_bridges(toks)
    out = _Builder()
    i, n = 0, len(toks)
    prev_glue = False
    run_digits = 0
    while i < n:
        tok = toks[i]
        if tok.cat == _SKIP:
            i += 1
            continue
        if (
            tok.cat == _WORD
            and tok.text.lower() == "plus"
            and i + 2 < n
            and toks[i + 1].cat == _SPACE
            and toks[i + 2].cat in (_NUM, _UNIT)
        ):
            # "plus four four", "plus 61": the international prefix.
            out.add("+", tok.start, toks[i + 1].end)
            i += 2
            prev_glue = True
            continue
        if tok.cat == _SPACE:
            nxt = toks[i + 1] if i + 1 < n else None
            if not prev_glue and not (nxt is not None and nxt.cat == _SYM) and out.chars:
                out.add(" ", tok.start, tok.end)
            i += 1
            continue
        if tok.cat in _NUMERIC or tok.cat == _REP:
            # Digits said so far in this number: its groups may be single digits
            # ("6 1 7, then 5 5 5").
            tail = "".join(out.chars[-3:]).rstrip(" ")
            carried = run_digits if tail[-1:].isdigit() or tail[-1:] in ",-/" else 0
            j = i + 1
            last = i
            phrase = [tok]
            # A phrase continues across single spaces and hyphens ("forty-two").
            while j + 1 < n and (
                toks[j].cat == _SPACE or (toks[j].cat == _OTHER and toks[j].text == "-")
            ):
                after = toks[j + 1]
                if after.cat in _NUMERIC or after.cat in (_REP, _AND):
                    # Two written groups stay two ("077 900"); "077 double 0" is one.
                    if phrase[-1].cat == _NUM and after.cat == _NUM:
                        break
                    phrase.append(after)
                    last = j + 1
                    j += 2
                else:
                    break
            while phrase[-1].cat == _AND:
                phrase.pop()
                last -= 2
            if len(phrase) == 1 and tok.cat == _NUM:
                out.add(tok.text, tok.start, tok.end)
                said = len(tok.text)
                i += 1
            else:
                atoms = _atoms(phrase)
                for k, (digits, start, end) in enumerate(atoms):
                    if k:
                        out.add(" ", atoms[k - 1][2], start)
                    out.add(digits, start, end)
                said = sum(len(digits) for digits, _s, _e in atoms)
                i = last + 1
            prev_glue = False
            run_digits = carried + said
            gap = _gap_after(toks, i, run_digits)
            if gap is not None:
                # The whole gap reads as one separator, mapped to the words it replaces.
                j, symbol = gap
                out.add(symbol if symbol != "," else ", ", toks[i].start, toks[j - 1].end)
                i = j
                prev_glue = True
            continue
        out.add(tok.text, tok.start, tok.end)
        prev_glue = tok.cat == _SYM
        i += 1
    return Normalised(
        original=text, text="".join(out.chars), starts=tuple(out.starts), ends=tuple(out.ends)
    )


_DIGIT: Final = re.compile(r"\d")


def digits_said(text: str) -> str:
    """The digits a caller has said so far, in order, whether spoken or written.

    "four one five, five five" and "415-55" both give "41555"; "double five" gives "55";
    "twenty one" gives "21". Useful to tell how much of a phone number, card number or
    date has been dictated (an end-of-turn judge can wait while it is incomplete).

    Args:
        text: One or more turns of caller speech.
    """
    return "".join(_DIGIT.findall(normalise(text).text))
