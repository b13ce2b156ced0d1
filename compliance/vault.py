"""Per-call vault: real values behind typed placeholders such as ``[CARD_1]``.

The LLM only ever sees placeholders. Tools get real values back (`Vault.restore_for_tool`);
speech gets at most what the tenant's policy allows (`Vault.restore_for_speech`), and never a
whole card, SSN, account or routing number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, TypeVar, cast

import phonenumbers

from config.redaction_policy import (
    NEVER_SPOKEN,
    NEVER_SPOKEN_IN_FULL,
    EntityType,
    RedactionPolicy,
    SpeechPolicy,
)

__all__ = ["PLACEHOLDER", "Vault", "VaultEntry", "redact_value_in_text"]

T = TypeVar("T")

PLACEHOLDER: Final = re.compile(
    r"\[(?P<kind>" + "|".join(k.value for k in EntityType) + r")_(?P<n>\d+)\]"
)
"""Matches any placeholder the vault hands out."""

_DIGIT_KINDS: Final = frozenset(
    {
        EntityType.CARD,
        EntityType.SSN,
        EntityType.PHONE,
        EntityType.ACCOUNT,
        EntityType.ROUTING,
        EntityType.CVV,
        EntityType.PIN,
        EntityType.NUMBER,
        EntityType.SIN,
        EntityType.TFN,
        EntityType.NHS,
        EntityType.OTP,
        EntityType.LASTFOUR,
    }
)
_ON_FILE: Final = {
    EntityType.CARD: "the card on file",
    EntityType.PHONE: "the phone number on file",
    EntityType.SSN: "the social security number on file",
    EntityType.EMAIL: "the email address on file",
    EntityType.DOB: "the date of birth on file",
    EntityType.ADDRESS: "the address on file",
    EntityType.ACCOUNT: "the account on file",
    EntityType.ROUTING: "the routing number on file",
    EntityType.CVV: "the security code you gave",
    EntityType.EXPIRY: "the expiry date you gave",
    EntityType.PIN: "the PIN you gave",
    EntityType.PASSPORT: "the passport number you gave",
    EntityType.LICENSE: "the licence number you gave",
    EntityType.MEMBER: "the member ID you gave",
    EntityType.ID: "the ID you gave",
    EntityType.NUMBER: "the number you gave",
    EntityType.NAME: "the name you gave",
    EntityType.NINO: "the National Insurance number you gave",
    EntityType.SIN: "the social insurance number you gave",
    EntityType.TFN: "the tax file number you gave",
    EntityType.IBAN: "the IBAN you gave",
    EntityType.NHS: "the NHS number you gave",
    EntityType.MEDICAL: "the medical record number you gave",
    EntityType.POLICY: "the policy number you gave",
    EntityType.OTP: "the code you gave",
    EntityType.PLATE: "the registration you gave",
    EntityType.VIN: "the VIN you gave",
    EntityType.POSTCODE: "the postcode you gave",
    EntityType.SECRET: "the answer you gave",
    EntityType.MAIDEN: "the name you gave",
    EntityType.LASTFOUR: "the last four digits you gave",
}
_ENDING_IN: Final = {
    EntityType.CARD: "card ending in {}",
    EntityType.PHONE: "number ending in {}",
    EntityType.SSN: "social security number ending in {}",
    EntityType.ACCOUNT: "account ending in {}",
    EntityType.ROUTING: "routing number ending in {}",
    EntityType.NUMBER: "number ending in {}",
    EntityType.IBAN: "IBAN ending in {}",
    EntityType.POLICY: "policy number ending in {}",
    EntityType.VIN: "VIN ending in {}",
}
_SEPARATORS: Final = r"[\s\-.,()/]*"


@dataclass(slots=True)
class VaultEntry:
    """One value behind a placeholder.

    Attributes:
        placeholder: The placeholder text, e.g. ``[CARD_1]``.
        kind: Entity type.
        value: The canonical real value (digits, E.164, lower-case e-mail, ISO date...).
        complete: False while a number dictated in chunks is still incomplete.
    """

    placeholder: str
    kind: EntityType
    value: str
    complete: bool


def _value_pattern(kind: EntityType, value: str) -> str:
    """A pattern that finds ``value`` however it is written (spaces, dashes, "+1")."""
    if kind in _DIGIT_KINDS:
        digits = re.sub(r"\D", "", value)
        if kind is EntityType.PHONE and value.startswith("+1") and len(digits) == 11:
            digits = digits[1:]
            prefix = r"(?:\+?1" + _SEPARATORS + ")?"
        elif value.startswith("+"):
            prefix = r"\+?"
        else:
            prefix = ""
        return r"(?<!\d)" + prefix + _SEPARATORS.join(digits) + r"(?!\d)"
    return r"\s*".join(re.escape(part) for part in value.split())


def redact_value_in_text(
    text: str, value: str, replacement: str, kind: EntityType | None = None
) -> str:
    """Replace every written occurrence of a known value, e.g. in a log line or tool result.

    Digit values match however they are grouped ("4111-1111 1111 1111"); other values match
    case-insensitively with flexible whitespace.

    Args:
        text: Text that may contain the value.
        value: The real value.
        replacement: What to put in its place, typically the placeholder.
        kind: Entity type of the value; digit types match across separators.
    """
    if not value:
        return text
    if kind is None:
        kind = EntityType.ACCOUNT if value.lstrip("+").isdigit() else EntityType.EMAIL
    return re.sub(_value_pattern(kind, value), replacement, text, flags=re.IGNORECASE)


class Vault:
    """Placeholders and the values behind them, for one call.

    The same value always gets the same placeholder, so the LLM can tell two cards apart
    and refer back to one.
    """

    def __init__(self) -> None:
        self._entries: dict[str, VaultEntry] = {}
        self._by_value: dict[tuple[EntityType, str], str] = {}
        self._counts: dict[EntityType, int] = {}
        self._known: re.Pattern[str] | None = None
        self._known_order: list[str] = []

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[VaultEntry]:
        return iter(list(self._entries.values()))

    def get(self, placeholder: str) -> VaultEntry | None:
        """The entry behind a placeholder, or None if this call never issued it.

        Args:
            placeholder: Placeholder text such as ``[CARD_1]``.
        """
        return self._entries.get(placeholder)

    def add(self, kind: EntityType, value: str, *, complete: bool = True) -> str:
        """Store a value and return its placeholder (the existing one if already stored).

        Args:
            kind: Entity type.
            value: Canonical real value.
            complete: False for the first chunk of a number still being dictated.
        """
        existing = self._by_value.get((kind, value))
        if existing is not None:
            entry = self._entries[existing]
            entry.complete = entry.complete or complete
            return existing
        count = self._counts.get(kind, 0) + 1
        self._counts[kind] = count
        placeholder = f"[{kind.value}_{count}]"
        self._entries[placeholder] = VaultEntry(placeholder, kind, value, complete)
        self._by_value[(kind, value)] = placeholder
        self._known = None
        return placeholder

    def extend(
        self, placeholder: str, value: str, *, complete: bool, unchecked: bool = False
    ) -> str:
        """Grow a partial entry as more chunks of the number arrive.

        Only a partial entry grows, and only by appending: a complete value, or a value
        that would not start with the one stored, is never changed (a security code said
        after "the card ending in 4419" must not become part of the card). Such a value
        gets an entry of its own.

        Args:
            placeholder: The partial entry's placeholder.
            value: The value so far (earlier chunks plus the new one).
            complete: Whether the value now validates as a whole number.
            unchecked: The stored value was only taken for complete, with no checksum to
                say so (an account number), and the caller is still reading it: it may
                grow too.

        Returns:
            The placeholder to use from now on: the partial's own, or an earlier one if this
            call already holds the completed value (both then restore to it), or a new one
            when the stored value may not change.
        """
        entry = self._entries[placeholder]
        if (entry.complete and not unchecked) or not _continues(entry.kind, entry.value, value):
            return self.add(entry.kind, value, complete=complete)
        self._known = None
        existing = self._by_value.get((entry.kind, value))
        if self._by_value.get((entry.kind, entry.value)) == placeholder:
            del self._by_value[(entry.kind, entry.value)]
        entry.value, entry.complete = value, complete
        if existing is not None and existing != placeholder:
            return existing
        self._by_value[(entry.kind, value)] = placeholder
        return placeholder

    def holding(self, kind: EntityType, part: str) -> str | None:
        """The placeholder of a complete value of this kind that starts or ends with
        ``part`` (four digits or more): a group of it said again ("could you repeat the
        last group?" -> "8227"), which is that value, not a new one.

        Args:
            kind: Entity type.
            part: The digits said.
        """
        digits = re.sub(r"\D", "", part)
        if len(digits) < 4:
            return None
        for entry in self._entries.values():
            if entry.kind is not kind or not entry.complete:
                continue
            whole = re.sub(r"\D", "", entry.value)
            if len(whole) > len(digits) and (whole.endswith(digits) or whole.startswith(digits)):
                return entry.placeholder
        return None

    def forget(self, placeholder: str) -> bool:
        """Drop a value for good, e.g. a security code once the card is saved (PCI DSS
        forbids keeping it after authorisation). The placeholder then speaks as "the
        security code you gave" and restores to itself.

        Args:
            placeholder: The entry's placeholder.

        Returns:
            Whether there was such an entry.
        """
        entry = self._entries.pop(placeholder, None)
        if entry is None:
            return False
        if self._by_value.get((entry.kind, entry.value)) == placeholder:
            del self._by_value[(entry.kind, entry.value)]
        self._known = None
        return True

    def restore_for_tool(self, obj: T) -> T:
        """Deep-copy ``obj`` with every placeholder replaced by its real value.

        Strings, dict keys and values, lists and tuples are walked; anything else is
        returned as is. Placeholders this call never issued are left untouched.

        Args:
            obj: Tool arguments as the LLM produced them.
        """
        return cast(T, self._restore(obj))

    def _restore(self, obj: Any) -> Any:
        if isinstance(obj, str):
            if "[" not in obj:
                return obj
            return PLACEHOLDER.sub(self._real_value, obj)
        if isinstance(obj, dict):
            return {self._restore(k): self._restore(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._restore(v) for v in obj]
        if isinstance(obj, tuple):
            return tuple(self._restore(v) for v in obj)
        return obj

    def _real_value(self, match: re.Match[str]) -> str:
        entry = self._entries.get(match.group())
        return match.group() if entry is None else entry.value

    def restore_for_speech(self, text: str, policy: RedactionPolicy) -> str:
        """Replace placeholders in text the agent will speak, revealing only what policy allows.

        ``none`` says "the card on file"; ``last4`` says "card ending in 1111" (only for
        complete digit values); ``full`` says the value, and is never honoured for card, SSN,
        account or routing numbers even if a policy object were built to ask for it.

        Args:
            text: The LLM's reply.
            policy: The tenant's redaction policy.
        """
        if "[" not in text:
            return text

        def speak(match: re.Match[str]) -> str:
            kind = EntityType(match.group("kind"))
            entry = self._entries.get(match.group())
            if entry is None:
                return _ON_FILE[kind]
            if kind in NEVER_SPOKEN:
                return _ON_FILE[kind]
            rule = policy.speech_for(kind)
            if rule is SpeechPolicy.FULL and kind not in NEVER_SPOKEN_IN_FULL and entry.complete:
                return _spoken_full(entry)
            if rule is not SpeechPolicy.NONE and kind in _DIGIT_KINDS and entry.complete:
                digits = re.sub(r"\D", "", entry.value)
                if len(digits) >= 8:
                    return _ENDING_IN[kind].format(digits[-4:])
            return _ON_FILE[kind]

        return PLACEHOLDER.sub(speak, text)

    def redact_known_values(self, text: str) -> str:
        """Replace any value this call has stored with its placeholder.

        Use on tool results before they go back to the LLM, and on anything logged.

        Args:
            text: Text that may echo a real value.
        """
        if not self._entries:
            return text
        if self._known is None:
            entries = sorted(self._entries.values(), key=lambda e: len(e.value), reverse=True)
            parts = [
                f"(?P<v{i}>{_value_pattern(e.kind, e.value)})"
                for i, e in enumerate(entries)
                if len(re.sub(r"\W", "", e.value)) >= 4
            ]
            if not parts:
                return text
            self._known = re.compile("|".join(parts), re.IGNORECASE)
            self._known_order = [e.placeholder for e in entries]
        order = self._known_order

        def swap(match: re.Match[str]) -> str:
            return order[int((match.lastgroup or "v0")[1:])]

        return self._known.sub(swap, text)


def _continues(kind: EntityType, old: str, new: str) -> bool:
    """Whether ``new`` is ``old`` with more said after it: the same characters first (a
    phone number may gain its country code in front, and a group cut off mid-way may be
    said again whole: "...2444 81" then "8123")."""
    before = re.sub(r"[^0-9A-Za-z]", "", old).upper()
    after = re.sub(r"[^0-9A-Za-z]", "", new).upper()
    if len(after) <= len(before):
        return False
    if kind is EntityType.PHONE and new.startswith("+"):
        return 0 <= after.find(before) <= 3
    return any(after.startswith(before[: len(before) - cut]) for cut in range(4))


def _spoken_full(entry: VaultEntry) -> str:
    if entry.kind is EntityType.PHONE and entry.value.startswith("+"):
        try:
            parsed = phonenumbers.parse(entry.value, None)
        except phonenumbers.NumberParseException:
            return entry.value
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return entry.value
