"""Optional person-name detector: "my name is Jane Doe", "this is Raj speaking".

Off by default (`RedactionPolicy.detect_names`): many tenants want the agent to greet the
caller by name. It reads what the caller says after a self-introduction cue, or the whole
answer when the agent has just asked for a name, and takes the capitalised words that follow
(Deepgram's ``smart_format`` capitalises proper nouns). No model: a regular expression costs
microseconds per turn, where the smallest packaged NER models cost milliseconds and tens of
megabytes (see the PII benchmark's ``--names`` figures).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

__all__ = ["name_spans"]

# "Maria", "McDonald", "O'Brien", "Smith-Jones", or an initial "F."
_WHOLE_WORD: Final = r"(?:[A-Z]['\u2019])?[A-Z][A-Za-z]*[a-z](?:-[A-Z][A-Za-z]*[a-z])?"
_NAME_WORD: Final = rf"(?:{_WHOLE_WORD}|[A-Z]\.?)"
# A title, and the filler a caller may put after it ("Mrs, um, Okonkwo").
_TITLE: Final = r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|madam)\.?(?:[\s,]+(?:uh|um|er|erm))?[\s,]+"
_CUE: Final = re.compile(
    r"\b(?:my name is|my name's|name is|the name is|name's|this is|i'm|i am|it's|call me"
    r"|you're speaking (?:to|with)|speaking with|it is"
    r"|(?:first|1st|last|sur|family|middle|full) ?name(?: is|'s|:)?"
    # "booked under Henderson", "in the name of ...", "under the name ..."
    r"|(?:booked|reserved|registered|listed|held|put|it's|is|it is) under(?: the name(?: of)?)?"
    r"|under the name(?: of)?|in the name of"
    # "the account's under my husband, Geoffrey Barrington-Hughes", "in my late father's
    # name, ..."
    r"|my (?:(?:late|dear|poor|elderly|eldest|oldest|youngest|little|older|younger|step-?)"
    r" )?(?:husband|wife|partner|son|daughter|mother|mum|mom|father|dad|brother|sister"
    r"|friend|boss|colleague|neighbou?r|fianc[ée]e?|grandson|granddaughter|carer|caregiver"
    r"|aunt|uncle|nephew|niece|cousin|grandmother|grandfather|gran|nan)(?:'s name is"
    r"|'s name,?|,| is| called| named)?)[\s,]+"
    rf"(?:{_TITLE})?",
    re.IGNORECASE,
)
# A name starts with a whole word: "it's W 2 6 4" is a member ID being read, not a name.
_NAME: Final = re.compile(rf"{_WHOLE_WORD}(?: {_NAME_WORD}){{0,3}}")
_ANSWER_LEAD: Final = re.compile(
    r"(?:\s|[,.]|\b(?:uh|um|er|erm|yes|yeah|sure|ok|okay|it's|it is|my name is|this is|i'm"
    rf"|name's)\b|\b{_TITLE})*",
    re.IGNORECASE,
)
# Capitalised words that follow the cues but are not names ("this is Monday", "I'm Not sure").
_NOT_NAMES: Final = frozenset(
    """i a an the not just so very really calling here fine good great ok okay sorry sure yes
    no hello hi hey thanks thank about still also trying looking having going regarding
    mr mrs ms miss mx dr prof sir madam
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today tomorrow my your his her
    our their it that this what when where why how who customer account card order visa
    mastercard amex discover paypal""".split()
)


def _plain(word: str) -> str:
    """ "Monday's" -> "monday": the word without case, full stop or possessive."""
    return re.split(r"['\u2019]", word.lower().strip("."))[0]


def _trim(match_text: str) -> tuple[int, int] | None:
    """Span of the leading name words, dropping a first word that is not a name."""
    words = match_text.split(" ")
    if not words or _plain(words[0]) in _NOT_NAMES:
        return None
    kept = []
    for word in words:
        if _plain(word) in _NOT_NAMES:
            break
        kept.append(word)
    length = len(" ".join(kept))
    return (0, length) if length else None


def name_spans(text: str, answer: bool = False) -> Iterable[tuple[int, int, str]]:
    """Person names in one utterance, as (start, end, name).

    Args:
        text: The utterance in written form.
        answer: The agent has just asked for the caller's name; the turn's opening
            capitalised words are read as one.
    """
    if answer:
        lead = _ANSWER_LEAD.match(text)
        pos = lead.end() if lead is not None else 0
        found = _NAME.match(text, pos)
        if found is not None:
            span = _trim(found.group())
            if span is not None:
                yield pos, pos + span[1], found.group()[: span[1]]
    for cue in _CUE.finditer(text):
        found = _NAME.match(text, cue.end())
        if found is None:
            continue
        span = _trim(found.group())
        if span is not None:
            start = found.start()
            yield start, start + span[1], found.group()[: span[1]]
