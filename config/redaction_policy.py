"""What a tenant redacts and what the agent may say back: one `RedactionPolicy` per tenant.

The schema lives with the rest of the configuration (tenants and settings embed it);
the `compliance` package enforces it.
"""

from __future__ import annotations

from enum import StrEnum

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["NEVER_SPOKEN", "NEVER_SPOKEN_IN_FULL", "EntityType", "RedactionPolicy", "SpeechPolicy"]


class EntityType(StrEnum):
    """Kinds of personal data; the value is the placeholder tag (``[CARD_1]``)."""

    CARD = "CARD"
    PHONE = "PHONE"
    SSN = "SSN"
    EMAIL = "EMAIL"
    DOB = "DOB"
    ADDRESS = "ADDRESS"
    ACCOUNT = "ACCOUNT"
    ROUTING = "ROUTING"
    CVV = "CVV"
    """A card's security code (CVV/CVC): PCI DSS forbids storing it after authorisation."""
    EXPIRY = "EXPIRY"
    """A card's expiry date, said in card context."""
    PIN = "PIN"
    PASSPORT = "PASSPORT"
    LICENSE = "LICENSE"
    """A driver's licence number."""
    MEMBER = "MEMBER"
    """An insurance or Medicare member ID."""
    ID = "ID"
    """An alphanumeric customer, user or account ID after its context word."""
    NUMBER = "NUMBER"
    """A long digit string said in words with nothing to say what it is."""
    NAME = "NAME"
    """A person's name; detected only when the policy's ``detect_names`` is on."""
    NINO = "NINO"
    """A UK National Insurance number (HMRC's letter-digit shape)."""
    SIN = "SIN"
    """A Canadian Social Insurance Number (Luhn)."""
    TFN = "TFN"
    """An Australian Tax File Number (the ATO's weighted check)."""
    IBAN = "IBAN"
    """An international bank account number (ISO 13616, mod 97)."""
    NHS = "NHS"
    """An NHS number (mod 11)."""
    MEDICAL = "MEDICAL"
    """A medical record, patient, hospital or provincial health card number, by its cue."""
    POLICY = "POLICY"
    """An insurance policy number, by its cue."""
    OTP = "OTP"
    """A one-time passcode sent to the caller: authentication data."""
    PLATE = "PLATE"
    """A vehicle registration plate."""
    VIN = "VIN"
    """A vehicle identification number (ISO 3779 check digit)."""
    POSTCODE = "POSTCODE"
    """A GB or Canadian postcode (a handful of addresses each)."""
    SECRET = "SECRET"  # noqa: S105 - a placeholder tag, not a password
    """The answer to a security question: security word, password, memorable word..."""
    MAIDEN = "MAIDEN"
    """A mother's maiden name, asked or volunteered."""
    LASTFOUR = "LASTFOUR"
    """A card's last four digits said alone ("the card ending in 4 4 1 9")."""


class SpeechPolicy(StrEnum):
    """How much of a value the agent may speak back to the caller."""

    NONE = "none"
    LAST4 = "last4"
    FULL = "full"


NEVER_SPOKEN: frozenset[EntityType] = frozenset(
    {EntityType.CVV, EntityType.PIN, EntityType.OTP, EntityType.SECRET, EntityType.MAIDEN}
)
"""Not even in part, whatever a policy says: security codes, PINs, one-time codes and the
answers to security questions are authentication data."""

NEVER_SPOKEN_IN_FULL: frozenset[EntityType] = NEVER_SPOKEN | frozenset(
    {
        EntityType.CARD,
        EntityType.SSN,
        EntityType.ACCOUNT,
        EntityType.ROUTING,
        EntityType.NINO,
        EntityType.SIN,
        EntityType.TFN,
        EntityType.IBAN,
        EntityType.NHS,
    }
)
"""Spoken audio is recorded and overheard; these are never read back whole (PCI DSS, GLBA,
and the national identifiers' own rules)."""

_DEFAULT_SPEECH: dict[EntityType, SpeechPolicy] = {
    EntityType.CARD: SpeechPolicy.LAST4,
    EntityType.PHONE: SpeechPolicy.LAST4,
    EntityType.SSN: SpeechPolicy.NONE,
    EntityType.EMAIL: SpeechPolicy.NONE,
    EntityType.DOB: SpeechPolicy.NONE,
    EntityType.ADDRESS: SpeechPolicy.NONE,
    EntityType.ACCOUNT: SpeechPolicy.LAST4,
    EntityType.ROUTING: SpeechPolicy.NONE,
    EntityType.CVV: SpeechPolicy.NONE,
    EntityType.EXPIRY: SpeechPolicy.NONE,
    EntityType.PIN: SpeechPolicy.NONE,
    EntityType.PASSPORT: SpeechPolicy.NONE,
    EntityType.LICENSE: SpeechPolicy.NONE,
    EntityType.MEMBER: SpeechPolicy.NONE,
    EntityType.ID: SpeechPolicy.NONE,
    EntityType.NUMBER: SpeechPolicy.NONE,
    EntityType.NAME: SpeechPolicy.NONE,
    EntityType.NINO: SpeechPolicy.NONE,
    EntityType.SIN: SpeechPolicy.NONE,
    EntityType.TFN: SpeechPolicy.NONE,
    EntityType.IBAN: SpeechPolicy.LAST4,
    EntityType.NHS: SpeechPolicy.NONE,
    EntityType.MEDICAL: SpeechPolicy.NONE,
    EntityType.POLICY: SpeechPolicy.LAST4,
    EntityType.OTP: SpeechPolicy.NONE,
    EntityType.PLATE: SpeechPolicy.NONE,
    EntityType.VIN: SpeechPolicy.LAST4,
    EntityType.POSTCODE: SpeechPolicy.NONE,
    EntityType.SECRET: SpeechPolicy.NONE,
    EntityType.MAIDEN: SpeechPolicy.NONE,
    # The caller said only these four digits, and PCI DSS lets them be shown.
    EntityType.LASTFOUR: SpeechPolicy.FULL,
}


class RedactionPolicy(BaseModel):
    """A tenant's redaction rules; embedded in the app settings as ``compliance.redaction``.

    Every type is redacted by default (`docs/pii.md` gives each default and its reason);
    a tenant turns types off with ``disabled`` (or lists the whole set in ``enabled``)::

        redaction:
          disabled: [LASTFOUR, PLATE]   # the agent may hear a card's last four and plates
          detect_names: true

    Attributes:
        enabled: Entity types to redact. A type left out passes through to the LLM.
        disabled: Types not to redact, taken out of ``enabled``: the short way to turn one
            class off. ``LASTFOUR`` here lets a card's last four said alone ("the one
            ending in 4419") reach the LLM.
        speech: Per type, how much of a value `Vault.restore_for_speech` may reveal. Types not
            listed use the safe default (last four for card/phone/account, nothing otherwise).
        default_region: ISO 3166 region for phone numbers dictated without a country code.
        detect_names: Also redact person names ("my name is Jane Doe"). Off by default:
            many tenants want the agent to greet the caller by name.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: frozenset[EntityType] = Field(default_factory=lambda: frozenset(EntityType))
    disabled: frozenset[EntityType] = Field(default_factory=frozenset)
    speech: dict[EntityType, SpeechPolicy] = Field(default_factory=dict)
    default_region: str = "US"
    detect_names: bool = False

    @field_validator("default_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        region = value.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown phone region {value!r}")
        return region

    @model_validator(mode="after")
    def _refuse_full_readback(self) -> RedactionPolicy:
        refused = sorted(
            kind
            for kind, rule in self.speech.items()
            if rule is SpeechPolicy.FULL and kind in NEVER_SPOKEN_IN_FULL
        )
        if refused:
            raise ValueError(f"speech policy 'full' is not allowed for {', '.join(refused)}")
        return self

    def speech_for(self, kind: EntityType) -> SpeechPolicy:
        """The speech rule for one type, falling back to the safe default.

        Args:
            kind: The entity type.
        """
        return self.speech.get(kind, _DEFAULT_SPEECH[kind])

    def is_enabled(self, kind: EntityType) -> bool:
        """Whether values of this type are redacted.

        Args:
            kind: The entity type.
        """
        if kind in self.disabled:
            return False
        if kind is EntityType.NAME:
            return self.detect_names and kind in self.enabled
        return kind in self.enabled
