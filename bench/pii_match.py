"""How `bench pii` decides that a secret survived redaction, or that a keep string did.

Two comparisons, one per way a corpus was written:

* ``runs`` (the project's own corpus, written beside the detectors): a digit secret leaks
  if its digits survive as one run of digits joined by spaces, dashes, commas, dots,
  slashes or brackets, in the output, in its spoken-form normalisation or with each digit
  word read as its digit; a text secret leaks if its text survives (case and spacing
  ignored).
* ``said`` (the independent corpora's rules, ``compliance/corpus/pii_independent.md`` and
  ``pii_fresh.md``): a secret of four or more digits and nothing else leaks if its digits
  occur anywhere in the *canonical digits* of the caller's redacted text: spoken digit
  words, "oh", "double"/"triple" and compound numbers ("forty-eight", "nineteen", "five
  hundred and twelve", "two thousand and one") read as digits, every other word, separator
  and punctuation mark dropped, so "4849, um, 0934" and "four five three two and nine one
  eight five" are one run. A placeholder is where a value was taken out, so it ends a run.
  Any other secret leaks if its text survives, case ignored and whitespace runs collapsed.

The canonical digits are computed here, not with the redactor's own normaliser: a bench
that read numbers the way the redactor does could not see the redactor misread one.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from compliance import normalise
from compliance.vault import PLACEHOLDER

__all__ = ["Matching", "canonical_digit_runs", "kept", "leaked"]

Matching = Literal["runs", "said"]

_UNITS: Final = {
    w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())
} | {"oh": 0}
_TEENS: Final = {
    w: i
    for i, w in enumerate(
        "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(),
        10,
    )
}
_TENS: Final = {
    w: 10 * i
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_REPEAT: Final = {"double": 2, "triple": 3}
_TOKEN: Final = re.compile(r"\[[A-Z]+(?:_\d+)?\]|[A-Za-z]+|\d|[^\sA-Za-z\d]")

# --- the project corpus's comparison ---------------------------------------------------
_DIGIT_RUN: Final = re.compile(r"\d(?:[\s\-,./()]*\d)*")
_DIGIT_WORD: Final = re.compile(r"\b(?:zero|one|two|three|four|five|six|seven|eight|nine|oh|o)\b")
_NAIVE: Final = {w: str(i) for w, i in _UNITS.items()} | {"o": "0"}


def _runs_of(text: str) -> list[str]:
    text = PLACEHOLDER.sub(" | ", text)
    return [re.sub(r"\D", "", m.group()) for m in _DIGIT_RUN.finditer(text)]


def _naive_digits(text: str) -> str:
    return _DIGIT_WORD.sub(lambda m: _NAIVE[m.group()], text.lower())


def _leaked_runs(secret: str, output: str) -> bool:
    forms = (output, normalise(output).text, _naive_digits(output))
    digits = re.sub(r"\D", "", secret)
    if len(digits) >= 4:
        return any(digits in run for form in forms for run in _runs_of(form))
    needle = " ".join(secret.lower().split())
    return any(needle in " ".join(form.lower().split()) for form in forms)


# --- the independent corpus's comparison -----------------------------------------------
def canonical_digit_runs(text: str) -> list[str]:
    """The caller's digits as the independent corpus defines them, cut at placeholders.

    Args:
        text: Redacted caller text (one turn, or a call's turns joined in order).

    Returns:
        Runs of digits; each placeholder ends one.
    """
    tokens = [(m.group(), m.group().lower()) for m in _TOKEN.finditer(text)]
    runs: list[str] = []
    run: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        raw, low = tokens[i]
        if raw.startswith("["):
            runs.append("".join(run))
            run = []
            i += 1
        elif raw.isdigit():
            run.append(raw)
            i += 1
        elif low in _REPEAT and i + 1 < n:
            follow_raw, follow = tokens[i + 1]
            digit = follow_raw if follow_raw.isdigit() else None
            if digit is None and follow in _UNITS:
                digit = str(_UNITS[follow])
            if digit is None:
                i += 1
                continue
            run.append(digit * _REPEAT[low])
            i += 2
        elif low in _UNITS or low in _TEENS or low in _TENS:
            value, i = _cardinal(tokens, i)
            run.append(value)
        else:
            i += 1
    runs.append("".join(run))
    return [r for r in runs if r]


def _cardinal(tokens: list[tuple[str, str]], i: int) -> tuple[str, int]:
    """One spoken number from ``tokens[i]``: "forty-eight" 48, "five hundred and twelve"
    512, "eight hundred" 800, "two thousand and one" 2001; a digit word alone is its digit
    ("oh" 0)."""
    value, j = _below_thousand(tokens, i)
    n = len(tokens)
    if j < n and tokens[j][1] == "thousand" and tokens[i][1] != "oh":
        thousands = int(value) * 1000
        k = j + 1
        if k < n and tokens[k][1] == "and":
            k += 1
        said = tokens[k][1] if k < n else ""
        if said != "oh" and (said in _UNITS or said in _TEENS or said in _TENS):
            rest, after = _below_thousand(tokens, k)
            return str(thousands + int(rest)), after
        return str(thousands), j + 1
    return value, j


def _below_thousand(tokens: list[tuple[str, str]], i: int) -> tuple[str, int]:
    n = len(tokens)
    low = tokens[i][1]
    if low in _TENS:
        value = _TENS[low]
        j = i + 1
        if j < n and tokens[j][0] == "-":
            j += 1
        if j < n and tokens[j][1] in _UNITS and tokens[j][1] not in ("zero", "oh"):
            return str(value + _UNITS[tokens[j][1]]), j + 1
        return str(value), i + 1
    value = _TEENS.get(low, _UNITS.get(low, 0))
    j = i + 1
    if low in _UNITS and low != "oh" and j < n and tokens[j][1] == "hundred":
        hundreds = value * 100
        k = j + 1
        if k < n and tokens[k][1] == "and":
            k += 1
        if k < n and (tokens[k][1] in _TEENS or tokens[k][1] in _TENS):
            rest, after = _below_thousand(tokens, k)
            return str(hundreds + int(rest)), after
        if k < n and tokens[k][1] in _UNITS and tokens[k - 1][1] == "and":
            return str(hundreds + _UNITS[tokens[k][1]]), k + 1
        return str(hundreds), j + 1
    return str(value), i + 1


def _leaked_said(secret: str, output: str) -> bool:
    if secret.isdigit() and len(secret) >= 4:
        return any(secret in run for run in canonical_digit_runs(output))
    needle = " ".join(secret.lower().split())
    # A placeholder's index is no one's value: "[PIN_2]" leaks no "2".
    return needle in " ".join(PLACEHOLDER.sub(" | ", output).lower().split())


def leaked(secret: str, output: str, matching: Matching = "runs") -> bool:
    """Whether a secret survives in redacted output.

    Args:
        secret: The value that must not survive.
        output: Redacted text.
        matching: The corpus's comparison (see the module docstring).
    """
    if matching == "said":
        return _leaked_said(secret, output)
    return _leaked_runs(secret, output)


def kept(keep: str, output: str) -> bool:
    """Whether a keep string survives verbatim.

    Args:
        keep: An exact substring of a caller turn.
        output: Redacted text.
    """
    return keep in output
