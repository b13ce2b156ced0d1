"""``python -m compliance``: redact transcripts from the command line."""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Sequence
from typing import BinaryIO, Final, TextIO

from compliance.redactor import CallRedactor
from config.redaction_policy import EntityType, RedactionPolicy

__all__ = ["DEFAULT_MAX_LINE_BYTES", "main", "redact_lines", "redact_stream"]

DEFAULT_MAX_LINE_BYTES: Final = 1 << 20
_SPEAKER: Final = re.compile(r"^(?P<who>agent|caller|user)\s*:\s?", re.IGNORECASE)
_READ_CHUNK: Final = 1 << 16


class _Call:
    """One call's redactor, started lazily so a run of blank lines starts nothing."""

    def __init__(self, policy: RedactionPolicy) -> None:
        self.policy = policy
        self.redactor: CallRedactor | None = None
        self.calls = 0

    def current(self) -> CallRedactor:
        if self.redactor is None:
            # Offline: whole lines are redacted (linear time), nothing is withheld.
            self.redactor = CallRedactor(self.policy, max_turn_chars=None)
            self.calls += 1
        return self.redactor

    def end(self) -> None:
        self.redactor = None


def _redact_line(line: str, call: _Call, context: bool) -> str:
    if not line.strip():
        call.end()
        return line
    redactor = call.current()
    if not context:
        return redactor.redact(line)
    speaker = _SPEAKER.match(line)
    if speaker is None:
        return redactor.redact(line)
    head, said = line[: speaker.end()], line[speaker.end() :]
    if speaker.group("who").lower() != "agent":
        return head + redactor.redact(said)
    # The agent's words are context for the caller's next turn, and may themselves read a
    # value back: they get the stateless LLM-context pass.
    redactor.agent_said(said)
    return head + redactor.redact_for_llm_context(said)


def redact_stream(
    source: TextIO, sink: TextIO, policy: RedactionPolicy, *, context: bool = False
) -> int:
    """Redact transcript turns, one per line; a blank line ends a call.

    Turns within a call share one redactor (dictation across turns, stable placeholders);
    each call starts fresh. Exactly one line is written per line read, flushed at once so
    the command works in a pipe. Lines end at "\\n" only: open ``source`` with
    ``newline="\\n"`` (a bare "\\r" inside a line stays part of it).

    Args:
        source: Transcript lines.
        sink: Where redacted lines go.
        policy: Redaction policy for every call.
        context: Lines starting "agent:" are the agent's turns: fed to the redactor as
            context for the caller's next turn (and redacted statelessly); "caller:" or
            "user:" lines and unmarked lines are the caller's.

    Returns:
        The number of calls seen.
    """
    call = _Call(policy)
    for raw in source:
        body = raw[:-1] if raw.endswith("\n") else raw
        ending = raw[len(body) :]
        if body.endswith("\r") and ending:
            body, ending = body[:-1], "\r" + ending
        sink.write(_redact_line(body, call, context) + ending)
        sink.flush()
    return call.calls


def redact_lines(
    source: BinaryIO,
    sink: BinaryIO,
    policy: RedactionPolicy,
    *,
    context: bool = False,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    errors: TextIO | None = None,
) -> int:
    """Redact a byte stream of transcript lines; see `redact_stream`.

    Defined outcomes for bad input: bytes that are not UTF-8 become U+FFFD (the rest of the
    line is still redacted); a line longer than ``max_line_bytes`` is read through without
    being held in memory and replaced by a ``[WITHHELD: ...]`` line, so the output still has
    one line per input line and nothing unredacted.

    Args:
        source: Transcript bytes.
        sink: Where redacted lines go, UTF-8.
        policy: Redaction policy for every call.
        context: Treat "agent:" lines as context (see `redact_stream`).
        max_line_bytes: The longest line redacted.
        errors: Where to report withheld lines (line numbers only, never content).

    Returns:
        The number of lines withheld for length.
    """
    call = _Call(policy)
    withheld = 0
    number = 0
    while True:
        raw = source.readline(max_line_bytes + 1)
        if not raw:
            break
        number += 1
        if not raw.endswith(b"\n") and len(raw) > max_line_bytes:
            size = len(raw) + _drain_line(source)
            withheld += 1
            if errors is not None:
                errors.write(
                    f"line {number}: {size} bytes, over the {max_line_bytes}-byte limit; withheld\n"
                )
            sink.write(f"[WITHHELD: a line of {size} bytes]\n".encode())
            sink.flush()
            continue
        body = raw[:-1] if raw.endswith(b"\n") else raw
        ending = raw[len(body) :]
        if body.endswith(b"\r") and ending:
            body, ending = body[:-1], b"\r\n"
        line = body.decode("utf-8", errors="replace")
        sink.write(_redact_line(line, call, context).encode("utf-8") + ending)
        sink.flush()
    return withheld


def _drain_line(source: BinaryIO) -> int:
    """Read to the end of the current line; returns how many bytes that was."""
    size = 0
    while True:
        chunk = source.readline(_READ_CHUNK)
        size += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return size


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m compliance", description="PII redaction tools."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    redact = commands.add_parser(
        "redact",
        help="redact transcript turns read from stdin",
        description=(
            "Read transcript turns from stdin, one per line (lines end at \\n only), with a "
            "blank line between calls; write one redacted line per input line to stdout. "
            "Bytes that are not UTF-8 become U+FFFD; a line over --max-line-bytes is "
            "replaced by a [WITHHELD: ...] line and the exit status is 1."
        ),
    )
    redact.add_argument(
        "--region", default="US", help="default phone region, ISO 3166 (default: US)"
    )
    redact.add_argument(
        "--context",
        action="store_true",
        help=(
            "lines starting 'agent:' are the agent's turns, used as context for the "
            "caller's next turn ('caller:'/'user:' or unmarked lines)"
        ),
    )
    redact.add_argument(
        "--names",
        action="store_true",
        help="also redact person names (off by default, as in a tenant's policy)",
    )
    redact.add_argument(
        "--disable",
        action="append",
        default=[],
        choices=sorted(kind.value for kind in EntityType),
        metavar="TYPE",
        help="leave this type unredacted, as a tenant's 'disabled' does (repeatable; "
        "e.g. LASTFOUR keeps a card's last four)",
    )
    redact.add_argument(
        "--max-line-bytes",
        type=int,
        default=DEFAULT_MAX_LINE_BYTES,
        help=f"longest line redacted (default: {DEFAULT_MAX_LINE_BYTES})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns:
        The process exit status: 0, or 1 if a line was withheld for length.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.max_line_bytes < 1:
        parser.error("--max-line-bytes must be at least 1")
    try:
        policy = RedactionPolicy(
            default_region=args.region,
            detect_names=args.names,
            disabled=frozenset(EntityType(kind) for kind in args.disable),
        )
    except ValueError as exc:
        parser.error(str(exc))
    errors = io.TextIOWrapper(sys.stderr.buffer, encoding="utf-8", errors="replace")
    try:
        withheld = redact_lines(
            sys.stdin.buffer,
            sys.stdout.buffer,
            policy,
            context=args.context,
            max_line_bytes=args.max_line_bytes,
            errors=errors,
        )
    finally:
        sys.stdout.buffer.flush()
        errors.flush()
        errors.detach()
    return 1 if withheld else 0
