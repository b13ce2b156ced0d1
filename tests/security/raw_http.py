"""Raw bytes to an HTTP server and its answer: what an attacker's own client sends, with
nothing normalised by an HTTP library on the way."""

from __future__ import annotations

import asyncio
import re

_STATUS = re.compile(rb"^HTTP/1\.[01] (\d{3})")


RESET = -1
"""The status `exchange` reports when the server reset the connection."""


async def exchange(
    host: str, port: int, raw: bytes, *, local_host: str = "127.0.0.1", timeout: float = 20.0
) -> tuple[int | None, bytes]:
    """Send ``raw``, read until the server closes; the status (None if it sent no status
    line, `RESET` if it reset the connection) and everything it sent."""
    reader, writer = await asyncio.open_connection(host, port, local_addr=(local_host, 0))
    try:
        writer.write(raw)
        await writer.drain()
        async with asyncio.timeout(timeout):
            answer = await reader.read()
    except ConnectionResetError:
        return RESET, b""
    finally:
        writer.close()
    match = _STATUS.match(answer)
    return (int(match.group(1)) if match else None), answer


def post(path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    """A well-formed POST with ``body`` and ``headers`` (bytes values kept as given)."""
    lines = [f"POST {path} HTTP/1.1", "Host: tokens.test", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
