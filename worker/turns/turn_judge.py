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
from worker.turns import caller_phrases as phrases
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

# ``maybe`` verdicts that wait the acknowledgement hold, or the short-answer hold, not
# the value hold.
_SAYS_LABEL: Final = re.compile(r"\b(?:says|reads|shows|states) (?P<label>[a-z]+(?: [a-z]+)?)\W*$")
_ACK_HOLD_REASONS: Final = frozenset({"acknowledgement", "greeting"})
_SHORT_HOLD_REASONS: Final = frozenset({"answer_to_yes_no", "short_answer", "short_turn"})
# A finished turn this short, said to a yes/no question or a statement ("Not today.",
# "Once.", "Hi, Priya."), is as often the opener of a longer one, after a comma's breath,
# as the whole of it.
_SHORT_TURN_WORDS: Final = 2
# "...and it's never.": an auxiliary and "never" after a conjunction, the verb to come.
_NEVER_AFTER: Final = frozenset(
    "it's i've we've you've they've he's she's has have had is was i'd we'd he'd she'd".split()
)
_ECHOED_ANSWER_WORDS: Final = 3
_YES_OR_NO: Final = frozenset("yes yeah yep no nope".split())
_ECHO_WORDS: Final = (
    _YES_OR_NO
    | phrases.PRONOUNS
    | phrases.AUXILIARIES
    | frozenset(
        "i'm we're it's not isn't aren't wasn't weren't don't doesn't didn't can't won't "
        "haven't hasn't".split()
    )
)
# "It says Q.", "It says GS.": a code's first letters read off the page.
_READ_A_CODE_START: Final = re.compile(
    r"\b(?:(?:[Ii]t|[Tt]his|[Tt]hat|[Tt]he [a-z]+) (?:says|reads|shows|starts)|[Nn]umber) "
    r"(?!(?:OK|ON|OFF|NO|YES|END|TV|I)\b)[A-Z]{1,4}\W*$"
)
# "..., and if so, what's the policy number?": a value asked for after a yes.
_IF_SO: Final = re.compile(r"\bif (?:so|yes|you do|you have)\b[^.?!]*\?")
_ANNOUNCED_TAIL_WORDS: Final = 8
_DATE_FRAGMENT_WORDS: Final = 8
_WORDS_BEFORE_A_DATE: Final = 4


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


def _ends_whole(text: str, words: list[str]) -> bool:
    last = words[-1]
    clause = phrases.WORD.findall(_last_clause(text))
    if last in phrases.FILLERS:
        return False
    if text.rstrip().endswith("?") and last in _DETERMINERS:
        return False  # "Is it okay if my?": the noun is still to come
    if text.rstrip().endswith("?") and len(words) >= 2 and words[-2:] in _VERB_UNDERSTOOD:
        return True  # "Can you arrange the lift, or do I have to?": the verb said before
    if text.rstrip().endswith("?") and last in _OWES_A_CLAUSE:
        return False  # "Can you tell me if?": the question is cut at a pause
    if text.rstrip().endswith("?") and len(clause) == 1 and last in ("sorry", "pardon"):
        return True  # "Sorry?": say that again
    if text.rstrip().endswith("?") and len(clause) >= 3:
        # "Who should I talk to?", "What is this charge for?" are whole. A yes/no-shaped
        # one left on "to" ("Could you send a text to?") or an infinitive still missing
        # its object ("Is there a way to talk to?") is a question cut at a pause: a
        # punctuating STT puts a question mark on those too.
        if (
            len(words) >= 3
            and words[-3] == "to"
            and last in phrases.PREPOSITIONS
            # "...or do I have to come in?": a verb and its particle, whole.
            and not (words[-2] in _GOES_AND_COMES and last in _ADVERB_PARTICLES)
            # "Which ones do I have to pay for?": the question word is its object.
            and clause[0].lower() not in phrases.WH
        ):
            return False
        # "...a plan I could switch to?": the preposition's object is the plan; not
        # "Is it possible to?", where the subject follows the verb.
        relative = any(
            w in phrases.SUBJECTS and words[k - 1] not in phrases.AUXILIARIES
            for k, w in enumerate(words[:-1])
            if k >= len(words) - 4 and k > 0
        )
        # "So who do I speak to?": a wh-question after its opener.
        return any(w.lower() in phrases.WH for w in clause[:3]) or last != "to" or relative
    if len(words) >= 2 and words[-2:] == ["thank", "you"]:
        return True
    if last == "that" and len(words) >= 2 and words[-2] in _TAKES_THAT:
        return True  # "I don't think I need that.": the thing offered, not a clause next
    said = " ".join(clause).lower()
    if phrases.STRANDED.search(said):
        # "I'm not sure who I need to talk to.", "a bundle I never asked for.": the
        # preposition's object came first.
        return True
    if len(words) >= 2 and words[-2] in _BEFORE_AN_OBJECT and last in phrases.OBJECT_PRONOUNS:
        return True  # "...my old network over to you.", "...bigger than her."
    if (
        last == "then"
        and len(words) >= 2
        and (
            words[-2] in _THEN_ENDS_AFTER
            # "I'll drop it in after work then.": the adverb after a clause of its own.
            or (
                len(clause) >= _THEN_CLAUSE_WORDS
                and words[-2] not in phrases.DANGLING
                and words[-2] not in phrases.BEFORE_A_SEQUEL
            )
        )
    ):
        # "We'll have it done before then.": the time, not "and then..."; "I'll wait in
        # for him then.", "Just cancel it then.", "Go on then.": the adverb after the
        # object or the particle.
        return True
    if last == "that" and len(words) >= 2 and phrases.BEFORE_A_DEMONSTRATIVE.fullmatch(words[-2]):
        return True  # "...before that.", "...a penalty for doing that.": the pronoun
    if last == "since" and len(words) >= 2 and words[-2] in _SINCE_ENDS_AFTER:
        return True  # "I've changed it since.", "...ever since.": the adverb
    if last == "you" and len(words) >= 2 and words[-2] not in phrases.BEFORE_YOU_GOES_ON:
        return True  # "...but I can hear you.": the object
    if (
        phrases.PHRASAL_END.search(said)
        and (len(words) < 3 or words[-3] not in phrases.BEFORE_A_BARE_VERB)
        # "...pay it off in.": the phrasal verb is whole, and a preposition follows it
        # ("...turned it back on." is one particle).
        and (words[-2] not in phrases.PARTICLES or words[-2] == "back")
    ):
        # "...the online check in.", "...move the electricity over.", "...when the
        # heating comes on.": the particle of a phrasal verb, not a preposition.
        return True
    if (
        len(words) >= 3
        and words[-2] in phrases.PARTICLE_OBJECTS
        and last in phrases.PARTICLES
        and phrases.PHRASAL_VERB.fullmatch(words[-3])
    ):
        return True  # "turn it on.", "send them back." -- not "I used it on." (a day next)
    if (
        len(words) >= 3
        and last in phrases.PARTICLES
        and phrases.PAST_VERB.fullmatch(words[-2])
        and words[-3] not in phrases.BEFORE_A_BARE_VERB
        # "I'm a bit worried about.": "about" after a feeling is its preposition.
        and not (last == "about" and words[-2] not in _ABOUT_VERBS)
    ):
        # "It hasn't been sent over.", "The engineer never turned up.": a phrasal verb.
        return True
    if phrases.WHOLE_ENDING.search(said):
        return True
    if last == "sorry" and len(phrases.WORD.findall(_previous_sentence(text))) >= 5:
        return True  # "I can't really afford it at the moment. Sorry.": an apology
    if last == "sorry" and len(clause) == 1 and len(sentences(text)) >= _CORRECTED_SENTENCES:
        # "The 42. The 43. Sorry.", "No. 124. Sorry.": the apology for a correction made
        # ("681. Sorry." alone goes on to the number again).
        return True
    # "..., actually." or "I think that's it actually.": a sentence adverb after a
    # clause; "Actually." alone (or "no, actually") starts a correction.
    after_comma = bool(re.search(r",\s*\w+\W*$", text)) and len(clause) >= 3
    if last == "then" and after_comma and words[-2] not in phrases.BEFORE_A_SEQUEL:
        return True  # "Let's do that, then.": the adverb, not "and then..."
    # "Rabbit, actually.", "Twice, actually.": the answer, then the adverb.
    after_answer = (
        len(clause) == 2
        and bool(re.search(r"\w,\s*\w+\W*$", text))
        and words[-2] not in _OPENS_A_CORRECTION
    )
    return (
        last in phrases.SENTENCE_ADVERBS
        and (len(clause) >= 4 or after_comma or after_answer)
        and words[-2] not in ("no", "wait")
    )


_FINDING_WORDS: Final = 6
_REMARK_WORDS: Final = 8
_GIVING: Final = frozenset("gave give gives handed hands lent lends sold sells offered".split())
_BEFORE_NEAR: Final = frozenset(
    "quite very so too pretty really fairly is 's was are were nowhere somewhere anywhere "
    "near come came getting".split()
)
_ASKS_FOR_A_SLOT: Final = re.compile(
    r"(?:(?:um|so|well|oh),? )*(?:can|could|would) (?:you|we) (?:do|manage|fit in)\W*"
)
_SINCE_ENDS_AFTER: Final = frozenset("it them that then ever".split())
# "Well, actually.", "Yes, actually.": words before an adverb that opens what follows.
_OPENS_A_CORRECTION: Final = frozenset("yes yeah no wait well oh um uh er so and but or".split())
_ASIDE_WORDS: Final = 8
# A number at work, which may have an extension after it ("a daytime number" and "a direct
# line" have none).
_WORK_NUMBER: Final = re.compile(
    r"\b(?:work|office|business|company)(?: phone| telephone| contact)? (?:number|line)\b|"
    r"\bnumber (?:to (?:get|reach) you )?at work\b"
)
# Five digits said on their own ("60614."): a US ZIP whose four more digits may follow
# ("Dash 2201."), or a European postcode whose town may ("Paris."), after a breath. The
# caller who has already said where ("It's in Berlin. 10115.") has nothing left to add.
_FIVE_DIGITS_ALONE: Final = re.compile(r"\d{5}")
_PLACE_SAID: Final = re.compile(r"\b(?:[Ii]n|[Ff]rom) [A-Z][a-z]+|\b[A-Z][a-z]+ one\b")
_WHOSE_VALUE: Final = re.compile(
    r"(?:it's|it is|it'll be|use|send it to) (?:my|his|her|our|their) (?:[a-z]+'s )?[a-z ]*"
)
# "..., and since then, the.": a clause begun after a comma, left on its subject's
# determiner ("...me and my." joins a noun, not a clause).
_CLAUSE_BEGUN_ON_THE: Final = re.compile(r", (?:the|my|our|his|her|their|this|that)$")
_BARE_SUBJECT_WORDS: Final = 5
_ASKS_TO_BE_TOLD: Final = re.compile(
    r"(?:can|could|would|will) you (?:please )?(?:tell|give|read|spell|confirm|provide) (?:me|us)\b"
)
_DETERMINERS: Final = frozenset("a an the my your our their its".split())
# "I'm not sure if.", "I was wondering whether.": words whose clause is said next.
_ASKS_A_CLAUSE: Final = frozenset(
    "sure wonder wondering wondered know ask asking check see".split()
)
_ASIDE_SENTENCES: Final = 2
_LABEL_AFTER: Final = frozenset("in at on from to into".split())
# "I have plot.": a place one holds, named with no article, is a label whose number is
# next (a singular count noun after its verb needs one or the other).
_HELD_PLACES: Final = frozenset("plot pitch berth bay locker stall unit flat allotment".split())
_HOLDING_VERBS: Final = frozenset("have has had got rent rents own owns booked hold".split())
# "to come in?", "to log on?", "to pop round?": a verb whose particle needs no object.
_GOES_AND_COMES: Final = frozenset(
    "come go get pop drop call check log sign move stop turn show walk drive ring phone head "
    "step hop nip swing".split()
)
_ADVERB_PARTICLES: Final = frozenset("in out up back over off down round around away by on".split())
_JOINER_ALONE: Final = re.compile(
    r"(?:and |then |and then )?(?:a )?(?:slash|forward slash|back ?slash|dash|hyphen|dot|"
    r"underscore|stroke|full stop|point)"
)
# Verbs whose "that" is the thing itself ("I'll take that."), not a clause to come ("I
# think that.").
_TAKES_THAT: Final = frozenset(
    """need want like love take have do did does done get got use try tried buy bought pay
    paid book fix change cancel keep return check remember understand appreciate prefer
    hate mind afford""".split()
)
# Words that open a clause and are never its end, even under a question mark.
_OWES_A_CLAUSE: Final = frozenset("if whether because unless until till although though".split())
_VERB_UNDERSTOOD: Final = [["have", "to"], ["need", "to"], ["want", "to"], ["got", "to"]]
_HOW_MUCH: Final = re.compile(r"how (?:much|many|long|often|far)\b")
_HEDGE_ALONE: Final = re.compile(
    r"(?:um,? |uh,? |well,? )?(?:maybe|perhaps|probably|roughly|about|around)"
)
_EITHER_OR: Final = re.compile(r"\w \w+ or (?!not\b|anything\b|something\b)\w+[^?]*\?$")
_WEIGHING: Final = re.compile(
    r"(?:(?:um|uh|er|well|oh|hmm),? )*(?:i suppose|i guess|i think|let me think|let me see|"
    r"hmm|ooh|good question|i don't know)"
)
# Things known by a letter or a number after them ("zone C", "row 11", "pitch 4").
_LABELLED: Final = "zone|row|pitch|bay|plot|gate|platform|section|band|tier|level|berth|stand"
_MODALS: Final = frozenset("might could would should will can may must".split())
# "...it does not.": the auxiliaries a denied verb follows, said in full.
_DENYING: Final = frozenset("do does did will would can could should is was are were".split())
# Past forms whose particle "about" ends the verb ("It came about.").
_ABOUT_VERBS: Final = frozenset("came brought set messed turned moved hung walked ran".split())
_JOINING: Final = frozenset("and but because or cos".split())
_REPORTING_VERBS: Final = frozenset(
    "said say says told promised thought think expected hoped asked wanted".split()
)
# A question that gives an elided "has" its verb: "Who's paid?" / "Someone has.", "What
# have they done?" / "Nothing they have."
_VERB_IN_QUESTION: Final = re.compile(r"^(?:who|which|whose)\b|\b(?:has|have|had)\b")
# Subjects after which "has" may stand alone, its verb understood ("Nobody has.").
_ELLIPSIS_SUBJECTS: Final = phrases.PRONOUNS | frozenset(
    "nobody somebody anybody everybody someone anyone everyone none neither either both all "
    "who which what mine yours his hers ours theirs one yes no".split()
)
# "I booked the wrong.": an adjective after its determiner, and the noun it needs not yet
# said (not "the same", "the other", "the old one", which stand alone).
_NEEDS_A_NOUN: Final = frozenset(
    "wrong correct incorrect whole entire different separate extra faulty broken damaged "
    "full exact proper".split()
)
# "...over to you.", "I'm calling for her.", "...bigger than her.": the pronoun after
# these is their object.
_BEFORE_AN_OBJECT: Final = phrases.PREPOSITIONS | {"than"}
_LIKE_WHAT: Final = frozenset(
    "bit kind sort something just looks sounds smells feels tastes looked sounded smelled "
    "felt tasted more".split()
)
_DESCRIBES_A_NOUN: Final = frozenset(
    "good nice lovely great big small bad quick proper real new old long short large huge "
    "massive tiny decent brand".split()
)
_WHEN_CONJUNCTIONS: Final = frozenset(
    {"when", "whenever", "once", "while", "whilst", "as soon as", "every time", "each time"}
)

_THEN_CLAUSE_WORDS: Final = 5
# An attempt, its correction and the apology: three sentences or more.
_CORRECTED_SENTENCES: Final = 3
_THEN_ENDS_AFTER: Final = (
    frozenset("before by until till since".split()) | phrases.PARTICLE_OBJECTS | phrases.PARTICLES
)


def _sentences_as_written(text: str) -> list[str]:
    """``text``'s sentences, case kept, without their closing marks."""
    return [p for p in phrases.SENTENCE_END.split(text) if p.strip()]


def _last_sentence(text: str) -> str:
    """The last sentence as written (case kept), without its closing mark."""
    parts = _sentences_as_written(text)
    return parts[-1].strip() if parts else ""


def _previous_sentence(text: str) -> str:
    parts = _sentences_as_written(text)
    return parts[-2] if len(parts) >= 2 else ""


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _last_clause(text: str) -> str:
    return _last_sentence(text).lower()


def _aside_in_an_open_sentence(text: str, agent_text: str) -> bool:
    """An apology and an aside while the sentence before it is left open ("about the.",
    "told me that."): "I'm phoning about the. Sorry. My grandson's just come in." The
    caller comes back to the sentence."""
    said = _sentences_as_written(text)
    for i in range(len(said) - 1, 0, -1):
        if phrases.ASIDE.match(said[i].strip().lower()):
            since = " ".join(said[i:])
            # The apology and one sentence of aside; more is the caller back on the
            # sentence ("Sorry. Ellie, put that down. A repeat prescription.").
            if (
                len(said) - i > _ASIDE_SENTENCES
                or len(phrases.WORD.findall(since)) > _ASIDE_WORDS
                or _has_digit(since)
            ):
                return False
            return _left_open(said[:i], agent_text)
    return False


def _left_open(said: list[str], agent_text: str) -> bool:
    """Whether the sentences ``said`` end on a sentence left open ("about the.")."""
    before = judge_turn(". ".join(said) + ".", agent_text)
    return before.reason in ("open_phrase", "dangling_word")


def _searching_memory(text: str, clause: str, agent_text: str) -> bool:
    """The last sentence searches memory for a name or word ("Oh, what was the name?")
    after a sentence left open ("It was put in by."): the word comes next."""
    if not phrases.NAME_SEARCHED.fullmatch(clause):
        return False
    said = _sentences_as_written(text)
    return len(said) >= 2 and _left_open(said[:-1], agent_text)


def _leads_in_alone(text: str, clause: str, parts: list[str], question: str) -> bool:
    """A clause that leads into its sentence, said alone: "If I overpay this month." /
    "Does my direct debit change?". The sentence follows after a comma's breath."""
    subordinate = phrases.SUBORDINATE_ONLY.fullmatch(clause)
    if subordinate is None or text.endswith("?"):
        return False
    conj = subordinate["conj"]
    # "I'm not sure if. If your lads can do stairs with it.": it completes the sentence
    # before it, which asked for one.
    before = phrases.WORD.findall(_previous_sentence(text).lower())[-1:]
    if before and (before[0] == conj or before[0] in _ASKS_A_CLAUSE):
        return False
    # "When I got home." answers "When did it happen?".
    if conj in _WHEN_CONJUNCTIONS and phrases.DATE_QUESTION.search(question):
        return False
    # "Friday the 27th. If there's space on the morning one.": after a sentence of its
    # own, the clause qualifies it; only a short answer may come first ("Yes. If...").
    return all(
        w in phrases.SHORT_ANSWERS for part in parts[:-1] for w in phrases.WORD.findall(part)
    )


def _tail_is_a_sentence(announced: re.Match[str]) -> bool:
    """What follows a word that may introduce a value is the sentence going on: its own
    verb ("...that was. Already stained when we moved in."), no value ("there was.
    Nothing inside."), or the verb after "to" ("I need to. Make a claim.")."""
    tail = announced["tail"]
    first = phrases.WORD.findall(tail)[:1]
    return (
        phrases.CLAUSE_VERB.search(tail) is not None
        or phrases.NOT_A_VALUE_TAIL.search(tail) is not None
        or (announced.group(0).startswith("to") and bool(first) and first[0] in phrases.TRANSITIVE)
    )


def _date_ends_a_sentence(clause: str) -> bool:
    """A date that closes a sentence of its own: "We get the keys on the 28th.", "It was
    fine on Sunday night." (a subject, a verb and more, then a preposition), not a date said
    in pieces ("It was the 15th." / "Of March.", "I think it was May." / "2022.")."""
    found = phrases.DATE_WORDS.search(clause)
    if found is None:
        return False
    before = phrases.WORD.findall(clause[: found.start()])
    # After a preposition: "I think it was May." is a month, its year maybe next.
    at = [w for w in before if w != "the"][-1:]
    return len(before) >= _WORDS_BEFORE_A_DATE and at in (["on"], ["in"], ["at"], ["by"])


def _subject_without_its_verb(parts: list[str]) -> bool:
    """ "...and since then, the." / "The little screen thing.": a clause begun on its
    subject's determiner, the subject then said alone; its verb is still to come (not
    "...blinds for." / "The nursery.", where the noun ends a phrase)."""
    if len(parts) < 2 or not _CLAUSE_BEGUN_ON_THE.search(parts[-2]):
        return False
    said = phrases.WORD.findall(parts[-1])
    return (
        0 < len(said) <= _BARE_SUBJECT_WORDS
        and said[0] in _DETERMINERS
        # "Last Wednesday, the." / "The 9th.": a date's day, not a subject.
        and not _has_digit(parts[-1])
        and not any(
            w in phrases.AUXILIARIES or w.endswith(("n't", "'s", "ed")) or w in phrases.SUBJECTS
            for w in said
        )
    )


# A label said without "the" or "your" ("My member number.", "Account number."): the
# caller's own name for the value asked, not one picked from the agent's words.
_OWN_LABEL: Final = re.compile(r"(?:(?:okay|ok|so|right|um|uh|oh),? )*(?!the |your ).+")
_REMARK_ON_IT: Final = re.compile(
    r"(?:it|it's|this|that|that's|there's|they|they're|just so|so that|because"
    r"|we (?:just )?(?:need|have) to (?:check|confirm|make sure|verify))\b"
)


def _last_question(agent_text: str) -> str:
    """The agent's last sentence, lower-cased, if it is a question, or the question just
    before a short remark on it ("When did you buy it? It affects the warranty."); else
    ""."""
    said = sentences(agent_text)
    if said and said[-1].endswith("?"):
        return said[-1]
    if (
        len(said) >= 2
        and said[-2].endswith("?")
        and len(phrases.WORD.findall(said[-1])) <= _REMARK_WORDS
        # A remark on it ("It's on the sidewall.") or why it is asked ("We need to check
        # you're over eighteen."), not a request of its own ("If so I'll need the ABN.").
        and _REMARK_ON_IT.match(said[-1]) is not None
    ):
        return said[-2]
    return ""


def _holds_floor(words: str, question: str) -> bool:
    """The caller asks for time ("Hang on.", "Wait, please."), not answering a question
    that offered the waiting ("Will you need the coach to wait?" / "Wait, please.")."""
    if phrases.HOLDING_FLOOR.fullmatch(words) is None:
        return False
    return not ("wait" in phrases.WORD.findall(words) and "wait" in phrases.WORD.findall(question))


def _asks_a_wh_question(agent_text: str) -> bool:
    """The agent's turn ends on a question that is not a yes/no one ("How much was
    taken?")."""
    return agent_text.rstrip().endswith("?") and not _is_yes_no_question(agent_text)


def _is_yes_no_question(agent_text: str) -> bool:
    question = _last_question(agent_text)
    if not question:
        return False
    if re.search(r"\b(?:right|correct|ok|okay)\?$", question):
        return True
    if _ASKS_TO_BE_TOLD.match(question):
        return False  # "Can you tell me the date she passed?": a request for the date
    return phrases.YES_NO_OPENERS.match(question) is not None


def _offers_more(agent_text: str) -> bool:
    return bool(phrases.MORE_OFFER.search(_last_question(agent_text)))


def judge_turn(user_text: str, agent_text: str = "") -> TurnVerdict:
    """Decide whether the caller's turn is finished.

    Args:
        user_text: The caller's turn so far, as the STT transcribed it (raw, before
            redaction, so dictated digits can be counted).
        agent_text: The agent's last message, if any.
    """
    text = user_text.strip()
    words = [w.strip("-'") for w in phrases.WORD.findall(text.lower())]
    words = [w for w in words if w]
    if not words:
        return TurnVerdict("final", "empty")
    dictation = dictation_state(text, agent_text)
    last = words[-1]
    if dictation is not None and dictation.complete is False:
        return TurnVerdict("unfinished", f"dictation_incomplete:{dictation.kind}", dictation)
    clause = _last_clause(text)
    clause_words = phrases.WORD.findall(clause)
    question = _last_question(agent_text)
    asked = asked_for(agent_text) if agent_text else None
    parts = [part.rstrip(".!?,") for part in sentences(text)]
    holding = [i for i, part in enumerate(parts) if _holds_floor(part, question)]
    since = " ".join(parts[holding[-1] + 1 :]) if holding else ""
    # "We've had a letter saying. Sorry. Hold on. Saying we're in arrears.": back on the
    # sentence, its last word said again.
    back = holding[-1] - 1 if holding else -1
    while back >= 0 and phrases.ASIDE.match(parts[back]):
        back -= 1
    before_hold = phrases.WORD.findall(parts[back]) if back >= 0 else []
    resumed = bool(before_hold) and phrases.WORD.findall(since)[:1] == before_hold[-1:]
    # "Hang on. I need my glasses.", "It's with the. Hang on. It's on the letter.": the
    # caller went to find something and has not given it yet.
    still_finding = (
        bool(holding)
        and not resumed
        and not _has_digit(since)
        and len(phrases.WORD.findall(since)) <= _FINDING_WORDS
        and not text.endswith("?")
        and not phrases.REFUSAL.search(since)
        # "Let me open the app. Okay. It's order number.": found, and the label read.
        and not phrases.LABEL_READ.fullmatch(clause)
    )
    # "It's on here somewhere. Where is it?": asked of no one while looking for a value.
    asked_of_self = phrases.ASKED_OF_SELF.fullmatch(clause) is not None and (
        bool(holding) or asked is not None or len(parts) > 1
    )
    if _JOINER_ALONE.fullmatch(clause.strip(" .,!")) and (asked is not None or len(parts) > 1):
        # "It says FES." / "Slash.": the symbol between a code's pieces, the next piece
        # still to come.
        return TurnVerdict("unfinished", "open_phrase", dictation)
    if (
        last in phrases.HESITATIONS
        or _holds_floor(clause, question)
        or still_finding
        or (
            not (dictation is not None and dictation.complete)
            and _aside_in_an_open_sentence(text, agent_text)
        )
        or asked_of_self
        or _searching_memory(text, clause, agent_text)
        or phrases.ASKED_OF_SOMEONE_THERE.search(text)
        # "It's on the repeat slip." after "Can I take the NHS number?": where the caller
        # is about to read it from.
        or (
            (asked is not None or phrases.HAS_VALUE_QUESTION.search(question) is not None)
            and phrases.WHERE_IT_IS.fullmatch(clause)
        )
        # "I'll have to go and look." to "What's the model of the softener?"
        or (
            (asked is not None or re.match(r"(?:what|which)\b", question) is not None)
            and phrases.TO_WHERE_IT_IS.fullmatch(clause.rstrip(" .!"))
        )
        or (asked is not None and phrases.SET_UP_BY.fullmatch(clause.rstrip(" .!")))
        or phrases.READ_FROM_WHERE.fullmatch(clause)
        or (asked is not None and phrases.ENDS_WITH_NEXT.fullmatch(clause))
        # "It's on the appointment letter, hold on.": going to look, after a comma.
        or re.search(rf",\s*(?:{phrases.WAIT_FOR_ME})\W*$", clause) is not None
        # "Her NHS number, hang on, it's on her card.": where it is, after the wait.
        or (
            asked is not None
            and (wait := re.search(rf"\b(?:{phrases.WAIT_FOR_ME}),\s*", clause)) is not None
            and phrases.WHERE_IT_IS.fullmatch(clause[wait.end() :].rstrip(" .!")) is not None
        )
        # "The last statement said.": the words read off it, next.
        or (
            (asked is not None or _asks_a_wh_question(agent_text))
            and phrases.SAID_BY.fullmatch(clause) is not None
        )
        # "My unit number's.": the label, its value next.
        or re.search(rf"\b{phrases.LABEL_NOUN}'s$", clause.lower())
        # "Got it." to "What's the account number?": found it, and reading it next.
        or (asked is not None and phrases.FOUND_IT.fullmatch(clause.rstrip(" .!")))
    ):
        # "Um.", "Hang on.", "Let me just find it.", "Hang on. I need my glasses." -- the
        # caller holds the floor while finding the words or the letter, and that pause
        # runs longer than one between words (over a second).
        return TurnVerdict("unfinished", "hesitation", dictation)
    if phrases.POSSESSIVE_ONLY.fullmatch(clause) and not re.search(
        r"\b(?:whose|which|where)\b", question
    ):
        return TurnVerdict("unfinished", "dangling_word", dictation)
    # "Yes, it is." / "I am." end on a verb and are still finished; said to a question
    # that asks for something ("Who am I speaking with?" / "This is."), the answer follows.
    asks_what = _asks_a_wh_question(agent_text)
    answered_be = (
        last in phrases.BE
        and len(words) > 1
        and words[-2] in phrases.PRONOUNS
        and not asks_what
        # "The code stamped on it is.": "it" is the preposition's, the subject is before.
        and not (len(words) > 2 and words[-3] in phrases.PREPOSITIONS)
    )
    # "My husband is." to "Are you the account holder?": the question's own verb, echoed.
    asked_with = question.split(maxsplit=1)
    echoed_be = (
        last in phrases.BE
        and bool(asked_with)
        and asked_with[0] in phrases.BE
        and len(clause_words) <= 4
        # "The account code is." announces its value, whatever the question.
        and not re.search(rf"\b{phrases.LABEL_NOUN} is$", clause.lower())
        # "Is there a problem?" is echoed by "There is.", not by "The last clean was."
        and (question.split()[1:2] != ["there"] or "there" in words[-len(clause_words) :])
    )
    answered_be = answered_be or echoed_be
    # "Every time I pay online, it." -- a subject after a comma, its verb still to come.
    subject_left = last in phrases.SUBJECTS and bool(re.search(r",\s*\w+\W*$", text))
    # "Over." to "Is he over or under ten kilos?": one of the choices offered, named.
    offered = " or " in question and last in phrases.WORD.findall(question)
    chose = len(words) == 1 and offered
    left_open = last in phrases.DANGLING and not _ends_whole(text, words) and not chose
    time_left_open = False
    if (
        phrases.DATE_QUESTION.search(question)
        and phrases.DATE_LEAD_IN.fullmatch(clause)
        and not text.endswith("?")
    ):
        # "It was." to "Can I ask when she passed?": the time is next, and finding it
        # may take as long as after "um".
        return TurnVerdict("unfinished", "open_phrase", dictation)
    # "...and coming back.", "...and checking out.": the going, its particle after it.
    going = words[:-1] if last in ("back", "out", "home") else words
    if (
        len(going) >= 2
        and going[-1] in phrases.MOVING_OFF
        and going[-2] == "and"
        and not text.endswith("?")
        and (phrases.DATES_ASKED.search(question) or phrases.DATE_QUESTION.search(question))
    ):
        # "We're arriving Friday and leaving." to "What dates?": when, next.
        return TurnVerdict("unfinished", "open_phrase", dictation)
    if (
        asked is not None
        and phrases.IT_IS_NOW.fullmatch(clause.rstrip(" .!,"))
        and not phrases.DATE_QUESTION.search(question)
    ):
        # "No, it's changed. It's now." to "Is your email still the same?": the new one
        # is next.
        return TurnVerdict("unfinished", "open_phrase", dictation)
    if (
        asked is not None
        and _IF_SO.search(agent_text.lower())
        and words[0] in phrases.YES
        and not _has_digit(text)
        and not text.endswith("?")
        and dictation is None
    ):
        # "Do you have home cover? If so, what's the policy number?" / "Yes, it's with
        # my home insurance.": the yes said, the number next.
        return TurnVerdict("maybe", f"value_expected:{asked[0]}")
    if (
        asked is not None
        and asked[0] == "zip"
        and phrases.COUNTRY_ONLY.fullmatch(clause.rstrip(" .!"))
        and not _has_digit(text)
    ):
        # "It is in Germany." to "What's the postcode?": its code next.
        return TurnVerdict("maybe", "value_expected:zip")
    if phrases.HAS_A_NAME.fullmatch(clause.rstrip(" .!")) and not text.endswith("?"):
        # "It's got a name." to "Which house number is it?": the name next.
        return TurnVerdict("maybe", "value_expected:address")
    if (
        phrases.SAYS_DIGITS.fullmatch(clause.rstrip(" .!"))
        and re.search(r"\b(?:size|number|code|reference|model|serial)\b", question)
        and not re.search(r"\bhow (?:much|many)\b", question)
    ):
        # "Okay. It says 205." to "What size are the tyres?": read off, more may follow.
        return TurnVerdict("maybe", "announced_value")
    left_on = phrases.WORD.findall(parts[-2].lower())[-1:] if len(parts) > 1 else []
    if (
        phrases.INTERJECTION_ONLY.fullmatch(clause)
        and bool(left_on)
        and left_on[0] in phrases.OPEN_PHRASE
    ):
        # "It's the one that begins with a. Oh, dear.": still finding the word.
        return TurnVerdict("unfinished", "hesitation", dictation)
    if phrases.SPELLING_NOTE.fullmatch(clause.rstrip(" .!")) and len(parts) > 1:
        # "The Jacksons. All one word.": how the value is written, more of it next.
        return TurnVerdict("maybe", "value_group")
    if (
        last == "never"
        and len(words) >= 3
        and words[-2] in _NEVER_AFTER
        and words[-3] in ("and", "but", "so", "because")
        and not text.endswith("?")
    ):
        # "...and it's never.": what it has never done, next ("I've never." answers).
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if (
        last in ("already", "still")
        and len(words) >= 3
        and words[-2] in phrases.BE
        and words[-3] not in phrases.PRONOUNS
        and not text.endswith("?")
    ):
        # "The cushions you redid are already.": what they already are, next.
        return TurnVerdict("unfinished", "dangling_word", dictation)
    listed = phrases.LIST_SO_FAR.fullmatch(clause.rstrip(" .!"))
    if (
        listed is not None
        # "The monthly ones, the soft ones.": one thing named twice, not a list.
        and clause.rstrip(" .!").split(", ")[0].split()[-1] != words[-1]
        and _asks_a_wh_question(agent_text)
        and not text.endswith("?")
    ):
        # "So there's me, my husband." to "How many people will be coming?": the list's
        # last item, after "and", next.
        return TurnVerdict("maybe", "list_open")
    # "..., but not.", "..., but that was.": the clause after "but" still to say.
    but_left = (len(words) >= 2 and words[-2:] == ["but", "not"]) or (
        len(words) >= 3
        and words[-3] in _JOINING
        and words[-2] in ("that", "it", "this")
        and last in ("was", "is", "were")
    )
    # "My neighbour will be in, so if nobody answers.": what to do then, next.
    if_left = re.search(r",\s*(?:so|and|but) (?:if|when|unless) [^,]+$", clause) is not None
    # "I'm on the A30 near.": near what, next ("It's quite near." is whole).
    near_left = (
        last == "near"
        and len(words) >= 2
        and words[-2] not in _BEFORE_NEAR
        and not text.endswith("?")
    )
    # "...the lady gave me.": what she gave, next ("He told me." is whole).
    given_left = len(words) >= 2 and last in ("me", "us") and words[-2] in _GIVING
    # "...the keys, they kind of.": how, next ("Yeah, kind of." is whole).
    kind_of_left = (
        len(words) >= 3
        and words[-2:] in (["kind", "of"], ["sort", "of"])
        and words[-3] in phrases.SUBJECTS
    )
    if (but_left or if_left or near_left or given_left or kind_of_left) and not text.endswith("?"):
        return TurnVerdict("unfinished", "dangling_word", dictation)
    thinks_alone = [w for w in clause_words if w not in phrases.FILLERS] in (
        ["i", "think"],
        ["i", "believe"],
    )
    asks_to_be_fitted = text.endswith("?") and _ASKS_FOR_A_SLOT.fullmatch(clause.strip())
    # "I suppose." to "A single or a double plot?": hedging, the choice next.
    weighs_a_choice = (
        _EITHER_OR.search(question) is not None
        and _WEIGHING.fullmatch(clause.rstrip(" .!")) is not None
    )
    # "We're in zone." to "Which zone do you live in?": the zone's name, next.
    label_owed = bool(re.search(rf"\b(?:in|on|at|for) (?:{_LABELLED})\W*$", clause))
    # "Maybe." to "How much could you manage each month?": the figure hedged, next.
    hedge_before_a_figure = (
        _HOW_MUCH.match(question) is not None
        and _HEDGE_ALONE.fullmatch(clause.strip(" .,!")) is not None
    )
    if (
        thinks_alone
        or hedge_before_a_figure
        or (len(words) >= 2 and words[-2] == "and" and last in ("after", "before"))
        or asks_to_be_fitted
        or weighs_a_choice
        or label_owed
    ):
        # "I think.": what is thought, next. "...a conference and after.": what comes
        # after. "Could you do?": the day or the time asked for, next.
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if phrases.SUBJECT_ONLY.search(text.lower()) and not text.endswith("?"):
        # "I've got two meters, but one of them.": its verb is next.
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if (
        last in phrases.TIME_PREPOSITIONS
        and not text.endswith("?")
        # "Probably around." to "What time do you expect to reach the lock?"
        and (phrases.DATE_QUESTION.search(question) or phrases.TIME_ASKED.search(question))
        and not phrases.WHOLE_ENDING.search(clause)  # "The year before last."
    ):
        # "I graduated in." to "When did you graduate?": the time is next, whatever
        # phrasal verb the words might make ("I moved in." answers no "when"); the
        # caller may be finding the date ("I bought it on." / "Black Friday.").
        left_open = time_left_open = True
    if (
        (left_open and not answered_be)
        or subject_left
        or text.endswith((",", "-", "...", "…"))
        or (
            phrases.DANGLING_TAIL.search(text.lower())
            # "Next." to "This week or next?": the question's own word, answered.
            and not (last in ("last", "next") and last in phrases.WORD.findall(question))
        )
        or phrases.OPEN_MODAL.search(text.lower())
        or (
            phrases.OWES_OBJECT.search(text.lower())
            and not re.search(r"\b(?:what|how much|how many|all|everything|anything)\b", clause)
        )
    ):
        # "Oh, it would have been.": the perfect of "be", its complement next.
        perfect_be = last == "been" and len(words) >= 2 and words[-2] in ("have", "has", "had")
        # "...last week and.", "...because he.": a clause joined on and not yet said. In
        # the corpora read, 51 of 52 such parts went on, some after 1.2 s.
        joined_on = (
            last in _JOINING
            or (len(words) >= 2 and words[-2] in _JOINING and last in phrases.SUBJECTS)
            # "..., and I just.": the verb searched for.
            or (len(words) >= 2 and last == "just" and words[-2] in phrases.SUBJECTS)
        )
        # "It's a bit like.": the word searched for, as after "um".
        like_what = last == "like" and len(words) >= 2 and words[-2] in _LIKE_WHAT
        if (
            like_what
            or (
                left_open
                and (
                    last in phrases.OPEN_PHRASE
                    or last in phrases.BE
                    or last in phrases.SUBJECT_BE
                    or perfect_be
                    or joined_on
                )
            )
            or last in phrases.READS_OUT
            or time_left_open
        ):
            # "Well, it's about my." -- an article, a possessive or a preposition left
            # open: the caller is finding the word, and may take as long as after "um".
            # "The booking code is.", "The label on the front says.", "It's.", "It was
            # the lady called." -- the caller is finding the value or the name to read.
            return TurnVerdict("unfinished", "open_phrase", dictation)
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if (
        last in ("has", "have", "had")
        and len(words) >= 2
        # Its subject near: "I don't even have." is whole, unless nothing said before
        # gives the verb it stands for ("Someone has." to "What happened?").
        and (
            not _ELLIPSIS_SUBJECTS.intersection(words[-4:-1])
            or (len(clause_words) == 2 and asks_what and not _VERB_IN_QUESTION.search(question))
        )
        and phrases.WORD.findall(question)[:1] != [last]
        and not text.endswith("?")
    ):
        # "My old employer's scheme has.": a noun's auxiliary, its participle next.
        # ("Nobody has.", "Yes, it has." leave it out on purpose.)
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if (
        words[-2:] == ["let", "me"]
        or (
            last in _MODALS
            and len(words) >= 2
            and words[-2] in phrases.SUBJECTS
            and asks_what
            # Not "...what you said they would.", "...more than I could.": the verb is
            # understood from the words before.
            and not (len(words) >= 3 and words[-3] in _REPORTING_VERBS)
            # "...first class if you could.": a condition, its verb the request's
            # ("I was wondering if you could." is held above).
            and not (len(words) >= 3 and words[-3] == "if")
            and not any(w.lower() in ("than", "as", "like") for w in clause_words[:-2])
        )
    ):
        # "Let me.": its verb next. "I was thinking I might." to "What would you like to
        # do?": a modal that answers no yes/no question owes its verb.
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if len(words) >= 2 and last in _NEEDS_A_NOUN and words[-2] in _DETERMINERS:
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if (
        asks_what
        and not question.startswith("who")
        and not text.endswith("?")
        and ((len(words) >= 3 and last == "not" and words[-2] in _DENYING) or last == "cannot")
    ):
        # "The window, it does not." to "What's the problem with the room?": the verb
        # denied is next. Said to a yes/no question ("No, I did not.") it is whole, and
        # to "Who...?" ("My wife does not.") the verb is the question's.
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if words[-2:] == ["there's", "this"] or words[-3:] == ["there", "is", "this"]:
        # "A bit, and there's this.": "this" points at what is described next.
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if (
        len(words) >= 3
        and words[-3] in _JOINING
        and words[-2] in phrases.SUBJECTS
        and last in ("think", "reckon", "believe", "suppose", "guess", "hope")
        and not text.endswith("?")
    ):
        # "I've worked it out, and I think.": what is thought is next (", I think." tags
        # the sentence before it and is whole).
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if len(words) >= 2 and words[-2] in ("a", "an") and last in _DESCRIBES_A_NOUN:
        # "I like a good.": after "a", the describing word's noun is owed ("a little"
        # and "a bit" stand alone).
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if _subject_without_its_verb(parts):
        return TurnVerdict("unfinished", "open_phrase", dictation)
    if _leads_in_alone(text, clause, parts, question):
        return TurnVerdict("unfinished", "dangling_word", dictation)
    if dictation is not None and dictation.complete:
        if agent_text and asks_for_two(agent_text):
            # "Your sort code and account number?": the sort code said, the number next.
            return TurnVerdict("maybe", f"second_value:{dictation.kind}", dictation)
        if (
            dictation.kind == "phone"
            and _WORK_NUMBER.search(question)
            and not re.search(r"\b(?:extension|ext)\b\W*\d", text.lower())
        ):
            # "What's your work number?" / "212-555-0177." then "Extension 402.": in the
            # corpora read, every office number asked for went on to its extension.
            return TurnVerdict("maybe", "extension_next:phone", dictation)
        if (
            dictation.kind == "zip"
            and _FIVE_DIGITS_ALONE.fullmatch(parts[-1])
            and not _PLACE_SAID.search(text)
        ):
            # In the corpora read, 22 of 25 five-digit postcodes said alone went on: the
            # ZIP's last four or the town.
            return TurnVerdict("maybe", "more_may_follow:zip", dictation)
        return TurnVerdict("final", f"dictation_complete:{dictation.kind}", dictation)
    announced = phrases.ANNOUNCED.search(text.lower())
    if (
        announced is not None
        and len(phrases.WORD.findall(announced["tail"])) <= _ANNOUNCED_TAIL_WORDS
        and not phrases.NOT_A_VALUE_INTRO.search(text.lower()[: announced.start() + 4])
        and not _tail_is_a_sentence(announced)
        and not (_is_yes_no_question(agent_text) and phrases.ANSWERED_YES_NO.search(text.lower()))
    ):
        # The caller introduced a value and has read some of it ("It's." / "42 Harbour
        # Street." / "Leeds."): the next group may follow after a breath.
        return TurnVerdict("maybe", "announced_value", dictation)
    if dictation is not None:
        return TurnVerdict("maybe", f"dictation_unknown_length:{dictation.kind}", dictation)
    named = kind_named_last(text) if not text.endswith("?") else None
    confirms = re.match(r"(?:is|are|was|were|do|does|did|has|have) ", question)
    if (
        asked is not None
        and not confirms
        and dictation is None
        and len(words) <= 3
        and not _has_digit(text)
        and not text.endswith("?")
        and not phrases.REFUSAL.search(text.lower())
        and not all(w in phrases.SHORT_ANSWERS for w in words)
    ):
        # The agent asked for a value and the caller has said a few words of no digits:
        # the first group of a code ("HP.", "SW1A." ahead of "0048."), a place before
        # its postcode ("Austin."): the value may follow after a breath.
        return TurnVerdict("maybe", f"value_expected:{asked[0]}")
    if (
        asked is not None
        and asked[0] != "email"
        and not _has_digit(text)
        and len(words) <= _DATE_FRAGMENT_WORDS
        and not text.endswith("?")
        and not phrases.REFUSAL.search(text.lower())
        and asks_for_two(agent_text)
    ):
        # "Which suburb is that, and the postcode?" / "Surry Hills. New South Wales.":
        # the place is said, the number not yet.
        return TurnVerdict("maybe", f"value_expected:{asked[0]}")
    lowered = text.lower()
    if (
        phrases.DATES_ASKED.search(question)
        and phrases.DATE_WORDS.search(lowered)
        and not re.search(r"\b(?:to|until|till|through|and)\b", lowered)
        # "The 22nd. Back on the 30th." (not "Friday the. 4th of July.", one date).
        and len(phrases.DAY_NAMED.findall(phrases.WEEKDAY_BEFORE_ITS_DAY.sub("", lowered))) < 2
        and not text.endswith("?")
    ):
        # "What dates are you looking at?" / "Arriving on the 2nd of August.": one date of
        # the two asked for; the other follows.
        return TurnVerdict("maybe", "date_fragment")
    if (
        phrases.DATE_QUESTION.search(question)
        and re.fullmatch(r"(?:(?:it was |it's |it is |on )?the )?\d{1,2}(?:st|nd|rd|th)?", clause)
        and not phrases.YEAR_IN_WORDS.search(lowered)  # "Summer of. 98."
        # "2025. October. 3.": the day, after the year and month.
        and not (phrases.YEAR.search(text) and phrases.MONTH_NAMED.search(lowered))
    ):
        # "03." to "When does your passport expire?": a month or a day, the rest next.
        return TurnVerdict("maybe", "date_fragment")
    if (
        phrases.DAY_ASKED.search(question)
        and (phrases.YEAR.search(text) or phrases.YEAR_IN_WORDS.search(lowered))
        and phrases.MONTH_NAMED.search(lowered)
        and not phrases.DAY_NAMED.search(lowered)
        and not re.search(r"\b\d{1,2}\b", phrases.YEAR.sub(" ", lowered))
        and not text.endswith("?")
    ):
        # "What date did the charges start?" / "2025. October.": the month and year, the
        # day asked for still to come.
        return TurnVerdict("maybe", "date_fragment")
    if (
        phrases.DATE_QUESTION.search(question)
        and phrases.DATE_WORDS.search(lowered)
        and not phrases.DAY_ONLY.fullmatch(clause)
        and not (phrases.RELATIVE_DAY.search(lowered) and len(words) >= 3)
        and len(words) <= _DATE_FRAGMENT_WORDS
        and not phrases.YEAR.search(text)
        and not phrases.YEAR_IN_WORDS.search(lowered)
        and not _date_ends_a_sentence(clause)
        # "Any day next week except Wednesday.": the days given, and the one left out.
        and not re.search(r"\b(?:except|apart from|other than|but not) [a-z]+", lowered)
    ):
        # "When's the moving date?" / "The 15th." then "Of December.": a date said in
        # pieces; a breath may come between them. "Yesterday afternoon at the station."
        # is whole; a bare "Yesterday." is as often followed by the time.
        return TurnVerdict("maybe", "date_fragment")
    refused = phrases.REFUSAL.search(clause) is not None
    # Named, but not about to be read: the agent has it, someone else must be asked, or
    # it is one of the caller's own addresses picked by name.
    held_back = (
        refused
        or phrases.VALUE_ELSEWHERE.search(clause) is not None
        or (named == "email" and phrases.OWN_EMAIL_NAMED.search(clause.rstrip(" .!")) is not None)
    )
    # Across the STT's periods: "...send a text to. My mobile." is one request.
    joined = re.sub(r"[.?!]+", "", text.lower()).strip(" ,")
    sent_there = named is not None and phrases.SEND_TO.search(joined) is not None
    asked_it = asked is not None and asked[0] == named
    confirming = re.match(r"(?:is|are) (?:this|that|it|these) ", question)
    # "Would you like it emailed to you?" / "Yes, please. It's my son's email.": whose
    # address it goes to, said before the address.
    whose = (
        named is not None
        and _WHOSE_VALUE.fullmatch(clause.rstrip(" .!"))
        and (named != "email" or re.search(r"\be-?mail", agent_text.lower()) is not None)
    )
    if named is not None and (asked_it or sent_there or whose) and not held_back and not confirming:
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
    label_asked = (
        asked is not None
        and len(clause_words) == 1
        and words[-1] not in phrases.SHORT_ANSWERS
        and words[-1] in phrases.WORD.findall(question)
    ) or (
        len(clause_words) == 1
        and words[-1] in phrases.LABEL_WORDS
        # "Flat." to "Flat green or crown green?": one of the choices, not a flat's label.
        and not offered
    )
    # "She's in room.": the label after its preposition, the number next.
    label_asked = (
        label_asked
        or bool(
            len(words) >= 2
            and words[-1] in phrases.LABEL_WORDS
            and words[-2] in _LABEL_AFTER
            # "Mum was still in bed.": the idiom, unless the agent asked which bed.
            and not (words[-2:] == ["in", "bed"] and "bed" not in phrases.WORD.findall(question))
        )
    )
    label_asked = label_asked or bool(
        len(words) >= 2 and words[-1] in _HELD_PLACES and words[-2] in _HOLDING_VERBS
    )
    says = _SAYS_LABEL.search(clause)
    if says is not None and re.search(
        rf"\b{re.escape(says['label'])} (?:number|no|id|code|reference|ref)\b", question
    ):
        # "The little card says customer." to "Is there a customer number on the card?":
        # the label read off it, the value next.
        label_asked = True
    echo = phrases.LABEL_ECHO.fullmatch(clause)
    asked_words = set(phrases.WORD.findall(question))
    # "The little number on the back." to "And the security code on the back?": where it
    # is, said back with a label.
    echoed_where = (
        echo is not None
        and (where := re.search(r"\b(?:on|at) the (?:back|front|top|bottom)\b", clause)) is not None
        and where.group() in question
    )
    if echoed_where or (echo is not None and set(echo["label"].split()) <= asked_words):
        # "Loyalty number." to "Loyalty number?", "The old passport number." to "the number
        # of the old passport?": the label said back, the value next.
        label_asked = True
    if (
        echo is not None
        and asked is not None
        and not question.startswith("which")
        and _OWN_LABEL.fullmatch(clause) is not None
    ):
        # "My member number." to "Have you got your EBU number?", "Account number." to
        # "...your customer number?": the caller's own label for the value asked, read
        # before it.
        label_asked = True
    # "It was my work one." to "Which email...?": which of them, the value itself next.
    picked = phrases.PICKED_ONE.fullmatch(clause) if asked is not None else None
    # "The family one." names an email address still to be read out; "The joint one."
    # to "Which account is this about?" is the whole answer.
    picked_one = picked is not None and (
        picked["said"] is not None or (asked is not None and asked[0] == "email")
    )
    if (phrases.LABEL_READ.fullmatch(clause) or label_asked or picked_one) and not refused:
        # "Oh, here. Order." to "What's the order ID?": the label, read off the screen.
        # "Okay. It's order number." -- the caller reads the label; the value is next.
        return TurnVerdict("maybe", "label_read")
    greeting = phrases.GREETING.match(" ".join(words)) or (
        # "Oh, hi, Priya." to "Nursery office, Priya speaking.": greeted by name.
        len(words) >= 2
        and words[-1] in phrases.WORD.findall(agent_text.lower())
        and words[-1] not in ("morning", "afternoon", "evening", "there")
        and phrases.GREETING.match(" ".join(words[:-1]))
    )
    # "Afternoon." answers "a morning or afternoon slot?"; after a greeting it is one.
    bare_time = greeting is not None and words[-1] in ("morning", "afternoon", "evening")
    # "Morning." said back to "Good morning, how can I help?" is a greeting all the same.
    # Not "Blue badge team, how can I help?": "Morning." greets that.
    asked_something = (
        agent_text.rstrip().endswith("?")
        and (not phrases.GREETED.match(agent_text.strip().lower()) or " or " in agent_text.lower())
        and re.search(r"\b(?:morning|afternoon|evening|when|time|slot)\b", question) is not None
    )
    if greeting and not text.endswith("?") and not (bare_time and asked_something):
        return TurnVerdict("maybe", "greeting")
    # "No. That's everything. Thanks.": a short answer closing a longer turn ends it.
    closing = len(words) > 3 and not all(w in phrases.SHORT_ANSWERS for w in words)
    if (
        clause_words
        and all(w.strip("-") in phrases.SHORT_ANSWERS for w in clause_words)
        and not closing
    ):
        if set(words) <= phrases.YES and _offers_more(agent_text) and not set(words) <= {"well"}:
            return TurnVerdict("maybe", "yes_to_more")
        if (
            agent_text
            and not agent_text.rstrip().endswith("?")
            and set(words) <= phrases.SHORT_ANSWERS
        ):
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
    if phrases.HEDGED.fullmatch(clause) and agent_text and _is_yes_no_question(agent_text):
        # "I think so." to a yes/no question: a short answer, as often followed by more.
        return TurnVerdict("maybe", "answer_to_yes_no")
    wants = phrases.WANTS.search(clause.rstrip(" ,"))
    # "Will I get an email to confirm?": a whole question; a cut one is short ("Can I
    # change?" then "my address").
    whole_question = text.endswith("?") and len(clause_words) >= 5
    # "What can we do?", "I don't know what to do.": the object came first.
    fronted = re.search(r"\b(?:what|which|whatever|anything|everything|all)\b", clause)
    if (
        wants is not None
        and wants.group("verb") in phrases.TRANSITIVE
        and not whole_question
        and not (fronted and fronted.start() < wants.start())
    ):
        return TurnVerdict("unfinished", "verb_without_object")
    if _READ_A_CODE_START.search(text):
        # "It's at the top of the quote. It says Q.": the code's first letters, read
        # off it; the rest next.
        return TurnVerdict("maybe", "value_group")
    if phrases.STARTS_WITH.fullmatch(clause):
        # "It starts 0x.": the caller says outright that more of the value is coming.
        return TurnVerdict("maybe", "value_group")
    if phrases.OPENER_ONLY.fullmatch(clause):
        # "So basically." opens a turn: what it is about is next.
        return TurnVerdict("maybe", "opener")
    spelled = phrases.SPELLED_GROUP.fullmatch(phrases.GROUP_INTRO.sub("", clause))
    if spelled and (
        len(re.findall(rf"\b{phrases.NATO}\b", clause)) >= 2
        or re.search(phrases.AS_IN, clause)
        or (re.search(rf"\b{phrases.NATO}\b", clause) and (asked is not None or _has_digit(clause)))
    ):
        # "X as in X-ray.", "Lima Kilo.": a value spelled in groups, more may follow.
        return TurnVerdict("maybe", "value_group")
    # "It's 202.": a group after the words that introduce it ("It is 2024." is a year).
    sentence = _last_sentence(normalise(text).text)
    group = phrases.GROUP_INTRO.sub("", sentence)
    # "Um, it was 087.": a group with a leading zero is a code's first digits, never a
    # quantity, whatever the words before it ("It was 150." may be a price).
    prefix = phrases.CODE_IT_WAS.fullmatch(group)
    if prefix is not None:
        group = prefix.group(1)
    said_a_date = phrases.YEAR.fullmatch(group) is not None and (
        phrases.DATE_WORDS.search(text.lower()) or group != sentence
    )
    if phrases.VALUE_GROUP.fullmatch(group) and not said_a_date:
        # "416. Five five five.": a group of a value read aloud, its kind not known (or
        # its length not): callers breathe between groups, so the next may follow. A
        # year after a day and month ends a date.
        return TurnVerdict("maybe", "value_group")
    if (
        re.search(r"\b(?:address|property|house)\b", question)
        and not _is_yes_no_question(agent_text)
        # "How many bedrooms does the property have?" / "3.": a count, whole.
        and not re.search(r"\bhow (?:many|much|old|long)\b", question)
        and not phrases.DATE_QUESTION.search(question)
        and re.fullmatch(
            r"(?:(?:it's|it is|we're at|i'm at|at|we're in|i'm in) )?"
            r"(?:number |flat |unit |apartment )?\d{1,4}[a-z]?",
            group.lower(),
        )
    ):
        # "We're at number. 47." to "What's the address?": the house number; its street
        # is next.
        return TurnVerdict("maybe", "value_group")
    if re.fullmatch(r"(?:sorry|pardon)\W*", clause) and len(parts) == 1:
        # "Sorry?": asked again, often in more words after a comma's breath.
        return TurnVerdict("maybe", "short_turn")
    if phrases.INTERJECTION_ONLY.fullmatch(clause) and len(parts) == 1:
        # "Oh, gosh." to "How are you finding it?": the reaction first, the answer next.
        return TurnVerdict("maybe", "short_turn")
    if len(words) <= _SHORT_TURN_WORDS and not text.endswith("?") and not asks_what:
        # After "What's the name on the account?" two words are the answer; after a
        # yes/no question or a statement they are often the start of one.
        return TurnVerdict("maybe", "short_turn")
    if (
        len(words) <= _ECHOED_ANSWER_WORDS
        and _is_yes_no_question(agent_text)
        and not text.endswith("?")
        and any(w in _YES_OR_NO for w in words)
        and all(w in _ECHO_WORDS for w in words)
    ):
        # "I am, yes." / "Yes, we do." to "Are you an existing member?": a bare yes or
        # no with the question's verb echoed; the rest may follow a comma's breath.
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
