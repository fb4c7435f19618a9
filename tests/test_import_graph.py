"""The package's layering, read from the source with ``ast`` (nothing is imported).

Dependencies point one way (docs/conventions.md, DESIGN.md):

- the bottom modules (errors and the private helpers ``crmmine._*``) import nothing
  above them;
- ``crmmine.data`` uses only the bottom;
- analysis packages use ``data`` and the bottom, never the report;
- ``crmmine.report`` sits on top; only the top-level package may name it (lazily).

Imports under ``if TYPE_CHECKING:`` are ignored; imports inside functions count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "crmmine"
ANALYSIS = ("segmentation", "value", "association", "anomaly", "churn", "classification", "credit", "survey")


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("crmmine"))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target.startswith("crmmine"):
                    found.add(target)
                    for alias in child.names:  # "from crmmine import value" names a subpackage
                        candidate = f"{target}.{alias.name}"
                        if (SRC.parent / candidate.replace(".", "/")).is_dir() or (
                            SRC.parent / (candidate.replace(".", "/") + ".py")
                        ).exists():
                            found.add(candidate)
            visit(child)

    visit(tree)
    found.discard(module)
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in SRC.rglob("*.py")}


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "top"
    head = parts[1]
    if head.startswith("_") or head == "errors":
        return "bottom"
    if head == "datasets":
        return "datasets"
    return head


GRAPH = _graph()


def _violations(rule) -> list[str]:
    return sorted(f"{m} -> {t}" for m, targets in GRAPH.items() for t in targets if rule(m, t))


def test_bottom_imports_only_bottom():
    bad = _violations(lambda m, t: _layer(m) == "bottom" and _layer(t) not in ("bottom",))
    assert not bad, "bottom modules must not import upper layers:\n" + "\n".join(bad)


def test_data_hub_imports_no_analysis_package():
    bad = _violations(lambda m, t: _layer(m) == "data" and _layer(t) not in ("bottom", "data"))
    assert not bad, "crmmine.data must only use the bottom modules:\n" + "\n".join(bad)


@pytest.mark.parametrize("package", ANALYSIS)
def test_analysis_packages_do_not_import_the_report(package):
    bad = _violations(lambda m, t: _layer(m) == package and _layer(t) in ("report", "top"))
    assert not bad, f"crmmine.{package} must not import the report or the top package:\n" + "\n".join(bad)


def test_no_import_cycles():
    seen: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[str] = []

    def walk(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt not in GRAPH:
                continue
            if _layer(node) == "top" or _layer(nxt) == "top":
                continue  # the top package re-exports everything lazily
            if seen.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in seen:
                walk(nxt)
        stack.pop()
        seen[node] = 2

    for node in sorted(GRAPH):
        if node not in seen:
            walk(node)
    package_inits = [c for c in cycles if not _only_through_package_init(c)]
    assert not package_inits, "import cycles:\n" + "\n".join(package_inits)


def _only_through_package_init(cycle: str) -> bool:
    """``pkg/__init__`` re-exporting ``pkg.mod`` while ``pkg.mod`` imports ``pkg.other`` is not a cycle."""
    nodes = cycle.split(" -> ")
    return any(
        (SRC.parent / n.replace(".", "/")).is_dir() and any(o.startswith(n + ".") for o in nodes if o != n)
        for n in nodes
    )


def test_graph_is_read():
    assert "crmmine.data.summary" in GRAPH and "crmmine.errors" in GRAPH["crmmine.data.summary"]
