"""Phone numbers in one form (E.164) so that ``(415) 555-0100`` and ``+14155550100``
never show up as a difference."""

from __future__ import annotations

from collections.abc import Iterable

import phonenumbers

__all__ = ["InvalidNumber", "normalize", "normalize_all", "normalize_lenient"]


class InvalidNumber(ValueError):
    """Not a valid phone number for the region it was read in."""


def normalize(number: str, region: str) -> str:
    """Return ``number`` in E.164, reading national forms in ``region``.

    Raises:
        InvalidNumber: unparsable, or not a number libphonenumber knows to be valid.
    """
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidNumber(f"{number!r} is not a phone number ({error})") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidNumber(f"{number!r} is not a valid phone number (region {region})")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalize_lenient(number: str, region: str) -> str:
    """E.164 when possible, else the number unchanged (for what the server already holds)."""
    try:
        return normalize(number, region)
    except InvalidNumber:
        return number


def normalize_all(numbers: Iterable[str], region: str) -> list[str]:
    """Sorted, de-duplicated E.164 numbers; unparsable ones are kept as given."""
    return sorted({normalize_lenient(n, region) for n in numbers})
