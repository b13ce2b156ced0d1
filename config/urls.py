"""URL settings: checked as URLs, and never shown with the credentials they may carry.

`urllib.parse` splits almost anything (``ws://[::1`` only fails when asked for its host,
port 99999 only when asked for the port), so every part is asked for here, once, at
start. A URL may carry ``user:password@`` (a proxy in front of a provider takes Basic
credentials that way); the value is kept as given, but everything that prints it, the
settings dump of ``python -m config check``, logs and errors, shows ``***@`` instead.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, PlainSerializer

__all__ = [
    "HttpUrl",
    "LiveKitUrl",
    "ProviderUrl",
    "WebSocketUrl",
    "check_url",
    "mask_url_credentials",
    "strip_userinfo",
]

_DNS_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
# scheme://userinfo@ anywhere in a text: a log line, an error, an exception message.
_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s]*@")


def mask_url_credentials(text: str) -> str:
    """``text`` with the userinfo of every URL in it replaced by ``***``."""
    return _CREDENTIALS.sub(r"\1***@", text)


def strip_userinfo(url: str) -> str:
    """``url`` without its ``user:password@`` (for URLs handed to someone else)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _valid_host(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        try:
            return ipaddress.ip_address(host[1:-1]).version == 6
        except ValueError:
            return False
    if host.replace(".", "").isdigit():
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    labels = host.rstrip(".").split(".")
    return bool(labels) and all(_DNS_LABEL.match(label) for label in labels)


def check_url(value: str, schemes: tuple[str, ...]) -> str:
    """``value`` when it is a whole URL of one of ``schemes`` (trailing ``/`` dropped).

    Raises:
        ValueError: saying what is wrong, never repeating the value (it may hold a
            password).
    """
    allowed = " or ".join(f"{scheme}://" for scheme in schemes)
    if _CONTROL.search(value):
        raise ValueError("contains spaces or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        # urllib's messages name the bad part, not the URL ("Invalid IPv6 URL",
        # "Port out of range 0-65535").
        raise ValueError(f"is not a valid URL: {error}") from None
    if parts.scheme.lower() not in schemes:
        raise ValueError(f"must be a {allowed} URL")
    host = parts.netloc.rpartition("@")[2]
    if host.startswith("["):
        host = host[: host.index("]") + 1] if "]" in host else host
    else:
        host = host.rsplit(":", 1)[0] if ":" in host else host
    if not host or not _valid_host(host):
        raise ValueError("has no valid host name or address")
    if port == 0 or (port is None and parts.netloc.endswith(":")):
        raise ValueError("has an empty or zero port")
    return value.rstrip("/")


def _checker(*schemes: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        return check_url(value, schemes)

    return check


# What `model_dump(mode="json")` (the settings `config check` prints) shows for a URL.
_MASKED = PlainSerializer(mask_url_credentials, return_type=str, when_used="json")

LiveKitUrl = Annotated[str, AfterValidator(_checker("ws", "wss", "http", "https")), _MASKED]
"""LiveKit's URL: its clients take ws(s)://, its server API http(s):// on the same host."""
WebSocketUrl = Annotated[str, AfterValidator(_checker("ws", "wss")), _MASKED]
ProviderUrl = Annotated[str, AfterValidator(_checker("http", "https", "ws", "wss")), _MASKED]
HttpUrl = Annotated[str, AfterValidator(_checker("http", "https")), _MASKED]
