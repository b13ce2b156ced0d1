"""Cue words: what a caller's words say the next value is, and what the agent's turn asks.

A *context* is the kind of value a cue announces ("card number" -> ``card``, "sort code"
-> ``routing``, "order number" -> ``negative``: an ordinary number follows). The caller's
cues are found by `keywords`; the agent's turn is read by `read_agent_turn`, which also
says whether the turn asked nothing new ("Mm-hm.", "Go on.", "Sorry, you cut out"), so the
question before it still stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from compliance.spoken import normalise

__all__ = [
    "SECRET_CONTEXTS",
    "SENSITIVE_CONTEXTS",
    "AgentTurn",
    "Context",
    "keywords",
    "question_context",
    "read_agent_turn",
]


class Context:
    """Context categories a cue can put a value in."""

    CARD: Final = "card"
    SSN: Final = "ssn"
    PHONE: Final = "phone"
    ACCOUNT: Final = "account"
    ROUTING: Final = "routing"
    GENERIC: Final = "generic"
    BIRTH: Final = "birth"
    NEGATIVE: Final = "negative"
    CVV: Final = "cvv"
    EXPIRY: Final = "expiry"
    PIN: Final = "pin"
    PASSPORT: Final = "passport"
    LICENSE: Final = "license"
    MEMBER: Final = "member"
    ID: Final = "id"
    NAME: Final = "name"
    OTP: Final = "otp"
    SECRET: Final = "secret"  # noqa: S105 - a category's name, not a password
    MAIDEN: Final = "maiden"
    NINO: Final = "nino"
    SIN: Final = "sin"
    TFN: Final = "tfn"
    NHS: Final = "nhs"
    MEDICAL: Final = "medical"
    POLICY: Final = "policy"
    VIN: Final = "vin"
    PLATE: Final = "plate"
    POSTCODE: Final = "postcode"
    IBAN: Final = "iban"
    EMAIL: Final = "email"
    ADDRESS: Final = "address"
    LASTFOUR: Final = "lastfour"


SENSITIVE_CONTEXTS: Final = frozenset(
    {
        Context.CARD,
        Context.SSN,
        Context.PHONE,
        Context.ACCOUNT,
        Context.ROUTING,
        Context.GENERIC,
        Context.CVV,
        Context.EXPIRY,
        Context.PIN,
        Context.PASSPORT,
        Context.LICENSE,
        Context.MEMBER,
        Context.ID,
        Context.OTP,
        Context.SECRET,
        Context.NINO,
        Context.SIN,
        Context.TFN,
        Context.NHS,
        Context.MEDICAL,
        Context.POLICY,
        Context.VIN,
        Context.PLATE,
        Context.IBAN,
    }
)
SECRET_CONTEXTS: Final = frozenset(
    {Context.CVV, Context.PIN, Context.OTP, Context.SECRET, Context.MAIDEN}
)
"""Answers that are authentication data: whatever their form, the whole answer goes."""

# Longer phrases first so "order number" is negative, not the generic "number". The
# ``amount`` group names what a card or a PIN *has* ("card limit", "annual fee", "3 tries"):
# the number after it is an amount or a count, so it reads as ``negative``.
_KEYWORDS: Final = re.compile(
    r"\b(?:"
    r"(?P<maiden>(?:(?:my |your |his |her |the )?(?:mother|mum|mom|mam)'?s? )?maiden name)"
    r"|(?P<secret>security (?:word|answer|question|phrase)|secret (?:word|answer|question)"
    r"|pass ?word|pass ?phrase|memorable (?:word|place|name|date|number|answer|info\w*)"
    r"|answer to (?:my|your|the) security question)"
    r"|(?P<otp>(?:one|1)[- ]?time (?:pass ?)?(?:code|word)|otp"
    r"|(?:text|sms|texted) (?:message )?code"
    r"|code (?:from|in) the (?:text|sms|message|e-?mail)|authentication code"
    r"|(?<!card )verification code)"
    r"|(?P<cvv>(?:cvv2?|cvc2?|csc|ccv|cid)(?: code| number)?|card security code"
    r"|security (?:code|number|digits)"
    r"|card verification(?: value| code| number)?|verification value"
    r"|code on the back(?: of (?:the|my|your) card)?|(?:\d )?(?:digits|numbers) on the back"
    r"|back of the card|(?:\d )?digit code(?: on the (?:front|back))?|code on the front"
    r"|signature (?:strip|panel|box)|(?:little|small|short) code|code by the signature)"
    r"|(?P<expiry>expir(?:y|ation|es|ing|ed)(?: date)?|exp(?: date)?|valid (?:thru|through|until)"
    r"|good (?:thru|through)|end date)"
    r"|(?P<pin>pin(?: number| code| no)?|passcode|pass code)"
    r"|(?P<nino>national insurance(?: number| no)?|n ?i number|n\.i\. number|nino)"
    r"|(?P<sin>social insurance(?: number| no)?|s-i-n|sin number"
    r"|(?:my|your|the|his|her|wife's|husband's|partner's) sin|(?-i:SIN))"
    r"|(?P<tfn>tax file(?: number| no)?|tfn|t f n)"
    r"|(?P<nhs>nhs(?: number| no)?)"
    r"|(?P<medical>medical record(?: number| no)?|mrn|m r n|patient (?:id|number|no)"
    r"|hospital (?:number|no|id)|health card(?: number| no)?|ohip(?: number)?|health number"
    r"|chart number)"
    r"|(?P<vin>vin(?: number)?|vehicle identification(?: number)?|chassis number)"
    r"|(?P<plate>(?:licen[cs]e |number |registration |reg )?plate(?: number)?"
    r"|registration(?: number| no)?|reg(?: number| no)?|rego)"
    r"|(?P<postcode>post ?code|postal code)"
    r"|(?P<policy>policy(?: number| no| #)?)"
    r"|(?P<passport>passport(?: number| no| #| id)?)"
    r"|(?P<license>(?:driver'?s?|driving) licen[cs]e(?: number| no| #| id)?"
    r"|licen[cs]e (?:number|no)|d l number|dl number|dl #)"
    r"|(?P<member>(?:insurance |health plan |plan )?member(?: id| number| no| #)"
    r"|(?:medicare|medicaid|insurance|subscriber|beneficiary|health plan)(?: card)?"
    r"(?: id| number| no| #)|medicare|medicaid|mbi|health fund(?: membership)?(?: number| id| no)?"
    r"|membership (?:number|id|no))"
    r"|(?P<id>(?:customer|client|user|student|national|loyalty|rewards?)"
    r" (?:id|number|no|#)|account id|id number|identification number|user ?name|login id"
    r"|state id|a-number|alien (?:registration )?number|green card number)"
    r"|(?P<iban>iban)"
    r"|(?P<lastfour>ending(?: in| with)?|ends (?:in|with)|last (?:4|four)(?: digits)?)"
    r"|(?P<negative>order|confirmation|conf|ticket|booking|flight|reference|ref|tracking"
    r"|invoice|(?<!in )case|claim|reservation|room|extension|ext|zip|zip code|model"
    r"|serial|item|sku|gate|seat|table|pnr|transaction|receipt|voucher|coupon"
    r"|promo|product|part|apartment|apt|suite|unit|floor|building|route|bus|train|platform"
    r"|terminal|page|version|quantity|qty|store|tax id|employee id|badge|error|code"
    r"|po|p o|purchase order|rma|return authori[sz]ation|job|work order|incident|inc|group)"
    r"(?: (?:number|no|#|id|date|code))?"
    r"|(?P<amount>(?:credit |spending |overdraft |daily |withdrawal )?limit|balance"
    r"|(?:annual |late |monthly |overdraft )?fees?|payment of|statement|interest|apr|cashback"
    r"|points|minimum payment|price|cost|amount|total|tries|attempts|times)"
    r"|(?P<card>(?:credit|debit|bank|payment|visa|amex) card(?: number)?|card(?: number)?|visa"
    r"|master ?card|amex|american express|discover|cc|card no)"
    r"|(?P<ssn>social security(?: number)?|social|ssn|s s n|s\.s\.n\.?|itin"
    r"|individual taxpayer(?: identification)?(?: number)?)"
    r"|(?P<routing>routing(?: number)?|aba|transit number|sort code|bsb)"
    r"|(?P<account>(?:bank |checking |savings )?account(?: number| no|#| #)?|acct"
    r"|checking|savings)"
    r"|(?P<phone>area code|(?:phone|cell|mobile|telephone|contact|callback|home|work|my|best|other"
    r"|daytime) number|phone|cell|mobile|telephone|callback|call me|reach me|reach you"
    r"|call you(?: back)?|text me|text you|landline|fax)"
    r"|(?P<birth>date of birth|birth ?date|birthday|born|birth|dob|d o b|d\.o\.b\.?)"
    r"|(?P<generic>number(?! of)|digits|the rest|numbers(?! of))"
    r")\b",
    re.IGNORECASE,
)
# A bare "the code" in a question: a one-time code, unless a card is being read (the
# redactor then takes three or four digits for its security code).
_GROUP_CONTEXT: Final = {"amount": Context.NEGATIVE, "code": Context.OTP}

# Every word the keyword pattern spells: only a word among these can start a keyword, so the
# big alternation is tried at those words alone, not at every word boundary (3x faster).
_KEYWORD_WORDS: Final = frozenset(
    w[:4] for w in re.findall(r"[a-z]+", re.sub(r"\(\?P<\w+>|\\[a-z]", "", _KEYWORDS.pattern))
) | {"sin"}
_LETTERS: Final = re.compile(r"[A-Za-z]+")
_JOINED: Final = re.compile(r"[\s,]{1,3}")


def keywords(text: str) -> list[tuple[int, int, str]]:
    """The cues in a normalised utterance, in order, as (start, end, context)."""
    found: list[tuple[int, int, str]] = []
    resume = 0
    for word in _LETTERS.finditer(text):
        start = word.start()
        if start < resume or word.group()[:4].lower() not in _KEYWORD_WORDS:
            continue
        m = _KEYWORDS.match(text, start)
        if m is not None:
            context = _GROUP_CONTEXT.get(m.lastgroup or "", m.lastgroup or "")
            if (
                context == Context.GENERIC
                and found
                and found[-1][2] == Context.NEGATIVE
                and _JOINED.fullmatch(text, found[-1][1], m.start())
            ):
                # "order, number 30044871": the number of the order.
                context = Context.NEGATIVE
            found.append((m.start(), m.end(), context))
            resume = m.end()
    return found


# What an agent asks for in words that are not the caller's own keywords.
_AGENT_CUES: Final = re.compile(
    r"\b(?:"
    r"(?P<secret>(?:first|1st|childhood) pet|pet'?s name|(?:first|1st) car"
    r"|(?:primary|secondary|high|first|1st)"
    r" school|school did you|street (?:you|did you) grew up|grew up on|where did you meet"
    r"|city (?:were you|you were) born|town (?:were you|you were) born|favou?rite (?:teacher"
    r"|book|film|movie|colou?r|food|team|singer|band|place)|best friend|memorable)"
    r"|(?P<otp>(?:sent|texted|emailed|messaged) (?:you )?(?:a|an|the)(?: new)?(?: \d)?"
    r"(?: digit)?(?: security| verification| one-time| 1-time)? (?:code|passcode|pin)"
    r"|(?:code|passcode) (?:we|i)(?:'ve| have)? (?:just )?(?:sent|texted|emailed)"
    r"|did (?:the|that|a) code (?:arrive|come)|code (?:on|from) (?:your|the) (?:screen"
    r"|phone|text|app)|passcode on your screen)"
    r"|(?P<code>(?:the|that|your) code)"
    r"|(?P<name>your (?:first |1st |last |full |sur)?name|(?:first|1st|last|full|sur) ?name"
    r"|who (?:am i|i am|i'm) speaking (?:to|with)|name on the (?:card|account)"
    r"|spell (?:that|it|your (?:first |1st |last |sur)?name|the (?:sur|last |first |1st )?name))"
    r"|(?P<email>e-?mail(?: address)?)"
    r"|(?P<postcode>post ?code|postal code)"
    r"|(?P<address>address|where should we send|where (?:do|does) (?:you|it) live"
    r"|where are you calling about)"
    r"|(?P<phone>number (?:to|where|we can|i can) (?:reach|call|text)|reach you at"
    r"|number (?:for|on) your account|number you're calling from)"
    r"|(?P<card>long number|number on the (?:front of the )?card|card's number)"
    r"|(?P<expiry>when does (?:it|the card) expire|expiration|month and year)"
    r"|(?P<birth>when were you born)"
    # A question for a time, a day or a quantity: the answer is an ordinary number.
    r"|(?P<negative>what time|which time|what day|which day|how many|how much|how long"
    r"|what date works|good time|best time|time to call)"
    r")\b",
    re.IGNORECASE,
)
_QUESTION_TAIL: Final = 240
_NAMED_NUMBER: Final = re.compile(r" (?:number|no|#|id|code|date)$")
_SENTENCE_END: Final = re.compile(r".*[.!?]\s", re.DOTALL)
# A question for one of these outranks any other cue in its sentence: "for the Visa
# ending in 4419, the CVV please" asks for the CVV.
_FIRST: Final = SECRET_CONTEXTS | {Context.EXPIRY, Context.BIRTH}
_SIX_DIGIT_SECURITY: Final = re.compile(
    r"\b(?:[5-9] digit security (?:number|code)|telephone banking)", re.IGNORECASE
)
_LAST_FOUR: Final = re.compile(r"\b(?:last|final) (?:4|four)\b", re.IGNORECASE)
_QUANTITY_QUESTION: Final = re.compile(
    r"\b(?:how many|how much|how long|how often|what time|which time|how old)\b", re.IGNORECASE
)
_SENT: Final = re.compile(r"\b(?:sent|texted|text message|emailed|arrive[ds]?)\b", re.IGNORECASE)
# A turn that asks for nothing new: a back-channel, a prompt to go on, a request to say
# it again. The question before it still stands.
_AGAIN_WORDS: Final = (
    r"pardon|come again|say (?:that|it) again|one more time|slowly|what was that"
    r"|(?:could|can|would) you (?:repeat|say|read) (?:that|it|the \w+(?: \w+)?)"
    r"(?: again)?"
    r"|repeat (?:that|it|the \w+(?: \w+)?)|you (?:cut|broke) (?:out|up)(?: there)?"
    r"|(?:after|at) \d(?: ?\d)*"
    r"|i (?:only )?(?:got|heard|caught) (?:the (?:first|1st) )?\w+(?: digits?)?"
    r"|i didn't (?:catch|get|hear) (?:that|the \w+(?: \w+)?)|the line (?:cut|dropped|broke)"
)
_BACKCHANNEL_WORDS: Final = (
    r"mm+-?h?m+|m-?hm+|mhm+|uh-?huh|yes|yep|yeah|yup|okay|ok|right|sure|great|lovely"
    r"|perfect|thanks|thank you|got it|go on|go ahead|carry on|continue|keep going"
    r"|i'm listening|and|then|so|the rest|sorry|no problem|no worries|no rush"
    r"|take your time|(?:the )?(?:last|final|next|remaining|other)(?: (?:\d|four|three|two))?"
    r"(?: (?:digits?|group|part|bit|numbers?))?"
)
_FILLER: Final = r"[\s,.!?;:…-]"
_HOLD_WORDS: Final = 12
_AGAIN: Final = re.compile(
    rf"(?:{_FILLER}|\b(?:{_BACKCHANNEL_WORDS})\b)*\b(?:{_AGAIN_WORDS})\b"
    rf"(?:{_FILLER}|\b(?:{_BACKCHANNEL_WORDS}|{_AGAIN_WORDS})\b)*",
    re.IGNORECASE,
)
_HOLD: Final = re.compile(
    rf"(?:{_FILLER}|\b(?:{_BACKCHANNEL_WORDS}|{_AGAIN_WORDS})\b)*", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class AgentTurn:
    """What an agent's turn means for the caller's next answer.

    Attributes:
        context: What it asks for (a `Context` value), if anything.
        hold: It asks nothing new ("Mm-hm.", "Go on.", "Sorry, you cut out after 2 4 4
            4."): a question not yet answered still stands, and a value read in pieces
            goes on.
        again: It asks for the last answer again ("Sorry, you broke up there.", "Could
            you repeat the last group?"): the last question stands even if answered.
    """

    context: str | None
    hold: bool
    again: bool = False


def read_agent_turn(agent_text: str) -> AgentTurn:
    """Read one agent turn for what it asks.

    Args:
        agent_text: The agent's turn as spoken (placeholders are fine).
    """
    text = normalise(agent_text[-_QUESTION_TAIL:]).text
    context = _asked_in(text)
    if context not in (None, Context.GENERIC) or text.count(" ") > _HOLD_WORDS:
        return AgentTurn(context, hold=False)
    if _AGAIN.fullmatch(text) is not None:
        return AgentTurn(context, hold=True, again=True)
    return AgentTurn(context, hold=_HOLD.fullmatch(text) is not None)


def question_context(agent_text: str) -> str | None:
    """What the agent's turn asks the caller for.

    The question is the last sentence: a security question there (CVV, PIN, one-time code,
    security word, maiden name, expiry, date of birth) outranks anything else in it,
    then any specific cue, earliest first; with no cue in the last sentence the latest cue
    before it counts. "What's the best number to reach you?" gives ``phone``; "and the
    code on the back?" ``cvv``; "what's your order number?" ``negative`` (an ordinary
    number is coming).

    Args:
        agent_text: The agent's last turn, as spoken (placeholders are ignored).
    """
    return _asked_in(normalise(agent_text[-_QUESTION_TAIL:]).text)


def _asked_in(text: str) -> str | None:
    last = _SENTENCE_END.search(text.rstrip(" \t\n.!?"))
    sentence_start = last.end() if last is not None else 0
    found: tuple[tuple[bool, bool, bool, int], str] | None = None
    matches = [*_KEYWORDS.finditer(text), *_AGENT_CUES.finditer(text)]
    for m in matches:
        category = _GROUP_CONTEXT.get(m.lastgroup or "", m.lastgroup or "")
        # "in case we get cut off" is not a question about a case number.
        if category == Context.NEGATIVE and not (
            _NAMED_NUMBER.search(m.group()) or m.re is _AGENT_CUES
        ):
            continue
        if category == Context.LASTFOUR:
            # "the card ending in 4419" names a card; it asks for nothing.
            continue
        inside = m.start() >= sentence_start
        place = -m.start() if inside else m.end()
        first = category in _FIRST and m.lastgroup != "code"
        rank = (inside, first, category != Context.GENERIC, place)
        if found is None or rank > found[0]:
            found = (rank, category)
    if found is None:
        return None
    category = found[1]
    if category == Context.CARD and _LAST_FOUR.search(text, sentence_start):
        # "Which card? Just the last four is fine.": the answer is its last four.
        return Context.LASTFOUR
    if category in _FIRST and _QUANTITY_QUESTION.search(text, sentence_start):
        # "How many PIN attempts did you make?" asks for a count, not the PIN.
        return Context.NEGATIVE
    if category in (Context.CVV, Context.PIN) and _SENT.search(text):
        return Context.OTP
    if category == Context.CVV and _SIX_DIGIT_SECURITY.search(text):
        return Context.PIN
    return category
