"""Identifiers whose length their issuers fix, for the turn judge: a value read out is
whole once it has that many characters.

Each length comes from the issuer's published format (the comments name them): card
numbers by issuer identification number, IBANs by country (the redactor's own table),
national and commercial identifiers named by the agent or the caller, and phone numbers
by their country's numbering plan (Google's libphonenumber metadata, the redactor's too)
when the caller gives its country code or names the country.
"""

from __future__ import annotations

import re
from typing import Final

import phonenumbers

from compliance.checksums import IBAN_LENGTHS

__all__ = ["card_number_length", "iban_whole", "named_length", "phone_region", "phone_whole"]

# An IBAN's country code and check digits, then its length by country
# (compliance.checksums.IBAN_LENGTHS): "ES91" opens a 24-character Spanish IBAN.
_IBAN_START: Final = re.compile(r"\b(?P<country>[a-z]{2})\d{2}\b")
# Identifiers of one length everywhere, in characters (letters and digits), from their
# issuers' published formats: an NHS number is ten digits, a UK National Insurance
# number two letters, six digits and a letter, an Italian codice fiscale sixteen
# characters, a VIN seventeen (ISO 3779).
_ID_LENGTHS: Final[tuple[tuple[re.Pattern[str], int], ...]] = (
    (re.compile(r"\bnhs number\b"), 10),
    (re.compile(r"\b(?:national insurance|ni) number\b"), 9),
    (re.compile(r"\bcodice fiscale\b"), 16),
    (re.compile(r"\baadhaar(?: number)?\b"), 12),
    (re.compile(r"\b(?:social insurance number|sin)\b"), 9),
    (re.compile(r"\bcpf\b"), 11),
    (re.compile(r"\b(?:bsn|burgerservicenummer|citizen service number)\b"), 9),
    # HMRC's Unique Taxpayer Reference: ten digits. An Australian tax file number:
    # nine (the ATO's; older eight-digit ones wait, never cut). India's PAN: five
    # letters, four digits, a letter. Germany's tax ID (Steuer-IdNr): eleven digits.
    (re.compile(r"\b(?:utr|unique taxpayer reference)\b"), 10),
    (re.compile(r"\b(?:tfn|tax file number)\b"), 9),
    (re.compile(r"\bpan(?: number| card)?\b"), 10),
    (re.compile(r"\b(?:german tax id|steuer-?id|tax identification number)\b"), 11),
    # Postal codes of one length: Brazil's CEP eight digits, India's PIN code six.
    (re.compile(r"\bcep\b"), 8),
    (
        re.compile(
            r"\bpin ?code (?:in india|(?:of|for|at) (?:the |your )?(?:home |delivery |postal )?"
            r"(?:delivery|address))\b"
        ),
        6,
    ),
    # Mexico's CURP and CLABE: eighteen characters. Poland's PESEL: eleven digits. Spain's
    # DNI and NIE: eight digits and a letter, or a letter, seven digits and a letter. UCAS
    # personal ID: ten digits. A UK driving licence number (DVLA): sixteen characters.
    (re.compile(r"\b(?:curp|clabe)\b"), 18),
    (re.compile(r"\bpesel\b"), 11),
    (re.compile(r"\b(?:dni|nie|nif)\b"), 9),
    # Singapore's NRIC: a letter, seven digits, a letter. An M-Pesa transaction code: ten
    # characters.
    (re.compile(r"\bnric\b"), 9),
    # Malaysia's MyKad (IC) number: twelve digits. The Philippines' SSS number: ten.
    (re.compile(r"\b(?:mykad|ic)(?: number)?\b"), 12),
    (re.compile(r"\bsss(?: number)?\b"), 10),
    (re.compile(r"\bm-?pesa (?:confirmation |transaction )?code\b"), 10),
    (re.compile(r"\bucas (?:personal )?id\b"), 10),
    (re.compile(r"\bdriving licen[cs]e number\b"), 16),
    (re.compile(r"\b(?:vin|vehicle identification number)\b"), 17),
    (re.compile(r"\bimei(?: number)?\b"), 15),
    # A book's ISBN: thirteen digits since 2007 (ISO 2108); an older ten-digit one waits
    # the value hold, never cut.
    (re.compile(r"\bisbn(?: number)?\b"), 13),
    (re.compile(r"\bsort code\b"), 6),
    # A card's security code (Visa's CVV2, Mastercard's CVC2): three digits on the back;
    # American Express's four on the front are whole at three too, read in one breath.
    # A bare "security code" may be a texted one, of six digits: not named here.
    (
        re.compile(
            r"\b(?:cvv2?|cvc2?|card verification (?:code|value)|card security code"
            r"|security code (?:on|from) (?:the )?(?:back of (?:the|your) )?card)\b"
        ),
        3,
    ),
    # A UK number plate since 2001 (DVLA): two letters, two digits, three letters.
    (
        re.compile(
            r"\b(?:car|vehicle|van)(?:'s)? reg(?:istration)?\b|(?<!company )\breg(?:istration)? "
            r"(?:number|plate|mark)\b|"
            r"\bregistration of (?:the|your|his|her) (?:\w+ )?(?:car|vehicle|van)\b|"
            r"\bnumber plate\b|\b(?:the|your) registration\?$"
        ),
        7,
    ),
    # A US employer identification number (IRS): nine digits, XX-XXXXXXX.
    (re.compile(r"\b(?:ein|employer identification number)\b"), 9),
    # A pet's microchip (ISO 11784): fifteen digits.
    (re.compile(r"\b(?:micro ?chip|chip) number\b"), 15),
)
# Card numbers by issuer identification number (ISO/IEC 7812), as the networks publish
# them: American Express 34/37 (15 digits), Diners Club International 36 and 300-305
# (14), Visa 4, Mastercard 51-55 and 2221-2720, Discover 6011, 644-649 and 65, JCB
# 3528-3589 (16).
_ISSUER_LENGTHS: Final[tuple[tuple[re.Pattern[str], int], ...]] = (
    (re.compile(r"3[47]"), 15),
    (re.compile(r"36|30[0-5]"), 14),
    (
        re.compile(
            r"4|5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720|"
            r"6011|64[4-9]|65|35(?:2[89]|[3-8]\d)"
        ),
        16,
    ),
)


def named_length(text: str) -> int | None:
    """The length of the first identifier ``text`` names ("your PESEL number" -> 11)."""
    return next((n for named, n in _ID_LENGTHS if named.search(text)), None)


def card_number_length(digits: str) -> int | None:
    """The length a card number's issuer gives it, from its first digits; None for
    issuers whose numbers vary (Maestro, 12 to 19)."""
    for prefix, length in _ISSUER_LENGTHS:
        if prefix.match(digits):
            return length
    return None


def iban_whole(written: str) -> bool | None:
    """Whether an IBAN read out is whole, by its country's length; None if ``written``
    does not start one ("ES91. 2100 0418..." -- Spanish IBANs run to 24 characters)."""
    start = _IBAN_START.search(written)
    length = None if start is None else IBAN_LENGTHS.get(start["country"].upper())
    if start is None or length is None:
        return None
    said = re.sub(r"[^a-z0-9]", "", written[start.start() :])
    return len(said) >= length


# A country named beside a phone number ("It's a Spanish one", "while you're in Spain"):
# its numbering plan says how long the number is. Adjectives and names callers use.
_PHONE_COUNTRIES: Final = (
    ("ES", r"spanish|spain"),
    ("FR", r"french|france"),
    ("DE", r"german|germany"),
    ("IT", r"italian|italy"),
    ("NL", r"dutch|netherlands|holland"),
    ("BE", r"belgian|belgium"),
    ("PT", r"portuguese|portugal"),
    ("PL", r"polish|poland"),
    ("IE", r"irish|ireland"),
    ("CH", r"swiss|switzerland"),
    ("AT", r"austrian|austria"),
    ("SE", r"swedish|sweden"),
    ("DK", r"danish|denmark"),
    ("NO", r"norwegian|norway"),
    ("KE", r"kenyan|kenya"),
    ("NG", r"nigerian|nigeria"),
    ("ZA", r"south african|south africa"),
    ("IN", r"indian|india"),
    ("PK", r"pakistani|pakistan"),
    ("PH", r"filipino|philippine|philippines"),
    ("AU", r"australian|australia|aussie"),
    ("NZ", r"new zealand|kiwi"),
    ("SG", r"singapore|singaporean"),
    ("MX", r"mexican|mexico"),
    ("BR", r"brazilian|brazil"),
    ("CA", r"canadian|canada"),
    ("US", r"american|the states|usa"),
    ("GB", r"british|uk|english|scottish|welsh"),
)
_PHONE_COUNTRY: Final = re.compile(
    r"\b(?:" + "|".join(f"(?P<{code}>{words})" for code, words in _PHONE_COUNTRIES) + r")\b"
)


def phone_region(text: str) -> str | None:
    """The region (ISO 3166 code) of the country the words name last, if any.

    Args:
        text: The caller's or the agent's words, lower case.
    """
    found = [m.lastgroup for m in _PHONE_COUNTRY.finditer(text)]
    return found[-1] if found else None


def phone_whole(digits: str, *, plus: bool, region: str | None) -> bool | None:
    """Whether ``digits`` make a whole phone number of the country its code (``plus``)
    or ``region`` gives; None when neither says which country.

    Whole when libphonenumber finds the number valid and no digit more would be, or when
    it has as many digits as the country's longest number (a fictional range, Ofcom's
    07700 900xxx, is valid nowhere but is read out all the same); not known between the
    country's shortest and longest lengths; short of its shortest, not whole.

    Args:
        digits: The digits read so far.
        plus: The caller said the country code ("plus 254").
        region: The country named, when no code was said.
    """
    if not plus and region is None:
        return None
    parsed = _parsed(digits, plus=plus, region=region)
    if parsed is None:
        return None
    if phonenumbers.is_valid_number(parsed):
        # Germany's, Austria's and Italy's numbers vary in length: valid now, and valid
        # with one more digit, is not yet known to be whole.
        return None if _valid_longer(digits, plus=plus, region=region) else True
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        return True  # misheard, not unfinished
    if parsed.country_code is None:
        return None
    code = phonenumbers.region_code_for_country_code(parsed.country_code)
    meta = phonenumbers.PhoneMetadata.metadata_for_region(code, None)
    if meta is None or meta.general_desc is None or not meta.general_desc.possible_length:
        return None
    national = len(phonenumbers.national_significant_number(parsed))
    lengths = meta.general_desc.possible_length
    if national >= max(lengths):
        return True
    # Long enough for some number of the country, though not a valid one: not known.
    return None if national >= min(lengths) else False


def _valid_longer(digits: str, *, plus: bool, region: str | None) -> bool:
    return any(
        longer is not None and phonenumbers.is_valid_number(longer)
        for longer in (_parsed(digits + extra, plus=plus, region=region) for extra in "0123456789")
    )


def _parsed(digits: str, *, plus: bool, region: str | None) -> phonenumbers.PhoneNumber | None:
    """The digits as libphonenumber reads them: by their country code when it was said,
    else as a number of ``region``."""
    try:
        return phonenumbers.parse(("+" if plus else "") + digits, None if plus else region)
    except phonenumbers.NumberParseException:
        return None
