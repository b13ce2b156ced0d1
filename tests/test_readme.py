"""The README promises only what the tree has: every path, module, setting and benchmark
its tables and commands name must exist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel
from support import ROOT

from bench.__main__ import _BENCHMARKS
from config import Settings

pytestmark = pytest.mark.unit

READMES = [ROOT / "README.md", *sorted((ROOT / "deploy").rglob("README.md"))]
_CODE = re.compile(r"`([^`]+)`")
_FILE_LIKE = re.compile(r"^[\w.\-/]+(/|\.(py|ya?ml|md|toml|json|sh|env|example))$")


def _table_rows(text: str) -> Iterator[list[str]]:
    for line in text.splitlines():
        if line.startswith("|") and not set(line) <= {"|", "-", " ", ":"}:
            yield [cell.strip() for cell in line.strip().strip("|").split("|")]


def _setting_names(model: type[BaseModel] = Settings) -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(name)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _setting_names(annotation)
    return names


def _exists(token: str, base: Path, readme: Path) -> bool:
    token = token.rstrip(".,")
    return any((where / token).exists() for where in (ROOT, base, readme.parent, ROOT / "deploy"))


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_a_table_names_exists(readme: Path) -> None:
    missing = []
    for row in _table_rows(readme.read_text(encoding="utf-8")):
        first = _CODE.findall(row[0])
        base = ROOT
        if first and first[0].endswith("/"):
            folders = [w / first[0] for w in (ROOT, readme.parent) if (w / first[0]).is_dir()]
            if folders:
                base = folders[0]
            else:
                missing.append(first[0])
        for cell in row:
            for token in _CODE.findall(cell):
                if _FILE_LIKE.match(token) and not _exists(token, base, readme):
                    missing.append(token)
    assert missing == [], f"{readme.name} names paths that do not exist: {missing}"


def test_the_sim_row_names_real_simulator_modules() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(r for r in _table_rows(text) if r[0] == "`sim/`")
    modules = [t for t in _CODE.findall(row[1]) if re.fullmatch(r"[a-z_]+", t)]
    assert modules, "the sim/ row names its simulator modules"
    assert [m for m in modules if not (ROOT / "sim" / f"{m}.py").exists()] == []


def test_every_setting_the_techniques_table_names_exists() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    known = _setting_names()
    named = {
        token
        for row in _table_rows(text)
        if len(row) == 3
        for token in _CODE.findall(row[1])
        if re.fullmatch(r"[a-z_]+", token)
    }
    assert named, "the techniques table names its settings"
    assert sorted(named - known) == []


def test_every_benchmark_the_readmes_run_exists() -> None:
    named = {
        match
        for readme in READMES
        for match in re.findall(r"python -m bench (\w+)", readme.read_text(encoding="utf-8"))
    }
    assert named, "the README says how to run the benchmarks"
    assert sorted(named - set(_BENCHMARKS)) == []
