"""The docs promise only what the tree has.

Every path, link, ``python -m`` command (module, subcommand and options), make target
and setting that README.md, CONTRIBUTING.md, AGENTS.md, CHANGELOG.md, ``docs/*.md`` and
the READMEs under ``deploy/`` name must exist.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from support import ROOT

from bench.__main__ import _BENCHMARKS
from config import Settings, TenantSettings

pytestmark = pytest.mark.unit

DOCS = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    ROOT / "AGENTS.md",
    ROOT / "CHANGELOG.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "deploy").rglob("README.md")),
]
_IDS = [str(p.relative_to(ROOT)) for p in DOCS]

# Files of other projects the docs cite as sources (they are not in this tree).
ELSEWHERE = {
    "sip/sip.go": "livekit/protocol",
    "livekit/sip.go": "livekit/protocol",
    "livekit/sip_validation.go": "livekit/protocol",
    "livekit/types.go": "livekit/protocol",
    "pkg/stats/monitor.go": "livekit/sip",
    "pkg/sip/service.go": "livekit/sip",
    "pkg/sip/outbound.go": "livekit/sip",
    "pkg/config/config.go": "livekit/livekit, livekit/sip",
    "config-sample.yaml": "livekit/livekit",
    "pkg/service/ioservice_sip.go": "livekit/livekit",
    "pkg/service/redisstore.go": "livekit/livekit",
    "pkg/service/redisstore_sip.go": "livekit/livekit",
    "pkg/service/sip.go": "livekit/livekit",
    "livekit/api/_failover.py": "livekit-api",
    "agents/voice/turn.py": "livekit-agents",
    "agents/voice/agent_session.py": "livekit-agents",
    "voice/audio_recognition.py": "livekit-agents",
    "livekit/agents/worker.py": "livekit-agents",
}
# Files an operator writes or a command creates, named as examples.
YOURS = {
    "turns.txt",
    "call.txt",
    "dispatch.yaml",
    "tenants.yaml",
    "path/to/dispatch.yaml",
    "callcenter/dispatch.yaml",
    "callcenter/tenants.yaml",
    "deploy/compose/callcenter/tenants.yaml",
    "create.sh",
    ".cache/tools/",
}
# Where the benchmarks write: a JSON there exists once its benchmark has run.
OUTPUTS = "bench/results/"
# Names in backticks that look like settings but are not (call.summary's fields).
NOT_SETTINGS = {"latency.ttfa_content", "latency.first_sound"}
# Known stale names in pages another branch owns, reported to it (docs/flux.md: the
# setting was replaced by latency.fillers; its table must be measured again).
STALE = {"CALLCENTER_LATENCY__ACKNOWLEDGE_AFTER"}

_SPAN = re.compile(r"`([^`]+)`")
_FENCE = re.compile(r"^```[\w-]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_FILE_LIKE = re.compile(
    r"^\.?[\w.\-/]*[\w\-]+(/|\.(py|ya?ml|md|toml|json|sh|env|example|txt|go|lock))$"
)
_COMMAND = re.compile(r"python -m ([\w.]+)((?:[ \t]+[^\s`#<>;&]+)*)")
_MAKE = re.compile(r"(?:^|[\s`])make ([a-z][\w-]*)")
_ENV = re.compile(r"\bCALLCENTER_([A-Z0-9_]+)\b")


@dataclass(frozen=True)
class Doc:
    path: Path
    text: str

    @property
    def code(self) -> list[str]:
        """Inline code spans and the lines of fenced blocks (comments cut off)."""
        fenced = [
            line.split(" #", 1)[0]
            for block in _FENCE.findall(self.text)
            for line in block.splitlines()
        ]
        prose = _FENCE.sub("", self.text)
        return [*_SPAN.findall(prose), *fenced]


def _doc(path: Path) -> Doc:
    return Doc(path, path.read_text(encoding="utf-8"))


@cache
def _tracked() -> tuple[str, ...]:
    """Every file and folder in the tree (not the venv or caches), relative to ROOT."""
    skip = {".venv", ".git", ".cache", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip and d != "__pycache__"]
        relative = Path(folder).relative_to(ROOT)
        found += [(relative / d).as_posix() + "/" for d in dirs]
        found += [(relative / f).as_posix() for f in files]
    return tuple(found)


def _exists(token: str, doc: Path) -> bool:
    """At the root, beside the doc or in deploy/; else a file the sentence placed (a bare
    name, or the tail of a path, that one file in the tree ends with)."""
    token = token.rstrip(".,:")
    if any((base / token).exists() for base in (ROOT, doc.parent, ROOT / "deploy")):
        return True
    return any(p == token or p.endswith("/" + token) for p in _tracked())


# --- paths and links -------------------------------------------------------------------


@pytest.mark.parametrize("path", DOCS, ids=_IDS)
def test_every_path_named_exists(path: Path) -> None:
    doc = _doc(path)
    named = {
        token.strip()
        for code in doc.code
        for token in code.split()
        if _FILE_LIKE.match(token.strip().rstrip(".,:"))
    }
    missing = sorted(
        t
        for t in named
        if not t.startswith(("/", "~", "http", OUTPUTS))
        and t.rstrip(".,:") not in ELSEWHERE
        and t.rstrip(".,:") not in YOURS
        and not _exists(t, path)
    )
    assert missing == [], f"{doc.path.name} names paths that do not exist: {missing}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(m) for m in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}


@pytest.mark.parametrize("path", DOCS, ids=_IDS)
def test_every_link_reaches_a_file_and_its_heading(path: Path) -> None:
    broken = []
    for target in _LINK.findall(_FENCE.sub("", path.read_text(encoding="utf-8"))):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        heading_missing = bool(anchor) and linked.suffix == ".md" and linked.exists()
        if not linked.exists() or (heading_missing and anchor not in _anchors(linked)):
            broken.append(target)
    assert broken == [], f"{path.name} links to what does not exist: {broken}"


# --- commands --------------------------------------------------------------------------


def _call(main: Callable[[list[str]], Any], argv: list[str]) -> tuple[object, str]:
    """Run a command-line ``main`` in process; its exit code and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            code: object = main(argv)
        except SystemExit as done:
            code = done.code
    return code, out.getvalue()


def _entry(module: str) -> Callable[[list[str]], Any] | None:
    """The in-process ``main`` behind ``python -m module``, for asking ``SUB --help``."""
    where = {
        "bench": ("bench.__main__", "main"),
        "sim": ("sim.__main__", "main"),
        "config": ("config.__main__", "main"),
        "dispatch": ("dispatch.cli", "main"),
        "compliance": ("compliance.cli", "main"),
        "worker": ("worker.tokens.cli", "main"),
    }.get(module)
    if where is None:
        return None
    entry: Callable[[list[str]], Any] = getattr(importlib.import_module(where[0]), where[1])
    return entry


@cache
def _help(module: str, sub: str) -> str | None:
    """``python -m module sub --help``'s text, or None when there is no such subcommand."""
    if module == "worker" and sub in _framework_commands():
        return ""  # the framework's own CLI: its options are its business
    entry = _entry(module)
    assert entry is not None
    code, text = _call(entry, [sub, "--help"])
    return text if code == 0 else None


def _framework_commands() -> set[str]:
    # The worker hands these to the LiveKit Agents CLI; `_ROLES` lists the ones it checks
    # credentials for, the commands the docs may name.
    from worker.__main__ import _ROLES

    return set(_ROLES)


@dataclass(frozen=True)
class Command:
    doc: str
    module: str
    args: tuple[str, ...]


def _commands(doc: Doc) -> Iterator[Command]:
    for code in doc.code:
        for match in _COMMAND.finditer(code):
            args = match[2].replace("\\|", "|").split()
            yield Command(doc.path.name, match[1], tuple(a.rstrip("),.:") for a in args))


ALL_COMMANDS = [c for path in DOCS for c in _commands(_doc(path))]


def _is_placeholder(word: str) -> bool:
    return word.isupper() or word.startswith(("[", "<", "-", "'", '"')) or word in {"...", "X"}


@pytest.mark.parametrize("path", DOCS, ids=_IDS)
def test_every_python_m_command_names_a_real_module_subcommand_and_options(path: Path) -> None:
    wrong = []
    for command in _commands(_doc(path)):
        if command.module in {"X", "pip"}:
            continue
        if importlib.util.find_spec(command.module) is None:
            wrong.append(f"python -m {command.module}: no such module")
            continue
        if _entry(command.module) is None or not command.args:
            continue
        first = command.args[0]
        if _is_placeholder(first):
            continue
        subs = [s.strip("[]") for s in first.split("|") if s.strip("[]")]
        helps = {sub: _help(command.module, sub) for sub in subs}
        wrong += [
            f"python -m {command.module} {sub}: no such subcommand"
            for sub, text in helps.items()
            if text is None
        ]
        known = [text for text in helps.values() if text]
        if not known:
            continue
        for option in re.findall(r"--[a-z][\w-]*", " ".join(command.args[1:])):
            if not any(re.search(rf"{re.escape(option)}\b", text) for text in known):
                wrong.append(f"python -m {command.module} {first}: no option {option}")
    assert wrong == [], f"{path.name}: {sorted(set(wrong))}"


def test_the_docs_name_commands_to_check() -> None:
    modules = {c.module for c in ALL_COMMANDS}
    assert {"worker", "sim", "bench", "config", "dispatch", "compliance"} <= modules


def test_every_benchmark_the_docs_run_exists() -> None:
    named = {c.args[0] for c in ALL_COMMANDS if c.module == "bench" and c.args}
    named = {n for n in named if not _is_placeholder(n)}
    assert named, "the docs say how to run the benchmarks"
    assert sorted(named - set(_BENCHMARKS)) == []


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, re.MULTILINE))


@pytest.mark.parametrize("path", DOCS, ids=_IDS)
def test_every_make_target_named_exists(path: Path) -> None:
    doc = _doc(path)
    named = {m for code in doc.code for m in _MAKE.findall(code)}
    assert sorted(named - _make_targets()) == [], f"{path.name} names unknown make targets"


# --- settings --------------------------------------------------------------------------


def _resolve(model: type[BaseModel], parts: Sequence[str]) -> bool:
    """Whether ``parts`` name a field path in ``model`` (group, then field)."""
    field = model.model_fields.get(parts[0])
    if field is None:
        return False
    if len(parts) == 1:
        return True
    annotation = field.annotation
    return (
        isinstance(annotation, type)
        and issubclass(annotation, BaseModel)
        and _resolve(annotation, parts[1:])
    )


def _field_names(model: type[BaseModel]) -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(name)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _field_names(annotation)
    return names


_EXTENSIONS = {"json", "yaml", "yml", "py", "md", "toml", "env", "txt", "go", "sh"}
_GROUPS = {
    name
    for name, field in Settings.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
}


def _importable(dotted: str) -> bool:
    """Whether ``dotted`` is a module of ours or an attribute of one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        try:
            target: Any = importlib.import_module(name)
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


@pytest.mark.parametrize("path", DOCS, ids=_IDS)
def test_every_setting_named_exists(path: Path) -> None:
    doc = _doc(path)
    wrong = []
    for code in doc.code:
        for word in code.split():
            token = word.split("=", 1)[0].strip("()[],.:;'\"")
            if not re.fullmatch(r"[a-z_]+(?:\.[a-z_0-9]+)+", token) or token in NOT_SETTINGS:
                continue
            parts = token.split(".")
            if parts[-1] in _EXTENSIONS or parts[0] not in _GROUPS:
                continue
            if not (_resolve(Settings, parts) or _importable(token)):
                wrong.append(token)
        for name in _ENV.findall(code):
            if name.endswith("_") or f"CALLCENTER_{name}" in STALE:
                continue
            parts = [p.lower() for p in name.split("__")]
            if not _resolve(Settings, parts):
                wrong.append(f"CALLCENTER_{name}")
    assert wrong == [], f"{path.name} names settings that do not exist: {sorted(set(wrong))}"


def test_every_setting_the_latency_table_names_exists() -> None:
    """The settings column of docs/turn-taking.md's table: fields of Settings or a tenant."""
    text = (ROOT / "docs" / "turn-taking.md").read_text(encoding="utf-8")
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|") and not set(line) <= {"|", "-", " ", ":"}
    ]
    named = {
        token
        for row in rows
        if len(row) == 3
        for token in _SPAN.findall(row[1])
        if re.fullmatch(r"[a-z_]+", token)
    }
    assert len(named) > 10, "the table names its settings"
    known = _field_names(Settings) | _field_names(TenantSettings)
    assert sorted(named - known) == []


def test_the_sim_row_names_real_simulator_modules() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `sim/` |"))
    modules = [t for t in _SPAN.findall(row) if re.fullmatch(r"[a-z_]+", t)]
    assert modules, "the sim/ row names its simulator modules"
    assert [m for m in modules if not (ROOT / "sim" / f"{m}.py").exists()] == []


def test_the_readme_stays_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= 250, f"README.md has {lines} lines; move detail to docs/"
