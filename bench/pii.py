"""PII redaction benchmark: recall of secrets, keep rate of ordinary numbers, per-turn latency.

Runs every case of each corpus through a fresh `CallRedactor`, turn by turn (agent turns are
fed as context, caller turns redacted), and checks the joined output of the caller's turns:
a *secret* must not survive and a *keep* string must survive verbatim, compared the way the
corpus was written (`bench.pii_match`). Forty-one corpora, reported apart:

* ``project`` (``compliance/corpus/pii_corpus.yaml``): written beside the detectors, so its
  figures are an upper bound;
* ``independent`` (``compliance/corpus/pii_independent.yaml``): written for issue 30 by an
  engineer who had not read ``compliance/``, kept unchanged (its rules and assumptions:
  ``compliance/corpus/pii_independent.md``);
* ``holdout`` (``compliance/corpus/pii_holdout.yaml``): written after the detectors were
  tuned on the other two; the misses of its first run were fixed as kinds of error, not
  as cases;
* ``fresh`` (``compliance/corpus/pii_fresh.yaml``): a second independent set, written by
  someone who had read neither ``compliance/`` nor the first independent set, kept
  unchanged (its rules: ``compliance/corpus/pii_fresh.md``); used as a development set for
  the kinds of error it showed, so its figure is no longer out of sample either;
* ``final`` (``compliance/corpus/pii_final.yaml``): a third independent set (its rules:
  ``compliance/corpus/pii_final.md``), written without reading ``compliance/`` or any other
  corpus and never read case by case to change the detectors (two identifiers among its
  leaks, Aadhaar and a South African ID, were named in a later change). It is reported,
  not held to a target (``--strict`` ignores it), so that it stays out of sample.
* ``pieces`` (``compliance/corpus/pii_pieces.yaml``): a fourth independent set, of values
  said in pieces across the STT's pauses and turns (spelled addresses, letters beside a
  value, groups split by periods), written to the same rules without reading
  ``compliance/`` or any other corpus (``compliance/corpus/pii_pieces.md``); used since its
  first run as a development set for those kinds of error, so not out of sample, and not
  held to a target while it misses it.
* ``outside`` (``compliance/corpus/pii_outside.yaml``): a fifth independent set of every
  kind, written to the same rules without reading ``compliance/`` or any other corpus
  (``compliance/corpus/pii_outside.md``) once the pieces corpus's rules had landed; its
  leaks were read later and fixed as kinds of error, so it is a development set now,
  reported without a target.
* ``sixth`` to ``thirtysixth`` (``compliance/corpus/pii_sixth.yaml`` ...
  ``pii_thirtysixth.yaml``): written the same way; each read once the next had been
  commissioned and fixed as kinds of error: development sets now. (fifteenth was read
  before fourteenth: the ids and leaked values of its leaking cases had been shown by
  mistake while it was unread, so it could no longer count as out of sample.)
* ``thirtyseventh`` to ``thirtyninth`` (``compliance/corpus/pii_thirtyseventh.yaml`` ...
  ``pii_thirtyninth.yaml``): written the same way, thirtyseventh before thirtyfourth was
  read, thirtyeighth before thirtyfifth, thirtyninth after it; no one changing the
  detectors has read their turns, so theirs are the out-of-sample figures, reported, not
  held.

Figures are per *class* (a case's ``class``, or its kind). Person names count only with
``--names`` (the detector is off by default); the cases left out are counted. A scaling
section redacts one turn of 256 KB, 512 KB and 1 MB and reports the time per character and
the ratio between doubled sizes (linear: about 2), and the cost of the longest turn the call
redactor passes on (`compliance.redactor.MAX_TURN_CHARS`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

import compliance
from bench.pii_match import Matching, kept, leaked
from bench.record import recorded
from compliance import CallRedactor, RedactionPolicy
from compliance.redactor import MAX_TURN_CHARS

__all__ = [
    "CORPORA",
    "DEFAULT_CORPUS",
    "EIGHTEENTH_CORPUS",
    "EIGHTH_CORPUS",
    "ELEVENTH_CORPUS",
    "FIFTEENTH_CORPUS",
    "FINAL_CORPUS",
    "FOURTEENTH_CORPUS",
    "FRESH_CORPUS",
    "HOLDOUT_CORPUS",
    "INDEPENDENT_CORPUS",
    "NINETEENTH_CORPUS",
    "NINTH_CORPUS",
    "OUTSIDE_CORPUS",
    "PIECES_CORPUS",
    "SEVENTEENTH_CORPUS",
    "SEVENTH_CORPUS",
    "SIXTEENTH_CORPUS",
    "SIXTH_CORPUS",
    "TARGETS",
    "TENTH_CORPUS",
    "THIRTEENTH_CORPUS",
    "THIRTIETH_CORPUS",
    "THIRTYEIGHTH_CORPUS",
    "THIRTYFIFTH_CORPUS",
    "THIRTYFIRST_CORPUS",
    "THIRTYFOURTH_CORPUS",
    "THIRTYNINTH_CORPUS",
    "THIRTYSECOND_CORPUS",
    "THIRTYSEVENTH_CORPUS",
    "THIRTYSIXTH_CORPUS",
    "THIRTYTHIRD_CORPUS",
    "TWELFTH_CORPUS",
    "TWENTIETH_CORPUS",
    "TWENTYEIGHTH_CORPUS",
    "TWENTYFIFTH_CORPUS",
    "TWENTYFIRST_CORPUS",
    "TWENTYFOURTH_CORPUS",
    "TWENTYNINTH_CORPUS",
    "TWENTYSECOND_CORPUS",
    "TWENTYSEVENTH_CORPUS",
    "TWENTYSIXTH_CORPUS",
    "TWENTYTHIRD_CORPUS",
    "Case",
    "Corpus",
    "PiiReport",
    "evaluate",
    "leaked",
    "load_corpus",
    "run",
]

_CORPUS_DIR: Final = Path(compliance.__file__).parent / "corpus"
DEFAULT_CORPUS: Final = _CORPUS_DIR / "pii_corpus.yaml"
INDEPENDENT_CORPUS: Final = _CORPUS_DIR / "pii_independent.yaml"
HOLDOUT_CORPUS: Final = _CORPUS_DIR / "pii_holdout.yaml"
FRESH_CORPUS: Final = _CORPUS_DIR / "pii_fresh.yaml"
FINAL_CORPUS: Final = _CORPUS_DIR / "pii_final.yaml"
PIECES_CORPUS: Final = _CORPUS_DIR / "pii_pieces.yaml"
OUTSIDE_CORPUS: Final = _CORPUS_DIR / "pii_outside.yaml"
SIXTH_CORPUS: Final = _CORPUS_DIR / "pii_sixth.yaml"
SEVENTH_CORPUS: Final = _CORPUS_DIR / "pii_seventh.yaml"
EIGHTH_CORPUS: Final = _CORPUS_DIR / "pii_eighth.yaml"
NINTH_CORPUS: Final = _CORPUS_DIR / "pii_ninth.yaml"
TENTH_CORPUS: Final = _CORPUS_DIR / "pii_tenth.yaml"
ELEVENTH_CORPUS: Final = _CORPUS_DIR / "pii_eleventh.yaml"
TWELFTH_CORPUS: Final = _CORPUS_DIR / "pii_twelfth.yaml"
THIRTEENTH_CORPUS: Final = _CORPUS_DIR / "pii_thirteenth.yaml"
FOURTEENTH_CORPUS: Final = _CORPUS_DIR / "pii_fourteenth.yaml"
FIFTEENTH_CORPUS: Final = _CORPUS_DIR / "pii_fifteenth.yaml"
SIXTEENTH_CORPUS: Final = _CORPUS_DIR / "pii_sixteenth.yaml"
SEVENTEENTH_CORPUS: Final = _CORPUS_DIR / "pii_seventeenth.yaml"
EIGHTEENTH_CORPUS: Final = _CORPUS_DIR / "pii_eighteenth.yaml"
NINETEENTH_CORPUS: Final = _CORPUS_DIR / "pii_nineteenth.yaml"
TWENTIETH_CORPUS: Final = _CORPUS_DIR / "pii_twentieth.yaml"
TWENTYFIRST_CORPUS: Final = _CORPUS_DIR / "pii_twentyfirst.yaml"
TWENTYSECOND_CORPUS: Final = _CORPUS_DIR / "pii_twentysecond.yaml"
TWENTYTHIRD_CORPUS: Final = _CORPUS_DIR / "pii_twentythird.yaml"
TWENTYFOURTH_CORPUS: Final = _CORPUS_DIR / "pii_twentyfourth.yaml"
TWENTYFIFTH_CORPUS: Final = _CORPUS_DIR / "pii_twentyfifth.yaml"
TWENTYSIXTH_CORPUS: Final = _CORPUS_DIR / "pii_twentysixth.yaml"
TWENTYSEVENTH_CORPUS: Final = _CORPUS_DIR / "pii_twentyseventh.yaml"
TWENTYEIGHTH_CORPUS: Final = _CORPUS_DIR / "pii_twentyeighth.yaml"
TWENTYNINTH_CORPUS: Final = _CORPUS_DIR / "pii_twentyninth.yaml"
THIRTIETH_CORPUS: Final = _CORPUS_DIR / "pii_thirtieth.yaml"
THIRTYFIRST_CORPUS: Final = _CORPUS_DIR / "pii_thirtyfirst.yaml"
THIRTYSECOND_CORPUS: Final = _CORPUS_DIR / "pii_thirtysecond.yaml"
THIRTYTHIRD_CORPUS: Final = _CORPUS_DIR / "pii_thirtythird.yaml"
THIRTYFOURTH_CORPUS: Final = _CORPUS_DIR / "pii_thirtyfourth.yaml"
THIRTYFIFTH_CORPUS: Final = _CORPUS_DIR / "pii_thirtyfifth.yaml"
THIRTYSIXTH_CORPUS: Final = _CORPUS_DIR / "pii_thirtysixth.yaml"
THIRTYSEVENTH_CORPUS: Final = _CORPUS_DIR / "pii_thirtyseventh.yaml"
THIRTYEIGHTH_CORPUS: Final = _CORPUS_DIR / "pii_thirtyeighth.yaml"
THIRTYNINTH_CORPUS: Final = _CORPUS_DIR / "pii_thirtyninth.yaml"
TARGETS: Final = {"recall": 0.995, "keep": 0.99, "p99_us": 1000.0, "doubling_ratio": 2.5}
"""The project corpus's targets, and the latency and scaling targets of every run."""


@dataclass(frozen=True, slots=True)
class Corpus:
    """One corpus and how it is scored.

    Attributes:
        label: Its name in the report.
        path: The YAML file.
        matching: How a secret's survival is judged (`bench.pii_match`).
        recall: Target recall.
        keep: Target keep rate.
        note: What the figures mean.
        gate: Whether ``--strict`` holds it to its targets; an out-of-sample corpus is
            only reported, or tuning to pass it would make it one more development set.
        out_of_sample: Never used to change the detectors.
    """

    label: str
    path: Path
    matching: Matching
    recall: float
    keep: float
    note: str
    gate: bool = True
    out_of_sample: bool = False


CORPORA: Final = (
    Corpus(
        "project",
        DEFAULT_CORPUS,
        "runs",
        TARGETS["recall"],
        TARGETS["keep"],
        "written beside the detectors: an upper bound",
    ),
    Corpus(
        "independent",
        INDEPENDENT_CORPUS,
        "said",
        0.97,
        0.95,
        "written without reading compliance/ (issue 30), unchanged",
    ),
    Corpus(
        "holdout",
        HOLDOUT_CORPUS,
        "said",
        0.97,
        0.95,
        "written after tuning on the other two; first-run misses fixed as kinds of error",
    ),
    Corpus(
        "fresh",
        FRESH_CORPUS,
        "said",
        0.97,
        0.95,
        "second independent set (read neither compliance/ nor the first set), unchanged; "
        "a development set since",
    ),
    Corpus(
        "final",
        FINAL_CORPUS,
        "said",
        0.97,
        0.95,
        "third independent set, never used for tuning: the out-of-sample figure",
        gate=False,
        out_of_sample=True,
    ),
    Corpus(
        "pieces",
        PIECES_CORPUS,
        "said",
        0.97,
        0.95,
        "fourth independent set, values said in pieces, unchanged; a development set since "
        "its first run",
        gate=False,
    ),
    Corpus(
        "outside",
        OUTSIDE_CORPUS,
        "said",
        0.97,
        0.95,
        "fifth independent set, every kind, unchanged; a development set since its leaks were read",
        gate=False,
    ),
    Corpus(
        "sixth",
        SIXTH_CORPUS,
        "said",
        0.97,
        0.95,
        "sixth independent set, every kind, unchanged; a development set since its leaks were read",
        gate=False,
    ),
    Corpus(
        "seventh",
        SEVENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "seventh independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "eighth",
        EIGHTH_CORPUS,
        "said",
        0.97,
        0.95,
        "eighth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "ninth",
        NINTH_CORPUS,
        "said",
        0.97,
        0.95,
        "ninth independent set, every kind, unchanged; a development set since its leaks were read",
        gate=False,
    ),
    Corpus(
        "tenth",
        TENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "tenth independent set, every kind, unchanged; a development set since its leaks were read",
        gate=False,
    ),
    Corpus(
        "eleventh",
        ELEVENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "eleventh independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "twelfth",
        TWELFTH_CORPUS,
        "said",
        0.97,
        0.95,
        "twelfth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "thirteenth",
        THIRTEENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "thirteenth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "fourteenth",
        FOURTEENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "fourteenth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "fifteenth",
        FIFTEENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "fifteenth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "sixteenth",
        SIXTEENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "sixteenth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "seventeenth",
        SEVENTEENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "seventeenth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "eighteenth",
        EIGHTEENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "eighteenth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "nineteenth",
        NINETEENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "nineteenth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "twentieth",
        TWENTIETH_CORPUS,
        "said",
        0.97,
        0.95,
        "twentieth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "twentyfirst",
        TWENTYFIRST_CORPUS,
        "said",
        0.97,
        0.95,
        "twenty-first independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "twentysecond",
        TWENTYSECOND_CORPUS,
        "said",
        0.97,
        0.95,
        "twenty-second independent set, every kind, unchanged; a development set since "
        "its leaks were read",
        gate=False,
    ),
    Corpus(
        "twentythird",
        TWENTYTHIRD_CORPUS,
        "said",
        0.97,
        0.95,
        "twenty-third independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "twentyfourth",
        TWENTYFOURTH_CORPUS,
        "said",
        0.97,
        0.95,
        "twenty-fourth independent set, every kind, unchanged; a development set since "
        "its leaks were read",
        gate=False,
    ),
    Corpus(
        "twentyfifth",
        TWENTYFIFTH_CORPUS,
        "said",
        0.97,
        0.95,
        "twenty-fifth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "twentysixth",
        TWENTYSIXTH_CORPUS,
        "said",
        0.97,
        0.95,
        "twenty-sixth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "twentyseventh",
        TWENTYSEVENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "twenty-seventh independent set, every kind, unchanged; a development set since "
        "its leaks were read",
        gate=False,
    ),
    Corpus(
        "twentyeighth",
        TWENTYEIGHTH_CORPUS,
        "said",
        0.97,
        0.95,
        "twenty-eighth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "twentyninth",
        TWENTYNINTH_CORPUS,
        "said",
        0.97,
        0.95,
        "twenty-ninth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "thirtieth",
        THIRTIETH_CORPUS,
        "said",
        0.97,
        0.95,
        "thirtieth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "thirtyfirst",
        THIRTYFIRST_CORPUS,
        "said",
        0.97,
        0.95,
        "thirty-first independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "thirtysecond",
        THIRTYSECOND_CORPUS,
        "said",
        0.97,
        0.95,
        "thirty-second independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "thirtythird",
        THIRTYTHIRD_CORPUS,
        "said",
        0.97,
        0.95,
        "thirty-third independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "thirtyfourth",
        THIRTYFOURTH_CORPUS,
        "said",
        0.97,
        0.95,
        "thirty-fourth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "thirtyfifth",
        THIRTYFIFTH_CORPUS,
        "said",
        0.97,
        0.95,
        "thirty-fifth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "thirtysixth",
        THIRTYSIXTH_CORPUS,
        "said",
        0.97,
        0.95,
        "thirty-sixth independent set, every kind, unchanged; a development set since its "
        "leaks were read",
        gate=False,
    ),
    Corpus(
        "thirtyseventh",
        THIRTYSEVENTH_CORPUS,
        "said",
        0.97,
        0.95,
        "thirty-seventh independent set, every kind, never used for tuning: out of sample",
        gate=False,
        out_of_sample=True,
    ),
    Corpus(
        "thirtyeighth",
        THIRTYEIGHTH_CORPUS,
        "said",
        0.97,
        0.95,
        "thirty-eighth independent set, every kind, never used for tuning: out of sample",
        gate=False,
        out_of_sample=True,
    ),
    Corpus(
        "thirtyninth",
        THIRTYNINTH_CORPUS,
        "said",
        0.97,
        0.95,
        "thirty-ninth independent set, every kind, never used for tuning: out of sample",
        gate=False,
        out_of_sample=True,
    ),
)
_SCALE_SIZES: Final = (256 * 1024, 512 * 1024, 1024 * 1024)
# A mix of everything a long turn may hold: dictated digits, keywords, ordinary numbers.
_SCALE_UNIT: Final = (
    "so my number is five five five one two three four five six seven and the order 48213 "
    "arrived on March 3rd at 42 Main Street, oh and call me back after 6 pm please. "
    "It's Sierra Hotel one two, B S 3, 4 H J, s-h-a-r-m-a, dot, a-n-i-l at icloud dot com, "
    "born the 21st of the 9th, 93, uh 4849, um, 0934 then 0662. "
)


@dataclass(frozen=True, slots=True)
class Case:
    """One corpus case: a call's turns, what must go and what must stay.

    Attributes:
        id: Stable name.
        kind: Main entity type, or "none" for ordinary numbers.
        turns: The caller's turns of one call, in order.
        secrets: Values that must not survive.
        keep: Strings that must survive verbatim.
        cls: The class the case measures (defaults to its kind).
        agent: For each caller turn, the agent turn spoken just before it ("" for none).
    """

    id: str
    kind: str
    turns: tuple[str, ...]
    secrets: tuple[str, ...]
    keep: tuple[str, ...]
    cls: str = ""
    agent: tuple[str, ...] = ()

    def agent_before(self, index: int) -> str:
        """The agent turn spoken just before caller turn ``index`` ("" for none)."""
        return self.agent[index] if index < len(self.agent) else ""


@dataclass(slots=True)
class TypeStats:
    """Counts for one entity type or class."""

    cases: int = 0
    secrets: int = 0
    leaked: int = 0
    keep: int = 0
    kept: int = 0

    @property
    def recall(self) -> float:
        """Fraction of secrets that did not survive (1.0 when there were none)."""
        return 1.0 if not self.secrets else 1 - self.leaked / self.secrets

    @property
    def keep_rate(self) -> float:
        """Fraction of keep strings that survived (1.0 when there were none)."""
        return 1.0 if not self.keep else self.kept / self.keep


@dataclass(slots=True)
class PiiReport:
    """One corpus's figures."""

    corpus: str
    cases: int
    turns: int
    timed_turns: int
    p50_us: float
    p99_us: float
    max_us: float
    raw_p99_us: float = 0.0
    label: str = "project"
    note: str = ""
    matching: str = "runs"
    targets: dict[str, float] = field(default_factory=lambda: dict(TARGETS))
    per_type: dict[str, TypeStats] = field(default_factory=dict)
    per_class: dict[str, TypeStats] = field(default_factory=dict)
    gate: bool = True
    out_of_sample: bool = False
    names: bool = False
    skipped_name_cases: int = 0
    scaling: list[dict[str, float]] = field(default_factory=list)
    max_turn_ms: float = 0.0
    leaked_cases: list[str] = field(default_factory=list)
    dropped_cases: list[str] = field(default_factory=list)
    unredacted_earlier_chunks: int = 0

    @property
    def recall(self) -> float:
        """Secrets that did not survive, over all types."""
        total = sum(s.secrets for s in self.per_type.values())
        leaked = sum(s.leaked for s in self.per_type.values())
        return 1.0 if not total else 1 - leaked / total

    @property
    def keep_rate(self) -> float:
        """Keep strings that survived, over all cases."""
        total = sum(s.keep for s in self.per_type.values())
        kept = sum(s.kept for s in self.per_type.values())
        return 1.0 if not total else kept / total

    @property
    def doubling_ratio(self) -> float:
        """The largest time ratio between a turn and one half its size (linear: about 2)."""
        ratios = [
            b["seconds"] / a["seconds"]
            for a, b in zip(self.scaling, self.scaling[1:], strict=False)
            if a["seconds"] > 0
        ]
        return max(ratios, default=0.0)

    def meets_targets(self) -> bool:
        """Whether recall, keep rate, p99 latency and linear scaling all meet their targets."""
        return (
            self.recall >= self.targets["recall"]
            and self.keep_rate >= self.targets["keep"]
            and (self.names or self.p99_us <= TARGETS["p99_us"])
            and (not self.scaling or self.doubling_ratio <= TARGETS["doubling_ratio"])
        )

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON data."""
        return {
            "label": self.label,
            "corpus": self.corpus,
            "note": self.note,
            "matching": self.matching,
            "cases": self.cases,
            "turns": self.turns,
            "timed_turns": self.timed_turns,
            "latency_us": {"p50": self.p50_us, "p99": self.p99_us, "max": self.max_us},
            "raw_p99_us": self.raw_p99_us,
            "recall": self.recall,
            "keep": self.keep_rate,
            "per_type": {
                kind: {**asdict(s), "recall": s.recall, "keep_rate": s.keep_rate}
                for kind, s in self.per_type.items()
            },
            "per_class": {
                cls: {**asdict(s), "recall": s.recall, "keep_rate": s.keep_rate}
                for cls, s in self.per_class.items()
            },
            "names": self.names,
            "skipped_name_cases": self.skipped_name_cases,
            "scaling": self.scaling,
            "doubling_ratio": self.doubling_ratio,
            "max_turn_chars": MAX_TURN_CHARS,
            "max_turn_ms": self.max_turn_ms,
            # An out-of-sample corpus's cases are named nowhere: the ids say what leaked,
            # and whoever reads them has read the corpus.
            "leaked_cases": [] if self.out_of_sample else self.leaked_cases,
            "dropped_cases": [] if self.out_of_sample else self.dropped_cases,
            "leaked_case_count": len(self.leaked_cases),
            "dropped_case_count": len(self.dropped_cases),
            "unredacted_earlier_chunks": self.unredacted_earlier_chunks,
            "targets": {**TARGETS, **self.targets},
            "meets_targets": self.meets_targets(),
            "gate": self.gate,
            "out_of_sample": self.out_of_sample,
        }


def load_corpus(path: Path = DEFAULT_CORPUS) -> list[Case]:
    """Read a corpus YAML.

    Args:
        path: Corpus file.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [_case(raw) for raw in data["cases"]]


def _case(raw: dict[str, Any]) -> Case:
    """A turn is a caller's string or ``{agent: "..."}``, the agent's words before the next."""
    turns: list[str] = []
    agent: list[str] = []
    said = ""
    for turn in raw["turns"]:
        if isinstance(turn, dict):
            said = str(turn["agent"])
            continue
        turns.append(str(turn))
        agent.append(said)
        said = ""
    return Case(
        id=str(raw["id"]),
        kind=str(raw["kind"]),
        turns=tuple(turns),
        secrets=tuple(str(s) for s in raw.get("secrets") or ()),
        keep=tuple(str(k) for k in raw.get("keep") or ()),
        cls=str(raw.get("class") or raw["kind"]),
        agent=tuple(agent) if any(agent) else (),
    )


def _feed_agent(case: Case, index: int, redactor: CallRedactor) -> None:
    said = case.agent_before(index)
    if said:
        redactor.agent_said(said)


def _corpus_for(path: Path) -> Corpus:
    known = next((c for c in CORPORA if c.path.resolve() == path.resolve()), None)
    if known is not None:
        return known
    return Corpus(path.stem, path, "said", 0.97, 0.95, "a corpus named on the command line")


def evaluate(
    path: Path = DEFAULT_CORPUS,
    repeat: int = 5,
    *,
    names: bool = False,
    scaling: bool = False,
    corpus: Corpus | None = None,
) -> PiiReport:
    """Run one corpus and measure recall, keep rate and per-turn latency.

    Args:
        path: Corpus file.
        repeat: Timed passes over the corpus (the first, untimed pass also scores).
        names: Turn the optional person-name detector on (and score the name cases).
        scaling: Also time single turns of 256 KB to 1 MB (a few seconds).
        corpus: How to score it; by default the known corpus at ``path``, else the
            independent corpus's comparison.
    """
    spec = corpus if corpus is not None else _corpus_for(path)
    every = load_corpus(path)
    cases = [c for c in every if names or c.kind != "name"]
    policy = RedactionPolicy(detect_names=names)
    report = PiiReport(
        str(path),
        len(cases),
        0,
        0,
        0.0,
        0.0,
        0.0,
        label=spec.label,
        note=spec.note,
        matching=spec.matching,
        targets={"recall": spec.recall, "keep": spec.keep},
        gate=spec.gate,
        out_of_sample=spec.out_of_sample,
        names=names,
        skipped_name_cases=len(every) - len(cases),
    )
    for case in cases:
        redactor = CallRedactor(policy)
        outputs: list[str] = []
        for index, turn in enumerate(case.turns):
            _feed_agent(case, index, redactor)
            result = redactor.redact_turn(turn)
            outputs.append(result.text)
            report.unredacted_earlier_chunks += sum(
                not chunk.redacted for chunk in result.earlier_chunks
            )
        report.turns += len(case.turns)
        joined = " ".join(outputs)
        leaks = sum(leaked(secret, joined, spec.matching) for secret in case.secrets)
        survived = sum(kept(keep, joined) for keep in case.keep)
        for stats in (
            report.per_type.setdefault(case.kind, TypeStats()),
            report.per_class.setdefault(case.cls or case.kind, TypeStats()),
        ):
            stats.cases += 1
            stats.secrets += len(case.secrets)
            stats.leaked += leaks
            stats.keep += len(case.keep)
            stats.kept += survived
        if leaks:
            report.leaked_cases.append(case.id)
        if survived < len(case.keep):
            report.dropped_cases.append(case.id)

    # Per turn, the median of the timed passes: on a shared machine a single pass also
    # measures the scheduler. p99 is then over turns (raw_p99_us keeps every pass).
    per_turn: dict[tuple[int, int], list[float]] = {}
    for _ in range(repeat):
        for number, case in enumerate(cases):
            redactor = CallRedactor(policy)
            for index, turn in enumerate(case.turns):
                _feed_agent(case, index, redactor)
                started = time.perf_counter_ns()
                redactor.redact(turn)
                elapsed = (time.perf_counter_ns() - started) / 1000
                per_turn.setdefault((number, index), []).append(elapsed)
    if per_turn:
        medians = sorted(statistics.median(v) for v in per_turn.values())
        raw = sorted(t for v in per_turn.values() for t in v)
        report.timed_turns = len(raw)
        report.p50_us = statistics.median(medians)
        report.p99_us = medians[min(len(medians) - 1, int(len(medians) * 0.99))]
        report.max_us = medians[-1]
        report.raw_p99_us = raw[min(len(raw) - 1, int(len(raw) * 0.99))]
    if scaling:
        report.scaling = [_time_one_turn(size, None) for size in _SCALE_SIZES]
        report.max_turn_ms = _time_one_turn(MAX_TURN_CHARS * 4, MAX_TURN_CHARS)["seconds"] * 1e3
    return report


def _time_one_turn(size: int, limit: int | None) -> dict[str, float]:
    """CPU time to redact one turn of ``size`` characters (best of three) with a turn limit.

    CPU time, not wall time: on a shared machine the wall clock also counts the time other
    processes held the core, which says nothing about how the cost grows.
    """
    text = (_SCALE_UNIT * (size // len(_SCALE_UNIT) + 1))[:size]
    best = float("inf")
    for _ in range(3):
        redactor = CallRedactor(max_turn_chars=limit)
        started = time.process_time()
        redactor.redact(text)
        best = min(best, time.process_time() - started)
    return {"chars": float(size), "seconds": best, "us_per_char": best * 1e6 / size}


def _table(report: PiiReport) -> str:
    skipped = (
        f"  ({report.skipped_name_cases} name cases left out: --names scores them)"
        if report.skipped_name_cases
        else ""
    )
    lines = [
        f"== {report.label}: {report.note}",
        f"corpus: {report.corpus}  comparison: {report.matching}",
        f"cases: {report.cases}  turns: {report.turns}  timed turns: {report.timed_turns}  "
        f"name detector: {'on' if report.names else 'off'}{skipped}",
        f"latency per turn (median of passes): p50 {report.p50_us:.0f} µs  "
        f"p99 {report.p99_us:.0f} µs  max {report.max_us:.0f} µs  "
        f"(every pass: p99 {report.raw_p99_us:.0f} µs)",
        "",
        f"{'class':<22}{'cases':>6}{'secrets':>9}{'leaked':>8}{'recall':>8}{'keep':>6}"
        f"{'kept':>6}{'keep%':>8}",
    ]
    for cls in sorted(report.per_class):
        s = report.per_class[cls]
        lines.append(
            f"{cls:<22}{s.cases:>6}{s.secrets:>9}{s.leaked:>8}{s.recall:>8.3f}"
            f"{s.keep:>6}{s.kept:>6}{s.keep_rate:>8.3f}"
        )
    if report.scaling:
        lines += ["", "one turn, no limit (CPU time, best of 3):"]
        lines += [
            f"  {row['chars'] / 1024:>6.0f} KB  {row['seconds'] * 1e3:>8.1f} ms  "
            f"{row['us_per_char']:.2f} µs/char"
            for row in report.scaling
        ]
        lines.append(
            f"  largest ratio for a doubled turn: {report.doubling_ratio:.2f} "
            f"(target ≤ {TARGETS['doubling_ratio']})"
        )
        lines.append(
            f"  a {MAX_TURN_CHARS * 4 // 1024} KB turn with the call limit "
            f"({MAX_TURN_CHARS} chars passed on): {report.max_turn_ms:.1f} ms"
        )
    verdict = "meets targets" if report.meets_targets() else "MISSES targets"
    if not report.gate:
        kind = "out of sample" if report.out_of_sample else "a development set"
        verdict += f" ({kind}: reported, not a gate)"
    lines += [
        "",
        f"recall {report.recall:.4f} (target ≥ {report.targets['recall']})  "
        f"keep {report.keep_rate:.4f} (target ≥ {report.targets['keep']})  "
        f"p99 {report.p99_us:.0f} µs (target ≤ {TARGETS['p99_us']:.0f}): {verdict}",
        f"earlier chunks that reached the LLM unredacted: {report.unredacted_earlier_chunks}",
    ]
    if report.out_of_sample:
        lines.append(
            f"cases with a leak: {len(report.leaked_cases)}, with a keep dropped: "
            f"{len(report.dropped_cases)} (not named: out of sample)"
        )
    else:
        if report.leaked_cases:
            lines.append(f"leaked: {', '.join(report.leaked_cases)}")
        if report.dropped_cases:
            lines.append(f"dropped keep strings: {', '.join(report.dropped_cases)}")
    return "\n".join(lines)


def run(argv: Sequence[str] | None = None) -> int:
    """``python -m bench pii``: print one table per corpus and optionally write JSON.

    Args:
        argv: Arguments after ``pii``.

    Returns:
        0, or 1 with ``--strict`` when a target is missed.
    """
    parser = argparse.ArgumentParser(prog="python -m bench pii", description=__doc__)
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        help="corpus YAML (repeatable; default: the project, independent, holdout, fresh, "
        "final, pieces, outside, sixth to thirtyninth corpora)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (default 5)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--names", action="store_true", help="turn the optional person-name detector on"
    )
    parser.add_argument(
        "--no-scaling", action="store_true", help="skip the 256 KB-1 MB single-turn timings"
    )
    args = parser.parse_args(argv)
    specs = (
        [_corpus_for(path) for path in args.corpus]
        if args.corpus
        else [c for c in CORPORA if c.path.exists()]
    )
    reports = [
        evaluate(
            spec.path,
            max(1, args.repeat),
            names=args.names,
            scaling=not args.no_scaling and index == 0,
            corpus=spec,
        )
        for index, spec in enumerate(specs)
    ]
    print("\n\n".join(_table(report) for report in reports))
    if args.json is not None:
        data = {
            "recorded": recorded("pii", argv),
            "corpora": {r.label: r.to_json() for r in reports},
        }
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    met = all(r.meets_targets() for r in reports if r.gate)
    return 1 if args.strict and not met else 0
