"""HTTP/1.1 spoken byte for byte, the way an attacker's client does: requests built from
exactly the bytes a case gives (headers no library would send, bodies of any size,
chunked or not), and every answer on the connection read back, a reset told apart from a
close."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["Answer", "Exchange", "build_request", "exchange"]

_STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3})[^\r\n]*\r?\n")
_WRITE_PIECE = 64 * 1024
_READ_LIMIT = 32 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """One HTTP response: status, headers (names lower-cased, in order), body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)


@dataclass
class Exchange:
    """What one connection got back."""

    answers: list[Answer] = field(default_factory=list)
    reset: bool = False
    """The server reset the connection (ECONNRESET/EPIPE) instead of closing it."""
    closed: bool = False
    """The server closed the connection (EOF)."""
    timed_out: bool = False
    elapsed_s: float = 0.0
    raw: bytes = b""

    @property
    def status(self) -> int | None:
        """The first answer's status; None when there was none."""
        return self.answers[0].status if self.answers else None


def build_request(
    method: str,
    path: str | bytes,
    headers: Iterable[tuple[str | bytes, str | bytes]],
    body: bytes | None,
    *,
    chunk_size: int | None = None,
) -> bytes:
    """The request's bytes: ``Host`` when the case gave none, ``Content-Length`` unless
    the body goes chunked (``chunk_size``) or there is none."""
    lines = [_bytes(method) + b" " + _bytes(path) + b" HTTP/1.1"]
    given = list(headers)
    names = {_bytes(name).lower() for name, _ in given}
    if b"host" not in names:
        lines.append(b"Host: 127.0.0.1")
    for name, value in given:
        lines.append(_bytes(name) + b": " + _bytes(value))
    payload = b""
    if body is not None:
        if chunk_size:
            lines.append(b"Transfer-Encoding: chunked")
            pieces = [body[i : i + chunk_size] for i in range(0, len(body), chunk_size)]
            payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
        else:
            if b"content-length" not in names:
                lines.append(b"Content-Length: %d" % len(body))
            payload = body
    return b"\r\n".join(lines) + b"\r\n\r\n" + payload


def _bytes(value: str | bytes) -> bytes:
    # Text as UTF-8: a header value the case wrote as text keeps its characters.
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")


def _parse(buffer: bytes, at_eof: bool, *, head: bool = False) -> tuple[list[Answer], int]:
    """Complete final answers at the start of ``buffer`` (interim 1xx ones skipped), and
    how many bytes they took; ``head``: answers to HEAD, which carry no body."""
    answers: list[Answer] = []
    offset = 0
    while True:
        match = _STATUS_LINE.match(buffer, offset)
        if match is None:
            break
        head_end = buffer.find(b"\r\n\r\n", offset)
        if head_end < 0:
            break
        head_lines = buffer[match.end() : head_end].split(b"\r\n")
        headers = []
        for line in head_lines:
            name, _, value = line.partition(b":")
            headers.append(
                (name.strip().decode("latin-1").lower(), value.strip().decode("latin-1"))
            )
        start = head_end + 4
        lookup = dict(headers)
        status = int(match.group(1))
        if head or status in (204, 304) or 100 <= status < 200:
            body, end = b"", start
        elif "content-length" in lookup:
            end = start + int(lookup["content-length"] or 0)
            if len(buffer) < end:
                break
            body = buffer[start:end]
        elif lookup.get("transfer-encoding", "").lower() == "chunked":
            decoded, end_or_none = _dechunk(buffer, start)
            if end_or_none is None:
                break
            body, end = decoded, end_or_none
        elif at_eof:
            body, end = buffer[start:], len(buffer)
        else:
            break
        if status >= 200:
            answers.append(Answer(status, headers, body))
        offset = end
    return answers, offset


def _dechunk(buffer: bytes, start: int) -> tuple[bytes, int | None]:
    body = bytearray()
    at = start
    while True:
        line_end = buffer.find(b"\r\n", at)
        if line_end < 0:
            return b"", None
        size = int(buffer[at:line_end].split(b";")[0] or b"0", 16)
        at = line_end + 2
        if size == 0:
            trailer_end = buffer.find(b"\r\n", at)
            return (bytes(body), trailer_end + 2) if trailer_end >= 0 else (b"", None)
        if len(buffer) < at + size + 2:
            return b"", None
        body += buffer[at : at + size]
        at += size + 2


async def exchange(
    host: str,
    port: int,
    request: bytes,
    *,
    source_address: str | None = None,
    answers: int = 1,
    timeout_s: float = 10.0,
) -> Exchange:
    """Send ``request`` on a new connection and read until ``answers`` responses have
    come, the server closes or resets, or ``timeout_s`` passes."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    result = Exchange()
    head = request.startswith(b"HEAD ")
    local = (source_address, 0) if source_address else None
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, local_addr=local, limit=_READ_LIMIT), timeout_s
        )
    except (ConnectionError, TimeoutError, OSError):
        result.reset = True
        result.elapsed_s = loop.time() - start
        return result

    async def send() -> None:
        # In pieces, so an early answer (413) and close does not wait for the rest.
        with contextlib.suppress(ConnectionError, OSError):
            for at in range(0, len(request), _WRITE_PIECE):
                writer.write(request[at : at + _WRITE_PIECE])
                await writer.drain()

    sending = asyncio.create_task(send())
    buffer = b""
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                try:
                    chunk = await reader.read(65536)
                except (ConnectionResetError, BrokenPipeError):
                    result.reset = True
                    break
                if not chunk:
                    result.closed = True
                    break
                buffer += chunk
                parsed, _ = _parse(buffer, at_eof=False, head=head)
                if len(parsed) >= answers:
                    break
    except TimeoutError:
        result.timed_out = True
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError, OSError):
            await sending
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()
    result.answers, _ = _parse(buffer, at_eof=result.closed, head=head)
    result.raw = buffer
    result.elapsed_s = loop.time() - start
    return result
