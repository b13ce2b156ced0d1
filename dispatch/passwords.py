"""Trunk passwords: read from the environment variables the file names, compared by a
keyed hash, never printed.

The hash is HMAC-SHA256 keyed with the LiveKit API secret, so the value kept in the
trunk's metadata detects a change without letting anyone who can read metadata (but
not the secret) test guesses against it. Rotating the API secret makes every password
show as changed once; the next sync rewrites them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from dispatch.model import DispatchFile

__all__ = ["PasswordKey", "fingerprint", "read_passwords"]

PasswordKey = tuple[str, str]
"""``(kind, name)`` of the trunk a password belongs to."""


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


def fingerprint(key: str, kind: str, name: str, password: str) -> str:
    """Keyed hash of one trunk's password (binds kind and name, so equal passwords on two
    trunks do not look alike)."""
    message = "\0".join(("callcenter-dispatch/v1", kind, name, password)).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
