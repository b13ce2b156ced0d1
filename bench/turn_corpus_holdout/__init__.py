"""A third end-of-turn corpus, half of it held out from every change to the judge.

``holdout.yaml`` and its ``README.md`` are another engineer's work for issue 27: 269
caller turns written from the issue and call-centre practice **without reading the turn
judge, this project's code or either other corpus**. It was written while the judge was
being changed against the independent corpus; the files are the author's, unedited but
for a note on its README's list of files.
Same format and classes as the independent corpus (``bench/turn_corpus_independent``),
so the same loader reads it.

Half of it was then read to find the judge's remaining errors: the items whose number is
odd (``cs-011``). The even-numbered half has not been read by anyone changing the judge,
and stays so: its figures are the out-of-sample ones, reported apart
(:func:`unseen`). Fixing an error found only there spends it; add a new corpus first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from bench.turn_corpus import TurnItem
from bench.turn_corpus_independent import load_independent

__all__ = ["CORPUS_FILE", "load_holdout", "unseen"]

CORPUS_FILE: Final = Path(__file__).with_name("holdout.yaml")


def load_holdout(path: Path = CORPUS_FILE) -> list[TurnItem]:
    """The corpus's items, in file order."""
    return load_independent(path)


def unseen(item_id: str) -> bool:
    """Whether an item is in the half no one changing the judge has read (even number)."""
    number = item_id.rsplit("-", 1)[-1]
    return number.isdigit() and int(number) % 2 == 0
