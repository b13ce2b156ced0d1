"""Every third-party module our packages import comes from a distribution pyproject.toml
declares: one that only arrives as another package's dependency can change or vanish
with that package's next release.

Imports are read with `ast` (top level and inside functions alike); each is traced to the
installed distribution whose files hold it (the deepest module that one owns, so
``livekit.rtc`` and ``livekit.protocol`` count as ``livekit`` and ``livekit-protocol``).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from support import ROOT

pytestmark = pytest.mark.unit

PACKAGES = ("worker", "sip", "dispatch", "compliance", "config", "sim", "bench")
_MODULE_FILE = re.compile(r"\.(py|pyi)$|\.cpython-[^/]*\.so$|\.abi3\.so$|\.so$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    """Absolute imports of modules outside ``packages`` and the standard library:
    dotted name -> files importing it. ``from a import b`` yields ``a.b`` (``b`` may
    be a submodule); the resolver below falls back to ``a`` when it is not."""
    ours = set(packages)
    found: dict[str, set[str]] = defaultdict(set)
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [f"{node.module}.{alias.name}" for alias in node.names]
                else:
                    continue
                for name in names:
                    top = name.partition(".")[0]
                    if top not in ours and top not in sys.stdlib_module_names:
                        found[name].add(str(path.relative_to(root)))
    return found


def _modules_of(dist: metadata.Distribution) -> Iterator[str]:
    for file in dist.files or ():
        text = str(file).replace("\\", "/")
        if ".." in text or not _MODULE_FILE.search(text):
            continue
        parts = text.split("/")
        parts[-1] = parts[-1].split(".", 1)[0]
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            yield ".".join(parts)


def module_owners() -> dict[str, set[str]]:
    """Dotted module name -> normalised names of the installed distributions holding it."""
    owners: dict[str, set[str]] = defaultdict(set)
    for dist in metadata.distributions():
        name = _normalise(dist.metadata["Name"])
        for module in _modules_of(dist):
            owners[module].add(name)
    return owners


def owner_of(name: str, owners: dict[str, set[str]]) -> set[str]:
    """Distributions of the deepest installed module ``name`` starts with."""
    parts = name.split(".")
    while parts:
        found = owners.get(".".join(parts))
        if found:
            return found
        parts.pop()
    return set()


def declared_distributions(pyproject: Path) -> set[str]:
    """Runtime dependencies and optional extras (the ``plot`` extra backs a lazy import)."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    return {_normalise(Requirement(text).name) for text in requirements}


def undeclared(
    imports: dict[str, set[str]], owners: dict[str, set[str]], declared: set[str]
) -> dict[str, set[str]]:
    """Import -> its distributions, for imports no declared distribution provides
    (an import no installed distribution provides is reported with an empty set)."""
    missing: dict[str, set[str]] = {}
    for name in imports:
        dists = owner_of(name, owners)
        if not dists & declared:
            missing[name] = dists
    return missing


@pytest.fixture(scope="module")
def owners() -> dict[str, set[str]]:
    return module_owners()


def test_every_imported_distribution_is_declared(owners: dict[str, set[str]]) -> None:
    imports = imported_modules(ROOT, PACKAGES)
    missing = undeclared(imports, owners, declared_distributions(ROOT / "pyproject.toml"))
    by_distribution: dict[str, set[str]] = defaultdict(set)
    for name, dists in missing.items():
        by_distribution[", ".join(sorted(dists)) or "no installed distribution"] |= imports[name]
    report = "\n".join(
        f"  {dist}: imported by {', '.join(sorted(files))}"
        for dist, files in sorted(by_distribution.items())
    )
    assert not missing, "imported but not declared in pyproject.toml:\n" + report


def test_imports_are_traced_to_the_distribution_that_holds_them(
    owners: dict[str, set[str]],
) -> None:
    """The check above sees our real imports and tells namespace packages apart."""
    imports = imported_modules(ROOT, PACKAGES)
    assert "livekit.rtc" in imports
    assert "structlog" in {name.partition(".")[0] for name in imports}
    assert owner_of("livekit.rtc", owners) == {"livekit"}
    assert owner_of("livekit.protocol.sip", owners) == {"livekit-protocol"}
    assert owner_of("livekit.agents.voice.AgentSession", owners) == {"livekit-agents"}
    assert owner_of("google.protobuf.message.Message", owners) == {"protobuf"}
    assert owner_of("yaml.safe_load", owners) == {"pyyaml"}


def test_a_transitive_only_import_is_reported(tmp_path: Path, owners: dict[str, set[str]]) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(
        "import json\nimport structlog\nfrom pkg import other\n\n\ndef f():\n    import jwt\n",
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["structlog~=26.1", "livekit-api"]\n',
        encoding="utf-8",
    )
    imports = imported_modules(tmp_path, ["pkg"])
    assert set(imports) == {"structlog", "jwt"}
    # PyJWT arrives with livekit-api; importing it still needs it declared.
    missing = undeclared(imports, owners, declared_distributions(tmp_path / "pyproject.toml"))
    assert missing == {"jwt": {"pyjwt"}}
