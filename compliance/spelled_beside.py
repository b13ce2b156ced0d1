"""Letters spelled beside a value spell that value.

Callers spell what they have just said, or what they are about to say, in the same turn:
"72 Kestrel Close. K E S T R E L.", "It's 1234567. T for Tom." (an Irish PPS number's
letter), "Z for zebra. 4719306." (a passport's letter before its digits), "M O R G A.
753116. S M 9 I J." (a driving licence read in chunks). The detectors find the value's
core; the letters beside it, with only a pause between, are more of the same value.

Works on the normalised text (the spelling alphabet and "X for Xavier" are single letters
there); offsets are in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from compliance.detectors import Detection
from compliance.spoken import Normalised

__all__ = ["spelled_beside"]

# Letters and short digit groups said one by one ("S M 9 I J", "E V E R G R E E N",
# "Q, T", "double R"), nothing else between them but a pause.
_RUN: Final = re.compile(
    r"(?<![\w'])(?:(?:double|triple) )?[A-Za-z](?![\w'])"
    r"(?:[\s,.\-]{1,3}(?:(?:double|triple) )?(?:[A-Za-z]|\d{1,4})(?![\w']))*"
)
_LETTER: Final = re.compile(r"(?<![\w'])[A-Za-z](?![\w'])")
# Between a value and the spelling of it: a pause, or "that's", "spelled", "then".
_GAP_AFTER: Final = re.compile(
    r"[\s.,;:\-]*(?:(?:that's|that is|spelled|spelt|then|so)[\s.,:]*)?", re.IGNORECASE
)
_GAP_BEFORE: Final = re.compile(r"[\s.,;:\-]*")


def _spells(norm: Normalised, start: int, end: int) -> bool:
    """Two letters or more, or one said the long way ("T for Tom", "Tango"): not the
    article "A" or the pronoun "I" left alone."""
    letters = list(_LETTER.finditer(norm.text, start, end))
    if len(letters) >= 2:
        return True
    if not letters:
        return False
    a, b = norm.to_original(letters[0].start(), letters[0].end())
    return b - a > 1


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
                    said = re.sub(r"[^A-Za-z0-9]", "", run.group()).upper()
                    yield Detection(value.kind, run.start(), run.end(), said, complete=False)
                    break
