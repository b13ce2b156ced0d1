"""worker/ is laid out by concern: few modules at its top, each subpackage says what it
holds, and a module's folder is where a newcomer would look for it."""

from __future__ import annotations

import ast

import pytest
from support import ROOT

pytestmark = pytest.mark.unit

WORKER = ROOT / "worker"
MAX_TOP_LEVEL_MODULES = 15


def test_the_top_level_holds_at_most_fifteen_modules() -> None:
    top = sorted(p.name for p in WORKER.glob("*.py"))

    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_every_subpackage_says_what_it_holds() -> None:
    packages = [p for p in WORKER.iterdir() if p.is_dir() and p.name != "__pycache__"]

    assert packages
    for package in packages:
        init = package / "__init__.py"
        assert init.exists(), f"{package.name}/ is not a package"
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring, f"worker/{package.name}/__init__.py has no docstring"
        assert not list(package.glob("*/")) or all(
            p.name == "__pycache__" for p in package.iterdir() if p.is_dir()
        ), f"worker/{package.name}/ nests deeper than one level"
