"""Numbers in one form, so ``(415) 555-0100`` and ``+14155550100`` never differ.

LiveKit matches trunk and rule numbers as plain strings (livekit/protocol
``livekit/sip.go`` ``NormalizeNumber``: strip `` -()``, add ``+``; anything else, such
as a SIP user name, unchanged), so a number there may also be a PBX extension or a SIP
user name. We accept three forms:

* a phone number, valid for its country (national forms read in the default region):
  written in E.164;
* a PBX extension, at most `MAX_EXTENSION_DIGITS` digits: kept as digits;
* a SIP user name (RFC 3261 token characters, at least one letter): kept as written.

Anything else (a 9-digit typo, an ``@``, spaces in a name) is an error.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import phonenumbers

__all__ = [
    "MAX_EXTENSION_DIGITS",
    "InvalidNumber",
    "normalize",
    "normalize_all",
    "normalize_lenient",
    "server_key",
]

MAX_EXTENSION_DIGITS = 6
_NUMBER_LIKE = re.compile(r"^\+?[0-9\- ()]+$")
# livekit/sip_validation.go tokenCharacters.
_SIP_USER = re.compile(r"^[0-9A-Za-z\-.!%*_+`'~]+$")


class InvalidNumber(ValueError):
    """Not a phone number, extension or SIP user name."""


@functools.lru_cache(maxsize=65536)
def server_key(number: str) -> str:
    """How LiveKit compares numbers in conflicts and matching (livekit/sip.go
    ``NormalizeNumber``)."""
    if not number or not _NUMBER_LIKE.match(number):
        return number
    stripped = re.sub(r"[ \-()]", "", number)
    return stripped if stripped.startswith("+") else "+" + stripped


def normalize(number: str, region: str) -> str:
    """The one form of ``number``: E.164, extension digits or the SIP user name.

    Raises:
        InvalidNumber: none of the three forms.
    """
    if _NUMBER_LIKE.match(number):
        digits = re.sub(r"[^0-9]", "", number)
        if not number.startswith("+") and 0 < len(digits) <= MAX_EXTENSION_DIGITS:
            return digits
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException as error:
            raise InvalidNumber(f"{number!r} is not a phone number ({error})") from None
        if not phonenumbers.is_valid_number(parsed):
            raise InvalidNumber(
                f"{number!r} is not a valid phone number (region {region}); an extension "
                f"has at most {MAX_EXTENSION_DIGITS} digits"
            )
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if _SIP_USER.match(number) and re.search(r"[A-Za-z]", number):
        return number
    raise InvalidNumber(
        f"{number!r} is not a phone number, a PBX extension or a SIP user name "
        "(letters, digits and -.!%*_+`'~)"
    )


def normalize_lenient(number: str, region: str) -> str:
    """The one form when there is one, else the number unchanged (for what the server
    already holds)."""
    try:
        return normalize(number, region)
    except InvalidNumber:
        return number


def normalize_all(numbers: Iterable[str], region: str) -> list[str]:
    """Sorted, de-duplicated; unparsable numbers are kept as given."""
    return sorted({normalize_lenient(n, region) for n in numbers})
