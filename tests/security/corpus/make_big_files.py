#!/usr/bin/env python3
"""Writes the big and special hostile files into a directory (never commit them).

    python3 make_big_files.py OUT_DIR [--mb 50]

Files (names are what tenants/cases.yaml and dispatch/cases.yaml call {BIG}/...):
  tenants_1mib_plus_1.yaml       well-formed tenants, exactly 1 MiB + 1 byte
  tenants_50mb_many.yaml         well-formed, ~50 MB of small tenants
  tenants_50mb_one_line.yaml     ~50 MB on one line (a single flow mapping)
  tenants_50mb_scalar.yaml       one ~50 MB double-quoted greeting
  tenants_deep_100k.yaml         a flow sequence 100 000 deep on line 5
  tenants_deep_block_1400.yaml   block mappings 1 400 deep by indentation (< 1 MiB)
  tenants_billion_laughs_wide.yaml  alias bomb: 10 levels x 20 aliases (2 * 10^13 leaves)
  tenants_dev_zero.yaml          symlink -> /dev/zero
  tenants_dev_urandom.yaml       symlink -> /dev/urandom
  tenants_fifo.yaml              a FIFO nobody writes to
  tenants_symlink_loop.yaml      symlink loop (-> tenants_symlink_loop_b.yaml -> back)
  tenants_unreadable.yaml        a valid file with mode 000
  dispatch_1mib_plus_1.yaml      well-formed dispatch file, 1 MiB + 1 byte, PIN 70615 near the top
  dispatch_50mb.yaml             ~50 MB of rules, every one with PIN 80917
  dispatch_deep_100k.yaml        a rule with PIN 46213 and a 100 000-deep attributes value
  dispatch_dev_zero.yaml         symlink -> /dev/zero
  dispatch_fifo.yaml             a FIFO nobody writes to

Everything is streamed to disk; memory use stays small.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

MIB = 1024 * 1024


def _write_until(path: Path, head: str, unit: str, size: int, tail: str = "") -> None:
    """head, then unit repeated until the file reaches at least `size` bytes, then tail."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(head)
        written = len(head.encode())
        i = 0
        while written < size:
            chunk = unit.format(i=i)
            f.write(chunk)
            written += len(chunk.encode())
            i += 1
        f.write(tail)


def tenants_files(out: Path, mb: int) -> None:
    head = "# red-team: a well-formed tenants file exactly one byte over 1 MiB\ndefault: acme\ntenants:\n  acme: {}\n  globex: {}\n"
    parts, count, i = [head], len(head), 0
    while True:
        line = f"  t{i:06d}: {{}}\n"
        if count + len(line) > MIB + 1 - 2:
            break
        parts.append(line)
        count += len(line)
        i += 1
    pad = MIB + 1 - count  # >= 2: close with a comment line of exactly that many bytes
    parts.append("#" + "x" * (pad - 2) + "\n")
    body = "".join(parts)
    assert len(body.encode()) == MIB + 1, len(body.encode())
    (out / "tenants_1mib_plus_1.yaml").write_text(body, encoding="utf-8")

    size = mb * 1000 * 1000
    _write_until(out / "tenants_50mb_many.yaml",
                 "# red-team: ~50 MB of well-formed tenants\ndefault: acme\ntenants:\n  acme: {}\n",
                 "  t{i:08d}:\n    greeting: \"Hello from tenant {i}, thanks for calling.\"\n", size)
    _write_until(out / "tenants_50mb_one_line.yaml",
                 "{default: acme, tenants: {acme: {}",
                 ", t{i:08d}: {{}}", size, "}}\n")
    with (out / "tenants_50mb_scalar.yaml").open("w", encoding="utf-8") as f:
        f.write("# red-team: one ~50 MB greeting\ndefault: acme\ntenants:\n  acme:\n    greeting: \"")
        block = "a" * MIB
        for _ in range(size // MIB):
            f.write(block)
        f.write("a" * (size % MIB))
        f.write("\"\n")

    n = 100_000
    (out / "tenants_deep_100k.yaml").write_text(
        "# red-team: a flow sequence 100 000 deep\ndefault: acme\ntenants:\n  acme:\n    greeting: "
        + "[" * n + "]" * n + "\n", encoding="utf-8")

    depth = 1400
    with (out / "tenants_deep_block_1400.yaml").open("w", encoding="utf-8") as f:
        f.write("# red-team: block mappings 1 400 deep by indentation\ndefault: acme\ntenants:\n  acme:\n    greeting:\n")
        for i in range(depth):
            f.write(" " * (5 + i) + "a:\n")
        f.write(" " * (5 + depth) + "x\n")
    assert (out / "tenants_deep_block_1400.yaml").stat().st_size < MIB

    lines = ["# red-team: alias bomb, 10 levels of 20 aliases", "default: acme", "l0: &l0 \"lol\""]
    for i in range(1, 11):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 20) + "]")
    lines += ["tenants:", "  acme:", "    greeting: *l10"]
    (out / "tenants_billion_laughs_wide.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    _special(out, "tenants")
    loop_a, loop_b = out / "tenants_symlink_loop.yaml", out / "tenants_symlink_loop_b.yaml"
    for p in (loop_a, loop_b):
        if p.is_symlink() or p.exists():
            p.unlink()
    loop_a.symlink_to(loop_b.name)
    loop_b.symlink_to(loop_a.name)
    unreadable = out / "tenants_unreadable.yaml"
    if unreadable.exists():
        unreadable.chmod(0o600)
    unreadable.write_text("default: acme\ntenants:\n  acme: {}\n", encoding="utf-8")
    unreadable.chmod(0o000)


def _special(out: Path, prefix: str) -> None:
    for name, target in ((f"{prefix}_dev_zero.yaml", "/dev/zero"), (f"{prefix}_dev_urandom.yaml", "/dev/urandom")):
        if prefix == "dispatch" and "urandom" in name:
            continue
        p = out / name
        if p.is_symlink() or p.exists():
            p.unlink()
        p.symlink_to(target)
    fifo = out / f"{prefix}_fifo.yaml"
    if fifo.exists() or fifo.is_symlink():
        fifo.unlink()
    os.mkfifo(fifo)


RULE = """\
  - name: rt-rule-{i:08d}
    type: direct
    room_name: partner-desk-{i:08d}
    pin: "80917"
    trunks: [rt-main]
    numbers: ["+1415555{n:04d}"]
    room_config:
      agents:
        - agent_name: callcenter
          metadata: {{tenant: acme}}
"""

DISPATCH_HEAD = """\
stack: redteam-big
inbound_trunks:
  - name: rt-main
    numbers: ["+14155550100"]
    allowed_addresses: ["192.0.2.0/24"]
outbound_trunks: []
dispatch_rules:
"""


def dispatch_files(out: Path, mb: int) -> None:
    head = ("# red-team: a well-formed dispatch file exactly one byte over 1 MiB\n" + DISPATCH_HEAD
            + "  - name: rt-pin\n    type: direct\n    room_name: partner-desk\n    pin: \"70615\"\n"
              "    trunks: [rt-main]\n    numbers: [\"+14155550100\"]\n")
    pad = MIB + 1 - len(head.encode())
    comment_lines = []
    while pad > 0:
        take = min(pad, 100)
        if take == 1:
            comment_lines.append("\n")
        else:
            comment_lines.append("#" + "x" * (take - 2) + "\n")
        pad -= take
    text = head + "".join(comment_lines)
    assert len(text.encode()) == MIB + 1
    (out / "dispatch_1mib_plus_1.yaml").write_text(text, encoding="utf-8")

    size = mb * 1000 * 1000
    with (out / "dispatch_50mb.yaml").open("w", encoding="utf-8") as f:
        f.write("# red-team: ~50 MB of dispatch rules, each with PIN 80917\n" + DISPATCH_HEAD)
        written, i = 0, 0
        while written < size:
            chunk = RULE.format(i=i, n=i % 10000)
            f.write(chunk)
            written += len(chunk)
            i += 1

    n = 100_000
    (out / "dispatch_deep_100k.yaml").write_text(
        "# red-team: a 100 000-deep value next to PIN 46213\n" + DISPATCH_HEAD
        + "  - name: rt-pin\n    type: direct\n    room_name: partner-desk\n    pin: \"46213\"\n"
          "    trunks: [rt-main]\n    numbers: [\"+14155550100\"]\n    attributes: {deep: "
        + "[" * n + "]" * n + "}\n", encoding="utf-8")
    _special(out, "dispatch")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--mb", type=int, default=50, help="size of the big files in MB (default 50)")
    args = ap.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    tenants_files(args.out_dir, args.mb)
    dispatch_files(args.out_dir, args.mb)
    for p in sorted(args.out_dir.iterdir()):
        kind = "symlink" if p.is_symlink() else ("fifo" if p.is_fifo() else f"{p.stat().st_size} bytes")
        print(f"{p.name:40s} {kind}")


if __name__ == "__main__":
    main()
