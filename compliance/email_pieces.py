"""An e-mail address said in pieces, across the STT's pauses.

Nova puts a period at every pause, so an address read out comes back as sentences: "It is
P Iyer. 1987. At the rate example.com.", "J. Ibarra. I-B-A-R-R-A. Arroba example dot
com.", "Morwenn. That's M for Mike, O for Oscar...", "bluewren, all one word, at
example.com.au". The local part is every piece from the answer's first word to the "@":
names, initials, letters spelled, digits, "dot" and "underscore" already symbols, and the
instructions on how they join ("all one word", "no dots"). Before the "@" is said (the
agent asked for the address: "It's W. Okonkwo.", then "O K O N K W O." on its own) the
same pieces are the address's first part.

Works on the normalised text ("dot" is ".", "at" and "arroba" are "@", the spelling
alphabet single letters); offsets are in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

__all__ = ["EMAIL_CUE", "INSTRUCTION", "local_part_start", "pieces_asked_for"]

EMAIL_CUE: Final = re.compile(r"\be-?mail\b|\bmail id\b", re.IGNORECASE)
"""Words that say an address is being given."""

_REACH: Final = 160
# Where the STT's pauses fall: a period or comma and the space after it, or the end.
_PAUSE: Final = re.compile(r"[.,;!?]+(?:\s+|$)|,")
_FILLERS: Final = r"(?:um+|uh+|er+|erm|hmm+)"
# The words that start an answer, and what the caller says it is: "Yes. It is",
# "Okay. Is" (a Spanish speaker's "es"), "The email is", "My mail ID is".
_LEAD: Final = re.compile(
    rf"^(?:(?:yes|yeah|yep|okay|ok|sure|right|so|well|oh|sí|si|no|sorry|actually|"
    rf"i mean|wait|{_FILLERS})\b\W*)*"
    r"(?:(?:it's|it is|its|it should be|it'll be|it would be|is|"
    r"(?:the |my |our |his |her )?(?:e-?mail(?: address)?|mail id|address)(?:'s| is| was)?)"
    r"(?:\s+|$))?",
    re.IGNORECASE,
)
# Said between a word and its spelling: "Morwenn. That's M, O, R..." spells the piece
# before, so it is not where the address starts.
_SPELLING_OF: Final = re.compile(r"^(?:that's|that is|spelled|spelt)\s+", re.IGNORECASE)
INSTRUCTION: Final = re.compile(
    r"(?:all (?:1|one) word|no (?:dots?|spaces?|gaps?|hyphens?|capitals?)|"
    r"all (?:small|lower ?case|capital|caps)(?: letters)?|(?:in )?small letters|"
    r"lower ?case|one word)",
    re.IGNORECASE,
)
"""How the pieces join, said between them."""
_NOT_ADDRESS: Final = frozenset(
    """a an the and or but so to for of on in at by with from is are was were be it its it's
    my your our their his her me you we they he she i i'm this that these those no not yes
    yeah okay ok please thanks thank like one same usual work personal old new address email
    e-mail mail gmail hotmail outlook yahoo account number what which who why how when where
    can could would will should do does did have has had just only also too very then
    brilliant perfect great lovely cheers thanks fine good wonderful super excellent fab
    fantastic awesome cool nice alright right sure ta text post letter paper sms whatsapp
    phone either both neither none please sorry huh mhm mm hmm yup nope""".split()
)
"""Words that are no part of an address: a sentence's, or what a caller says back to
"I'll email it over" or "by post or by email?" ("Brilliant.", "Text.", "Uh-huh.")."""
# One token of an address read out: a name, an initial, digits, or a run of them joined by
# the symbols ("lupita.ramos", "t.O'Brien", "hpatel77", "Gianluca-Rossi").
_TOKEN: Final = re.compile(r"[A-Za-zÀ-ÿ0-9](?:[\w'\u2019À-ÿ]|[._\-+](?=[A-Za-zÀ-ÿ0-9]))*")
_SPELLED: Final = re.compile(
    r"(?:(?:double|triple) )?[A-Za-z0-9](?:[ \-]+(?:(?:double|triple) )?[A-Za-z0-9])*"
)
# "Then the number 7.": the word that joins a piece on, and what kind of piece it is.
_THEN: Final = re.compile(
    r"^(?:(?:and )?then\s*)?(?:the )?(?:number|digit|letter)s?\s+(?=\w)|^then\s*", re.IGNORECASE
)
# "Theo. Then dot, Brandt": the word that joins two pieces, said as a piece of its own.
_JOINER: Final = re.compile(r"(?:and )?then", re.IGNORECASE)


def _without_then(piece: str) -> str:
    """``piece`` without the "then" that joins it to the one before ("Then.Byrne")."""
    return _THEN.sub("", piece).strip()


def _address_like(piece: str) -> bool:
    """Whether ``piece`` could be part of an address read out: letters spelled, a name or
    an initial, digits, a token joined by symbols; no word of a sentence."""
    piece = _without_then(piece).lstrip("._-")
    if not piece:
        return False
    if _SPELLED.fullmatch(piece):
        return True
    tokens = piece.split()
    if not 1 <= len(tokens) <= 3 or not all(_TOKEN.fullmatch(t) for t in tokens):
        return False
    # "d harrington": an initial and a surname, however the STT cased them.
    initial = _INITIAL_AND_NAME.fullmatch(piece) is not None
    for token in tokens:
        low = token.lower()
        if low in _NOT_ADDRESS:
            return False
        cased = token[0].isupper() or token[0].isdigit() or len(token) == 1
        if len(tokens) > 1 and not (cased or initial):
            return False  # "Blue like the colour": words of a sentence
    return True


_INITIAL_AND_NAME: Final = re.compile(r"[A-Za-z]\.? [A-Za-z][a-z'\u2019\-]{2,}")
# "d harrington all one word": how the pieces join, said after them with no pause.
_INSTRUCTION_AFTER: Final = re.compile(rf"\s+(?:{INSTRUCTION.pattern})$", re.IGNORECASE)


def _strong(piece: str) -> bool:
    """A piece that is an address's part whatever comes before it: letters spelled, an
    initial and a name, a token joined by symbols or mixing letters and digits."""
    piece = _without_then(piece)
    if re.fullmatch(r"[A-Za-z](?:[ \-]+(?:(?:double|triple) )?[A-Za-z0-9])+", piece):
        return True
    if re.fullmatch(r"[A-Za-z][ .]+[A-Z][\w'\u2019\-]+", piece):
        return True  # "P Iyer", "W. Okonkwo"
    return any(
        re.search(r"\w[._\-+]\w", t) or (re.search(r"\d", t) and re.search(r"[A-Za-z]", t))
        for t in piece.split()
    )


def _pieces(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans between pauses in ``text[lo:hi]``, without their spaces."""
    spans: list[tuple[int, int]] = []
    start = lo
    for pause in _PAUSE.finditer(text, lo, hi):
        spans.append((start, pause.start()))
        start = pause.end()
    spans.append((start, hi))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def _strip_fillers(text: str, a: int, b: int) -> int:
    m = re.match(rf"(?:{_FILLERS}\W*)+", text[a:b], re.IGNORECASE)
    return a + m.end() if m else a


def local_part_start(text: str, at: int, asked: bool) -> int | None:
    """Where the local part before the "@" at ``at`` starts when it was said in pieces;
    None when no piece before the "@" reads as part of an address, or when nothing says an
    address is being given (the agent asked for one, or the caller said "e-mail").

    Args:
        text: The caller's turn, normalised.
        at: The offset of the "@".
        asked: The agent asked for an e-mail address.
    """
    floor = max(0, at - _REACH)
    if not asked and EMAIL_CUE.search(text, floor, at) is None:
        return None
    start: int | None = None
    for a, b in reversed(_pieces(text, floor, at)):
        a = _strip_fillers(text, a, b)
        told = _INSTRUCTION_AFTER.search(text, a, b)
        b = told.start() if told is not None else b
        piece = text[a:b]
        if INSTRUCTION.fullmatch(piece) or _JOINER.fullmatch(piece):
            continue
        spelling = _SPELLING_OF.match(piece)
        if spelling is not None:
            if _address_like(piece[spelling.end() :]):
                start = a + spelling.end()
            continue
        lead = _LEAD.match(piece)
        rest = a + (lead.end() if lead is not None else 0)
        if rest > a:
            if rest < b and _address_like(text[rest:b]):
                start = rest
            break
        if not _address_like(piece):
            break
        start = a
    return start


def pieces_asked_for(text: str) -> Iterator[tuple[int, int]]:
    """The runs of address pieces in a turn that answers "what's your e-mail?" before or
    without its "@": from the answer's first word ("It's W. Okonkwo.", "1948.") or
    wherever a piece is one only an address has ("Tom.Kerrigan", "O K O N K W O").

    Args:
        text: The caller's turn, normalised.
    """
    run: list[tuple[int, int]] = []
    at_answer = True
    strong = False
    run_from_answer = False

    def close() -> Iterator[tuple[int, int]]:
        if run and (strong or run_from_answer):
            yield run[0][0], run[-1][1]

    for a, b in _pieces(text, 0, len(text)):
        a = _strip_fillers(text, a, b)
        piece = text[a:b]
        if "@" in piece:
            yield from close()
            run, strong, at_answer = [], False, False
            continue
        if run and INSTRUCTION.fullmatch(piece):
            run.append((a, b))
            continue
        spelling = _SPELLING_OF.match(piece)
        if spelling is not None and run:
            a += spelling.end()
            piece = text[a:b]
        lead = _LEAD.match(piece)
        if lead is not None and lead.end() > 0:
            yield from close()
            run, strong = [], False
            at_answer = True
            a += lead.end()
            piece = text[a:b]
            if not piece:
                continue
        if _address_like(piece):
            if not run:
                run_from_answer = at_answer
            run.append((a, b))
            strong = strong or _strong(piece)
        else:
            yield from close()
            run, strong, at_answer = [], False, False
    yield from close()
