"""What the caller is dictating, and whether all of it has been said.

A real STT ends a final with a period wherever the caller paused, so "My number is 415."
looks finished to anything that reads punctuation. Callers read numbers in groups and
breathe between them; what tells a half-read number from a whole one is how many digits
the kind of value needs. This module names the kind (from the caller's own words, or from
the agent's question) and counts what was said, with the PII redactor's spoken-number
normaliser, so "four one five" counts as three digits exactly as the redactor sees them.

Works on raw (unredacted) text in memory only; nothing here logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal

from compliance import normalise
from worker.turns.caller_phrases import (
    ABOUT_TO_READ,
    GOING_TO_LOOK,
    MONTH,
    MONTH_NAMED,
    NATO,
    SHORT_ANSWERS,
    VOCATIVE,
    WAIT_FOR_ME,
)
from worker.turns.identifier_lengths import (
    card_number_length,
    iban_whole,
    named_length,
    phone_region,
    phone_whole,
)

__all__ = [
    "Dictation",
    "DictationKind",
    "asked_for",
    "asks_for_two",
    "dictation_state",
    "kind_named_last",
    "luhn_ok",
    "sentences",
]

DictationKind = Literal[
    "phone", "card", "account", "reference", "date", "email", "zip", "ssn", "routing"
]

# Order matters: the first pattern that matches a phrase names the kind ("card number"
# before the bare "number"). Built from how callers and agents name these values.
_KIND_PATTERNS: Final[tuple[tuple[DictationKind, re.Pattern[str]], ...]] = (
    ("date", re.compile(r"\b(?:date of birth|birth ?date|birthday|born on|born|dob|d\.o\.b)\b")),
    (
        "card",
        re.compile(
            # ("What would you like the card to say?", "the birthday card": a greeting.)
            r"\b(?:card number|credit card|debit card|"
            r"(?<!birthday )(?<!greeting )(?<!gift )(?<!christmas )(?<!sympathy )"
            r"card(?! to say\b| says?\b| message\b| to read\b)|amex|american express|visa|"
            r"mastercard|discover)(?: number)?\b"
        ),
    ),
    ("ssn", re.compile(r"\b(?:social security(?: number)?|ssn|social)\b")),
    ("routing", re.compile(r"\brouting(?: number)?\b")),
    (
        "email",
        re.compile(r"\b(?:e-?mail(?: address)?|at (?:sign|symbol)|after the at|domain)\b"),
    ),
    ("zip", re.compile(r"\b(?:zip(?: code)?|postal code|code postal|post ?code|eircode)\b")),
    (
        "phone",
        re.compile(
            # "the phone", "your phone" alone are the handset ("What make is the phone?",
            # "open the app on your phone"); "your home phone?" is its number.
            # "To pay by phone": the channel, not a number.
            r"\b(?:phone number|(?<!\bthe )(?<!\byour )(?<!\bthat )(?<!\bby )phone|"
            r"(?:home|work|office|mobile|cell) phone|number (?:of|for) (?:the|your|that) phone|"
            r"cell(?: number)?|mobile(?: number)?|telephone|landline|"
            r"callback number|call ?back number|contact number|home number|work number|"
            r"(?:daytime|evening|alternative|alternate|office|direct|landline|business) "
            r"(?:phone |contact )?number|direct line|(?:work|home|office|business|mobile) line|"
            r"number to reach|reach you at|best number|good number to (?:ring|call|text|reach)|"
            # "Which number would be best for us to call you on?", "You can reach me on 617."
            r"number (?:would|is|will) (?:be )?(?:best|easiest|better|good)(?: for (?:us|me))? "
            r"to (?:call|reach|ring|text|contact)|"
            r"(?:reach|call|ring|text|contact|get|catch) (?:me|us) on|"
            # "Ask for Dave on 0161."
            r"ask for [a-z]+ on|"
            # "That's me on 02.": who to call, and the number begun.
            r"(?:that's|it's|that is|it is) (?:me|us) on|"
            # "Can I take a number for the family?"
            r"(?:take|have|get|grab) (?:a|your) (?:contact )?number\b(?! of)|"
            r"number (?:should|can) we (?:call|text)|"
            r"number (?:are|were) you (?:calling from|on)|"
            r"number (?:can|could|should|will|shall) (?:we|i|you|they|our [a-z]+|the [a-z]+) "
            r"(?:reach|call|text|contact|ring)|"
            r"number (?:where |that |so |so that )?(?:we|i|you|they|the [a-z]+) "
            r"(?:can|could|should|will) "
            r"(?:reach|call|text|contact|ring)|"
            r"number (?:for|of) [\w' ]+ to (?:text|call)|"
            # "What number were you given to ring?"
            r"number (?:were|was|have) you (?:been )?given(?: to (?:ring|call|dial))?|"
            # "Who's the contact on the day, and their number?": a person's number.
            r"(?:and )?(?:their|his|her) number(?=\?|$)|"
            # "What's the number at the house?": the house's phone.
            r"number (?:at|for) the (?:house|home|flat|office|property|farm|shop)\b|"
            r"number in case (?:we|you|the call) (?:get |gets )?(?:cut off|disconnected|drops?)|"
            # "Which number did the suspicious text come from?"
            r"number (?:did|does|do) (?:the|that|this|it|they|he|she)(?: [a-z]+){0,2} "
            r"(?:come|call|text|ring|phone) (?:you )?from|"
            r"area code)\b"
        ),
    ),
    (
        "account",
        re.compile(
            r"\b(?:account(?: number)?\b(?! holder)|member (?:id|number)|policy number|"
            r"bank details)\b"
        ),
    ),
    (
        "reference",
        re.compile(
            r"\b(?:reference(?: number)?|claim number|case number|booking reference|"
            r"tracking number|customer number|loan number|confirmation (?:code|number)|"
            r"(?:hospital|patient|chi) number|"
            r"serial number|prescription number|meter number|iban|order number|"
            # "the operator's licence number", "your driving licence number"
            r"licen[cs]e number|"
            r"nhs number|medicare number|mpan|mprn|bsb|sort code|transit number|abn|acn|"
            r"invoice number|ticket number|national insurance(?: number)?|ni number|"
            r"pps number|tax file number|(?:car |vehicle )?registration(?: number)?|"
            r"reg number|(?:number|licen[cs]e) plate|plate number|pan (?:number|card)|"
            r"(?:your|the) pan|nric|pnr|"
            r"vin|imei(?: number)?|puk(?: code)?|isbn(?: number)?|membership number|"
            r"frequent flyer number|"
            r"security code|cvv2?|cvc|card verification (?:code|value)|"
            # "the PAC code", "the promo code": a code of no known length.
            r"(?:pac|promo|promotional|discount|voucher|access|activation|booking|"
            r"confirmation|transfer|unlock|authori[sz]ation|verification|gift card) code|"
            # "your patient ID", "the membership ID": an identifier of no known length.
            r"(?:[a-z]+ )?id(?: number)?(?<!\bi id)(?<!\bmy id))\b"
        ),
    ),
)

_VALUE_NAMED_LAST: Final = re.compile(
    r"\b(?:(?:phone|cell|mobile|telephone|callback|call back|card|credit card|debit card|"
    r"account|member|policy|routing|social security) number|mobile|cell|e-?mail address|"
    r"e-?mail|zip(?: code)?|postal code|post code|date of birth|birth ?date|birthday)$"
)
# "It's", "is", ":" -- a kind named then introduced ("my number is") starts dictation.
# "It says italic hand." after "What's the email on your account?": read off the screen.
_READ_OFF: Final = re.compile(
    r"^\W*(?:(?:it|this|that) (?:says|reads|shows)(?: here)?|says here)\W+"
)
_INTRO: Final = re.compile(
    # "...my work one. Which is J Bennett.": the relative clause gives the value too.
    r"^\W*(?:is|it's|it is|'s|are|was|would be|should be|which is|:)\b|^\s*:"
)
_N_DIGIT: Final = re.compile(
    r"\b(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen)[- ]digits?\b"
)
# "the full zip code, with the extra four digits": ZIP+4, nine digits in all.
_ZIP_PLUS_FOUR: Final = re.compile(r"\b(?:extra|plus|last|other) four\b|\bzip ?\+ ?4\b")
_EXPIRY: Final = re.compile(r"\b(?:expiry|expiration|exp)(?: date)?\b")
_EMAIL_SAID: Final = re.compile(r"\be-?mail\b", re.IGNORECASE)
_THERE_IS_ONE: Final = re.compile(r"\bthere(?:'s| is) (?:a|an|one)\b")
_ASKS_IF_THERE_IS: Final = re.compile(r"\b(?:is|was) there (?:a|an|any)\b")
_WHERE_EMAILED: Final = re.compile(r"\bwhere\b.*\be-?mailed\b")
_ASKS_WHEN: Final = re.compile(
    r"(?:and |so )?when (?:did|do|does|was|were|is|are|will|would|should|can|could|have|has|had)\b"
)
_ON_A_CARD: Final = re.compile(r"\b(?:on|of) (?:the|your|that) card\b|\bcard's\b")
_THE_CARD: Final = re.compile(r"\b(?:the|your|that|this) card\b")
# Documents whose expiry is a whole date, day included.
_EXPIRES_WHOLE: Final = re.compile(
    r"\b(?:passport|licen[cs]e|permit|policy|membership|warranty|contract|insurance|mot|"
    r"registration|certificate|tenancy|lease|voucher|coupon)\b"
)
# "The expiry and the security code?" (not after the card number: three values).
_EXPIRY_AND_CODE: Final = re.compile(
    r"^(?!.*\b(?:card|long) number\b).*\b(?:expiry|expiration)\b.* and (?:the |your )?"
    r"(?:security|three-digit|3-digit|cvv|cvc|card verification)"
)
# The names of values an agent asks for, to tell "your sort code and account number"
# (two values, the second follows the first) from one.
_VALUE_NAME: Final = re.compile(
    r"\b(?:number|code|expiry|expiration|postcode|post code|zip|date|e-?mail|address|"
    r"suburb|town|city|bsb|iban)\b"
)
_WORD_NUMBERS: Final = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
# "April 29." for an expiry: a month said as a word stands for its two digits.
_MONTH_BEFORE_DIGITS: Final = re.compile(rf"{MONTH_NAMED.pattern}(?=\W+\d)")
_YEAR: Final = re.compile(r"\b(?:19|20)\d{2}\b|\b(?:19|20) ?\d{2}\b")
_DAY_OR_MONTH: Final = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{MONTH})"
# "03, 07, 65.", "25th. December. 99.": a day, a month and a two-digit year. Not "19" or
# "20", which are as often the first half of a year said in two breaths.
_SHORT_YEAR_DATE: Final = re.compile(
    rf"\b{_DAY_OR_MONTH}[\s.,/\-]+(?:of\s+(?:the\s+)?)?{_DAY_OR_MONTH}[\s.,/\-]+'?"
    r"(?!19\b|20\b)\d{2}\b"
    r"(?!\s*(?:st|nd|rd|th)\b)"
)
# Whole postcodes with letters: UK ("SW1A 1AA"), Canadian ("K1A 0B1"), Irish Eircodes
# ("A65 F4E2") and Dutch ("1017 BC"); only the outward half ("SW1A.") is a first group.
# What is left of "a Kenyan one" once "one" is the pronoun ("un"): a description.
_A_DESCRIBED_ONE: Final = re.compile(r"\W*(?:a|an|the|my) (?:[a-z]+ )?un\W*")
_DESCRIBED_LAST: Final = re.compile(
    # "My number is a Kenyan one.", "Sure, it's a US number.": which kind, read next.
    # "The document reference, it's this long one."
    r"\b(?:is|it's|it is|there's|there is)(?: ever)?(?: such)? (?:a|an|this|that) [a-z]+ "
    r"(?:un|number|mobile|landline|postcode|post code|"
    r"zip code|zip|postal code)"
    # "There's ever such a long number on the back.": described, read next.
    r"(?: on (?:the|my|this) [a-z]+)?"
    # "It's a Canadian number because I'm visiting."
    r"(?:,? (?:because|as|since|cos) [a-z' ]+)?\W*$"
)
_DUTCH: Final = re.compile(r"\b(?:dutch|netherlands|holland)\b")
_POSTCODE_WHOLE: Final = re.compile(
    r"\b(?:[a-z]{1,2}[\s.,\-]*\d[a-z\d]?[\s.,\-]*\d[a-z]{2}|[a-z]\d[a-z][\s.,\-]*\d[a-z]\d|"
    r"[a-z]\d{2}[\s.,\-]*[a-z\d]{4}|\d{4}[\s.,\-]*[a-z]{2})\b"
)
_TLD: Final = r"(?:com|net|org|edu|gov|io|co|us|uk|ca|info|biz|me|mail)"
# "Info at. Example.com." arrives as "info@. example.com.": the STT's period after "at".
# (A domain said as words, "Riverside Juniors FC dot org", keeps its spaces.)
_EMAIL_DONE: Final = re.compile(rf"@[.\s]*[a-z0-9-]+(?:[.\s]+[a-z0-9-]+)*[.\s]*\.{_TLD}\b")
_EMAIL_ENDS: Final = re.compile(rf"{_EMAIL_DONE.pattern}\W*$")
# A domain said alone, the STT's periods between its parts ("Example... Org.").
_DOMAIN_DONE: Final = re.compile(rf"\b[a-z0-9-]+(?:\.+\s*[a-z0-9-]+)*\.+\s*{_TLD}\W*$")
_REQUEST: Final = re.compile(
    r"\b(?:please|read|tell me|give me|provide|spell|say|go ahead|can i (?:get|have)|"
    r"(?:when|whenever) you're ready|"
    r"could i (?:get|have)|may i (?:get|have)|what's|what is|i'll need|"
    r"i (?:just |also |only )?need|"
    # "For applicants from Mexico we need your CURP.": a request put as a need.
    r"we(?:'ll| will)? need)\b|"
    # "Lastly the three-digit security code on the back.": the next value asked for by
    # its name alone, in a list of them.
    r"^(?:(?:and|lastly|finally|next|then|now|also)\b,? )+(?:the|your)\b"
)
_NOT_AN_ADDRESS: Final = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|sure|okay|ok|right|no|um|uh|well|so)\W*)+$|"
    r"\b(?:don't|do not|not|none|no|rather|never|can't|won't|why|what)\b"
)
# "Sure." / "Okay, one second." after "please read me the card number": the caller agreed
# and is about to read it, and often pauses to find the card first.
_READY: Final = re.compile(
    r"^\W*(?:(?:sure|okay|ok|yes|yeah|yep|alright|all right|right|of course|certainly|"
    rf"no problem|no worries|um+|uh+|so|well|{WAIT_FOR_ME}|"
    rf"{GOING_TO_LOOK}(?: (?:it|that|for it|at it))?|{ABOUT_TO_READ})\W*)+$"
)
_NOT_KNOWN: Final = re.compile(
    r"\b(?:i|we) (?:don't|do not|didn't|did not) (?:know|have|remember|get)\b|\bno idea\b|"
    # "There isn't one on it, just a case number."
    r"\bthere (?:isn't|is not|wasn't|was not|'s no|is no) (?:one|un|1|a number|any)\b"
)
# "Is this the number on your account?" asks to confirm, not to read: "Yes." ends it.
_CONFIRMING: Final = re.compile(
    r"^\W*(?:is|are|am|was|were|do|does|did|has|have|will|would|should|shall|can|could|may)\b"
)
_OFFERS_HELP: Final = re.compile(r"\b(?:help|assist)(?: you)? with\b|\banything else\b")
# "How much was taken from the account?" asks for an amount, not the account's number;
# "May I ask why you're closing the account?" for a reason.
_ASKS_AMOUNT: Final = re.compile(
    r"\W*(?:and |so )?(?:how (?:much|many)\b|(?:(?:may|can|could) i ask )?(?:why|how come)\b)"
)
# "Would you prefer email or text?" offers a choice; it does not ask for the address.
_CHOICE: Final = re.compile(r"\b(?:or|either)\b")
# "the one", "that one", "the joint one": the pronoun, not the digit 1.
_PRONOUN_ONE: Final = re.compile(
    r"\b(the|this|that|which|no|any|every|each|another|other|same|a|joint|new|old|right|"
    r"wrong|last|first|next|only|main|usual|second|other|"
    # "I don't have one.": the pronoun after a verb of having.
    r"have|has|had|got|need|want|own) one\b(?![\s,.]+(?:two|three|four|five|six|seven|"
    r"eight|nine|oh|zero|\d))",
    re.IGNORECASE,
)
# "The gold one.", "my business one": a one described, still the pronoun. Not after a
# number word ("the twenty one").
_DESCRIBED_ONE: Final = re.compile(
    r"\b(the|this|that|my|your|our|his|her|their|a|an) (?!(?:twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand|and|oh|number)\b)([a-z]{3,}) one\b",
    re.IGNORECASE,
)
# "Email's fine.", "Text is easier.": an opinion of the value's kind, not the value.
_OPINION: Final = re.compile(
    r"^\W*(?:is|'s|are|would be)\s+(?:fine|good|great|ok|okay|perfect|better|best|easier|"
    r"easiest|quicker|the same)\b"
)
# Letters of a code read one by one ("K as in kilo", "capital B", "A B C"); not the "at"
# and "dot" of an address ("I've left the letter at my daughter's.").
_SPELLED_LETTERS: Final = re.compile(
    r"\bas in\s+[a-z]+|\b[a-z] for [a-z]+|\bwith an? [a-z]\b|\b[a-z][^\w']+[a-z]\b|"
    # "Q. Like Quebec.": a letter told apart by its spelling-alphabet word.
    rf"\bcapital [a-z]\b|\binitials? [a-z]\b|\blike {NATO}\b"
)
# A sentence about a value ("It's the same as my username.") is not one being read out:
# a value read aloud is a few tokens, or spelled: letters as above, or an address's own
# marks ("dot", "at", "@", "_", "all lowercase").
_SPELLED: Final = re.compile(
    rf"{_SPELLED_LETTERS.pattern}|\bdot\b|\bat\b|@|[a-z0-9]\.[a-z]|_|\bunderscore\b|"
    r"\b(?:all )?(?:lower|upper) ?case\b|"
    # "No spaces.", "All one word.": how the letters said are joined, not a refusal.
    r"\bno (?:spaces?|gaps?|dots?|apostrophes?)\b|\ball (?:one|1) word\b"
)
# "Then Harris with two R's.", "Carrick with a C-K.": how a word of it is spelled.
_HOW_SPELLED: Final = re.compile(
    r"\bwith (?:a|an|one|two|double|three|[123]) [a-z](?:'s|s)?\b|\bdouble [a-z]\b|"
    r"\bspelt\b|\bspelled\b"
)
# A sentence that is only part of an address: tokens of letters, digits and separators.
_PIECE: Final = re.compile(r"[a-z0-9._\-]+(?: [a-z0-9._\-]+)?[.!]?")
# "The first part is B Wright.", "It starts with 4BT.": the caller says outright that
# more of the value is coming.
_PARTIAL: Final = re.compile(
    r"\b(?:(?:first|1st) (?:part|bit|half|few (?:letters|digits))|"
    r"(?:starts|begins|start|begin) with|"
    # "It's just my name." -- the address is the name, which is said next.
    r"(?:just|only|simply) my (?:first |full |last |sur)?name|"
    # "It's the same as my name." -- and then the name, spelled.
    r"the same as my (?:first |full |last |sur)?name|"
    # "Mary Smith, all one word.": the local part, spelled out; the domain is next.
    r"all (?:one|1) word|no spaces?)\b"
)
# "AB." after "the reference is": smart_format joins spelled letters into one capital
# token, and no reference or account number is two or three letters alone. Only a token
# said as the value (alone, or right after "is") counts: "...my account with TSB." ends
# on a bank's name. "OK" is a word.
_CODE_START: Final = re.compile(
    # ("The reference. Is BL.": the verb after the STT's period starts with a capital.)
    r"(?:^|[.?!]\s+|\b(?i:is|it's|it is|that's|'s|says here)[,:]?\s+|"
    # "It's the fleet account, FL.": the value's first letters after its name; "Annual pass
    # RF.": after the name of the card it is printed on.
    r"\b(?i:account|number|reference|ref|code|policy)[,:]\s+|\b(?i:pass|ticket|permit)\s+)"
    r"(?!OK\b)[A-Z]{1,4}[.?!]?\s*$"
)
# Said only of an e-mail address being spelled out.
_NOT_AN_ENDING: Final = r"(?!(?:com|org|net|co|uk|ie|io|gov|edu|info|au|ca)\b)"
_EMAIL_CUE: Final = re.compile(
    # "It's divers.anna.": two words joined by a dot, an address's first part.
    r"_|\bunderscore\b|\ball (?:lower|upper) ?case\b|"
    # "K dot Walsh.": an initial and a name.
    rf"\b(?!www\b)[a-z]+\.{_NOT_AN_ENDING}[a-z]{{2,}}\b|"
    # "D. Dot Harrison.": the initial said alone, then "dot" and the name.
    rf"\b[a-z]\.\.{_NOT_AN_ENDING}[a-z]{{2,}}\b"
)
# "Secretary at. Westfield Harriers." to "Where should I send the proof?": one word and
# an "at" that ended its sentence, the domain's words after it, its dot not yet said.
_DOMAIN_OWED: Final = re.compile(
    r"(?:^|[.?!]\s+)(?:to )?(?!(?:i|we|you|they|he|she|it|one)\b)[a-z][a-z0-9_-]*@\.(?:\s|$)"
    r"(?![^@]*[a-z0-9]\.[a-z])"
)
_SEND_QUESTION: Final = re.compile(r"\b(?:send|email|e-mail)\b|\bwhere should\b.*\bgo\b")
_READ_A_NUMBER: Final = re.compile(
    r"\b(?:read|give|tell) (?:me|us) (?:the|that|your) (?:[a-z]+ )?(?:number|code)\b"
)
# "your IRD number", "the job number": a number named by what it is for.
# "What's the number on your cover plan?": a number read off something, kind unnamed.
_SOME_NUMBER: Final = re.compile(
    r"\b(?:the|your|its|his|her|their) (?:[a-z]+ ){1,3}(?:number|code)\b|"
    r"\bthe (?:number|code|reference) (?:on|from|at|printed on|at the top of)\b|"
    # "Booking number?": asked by its name alone; "Is there a hire number on your
    # receipt?": asked after as something to read off.
    r"^(?:[a-z]+ ){1,2}(?:number|code)\?$|\b(?:is there|have you got|do you have) a "
    r"(?:[a-z]+ ){1,2}(?:number|code)\b"
)
_EMAIL_VERB: Final = re.compile(r"\be-?mail (?:me|you|us|him|her|it|them)\b")
_READ_VERB: Final = re.compile(
    r"\b(?:read|tell|give|provide|spell|say|share|type|enter|key in|have|get)\b"
)
# Account numbers have no checksum and no fixed length; without the agent naming one,
# fewer than 8 digits is unfinished, and from 8 (a UK account) to 17 (the longest US bank
# account) maybe finished: a caller reading one breathes between groups, and the turn
# waits the value hold after each rather than cut the number at its tenth digit.
# A number followed by what it counts is a quantity, not digits of a value.
_COUNTED: Final = re.compile(
    r"\b\d+\s+(?:times?|days?|weeks?|months?|years?|hours?|minutes?|mins?|seconds?|secs?|moments?|"
    r"pounds?|quid|dollars?|bucks|euros?|cents?|pence|percent|people|items?|bills?|"
    r"calls?|payments?|cards?|accounts?|kids|children)\b"
)
# A correction in the middle of a value: the group before it is said again.
_ORDINAL: Final = re.compile(r"\ba \d+(?:st|nd|rd|th)\b")
_STARTING_OVER: Final = r"start (?:again|over)|from the (?:start|beginning|top)"
_TAKEN_BACK: Final = re.compile(
    rf"\b(?:sorry|i mean|no wait|wait no|scratch that|(?:let me )?{_STARTING_OVER})\b[.,!]?"
)
_START_OVER: Final = re.compile(rf"\b(?:{_STARTING_OVER})\b")
# "514. Sorry, sweetie, one sec. 555.": an apology to someone in the room, or for a
# pause, takes nothing back.
_ASIDE_AFTER: Final = re.compile(rf"^\W*(?:{VOCATIVE}|sweetie|hun|babe|mate|{WAIT_FOR_ME})\b")
# "Sorry, hold on.": a sentence that only pauses the reading.
_PAUSE_ONLY: Final = re.compile(rf"^(?:(?:oh|um|uh|sorry|no)\W+)*(?:{WAIT_FOR_ME})\W*$")
_LAST_DIGITS: Final = re.compile(
    r"\b(?:ending|ends|last (?:four|4)(?: digits)?)(?: (?:in|with|are|is))?\b"
)
# "Which invoice are you querying?": a document named by its number.
_WHICH_DOCUMENT: Final = re.compile(
    r"\bwhich (?:invoice|booking|order|claim|ticket|parcel|reservation|application|case)\b"
)
# Words around a code that are not part of it ("It's", "the", "NHS", "ref"). The names of
# identifiers of known length ("DNI", "PESEL") are not either: `_code_letters` asks
# `named_length`, so a new identifier is named in one place.
_NOT_CODE: Final = frozenset(
    "a an the and or but so it its is my his her our their your of to on in at for by um uh "
    "er erm oh ok yes yep yeah no nhs id ref num dot dash ni pps hmm mm ah eh "
    "was are iban pin cvv cvc puk pac sim ird dob uk us usa eu gb bic swift "
    "ppsn pnr mpan mprn bsb vat ucas rfc".split()
)
# "Around Christmas 2020.", "Early 2019.", "The summer of 2015.": a date the caller
# gives roughly, whole with its year.
_APPROXIMATE: Final = re.compile(
    r"\b(?:around|about|roughly|approximately|early|late|mid|christmas|easter|summer|winter|"
    r"spring|autumn|fall|new year)\b"
)
_POSTCODE_MIN_DIGITS: Final = 4
_TOWN_AFTER: Final = re.compile(r"\d[\s.,]+[a-z][a-z .'\-]*$")
_ACCOUNT_MIN_DIGITS: Final = 8
_ACCOUNT_MAX_DIGITS: Final = 17
_REFERENCE_MIN_DIGITS: Final = 4
_FIXED_DIGITS: Final[dict[DictationKind, tuple[int, ...]]] = {
    "phone": (10,),
    "zip": (5, 9),
    "ssn": (9,),
    "routing": (9,),
}


@dataclass(frozen=True, slots=True)
class Dictation:
    """A value being dictated in the caller's turn.

    Attributes:
        kind: What is being dictated.
        complete: ``True`` when every part the kind needs has been said, ``False`` when
            something is certainly missing, ``None`` when it could be either (an account
            number of unknown length).
        digits: How many digits have been said so far.
        from_agent: The kind came from the agent's question rather than the caller.
    """

    kind: DictationKind
    complete: bool | None
    digits: int
    from_agent: bool = False


def luhn_ok(digits: str) -> bool:
    """The card-number checksum (ISO/IEC 7812-1)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return bool(digits) and total % 10 == 0


_WHERE_IT_IS: Final = re.compile(r"\b(?:on|from|in) (?:the|my|your) $")
# "Your loyalty card number?", "It's on my membership card.": a card that pays for
# nothing, its number a code like any other.
_NOT_A_PAYMENT_CARD: Final = re.compile(
    r"\b(?:loyalty|membership|member|members|library|rail|oyster|id|identity|student|gym|"
    r"club|rewards?|points|medicare|health|insurance|key|sim|gift|store|bus|travel|"
    r"society|donor|season|parking|access|staff|national insurance|nhs|pension) $"
)
# A card that pays: the caller who names one is reading its number.
_PAYMENT_CARD: Final = re.compile(
    r"\b(?:card number|credit|debit|visa|mastercard|amex|american express|discover|"
    r"long number)\b"
)


def _mentions(text: str) -> Iterator[tuple[int, tuple[DictationKind, re.Match[str]]]]:
    """Each mention of a value kind in ``text``, with its pattern's order: every match,
    but a card that pays for nothing ("your loyalty card") is no card."""
    for order, (kind, pattern) in enumerate(_KIND_PATTERNS):
        for match in pattern.finditer(text):
            if kind != "card" or not _NOT_A_PAYMENT_CARD.search(text[: match.start()]):
                yield order, (kind, match)


def _kind_at(text: str) -> tuple[DictationKind, int] | None:
    """The last value kind named in ``text`` and where its name ends."""
    # (names the value, start, pattern order, end, kind): "The tracking number on the
    # card is." names the tracking number; the card only says where it is. The latest
    # mention wins; at the same start the earlier (more specific) pattern.
    mentions = [
        (
            _WHERE_IT_IS.search(text[: match.start()]) is None,
            match.start(),
            -order,
            match.end(),
            kind,
        )
        for order, (kind, match) in _mentions(text)
    ]
    if not any(named for named, *_ in mentions):
        # "It's on the email." after "the tracking number": where it is, and no more.
        return None
    *_, end, kind = max(mentions)
    return kind, end


def kind_named_last(user_text: str) -> DictationKind | None:
    """The value the turn ends by naming, nothing given after it ("send a text to my
    mobile."): a caller who goes on to read the value pauses there first, and the STT
    punctuates that pause like the end of a sentence. Only names of a value count: "on
    my account." or "pay by card" name no number."""
    written = normalise(user_text).text.lower().rstrip(" .,!;:-")
    match = _VALUE_NAMED_LAST.search(written)
    if match is None:
        return None
    found = _kind_at(match.group(0))
    return found[0] if found is not None else None


def sentences(text: str) -> list[str]:
    """``text`` lower-cased and cut after each ``.``, ``?`` or ``!``, each sentence stripped."""
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text.lower()) if s.strip()]


def _last_request(agent_text: str) -> str | None:
    """The agent's last sentence that asks for something: a question or a request."""
    asking = [s for s in sentences(agent_text) if s.endswith("?") or _REQUEST.search(s)]
    return asking[-1] if asking else None


def _asks_expiry_and_code(agent_text: str) -> bool:
    """The agent's last request is for a card's expiry and its security code together."""
    text = _last_request(agent_text)
    return text is not None and _EXPIRY_AND_CODE.search(text) is not None


def asked_for(agent_text: str) -> tuple[DictationKind, int | None] | None:
    """The kind of value the agent's message asks for, and its length if it says one
    ("your ten-digit account number"). A statement that only mentions one ("I've sent
    you a confirmation e-mail.") asks for nothing."""
    text = _last_request(agent_text)
    if text is None:
        return None
    if text.endswith("?") and _CHOICE.search(text) and _CONFIRMING.search(text):
        return None
    if _OFFERS_HELP.search(text) or _ASKS_AMOUNT.match(text):
        # "How can I help with your rewards account?" names the account, asks for none;
        # "How much was taken from it?" asks for an amount.
        return None
    if text.endswith("?") and _ASKS_WHEN.match(text):
        # "When does the card expire?": its month and year. "When did you last use the
        # card?", "When does your visa expire?": a time, not the value named.
        if re.search(r"\bexpire", text) and _THE_CARD.search(text):
            return "reference", 4
        if _kind_first(text) not in (None, "date"):
            return None
    if _asks_expiry_and_code(agent_text):
        # "The expiry date and the security code?": month and year, then three digits,
        # one group after another.
        return "reference", 7
    size = _N_DIGIT.search(text)
    length = None
    if size is not None:
        raw = size.group(1)
        length = int(raw) if raw.isdigit() else _WORD_NUMBERS.get(raw)
    if _EXPIRY.search(text) and (not re.search(r"\bdate\b", text) or _ON_A_CARD.search(text)):
        # "What's the expiry on the card?", "the expiry date on the card": month and
        # year, two digits each, whatever the card's own number would need. (A
        # passport's expiry date is a whole date.)
        return "reference", 4
    if length is None and (characters := named_length(text)) is not None:
        # "Could you read me his codice fiscale?": sixteen characters, always.
        return "reference", characters
    if _WHICH_DOCUMENT.search(text):
        # "Which invoice are you querying?": its number, read off it.
        return "reference", None
    # The value asked for is the first one named: "the card number on the account".
    found = _kind_first(text)
    if found is None and re.search(r"\baddress\b", text) and _EMAIL_SAID.search(agent_text):
        # "We'll email the permit to you. What's the address?": the email address.
        return "email", None
    if found is None and _WHERE_EMAILED.search(text):
        # "Where should the invoices be emailed?": to an address, asked for.
        return "email", None
    if found is None and (_READ_A_NUMBER.search(text) or _SOME_NUMBER.search(text)):
        # "...read me the number that comes up?", "What's your IRD number?", "the job
        # number": a number of a kind not named.
        return "reference", length
    if found is None:
        # "Can you read me the last eight digits?": digits of a known count, no name;
        # "Can you spell that for me?": letters, as many as the word has.
        if length is not None or re.search(r"\bspell\b", text):
            return "reference", length
        if _EXPIRY.search(text) and not _EXPIRES_WHOLE.search(text):
            # A card's expiry: month and year, two digits each.
            return "reference", 4
        return None
    if found == "zip":
        return found, (9 if _ZIP_PLUS_FOUR.search(text) else length)
    return found, length


def _kind_first(text: str) -> DictationKind | None:
    """The first value kind named in ``text`` (at the same start, the more specific)."""
    best: tuple[int, DictationKind] | None = None
    for _, (kind, match) in _mentions(text):
        if best is None or match.start() < best[0]:
            best = (match.start(), kind)
    return best[1] if best is not None else None


def asks_for_two(agent_text: str) -> bool:
    """The agent's request names two values joined by "and" ("your sort code and account
    number", "the card number and expiry"): the first value complete is not the end."""
    text = _last_request(agent_text)
    if text is None:
        return False
    if _asks_expiry_and_code(agent_text):
        return False  # counted as one value of seven digits
    head, sep, tail = text.partition(" and ")
    return bool(sep) and bool(_VALUE_NAME.search(head)) and bool(_VALUE_NAME.search(tail))


def _confirming(agent_text: str) -> bool:
    """The agent's last question asks the caller to confirm a value, not to read one."""
    said = sentences(agent_text)
    last = said[-1] if said else ""
    return bool(_CONFIRMING.search(last)) and not _READ_VERB.search(last)


def _digits(written: str) -> str:
    """The value's digits: a number that counts something ("declined 3 times") is not
    one of them, and a group the caller took back ("4224. Sorry. 4242.") is replaced."""
    # "I'm on it as a second user" reaches here as "a 2nd user": an ordinal, no digit.
    written = _ORDINAL.sub(" ", _COUNTED.sub(" ", written))
    # "4242. Sorry. The light's bad in here.": words and no digits after the apology are
    # an aside, and the group stands; nothing yet after it, the replacement may follow.
    taken_back = [
        m
        for m in _TAKEN_BACK.finditer(written)
        if (re.search(r"\d", written[m.end() :]) or not re.search(r"[a-z]", written[m.end() :]))
        and not _ASIDE_AFTER.search(written[m.end() :])
    ]
    if taken_back:
        last = taken_back[-1]
        # Starting over drops all before it; otherwise the group just before the
        # correction is the one it replaces (digits said one at a time are one group).
        head = (
            ""
            if _START_OVER.search(last.group(0))
            # ("049157. No, sorry. 0491.": the "no" before the apology goes with it.)
            else re.sub(
                r"(?:\b\d (?=\d))*\d+[\s.,\-]*(?:\b(?:no|oh|wait|um|uh|er)\W*)*$",
                "",
                written[: last.start()],
            )
        )
        written = head + " " + written[last.end() :]
    return "".join(ch for ch in written if ch.isdigit())


def _date_complete(written: str) -> bool | None:
    if _SHORT_YEAR_DATE.search(written) is not None:
        return True
    if _YEAR.search(written) and _APPROXIMATE.search(written):
        return True  # "Around Christmas 2020.": as exact as the caller can be
    year = _YEAR.search(written)
    if year is not None:
        # "1990." first, the month and day next: a date of birth needs all three.
        rest = written[: year.start()] + written[year.end() :]
        return MONTH_NAMED.search(rest) is not None or re.search(r"\d", rest) is not None
    has_parts = MONTH_NAMED.search(written) is not None or any(ch.isdigit() for ch in written)
    return False if has_parts else None


def _judge(
    kind: DictationKind,
    written: str,
    length: int | None,
    raw: str = "",
    region: str | None = None,
) -> tuple[bool | None, int] | None:
    """Completeness of the dictated part ``written`` (normalised), or None if nothing of
    the value has been said yet. ``raw`` is the turn as the STT wrote it, where a code's
    letters still show as capitals; ``region`` the country named in the call's last two
    turns, if any (a phone number's length is that country's)."""
    digits = _digits(written)
    if kind == "email":
        said = sentences(written)
        paused = [i for i, sentence in enumerate(said) if _PAUSE_ONLY.match(sentence)]
        if paused and paused[-1] + 1 < len(said):
            # "Busy mum. Sorry, hold on. Busy mum 3.": read again, or on, from the pause.
            written = " ".join(said[paused[-1] + 1 :])
        if "@" in written:
            return _EMAIL_DONE.search(written) is not None, len(digits)
        if _DOMAIN_DONE.search(written):
            # "Example. Dot. Org." after "what comes after the at sign?": the domain,
            # the address's last part.
            return True, len(digits)
        said = sentences(written)
        if len(said) > 1 and _INTRO.search(said[-1]):
            # "My grandson set it up. It's Peter.": the address begins in the last
            # sentence, after the words about it.
            written = said[-1]
        elif len(said) > 1 and _address_piece(said[-1]):
            # "...It's Grandma Jean. 42.", "It's on my screen. Ahmed. Dot h.": a piece of
            # the address after the words about it, its domain still to come.
            return False, len(digits)
        local = _INTRO.sub("", written, count=1)
        words = [w for w in re.findall(r"[a-z0-9']+", local) if len(w) > 1]  # not letters
        if _OPINION.search(written) or (
            len(words) >= 4 and not _SPELLED.search(local) and not _HOW_SPELLED.search(local)
        ):
            if _PARTIAL.search(local):
                return False, 0
            return None  # a sentence about the address, not the address
        # Letters after "my email is" are the local part; the domain is still to come.
        return (False, 0) if re.search(r"[a-z0-9]", local) else None
    if kind in ("reference", "account") and _EMAIL_ENDS.search(written):
        # "G for golf... At example.com." after "Could you spell the first part?": the
        # whole address, read to its domain.
        return True, len(digits)
    if kind == "date":
        state = _date_complete(written)
        return None if state is None else (state, len(digits))
    if kind in ("reference", "account") and (iban := iban_whole(written)) is not None:
        return iban, len(digits)
    if kind == "account" and _code_letters(raw):
        # "CR. 912. 66." for a member ID: a code with letters, of no length known.
        kind = "reference"
    if not digits:
        if kind in ("reference", "account") and (
            _SPELLED_LETTERS.search(written)
            or re.fullmatch(r"\W*[a-z](?:\W+[a-z]){0,2}\W*", written)
            or _PARTIAL.search(written)
        ):
            # "K as in kilo.": a code read letter by letter, its length unknown.
            return None, 0
        return None
    count = len(digits)
    if length is not None:
        # A code with letters counts them too ("RSS MRA 85T10 A562S", a codice fiscale).
        have = count + (
            _code_letters(raw) + 2 * len(_MONTH_BEFORE_DIGITS.findall(written))
            if kind == "reference"
            else 0
        )
        return have >= length, count
    if kind == "phone":
        first = re.search(r"\d", written)
        plus = first is not None and written[: first.start()].rstrip().endswith("+")
        whole = phone_whole(digits, plus=plus, region=region)
        if whole is not None:
            # "+254. 712. 345678.", "It's a Spanish one, 612. 3456. 78.": the country's
            # own length.
            return whole, count
        if digits.startswith("04"):
            # An Australian mobile (04xx xxx xxx) or an Irish landline is ten digits
            # (a Wellington landline nine); the UK has no 04 numbers.
            return (True if count >= 10 else None if count == 9 else False), count
        if digits.startswith("0"):
            # A trunk prefix: UK and Irish numbers run to eleven digits, Australian ones
            # ten, so ten may be the whole number or one short.
            return (True if count >= 11 else None if count == 10 else False), count
        # A leading country code 1 makes a NANP number eleven digits.
        need = 11 if digits.startswith("1") and count > 10 else 10
        return count >= need, count
    if kind == "card":
        if _LAST_DIGITS.search(written):
            # "The one ending 4242.": a card named by its last digits, not read out.
            return count >= 4, count
        if count < 13:
            return False, count
        issued = card_number_length(digits)
        if issued is not None:
            # "4242 4242. 424242." is fourteen digits of a sixteen-digit Visa, whatever
            # the checksum says of them.
            return count >= issued, count
        if luhn_ok(digits):
            return True, count
        # Sixteen digits that fail the checksum were misheard, not unfinished.
        return count >= 16, count
    if kind == "reference":
        # Claim, case, tracking, booking numbers: no length anyone can know, often with
        # letters; a few characters are a first group, more may be all of it.
        return (None if count >= _REFERENCE_MIN_DIGITS else False), count
    if kind == "account":
        if count >= _ACCOUNT_MAX_DIGITS:
            return True, count
        return (None if count >= _ACCOUNT_MIN_DIGITS else False), count
    if kind == "zip" and _POSTCODE_WHOLE.search(written):
        return True, count
    if kind == "zip" and count >= _POSTCODE_MIN_DIGITS and _TOWN_AFTER.search(written):
        # "It's 8001. Zurich.": the town after the digits; the postcode is said.
        return True, count
    if kind == "zip" and _DUTCH.search(written):
        # "It is a Dutch one, 2513." -- four digits, then two letters still to come.
        return _POSTCODE_WHOLE.search(written) is not None, count
    need_any = _FIXED_DIGITS[kind]
    return count >= min(need_any), count


def _address_piece(sentence: str) -> bool:
    """One or two tokens of an address being read ("42.", "ahmed..h.", "jean smith."),
    not a word that closes a turn ("Thanks.")."""
    tokens = re.findall(r"[a-z0-9._\-]+", sentence)
    if _DIGIT_SAID.fullmatch(sentence.strip(" .")):
        return True  # "The number 3.": how a digit of it is written
    if tokens and tokens[-1].strip(".").isdigit() and _PIECES_WITH_DIGITS.fullmatch(sentence):
        return True  # "Jack and Emily 24.": a few words with the digits after them
    return (
        _PIECE.fullmatch(sentence) is not None
        and 0 < len(tokens) <= 2
        and not all(t.strip(".") in SHORT_ANSWERS for t in tokens)
    )


_DIGIT_SAID: Final = re.compile(r"(?:the )?(?:number|digit|numeral) \d+(?: as a (?:number|digit))?")
_PIECES_WITH_DIGITS: Final = re.compile(r"[a-z._\-]+(?: [a-z._\-]+){0,2} \d+[.!]?")


def _code_letters(raw: str) -> int:
    """The letters of a code read out, as the STT writes them: in capitals ("QQ 123456 C",
    "RSS MRA 85T10 A562S"), not the labels around it ("NHS", "ID") nor "I" or "A"."""
    letters = 0
    for token in re.findall(r"\b[A-Z0-9]+\b", raw):
        if (
            token.isdigit()
            or token.lower() in _NOT_CODE
            or token in ("I", "A")
            or named_length(token.lower()) is not None
        ):
            continue
        letters += sum(ch.isalpha() for ch in token)
    return letters


def _code_started(kind: DictationKind, user_text: str) -> bool:
    """A reference, account number or postcode whose only part said yet is a few
    capitals ("AB.", "DN."); read on the raw text, where smart_format's capitals still
    show."""
    return kind in ("reference", "account", "zip") and _CODE_START.search(user_text) is not None


def dictation_state(user_text: str, agent_text: str = "") -> Dictation | None:
    """What the caller's turn is dictating and whether it is complete.

    The kind comes from the caller's own words when the turn names one and then gives
    (or introduces) a value: "my number is ...", "card number 4111 ...". Otherwise from
    the agent's last message, if it asked for a value and the turn holds part of one.
    A turn that only mentions a kind ("I want to change my phone number.") dictates
    nothing.

    Args:
        user_text: The caller's turn so far, raw (before redaction).
        agent_text: The agent's last message, if any.
    """
    written = normalise(
        _DESCRIBED_ONE.sub(r"\1 \2 un", _PRONOUN_ONE.sub(r"\1 un", user_text))
    ).text.lower()
    asked = asked_for(agent_text) if agent_text else None
    region = phone_region(written) or phone_region(agent_text.lower())
    # "email me a receipt": the verb; blanked out (same length) so positions still hold.
    own = _kind_at(_EMAIL_VERB.sub(lambda m: " " * len(m.group()), written))
    if (
        own is not None
        and own[0] == "card"
        and asked is not None
        and asked[0] != "card"
        and not _PAYMENT_CARD.search(written)
    ) or (own is not None and own[0] == "reference" and _asks_expiry_and_code(agent_text)):
        # "I've got the card in my hand. It's 63..." after "Your membership number?":
        # the card the number is printed on, not one to pay with. "Expiry 03/30.
        # Security code 812." names each half of the pair asked for.
        own = None
    if own is not None:
        kind, end = own
        rest = written[end:]
        length = asked[1] if asked is not None and asked[0] == kind else None
        # "...update my email address as well.": an address named, none given.
        names_only = kind == "email" and not (
            _INTRO.search(rest) or "@" in rest or _SPELLED.search(rest)
        )
        judged = None if names_only else _judge(kind, rest, length, user_text, region)
        if judged is not None:
            return Dictation(kind, judged[0], judged[1])
        given = _INTRO.sub("", rest, count=1)
        if _INTRO.search(rest) and (
            not re.search(r"[a-z0-9]", given) or _A_DESCRIBED_ONE.fullmatch(given)
        ):
            # "My phone number is." -- introduced, nothing given yet; "My number is a
            # Kenyan one." -- described, not yet given.
            return Dictation(kind, False, 0)
    if own is not None and _code_started(own[0], user_text):
        return Dictation(own[0], False, 0)
    if (
        own is None
        and _SEND_QUESTION.search(agent_text.lower())
        and _DOMAIN_OWED.search(written)
        and not _EMAIL_DONE.search(written)
    ):
        return Dictation("email", False, 0)
    if own is None and asked is None and _EMAIL_CUE.search(written) and "@" not in written:
        # "Dave underscore." / "All lowercase.": an address being spelled, asked for or not.
        return Dictation("email", False, 0)
    if asked is not None:
        kind, length = asked
        if kind == "reference" and length is None:
            # "The DNI number is 1234." after "the number on the ID card": the caller
            # names an identifier whose length is known.
            length = named_length(written)
        if _THERE_IS_ONE.search(written) and _ASKS_IF_THERE_IS.search(agent_text.lower()):
            # "Yes. There's a reference at the top of the page." to "Is there a reference
            # on the letter?": where one is, none read yet, and none asked for.
            return None
        if _READY.search(written) and not _confirming(agent_text):
            return Dictation(kind, False, 0, from_agent=True)
        if _DESCRIBED_LAST.search(written):
            # "My number is a Kenyan one." -- which kind of number, read next.
            return Dictation(kind, False, 0, from_agent=True)
        # An answer to "what's your email?" is the start of an address unless it is a
        # refusal ("I don't have one.").
        if (
            kind == "email"
            and "@" not in written
            and _NOT_AN_ADDRESS.search(written)
            and not _SPELLED.search(written)
        ):
            # ("No apostrophe." after "S E A N." is part of the spelling, as is "No spaces.")
            return None
        # (The normaliser writes "one" as "1": "There isn't 1 on it.")
        if _NOT_KNOWN.search(written) and not re.search(r"\d\d", written):
            # "It's a hire car, so I don't know the registration.": none to give.
            return None
        # "It says here SY.": the words it is read off, then the value.
        judged = _judge(kind, _READ_OFF.sub("", written, count=1), length, user_text, region)
        if judged is None and _code_started(kind, user_text):
            return Dictation(kind, False, 0, from_agent=True)
        if judged is not None:
            return Dictation(kind, judged[0], judged[1], from_agent=True)
    return None
