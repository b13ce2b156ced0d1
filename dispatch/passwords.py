"""Trunk passwords and rule PINs: read from the variables the file names, compared by a
keyed hash made for this run only, never printed.

The server's List answers carry each trunk's ``auth_password`` as stored (livekit/livekit
``pkg/service/sip.go`` ``ListSIPInboundTrunk`` returns the stored message, and
``redisstore_sip.go`` stores it whole), so drift is judged against the server's real
value: `fetch_state` replaces each one with its `Fingerprints` hash at once, and the
plaintext never reaches a plan, a report or a traceback. The key lives in memory for
one run; no hash is stored anywhere, so nothing kept on the server or printed can be
tested against guesses later.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from dispatch.model import PIN_MAX_LENGTH, PIN_PATTERN, DispatchFile

__all__ = ["Fingerprints", "PasswordKey", "Secrets", "read_passwords", "read_pins", "read_secrets"]

PasswordKey = tuple[str, str]
"""``(kind, name)`` of the trunk a password belongs to."""

_PIN = re.compile(PIN_PATTERN)


class Fingerprints:
    """Keyed hashes (HMAC-SHA256) under a key made for this run."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def __repr__(self) -> str:
        return "Fingerprints(<run key>)"

    def of(self, value: str) -> str | None:
        """The value's hash, or None for "no value" (an empty password is no password)."""
        if not value:
            return None
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Secrets:
    """What the file's variables hold, for sending only.

    Args:
        passwords: ``(kind, name)`` -> trunk password.
        pins: rule name -> PIN read through ``pin_env``.
        missing: ``(section, entry, field, message)`` for every unusable variable.
    """

    passwords: dict[PasswordKey, str] = field(default_factory=dict, repr=False)
    pins: dict[str, str] = field(default_factory=dict, repr=False)
    missing: list[tuple[str, str, str, str]] = field(default_factory=list)

    def values(self) -> list[str]:
        """Every secret value, for masking output."""
        return [*self.passwords.values(), *self.pins.values()]


def read_passwords(
    file: DispatchFile, env: Mapping[str, str]
) -> tuple[dict[PasswordKey, str], list[tuple[PasswordKey, str]]]:
    """Look up every trunk's ``auth_password_env`` in ``env``.

    Args:
        file: the parsed dispatch file.
        env: the environment (the CLI passes ``os.environ``; tests pass a dict).

    Returns:
        The passwords found, and ``(trunk, variable)`` for each variable that is unset
        or empty.
    """
    found: dict[PasswordKey, str] = {}
    missing: list[tuple[PasswordKey, str]] = []
    trunks: list[tuple[str, str, str | None]] = [
        ("inbound_trunk", t.name, t.auth_password_env) for t in file.inbound_trunks
    ] + [("outbound_trunk", t.name, t.auth_password_env) for t in file.outbound_trunks]
    for kind, name, variable in trunks:
        if variable is None:
            continue
        value = env.get(variable, "")
        if value:
            found[(kind, name)] = value
        else:
            missing.append(((kind, name), variable))
    return found, missing


def read_pins(
    file: DispatchFile, env: Mapping[str, str]
) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Look up every rule's ``pin_env``; returns the PINs and ``(rule, variable,
    problem)`` for each unusable one (the problem never quotes the value)."""
    found: dict[str, str] = {}
    problems: list[tuple[str, str, str]] = []
    for rule in file.dispatch_rules:
        variable = rule.pin_env
        if variable is None:
            continue
        value = env.get(variable, "")
        if not value:
            problems.append((rule.name, variable, f"environment variable {variable} is not set"))
        elif len(value) > PIN_MAX_LENGTH or not _PIN.match(value):
            problems.append(
                (
                    rule.name,
                    variable,
                    f"environment variable {variable} does not hold a PIN (keypad digits "
                    f"0-9, * and #, at most {PIN_MAX_LENGTH}); its value is not shown",
                )
            )
        else:
            found[rule.name] = value
    return found, problems


def read_secrets(file: DispatchFile, env: Mapping[str, str]) -> Secrets:
    """Every password and PIN the file's variables hold, and what is wrong with the rest."""
    passwords, missing_passwords = read_passwords(file, env)
    pins, pin_problems = read_pins(file, env)
    missing = [
        (f"{kind}s", name, "auth_password_env", f"environment variable {variable} is not set")
        for (kind, name), variable in missing_passwords
    ]
    missing += [("dispatch_rules", name, "pin_env", text) for name, _, text in pin_problems]
    return Secrets(passwords, pins, missing)
