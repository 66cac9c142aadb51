"""The package's import graph has no circles (the engine, its meeting solver, the services and
the command line included). Imports inside functions count too: a circle hidden in a
function is still a circle."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "matchmaker"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The package modules this file imports, anywhere in it. `from package import name`
    counts as importing the submodule `name` where there is one, else the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the file's own package upwards
                anchor = package.split(".")
                if path.name != "__init__.py":
                    anchor = anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    found.add(submodule)
                elif base in known:
                    found.add(base)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    names = set(known)
    return {name: imports_of(path, names) - {name} for name, path in known.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_imports_it_should() -> None:
    graph = import_graph()
    assert (
        "matchmaker.optimisation.meetings.building"
        in graph["matchmaker.optimisation.meetings.explain"]
    )
    assert "matchmaker.optimisation.stopping" in graph["matchmaker.optimisation.mip"]
    assert "matchmaker.console" in graph["matchmaker.meetings_cli"]


def test_circles_are_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


def test_no_module_of_the_package_is_in_a_circle() -> None:
    assert circles(import_graph()) == []


def test_the_command_line_modules_do_not_import_each_other() -> None:
    graph = import_graph()
    assert "matchmaker.cli" not in graph["matchmaker.meetings_cli"]
    assert "matchmaker.cli" not in graph["matchmaker.users_cli"]


def test_the_result_checkers_stay_independent_of_the_engine() -> None:
    graph = import_graph()
    assert graph["matchmaker.optimisation.validate"] == set()
    assert graph["matchmaker.optimisation.result_check"] == {"matchmaker.optimisation.validate"}
    assert graph["matchmaker.optimisation.meetings.schedule_check"] == set()
