"""What callers say, as the end-of-turn judge reads it: the words and phrases that leave
a sentence open or close it, the ways a value is announced, spelled or read in groups,
and the ways an agent's question asks for one (:mod:`worker.turns.turn_judge` decides in
what order they count).

Every pattern is matched against lower-cased text unless its comment says otherwise; each
was added for turns a corpus of real call-centre phrasing showed (``python -m bench
turns``).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "ABOUT_TO_READ",
    "ANNOUNCED",
    "ANSWERED_YES_NO",
    "ASIDE",
    "ASKED_OF_SELF",
    "ASKED_OF_SOMEONE_THERE",
    "AS_IN",
    "AUXILIARIES",
    "BE",
    "BEFORE_A_BARE_VERB",
    "BEFORE_A_DEMONSTRATIVE",
    "BEFORE_A_SEQUEL",
    "BEFORE_YOU_GOES_ON",
    "CLAUSE_VERB",
    "CODE_IT_WAS",
    "COUNTRY_ONLY",
    "DANGLING",
    "DANGLING_TAIL",
    "DATES_ASKED",
    "DATE_LEAD_IN",
    "DATE_QUESTION",
    "DATE_WORDS",
    "DAY_ASKED",
    "DAY_NAMED",
    "DAY_ONLY",
    "ENDS_WITH_NEXT",
    "FILLERS",
    "FOUND_IT",
    "GOING_TO_LOOK",
    "GREETED",
    "GREETING",
    "GREETING_WORDS",
    "GROUP_INTRO",
    "HAS_A_NAME",
    "HAS_VALUE_QUESTION",
    "HEDGED",
    "HESITATIONS",
    "HOLDING_FLOOR",
    "INTERJECTION_ONLY",
    "LABEL_ECHO",
    "LABEL_NOUN",
    "LABEL_READ",
    "LABEL_WORDS",
    "LIST_SO_FAR",
    "LOOKING_FOR_IT",
    "MONTH",
    "MONTH_NAMED",
    "MORE_OFFER",
    "NATO",
    "NOT_A_VALUE_INTRO",
    "NOT_A_VALUE_TAIL",
    "OBJECT_PRONOUNS",
    "OPENER_ONLY",
    "OPEN_MODAL",
    "OPEN_PHRASE",
    "OWES_OBJECT",
    "OWN_EMAIL_NAMED",
    "PARTICLES",
    "PARTICLE_OBJECTS",
    "PAST_VERB",
    "PHRASAL_END",
    "PHRASAL_VERB",
    "PICKED_ONE",
    "POSSESSIVE_ONLY",
    "PREPOSITIONS",
    "PRONOUNS",
    "READS_OUT",
    "READ_FROM_WHERE",
    "REFUSAL",
    "RELATIVE_DAY",
    "SAYS_DIGITS",
    "SEND_TO",
    "SENTENCE_ADVERBS",
    "SENTENCE_END",
    "SET_UP_BY",
    "SHORT_ANSWERS",
    "SPELLED_GROUP",
    "SPELLING_NOTE",
    "STARTS_WITH",
    "STRANDED",
    "SUBJECTS",
    "SUBORDINATE_ONLY",
    "TIME_ASKED",
    "TIME_PREPOSITIONS",
    "TO_WHERE_IT_IS",
    "TRANSITIVE",
    "VALUE_ELSEWHERE",
    "VALUE_GROUP",
    "VOCATIVE",
    "WAIT_FOR_ME",
    "WANTS",
    "WEEKDAY_BEFORE_ITS_DAY",
    "WH",
    "WHERE_IT_IS",
    "WHOLE_ENDING",
    "WORD",
    "YEAR",
    "YEAR_IN_WORDS",
    "YES",
    "YES_NO_OPENERS",
]

DANGLING: Final = frozenset(
    """
    a an the to of for from with without in on at by under over into about as than
    since until unless
    and or but so because if when while that which who whose where my your our their his her its
    is are was were be been am i'm it's that's i we you they he she um uh er erm hmm like just
    then also plus mean actually wait sorry rather every
    underscore dot dash hyphen between among via towards toward including except versus
    within despite upon onto regarding concerning
    i'd we'd they'd he'd she'd you'd keeps he's she's they're we're you're there's
    i've we've you've they've i'll we'll you'll they'll he'll she'll it'll what's
    """.split()
)

BE: Final = frozenset("is are was were am".split())

# Verbs that open a yes/no question ("Is it possible to?"): a subject after one is the
# question's, not a relative clause's.
AUXILIARIES: Final = frozenset(
    "is are was were am do does did can could would will shall should may might must have has "
    "had".split()
)

# Last words that leave a value or a name about to be read ("It's.", "The label says.",
# "A firm called."), when the judge has found the sentence open.
READS_OUT: Final = frozenset("it's that's says reads shows states called named".split())

# "The last statement said.", "My doctor said.": what it said is next ("That's what my
# doctor said." is whole).
SAID_BY: Final = re.compile(
    r"(?:(?:yes|yeah|well|um|uh|oh|so),? )*(?:(?:the|my|your|our|his|her|their) "
    r"(?:[a-z\-]+ ){0,2}[a-z\-]+ (?:said|showed|stated)|"
    # "They've said.": who said it, what they said next ("He told me." names who).
    r"(?:they|he|she)(?:'ve| have|'s| has)? said)"
)

# "It's now.", "It's actually.": the value's words after these, next.
IT_IS_NOW: Final = re.compile(
    r"(?:(?:yes|yeah|no|well|um|uh|oh|so),? )*(?:it's|it is|that's|it'll be) "
    r"(?:now|actually|basically|just)"
)

# A subject with its "be" run on ("He's.", "They're."): what he is comes next.
SUBJECT_BE: Final = frozenset("he's she's they're we're you're there's i'm".split())

# "...but one of them.", "...and then the next one.": after a conjunction, a subject
# with no verb yet.
SUBJECT_ONLY: Final = re.compile(
    r"\b(?:but|and|and then|because|so|though|although|when|if) "
    r"(?:(?:one|some|all|both|none|most|each|either|neither|a few|two|three) of "
    r"(?:them|those|these|us|the [a-z]+)|the (?:next|other|last|first|second|new|old) ones?)"
    r"\W*$|"
    # "The front one's fine, but the back.": the contrast's subject, its verb next.
    r",\s*but (?:the|my|his|her|their|our) [a-z]+(?: one)?\W*$|"
    # "He was limping, and nobody.": a subject no one could be the object of, its verb
    # next.
    r",\s*(?:and|but) (?:nobody|no one|nothing|somebody|someone|everybody|everyone)\W*$"
)

# "We're arriving Friday and leaving.": a coming or going whose time is next, when the
# agent asked for dates.
MOVING_OFF: Final = frozenset(
    "leaving arriving departing returning flying travelling traveling coming going checking".split()
)

PRONOUNS: Final = frozenset("it that this i you we they he she there".split())

# Verbs a caller uses to say what they want; left without an object the request is
# unfinished ("I'd like to change." said before a pause).
TRANSITIVE: Final = frozenset(
    """
    change update check book order buy pay get make add remove move set reset know
    see report dispute return transfer speak talk schedule reschedule confirm verify open
    close use find ask give send tell fill sort take hand put bring
    """.split()
)

WANTS: Final = re.compile(
    r"\b(?:to|want|wanna|gonna|need|needs|please|can you|could you|would you|i'll|let me|"
    r"can we|could we|shall we|"
    # "We were told we could bring.": what was allowed is next.
    r"(?:told|said) (?:we|i|you|they) (?:could|can|should|would|might))\s+"
    r"(?P<verb>[a-z']+)"
    # "I want to pay off.": a phrasal verb that always takes an object, left without one.
    r"(?: (?<=pay )(?:off|back)| (?<=set )up| (?<=give )back| (?<=send )(?:back|over)|"
    r" (?<=fill )(?:in|out)| (?<=sort )out| (?<=take )out| (?<=hand )in| (?<=put )in)?$"
)

SHORT_ANSWERS: Final = frozenset(
    """
    yes yeah yep yup no nope nah okay ok sure correct right exactly alright fine great perfect
    thanks thank mm-hmm uh-huh mhm hm-hmm please absolutely definitely certainly well oh
    speaking worries listen look
    """.split()
)

# A greeting said back to the agent's: "Hi," or "Hello," is how a caller starts the
# reason for the call, and the comma pause after it (~140 ms in synthesised speech) can
# outlast the VAD's silence window. Said alone it asks for nothing; "Hello?" checks the line.
GREETING_WORDS: Final = (
    r"(?:(?:hi|hello|hey|hiya|howdy)(?: there)?|(?:good )?(?:morning|afternoon|evening))"
)

# One greeting or two ("Hi. Good morning."), after a "yes" or a filler.
GREETING: Final = re.compile(
    rf"^(?:(?:yeah|yes|oh|um|uh) )?{GREETING_WORDS}(?: {GREETING_WORDS})?"
    # "Hi, yeah.": the greeting, and a breath before why the caller rang.
    r"(?: (?:yeah|yes|um|uh|so))?$"
)

# A sentence that is only a group of a value: three or more digits, or a code of
# capitals and digits ("416.", "555 0173.", "QQ 12 34.", "SW1A.", "4BT."), nothing else
# said. Case-sensitive: smart_format prints spelled letters as capitals.
VALUE_GROUP: Final = re.compile(
    r"(?=(?:\D*\d){3})\+?[\d ,\-]+|"
    # "+44.": a country code, the first group of a number read from abroad; "02.": a
    # trunk prefix, never a quantity.
    r"\+\d{1,3}|0\d{1,3}|"
    r"(?=.*\d)(?=.*[A-Z])(?:[A-Z]{1,3}|\d+|[A-Z\d]*(?:[A-Z]\d|\d[A-Z])[A-Z\d]*)"
    r"(?:,?[ \-](?:[A-Z]{1,3}|\d+|[A-Z\d]*(?:[A-Z]\d|\d[A-Z])[A-Z\d]*))*"
)

# A group of a value spelled: "X as in X-ray.", "P for Peter.", or letters in the
# phonetic alphabet ("Lima Kilo.", "X-ray Yankee Zulu."), with digits or not.
NATO: Final = (
    r"(?:alpha|alfa|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliet|juliett|kilo|"
    r"lima|mike|november|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiskey|"
    r"whisky|x-ray|xray|yankee|zulu)"
)

AS_IN: Final = r"(?:\w|\d+) (?:as in|for) [\w\-]+"

SPELLED_GROUP: Final = re.compile(
    rf"(?:{AS_IN}|{NATO}|\d+|[a-z])(?:[ ,]+(?:{AS_IN}|{NATO}|\d+|[a-z]))*"
)

# "My husband's." said alone: a possessive (or "is") whose noun or verb is still to come.
# Said to "Whose name is it in?" it is the answer.
POSSESSIVE_ONLY: Final = re.compile(
    r"(?:(?:i think|i believe|i guess|so|well|um|uh|and),? )?"
    r"(?:my|our|your|his|her|their|the|a|this|that)(?: [a-z\-]+)? [a-z\-]+'s"
)

HEDGED: Final = re.compile(
    r"(?:(?:yeah|yes|um|uh|well),? )?i (?:think|hope|guess|believe|suppose|reckon) (?:so|not)"
)

# "Order number", "booking reference", "the PAC code": a label that names a value.
LABEL_NOUN: Final = r"(?:[a-z]+ ){0,2}(?:number|code|reference|id)"

LABEL_READ: Final = re.compile(
    r"(?:(?:okay|ok|so|yes|yeah|right),? )*"
    # "At the top, it says reference.": where on the page, then the label.
    r"(?:(?:up |down |over |right )?(?:at|on|in) the (?:top|bottom|back|front|corner)"
    r"(?: of [a-z ]+)?,? )?"
    # "The letter says claim reference.": the paper named, then the label it prints.
    r"(?:it's|it says|that's|it is|the (?:letter|card|form|bill|statement|screen) says) "
    rf"(?:the |my |your )?(?:{LABEL_NOUN}|"
    # "It says valid thru.": the words printed before a card's expiry.
    r"date of (?:expiry|birth|issue)|expiry(?: date)?|valid (?:until|to|thru|through|from)|"
    r"good (?:thru|through)|expires(?: end)?)"
)

# "The agreement number." / "Loyalty number." said back: the label of what was asked,
# the value itself next (compared with the agent's question).
LABEL_ECHO: Final = re.compile(
    r"(?:(?:okay|ok|so|right|um|uh|oh),? )*(?:the |my |our |your )?"
    rf"(?P<label>{LABEL_NOUN})"
    # "The referral code they gave me.": the label and who gave it.
    r"(?: (?:that |which )?(?:they|you|he|she|we|i|someone) [a-z]+(?: (?:me|us|you|it|him|her))?"
    # "The long number on the bill.": the label and where it is.
    r"| (?:on|from|at the top of|at the bottom of|off) (?:the|my|your|this) [a-z]+)?"
)

# "Unit." / "Flat." / "Terminal.": a word that names the value after it.
LABEL_WORDS: Final = frozenset(
    "unit flat apartment apt room suite model version terminal gate platform seat ward bed "
    "block building floor extension ext".split()
)

# How a value's edge is named: its last digits ("ends in", "ending") or its first ("starts
# with", "begins"). One notion, read three ways: the edge named and its digits next
# (ENDS_WITH_NEXT), the first digits said outright (STARTS_WITH), and "the one ending."
# left open (DANGLING_TAIL).
_EDGE_SUBJECT: Final = r"(?:it|that|the [a-z]+)"
_END_VERB: Final = r"(?:ends|ended|ending)"
_START_VERB: Final = r"(?:starts|started|begins|began)"
_EDGE_PREP: Final = r"(?: (?:in|with|on))?"

# "I think it ended.", "It starts with.": the digits it ends or starts with are next.
ENDS_WITH_NEXT: Final = re.compile(
    rf"(?:(?:i think|um|uh|so|yes|yeah),? )*{_EDGE_SUBJECT} "
    rf"(?:{_END_VERB}|{_START_VERB}){_EDGE_PREP}"
)
# "It starts 0x.", "It begins with AB.": more of the value, said outright, is coming.
STARTS_WITH: Final = re.compile(
    rf"(?:(?:and|so|okay|um|uh),? )*{_EDGE_SUBJECT} (?:starts|begins)(?: with)? \S+"
)

# "So basically.", "To be honest.", "In that case." -- a discourse marker said alone
# opens a turn; what it is about is next.
OPENER_ONLY: Final = re.compile(
    r"(?:(?:so|well|okay|ok|right|and|but|um|uh|oh|yeah),? )*"
    r"(?:basically|to be (?:honest|fair|frank)|if i'm (?:honest|being honest)|honestly|"
    r"in (?:that|which|any|this) case|in fact|the thing is|thing is|as i said|like i said|"
    r"at the end of the day|having said that|that said|mind you|funnily enough|"
    r"to be perfectly honest|on second thoughts?|either way|in the meantime|by the way)"
)

# "Oh, gosh.", "Eh.": a reaction or a sound said alone, the answer after it.
INTERJECTION_ONLY: Final = re.compile(
    r"(?:(?:oh|ah|well|um|uh),? )*(?:gosh|goodness|my goodness|oh my|blimey|crikey|golly|"
    r"jeez|gee|wow|dear|oh dear|good grief|heavens|eh|ooh|hmm)"
)

# "If I overpay this month.", "When I got home.": a clause that leads into its sentence,
# said alone; the sentence itself is next ("If possible." and "When I can." are whole).
SUBORDINATE_ONLY: Final = re.compile(
    r"(?:(?:so|and|but|well|um|uh|oh|yeah|yes|okay|ok),? )*"
    r"(?P<conj>if|when|whenever|once|although|though|unless|while|whilst|as soon as|"
    r"even though|even if|every time|each time) "
    r"(?!(?:possible|necessary|needed|so|not|any|ever|anything|applicable|that's \w+|"
    r"that helps|that makes sense|you don't mind|it's not too much trouble)$)"
    r"(?!(?:i|you|we|they|he|she|it) (?:can|could|may|might|must|do|don't|want|like|"
    r"need to|have to|need|remember|recall)$)"
    r"[^,]+"
)

# "Um, it was 087.": a group with a leading zero after "it was" (a code, not a quantity).
CODE_IT_WAS: Final = re.compile(
    r"(?:(?:um|uh|so|yes|yeah|okay|ok),? )*(?:it|that) was (0\d+(?:[ ,\-]+\d+)*)",
    re.IGNORECASE,
)

PICKED_ONE: Final = re.compile(
    r"(?:(?:right|oh|um|uh|so|yes|yeah|okay|ok)\W+)*"
    # "Probably my work one.", "It might be my work one.": a guess at which, the same.
    r"(?:(?P<said>it's|it is|it was|that's|use|it might be|it could be|it should be|"
    r"it'll be|it will be|it would be|it'd be)|"
    r"probably|maybe|i think|i guess)?,? ?(?:the|my|our) [a-z]+ one"
)

GROUP_INTRO: Final = re.compile(
    r"^(?:(?:yes|yeah|okay|ok|so|um|uh),? )*(?:"
    # "It's Ruth on 029.": who to ring, and a trunk prefix begun (tried before a bare
    # "it's", which would leave "Ruth on 029").
    r"(?:(?:it's|that's|it is|that is|try|ring|call) )?[a-z]+(?: [a-z]+)? on(?=\s+0\d)|"
    r"it's|it is|that's|that is|"
    # "It says 0141.": read off the form, its first group.
    r"(?:it|this|that) (?:says|reads|shows)|"
    # "The number on here is 0114.": read off the paper in hand.
    r"the number (?:on here|on it|on the [a-z]+) is|"
    # "The number's 020.": the value's first group after its label; "My sister's number
    # is 0131.", "His number is 029.": someone's number, its first group.
    r"(?:(?:the|my|his|her|their|our) )?(?:[a-z]+'s )?number(?: is|'s)|"
    r"(?:and )?then)\s+",
    re.IGNORECASE,
)

GREETED: Final = re.compile(r"(?:good )?(?:morning|afternoon|evening)\b|(?:hi|hello|hey)\b")

# The agent offering more help: a "yes" to it says there is more, and what it is
# follows ("Yes, is there a way to talk to someone..." with a comma pause after "Yes").
MORE_OFFER: Final = re.compile(
    r"\b(?:anything|something) else\b|\bany (?:other|more|further) (?:questions?|thing)"
)

YES: Final = frozenset("yes yeah yep yup sure actually well um uh oh".split())

YES_NO_OPENERS: Final = re.compile(
    r"^(?:is|are|am|was|were|do|does|did|can|could|would|will|shall|should|have|has|had|"
    r"may|might|must|isn't|aren't|don't|doesn't|didn't|won't|wouldn't|shall)\b"
)

# Endings no sentence stops on, beyond single words: "how much", "whether", a
# self-correction still missing its replacement ("Actually, no.", "No, sorry."), a
# time or place left open ("Any time after."), and a few phrases that owe their object.
DANGLING_TAIL: Final = re.compile(
    # "I was wondering whether you.": the clause's subject said, its verb next.
    r"(?:\bhow (?:much|many|long|often|far)|\bwhether(?: (?:i|we|you|they|he|she|it))?|"
    r"\bin order|"
    r"\b(?:actually|wait|sorry|i mean|rather)\W+no|\bno\W+(?:wait|sorry)|"
    # "Make that two." corrects; "I didn't make that." is whole.
    r"(?<!n't )(?<!not )\b(?:make|scratch) that|"
    r"\b(?:tell|show|ask|give|send) (?:me|you|us)|\bsaying|"
    # "Any time after." -- a time left open, its point still to come.
    r"\b(?:any ?time|some ?time|anywhere|somewhere|any (?:day|weekday|evening|morning|afternoon)) "
    r"(?:after|before|around|between|from|until)|"
    # "It's making this." -- the noise it makes is next ("What's making that?" asks).
    r"\b(?:it|it's|it is|he's|she's|they're|keeps|kept) (?:making|made) (?:this|these)|"
    # "It says." -- what it says is still to come ("That's what it says." is whole).
    r"(?<!what )\b(?:it|that|this|which) (?:says|said|shows|showed|reads)|"
    # "It's showing.", "...and they're saying.": what it shows is next.
    r"(?<!what )\b(?:it|that|this|they|he|she)(?:'s|'re| is| are| was| were) "
    r"(?:showing|saying|reading|displaying)|"
    r"(?<!what )\b(?:the )?[a-z]+ (?:says|shows|reads|states)|"
    # "...about my mother's." -- the possessive's noun is still to come.
    r"\b(?:about|regarding|concerning|for) (?:my|our|his|her|their|your) [a-z\-]+'s|"
    # "It's just a bit too." -- a degree still missing its adjective ("Me too." is whole).
    r"\b(?:a bit|a little|way|far|much|slightly|just) too|"
    # "The neighbour at number." -- the number itself is next.
    r"\b(?:at|in|on|to) number|"
    # "...and he's really." -- an intensifier still missing its adjective.
    r"\b(?:is|'s|are|'re|was|were|am|'m|be|been|feel|feels|felt|getting|looks?|"
    # "Her lips became very.": a change of state, its adjective next.
    r"became|become|becomes|went|goes|got|gets|seemed|seems|turned|turns|grew) "
    r"(?:really|very|so|quite|pretty|extremely|incredibly|super|a bit|a little)|"
    # "...a payment from a company called." -- the name is next ("I called." is whole).
    r"\b(?:a|an|some|this) [a-z]+ (?:called|named)|"
    # "We were in the one called." -- which one is named next.
    r"\bone (?:called|named)|"
    # "It was the lady called." -- "it was" names someone, the name next ("The engineer
    # called." is whole).
    r"^(?:(?:oh|um|uh|so|and),? )*(?:it|that)(?:'s| is| was) the [a-z]+ (?:called|named)|"
    # "It's called." -- the name is next, as above ("Hot stones, I think it's called." said
    # it first).
    r"(?<!, )(?<!, i think )(?<!, i believe )(?<!, i guess )"
    r"\b(?:it|that|this|they|he|she)(?:'s|'re| is| was| are| were)(?: just| also)? "
    r"(?:called|named)|"
    # "...and they've never." -- the participle is still to come ("I never have." is whole).
    r"\b(?:i|we|you|they|he|she|it)(?:'ve|'d| have| has| had) (?:never|just|ever|always|only)|"
    # "It was around." -- an estimate whose figure or date is still to come.
    r"\b(?:it|that|this|they)(?:'s|'re| is| was| are| were| would be| must be| must have been|"
    r"'ll be| will be)"
    r"(?: just)? (?:around|approximately|roughly|nearly|almost|maybe|probably|at least)|"
    # "Um, I was thinking." / "I was wondering." -- what is being thought is next.
    r"\b(?:i was|i'm|i am|we were|we're|we are) (?:thinking|wondering|hoping)|"
    # "We were thinking maybe.", "I'd say about." -- the hedge's figure still to come.
    r"\b(?:thinking|thought|reckon|reckoned|guess|guessed|say|said) (?:maybe|perhaps|probably|"
    r"about|around|roughly)\W*$|"
    # "The problem is that when it gets to the top." -- what happens then is next.
    r"\b(?:problem|thing|issue|trouble|worry|point) (?:is|was) that "
    r"(?:when|if|whenever|once|after|before|because) [a-z' ]{1,60}\W*$|"
    # "She's a 26 foot." -- a measure before its noun, the noun next.
    r"\ba \d+[- ]?(?:foot|ft|metre|meter|inch|piece|litre|gallon|kilo|kg|tonne|ton)\W*$|"
    # "It's got these." -- on the phone, what "these" are is next.
    r"\b(?:got|there's|there are|with) (?:these|those)\W*$|"
    # "It's the Visa ending." -- its last digits next.
    r"\b(?:card|visa|mastercard|amex|debit|credit|account|one) ending\W*$|"
    # "I want to say." -- a hedge before the value, which is next.
    r"\bi (?:want|wanna|wanted) to say\W*$|"
    # "A builder had a look and said." -- what was said is next.
    r"\band (?:said|says)\W*$|"
    # "...the door is making." -- the noise it makes is next.
    r"\b(?:is|are|was|were|'s|'re|keeps?|kept|started|starts) making\W*$|"
    # "The bike is number." -- the number itself is next.
    # ("Use my daughter's number." is whole: a possessive, not "it's".)
    r"(?:\b(?:is|was)|\b(?:it|that|he|she|there|what)'s) number|"
    # "It's one of those." -- which of those, next.
    r"\b(?:it|that|this|they|he|she)(?:'s|'re| is| are| was| were) (?:one|some) of those|"
    # "Me and my partner and possibly.", "..., so maybe." -- a hedge joined on, what it
    # hedges still to come ("Maybe." alone is whole).
    r"\b(?:and|so|but|or)(?:,)? (?:maybe|perhaps|possibly|probably)|"
    # "It's the maths one, but only.", "The sink went first, then.", "...he will get.":
    # what is limited, what came next, what he will get, still to come.
    r"\bbut only\W*$|\bfirst,? then\W*$|"
    r"\b(?:will|'ll|would|should|might|could|gonna|going to) get\W*$|"
    # "...at the wrong." -- an adjective whose noun is still to come ("at the back." is whole).
    r"\b(?:at|to|in|on|from|into|for|with) the (?:wrong|right|correct|new|old|main|nearest|"
    r"other|same|local)|"
    # "The carer didn't come this." -- a time ("this morning") still to come after a verb
    # that takes no object ("I'll leave this." is whole).
    r"\b(?:come|comes|came|coming|go|goes|went|going|arrive|arrives|arrived|arriving|"
    r"happen|happens|happened|happening)(?:n't)? (?:this|last|next|every)|"
    # "I think we should be getting." -- what is due is still to come.
    r"\b(?:be|been) (?:getting|receiving|paying|sending|making|taking|giving|having)|"
    # "The points from my last." -- an adjective whose noun is still to come ("It was my
    # last." is rare; "the week before last." is whole).
    r"\b(?:my|our|your|his|her|their) (?:last|previous|usual|current|old|new|main)|"
    # "The one ending." -- the card's last digits are next.
    rf"\b(?:one|card|number|account) (?:ending|ends|starting|starts){_EDGE_PREP}|"
    # "He was born." -- when is next.
    r"\b(?:was|were) born|"
    # "We were thinking around." -- the figure is next.
    r"\b(?:thinking|looking at|hoping for|expecting|budgeting|spending|borrowing|paying|"
    r"earning|charging|costing|costs|cost) (?:around|roughly|approximately|nearly|almost)|"
    # "..., and the club's." -- what the club is, still to come (a clause after the comma;
    # "in my name and my husband's." owns, as "It's the club's." does).
    r"(?:, (?:and|but|so)|\bbecause) (?:the|my|our|his|her|their)(?: [a-z]+)? [a-z]+'s|"
    # "It's dated." -- the date on the letter is next; "It's basically." -- what it is.
    r"\b(?:it|that|this|the [a-z]+)(?:'s| is| was| were)(?: just)? (?:dated|basically|essentially)|"
    # "...and now." -- what happened next is still to come ("between then and now." is
    # whole).
    r"(?<!\bthen )(?<!\bhere )(?<!\bright )\band now|"
    # "I'm on the A30 just past." -- the landmark is next.
    # ("...at the garage right outside." is whole.)
    r"\b(?:just|right) (?:past|beyond|behind)|\bjust (?:outside|opposite)|"
    # "My wife reckons." -- what is reckoned is next ("That's what he said." is whole).
    r"(?<!what )\b(?:my|his|her|our|their|the) [a-z]+ (?:reckons|reckoned|thinks|thought)|"
    r"\b(?:he|she|they) (?:reckons|reckon|reckoned)|"
    # "I had my scan, and the doctor said." -- what was said is next ("That's what the
    # doctor said.", "as my GP said." are whole).
    r"(?<!what )(?<!\bas )\b(?:my|his|her|our|their|the) [a-z]+ (?:said|told me|told us)|"
    # "We were thinking of going." -- where or when is next.
    r"\b(?:thinking|planning|hoping) (?:of|on|about) (?:going|coming|travelling|traveling|"
    r"flying|leaving|booking|staying|moving)|"
    # "It is the right one, but sometimes." -- the exception is next.
    r"\b(?:but|and|because) (?:sometimes|usually|often|occasionally|maybe|probably)|"
    # "There's three calls to some." -- a quantifier whose noun is still to come ("I'll
    # take some." is whole: no preposition).
    r"\b(?:to|of|for|from|with|at|into|about|by) (?:some|another|every|each|several)|"
    # "I had it, but I think my son." -- someone named, what they did still to come.
    # ("It's me and my neighbour." lists who: "and" after a noun or "me" joins no clause.)
    r"(?:\b(?:but|because|so)|(?<!\bme )(?<!\bus )(?<!\bfamily )\band) "
    r"(?:i think |maybe |probably )?(?:my|the|his|her|our|their) "
    r"(?:son|daughter|wife|husband|partner|mum|mom|dad|mother|father|brother|sister|kids|"
    r"friend|neighbour|neighbor|landlord|boss|carer|grandson|granddaughter|grandma|grandad|"
    r"granddad|grandpa|nan|gran|niece|nephew|aunt|auntie|uncle|cousin)|"
    # "He had an ear infection last.", "It was last.": the time ("last spring", "next
    # Tuesday") still to come. Not "at last", "the year before last", "You're next".
    r"(?<!\bat )(?<!\bbefore )(?<!\bafter )(?<!'s )(?<!'re )(?<!\bis )(?<!\bare )"
    r"\b(?:last|next))"
    r"\W*$"
)

# "I usually see.", "It says that I owe.", "So I've got.": a verb still owing its object.
# Not in a question or after "what"/"how much" ("How much do I owe?", "That's what I owe.").
OWES_OBJECT: Final = re.compile(
    r"(?:\b(?:i|we|you|they|he|she) (?:usually|normally|always|often|generally|mostly) "
    r"(?:see|use|go to|pay|get|have|call|book|speak to|deal with)|"
    r"\b(?:i|we|you|they|he|she) (?:still )?owes?|"
    r"\b(?:i|we|you|they)(?:'ve| have) got|"
    # "...a sailing boat, and I need." -- what is needed is next.
    r"\b(?:i|we|he|she|they|it|(?:my|our|his|her|their|the) [a-z\-]+) "
    r"(?:really |just |still |also )?needs?|"
    # "She loved.", "He's always loved." -- what she loved is next.
    r"\b(?:i|we|you|they|he|she)(?:'s|'ve|'d| has| have| had)?(?: always| really| never)?"
    r" (?:loved|liked|enjoyed|preferred|hated|adored)|"
    # "She really likes." -- what she likes is next.
    r"\b(?:i|we|you|they|he|she)(?: always| really| just)?"
    r" (?:loves?|likes?|enjoys?|prefers?|hates?|adores?)|"
    # "He always said he wanted." -- what he wanted is next.
    r"\b(?:i|we|they|he|she) (?:always |really |just |only )?(?:wanted|wants)|"
    # "...could they put it." -- where is next.
    r"\b(?:put|pop|stick|place) (?:it|them|that|this|the [a-z]+)|"
    # "Can we do." -- what to do is next ("Please do." is whole).
    r"\b(?:can|could|shall) (?:we|i|you) do)[.!]*$"
)

WORD: Final = re.compile(r"[\w'\-\[\]]+")

# "I don't have it", "I haven't got my account number", "I can't find it".
REFUSAL: Final = re.compile(r"\b(?:\w+n't|not|cannot|never|no)\b")

# Something to be sent to a value the caller then names ("text the link to my mobile"):
# the words announce the value, as "my number is" does.
SEND_TO: Final = re.compile(
    r"\b(?:send|text|call|email|e-mail|message|ring|reach|contact|forward)\b.*"
    r"\b(?:to|on|at) (?:my|the|this|that) [\w' -]+$"
)

SENTENCE_END: Final = re.compile(r"[.?!]+")

# A value the caller will not read now: the company holds it already ("You've already
# taken my card number."), or someone else must be asked for it ("I'll have to ask my
# mum for her date of birth.", "You'll have to ring the office for his mobile number.").
VALUE_ELSEWHERE: Final = re.compile(
    r"\byou(?:'ve| have)?(?: already| clearly| obviously| just)? (?:got|taken|took|had|have)\b|"
    r"\b(?:i|you|we)(?:'ll| will|'d| would) (?:have|need) to (?:ask|ring|call|phone|check with)\b|"
    r"\bask (?:[a-z']+ ){1,3}for\b"
)

# "I think it's my old work email.", "Send it to my work email.": one of the caller's own
# addresses, picked by name; an address the caller reads out is introduced ("my email
# is"), and someone else's ("my son's email") is new to the agent and read next.
OWN_EMAIL_NAMED: Final = re.compile(r"\bmy (?:[a-z]+ ){0,3}e-?mail(?: address)?$")

# A part the STT closed on the word that introduces a value ("It's.", "The order number
# is.", "Send it to."), then a few words: the value being read, in groups.
ANNOUNCED: Final = re.compile(
    r"\b(?:is|it's|that's|'s|are|was|to|be|says|reads)[.?!]\s+(?P<tail>[^?]+)$"
)

# "So the thing is." introduces a sentence, not a value.
NOT_A_VALUE_INTRO: Final = re.compile(
    r"\b(?:thing|problem|issue|question|point|trouble|reason|situation|worry|story) is\W*$|"
    # "What I want is. The same deal, but with more data.": a wh-cleft, a sentence next.
    r"\bwhat (?:i|we) (?:want|need|mean|wanted|needed|would like|'d like) is\W*$"
)

# A tail with its own verb ("...hasn't been sent over.") is a sentence, not a value.
CLAUSE_VERB: Final = re.compile(
    r"\b(?:\w+n't|not|been|has|have|had|did|does|will|would|could|should|never)\b"
)

# "...a carpet that was. Already stained when we moved in.", "...but there was. Nothing
# inside.": the sentence goes on after the pause, no value is read.
NOT_A_VALUE_TAIL: Final = re.compile(
    r"^(?:nothing|nobody|no one|none|never|someone|somebody|anyone|anybody|everyone|"
    r"everybody)\b|\b(?:i|we|they|he|she|you) [a-z]{3,}|"
    # "It's. The landline that's gone dead.": a relative clause, a sentence going on.
    r"\b[a-z]+ (?:that|who|which)(?:'s| is| has| was| had)\b|"
    # "It's only going to be. Maybe 60 miles all in.": a quantity with its unit.
    r"\b\d+ (?:miles?|km|kilometres?|kilometers?|minutes?|hours?|days?|weeks?|months?|"
    r"years?|pounds?|dollars?|euros?|percent|kilos?|litres?|liters?)\b"
)

# "It is." said to "Is the outage still affecting you?": the answer, whatever follows.
ANSWERED_YES_NO: Final = re.compile(
    r"^\W*(?:(?:yes|yeah|no)\W+)?(?:it|that|he|she|there|this|they|i|we) "
    r"(?:is|was|are|were|am|does|did|do|has|have|can|will)[.!]"
)

# The agent asked when: a day, a month or a date may come in pieces ("The 1st." / "Of
# next month."), and only a year closes one for certain.
# "What date...", "When...", and a named date: "What's the start date on the policy?",
# "What was the date of service?".
DATE_QUESTION: Final = re.compile(
    r"\b(?:what|which)(?:'s| is| was| are| were)?(?: (?:the|your|its|their))?(?: [a-z]+){0,2} "
    r"(?:date|day|year)\b|\bwhen\b|"
    # "And the date he passed away?"
    r"^(?:and |so )?(?:the|your|his|her|their) (?:[a-z]+ ){0,2}date\b(?! of birth)|"
    # "Can you tell me the date he passed away?"
    r"\b(?:tell|give) (?:me|us) (?:the|your|his|her|its|their)(?: [a-z]+){0,2} (?:date|day|year)\b"
)

# "What dates are you looking at?", "When are you arriving and leaving?": two dates.
DATES_ASKED: Final = re.compile(
    r"\b(?:what|which)(?: [a-z']+){0,5} dates\b|\barriv\w* and (?:leav|depart)\w*|"
    r"\bcheck-?in and check-?out\b|"
    r"\bfrom when\b"
)

# "What time do you expect to reach the lock?": a time of day asked for.
TIME_ASKED: Final = re.compile(r"\b(?:what|which) time\b|\bhow (?:early|late)\b|\bby when\b")

# A month as callers say and the STT writes it: "January", "Sept".
MONTH: Final = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
MONTH_NAMED: Final = re.compile(rf"\b{MONTH}\b")
_WEEKDAY: Final = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# "The second, I think.": a day said in words after "the".
_DAY_IN_WORDS: Final = (
    r"the (?:(?:twenty|twenty-|thirty|thirty-)\s?)?(?:first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|"
    r"seventeenth|eighteenth|nineteenth|twentieth|thirtieth)"
)
DATE_WORDS: Final = re.compile(
    rf"\b(?:{_WEEKDAY}|today|tomorrow|yesterday|week|month|{MONTH}|\d+(?:st|nd|rd|th)|"
    rf"{_DAY_IN_WORDS})\b"
)

# "I graduated in." / "It was last." to a "when" question: the time is still to come.
# Not "after" or "before" ("The weekend after." names one).
TIME_PREPOSITIONS: Final = frozenset(
    "in on at around from until till since by last next starting beginning before after".split()
)

# A year said other than in four digits: "this year", "Summer of 98".
YEAR_IN_WORDS: Final = re.compile(
    r"\b(?:this|last|next) year\b|"
    rf"\b(?:summer|winter|spring|autumn|fall|christmas|easter|{MONTH}) of\W+'?\d{{2}}\b"
)
_DAY_OF_MONTH: Final = r"\d{1,2}(?:st|nd|rd|th)"
# A day of the month or of the week: "the 22nd", "Friday" (two of them name two dates).
DAY_NAMED: Final = re.compile(rf"\b{_DAY_OF_MONTH}\b|\b{_WEEKDAY}\b")
# "Friday the 4th": a weekday said before its own day of the month.
WEEKDAY_BEFORE_ITS_DAY: Final = re.compile(rf"\b{_WEEKDAY}\b(?=\W+(?:the\W+)?{_DAY_OF_MONTH}\b)")
# "What date did the charges start?": a day is asked for, not only a month.
DAY_ASKED: Final = re.compile(r"\b(?:what|which)(?: [a-z']+){0,3} date\b(?! of birth)")

# "Wednesday morning, if possible." to "Which day suits you?": a day needs no year.
DAY_ONLY: Final = re.compile(
    rf"(?:on |next |this |a )?(?:{_WEEKDAY}|today|tomorrow)"
    r"(?: (?:morning|afternoon|evening|night)|,? (?:if possible|please|"
    r"ideally|preferably|if that's okay|if that's possible|if you can))+"
)

# "...if I should." -- a modal after "if" or "whether" still owes its verb.
# "I was wondering if you could.", "Whether you can.": what is wondered is next. "Book it
# for the morning if you can." is whole: the condition after a request says its verb
# already (six turns of the corpora read, none followed by more).
OPEN_MODAL: Final = re.compile(
    r"(?:\bwhether|\b(?:wonder|wondering|wondered|sure|know|knew|ask|asking|asked|see|check|"
    r"checking|find out|tell me|mind|idea) if) "
    r"\w+ (?:should|could|would|can|will|might|must|ought to)\W*$"
)

# A word that leaves a sentence open said last, and yet the sentence is whole: a
# preposition left at the end of a question ("...switch to?") or after its object ("turn
# it on."), "thank you", or an adverb after a comma ("..., actually.").
PARTICLE_OBJECTS: Final = frozenset("it them me him her this that us".split())

SENTENCE_ADVERBS: Final = frozenset("actually though anyway".split())

FILLERS: Final = frozenset("um uh er erm hmm like".split())

HESITATIONS: Final = frozenset("um uh er erm umm uhm".split())

OPEN_PHRASE: Final = frozenset(
    "a an the my your our their his its to of for from with about at by into under".split()
)

# Asking the agent to wait ("Hang on.", "Bear with me.") and going to look ("Let me
# just find it."): a dictated value is on its way (worker.turns.dictation reads these as
# a caller ready to read one), and the turn is held while the caller looks.
WAIT_FOR_ME: Final = (
    r"hang on|hold on|bear with me|(?:one|1) (?:sec|second|moment)|"
    r"just a (?:sec|second|moment|minute|tick)|give me a (?:sec|second|moment|minute)|"
    # "Wait, please.", "Please wait.": said by callers whose English is a second language.
    r"wait,? please|please wait|wait a (?:sec|second|moment|minute)"
)
GOING_TO_LOOK: Final = (
    r"let me (?:just )?(?:find|check|get|grab|look|see|turn|dig|fetch|pull|count|add up|put|"
    r"open|load|bring up|log in|log on)"
)
# "It was.", "It would have been.", "That'd be.": the words before a date, said alone.
DATE_LEAD_IN: Final = re.compile(
    r"(?:(?:oh|um|uh|well|so),? )*(?:it|that)(?: was|'s| is|'d be| would be| would have been|"
    r" must have been| will be|'ll be)"
)

# "What's your number, darling?": a question to someone in the room, whose answer the
# caller will pass on.
VOCATIVE: Final = (
    r"(?:darling|love|dear|sweetheart|sweetie|honey|hun|hon|pet|babe|baby|mate|mum|mom|dad|"
    r"son|nan|gran|grandma|grandad)"
)
ASKED_OF_SOMEONE_THERE: Final = re.compile(rf",\s*{VOCATIVE}\?\s*$", re.IGNORECASE)

# "I've got it here on the text.", "I'm going to read it off the screen.", "Here we go.":
# the value is in front of the caller, about to be read (worker.turns.dictation reads
# these as a caller ready to read one).
ABOUT_TO_READ: Final = (
    # "I've got his folder here.": someone's papers to hand, read for them.
    r"i(?:'ve| have) got (?:it|(?:the|his|her|their) [a-z]+(?: [a-z]+)?)"
    r"(?: here| in front of me| open| up)?"
    r"(?: on (?:the|my) [a-z]+)?"
    # "I've got the card the man left.", "...the letter they sent me.": which one.
    r"(?: (?:the [a-z]+|they|he|she|you|we) (?:left|gave me|sent|sent me|sent us|posted|"
    r"brought))?|"
    r"(?:i'm going to|i'll|i will|let me|she'll|he'll|they'll|she will|he will)"
    r"(?: have to| need to| just)? read (?:it|that|"
    # "I'll read you what it says on the bottle."
    r"(?:you |out )?what (?:it|this|the [a-z]+) says(?: (?:on|in) (?:the|my|this) [a-z]+)?)"
    # "I will read it from the card."
    r"(?: out| off)?(?: (?:from |off )?(?:the|my) [a-z]+| to you)?|"
    r"here we go|here it is|here we are|"
    # "Yes. I found it in his drawer.": found just now, and about to be read.
    r"(?:i(?:'ve| have)? )?found it(?: (?:in|on) (?:the|my|his|her|our|their) [a-z]+)?"
    r"(?: here)?"
)

# "My granddaughter set it up.", "It's the one my son set up.": said when an address or a
# number was asked for, who made it; the caller reads it next.
SET_UP_BY: Final = re.compile(
    r"(?:(?:yes|yeah|oh|well|um|uh),? )*(?:(?:it's|it is) )?(?:the one )?"
    r"(?:my|our|his|her) [a-z]+(?:'s)?(?: [a-z]+)? set (?:it |one |1 |that )?up"
    r"(?: for (?:me|us|her|him))?"
)

# "It's on the repeat slip." said when a value was asked for: where the caller is about
# to read it from.
WHERE_IT_IS: Final = re.compile(
    r"(?:(?:yes|yeah|okay|ok|right|um|uh|oh|i do),? )*"
    # What holds it: "it's", "the policy number's", "it should be", "I've got it".
    r"(?:(?:it|that|this|the [a-z]+(?: [a-z]+)?)(?:'s| is| should be| will be|'ll be| must be)"
    r"(?: written| printed| stamped)?|"
    # "My customer number is written in the front of my book.", "His NHS number is at the
    # top of this letter."
    r"(?:my|our|his|her|their|your) [a-z]+(?: [a-z]+)?(?:'s| is) (?:written|printed|stamped)|"
    rf"(?:my|our|his|her|their|your) {LABEL_NOUN}(?:'s| is)|"
    # "I've got it written in my diary."
    r"i(?:'ve| have)(?: got)? (?:it|the [a-z]+(?: [a-z]+)?)"
    r"(?: written(?: down)?| jotted down| noted down| saved)?)"
    # Where: "on the old green card", "at the top of the letter", "here".
    # ("It's under my university email.", "...under my wife's name": whose it is.)
    r"(?: (?:just|right|up|down|over))?(?: (?:here|there)| (?:on|in|underneath|"
    r"under(?! (?:my|his|her|our|their|your|the) (?:[a-z']+ )?(?:name|e-?mail|account)\b)|"
    r"beneath|"
    r"behind|inside|below|at the top of|at the bottom of|"
    r"printed on|written on|on the back of|on the front of|in the front of|in the back of|"
    r"on the top of|on the bottom of|on the side of) "
    r"(?:the|my|this|your|our|his|her|their) [a-z\-]+(?: [a-z\-]+){0,2}"
    # "...on the letter they sent.", "...on the confirmation page I printed.": which one.
    r"(?: (?:i|we|they|you|he|she) (?:printed|sent|got|received|gave|posted|emailed)"
    r"(?: (?:me|us|you|him|her|them|out))?"
    # "...on the card that came with the box."
    r"| (?:that|which) (?:came|arrived) (?:with|in) (?:the|my|it|them)(?: [a-z]+)?)?)"
    r"(?: here| somewhere)?"
)
# "I'll have to go and look.", "I'm in the loft now." said when a value was asked for:
# the caller goes to where it is written, or has got there, and reads it next. (To "Is
# the router plugged in?", "Let me just go and check." may end the turn.)
TO_WHERE_IT_IS: Final = re.compile(
    r"(?:(?:yes|yeah|okay|ok|right|um|uh|oh|well),? )*"
    r"(?:(?:i'll|i will|i'd better|i need to|i've got to|i have to|let me)"
    r"(?: have to| need to| just)? go(?: out| outside| upstairs| downstairs| back)? and "
    r"(?:look|check|see|find it|get it|have a look)(?:(?: at)? (?:the|my) [a-z]+)?|"
    r"i'm (?:just )?(?:in|at|by|under|up in|down in|out in|next to) (?:the|my) [a-z]+ now|"
    # "I'll check my phone.": where it is, looked at next.
    r"i'll (?:just )?(?:check|look (?:at|on|in)|have a look (?:at|on|in)) (?:my|the) [a-z]+|"
    # "I wrote it down in my book.": where it was written, read next.
    r"i (?:wrote|put|jotted|noted) it (?:down )?(?:in|on) (?:my|the|a) [a-z]+(?: [a-z]+)?)"
)
# "It says on the sticker.", "It says here.": a reading verb with where it reads, and
# not yet what; whatever was asked, the words read out come next.
READ_FROM_WHERE: Final = re.compile(
    r"(?:(?:yes|yeah|okay|ok|right|um|uh|oh|well),? )*(?:it|this|that|the [a-z]+) "
    r"(?:says|reads|shows) (?:here|(?:on|in|at the top of|at the bottom of) "
    r"(?:the|my|this|your|our|his|her) [a-z\-]+(?: [a-z\-]+)?)"
)

# "It's on here somewhere.", "It's on the folder here.": the caller is looking for the
# value on a letter or a card.
LOOKING_FOR_IT: Final = (
    # "My husband's just reading it out to me.": someone else has it.
    r"(?:my [a-z]+|he|she|they)(?:'s| is|'re| are) (?:just )?(?:reading|getting|finding) "
    r"(?:it|that)(?: out)?(?: (?:to|for) me)?|"
    # "It's written down somewhere."
    r"(?:it's|it is) (?:written|jotted|noted) down somewhere|"
    # "Oh, I can hardly see it.": reading it takes a moment.
    r"i can(?:'t| not|not| hardly| barely) (?:see|read|make out) (?:it|them|that|the [a-z]+)|"
    # "I'll need my glasses for that."
    r"(?:i'll |i will |i )?need my (?:glasses|reading glasses|specs)(?: for (?:that|this|it))?|"
    r"(?:it's|it is|it should be|it must be|it'll be) (?:written |printed )?(?:on|in) "
    rf"(?:(?:here|there|this|(?:the|my|this|a|an) [a-z]+(?: [a-z]+)?)(?: here| there)? "
    r"somewhere|here|"
    r"(?:the|this) [a-z]+ here)|"
    # "It's written on the little box.": where it is printed, about to be read.
    r"(?:it's|it is|it should be|it must be|it'll be|they're|they are) (?:written|printed|"
    r"stamped|engraved) (?:on|in|inside|under|(?:on|at) the (?:back|front|top|bottom|side) of) "
    r"(?:the|my|this|his|her|our|their) "
    r"[a-z\-]+(?: [a-z\-]+){0,2}|"
    # "I wrote it down somewhere.", "I have it written down somewhere.": it is written
    # down, and about to be found.
    r"i (?:wrote|put|saved|kept|stuck|filed|jotted) it (?:down |away )?somewhere|"
    r"i(?:'ve| have)(?: got)? it (?:written |jotted |noted )?(?:down )?"
    r"(?:here |in here |on here |there )?somewhere|"
    # "I've got a reference here somewhere.", "I've got one in here somewhere."
    r"i(?:'ve| have)(?: got)? (?:one|(?:a|the) [a-z]+(?: [a-z]+)?)"
    r"(?: (?:here|in here|on here|there))?"
    r" somewhere|"
    rf"{ABOUT_TO_READ}"
)

# "Where is it?" asked of no one while looking for the value, not of the agent; "How do
# you say?" while looking for a word.
ASKED_OF_SELF: Final = re.compile(
    r"(?:(?:now|then|um|uh|oh|right|well),? )*(?:where(?:'s| is| has) (?:it|that)(?: gone)?|"
    # "Oh, now where's my purse?": where the value is kept, looked for.
    r"where(?:'s| is| are| has| have) (?:my|the|our) [a-z]+(?: gone)?|"
    r"where did i put (?:it|that|the [a-z]+)|where was i|"
    # "How do you say?": a word being searched for, not a question for the agent.
    r"how do (?:you|i|they) say(?: it| that| in english)?|what's the word|"
    # "The phone, it is. How to say?"
    r"how to say(?: it| that| in english)?|how you say(?: it| that)?|"
    # "How do you say, the covers for the windows?": the word searched for, described.
    r"how (?:do (?:you|i) |to |you )say, [a-z' ,]{1,60}|"
    r"what do (?:you|they|we|people) call (?:it|that|them|those|these)|"
    r"what(?:'s| is| was) (?:it|that|she|he) called|what (?:are|were) (?:they|those) called|"
    # "What was the word?"
    r"what was the word|what's that word|"
    # "Hang on. What was it?": the value searched for in memory.
    r"what (?:was|is) it(?: again)?|"
    # "Last Tuesday. Or was it the Wednesday?": doubting the answer just given.
    r"or (?:was|is) it (?:the )?[a-z]+(?: [a-z]+)?|"
    # "Is it the one at the top of the bill?" -- checking where to read the value from,
    # then reading it.
    r"(?:i think )?(?:is it|it's) (?:the|this) (?:one|number|code) (?:at|on|in) the [a-z]+"
    r"(?: of the [a-z]+)?"
    r"(?:,? (?:isn't|is) it)?|"
    # "Oh, what's her name?" -- a name searched for in memory, said before it.
    r"what(?:'s| is| was) (?:her|his|their) name(?: again)?|"
    # "Oh, what's our email again?" -- asked of memory, or of someone in the room.
    r"what(?:'s| is| was) (?:our|my) [a-z ]+ again)"
)

HOLDING_FLOOR: Final = re.compile(
    r"(?:(?:okay|ok|right|yeah|yes|sure|um|uh|er|erm|so|oh|ooh|ah|well|now),? )*"
    # "Hang on, it's in the app.": going to look, said in one breath.
    rf"(?:(?:{WAIT_FOR_ME}),? (?:it's|it is) (?:in|on) (?:the|my) [a-z]+|"
    # "Hold on, Jack.": said to someone in the room, named after the words.
    rf"(?:{WAIT_FOR_ME}),? (?!(?:what|why|how|who|where|when|sorry|is|are)\b)[a-z]+|"
    # "Hold on, the baby's got it.": someone there has the card or the letter.
    rf"(?:{WAIT_FOR_ME}),? (?:the|my|our) [a-z]+(?:'s| has| have|'ve)(?: got)? "
    r"(?:it|them|that|the [a-z]+|my [a-z]+)|"
    # "Hang on, I'm getting out of the car.": what the caller does before coming back.
    rf"(?:{WAIT_FOR_ME}),? (?:i'm|i am|i'll|i will|i need to|i've got to|i have to|"
    r"i've just got to|i'm just) (?!not\b)[a-z' ]+|"
    rf"{WAIT_FOR_ME}|wait|{LOOKING_FOR_IT}|"
    # "Ooh, good question.", "Oh, now you're asking." -- thinking, the answer next.
    r"(?:that's a |that is a )?good question|now you're asking|you've got me there|"
    r"let me think|"
    # "Oh, it's on the tip of my tongue.": the word searched for in memory.
    r"(?:it's |it is )?on the tip of my tongue|what's the word|"
    r"i can't think (?:of )?what (?:it's|it is) called|"
    # "I'm trying to find it.", "I'll have to get my glasses.": going to look, in
    # the caller's own words.
    r"i'm (?:just |still )?(?:trying to find|looking for|searching for) "
    r"(?:it|them|that|the [a-z]+|my [a-z]+)|"
    # "I'm just turning it over.", "I'm getting it out now."
    r"i'm (?:just )?(?:turning|getting|grabbing|fetching|pulling|digging|finding|opening) "
    r"(?:it|them|that|the [a-z]+|my [a-z]+)(?: (?:over|out|up|round))?(?: now)?|"
    r"(?:i'll|i will|i'd better|i need to|i've got to|i have to)(?: have to| need to| just)? "
    r"(?:get|grab|find|fetch|dig out|pull up|look up|bring up|open) (?:my|the) [a-z]+|"
    rf"{GOING_TO_LOOK}"
    # ("Let me get the step ladder.")
    r"(?: (?:it|that|for it|at it|up|(?:my|the|on my|on the|at my|at the) [a-z]+"
    r"(?: [a-z]+)?"
    # "Let me find the text you sent.": which one.
    r"(?: (?:you|they|he|she|we) (?:sent|sent me|gave me|left|posted))?))?"
    # "Let me just get it out.", "Let me turn it over.", "...my card out of my purse.",
    # "Let me put my glasses on."
    r"(?: (?:out|over|up|down|on))?(?: (?:of|from) (?:my|the) [a-z]+)?|"
    r"(?:(?:oh,? )?(?:no,? )?(?:sorry,? )?)(?:let me|i'll|i will|i'm going to) "
    r"(?:start|go) (?:again|over|from the (?:top|start|beginning)))"
)

# "Sorry. My grandson's just come in.", "Excuse me one second.": the caller turns aside.
ASIDE: Final = re.compile(
    r"(?:oh,? )?(?:sorry|excuse me|pardon me)\b|"
    # "...the vet said it's a. What was it?": the word searched for in memory.
    r"(?:oh,? |um,? )?what (?:was|is) it\W*$|(?:oh,? |um,? )?what's it\W*$"
)

# "The lantern was put in by. Oh, what was the name?": a name or word searched for in
# memory, after the sentence it belongs to was left open.
NAME_SEARCHED: Final = re.compile(
    r"(?:oh,? |um,? |uh,? )?what(?:'s| is| was) (?:the|his|her|their|its) (?:name|word)\W*"
)

WH: Final = frozenset("what which who whom whose where when why how".split())

SUBJECTS: Final = frozenset("i we you they he she it".split())

PARTICLES: Final = frozenset("on off up in out back down over about".split())

# "...and then." goes on; "Let's do that, then." is whole.
BEFORE_A_SEQUEL: Final = frozenset("and but so or just since until by before after".split())

PHRASAL_VERB: Final = re.compile(
    r"(?:turn|switch|put|take|took|send|sent|pick|hand|give|gave|bring|brought|log|sign|"
    r"plug|hang|hung|shut|cut|pay|paid|top|back|fill|set|check|look|sort|call|ring|rang|"
    r"try|write|wrote|print|throw|threw|let|drop|leave|left|get|got|keep|kept|move|pass|"
    r"lock|open|close|clear|wipe|fix|read|blow|knock|break|broke)"
    r"(?:s|es|ed|ing|ped|ted|ged)?"
)

# Endings that close a sentence though their last word often does not: "Someone will be
# in.", "I think so.", "Sort of.", "Okay then."
WHOLE_ENDING: Final = re.compile(
    r"(?:\b(?:will|'ll|won't|would|should|might|can|could) be (?:in|out|back|home|away|around|"
    r"up|off)|\b(?:think|hope|guess|believe|suppose|expect|imagine|reckon|said|told you) so|"
    r"^(?:(?:yeah|well|um|uh),? )?(?:sort|kind) of|"
    r"\b(?:okay|ok|right|alright|fine|bye|goodbye|see you|cheers|thanks) then|"
    # "The year before last.", "The week after next.", "Maybe 60 miles all in.", "It's
    # been throbbing ever since.": whole.
    r"\bbefore last|\bafter next|\ball in|\bever since|"
    # "The day after.", "The Monday before.", "It's happened before.": whole.
    r"\b(?:day|week|month|year|morning|night|weekend|time|one|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday) (?:before|after)|"
    r"\b(?:happened|been|had|seen|done|heard|tried|said)(?: it| that| this| so)? before|"
    # "I suppose we have to.", "If I have to.": the verb is the one just said.
    r"\b(?:suppose|guess|expect) (?:i|we|you|they) (?:have|need|'ll have|will have) to|"
    r"\bif (?:i|we|you|they) (?:have|need) to)$"
)

PAST_VERB: Final = re.compile(
    r"(?!need$)[a-z]+ed|sent|put|set|got|gone|went|came|done|shut|hung|taken|took|"
    r"brought|broke|broken|given|gave|shown|held|kept|left|made|paid|cut|stuck|woke|woken"
)

# "It was supposed to come on." -- an infinitive, whose preposition still owes its object.
BEFORE_A_BARE_VERB: Final = frozenset("to will would can could should must might".split())

STRANDED: Final = re.compile(
    r"(?:\b(?:who|whom|what|which|where)\s+(?:i|we|you|they|he|she|it|someone)\b.*|"
    # ("Yes, we went to." is no noun before its clause: where they went is next.)
    r"\b(?!(?:yes|yeah|yep|no|nope|well|oh|so|and|but|um|uh|right|okay|ok)\b)[a-z]+ "
    r"(?:i|we|they|he|she) (?:\w+ ){0,2}?(?:(?!need\b)[a-z]+ed|paid|got|bought|sent|spoke|"
    r"went|came|thought|made|took|gave|signed up|applied|spent) )"
    r"(?:to|for|with|about|from|on|in|at|of)$|"
    # "...which repayment plan I'm on.", "It's the whites I'm not keen on.": a relative
    # clause after a noun, its preposition's object the noun ("to" is left out: "the
    # council tax, I need to." owes its verb).
    # ("The thing is, I'm a bit nervous about." is no relative clause: "is" is its verb.)
    r"\b(?:the|which|what|whichever) (?:(?!(?:but|and|so|because|or|is|was)\b)[a-z\-]+ ){1,2}"
    r"(?:i'm|we're|you're|they're|he's|she's|i|we|you|they) (?:\w+ ){0,3}?"
    r"(?:for|with|about|from|on|in|at|of)$"
)

PREPOSITIONS: Final = frozenset("to for with from at by about of on in over".split())

# "...before that.", "...for doing that.": "that" as the object, not opening a clause
# ("I think that." and "so that." are left open).
BEFORE_A_DEMONSTRATIVE: Final = re.compile(
    r"before|after|for|with|from|at|by|about|of|on|in|over|like|than|without|until|"
    # "Please do that.": what the agent offered to do.
    r"do|does|did|done|"
    # "I didn't know that.", "She'd have liked that.": the pronoun as the verb's object.
    r"know|knew|make|made|like|liked|love|loved|hate|hated|mean|meant|heard|saw|"
    r"remember|understand|appreciate|expected|needed|wanted|"
    # "Sorry, I didn't catch that."
    r"catch|caught|follow|followed|get|got|"
    # Not a verb that reports ("...saying that.", "...thinking that."): its clause is next.
    r"(?!(?:some|any|no|every)?thing$|(?:say|think|tell|hop|know|explain|claim|stat|suggest|"
    r"mean|show|believ|feel|assum|realis|realiz|notic|find|hear)ing$)[a-z]+ing"
)

# "Yesterday afternoon.", "Last night.": a day named relative to today is a whole date.
RELATIVE_DAY: Final = re.compile(
    r"\b(?:yesterday|today|tonight|last (?:night|week|weekend|month|year)|"
    r"this (?:morning|afternoon|evening)|\d+ (?:days?|weeks?|months?|years?) ago|"
    # "They finished last Friday, I think."
    r"(?:last|this) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    # "The week after next.": named from today too.
    r"after next|before last)\b"
)

OBJECT_PRONOUNS: Final = frozenset("me you us them him her".split())

# "...and you." may go on; "Can you." owes its verb.
BEFORE_YOU_GOES_ON: Final = frozenset(
    """
    and or but because if when so that than while can could would will do did have are
    were should shall may might must
    """.split()
)

PHRASAL_END: Final = re.compile(
    r"\b(?:check|log|sign|top|pick|set|drop|call|ring|follow|print|break|cut|hang|turn|"
    r"kick|switch|come|go|show|start|pop|light|power|boot|plug|mix|lock|write|hand)"
    r"(?:s|es|ed|ing)? (?:in|on|out|up|off|back|down|over)$|"
    r"\b(?:move|switch|send|email|e-mail|text|post|fax|put|putt|turn|take|bring|hand|sign|pick|set|sort|carry|change|"
    r"transfer|pass|call|ring|top|cut|shut|fill|print|look|check|swap|port|pay|back|"
    # ("He passed away on." owes the day: "away" is no object of "pass".)
    r"close|clear|read|write|hook)(?:s|es|ed|d|ing)?(?! away\b)(?: [a-z']+){1,3} "
    r"(?:over|up|out|off|in|on|back|down|through)$|"
    r"\b(?:came|went|turned|kicked|switched|broke|showed|cut|comes|goes|turns|kicks|"
    r"switches|breaks|shows|cuts|keeps|keep|kept) (?:on|off|up|in|out|back|down|over)$"
)

YEAR: Final = re.compile(r"\b(?:19|20)\d{2}\b")


# "It's in Germany.", "It's a French one." to "What's the postcode?": which country's
# code it is, the code next.
COUNTRY_ONLY: Final = re.compile(
    r"(?:(?:oh|well|so|um|uh),? )*(?:it's|it is|that's|we're|i'm|this is)? ?(?:in |from )?"
    r"(?:an? |the )?(?:germany|german|france|french|spain|spanish|italy|italian|ireland|"
    r"irish|canada|canadian|netherlands|dutch|belgium|belgian|australia|australian|"
    r"america|american|us|usa|states|poland|polish|portugal|portuguese|switzerland|swiss|"
    r"austria|austrian|sweden|swedish|norway|norwegian|denmark|danish|india|indian|"
    r"japan|japanese|uk|british|england|english|scotland|scottish|wales|welsh|"
    # "It's New South Wales." to "What's the postcode in Sydney?": an Australian state.
    r"new south wales|nsw|victoria|queensland|western australia|south australia|tasmania|"
    r"northern territory|australian capital territory)"
    r"(?: one| postcode| post code| zip| zip code| code| address)?"
)

# "So there's me, my husband.", "I've got the passport, the bank statements.": a list
# with no "and" yet, its last item next.
LIST_SO_FAR: Final = re.compile(
    r"(?:(?:so|well|um|uh|oh),? )*(?:(?:there's|there is|there'll be|i've got|we've got|"
    r"i have|we have|i'll need|we'll need) )?"
    r"(?:me|(?:the|my|our|his|her) [a-z\-']+(?: [a-z\-']+){0,2}), "
    r"(?:the|my|our|his|her) [a-z\-']+(?: [a-z\-']+){0,2}"
)


# "All one word.", "No spaces.": how a value being dictated is written; more of it next.
SPELLING_NOTE: Final = re.compile(
    r"(?:(?:and|oh|so),? )?(?:that's |it's |it is )?(?:all )?(?:one word|lower ?case|"
    r"small letters|no spaces?|all together|no gaps?)"
)

# "Got it." to a question for a value: found, and about to be read.
FOUND_IT: Final = re.compile(
    r"(?:(?:okay|ok|right|oh|ah|yes|yeah),? )*(?:i(?:'ve)? )?got it(?: now| here)?|"
    # "I think this is it.": the paper found, the value read next.
    r"(?:(?:okay|ok|right|oh|ah|yes|yeah),? )*(?:i think )?(?:this is it|here it is)"
)


# "It hasn't got a number. It's got a name.": what it has, said next.
HAS_A_NAME: Final = re.compile(
    r"(?:(?:but|and|well|oh|no),? )*(?:it's|it has|it's just|it just has)(?: got)? a name"
)

# "Have you got a certificate number?": whether the caller has a value; "Yes. It's on my
# logbook." then says where it is, and reads it next.
HAS_VALUE_QUESTION: Final = re.compile(
    r"\b(?:have you got|do you have|have you|is there|does it have|has it got) "
    r"(?:a|an|the|your|any) (?:[a-z]+ ){0,3}(?:number|reference|code|id)\b"
)

# "Okay. It says 205." to "What size are the tyres?": a value read off, perhaps in groups.
SAYS_DIGITS: Final = re.compile(
    r"(?:(?:okay|ok|right|so|yes|yeah),? )*(?:it|this) (?:says|reads|looks like|shows) \d+"
)
