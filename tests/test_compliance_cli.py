"""``python -m compliance redact`` as a subprocess: one line out per line in, calls reset."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit


def _run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "compliance", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_redact_keeps_state_within_a_call_and_resets_between_calls() -> None:
    transcript = (
        "my card number is 4111 1111\n"
        "1111 1111\n"
        "call me at four one five five five five one two one two\n"
        "\n"
        "1111 1111\n"
        "my card is 5555 5555 5555 4444 and 2 tickets please\n"
        "\n"
        "\n"
        "order number 48213 at 3:30\n"
    )

    done = _run("redact", stdin=transcript.encode())

    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().split("\n") == [
        "my card number is [CARD_1]",
        "[CARD_1]",
        "call me at [PHONE_1]",
        "",
        # A new call: the chunk has nothing to continue, and numbering starts again.
        "1111 1111",
        "my card is [CARD_1] and 2 tickets please",
        "",
        "",
        "order number 48213 at 3:30",
        "",
    ]


def test_exactly_one_output_line_per_input_line() -> None:
    lines = ["my social is 123-45-6789", "", "   ", "hello", "ssn 219 09 9999", ""]

    done = _run("redact", stdin=("\n".join(lines) + "\n").encode())

    out = done.stdout.decode().split("\n")[:-1]
    assert len(out) == len(lines)
    assert out == ["my social is [SSN_1]", "", "   ", "hello", "ssn [SSN_1]", ""]


def test_non_utf8_input_does_not_crash() -> None:
    done = _run("redact", stdin=b"caf\xe9 \xff card 4111111111111111\n")

    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == "caf\ufffd \ufffd card [CARD_1]\n"


def test_help_and_unknown_subcommand() -> None:
    helped = _run("--help")
    redact_help = _run("redact", "--help")
    unknown = _run("scrub")
    missing = _run()

    assert helped.returncode == 0
    assert b"redact" in helped.stdout
    assert redact_help.returncode == 0
    assert b"blank line" in redact_help.stdout
    assert unknown.returncode == 2
    assert b"invalid choice: 'scrub'" in unknown.stderr
    assert missing.returncode == 2


def test_region_option() -> None:
    done = _run("redact", "--region", "GB", stdin=b"ring me on 020 7946 0958\n")
    bad = _run("redact", "--region", "XX", stdin=b"")

    assert done.stdout.decode() == "ring me on [PHONE_1]\n"
    assert bad.returncode == 2


def test_a_bare_carriage_return_does_not_split_a_line() -> None:
    done = _run("redact", stdin=b"my card is 4111 1111\r1111 1111\r\nhello\rthere\n")

    assert done.returncode == 0, done.stderr
    # Two lines in, two lines out; the CRLF ending is kept, the bare CR stays inside.
    assert done.stdout == b"my card is [CARD_1]\nhello\rthere\n".replace(
        b"[CARD_1]\n", b"[CARD_1]\r\n"
    )


def test_an_overlong_line_is_withheld_and_the_rest_still_redacted() -> None:
    long_line = b"my card is 4111 1111 1111 1111 " + b"x" * 5000
    stdin = b"ssn 123-45-6789\n" + long_line + b"\nphone 415 555 1212\n"

    done = _run("redact", "--max-line-bytes", "4096", stdin=stdin)

    assert done.returncode == 1
    assert done.stdout.decode().split("\n") == [
        "ssn [SSN_1]",
        f"[WITHHELD: a line of {len(long_line) + 1} bytes]",
        "phone [PHONE_1]",
        "",
    ]
    assert b"line 2:" in done.stderr
    assert b"4111" not in done.stderr + done.stdout


def test_context_feeds_agent_turns_to_the_caller_turn_after() -> None:
    transcript = (
        "agent: What's the best number to reach you?\n"
        "caller: five five five, one two three, four five six seven\n"
        "agent: Thanks. And your order number?\n"
        "one two three four five six seven eight nine\n"
    )

    with_context = _run("redact", "--context", stdin=transcript.encode())
    without = _run("redact", stdin=transcript.encode())

    assert with_context.returncode == 0, with_context.stderr
    assert with_context.stdout.decode().split("\n") == [
        "agent: What's the best number to reach you?",
        "caller: [PHONE_1]",
        "agent: Thanks. And your order number?",
        # The agent asked for an order number: a long number said in words is kept.
        "one two three four five six seven eight nine",
        "",
    ]
    # Without context the agent's lines are caller turns and the order number goes.
    assert without.stdout.decode().split("\n")[3] == "[NUMBER_1]"


def test_names_and_disabled_types_from_the_command_line() -> None:
    call = (
        "agent: And your surname?\n"
        "caller: It's Walsh, W for William, A L S H.\n"
        "caller: the card ending in 4419\n"
    )

    default = _run("redact", "--context", stdin=call.encode())
    chosen = _run("redact", "--context", "--names", "--disable", "LASTFOUR", stdin=call.encode())
    bad = _run("redact", "--disable", "PLATES", stdin=b"x\n")

    assert default.stdout.decode().split("\n")[1:3] == [
        "caller: It's Walsh, W for William, A L S H.",
        "caller: the card ending in [LASTFOUR_1]",
    ]
    assert chosen.stdout.decode().split("\n")[1:3] == [
        "caller: It's [NAME_1], [NAME_1].",
        "caller: the card ending in 4419",
    ]
    assert bad.returncode == 2
    assert b"--disable" in bad.stderr
