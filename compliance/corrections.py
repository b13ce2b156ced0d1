"""Self-corrections: "five four... no sorry, five four two seven, ...".

The value the caller settles on is what counts, and every attempt at it is redacted: a
digit run followed by a correction ("no sorry", "I mean", "scratch that", "wait") and then
a detected value becomes part of that value -- same kind, same placeholder -- even when
it was too short to mean anything alone. A correction that restates only the end of a
value ("07700 900 482, no hang on, 900 428") replaces that end.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Final

from compliance.detectors import Detection, DigitRun
from config.redaction_policy import EntityType

__all__ = ["apply_corrections"]

_MARKER: Final = re.compile(
    r"\b(?:no|sorry|wait|oops|oh no|i mean|i meant|scratch that|let me start (?:again|over)"
    r"|start (?:again|over)|correction|actually|make that|or rather|rather|my mistake|my bad"
    r"|hang on|hold on|not that)\b",
    re.IGNORECASE,
)
_GAP: Final = re.compile(
    r"[\s,.;:!?…-]*(?:(?:no|sorry|wait|oops|oh|i mean|i meant|scratch that|let me start"
    r" (?:again|over)|start (?:again|over)|correction|actually|make that|or rather|rather|my"
    r" mistake|my bad|hang on|hold on|not that|it's|it is|that's|that is|wrong (?:one|card"
    r"|number)|the|um|uh|er|erm|let me|again)[\s,.;:!?…-]*)+",
    re.IGNORECASE,
)
_REACH: Final = 60
_STALL_AFTER: Final = re.compile(r"\s*(?:sec(?:ond)?s?|2nd|moments?|minutes?|mins?|tick)\b", re.I)
# Values whose digits a correction may give again after them: "30 November 1985. Oh,
# hang on, 1986.", "742 Evergreen Terrace. Sorry, 724."
_PIECE_KINDS: Final = frozenset({EntityType.ADDRESS, EntityType.DOB})
# One half of a UK-style postcode said again alone: "8TH", "B33".
_POSTCODE_HALF: Final = re.compile(r"\b(?:\d[A-Z]{2}|[A-Z]{1,2}\d[A-Z\d]?)\b")
# Values a caller reads digit by digit and may get wrong half-way.
_DIGIT_KINDS: Final = frozenset(
    {
        EntityType.CARD,
        EntityType.PHONE,
        EntityType.SSN,
        EntityType.ACCOUNT,
        EntityType.ROUTING,
        EntityType.CVV,
        EntityType.PIN,
        EntityType.OTP,
        EntityType.SIN,
        EntityType.TFN,
        EntityType.NHS,
        EntityType.MEMBER,
        EntityType.POLICY,
        EntityType.MEDICAL,
        EntityType.ID,
        EntityType.NUMBER,
    }
)


def _merged(first: str, second: str) -> str:
    """The value meant when ``second`` corrects ``first``: all of it, or its end."""
    if len(second) >= len(first) or len(second) < 3:
        return second
    head = second[:3]
    at = first.rfind(head, 1)
    return first[:at] + second if at > 0 else second


def apply_corrections(
    text: str, runs: list[DigitRun], detections: list[Detection]
) -> list[Detection]:
    """Detections with every corrected attempt folded into the value it was corrected to.

    Args:
        text: The normalised turn.
        runs: Its digit runs, in order.
        detections: What the detectors found, overlaps unresolved.

    Returns:
        The detections, the corrected attempts added or given the corrected value.
    """
    if _MARKER.search(text) is None:
        return detections
    result = list(detections)
    for later in sorted(detections, key=lambda d: d.start):
        if later.kind not in _DIGIT_KINDS:
            continue
        gap = _GAP.search(text, max(0, later.start - _REACH), later.start)
        if gap is None or gap.end() != later.start or _MARKER.search(gap.group()) is None:
            continue
        before = next((r for r in reversed(runs) if r.end <= gap.start()), None)
        if before is None or before.money or gap.start() - before.end > 3:
            continue
        earlier = [d for d in result if d.start < before.end and d.end > before.start]
        if any(d.kind not in _DIGIT_KINDS for d in earlier):
            continue
        value = _merged(before.digits, re.sub(r"\D", "", later.value))
        if later.kind is EntityType.PHONE and later.value.startswith("+"):
            value = later.value
        fixed = replace(later, value=value) if value != later.value else later
        result = [d for d in result if d not in earlier and d is not later]
        result.append(fixed)
        result.append(replace(later, start=before.start, end=before.end, value=fixed.value))
    return result + list(_corrected_after(text, runs, result))


def _corrected_after(
    text: str, runs: list[DigitRun], detections: list[Detection]
) -> list[Detection]:
    """The digits a correction gives after a value it corrects ("0491 570 159. Oh, sorry,
    no, 158 at the end.", "742 Evergreen Terrace. Sorry, 724."): too short to mean
    anything alone, they are that value's; so is a postcode's half ("B33 8HT. Sorry,
    8TH.")."""
    found: list[Detection] = []
    for value in detections:
        if value.kind in _DIGIT_KINDS or value.kind in _PIECE_KINDS:
            run = next((r for r in runs if r.start >= value.end), None)
            if run is None or run.money:
                continue
            after: tuple[int, int, str] = (run.start, run.end, run.digits)
        elif value.kind is EntityType.POSTCODE:
            half = _POSTCODE_HALF.search(text, value.end)
            if half is None:
                continue
            after = (half.start(), half.end(), half.group())
        else:
            continue
        start, end, said = after
        if start - value.end > _REACH:
            continue
        gap = _GAP.fullmatch(text, value.end, start)
        if gap is None or _MARKER.search(gap.group()) is None:
            continue
        if any(d.start < end and d.end > start for d in detections):
            continue
        if _STALL_AFTER.match(text, end):
            continue  # "Sorry. One second.": a stall, not a digit
        found.append(Detection(value.kind, start, end, said, complete=False))
    return found
