"""No import cycles among our packages.

The graph is built from the source with `ast` (nothing is imported). Imports run when
the module loads (top level, class bodies, ``if``/``try`` blocks, and ``TYPE_CHECKING``
blocks, whose cycle is a real tangle even if Python never executes it) are counted apart
from imports inside functions. A cycle among the first fails; so does a cycle that only
a function-level import closes, because a late import hides a cycle, it does not remove
it: move the shared type to its own module instead.

Importing ``a.b`` also runs ``a/__init__``; that implicit edge is left out, or every
package whose ``__init__`` re-exports its submodules would count as a cycle.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support import ROOT

pytestmark = pytest.mark.unit

PACKAGES = ("worker", "sip", "dispatch", "compliance", "config", "sim", "bench")


@dataclass
class ImportGraph:
    """Module -> imported module, split by when the import runs."""

    modules: dict[str, Path]
    root: Path
    module_level: dict[str, dict[str, int]] = field(default_factory=dict)
    """Importer -> {imported: line of the first such import}."""
    function_level: dict[str, dict[str, int]] = field(default_factory=dict)

    def edges(self, *, with_functions: bool) -> dict[str, set[str]]:
        out = {m: set(self.module_level.get(m, {})) for m in self.modules}
        if with_functions:
            for m, targets in self.function_level.items():
                out[m] |= set(targets)
        return out

    def where(self, importer: str, imported: str) -> str:
        """``path:line (kind)`` of the import, for the failure message."""
        path = self.modules[importer].relative_to(self.root)
        if imported in self.module_level.get(importer, {}):
            return f"{path}:{self.module_level[importer][imported]} (module level)"
        return f"{path}:{self.function_level[importer][imported]} (inside a function)"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return "TYPE_CHECKING" in ast.unparse(test)


class _ImportVisitor(ast.NodeVisitor):
    def __init__(self, graph: ImportGraph, module: str, is_package: bool) -> None:
        self.graph = graph
        self.module = module
        self.is_package = is_package
        self.depth = 0

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    def _add(self, names: Iterable[str], line: int) -> None:
        table = self.graph.function_level if self.depth else self.graph.module_level
        for name in names:
            target = self._ours(name)
            if target is not None and target != self.module:
                table.setdefault(self.module, {}).setdefault(target, line)

    def _ours(self, dotted: str) -> str | None:
        """The module of ours that ``dotted`` names (longest prefix), or None."""
        while dotted:
            if dotted in self.graph.modules:
                return dotted
            dotted = dotted.rpartition(".")[0]
        return None

    def visit_Import(self, node: ast.Import) -> None:
        self._add((alias.name for alias in node.names), node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module.split(".")
            if not self.is_package:
                base.pop()
            base = base[: len(base) - (node.level - 1)]
            source = ".".join([*base, *([node.module] if node.module else [])])
        else:
            source = node.module or ""
        # ``from pkg import sub`` imports the submodule; ``from mod import Name`` the module.
        names = [
            f"{source}.{alias.name}" if f"{source}.{alias.name}" in self.graph.modules else source
            for alias in node.names
        ]
        self._add(names, node.lineno)


def build_graph(root: Path, packages: Iterable[str]) -> ImportGraph:
    """The import graph of ``packages`` under ``root``."""
    modules = {
        _module_name(path, root): path
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
    }
    graph = ImportGraph(modules=modules, root=root)
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        _ImportVisitor(graph, name, path.name == "__init__.py").visit(tree)
    return graph


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a
    closed path through the component so the message reads as a chain of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def connect(start: str) -> None:
        nonlocal counter
        # Iterative, so a deep graph cannot hit the recursion limit.
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(_closed_path(sorted(component), edges))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def _closed_path(component: list[str], edges: dict[str, set[str]]) -> list[str]:
    """A shortest cycle through the component's first module (breadth-first)."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(edges[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return component


def _describe(found: list[list[str]], graph: ImportGraph) -> str:
    lines = []
    for path in found:
        lines.append(" -> ".join(path))
        lines.extend(
            f"    {graph.where(a, b)}: {a} imports {b}" for a, b in itertools.pairwise(path)
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return build_graph(ROOT, PACKAGES)


def test_no_cycle_among_module_level_imports(graph: ImportGraph) -> None:
    found = cycles(graph.edges(with_functions=False))
    assert not found, "import cycles at module level:\n" + _describe(found, graph)


def test_no_cycle_hidden_by_an_import_inside_a_function(graph: ImportGraph) -> None:
    found = cycles(graph.edges(with_functions=True))
    assert not found, (
        "import cycles closed by an import inside a function (a late import hides the "
        "cycle; move the shared type to its own module):\n" + _describe(found, graph)
    )


def test_the_graph_sees_every_package_and_both_kinds_of_import(graph: ImportGraph) -> None:
    """Guards the checks above against passing on an empty or half-read graph."""
    assert {name.partition(".")[0] for name in graph.modules} == set(PACKAGES)
    module_edges = sum(len(t) for t in graph.module_level.values())
    function_edges = sum(len(t) for t in graph.function_level.values())
    assert module_edges > 300
    assert function_edges > 10
    # Known imports of each kind, from the source as it stands.
    assert "worker.call.actions" in graph.module_level["worker.call.state"]
    assert "dispatch.diff" in graph.function_level["dispatch.cli"]
    # A relative import resolves like an absolute one.
    assert "worker.call.state" in graph.module_level["worker.call.control_tools"]


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_is_reported_with_its_imports(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.b import B\n",
            "pkg/b.py": "import typing\nif typing.TYPE_CHECKING:\n    from .c import C\n",
            "pkg/c.py": "def f():\n    from pkg import a\n",
            "pkg/d.py": "import pkg.a\n",
        },
    )
    graph = build_graph(tmp_path, ["pkg"])
    assert graph.function_level == {"pkg.c": {"pkg.a": 2}}
    # a -> b -> c at module level (TYPE_CHECKING counts); c -> a only inside a function.
    assert cycles(graph.edges(with_functions=False)) == []
    found = cycles(graph.edges(with_functions=True))
    assert found == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
    assert "pkg/c.py:2 (inside a function)" in _describe(found, graph)
    _write(tmp_path, {"pkg/c.py": "from pkg.a import A\n"})
    graph = build_graph(tmp_path, ["pkg"])
    assert cycles(graph.edges(with_functions=False)) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
