"""Identifiers that need no cue: their shape and check digit say what they are.

A UK National Insurance number, a GB or Canadian postcode, an Eircode, a VIN, an IBAN, an
Indian PAN, an Irish PPS number or a current UK number plate is found wherever it is
said, written ("LS6 2QT", "KC332108A") or spelled ("B S 3, 4 H J", "G B eight oh, B A R
C, ..."), by trying the spans of each run of code-like pieces (single letters, digit
groups, short capitals, mixed tokens) against each issuer's definition
(`compliance.checksums`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Final

from compliance.checksums import (
    ca_postcode_valid,
    eircode_valid,
    gb_postcode_valid,
    iban_valid,
    nino_valid,
    pan_valid,
    ppsn_valid,
    uk_plate_valid,
    vin_valid,
)
from config.redaction_policy import EntityType

__all__ = ["shaped_identifiers"]

_PIECE: Final = re.compile(r"[A-Za-z0-9]+")
_GAP: Final = re.compile(r"[ ,/'-]{1,4}(?:(?:uh|um|er|erm)[ ,]{1,2})?", re.IGNORECASE)
_MAX_PIECES: Final = 24
_MAX_CHARS: Final = 34


def _vin(value: str) -> bool:
    return sum(c.isalpha() for c in value) >= 2 and vin_valid(value)


def _postcode(value: str) -> bool:
    return gb_postcode_valid(value) or ca_postcode_valid(value) or _eircode(value)


def _eircode(value: str) -> bool:
    # Said with no cue, an Eircode's identifier holds a letter: seven characters of a
    # letter then digits alone are more often a reference.
    return eircode_valid(value) and any(ch.isalpha() for ch in value[3:])


# (kind, lengths, check), most specific first.
_SHAPES: Final[tuple[tuple[EntityType, range, Callable[[str], bool]], ...]] = (
    (EntityType.IBAN, range(15, 35), iban_valid),
    (EntityType.VIN, range(17, 18), _vin),
    (EntityType.NINO, range(9, 10), nino_valid),
    (EntityType.POSTCODE, range(5, 8), _postcode),
    (EntityType.ID, range(10, 11), pan_valid),
    (EntityType.ID, range(8, 10), ppsn_valid),
    (EntityType.PLATE, range(7, 8), uk_plate_valid),
)


def _code_like(piece: str) -> bool:
    if any(ch.isdigit() for ch in piece):
        return True
    if len(piece) == 1:
        return piece.isupper()
    return len(piece) <= 4 and piece.isupper()


def _pieces(text: str) -> Iterable[list[tuple[int, int, str]]]:
    """Runs of code-like pieces joined by short gaps."""
    run: list[tuple[int, int, str]] = []
    last_end = -1
    for m in _PIECE.finditer(text):
        piece = m.group()
        if not _code_like(piece):
            if run:
                yield run
            run, last_end = [], -1
            continue
        if run and (_GAP.fullmatch(text, last_end, m.start()) is None or len(run) >= _MAX_PIECES):
            yield run
            run = []
        run.append((m.start(), m.end(), piece.upper()))
        last_end = m.end()
    if run:
        yield run


# Checks by length: one lookup per span tried.
_BY_LENGTH: Final = {
    length: tuple((kind, check) for kind, lengths, check in _SHAPES if length in lengths)
    for length in range(1, _MAX_CHARS + 1)
}

# Every shape here has a capital letter next to a digit, or capitals spelled one by one:
# most turns have neither, and are passed over by this one search.
_HINT: Final = re.compile(r"[A-Z][ ,'-]{0,3}\d|\d[ ,'-]{0,3}[A-Z]|\b[A-Z][ ,'-]{1,3}[A-Z]\b")


def shaped_identifiers(text: str) -> Iterable[tuple[EntityType, int, int, str]]:
    """Identifiers found by shape and check digit, as (kind, start, end, compact value).

    Args:
        text: A normalised utterance.
    """
    if _HINT.search(text) is None:
        return
    for run in _pieces(text):
        if len(run) == 1 and len(run[0][2]) < 5:
            continue
        a = 0
        while a < len(run):
            best: tuple[EntityType, int, str] | None = None
            compact = ""
            digits = False
            for b in range(a, len(run)):
                piece = run[b][2]
                compact += piece
                digits = digits or not piece.isalpha()
                size = len(compact)
                if size > _MAX_CHARS:
                    break
                if not digits:
                    continue  # every shape holds a digit
                for kind, check in _BY_LENGTH[size]:
                    if check(compact):
                        best = (kind, b, compact)
                        break
            if best is None:
                a += 1
                continue
            kind, b, value = best
            yield kind, run[a][0], run[b][1], value
            a = b + 1
