"""End-of-turn judgment from the caller's words, the agent's question and what is dictated.

The offline audio model scored our synthesised and narrowband callers poorly (complete
sentences under its threshold, fragments above it: `python -m bench turns` compares it
with this judge), and a real STT puts a
period wherever the caller paused, so neither the model nor the last character of the
transcript can tell "My number is 415." (a pause between digit groups) from a finished
answer. This judge reads, in order:

1. dictation: a phone, card, date, email, zip or account value that is not complete yet
   keeps the turn open whatever its punctuation (worker/turns/dictation.py), and one the turn
   ends by naming ("to my mobile.") may be read next;
2. the last words: a filler, a trailing conjunction or preposition, a correction marker
   ("I mean", "sorry"), a verb still missing its object ("I'd like to change.") or a
   possessive still missing its noun ("My husband's.");
3. a group of a value said alone ("416. Five five five.", "Lima Kilo.", "X as in
   X-ray."), whatever its kind, may be followed by the next;
4. the agent's last question: a yes/no question makes a bare "yes" final, and a short
   turn said to it or to a statement ("Not today.") may be the start of a longer one;
5. punctuation, last, and only as weak evidence.

It plugs into the framework's ``turn_detection`` protocol: a low score gets the maximum
endpointing delay, a high one the minimum. Two cases hold the verdict back (the
framework cancels the wait when the caller speaks again): a value half dictated waits
longer than the maximum delay (``dictation_hold_s``), an account number of unknown
length, a value named last or a group said alone a little longer than the minimum
(``maybe_hold_s``), a short answer just past a comma's pause (``short_hold_s``), and a
turn that ends on "um" as long as a half-dictated value (callers pause longest after a
filler).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from dataclasses import dataclass
from typing import Final, Literal

from livekit.agents import llm
from livekit.agents.language import LanguageCode

from compliance import normalise
from worker.turns.dictation import (
    Dictation,
    asked_for,
    asks_for_two,
    dictation_state,
    kind_named_last,
    sentences,
)

__all__ = [
    "RawTurnText",
    "TranscriptTurnJudge",
    "TurnVerdict",
    "hold_for",
    "judge_turn",
    "last_agent_text",
    "last_user_text",
]

FINAL_SCORE: Final = 0.95
UNFINISHED_SCORE: Final = 0.02

_DANGLING: Final = frozenset(
    """
    a an the to of for from with without in on at by under over into about as than
    since until unless
    and or but so because if when while that which who whose where my your our their his her its
    is are was were be been am i'm it's i we you they he she um uh er erm hmm like just
    then also plus mean actually wait sorry rather
    underscore dot dash hyphen between among via towards toward including except versus
    """.split()
)
_BE: Final = frozenset("is are was were am".split())
_PRONOUNS: Final = frozenset("it that this i you we they he she there".split())
# Verbs a caller uses to say what they want; left without an object the request is
# unfinished ("I'd like to change." said before a pause).
_TRANSITIVE: Final = frozenset(
    """
    change update check book order buy pay get make add remove move set reset know
    see report dispute return transfer speak talk schedule reschedule confirm verify open
    close use find ask give send tell
    """.split()
)
_WANTS: Final = re.compile(
    r"\b(?:to|want|wanna|gonna|need|needs|please|can you|could you|would you|i'll|let me)\s+"
    r"(?P<verb>[a-z']+)$"
)
_SHORT_ANSWERS: Final = frozenset(
    """
    yes yeah yep yup no nope nah okay ok sure correct right exactly alright fine great perfect
    thanks thank mm-hmm uh-huh mhm hm-hmm please absolutely definitely certainly well oh
    speaking worries
    """.split()
)
# A greeting said back to the agent's: "Hi," or "Hello," is how a caller starts the
# reason for the call, and the comma pause after it (~140 ms in synthesised speech) can
# outlast the VAD's silence window. Said alone it asks for nothing; "Hello?" checks the line.
_GREETING_WORDS: Final = (
    r"(?:(?:hi|hello|hey|hiya|howdy)(?: there)?|(?:good )?(?:morning|afternoon|evening))"
)
# One greeting or two ("Hi. Good morning."), after a "yes" or a filler.
_GREETING: Final = re.compile(
    rf"^(?:(?:yeah|yes|oh|um|uh) )?{_GREETING_WORDS}(?: {_GREETING_WORDS})?$"
)
# A sentence that is only a group of a value: three or more digits, or a code of
# capitals and digits ("416.", "555 0173.", "QQ 12 34.", "SW1A.", "4BT."), nothing else
# said. Case-sensitive: smart_format prints spelled letters as capitals.
_VALUE_GROUP: Final = re.compile(
    r"(?=(?:\D*\d){3})[\d ,\-]+|"
    r"(?=.*\d)(?=.*[A-Z])(?:[A-Z]{1,3}|\d+|[A-Z\d]*(?:[A-Z]\d|\d[A-Z])[A-Z\d]*)"
    r"(?:[ \-](?:[A-Z]{1,3}|\d+|[A-Z\d]*(?:[A-Z]\d|\d[A-Z])[A-Z\d]*))*"
)
# A group of a value spelled: "X as in X-ray.", "P for Peter.", or letters in the
# phonetic alphabet ("Lima Kilo.", "X-ray Yankee Zulu."), with digits or not.
_NATO: Final = (
    r"(?:alpha|alfa|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliet|juliett|kilo|"
    r"lima|mike|november|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiskey|"
    r"whisky|x-ray|xray|yankee|zulu)"
)
_AS_IN: Final = r"(?:\w|\d+) (?:as in|for) [\w\-]+"
_SPELLED_GROUP: Final = re.compile(
    rf"(?:{_AS_IN}|{_NATO}|\d+|[a-z])(?:[ ,]+(?:{_AS_IN}|{_NATO}|\d+|[a-z]))*"
)
# "My husband's." said alone: a possessive (or "is") whose noun or verb is still to come.
# Said to "Whose name is it in?" it is the answer.
_POSSESSIVE_ONLY: Final = re.compile(
    r"(?:my|our|your|his|her|their|the|a|this|that)(?: [a-z\-]+)? [a-z\-]+'s"
)
_HEDGED: Final = re.compile(
    r"(?:(?:yeah|yes|um|uh|well),? )?i (?:think|hope|guess|believe|suppose|reckon) (?:so|not)"
)
_LABEL_READ: Final = re.compile(
    r"(?:(?:okay|ok|so|yes|yeah|right),? )*(?:it's|it says|that's|it is) "
    r"(?:the |my |your )?(?:[a-z]+ ){0,2}(?:number|code|reference|id)"
)
_GROUP_INTRO: Final = re.compile(
    r"^(?:(?:yes|yeah|okay|ok|so|um|uh),? )*(?:it's|it is|that's|that is|the number is)\s+",
    re.IGNORECASE,
)
_GREETED: Final = re.compile(r"(?:good )?(?:morning|afternoon|evening)\b|(?:hi|hello|hey)\b")
# ``maybe`` verdicts that wait the acknowledgement hold, or the short-answer hold, not
# the value hold.
_ACK_HOLD_REASONS: Final = frozenset({"acknowledgement", "greeting"})
_SHORT_HOLD_REASONS: Final = frozenset({"answer_to_yes_no", "short_answer", "short_turn"})
# A finished turn this short, said to a yes/no question or a statement ("Not today.",
# "Once.", "Hi, Priya."), is as often the opener of a longer one, after a comma's breath,
# as the whole of it.
_SHORT_TURN_WORDS: Final = 2
# The agent offering more help: a "yes" to it says there is more, and what it is
# follows ("Yes, is there a way to talk to someone..." with a comma pause after "Yes").
_MORE_OFFER: Final = re.compile(
    r"\b(?:anything|something) else\b|\bany (?:other|more|further) (?:questions?|thing)"
)
_YES: Final = frozenset("yes yeah yep yup sure actually well um uh oh".split())
_YES_NO_OPENERS: Final = re.compile(
    r"^(?:is|are|am|was|were|do|does|did|can|could|would|will|shall|should|have|has|had|"
    r"may|might|must|isn't|aren't|don't|doesn't|didn't|won't|wouldn't|shall)\b"
)
# Endings no sentence stops on, beyond single words: "how much", "whether", a
# self-correction still missing its replacement ("Actually, no.", "No, sorry."), a
# time or place left open ("Any time after."), and a few phrases that owe their object.
_DANGLING_TAIL: Final = re.compile(
    r"(?:\bhow (?:much|many|long|often|far)|\bwhether|\bin order|"
    r"\b(?:actually|wait|sorry|i mean|rather)\W+no|\bno\W+(?:wait|sorry)|"
    r"\b(?:make|scratch) that|\b(?:tell|show|ask|give|send) (?:me|you|us)|\bsaying|"
    # "Any time after." -- a time left open, its point still to come.
    r"\b(?:any ?time|some ?time|anywhere|somewhere) (?:after|before|around|between|from|until)|"
    # "It says." -- what it says is still to come ("That's what it says." is whole).
    r"(?<!what )\b(?:it|that|this|which) (?:says|said|shows|showed|reads)|"
    r"(?<!what )\b(?:the )?[a-z]+ (?:says|shows|reads|states)|"
    # "...about my mother's." -- the possessive's noun is still to come.
    r"\b(?:about|regarding|concerning|for) (?:my|our|his|her|their|your) [a-z\-]+'s|"
    # "It's just a bit too." -- a degree still missing its adjective ("Me too." is whole).
    r"\b(?:a bit|a little|way|far|much|slightly|just) too|"
    # "The neighbour at number." -- the number itself is next.
    r"\b(?:at|in|on|to) number|"
    # "...and he's really." -- an intensifier still missing its adjective.
    r"\b(?:is|'s|are|'re|was|were|am|'m|be|been|feel|feels|felt|getting|looks?) "
    r"(?:really|very|so|quite|pretty|extremely|incredibly|super|a bit|a little)|"
    # "...a payment from a company called." -- the name is next ("I called." is whole).
    r"\b(?:a|an|some|this) [a-z]+ (?:called|named))"
    r"\W*$"
)
# "I usually see.", "It says that I owe.", "So I've got.": a verb still owing its object.
# Not in a question or after "what"/"how much" ("How much do I owe?", "That's what I owe.").
_OWES_OBJECT: Final = re.compile(
    r"(?:\b(?:i|we|you|they|he|she) (?:usually|normally|always|often|generally|mostly) "
    r"(?:see|use|go to|pay|get|have|call|book|speak to|deal with)|"
    r"\b(?:i|we|you|they|he|she) (?:still )?owes?|"
    r"\b(?:i|we|you|they)(?:'ve| have) got)[.!]*$"
)
_WORD: Final = re.compile(r"[\w'\-\[\]]+")
# "I don't have it", "I haven't got my account number", "I can't find it".
_REFUSAL: Final = re.compile(r"\b(?:\w+n't|not|cannot|never|no)\b")
# Something to be sent to a value the caller then names ("text the link to my mobile"):
# the words announce the value, as "my number is" does.
_SEND_TO: Final = re.compile(
    r"\b(?:send|text|call|email|e-mail|message|ring|reach|contact|forward)\b.*"
    r"\b(?:to|on|at) (?:my|the|this|that) [\w' -]+$"
)
_SENTENCE_END: Final = re.compile(r"[.?!]+")
# A part the STT closed on the word that introduces a value ("It's.", "The order number
# is.", "Send it to."), then a few words: the value being read, in groups.
_ANNOUNCED: Final = re.compile(
    r"\b(?:is|it's|that's|'s|are|was|to|be|says|reads)[.?!]\s+(?P<tail>[^?]+)$"
)
_ANNOUNCED_TAIL_WORDS: Final = 8
# "So the thing is." introduces a sentence, not a value.
_NOT_A_VALUE_INTRO: Final = re.compile(
    r"\b(?:thing|problem|issue|question|point|trouble|reason|situation|worry|story) is\W*$"
)
# A tail with its own verb ("...hasn't been sent over.") is a sentence, not a value.
_CLAUSE_VERB: Final = re.compile(
    r"\b(?:\w+n't|not|been|has|have|had|did|does|will|would|could|should|never)\b"
)
# "It is." said to "Is the outage still affecting you?": the answer, whatever follows.
_ANSWERED_YES_NO: Final = re.compile(
    r"^\W*(?:(?:yes|yeah|no)\W+)?(?:it|that|he|she|there|this|they|i|we) "
    r"(?:is|was|are|were|am|does|did|do|has|have|can|will)[.!]"
)
# The agent asked when: a day, a month or a date may come in pieces ("The 1st." / "Of
# next month."), and only a year closes one for certain.
# "What date...", "When...", and a named date: "What's the start date on the policy?",
# "What was the date of service?".
_DATE_QUESTION: Final = re.compile(
    r"\b(?:what|which)(?:'s| is| was| are| were)?(?: (?:the|your|its|their))?(?: [a-z]+){0,2} "
    r"(?:date|day)\b|\bwhen\b"
)
_DATE_WORDS: Final = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|"
    r"yesterday|week|month|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|\d+(?:st|nd|rd|th))\b"
)
_DATE_FRAGMENT_WORDS: Final = 8
# "Wednesday morning, if possible." to "Which day suits you?": a day needs no year.
_DAY_ONLY: Final = re.compile(
    r"(?:on |next |this |a )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"today|tomorrow)(?: (?:morning|afternoon|evening|night)|,? (?:if possible|please|"
    r"ideally|preferably|if that's okay|if that's possible|if you can))+"
)
# "...if I should." -- a modal after "if" or "whether" still owes its verb.
_OPEN_MODAL: Final = re.compile(
    r"\b(?:if|whether) \w+ (?:should|could|would|can|will|might|must|ought to)\W*$"
)


@dataclass(frozen=True, slots=True)
class TurnVerdict:
    """What the judge concluded about the caller's turn so far.

    Attributes:
        state: ``final`` (answer after the short delay), ``unfinished`` (wait the long
            delay), ``maybe`` (wait a little more, then answer).
        reason: Which signal decided, for the benchmark's breakdown (never the text).
    """

    state: Literal["final", "unfinished", "maybe"]
    reason: str
    dictation: Dictation | None = None

    @property
    def score(self) -> float:
        return UNFINISHED_SCORE if self.state == "unfinished" else FINAL_SCORE


# A word that leaves a sentence open said last, and yet the sentence is whole: a
# preposition left at the end of a question ("...switch to?") or after its object ("turn
# it on."), "thank you", or an adverb after a comma ("..., actually.").
_PARTICLE_OBJECTS: Final = frozenset("it them me him her this that us".split())
_SENTENCE_ADVERBS: Final = frozenset("actually though anyway".split())


def _ends_whole(text: str, words: list[str]) -> bool:
    last = words[-1]
    clause = _WORD.findall(_last_clause(text))
    if last in _FILLERS:
        return False
    if text.rstrip().endswith("?") and len(clause) >= 3:
        # "Who should I talk to?", "What is this charge for?" are whole. A yes/no-shaped
        # one left on "to" ("Could you send a text to?") or an infinitive still missing
        # its object ("Is there a way to talk to?") is a question cut at a pause: a
        # punctuating STT puts a question mark on those too.
        if len(words) >= 3 and words[-3] == "to":
            return False
        # "...a plan I could switch to?": the preposition's object is the plan.
        relative = any(w in _SUBJECTS for w in words[-4:-1])
        return clause[0] in _WH or last != "to" or relative
    if len(words) >= 2 and words[-2:] == ["thank", "you"]:
        return True
    said = " ".join(clause).lower()
    if _STRANDED.search(said):
        # "I'm not sure who I need to talk to.", "a bundle I never asked for.": the
        # preposition's object came first.
        return True
    if len(words) >= 2 and words[-2] in _PREPOSITIONS and last in _OBJECT_PRONOUNS:
        return True  # "...my old network over to you.", "I'm calling for her."
    if last == "you" and len(words) >= 2 and words[-2] not in _BEFORE_YOU_GOES_ON:
        return True  # "...but I can hear you.": the object
    if _PHRASAL_END.search(said) and (len(words) < 3 or words[-3] not in _BEFORE_A_BARE_VERB):
        # "...the online check in.", "...move the electricity over.", "...when the
        # heating comes on.": the particle of a phrasal verb, not a preposition.
        return True
    if (
        len(words) >= 3
        and words[-2] in _PARTICLE_OBJECTS
        and last in _PARTICLES
        and _PHRASAL_VERB.fullmatch(words[-3])
    ):
        return True  # "turn it on.", "send them back." -- not "I used it on." (a day next)
    if (
        len(words) >= 3
        and last in _PARTICLES
        and _PAST_VERB.fullmatch(words[-2])
        and words[-3] not in _BEFORE_A_BARE_VERB
    ):
        # "It hasn't been sent over.", "The engineer never turned up.": a phrasal verb.
        return True
    if _WHOLE_ENDING.search(said):
        return True
    if last == "sorry" and len(_WORD.findall(_previous_sentence(text))) >= 5:
        return True  # "I can't really afford it at the moment. Sorry.": an apology
    # "..., actually." or "I think that's it actually.": a sentence adverb after a
    # clause; "Actually." alone (or "no, actually") starts a correction.
    after_comma = bool(re.search(r",\s*\w+\W*$", text)) and len(clause) >= 3
    return (
        last in _SENTENCE_ADVERBS
        and (len(clause) >= 4 or after_comma)
        and words[-2] not in ("no", "wait")
    )


_FILLERS: Final = frozenset("um uh er erm hmm like".split())
_HESITATIONS: Final = frozenset("um uh er erm umm uhm".split())
_FINDING_WORDS: Final = 6
_OPEN_PHRASE: Final = frozenset(
    "a an the my your our their his its to of for from with about at by into under".split()
)
_HOLDING_FLOOR: Final = re.compile(
    r"(?:(?:okay|ok|right|yeah|yes|sure|um|uh|so),? )*"
    r"(?:hang on|hold on|bear with me|wait|one (?:sec|second|moment)|"
    r"just a (?:sec|second|moment|minute|tick)|give me a (?:sec|second|moment|minute)|"
    r"let me (?:just )?(?:find|check|get|grab|look|see)"
    r"(?: (?:it|that|for it|at it|up|(?:my|the|on my|on the|at my|at the) [a-z]+))?|"
    r"(?:(?:oh,? )?(?:no,? )?(?:sorry,? )?)(?:let me|i'll|i will|i'm going to) "
    r"(?:start|go) (?:again|over|from the (?:top|start|beginning)))"
)
_WH: Final = frozenset("what which who whom whose where when why how".split())
_SUBJECTS: Final = frozenset("i we you they he she it".split())
_PARTICLES: Final = frozenset("on off up in out back down over about".split())
_PHRASAL_VERB: Final = re.compile(
    r"(?:turn|switch|put|take|took|send|sent|pick|hand|give|gave|bring|brought|log|sign|"
    r"plug|hang|hung|shut|cut|pay|paid|top|back|fill|set|check|look|sort|call|ring|rang|"
    r"try|write|wrote|print|throw|threw|let|drop|leave|left|get|got|keep|kept|move|pass|"
    r"switch|lock|open|close|clear|wipe|fix|plug|read|blow|knock|break|broke|shut)"
    r"(?:s|es|ed|ing|ped|ted|ged)?"
)
# Endings that close a sentence though their last word often does not: "Someone will be
# in.", "I think so.", "Sort of.", "Okay then."
_WHOLE_ENDING: Final = re.compile(
    r"(?:\b(?:will|'ll|won't|would|should|might|can|could) be (?:in|out|back|home|away|around|"
    r"up|off)|\b(?:think|hope|guess|believe|suppose|expect|imagine|reckon|said|told you) so|"
    r"^(?:(?:yeah|well|um|uh),? )?(?:sort|kind) of|"
    r"\b(?:okay|ok|right|alright|fine|bye|goodbye|see you|cheers|thanks) then)$"
)
_PAST_VERB: Final = re.compile(
    r"[a-z]+ed|sent|put|set|got|gone|went|came|done|shut|hung|taken|took|"
    r"brought|broke|broken|given|gave|showed|shown|held|kept|left|made|paid|picked|"
    r"switched|cut|stuck|woke|woken"
)
# "It was supposed to come on." -- an infinitive, whose preposition still owes its object.
_BEFORE_A_BARE_VERB: Final = frozenset("to will would can could should must might".split())
_STRANDED: Final = re.compile(
    r"(?:\b(?:who|whom|what|which|where)\s+(?:i|we|you|they|he|she|it|someone)\b.*|"
    r"\b[a-z]+ (?:i|we|they|he|she) (?:\w+ ){0,2}?(?:[a-z]+ed|paid|got|bought|sent|spoke|"
    r"went|came|thought|made|took|gave|signed up|applied|spent) )"
    r"(?:to|for|with|about|from|on|in|at|of)$"
)
_PREPOSITIONS: Final = frozenset("to for with from at by about of on in over".split())
_OBJECT_PRONOUNS: Final = frozenset("me you us them him her".split())
# "...and you." may go on; "Can you." owes its verb.
_BEFORE_YOU_GOES_ON: Final = frozenset(
    """
    and or but because if when so that than while can could would will do did have are
    were should shall may might must
    """.split()
)
_PHRASAL_END: Final = re.compile(
    r"\b(?:check|log|sign|top|pick|set|drop|call|ring|follow|print|break|cut|hang|turn|"
    r"kick|switch|come|go|show|start|pop|light|power|boot|plug|mix|lock|write|hand|log)"
    r"(?:s|es|ed|ing)? (?:in|on|out|up|off|back|down|over)$|"
    r"\b(?:move|switch|send|put|turn|take|bring|hand|sign|pick|set|sort|carry|change|"
    r"transfer|pass|call|ring|top|cut|shut|fill|print|look|check|swap|port|pay|back|"
    r"close|clear|read|write|hook)(?:s|es|ed|ing)?(?: [a-z']+){1,3} "
    r"(?:over|up|out|off|in|on|back|down|through)$|"
    r"\b(?:came|went|turned|kicked|switched|broke|showed|cut|comes|goes|turns|kicks|"
    r"switches|breaks|shows|cuts|keeps|keep|kept) (?:on|off|up|in|out|back|down|over)$"
)


def _last_sentence(text: str) -> str:
    """The last sentence as written (case kept), without its closing mark."""
    parts = [p for p in _SENTENCE_END.split(text) if p.strip()]
    return parts[-1].strip() if parts else ""


def _previous_sentence(text: str) -> str:
    parts = [p for p in _SENTENCE_END.split(text) if p.strip()]
    return parts[-2] if len(parts) >= 2 else ""


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _last_clause(text: str) -> str:
    return _last_sentence(text).lower()


_YEAR: Final = re.compile(r"\b(?:19|20)\d{2}\b")


def _last_question(agent_text: str) -> str:
    """The agent's last sentence, lower-cased, if it is a question; else ""."""
    said = sentences(agent_text)
    return said[-1] if said and said[-1].endswith("?") else ""


def _is_yes_no_question(agent_text: str) -> bool:
    question = _last_question(agent_text)
    if not question:
        return False
    if re.search(r"\b(?:right|correct|ok|okay)\?$", question):
        return True
    return _YES_NO_OPENERS.match(question) is not None


def _offers_more(agent_text: str) -> bool:
    return bool(_MORE_OFFER.search(_last_question(agent_text)))


def judge_turn(user_text: str, agent_text: str = "") -> TurnVerdict:
    """Decide whether the caller's turn is finished.

    Args:
        user_text: The caller's turn so far, as the STT transcribed it (raw, before
            redaction, so dictated digits can be counted).
        agent_text: The agent's last message, if any.
    """
    text = user_text.strip()
    words = [w.strip("-'") for w in _WORD.findall(text.lower())]
    words = [w for w in words if w]
    if not words:
        return TurnVerdict("final", "empty")
    dictation = dictation_state(text, agent_text)
    last = words[-1]
    if dictation is not None and dictation.complete is False:
        return TurnVerdict("unfinished", f"dictation_incomplete:{dictation.kind}", dictation)
    parts = [part.rstrip(".!?,") for part in sentences(text)]
    holding = [i for i, part in enumerate(parts) if _HOLDING_FLOOR.fullmatch(part)]
    since = " ".join(parts[holding[-1] + 1 :]) if holding else ""
    # "Hang on. I need my glasses.", "It's with the. Hang on. It's on the letter.": the
    # caller went to find something and has not given it yet.
    still_finding = (
        bool(holding)
        and not _has_digit(since)
        and len(_WORD.findall(since)) <= _FINDING_WORDS
        and not text.endswith("?")
        and not _REFUSAL.search(since)
    )
    if last in _HESITATIONS or _HOLDING_FLOOR.fullmatch(_last_clause(text)) or still_finding:
        # "Um.", "Hang on.", "Let me just find it.", "Hang on. I need my glasses." -- the
        # caller holds the floor while finding the words or the letter, and that pause
        # runs longer than one between words (over a second).
        return TurnVerdict("unfinished", "hesitation", dictation)
    if _POSSESSIVE_ONLY.fullmatch(_last_clause(text)) and not re.search(
        r"\b(?:whose|which|where)\b", _last_question(agent_text)
    ):
        return TurnVerdict("unfinished", "dangling_word", dictation)
    # "Yes, it is." / "I am." end on a verb and are still finished; said to a question
    # that asks for something ("Who am I speaking with?" / "This is."), the answer follows.
    asks_what = agent_text.rstrip().endswith("?") and not _is_yes_no_question(agent_text)
    answered_be = last in _BE and len(words) > 1 and words[-2] in _PRONOUNS and not asks_what
    # "Every time I pay online, it." -- a subject after a comma, its verb still to come.
    subject_left = last in _SUBJECTS and bool(re.search(r",\s*\w+\W*$", text))
    if (
        (last in _DANGLING and not answered_be and not _ends_whole(text, words))
        or subject_left
        or text.endswith((",", "-", "...", "…"))
        or _DANGLING_TAIL.search(text.lower())
        or _OPEN_MODAL.search(text.lower())
        or (
            _OWES_OBJECT.search(text.lower())
            and not re.search(r"\b(?:what|how much|how many)\b", _last_clause(text))
        )
    ):
        if last in _OPEN_PHRASE and not _ends_whole(text, words):
            # "Well, it's about my." -- an article, a possessive or a preposition left
            # open: the caller is finding the word, and may take as long as after "um".
            return TurnVerdict("unfinished", "open_phrase", dictation)
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if dictation is not None and dictation.complete:
        if agent_text and asks_for_two(agent_text):
            # "Your sort code and account number?": the sort code said, the number next.
            return TurnVerdict("maybe", f"second_value:{dictation.kind}", dictation)
        return TurnVerdict("final", f"dictation_complete:{dictation.kind}", dictation)
    announced = _ANNOUNCED.search(text.lower())
    if (
        announced is not None
        and len(_WORD.findall(announced["tail"])) <= _ANNOUNCED_TAIL_WORDS
        and not _NOT_A_VALUE_INTRO.search(text.lower()[: announced.start() + 4])
        and not _CLAUSE_VERB.search(announced["tail"])
        and not (_is_yes_no_question(agent_text) and _ANSWERED_YES_NO.search(text.lower()))
    ):
        # The caller introduced a value and has read some of it ("It's." / "42 Harbour
        # Street." / "Leeds."): the next group may follow after a breath.
        return TurnVerdict("maybe", "announced_value", dictation)
    if dictation is not None:
        return TurnVerdict("maybe", f"dictation_unknown_length:{dictation.kind}", dictation)
    named = kind_named_last(text) if not text.endswith("?") else None
    asked = asked_for(agent_text) if agent_text else None
    confirms = re.match(r"(?:is|are|was|were|do|does|did|has|have) ", _last_question(agent_text))
    if (
        asked is not None
        and not confirms
        and dictation is None
        and len(words) <= 3
        and not any(ch.isdigit() for ch in text)
        and not text.endswith("?")
        and not _REFUSAL.search(text.lower())
        and not all(w in _SHORT_ANSWERS for w in words)
    ):
        # The agent asked for a value and the caller has said a few words of no digits:
        # the first group of a code ("HP.", "SW1A." ahead of "0048."), a place before
        # its postcode ("Austin."): the value may follow after a breath.
        return TurnVerdict("maybe", f"value_expected:{asked[0]}")
    if (
        asked is not None
        and asked[0] != "email"
        and not any(ch.isdigit() for ch in text)
        and len(words) <= _DATE_FRAGMENT_WORDS
        and not text.endswith("?")
        and not _REFUSAL.search(text.lower())
        and asks_for_two(agent_text)
    ):
        # "Which suburb is that, and the postcode?" / "Surry Hills. New South Wales.":
        # the place is said, the number not yet.
        return TurnVerdict("maybe", f"value_expected:{asked[0]}")
    if _DATE_QUESTION.search(_last_question(agent_text)) and re.fullmatch(
        r"(?:(?:it was |on )?the )?\d{1,2}(?:st|nd|rd|th)?", _last_clause(text)
    ):
        # "03." to "When does your passport expire?": a month or a day, the rest next.
        return TurnVerdict("maybe", "date_fragment")
    if (
        _DATE_QUESTION.search(_last_question(agent_text))
        and _DATE_WORDS.search(text.lower())
        and not _DAY_ONLY.fullmatch(_last_clause(text))
        and len(words) <= _DATE_FRAGMENT_WORDS
        and not _YEAR.search(text)
    ):
        # "When's the moving date?" / "The 15th." then "Of December.": a date said in
        # pieces; a breath may come between them.
        return TurnVerdict("maybe", "date_fragment")
    clause_text = _last_clause(text)
    refused = _REFUSAL.search(clause_text) is not None
    # Across the STT's periods: "...send a text to. My mobile." is one request.
    joined = re.sub(r"[.?!]+", "", text.lower()).strip(" ,")
    sent_there = named is not None and _SEND_TO.search(joined) is not None
    asked_it = asked is not None and asked[0] == named
    confirming = re.match(r"(?:is|are) (?:this|that|it|these) ", _last_question(agent_text))
    if named is not None and (asked_it or sent_there) and not refused and not confirming:
        # The agent just asked for this value and the caller named it ("The number on
        # my account." after "What's the best number?"), or the caller asks for
        # something to be sent there ("Could you text the link to my mobile,"): the
        # value itself may follow, after the breath callers take before reading one.
        # Otherwise a
        # finished sentence that ends on a value's name ("I want to update my phone
        # number.", "...under my wife's name, actually.") is answered like any other,
        # and so is one that refuses it ("I don't have my account number."); words
        # that announce the value ("my number is") are dictation, above.
        return TurnVerdict("maybe", f"kind_named:{named}")
    if _LABEL_READ.fullmatch(_last_clause(text)) and not refused:
        # "Okay. It's order number." -- the caller reads the label; the value is next.
        return TurnVerdict("maybe", "label_read")
    greeting = _GREETING.match(" ".join(words))
    # "Afternoon." answers "a morning or afternoon slot?"; after a greeting it is one.
    bare_time = greeting is not None and words[-1] in ("morning", "afternoon", "evening")
    # "Morning." said back to "Good morning, how can I help?" is a greeting all the same.
    asked_something = agent_text.rstrip().endswith("?") and (
        not _GREETED.match(agent_text.strip().lower()) or " or " in agent_text.lower()
    )
    if greeting and not text.endswith("?") and not (bare_time and asked_something):
        return TurnVerdict("maybe", "greeting")
    clause = _last_clause(text)
    clause_words = _WORD.findall(clause)
    # "No. That's everything. Thanks.": a short answer closing a longer turn ends it.
    closing = len(words) > 3 and not all(w in _SHORT_ANSWERS for w in words)
    if clause_words and all(w.strip("-") in _SHORT_ANSWERS for w in clause_words) and not closing:
        if set(words) <= _YES and _offers_more(agent_text) and not set(words) <= {"well"}:
            return TurnVerdict("maybe", "yes_to_more")
        if agent_text and not agent_text.rstrip().endswith("?") and set(words) <= _SHORT_ANSWERS:
            # "Great." after the agent told the caller something, not asked: as often the
            # start of a longer turn ("Great, thank you so much.") as all of it, and
            # nothing waits on the answer; a short hold lets the rest arrive.
            return TurnVerdict("maybe", "acknowledgement")
        # "Yes." / "No." / "Okay." said alone, or followed after a comma's breath by
        # more ("No, the other one."): the comma pause (0.15-0.35 s) outlasts the VAD's
        # silence window, so a short answer waits just past it.
        reason = (
            "answer_to_yes_no" if agent_text and _is_yes_no_question(agent_text) else "short_answer"
        )
        return TurnVerdict("maybe", reason)
    if _HEDGED.fullmatch(clause) and agent_text and _is_yes_no_question(agent_text):
        # "I think so." to a yes/no question: a short answer, as often followed by more.
        return TurnVerdict("maybe", "answer_to_yes_no")
    wants = _WANTS.search(clause.rstrip(" ,"))
    if wants is not None and wants.group("verb") in _TRANSITIVE:
        return TurnVerdict("unfinished", "verb_without_object")
    spelled = _SPELLED_GROUP.fullmatch(_GROUP_INTRO.sub("", clause))
    if spelled and (
        len(re.findall(rf"\b{_NATO}\b", clause)) >= 2
        or re.search(_AS_IN, clause)
        or (re.search(rf"\b{_NATO}\b", clause) and (asked is not None or _has_digit(clause)))
    ):
        # "X as in X-ray.", "Lima Kilo.": a value spelled in groups, more may follow.
        return TurnVerdict("maybe", "value_group")
    # "It's 202.": a group after the words that introduce it ("It is 2024." is a year).
    sentence = _last_sentence(normalise(text).text)
    group = _GROUP_INTRO.sub("", sentence)
    said_a_date = _YEAR.fullmatch(group) is not None and (
        _DATE_WORDS.search(text.lower()) or group != sentence
    )
    if _VALUE_GROUP.fullmatch(group) and not said_a_date:
        # "416. Five five five.": a group of a value read aloud, its kind not known (or
        # its length not): callers breathe between groups, so the next may follow. A
        # year after a day and month ends a date.
        return TurnVerdict("maybe", "value_group")
    if len(words) <= _SHORT_TURN_WORDS and not text.endswith("?") and not asks_what:
        # After "What's the name on the account?" two words are the answer; after a
        # yes/no question or a statement they are often the start of one.
        return TurnVerdict("maybe", "short_turn")
    if text.endswith(("?", ".", "!")):
        return TurnVerdict("final", "punctuated")
    # Digits or a placeholder with no full stop: a number read out in groups.
    if text[-1].isdigit() or text.endswith("]"):
        return TurnVerdict("unfinished", "bare_number")
    # Unpunctuated: Deepgram (punctuate=true) ends what it hears as a complete sentence
    # with a mark, so a bare fragment ("I would like to change") is a pause.
    return TurnVerdict("unfinished", "unpunctuated")


def hold_for(
    verdict: TurnVerdict,
    *,
    maybe_s: float,
    dictation_s: float,
    ack_s: float,
    short_s: float = 0.0,
) -> float:
    """The extra wait a verdict asks for: the value hold for a ``maybe``, the
    acknowledgement hold for a bare acknowledgement or greeting, the short-answer hold
    for a bare "Yes." (a comma's breath), the dictation hold for a value said only in
    part or a turn ending on "um", nothing otherwise. The judge and `bench turns` share it."""
    if verdict.state == "maybe":
        if verdict.reason in _ACK_HOLD_REASONS:
            return ack_s
        if verdict.reason in _SHORT_HOLD_REASONS:
            return short_s
        return maybe_s
    if verdict.state == "unfinished" and (
        verdict.reason.startswith("dictation_incomplete")
        or verdict.reason in ("hesitation", "open_phrase")
    ):
        return dictation_s
    return 0.0


def _messages(chat_ctx: llm.ChatContext, role: str) -> str:
    for item in reversed(chat_ctx.items):
        if item.type == "message" and item.role == role:
            return (item.text_content or "").strip()
    return ""


def last_user_text(chat_ctx: llm.ChatContext) -> str:
    """The caller's latest message, or "" before the caller has said anything."""
    return _messages(chat_ctx, "user")


def last_agent_text(chat_ctx: llm.ChatContext) -> str:
    """The agent's latest message, or "" before the agent has said anything."""
    return _messages(chat_ctx, "assistant")


def _squash(text: str) -> str:
    return " ".join(text.split())


class RawTurnText:
    """The call's recent STT finals, raw and redacted, in memory only.

    The STT node redacts every transcript before the framework sees it, so the chat
    context the turn detector receives holds "[PHONE_1]" where the caller said "415".
    The framework builds the turn's text by joining the finals since the last commit
    with spaces; matching that join against the newest finals' redacted texts finds
    their raw texts. Never logged; bounded so a long call does not grow it.
    """

    def __init__(self, keep: int = 32) -> None:
        self._finals: deque[tuple[str, str]] = deque(maxlen=keep)
        self.awaiting_final = False
        """The STT heard words or speech begin and has not finalized or endpointed since."""
        self.awaiting_since = 0.0
        """Wall-clock time ``awaiting_final`` last became true."""
        self.endpointed_at = 0.0
        """Wall-clock time of the STT's last endpoint: it was answering then."""

    def add(self, raw: str, redacted: str) -> None:
        self.awaiting_final = False
        if raw.strip():
            self._finals.append((_squash(raw), _squash(redacted)))

    def heard(self, interim: str) -> None:
        """An interim result: words the STT heard and has not finalized yet."""
        if interim.strip():
            self._await()

    def speech_started(self) -> None:
        """The STT heard speech begin (Deepgram's ``SpeechStarted``). Interims come about
        once a second of audio, so a short second breath ("Yes." then "is there a way
        to talk to") often has none before its final: speech heard is words pending."""
        self._await()

    def _await(self) -> None:
        if not self.awaiting_final:
            self.awaiting_final = True
            self.awaiting_since = time.time()

    def speech_ended(self) -> None:
        """The STT's endpoint: whatever it heard is finalized, or was noise with no words
        (no final follows then, and nothing must stay pending)."""
        self.awaiting_final = False
        self.endpointed_at = time.time()

    def raw_for(self, redacted_turn: str) -> str | None:
        """The raw text of the turn whose redacted text is ``redacted_turn``, if the
        newest finals make it up."""
        target = _squash(redacted_turn)
        if not target:
            return None
        redacted: list[str] = []
        raw: list[str] = []
        for raw_text, redacted_text in reversed(self._finals):
            redacted.insert(0, redacted_text)
            raw.insert(0, raw_text)
            joined = " ".join(redacted)
            if joined == target:
                return " ".join(raw)
            if len(joined) > len(target):
                return None
        return None


class TranscriptTurnJudge:
    """Implements the framework's turn-detector protocol with :func:`judge_turn`.

    Args:
        unlikely_threshold: below it the framework waits the maximum delay.
        raw_text: the call's raw finals, so dictation is judged on digits, not on
            placeholders; without it the judge reads the chat context as it is.
        maybe_hold_s: extra wait for a value that may or may not be complete.
    """

    def __init__(
        self,
        *,
        unlikely_threshold: float = 0.2,
        raw_text: RawTurnText | None = None,
        maybe_hold_s: float = 1.45,
        dictation_hold_s: float = 1.6,
        ack_hold_s: float = 0.5,
        short_hold_s: float = 0.3,
    ) -> None:
        self._threshold = unlikely_threshold
        self._raw = raw_text
        self._maybe_hold_s = maybe_hold_s
        self._dictation_hold_s = dictation_hold_s
        self._ack_hold_s = ack_hold_s
        self._short_hold_s = short_hold_s

    @property
    def model(self) -> str:
        return "transcript-judge"

    @property
    def provider(self) -> str:
        return "callcenter"

    async def unlikely_threshold(self, language: LanguageCode | None) -> float | None:
        return self._threshold

    async def supports_language(self, language: LanguageCode | None) -> bool:
        return language is None or str(language).lower().startswith("en")

    def verdict(self, chat_ctx: llm.ChatContext) -> TurnVerdict:
        text = last_user_text(chat_ctx)
        if self._raw is not None:
            if self._raw.awaiting_final:
                # The framework judges the finals it has; with a slow STT the words after
                # the last final ("Yes." then "is there a way to talk to") are still only
                # an interim, and "Yes." alone looks finished. Their final re-runs the
                # judgment on the whole turn; should it never come, the maximum delay
                # ends the wait.
                return TurnVerdict("unfinished", "awaiting_final")
            text = self._raw.raw_for(text) or text
        return judge_turn(text, last_agent_text(chat_ctx))

    async def predict_end_of_turn(
        self,
        chat_ctx: llm.ChatContext,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the framework's protocol signature
    ) -> float:
        verdict = self.verdict(chat_ctx)
        hold = self.hold_s(verdict)
        if hold > 0:
            # The framework's endpointing knows two delays, counted from the end of
            # speech; a value that may continue gets one in between, and a value half
            # dictated one longer than the maximum (callers breathe over a second
            # between digit groups). The framework cancels this task when the caller
            # speaks again, which ends the wait.
            await asyncio.sleep(hold)
        return verdict.score

    def hold_s(self, verdict: TurnVerdict) -> float:
        """How long to wait, from when the judge is asked, before giving the verdict."""
        return hold_for(
            verdict,
            maybe_s=self._maybe_hold_s,
            dictation_s=self._dictation_hold_s,
            ack_s=self._ack_hold_s,
            short_s=self._short_hold_s,
        )

    @staticmethod
    def score(text: str, agent_text: str = "") -> float:
        """Probability-like score that the caller has finished their turn."""
        return judge_turn(text, agent_text).score
