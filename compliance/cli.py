"""``python -m compliance``: redact transcripts from the command line."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from typing import TextIO

from compliance.policy import RedactionPolicy
from compliance.redactor import CallRedactor

__all__ = ["main", "redact_stream"]


def redact_stream(source: TextIO, sink: TextIO, policy: RedactionPolicy) -> int:
    """Redact transcript turns, one per line; a blank line ends a call.

    Turns within a call share one redactor (dictation across turns, stable placeholders);
    each call starts fresh. Exactly one line is written per line read, flushed at once so
    the command works in a pipe.

    Args:
        source: Transcript lines.
        sink: Where redacted lines go.
        policy: Redaction policy for every call.

    Returns:
        The number of calls seen.
    """
    redactor = CallRedactor(policy)
    calls = 0
    in_call = False
    for raw in source:
        line = raw.rstrip("\r\n")
        if not line.strip():
            if in_call:
                redactor = CallRedactor(policy)
                in_call = False
            sink.write(line + "\n")
        else:
            if not in_call:
                calls += 1
                in_call = True
            sink.write(redactor.redact(line) + "\n")
        sink.flush()
    return calls


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m compliance", description="PII redaction tools."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    redact = commands.add_parser(
        "redact",
        help="redact transcript turns read from stdin",
        description=(
            "Read transcript turns from stdin, one per line, with a blank line between "
            "calls; write one redacted line per input line to stdout."
        ),
    )
    redact.add_argument(
        "--region", default="US", help="default phone region, ISO 3166 (default: US)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns:
        The process exit status.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        policy = RedactionPolicy(default_region=args.region)
    except ValueError as exc:
        parser.error(str(exc))
    # Transcripts come from many tools; a stray byte must not end the run.
    source = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    sink = io.TextIOWrapper(
        sys.stdout.buffer, encoding="utf-8", errors="replace", line_buffering=True
    )
    try:
        redact_stream(source, sink, policy)
    finally:
        sink.flush()
        sink.detach()
    return 0
