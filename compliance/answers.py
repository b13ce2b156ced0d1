"""Answers in words: what a caller says after a security question, whatever its form.

After "What's your security word?", "Your mother's maiden name?" or (with the name
detector on) "And your surname?", the answer is the caller's first phrase that is not a
filler or a stall ("Oh god, hang on, I wrote it down." answers nothing), every later
mention of it, and anything spelled out in the same turn ("Biscuit. B I S C U I T.",
"Papa, Alpha, Romeo, Kilo, Echo, Romeo." -- the normaliser has turned the spelling
alphabet into letters). A caller who volunteers one ("my mum's maiden name is Nguyen")
is read the same way from the cue on.

Works on the normalised text; offsets are in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from compliance.cues import NOT_A_TITLES_STOP, Context
from config.redaction_policy import EntityType

__all__ = ["ANSWER_KINDS", "answer_spans", "follow_up_spans", "said_again"]

ANSWER_KINDS: Final = {
    Context.SECRET: EntityType.SECRET,
    Context.MAIDEN: EntityType.MAIDEN,
    Context.NAME: EntityType.NAME,
}
"""Asked contexts whose answer is found by this module, and its kind."""

# Thanks and praise: a lead-in, or all a caller says back to a remark of the agent's.
_ACK_WORDS: Final = (
    r"great|thanks|thank you|cheers|lovely|perfect|fine|cool|brilliant|awesome|nice|good"
    r"|wonderful"
)
_ACK: Final = re.compile(rf"\b(?:{_ACK_WORDS})\b", re.IGNORECASE)
_LEAD_WORDS: Final = (
    r"uh|uhm|um+|er|erm|ah|oh|ok|okay|yes|yeah|yep|yup|sure|right|so|well|hmm+|hm|god|gosh"
    r"|goodness|dear|sorry|alright|all right|actually|it's|it is|its|it was|that's|that is"
    r"|that'd be|that would be|it'd be|it would be|it'll be|it will be|it must be"
    r"|it must have been|it should be|that'll be|probably|maybe|perhaps"
    r"|i think|i believe|i guess|pretty sure|just|of course|no"
    r"|certainly|yes please|let's see|let me see|like|the|a|an|my|and|but|also"
    # interjections and laughter: "Ha, Bubbles."
    r"|ha+|haha+|ha ha|heh|hehe|ooh|oo|aw+|wow|whoa|huh|ugh|phew|blimey|crikey|gee|jeez"
    # "Mhmm.": a listener's noise said while the agent talks, never the answer.
    r"|mm+-?h?m+|m-?hm+|mhm+"
    r"|lol|mr|mrs|ms|miss|mx|dr|prof|" + _ACK_WORDS
)
_LEAD: Final = re.compile(rf"(?:[\s,.;:!?…-]|\b(?:{_LEAD_WORDS})\b)*", re.IGNORECASE)
_MARKER: Final = re.compile(r"\b(?:the )?answer(?: is|'s| was)\b[\s,:]*", re.IGNORECASE)
# The cue a caller says before the value itself ("my security word is", "last name
# Kearney", "maiden name's Nguyen").
_CUE_WORDS: Final = {
    Context.SECRET: (
        r"security (?:word|answer|phrase)|secret (?:word|answer)|pass ?word|pass ?phrase"
        # "the Wi-Fi key on the sticker is ...": a network's password.
        r"|wi-?fi (?:key|code)(?: on the [a-z]+)?|network key(?:,? then)?|wpa key"
        # "I type the key off the sticker, it's 7 f 3 k ...": the router's.
        r"|(?:the )?key (?:off|on|from) the (?:sticker|router|box)"
        r"|memorable (?:word|place|name|date|number|answer)"
    ),
    Context.MAIDEN: r"maiden name",
    Context.NAME: r"(?:first|1st|last|sur|family|middle|full) ?name|name",
}
_CUES: Final = {
    context: re.compile(rf"\b(?:{words})(?:'s| is| was|:)?[\s,:]*", re.IGNORECASE)
    for context, words in _CUE_WORDS.items()
}
# Only these are read when nobody asked: a volunteered name needs the name detector's
# own cues (`compliance.names`).
_VOLUNTEERED: Final = (Context.SECRET, Context.MAIDEN)
_VOLUNTEER_AFTER: Final = {
    # "I changed the password to KatieAndMax2015", "...wrong password, but it's sunflower".
    # After "to", only what reads as a password (digits in it, or CamelCase): "...my
    # password to get back in" says why.
    Context.SECRET: r"|(?:changed|set|reset|updated) (?:my |the |our )?pass ?word to"
    r"(?= (?-i:[A-Za-z]*\d|[A-Z][a-z]+[A-Z]))"
    # "I changed it to Biscuit2015": with no password named, only what reads as one ("It's
    # set to 4 degrees" is a setting).
    r"|(?:changed|set|reset|updated) it to(?= (?-i:[A-Za-z]+\d|[A-Z][a-z]+[A-Z]))"
    # "I type my password, it's Lulu2019!", "The wifi password on the back is kP7 mX2".
    # "Do you need the wifi password? It's sunflower underscore 88.": asked, then said.
    r"|pass ?word[,?]? (?:but )?it(?:'s| is)"
    r"|pass ?word (?:on|for|of|at) the [a-z]+(?: of the [a-z]+)?(?:'s| is)"
    # "The password on the sticker says key colon TR4m-9pLx-Q2.": read off it, its printed
    # label and all; only what reads as a password.
    r"|pass ?word (?:(?:on|for|of|at) the [a-z]+(?: of the [a-z]+)? )?(?:says|reads|shows)"
    r"(?: (?:key|password|code|pin|pass) (?:colon|:))?"
    r"(?= (?-i:[A-Za-z]*\d|[A-Z][a-z]+[A-Z]))"
    # "I tried logging in with Liverpool 2005 and it says wrong password.": only what
    # reads as a password ("with my email" says how).
    r"|(?:logging|logged|log|signing|signed|sign) (?:in|on) with"
    r"(?= (?-i:[A-Za-z]*\d|[A-Z][a-z]+[A-Z]|[A-Z][a-z]+ \d))"
    # "I'm typing capital T, R, O, U, T, then 7, 7.": letters or digits typed in.
    # "I've been trying MittensTheCat2019 and it keeps saying wrong.": what was tried,
    # when it reads as a password (a PIN keyed in is `compliance.beside.keyed_instead`'s).
    r"|(?:(?:i'm|i am|i was|i've been|i keep) trying|i(?:'ve)? (?:typed|entered|tried|put))(?: in)?"
    r"(?= (?-i:[A-Za-z]+[!@#$%^&*]?\d|[A-Z][a-z]+[A-Z]))"
    r"|(?:i'm|i am|i was|i've been|i keep) (?:typing|entering|putting)(?: in)?"
    r"(?= (?:capital |lower ?case )?(?-i:[A-Za-z][ ,]{1,2}[A-Za-z0-9]\b|[A-Za-z]+[!@#$%^&*]?\d"
    r"|\d+[A-Za-z]"
    # "I keep typing Bluebell exclamation mark 42"
    r"|[A-Z][a-z]+ (?:exclamation|hash|at sign|dollar|star|\d)"
    # "I'm typing bluebird, b l u e b i r d, 77": a word, then its spelling.
    r"|[A-Za-z]+,? (?:[A-Za-z][ ,]{1,2}){2,}"
    # "I keep putting in one nine five eight": a PIN or code, digits alone.
    r"|\d(?: ?\d){3,5}(?![\d:.,]\d| \d)"
    r"(?! (?:pounds|dollars|euros|quid|times|tablets|pills|mg|ml)\b)))",
    Context.MAIDEN: "",
}
_VOLUNTEER_CUE: Final = {
    context: re.compile(
        # "...from my maiden name, which was Ashworth, ...": the relative clause too.
        # "Yes, my maiden name, Hollis.": a name straight after the cue's comma.
        # "try my maiden name, it was Thistlewood": after a comma, "it was".
        rf"\b(?:(?:{_CUE_WORDS[context]})(?:'s| is| was|:|,? which (?:is|was)"
        r"|,(?= (?-i:[A-Z][a-z]))|,? it(?:'s| is| was))"
        rf"{_VOLUNTEER_AFTER[context]})[\s,:]*",
        re.IGNORECASE,
    )
    for context in _VOLUNTEERED
}
# What a password or security word is, not what it says: "It keeps saying my password is
# wrong."
_A_STATE: Final = re.compile(
    r"(?:wrong|incorrect|invalid|expired|blocked|locked(?: out)?|not working|no good|"
    r"too (?:short|long|weak)|case sensitive|the same|different)",
    re.IGNORECASE,
)
# A phrase that is not the answer: a stall, a question back, a remark about oneself.
_STALL: Final = re.compile(
    r"(?:hang on|hold on|(?:one|1) (?:sec|second|2nd|moment|minute)"
    r"|(?:just|give me) (?:a|1) (?:sec|second|2nd|moment|minute)"
    r"|let me\b"
    r"|bear with me|wait|i\b|i'm|i've|i'd|i'll|we\b|we're|not sure|no idea|what\b|pardon"
    r"|can you|could you|do you|did you|is it|is that|was it|why|how|hmm|don't know"
    r"|dunno|forgot|no clue|the line|you (?:cut|broke)"
    # "This is ridiculous. Mrs. Abernathy.": exasperation first.
    r"|this is (?:ridiculous|silly|stupid|absurd|a joke|unbelievable|crazy)|honestly"
    r"|for goodness|for god's|oh my god|unbelievable)",
    re.IGNORECASE,
)
_REMARK: Final = re.compile(
    r"(?:i|we|you|he|she|they|it|there|can|could|would|will|shall|should|do|does|did|is|are"
    r"|was|were|have|has|had|may|might|must|not|never|let|let's|what|which|who|why|how|when"
    r"|where)\b(?!')",
    re.IGNORECASE,
)
_RESUMED: Final = re.compile(
    r"\b(?:it's|it is|it was|that's|that is|answer is|answer's|here it is|got it|found it"
    r"|it'd be|it would be|it'll be|it will be|it must be|it must have been|it should be"
    r"|make that|i mean|so)\b",
    re.IGNORECASE,
)
# "I've told three people already! Featherstonehaugh.": exasperation, then the answer
# given again, as after "This is ridiculous."
_TOLD_ALREADY: Final = re.compile(
    r"\b(?:told|said|given|gave)(?: [a-z0-9]+){0,3} (?:already|before|twice)\b", re.IGNORECASE
)
# A phrase about the answer, not the answer: "a funny one", "the old one", "my dog's name
# and the year". It names what kind of thing the answer is.
_ABOUT_ANSWER: Final = re.compile(
    r"\b(?:one|1|ones|name|names|word|words|year|years|number|numbers|date|thing|bit|kind"
    r"|case|capitals|letters|characters|digits)$",
    re.IGNORECASE,
)
# Words that end an answer's phrase without being part of it: "It's koala now."
_TRAILING: Final = re.compile(
    r"(?:\s+(?:now|then|though|anyway|anyways|obviously|actually|please|too|as well"
    r"|i think|i guess|i believe|probably|mate|love|really|apparently|these days))+$",
    re.IGNORECASE,
)
_STORY_AFTER: Final = re.compile(
    r"\s+(?:before|after|when|until|because|since|while|so that) "
    r"(?:she|he|they|we|i|you|it|my|her|his|their|the|our)\b",
    re.IGNORECASE,
)
# A caller correcting a spoken answer: "It's kangaroo. No wait, that's the old one. It's
# koala now." Both are secrets (an old password is often reused).
_CORRECTED: Final = re.compile(
    r"\b(?:no|wait|sorry|actually|i mean|i meant|scratch that|or rather|rather|make that"
    r"|hang on|hold on|oh no|my mistake|my bad|not that"
    # a second guess: "Or was it Kowalski?"
    r"|or (?:was it|is it|maybe|perhaps|possibly|else|might it be|could it be))\b",
    re.IGNORECASE,
)
# A password is often a word and digits run together ("Biscuit2015"); an ordinal
# ("4th") is not one.
_MIXED: Final = re.compile(
    r"(?<![\w'])(?!\d+(?:st|nd|rd|th)\b)(?=[\w'!@#$%^&*-]*\d)(?=[\w'!@#$%^&*-]*[A-Za-z])"
    # "sunflower!2019", "Trout99#": symbols inside it or after it too.
    r"(?=[\w'!@#$%^&*-]{4})[\w'-]+(?:[!@#$%^&*]+[\w'-]+)*[!@#$%^&*]*(?![\w'])"
)
_PLACE: Final = re.compile(
    r"(?:in|on|at|under|over|near|by|from|into|inside|behind|upstairs|downstairs|somewhere"
    r"|here|there)\b",
    re.IGNORECASE,
)
# Where a phrase ends: a sentence or clause mark (not the full stop of an initial or a
# title: "Margaret A. Lindqvist", "St. Mary's"), or a word that starts a new clause.
_PHRASE_END: Final = re.compile(
    rf"(?<!\b[A-Z]){NOT_A_TITLES_STOP}[.!?;]|,|…"
    r"|\s(?:if|because|but|so|like|with|and (?:i|it|that|my|we|you|the line|then))\b"
    # "...MittensTheCat2019 and the app says wrong.": what the screen did next.
    r"|\sand (?:the|this) (?:app|site|website|system|screen|page|computer|portal)\b",
)
_SPELLED: Final = re.compile(
    # ("I'm", "I'd" are words, not "I" and "M" spelled.)
    r"(?<![\w'])[A-Za-z0-9](?:(?!'(?:m|s|d|t|re|ve|ll)\b)"
    r"(?:[ ,'-]{1,3}|\s(?:apostrophe|hyphen|dash|space)\s)"
    r"[A-Za-z0-9](?![\w']))+"
)
_WORD: Final = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
_NOT_ANSWER_WORDS: Final = frozenset(
    "the and with like just that this its it's sorry yes yeah okay one are was is".split()
)
# A proper name said alone: "Rover", "St Brigid's", "Wattle Grove".
_NAMED: Final = re.compile(r"(?-i:[A-Z][\w'.-]*)(?: (?-i:[A-Z][\w'.-]*)){0,2}")
# A capitalised word inside a sentence (after a lower-case word, a comma or a pause "..."),
# with the capitalised words after it.
# A capitalised name word, an inner capital allowed ("McAllister", "O'Brien").
_NAME_WORD: Final = r"(?-i:[A-Z][a-z'\u2019]{0,2}(?:[A-Z][a-z'\u2019-]+|[a-z'\u2019-]+))"
_PROPER: Final = re.compile(rf"(?:(?<=[a-z,;:…] )|(?<=\.\.\. )){_NAME_WORD}(?: {_NAME_WORD})*")
_TITLED: Final = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sister|Father)\.? (?P<name>{_NAME_WORD})"
)
_NOT_PROPER: Final = frozenset(
    "i i'm i've i'd i'll ok okay oh mr mrs ms miss dr god yes no sorry thanks "
    # "...before she married Dad": a relative named by what they are, no name.
    "mum mom mam dad nan nana gran granny grandma grandad grandpa".split()
)
_MAX_PHRASE: Final = 60
_MAX_PHRASES: Final = 5
_MAX_CORRECTIONS: Final = 4


def _phrase_at(
    text: str, pos: int, *, fresh: bool = True, corrected: bool = False
) -> tuple[int, int] | None:
    """The first phrase from ``pos`` that is neither filler nor stall, as its span.

    A phrase that starts like a sentence of its own (a pronoun, a verb, a question word:
    "can we do it another way?") is a remark, not the answer; after a stall, so is one
    that starts with a preposition ("hang on, ... it's in the other room"). A turn of
    thanks alone ("Perfect.") is the answer only right after the question (``fresh``),
    not after a remark of the agent's. After a correction (``corrected``: "..., no wait,
    ...") a phrase is an answer only after "it's ..." and the like, or if it is a name
    said straight after the correction ("Biscuit, no, Rover"): "sorry, the line cut out"
    is not one.
    """
    n = len(text)
    stalled = corrected
    for attempt in range(_MAX_PHRASES):
        lead = _LEAD.match(text, pos)
        start = lead.end() if lead is not None else pos
        if start >= n:
            acks = list(_ACK.finditer(text, pos)) if fresh and not stalled else []
            return acks[-1].span() if acks else None
        stop = _PHRASE_END.search(text, start, min(n, start + _MAX_PHRASE))
        end = stop.start() if stop is not None else min(n, start + _MAX_PHRASE)
        end = len(text[:end].rstrip())
        trailing = _TRAILING.search(text, start, end)
        if trailing is not None and trailing.start() > start:
            end = trailing.start()
        story = _STORY_AFTER.search(text, start, end)
        if story is not None and story.start() > start:
            # "Mum was a Kavanagh before she married Dad in 1968.": the answer, then a
            # clause of the story around it.
            end = story.start()
        if end <= start:
            pos = start + 1
            continue
        if _STALL.match(text, start) or _REMARK.match(text, start):
            stalled = stalled or _TOLD_ALREADY.search(text, start, end) is None
            pos = stop.end() if stop is not None else end
            continue
        named = corrected and attempt == 0 and _NAMED.fullmatch(text, start, end) is not None
        if (
            stalled
            and not named
            and (_PLACE.match(text, start) or not _RESUMED.search(text, pos, start))
        ):
            # After "hang on" or "I don't know it", only "it's ..." or "got it, ..."
            # starts an answer; the rest is more of the same remark.
            pos = stop.end() if stop is not None else end
            continue
        if _ABOUT_ANSWER.search(text, start, end):
            # "It's a funny one, Quokka.": what kind of answer, then the answer.
            pos = stop.end() if stop is not None else end
            continue
        return start, end
    return None


def answer_spans(
    text: str, asked: str | None, *, names: bool = False, fresh: bool = True
) -> Iterable[tuple[EntityType, int, int, str]]:
    """The answer's spans in one caller turn, as (kind, start, end, value).

    Args:
        text: The caller's turn, normalised.
        asked: What the agent asked for (a `Context` value).
        names: The name detector is on: an answer to "what's your surname?" counts.
        fresh: The agent's last turn was the question itself (not a remark after it).
    """
    found: list[tuple[EntityType, int, int, str]] = []
    if asked in ANSWER_KINDS and (asked != Context.NAME or names):
        kind = ANSWER_KINDS[asked]
        found.extend(_asked_answer(text, asked, kind, fresh))
    for context in _VOLUNTEERED:
        if context == asked:
            continue
        for cue in _VOLUNTEER_CUE[context].finditer(text):
            span = _phrase_at(text, cue.end())
            if span is not None and not _A_STATE.fullmatch(text, *span):
                found.append((ANSWER_KINDS[context], *span, text[span[0] : span[1]]))
            if context == Context.SECRET:
                # "I'm typing capital T, R, O, U, T, then 7, 7. Trout77.": what is spelled
                # after the cue, and a word of letters and digits, are the password too.
                found.extend(_spelled_password(text, cue.end()))
    for pattern in _MAIDEN_BEFORE_CUE:
        found.extend(
            (EntityType.MAIDEN, m.start("name"), m.end("name"), m.group("name"))
            for m in pattern.finditer(text)
        )
    return found


# A maiden name said before the words that say what it is ("Crossley's my maiden name."),
# or as the caller's name before marriage ("before I married I was Harriet Crossley").
_MAIDEN_WORD: Final = (
    r"(?-i:(?!(?:That|This|It|Which|What|Who|Mine|Hers|His|There|Here|Yes|No)\b)"
    r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+|'(?!s\b)[A-Za-z]+)*)"
)
_MAIDEN_WORDS: Final = rf"{_MAIDEN_WORD}(?: {_MAIDEN_WORD})?"
_MAIDEN_BEFORE_CUE: Final = (
    re.compile(
        rf"\b(?P<name>{_MAIDEN_WORDS})(?:,? (?:that|which))?(?:'s| is| was) "
        r"(?:my|her|his|our|their) (?:(?:mother|mum|mom)'s )?maiden name\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bbefore (?:i|she|we) (?:got )?married,? (?:i was|she was|my name was|her name was"
        rf"|it was) (?P<name>{_MAIDEN_WORDS})",
        re.IGNORECASE,
    ),
)

_SPELL_GAP: Final = r"(?:[\s,.'-]|\b(?:apostrophe|hyphen|dash|space)\b)*"


def _spelled_password(text: str, after: int) -> Iterable[tuple[EntityType, int, int, str]]:
    """The letters and digits spelled in the sentence after a volunteered password's cue,
    and the turn's words of letters and digits."""
    end = text.find(".", after)
    end = len(text) if end < 0 else end
    for m in _SPELLED.finditer(text, after, end):
        # "b l u e b i r d, 77": the digits typed after the letters are the password's.
        digits = _DIGITS_AFTER.match(text, m.end(), end)
        stop = m.end() if digits is None else digits.end()
        yield EntityType.SECRET, m.start(), stop, text[m.start() : stop]
    for m in _MIXED.finditer(text):
        yield EntityType.SECRET, m.start(), m.end(), m.group()


_DIGITS_AFTER: Final = re.compile(r"[ ,]{1,3}\d{1,4}(?![\w'])")


def said_again(
    text: str, kind: EntityType, value: str
) -> Iterable[tuple[EntityType, int, int, str]]:
    """An answer given earlier in the call, said or spelled again ("Henderson",
    "H E N D E R S O N"), anywhere later in the call.

    Args:
        text: The caller's turn, normalised.
        kind: The answer's kind.
        value: The answer as first given.
    """
    letters = [ch for ch in value if ch.isalnum()]
    if len(letters) < 4:
        return
    pattern = _SPELL_GAP.join(re.escape(ch) for ch in letters)
    for m in re.finditer(rf"(?<![\w'])(?:{pattern})(?![\w'])", text, re.IGNORECASE):
        yield kind, m.start(), m.end(), value


_THEN_MORE: Final = re.compile(r"\s*(?:and )?then\b[\s,]*(?P<rest>[^.?]+?)[.!?]*\s*$", re.I)


_DIGITS_FIRST: Final = re.compile(r"\d(?:[ ,]{1,2}\d)*(?=[.!]|$)")


def follow_up_spans(
    text: str, kind: EntityType, value: str
) -> Iterable[tuple[EntityType, int, int, str]]:
    """More of an answer already given, in the caller's next final before the agent
    speaks: the recogniser cut "It's Henderson. H E N D E R S O N." at the pause. Only
    the answer said again, letters spelled and, for a password, what "then" joins on
    count, never a new phrase ("And I also want to ask about my loan.").

    Args:
        text: The caller's turn, normalised.
        kind: The answer's kind.
        value: The answer as first given.
    """
    spans = [m.span() for m in _SPELLED.finditer(text) if _letters(m.group()) >= 2]
    more = _THEN_MORE.match(text) if kind is EntityType.SECRET else None
    if more is not None and not text.rstrip().endswith("?") and not _REMARK.match(more["rest"]):
        # "It's Sunflower." / "Mhm." / "Then exclamation mark, then 9 9.": the rest of
        # a password, joined on with "then".
        spans.append(more.span("rest"))
    if kind is EntityType.SECRET and (more_of_it := _WORD_AND_DIGITS_ALONE.match(text)):
        # "Mango." / "Mhm." / "Sunset 84.": the passphrase's next words and digits.
        spans.append(more_of_it.span())
    if kind is EntityType.SECRET:
        # "It's M A N G O." / "Mhm." / "7 7. Mango77.": its digits next, then all of it.
        if (digits := _DIGITS_FIRST.match(text)) is not None:
            spans.append(digits.span())
        spans.extend(m.span() for m in _MIXED.finditer(text))
    if kind in (EntityType.SECRET, EntityType.MAIDEN):
        # "A Vauxhall." / "Mhm." / "Nova. A red one.": a name said on its own, the rest.
        named = _NAME_ALONE.match(text)
        if (
            named is not None
            and not _LEAD.fullmatch(named.group())
            and named.group().lower() not in _NOT_PROPER
            and not _REMARK.match(named.group())
        ):
            spans.append(named.span())
    words = {w.group().lower() for w in _WORD.finditer(value)} - _NOT_ANSWER_WORDS
    if words:
        again = re.compile(
            r"(?<![\w'])(?:" + "|".join(map(re.escape, words)) + r")(?![\w'])", re.IGNORECASE
        )
        spans.extend(m.span() for m in again.finditer(text))
    for a, b in spans:
        yield kind, a, b, value


def _asked_answer(
    text: str, asked: str, kind: EntityType, fresh: bool
) -> Iterable[tuple[EntityType, int, int, str]]:
    spans: list[tuple[int, int]] = []
    marker = _MARKER.search(text)
    starts = [marker.end()] if marker is not None else []
    starts.extend(m.end() for m in _CUES[asked].finditer(text))
    for start in starts or [0]:
        span = _phrase_at(text, start, fresh=fresh)
        if span is not None:
            spans.append(span)
            spans.extend(_corrected(text, span[1]))
    spans.extend(m.span() for m in _SPELLED.finditer(text) if _letters(m.group()) >= 2)
    if kind is EntityType.SECRET:
        spans.extend(m.span() for m in _MIXED.finditer(text))
        spans.extend(_chained_pieces(text))
        # "so that's R and B": characters of it asked for.
        spans.extend(m.span() for m in _LETTERS_AND.finditer(text))
    if kind in (EntityType.SECRET, EntityType.MAIDEN):
        # "3 is L, 5 is W.", "So it's Thackeray, second is H, fourth is C.": each character
        # asked for, named by its place.
        spans.extend(m.span("piece") for m in _PLACE_IS.finditer(text))
        # The recogniser capitalises proper nouns: inside a sentence, those are the
        # answer or a part of it, however much talk surrounds them ("We had a dog, Max,
        # but the first was a cat, Tigger.").
        spans.extend(
            m.span()
            for m in _PROPER.finditer(text)
            if m.group().lower() not in _NOT_PROPER
            # "...she was from Cork originally.": where the mother's family was from, a
            # place, not her name (a secret's answer may be a place: "born in Leeds").
            and not (
                kind is EntityType.MAIDEN
                and _PLACE_BEFORE.search(text, max(0, m.start() - 12), m.start())
            )
        )
        # "Mrs. Abernathy.": a name after a title, wherever the sentence starts.
        spans.extend(m.span("name") for m in _TITLED.finditer(text))
    said = {
        w.group().lower()
        for a, b in spans
        for w in _WORD.finditer(text, a, b)
        if w.group().lower() not in _NOT_ANSWER_WORDS
    }
    if said:
        # "...the Gallaghers. Gallagher.": a family name said as the family, then alone.
        said |= {w[:-1] for w in said if kind is EntityType.MAIDEN and len(w) > 3 and w[-1] == "s"}
        again = re.compile(
            r"(?<![\w'])(?:" + "|".join(map(re.escape, said)) + r")(?![\w'])", re.IGNORECASE
        )
        spans.extend(m.span() for m in again.finditer(text))
    value = " ".join(text[a:b] for a, b in sorted(set(spans))[:1])
    for a, b in spans:
        yield kind, a, b, value


_PLACE_BEFORE: Final = re.compile(r"\b(?:from|in|near|outside|around)\s$", re.IGNORECASE)
# A word or two and digits said alone: "Sunset 84."
_WORD_AND_DIGITS_ALONE: Final = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD})? \d{{1,6}}(?=[.!]|$)")
# A name said alone as a sentence of its own: "Nova.", "Grey Friars."
_NAME_ALONE: Final = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD}){{0,2}}(?=[.!]|$)")
_LETTERS_AND: Final = re.compile(r"(?<![\w'])(?-i:[A-Z])(?:,? and (?-i:[A-Z])(?![\w']))+")
# "3 is L", "the 5th is W", "number 2 was a 7": a character of a secret by its place.
_PLACE_IS: Final = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?|first|second|third|fourth|fifth|sixth|seventh|eighth"
    r"|ninth|tenth|last)(?: (?:one|character|letter|digit|number))? (?:is|'s|was) "
    r"(?:an? |the )?(?:(?:capital|small|lower ?case|upper ?case) )?(?P<piece>[A-Za-z0-9])(?![\w'@])"
)
# A password described piece by piece: "Capital t, tiger, then hash, then 42, then
# lowercase x." (a sentence with "then" twice at least).
_THEN_CHAIN: Final = re.compile(r"[^.!?]*\bthen\b[^.!?]*\bthen\b[^.!?]*", re.IGNORECASE)
_CHAIN_JOIN: Final = re.compile(r"\s*,?\s*\b(?:and )?then\b\s*,?\s*|\s*,\s*", re.IGNORECASE)
_CHAIN_PIECE_WORDS: Final = 2
_NOT_PIECE: Final = re.compile(r"(?:i|it|we|you|they|he|she|that|this)\b", re.IGNORECASE)


def _chained_pieces(text: str) -> Iterable[tuple[int, int]]:
    """The pieces of a password described one after another, joined by "then"."""
    for chain in _THEN_CHAIN.finditer(text):
        start = chain.start()
        for join in (*_CHAIN_JOIN.finditer(text, chain.start(), chain.end()), None):
            end = join.start() if join is not None else chain.end()
            lead = _LEAD.match(text, start, end)
            a = lead.end() if lead is not None else start
            piece = text[a:end].strip()
            if piece and len(piece.split()) <= _CHAIN_PIECE_WORDS and not _NOT_PIECE.match(piece):
                yield a, a + len(piece)
            if join is not None:
                start = join.end()


def _corrected(text: str, after: int) -> Iterable[tuple[int, int]]:
    """The answers a caller corrects a spoken answer to, after ``after`` (the first few
    corrections: a turn holds one or two, and this keeps a long turn linear)."""
    for count, marker in enumerate(_CORRECTED.finditer(text, after)):
        if count >= _MAX_CORRECTIONS:
            return
        if marker.start() < after:
            continue
        span = _phrase_at(text, marker.end(), fresh=False, corrected=True)
        if span is not None:
            yield span
            after = span[1]


def _letters(spelled: str) -> int:
    return sum(ch.isalpha() for ch in spelled)
