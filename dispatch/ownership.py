"""Who owns a stack, and when ``--prune`` may delete from it.

A stack name alone is not enough to tell two teams apart: two files both called
``dispatch.yaml`` without ``stack:`` both default to stack ``dispatch``, and two teams
copying ``deploy/dispatch.example.yaml`` both say ``stack: callcenter``. So:

* ``--prune`` needs ``stack:`` written in the file, and not a name a default or an
  example gives (`REFUSED_FOR_PRUNE`);
* every object the tool writes records the writing file's identity (``owner:`` from
  the file, or else a hash of the file's absolute path) and its path, and ``--prune``
  refuses while any object of the stack was last written from another identity (or
  before identities were recorded): ``sync --adopt`` from the owning file takes them
  over first, deliberately.

The plan shows, for every update and delete, which file last wrote the object.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from dispatch.canonical import ServerMetadata, Stamp
from dispatch.model import DispatchFile, default_stack

__all__ = [
    "EXAMPLE_STACKS",
    "REFUSED_FOR_PRUNE",
    "FileIdentity",
    "describe_writer",
    "identify",
    "prune_refusal",
]

EXAMPLE_STACKS = frozenset({"callcenter", "operator-example"})
"""The stacks of the files in ``deploy/`` (a test keeps this in step with them)."""

REFUSED_FOR_PRUNE = EXAMPLE_STACKS | {default_stack("dispatch.yaml"), "default", "example"}
"""Stack names many unrelated files end up with; never enough to delete by."""


@dataclass(frozen=True)
class FileIdentity:
    """The file a run acts for.

    Args:
        stack: its stack (written or defaulted).
        explicit_stack: whether ``stack:`` is written in the file.
        owner: ``owner:`` from the file, or ``path:`` and a hash of its absolute path.
        path: its absolute path.
    """

    stack: str
    explicit_stack: bool
    owner: str
    path: str

    @property
    def stamp(self) -> Stamp:
        return Stamp(self.stack, self.owner, self.path)


def identify(file: DispatchFile, path: Path) -> FileIdentity:
    """The identity of ``file`` read from ``path``."""
    absolute = str(path.expanduser().resolve())
    owner = file.owner or "path:" + hashlib.sha256(absolute.encode()).hexdigest()[:16]
    stack = file.stack or default_stack(str(path))
    return FileIdentity(stack, file.stack is not None, owner, absolute)


def describe_writer(meta: ServerMetadata) -> str:
    """ "last written by ..." for a plan line."""
    if not meta.owner:
        return "no writer recorded (written before owners were)"
    where = meta.file or "an unknown file"
    if meta.owner.startswith("path:"):
        return f"last written by {where}"
    return f"last written by {where} (owner {meta.owner})"


def prune_refusal(identity: FileIdentity) -> str | None:
    """Why ``--prune`` may not run for this file at all, or None."""
    if not identity.explicit_stack:
        return (
            f"--prune needs the stack named in the file: {identity.path} has no `stack:`, "
            f"so it defaults to {identity.stack!r}, which any other file of that name "
            "shares; add `stack: <a name only your team uses>`"
        )
    if identity.stack in REFUSED_FOR_PRUNE:
        return (
            f"--prune refuses stack {identity.stack!r}: it is a default or example name "
            "that other teams' files carry too; rename the stack (`stack:`) to one only "
            "your team uses, sync it, then prune"
        )
    return None
