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
    "NOT_A_TITLES_STOP",
    "PART_COUNT",
    "SECRET_CONTEXTS",
    "SENSITIVE_CONTEXTS",
    "AgentTurn",
    "Context",
    "checks_identity",
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
# ``amount`` group names what a card or an account *has* ("card limit", "annual fee",
# "phone bill", "the rate"): the number after it is an amount, so it reads as
# ``negative``; so does a ``reference`` for a lookup ("port request number"). A count
# ("3 tries") is told by the word after its number (`compliance.detectors`).
_AIRLINES: Final = (
    "BA AA UA DL EK QF AC LH AF KL EI FR VS NZ SQ QR EY TK IB AZ LX SK AY WN AS NH JL CX VA JQ "
    "WS AI".split()
)
_KEYWORDS: Final = re.compile(
    r"\b(?:"
    r"(?P<maiden>(?:(?:my |your |his |her |the )?(?:mother|mum|mom|mam)'?s? )?maiden name"
    # "What was your mother's name before she married?"
    r"|(?:my |your |his |her |the )?(?:mother|mum|mom|mam)'?s? (?:sur)?name before "
    r"(?:she|they) (?:got |was |were )?married)"
    r"|(?P<secret>security (?:word|answer|question|phrase)|secret (?:word|answer|question)"
    r"|pass ?word|pass ?phrase|memorable (?:word|place|name|date|number|answer|info\w*)"
    # "Could you answer one of your security questions?" (not "I'll ask you a couple of
    # security questions": that announces them).
    # A network's password: "Can you read me the Wi-Fi key from the sticker?"
    r"|wi-?fi (?:key|password|code)|network key|wpa key"
    r"|answer to (?:my|your|the) security question"
    r"|answer (?:one|1) of (?:your|the) security questions)"
    r"|(?P<otp>(?:one|1)[- ]?time (?:pass ?)?(?:code|word)|otp"
    # codes that authorise a change: porting (PAC), switching (STAC), transfer, release
    r"|(?:pac|stac|porting|port|transfer|switching|authori[sz]ation|auth|release|unlock)"
    r"(?: authori[sz]ation)? code"
    # "...and the PAC is ABC 123 456.": the porting code by its initials alone.
    r"|(?-i:PAC|STAC)"
    r"|(?:text|sms|texted) (?:message )?code"
    r"|code (?:from|in) the (?:text|sms|message|e-?mail)|authentication code"
    r"|(?<!card )verification code)"
    r"|(?P<cvv>(?:cvv2?|cvc2?|cv2|cvn|cvd|csc|ccv|cid)(?: code| number)?|card security code"
    r"|security (?:code|number|digits)"
    r"|card verification(?: value| code| number)?|verification value"
    r"|code on the (?:back|reverse|rear)(?: of (?:the|my|your) card)?"
    r"|(?:\d )?(?:digits|numbers) on the (?:back|reverse|rear)"
    r"|(?:back|reverse|rear) of the card|(?:\d )?digit code(?: on the (?:front|back))?"
    r"|code on the front"
    r"|signature (?:strip|panel|box)|(?:little|small|short) code|code by the signature"
    # "...is the number, and the little one is 6620." ("my little one is 5" is a child)
    r"|(?<=the )(?:little|small|short) (?:one|1|number)(?= is\b|'s\b))"
    r"|(?P<expiry>expir(?:y|ation|es|ing|ed)(?: date)?|exp(?: date)?|valid (?:thru|through|until)"
    r"|good (?:thru|through)|end date|new (?:expiry )?date"
    # "...and it runs out in June 2027." (said of a card: a card must be in the call)
    r"|(?<=it )(?:runs|ran) out|(?<=card )(?:runs|ran) out)"
    r"|(?P<pin>pin(?: number| code| no)?|passcode|pass code"
    # A SIM's PIN unblocking key: eight digits that unlock it (3GPP TS 31.102).
    r"|puk(?: code| number| no)?)"
    r"|(?P<nino>national insurance(?: number| no)?|n ?i number|n\.i\. number|nino)"
    r"|(?P<sin>social insurance(?: number| no)?|s-i-n|sin number"
    r"|(?:my|your|the|his|her|wife's|husband's|partner's) sin|(?-i:SIN))"
    r"|(?P<tfn>tax file(?: number| no)?|tfn|t f n|ird(?: number| no)?|i r d(?: number)?"
    r"|inland revenue(?: number)?"
    # Germany's Steuer-ID; "tax ID" alone may be a business's and is an ordinary number.
    r"|steuer[- ]?id(?:entifikationsnummer)?|steuer ?identifikationsnummer|steuernummer"
    r"|tax identification number|(?:(?<=my )|(?<=your )|(?<=his )|(?<=her )|(?<=german )"
    r"|(?<=personal ))tax id(?: number)?)"
    r"|(?P<nhs>nhs(?: number| no)?)"
    r"|(?P<medical>(?:medical|patient|health) record(?: number| no)?|mrn|m r n"
    r"|patient (?:id|number|no)"
    r"|hospital (?:number|no|id)|health card(?: number| no)?|ohip(?: number)?|health number"
    r"|chart number)"
    r"|(?P<vin>vin(?: number)?|vehicle identification(?: number)?|chassis number)"
    r"|(?P<plate>(?:licen[cs]e |number |registration |reg )?plates?(?: number)?"
    r"|registration(?: number| no)?|reg(?: number| no)?|rego)"
    r"|(?P<postcode>post ?code|postal code|eir ?code)"
    r"|(?P<policy>policy(?: number| no| #)?)"
    r"|(?P<passport>passport(?: number| no| #| id)?)"
    r"|(?P<license>(?:driver'?s?|driving) licen[cs]e(?: number| no| #| id)?"
    r"|licen[cs]e (?:number|no)|d l number|dl number|dl #"
    # "My license is W426-545-30-761-0."
    r"|(?:(?<=my )|(?<=her )|(?<=his ))licen[cs]e(?= is\b|'s\b|,? (?:wrong|down as)\b)"
    # "California license D4471902.", "a New York license, 718 204 553": a licence read
    # straight after the word.
    r"|licen[cs]e(?= #?[a-z]{1,3}\d|,? #?\d{3}[\d ]{3})"
    # "We'll need your license to complete the rental."
    r"|(?<=your )licen[cs]e(?! (?:fee|plate|key)\b))"
    r"|(?P<member>(?:insurance |health plan |plan )?member(?: id| number| no| #|(?= is\b))"
    r"|(?:medicare|medicaid|insurance|subscriber|beneficiary|health plan)(?: card)?"
    r"(?: id| number| no| #)|medicare|medicaid|mbi|health fund(?: membership)?(?: number| id| no)?"
    r"|membership (?:number|id|no)"
    # A health plan's group number, printed on the member's card beside the member ID.
    r"|(?:health plan |insurance |plan )?group (?:number|no|#|id))"
    r"|(?P<id>(?:customer|client|user|student|national|loyalty|rewards?)"
    r" (?:id|number|no|#)|account id|id number|identification number|user ?name|login id"
    r"|state id|a-number|alien (?:registration )?number|green card number"
    r"|pps ?n|pps (?:number|no)|pps(?= is\b|'s\b)|personal public service(?: number)?"
    # Brazil's CPF.
    r"|cpf(?: number| no)?"
    # India's PAN, Spain's DNI and NIE, Singapore's NRIC and FIN.
    r"|pan(?: number| no| card)?|permanent account number|dni(?: number| no)?"
    r"|nie(?: number| no)?|nric(?: number| no)?|(?<!\bthe )fin(?: number| no)?"
    # India's Aadhaar, the Netherlands' BSN, and an identity document named only "my ID".
    r"|aadhaa?r(?: number| no| card number)?|uid(?: number| no)?|bsn(?: number| no)?"
    r"|burgerservicenummer|citizen service number|(?:my|your|his|her|the) id(?! card\b))"
    r"|(?P<iban>iban)"
    r"|(?P<lastfour>ending(?: in| with)?|ends (?:in|with)|last (?:4|four)(?: digits)?)"
    # Words that also name a piece of the value being read ("the first part's ...", "the
    # last group is ...") count only with "number", "no" or "#".
    r"|(?P<negative>part (?:number|no|#|id|code)|group code"
    # "...and the meter says 55231.": a reading, not an account.
    r"|meter(?: reading)?|(?:the|a) reading|reading(?= (?:is|was|says|shows)\b)"
    r"|order|confirmation|conf|ticket|citation|booking|flight|reference|ref|tracking"
    r"|invoice|(?<!in )case|claim|reservation|room|extension|ext|zip|zip code|model"
    r"|serial|item|sku|gate|seat|table|pnr|transaction|receipt|voucher|coupon"
    r"|promo|product|apartment|apt|suite|unit|floor|building|route|bus|train|platform"
    # A bag's tag names a suitcase, not a person.
    r"|(?:bag|baggage|luggage) tag"
    r"|terminal|page|version|quantity|qty|store|tax id|employee id|badge|error|code"
    # "We're on the BA 249": an airline's code before its flight number (IATA codes of
    # the airlines callers most often name).
    rf"|(?-i:(?:(?<=the )|(?<=on )|(?<=flight ))(?:{'|'.join(_AIRLINES)})(?= ?\d{{1,4}}\b))"
    # ("P O L, then 88213": a policy's letters spelled, not a purchase order.)
    r"|po|p o(?! [a-z]\b)|purchase order|rma|return authori[sz]ation|job|work order|incident|inc"
    r")(?: (?:number|no|#|id|date|code))?"
    r"|(?P<reference>(?:request|application|enquiry|inquiry|complaint|query|appointment"
    r"|parcel|package|shipment|consignment|delivery|quote|estimate|meter|booking|port"
    r"|porting|transfer|repair|service|warranty"
    # A cheque's own number, printed beside the routing and account numbers.
    r"|check|cheque)"
    r" (?:number|no|#|id|reference|ref|code|reading|request number))"
    r"|(?P<amount>(?:credit |spending |overdraft |daily |withdrawal )?limit|balance"
    r"|(?:annual |late |monthly |overdraft )?fees?|payment(?! card)|statement|interest|apr"
    r"|cashback|points|price|cost|amount|total|(?-i:bill)|charge|refund|deposit|rate|fare|rent"
    r"|salary|premium|excess|deductible|mileage|odometer)"
    r"|(?P<card>(?:credit|debit|bank|payment|visa|amex) card(?: number)?|card(?: number)?|visa"
    r"|master ?card|amex|american express|discover|cc|card no)"
    r"|(?P<ssn>social security(?: number)?|social|ssn|s s n|s\.s\.n\.?|itin"
    r"|individual taxpayer(?: identification)?(?: number)?)"
    r"|(?P<routing>routing(?: number)?|aba|transit number|sort code|bsb"
    # An Indian bank branch's IFSC ("IFSC is HDFC0001234").
    r"|ifsc(?: code| number)?"
    # A Canadian cheque's "Transit is 00012, institution 004", or "institution 004".
    r"|transit(?= is\b|'s\b| \d{3,5}\b)|institution(?: number| code)?(?= is\b|'s\b| \d{3}\b))"
    r"|(?P<account>(?:bank |checking |savings )?account(?: number| no|#| #)?|acct"
    r"|checking|savings)"
    r"|(?P<phone>area code|(?:phone|cell|mobile|telephone|contact|callback|home|work|my|best|other"
    r"|daytime) number|phone|cell|mobile|telephone|callback|call me|reach me|reach you"
    r"|call you(?: back)?|text me|text you|landline|fax|ring (?:me|you|us)(?: back)?"
    r"|give (?:me|you|us) a (?:ring|call|bell)|whats ?app)"
    r"|(?P<birth>date of birth|birth ?date|birthday|born|birth|dob|d o b|d\.o\.b\.?"
    # "I'm turning 65 next month, on the 9th of July 1960": the birthday named.
    r"|turning(?= \d{2,3}\b)|turn(?:s|ed)?(?= \d{2,3} (?:on|next|this)\b))"
    r"|(?P<generic>number(?! of)|digits|the rest|numbers(?! of))"
    r")\b",
    re.IGNORECASE,
)
# A bare "the code" in a question: a one-time code, unless a card is being read (the
# redactor then takes three or four digits for its security code).
_GROUP_CONTEXT: Final = {
    "amount": Context.NEGATIVE,
    "reference": Context.NEGATIVE,
    "code": Context.OTP,
    "secret2": Context.SECRET,
    "secret3": Context.SECRET,
    "license2": Context.LICENSE,
}

# Every word the keyword pattern spells: only a word among these can start a keyword, so the
# big alternation is tried at those words alone, not at every word boundary (3x faster).
_KEYWORD_WORDS: Final = (
    frozenset(
        w[:4] for w in re.findall(r"[a-z]+", re.sub(r"\(\?P<\w+>|\\[a-z]", "", _KEYWORDS.pattern))
    )
    | {"sin"}
    | {code.lower() for code in _AIRLINES}
)
_LETTERS: Final = re.compile(r"[A-Za-z]+")
_JOINED: Final = re.compile(r"[\s,]{1,3}")


_OF_THE: Final = re.compile(
    r"\s+(?:for|on|of|with|to|from)\s+(?:(?:the|my|your|this|that|our|his|her|their)\s+)?",
    re.IGNORECASE,
)
# Values an account has, named before it.
_HEADS: Final = SENSITIVE_CONTEXTS - {Context.ACCOUNT, Context.GENERIC} | {Context.BIRTH}


NOT_A_TITLES_STOP: Final = r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)"
"""Put before a sentence's full stop: a title's ("Mrs. Lowe", "St. Mary's") ends nothing."""

PART_COUNT: Final = (
    r"\b(?:1st|first|last|next|other|remaining|final|2nd|second) \d{1,2}"
    r"(?= (?:digits? |numbers? )?(?:are|is)\b)"
)
"""How many digits of a long number the caller reads next ("The first 8 are", "the last 8
are", as normalised): a number read in parts, the count no digit of it."""
_PART_COUNT: Final = re.compile(PART_COUNT, re.IGNORECASE)


def keywords(text: str) -> list[tuple[int, int, str]]:
    """The cues in a normalised utterance, in order, as (start, end, context)."""
    counts = [(m.start(), m.end(), Context.GENERIC) for m in _PART_COUNT.finditer(text)]
    found = _named_keywords(text)
    if not counts:
        return found
    # "the last 4" names a last four already: a count inside a cue adds nothing.
    counts = [c for c in counts if not any(a <= c[0] < b for a, b, _c in found)]
    return sorted(found + counts)


def _named_keywords(text: str) -> list[tuple[int, int, str]]:
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
            if (
                context == Context.ACCOUNT
                and found
                and found[-1][2] in _HEADS
                and _OF_THE.fullmatch(text, found[-1][1], m.start())
            ):
                # "the PIN for the account", "the phone number on my account": the
                # account says whose it is; the value is the one named first.
                context = found[-1][2]
            found.append((m.start(), m.end(), context))
            resume = m.end()
    return found


# A security question is told by its form, not by a list of questions: it asks about the
# caller's own past or tastes -- a *first*, *favourite* or *childhood* something, where
# they grew up or were born, a relative's middle or maiden name, where their parents met.
# The nouns name a part of a life story; none names an account, a card or an identifier.
_LIFE_NOUN: Final = (
    r"(?:pets?|dogs?|cats?|horse|car|job|boss|employer|school|college|university|uni"
    r"|teacher|friend|team|mascot|sport|food|dish|meal|drink|film|movie|book|author|band"
    r"|singer|song|album|colou?r|place|city|town|village|street|road|holiday|vacation"
    r"|destination|concert|nickname|toy|game|restaurant|hero|character|actor|actress"
    r"|hobby|instrument|girlfriend|boyfriend|crush|kiss|love|roommate|flatmate"
    r"|neighbou?r|animal|subject|cartoon|show|programme|program|manager|house|honeymoon"
    r"|wedding|hospital|graduation)"
)
_RELATIVE: Final = (
    r"(?:(?:grand)?(?:mother|father|parents?)|mum|mom|mam|dad|grand(?:ma|pa|mum|mom|dad)"
    r"|gran|nan|brother|sister|siblings?|spouse|husband|wife|partner|son|daughter|child"
    r"|children|kids?|aunt|uncle|cousin|godmother|godfather|best friend)"
)
_FOREBEAR: Final = (
    r"(?:(?:grand)?(?:mother|father)|mum|mom|mam|dad|grand(?:ma|pa|mum|mom|dad)|gran|nan)"
)
_PERSONAL_PAST: Final = (
    # "your first car", "your favourite sports team", "your childhood nickname"
    rf"(?:1st|first|favou?rite|childhood|oldest|eldest|youngest|earliest|dream)"
    rf"(?: [a-z]+){{0,2}}? {_LIFE_NOUN}"
    # "the street you grew up on", "the city you were born in", "as a child"
    r"|grew up|grow up|growing up|(?<!what year )(?<!which year )(?<!when )(?:were|was) you born"
    r"|you were born|born in (?:what|which)(?! year)|(?:town|city|place|country) of birth"
    r"|as a (?:child|kid|teenager|teen)|when you were (?:young|little|small|a child|a kid)"
    r"|(?:spent|spend) your childhood|your childhood (?:home|house|street|town|city)"
    # "your father's middle name", "your mother's birthplace"
    rf"|your (?:[a-z]+ )?{_RELATIVE}(?:'s|s'|s)? (?:(?:1st|first|middle|maiden|nick) ?name|birthday"
    r"|birth ?place|place of birth|home ?town|occupation)"
    # "the first name of your eldest cousin", "what year did you graduate"
    rf"|(?:1st |first |middle |maiden |nick)?name of your (?:[a-z]+ )?(?:{_FOREBEAR}|cousin"
    r"|aunt|uncle|godmother|godfather|grandparents?|best friend|childhood friend)"
    r"|year did you (?:graduate|finish school|leave school|get married|marry|meet)"
    # "your grandmother's name", "your mother's name before she married"
    rf"|your (?:[a-z]+ )?{_FOREBEAR}(?:'s|s') (?:[a-z]+ )?name"
    # "where did your parents meet", "where did you meet your wife"
    rf"|(?:did|do|were|was) your {_RELATIVE} (?:1st |first )?(?:meet|marry|married|wed|get married"
    r"|grow up|live|come from|work|born)|(?:did|do) you (?:1st |first )?meet your"
    rf"|(?:did|do) you and your {_RELATIVE} (?:1st |first )?meet"
    # "the name of your first pet", "your pet's name"
    rf"|name of (?:your|the) (?:[a-z0-9]+ ){{0,2}}?{_LIFE_NOUN}"
    r"|(?:primary|secondary|high|elementary|middle|grammar|junior|infant|nursery) school"
    r"|your (?:honeymoon|wedding|graduation|1st date|first date)"
    r"|pet'?s name|school did you|best friend|memorable"
)
# "To verify you, what was the amount of your last payment?": an amount asked as a
# security question, its answer a secret.
_AMOUNT_CHECK: Final = (
    r"(?:verify|verification|security|confirm (?:your identity|it's you)"
    r"|check (?:it's|that it's) you)[^.?]{0,40}?(?:amount|how much)[^.?]{0,24}?"
    r"(?:last|latest|most recent|previous) (?:payment|bill|deposit|transaction|top-?up"
    r"|purchase|withdrawal|direct debit|statement)"
)
_ASKS_AMOUNT_AS_CHECK: Final = re.compile(_AMOUNT_CHECK, re.IGNORECASE)
# What an agent asks for in words that are not the caller's own keywords.
_AGENT_CUES: Final = re.compile(
    r"\b(?:"
    rf"(?P<secret>{_PERSONAL_PAST})"
    r"|(?P<otp>(?:sent|texted|emailed|messaged) (?:you )?(?:a|an|the)(?: new)?(?: \d)?"
    r"(?: digit)?(?: security| verification| one-time| 1-time)? (?:code|passcode|pin)"
    r"|(?:code|passcode) (?:we|i)(?:'ve| have)? (?:just )?(?:sent|texted|emailed)"
    r"|did (?:the|that|a) code (?:arrive|come)"
    # "That code seems to have expired, I've sent another.": a new code, in its place.
    r"|(?<=code)[^.?!]{0,60}?(?:sent|texted|emailed) (?:you )?(?:another|a new one|a fresh one)"
    r"(?= ?[.!?]|$)"
    # "Did the text come through?", "Have you got the text?": the code it carries.
    r"|did (?:the|that|my|our) (?:text|sms)(?: message)? (?:arrive|come|get through|land)"
    r"|(?:has|have) (?:the|that|my|our) (?:text|sms)(?: message)? (?:arrived|come|got through"
    r"|landed)"
    r"|(?:got|get|receive|received) (?:the|that|my|our) (?:text|sms)(?: message)?(?= ?\?)"
    r"|code (?:on|from) (?:your|the) (?:screen"
    r"|phone|text|app)|passcode on your screen)"
    r"|(?P<code>(?:the|that|your|what|which|a|any)"
    r"(?: (?:new|newest|latest|fresh|last|other|second|most recent))? code"
    # "Code please?"
    r"|code,? please)"
    r"|(?P<name>your (?:first |1st |last |full |sur)?name|(?:first|1st|last|full|sur) ?name"
    r"|who (?:am i|i am|i'm) speaking (?:to|with)|name on the (?:card|account)"
    r"|spell (?:that|it|your (?:first |1st |last |sur)?name|the (?:sur|last |first |1st )?name))"
    r"|(?P<email>e-?mail(?: address)?)"
    r"|(?P<postcode>post ?code|postal code)"
    r"|(?P<address>address|where should we send|where (?:do|does) (?:you|it) live"
    # "Where should the courier deliver?", "Where shall we post it?"
    r"|where (?:should|shall|can|do you want) (?:we|i|they|the [a-z]+|us|it|them)"
    r"(?: to)? (?:deliver|send|post|ship|drop|go|come|attend|visit)"
    # "And the street?" ("the street you grew up on" asks a security question).
    r"|(?:the|your|which|what) street(?: name)?(?! (?:you|that you|where|he|she|your)\b)"
    r"|where are you calling about"
    # "Where's the property?"
    r"|where(?:'s| is) (?:the|your) (?:property|house|home|premises|flat)(?: located)?(?= ?\?))"
    r"|(?P<phone>number (?:to|where|we can|i can) (?:reach|call|text)|reach you at"
    r"|number (?:for|on) your account|number you're calling from)"
    r"|(?P<license2>number on the (?:front |back )?(?:of (?:the|your) )?licen[cs]e)"
    # ("The long number on the front of the licence": the licence's.)
    # "The sixteen digit number, please.": a card's length.
    r"|(?P<card>(?:16|15)[- ]digit (?:card |long )?number"
    r"|long number(?! on (?:the )?(?:front |back )?(?:of )?(?:the |your )?(?:licen[cs]e"
    r"|passport|letter|bill|policy|statement))|number on the (?:front of the )?card|card's number)"
    r"|(?P<expiry>when does (?:it|the card|your card|that card|that one|the new one)"
    r" (?:expire|run out|end|lapse|run until)|expiration|month and year|valid[ -](?:until|to))"
    r"|(?P<birth>when were you born|(?:what|which) year (?:were|was) you born)"
    # "What have you been typing?": the password tried. "I'm afraid that doesn't match
    # what we have.": a security answer to try again.
    r"|(?P<secret2>what (?:have you been|are you|were you|did you)(?: try| tried)?"
    r" (?:typing|entering|putting in|to type|to enter)"
    r"|(?:that|it|this) (?:doesn't|does not|didn't|did not) match(?: what we have| our records)?"
    r"|(?:that's|that is) not what we have)"
    # "To verify you, what was the amount of your last payment?": an amount asked as a
    # security question, its answer a secret.
    rf"|(?P<secret3>{_AMOUNT_CHECK})"
    # A question for a time, a day or a quantity: the answer is an ordinary number.
    r"|(?P<negative>what time|which time|what day|which day|how many|how much|how long"
    r"|what date works|good time|best time|time to call"
    # "Can you read me the meter?": a reading.
    r"|read (?:me |us |out )?(?:the|your) (?:[a-z]+ )?(?:meter|gauge|dial|display|odometer))"
    r")\b",
    re.IGNORECASE,
)
_QUESTION_TAIL: Final = 240
_NAMED_NUMBER: Final = re.compile(r" (?:number|no|#|id|code|date)$")
_SENTENCE_END: Final = re.compile(r".*[.!?]\s", re.DOTALL)
_ANYTHING_ELSE: Final = re.compile(
    r"\b(?:is there|was there|have you got) (?:anything else|anyone|anybody)\b", re.I
)
_NUMBERS_ON_A_READING: Final = re.compile(
    r"\bnumbers? (?:on|from|off) (?:the|your) (?:[a-z]+ )?(?:meter|gauge|dial|display|"
    r"odometer|clock)\b",
    re.IGNORECASE,
)
# What the agent has done to a value, said just before its name: "I've reset your".
_DONE_TO_IT: Final = re.compile(
    r"\b(?:i|we)(?:'ve| have)(?: just| now)? (?:reset|changed|updated|unlocked|cancelled|"
    r"canceled|blocked|frozen|replaced|re-?sent|sent|emailed|texted)(?: you)? "
    r"(?:your|the|a|an)(?: new| temporary)? $",
    re.IGNORECASE,
)
# The last question mark of a turn, with the space after it.
_LAST_QUESTION: Final = re.compile(r"\?\s(?!.*\?\s)", re.DOTALL)
# A question for one of these outranks any other cue in its sentence: "for the Visa
# ending in 4419, the CVV please" asks for the CVV.
_FIRST: Final = SECRET_CONTEXTS | {Context.EXPIRY, Context.BIRTH}
_DOCUMENT: Final = re.compile(r"\b(?:passport|licen[cs]e)\b", re.IGNORECASE)
_SIX_DIGIT_SECURITY: Final = re.compile(
    r"\b(?:[5-9] digit security (?:number|code)|telephone banking)", re.IGNORECASE
)
_LAST_FOUR: Final = re.compile(r"\b(?:last|final) (?:4|four)\b", re.IGNORECASE)
_QUANTITY_QUESTION: Final = re.compile(
    r"\b(?:how many|how much|how long|how often|what time|which time|how old)\b", re.IGNORECASE
)
# A code that came by text, e-mail or an app is a one-time code, whatever the question
# calls it ("the six-digit code from the text").
_WHERE_IT_IS: Final = re.compile(
    r"\b(?:from|in|on|off|of|under|at) (?:the|your|that|this|an|a|my)(?: [a-z]+,?){0,4} $",
    re.IGNORECASE,
)
_CODE_EXPIRED: Final = re.compile(
    r"\bcode(?: has| had|'s)? (?:expired|timed out)\b|"
    r"\b(?:sent|texted|emailed) (?:you )?(?:a )?(?:new|fresh|another) (?:one|code)\b",
    re.IGNORECASE,
)
_WHEN_ASKED: Final = re.compile(
    r"\s*(?:(?:and|so|okay|ok|right),? )*when (?:did|do|does|was|were|is|are|will|would|have"
    r"|has|had)\b",
    re.IGNORECASE,
)
_SENT: Final = re.compile(
    r"\b(?:sent|texted|text(?: message)?|sms|emailed|arrive[ds]?|receive[ds]?|authenticator"
    r"|(?:from|in|on) (?:the|your) app)\b",
    re.IGNORECASE,
)
# "Read the six digits when you have them.": digits on their way to the caller, a code
# sent to them.
_ON_ITS_WAY: Final = re.compile(
    r"\b(?:when|as soon as) (?:you (?:have|get|receive|see) (?:them|it)|it (?:comes|arrives))\b",
    re.IGNORECASE,
)
_CODE_OR_DIGITS: Final = re.compile(r"\b(?:digits|code)\b", re.IGNORECASE)
# A question word right before a cue: "on what number", "which address".
_WH_BEFORE: Final = re.compile(
    r"\b(?:what|which|what's|whats)(?: is| was)?(?: (?:the|your|a|best|other|new))? $",
    re.IGNORECASE,
)
# "And the letter at the end?", "What's the last letter?": an identifier's letter.
_LETTER_PART: Final = re.compile(
    r"\b(?:the|what|which)(?:'s the| is the)? (?:last |final |check |end )?letter"
    r"(?: at the end| after (?:it|that|the numbers))?\b",
    re.IGNORECASE,
)
# "And the year?", "What month?": a part of the date the agent asked for last.
_DATE_PART: Final = re.compile(r"\b(?:the|what|which) (?:year|month|day)\b", re.IGNORECASE)
_DATE_PART_WORDS: Final = 5
# "Could you spell that?": the last answer again, letter by letter.
_SPELL_AGAIN: Final = re.compile(
    r"\b(?:spell (?:that|it)|how (?:do|would) you spell (?:that|it))\b", re.IGNORECASE
)
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


# "Before I can discuss the account I'll need to take you through security.": the caller's
# next words are the details that prove who they are, named or not.
_IDENTITY_CHECK: Final = re.compile(
    r"\b(?:(?:take|put|run|walk|go) (?:you )?through (?:some |a few |a bit of |our |the )?"
    r"(?:security|data protection|verification)"
    r"|(?:verify|confirm|check) (?:your|the account holder's|the caller's) identity"
    r"|(?:security|data protection|identity|id&v|id and v) (?:check|questions|screening)"
    r"|(?:pass|complete|do|clear) (?:some |a few |the )?(?:security|data protection))\b",
    re.IGNORECASE,
)


def asks_amount_as_check(agent_text: str) -> bool:
    """Whether the agent's turn asks for an amount as a security question ("To verify
    you, what was the amount of your last payment?"): every amount in the answer is then
    the secret.

    Args:
        agent_text: The agent's turn as spoken.
    """
    return _ASKS_AMOUNT_AS_CHECK.search(agent_text) is not None


def checks_identity(agent_text: str) -> bool:
    """Whether the agent's turn opens an identity check ("let me take you through
    security"), whose answer gives identifying details without naming them.

    Args:
        agent_text: The agent's turn as spoken.
    """
    return _IDENTITY_CHECK.search(agent_text) is not None


@dataclass(frozen=True, slots=True)
class AgentTurn:
    """What an agent's turn means for the caller's next answer.

    Attributes:
        context: What it asks for (a `Context` value), if anything.
        hold: It asks nothing new ("Mm-hm.", "Go on.", "Sorry, you cut out after 2 4 4
            4."): a question not yet answered still stands, and a value read in pieces
            goes on.
        again: It asks for the last answer again ("Sorry, you broke up there.", "Could
            you repeat the last group?", "Could you spell that?"): the last question
            stands even if answered.
        date_part: It asks for a part of a date ("And the year?"): the year of the
            expiry or birth date asked for last, if that was the last question.
        letter_part: It asks for an identifier's letter ("And the letter at the end?"):
            the rest of the value asked for last.
    """

    context: str | None
    hold: bool
    again: bool = False
    date_part: bool = False
    letter_part: bool = False


def read_agent_turn(agent_text: str) -> AgentTurn:
    """Read one agent turn for what it asks.

    Args:
        agent_text: The agent's turn as spoken (placeholders are fine).
    """
    text = normalise(agent_text[-_QUESTION_TAIL:]).text
    context = _asked_in(text)
    if context == Context.NAME and _SPELL_AGAIN.search(text) and text.count(" ") <= _HOLD_WORDS:
        return AgentTurn(context, hold=False, again=True)
    if context is None and _DATE_PART.search(text) and text.count(" ") <= _DATE_PART_WORDS:
        return AgentTurn(None, hold=False, date_part=True)
    if context is None and _LETTER_PART.search(text) and text.count(" ") <= _DATE_PART_WORDS:
        return AgentTurn(None, hold=False, letter_part=True)
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
    asked = _LAST_QUESTION.search(text, 0, sentence_start)
    if asked is not None and not text.rstrip().endswith("?"):
        # "What's your Medicare number? It's on the red, white and blue card.": the
        # question is the last sentence that asks; the remark after it says where.
        before = _SENTENCE_END.search(text, 0, asked.start())
        sentence_start = before.end() if before is not None else 0
    if _ANYTHING_ELSE.search(text, sentence_start) is not None:
        # "Is there anything else on the account?": asks whether, for no value.
        return None
    found: tuple[tuple[bool, bool, int, int], str] | None = None
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
        if _DONE_TO_IT.search(text, max(0, m.start() - 40), m.start()) is not None:
            # "I've reset your password and sent you a link.": done, not asked for.
            continue
        inside = m.start() >= sentence_start
        place = -m.start() if inside else m.end()
        first = category in _FIRST and m.lastgroup != "code"
        # "When's a good time, and on what number?" asks for the number too: a value
        # asked for with a question word of its own outranks a question for a time or a
        # quantity ("What time works best for a callback?" asks for the time).
        # "the group number and the member ID?" asks for the member ID too: an ordinary
        # number asked for beside a value ranks below it, however early (a question for a
        # time or a quantity does not: "What time works best for a callback?").
        named = category == Context.NEGATIVE and m.re is _KEYWORDS
        specific = 0 if category == Context.GENERIC else 1 if named else 2
        if _WHERE_IT_IS.search(text, max(0, m.start() - 48), m.start()) is not None:
            # "the order number from the confirmation email": where it is, not what.
            specific = 0
        if (
            category != Context.NEGATIVE
            and _WH_BEFORE.search(text, max(0, m.start() - 24), m.start()) is not None
        ):
            specific = 3
        rank = (inside, first, specific, place)
        if found is None or rank > found[0]:
            found = (rank, category)
    if found is None:
        return None
    category = found[1]
    if category == Context.GENERIC and _NUMBERS_ON_A_READING.search(text, sentence_start):
        # "Can you read me the numbers on the meter?": a reading, an ordinary number.
        return Context.NEGATIVE
    if category == Context.CARD and _LAST_FOUR.search(text, sentence_start):
        # "Which card? Just the last four is fine.": the answer is its last four.
        return Context.LASTFOUR
    if (
        category in _FIRST
        and _QUANTITY_QUESTION.search(text, sentence_start)
        and not _ASKS_AMOUNT_AS_CHECK.search(text, sentence_start)
    ):
        # "How many PIN attempts did you make?" asks for a count, not the PIN.
        return Context.NEGATIVE
    if category in (Context.CVV, Context.PIN) and _SENT.search(text):
        return Context.OTP
    if (
        category == Context.GENERIC
        and _ON_ITS_WAY.search(text, sentence_start)
        and _CODE_OR_DIGITS.search(text, sentence_start)
    ):
        return Context.OTP
    if category == Context.EXPIRY and (document := _DOCUMENT.search(text, sentence_start)):
        # "Passport number and expiry?": the document's number first, and its expiry is
        # no card's.
        return Context.PASSPORT if document.group().lower() == "passport" else Context.LICENSE
    if category == Context.EXPIRY and _CODE_EXPIRED.search(text):
        # "That code has expired, I've sent a fresh one.": the new code is next.
        return Context.OTP
    if category not in (Context.EXPIRY, Context.BIRTH) and _WHEN_ASKED.match(text, sentence_start):
        # "When did you first take out the policy?" asks for a date, not its number.
        return Context.NEGATIVE
    if category == Context.CVV and _SIX_DIGIT_SECURITY.search(text):
        return Context.PIN
    return category
