"""The layers, checked over every import in the package (module level and inside functions):
the core imports no Typer, Rich, Click, view or cli; view imports no render or cli; render no cli;
no two modules import each other, directly or around a cycle (an import inside a function
counts too); an import inside a function says why it is deferred (`# lazy: …`); and no two
modules share a name."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

from conftest import ROOT

PACKAGE = ROOT / "cityai_cli"
FORBIDDEN = {
    "cityai_cli.core": ("typer", "rich", "click", "cityai_cli.view", "cityai_cli.render", "cityai_cli.cli"),
    "cityai_cli.view": ("typer", "rich", "click", "cityai_cli.render", "cityai_cli.cli"),
    "cityai_cli.render": ("typer", "click", "cityai_cli.cli"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> List[Tuple[str, int, bool]]:
    """(module imported, line, inside a function) for each import in `path`, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found: List[Tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                for alias in child.names:  # `from . import x` imports the module x when there is one
                    sub = f"{target}.{alias.name}"
                    found.append((sub if _is_module(sub) else target, child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return found


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH: Dict[str, Set[str]] = {
    name: {target for target, _, _ in imports_of(path) if target in MODULES and target != name}
    for name, path in MODULES.items()
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer):
    bad = [
        f"{name}:{line} imports {target}"
        for name, path in MODULES.items()
        if name == layer or name.startswith(layer + ".")
        for target, line, _ in imports_of(path)
        if any(target == f or target.startswith(f + ".") for f in FORBIDDEN[layer])
    ]
    assert bad == []


def test_no_import_cycles():
    # Tarjan's strongly connected components; a package importing its own submodules is not a cycle.
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    cycles: List[List[str]] = []

    def edges(name: str) -> Set[str]:
        return {t for t in GRAPH[name] if not t.startswith(name + ".")}

    def connect(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for target in edges(name):
            if target not in index:
                connect(target)
                low[name] = min(low[name], low[target])
            elif target in stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == name:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            connect(name)
    assert cycles == []


def test_an_import_inside_a_function_says_why_it_is_deferred():
    undeclared = []
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for target, line, in_function in imports_of(path):
            if in_function and not _declared_lazy(lines, line - 1):
                undeclared.append(f"{name}:{line} {target}")
    assert undeclared == []


def _declared_lazy(lines: List[str], index: int) -> bool:
    """The import on line `index` (0-based) or the comment above its block of imports says `lazy`."""
    if "lazy" in lines[index]:
        return True
    while index > 0 and lines[index - 1].strip().startswith(("from ", "import ", "try:")):
        index -= 1
    return index > 0 and lines[index - 1].strip().startswith("#") and "lazy" in lines[index - 1]


def test_a_lazy_import_is_declared_on_its_line_or_above_its_block():
    lines = ["def f():", "    # lazy: start-up", "    import a", "    from b import c", "    x = 1", "    import d"]
    assert [_declared_lazy(lines, i) for i in (2, 3, 5)] == [True, True, False]


def test_the_checks_see_a_cycle_and_a_forbidden_import(tmp_path, monkeypatch):
    # The walk itself: a relative import inside a function is found and resolved.
    package = tmp_path / "cityai_cli" / "core"
    package.mkdir(parents=True)
    (tmp_path / "cityai_cli" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from . import b\n    import rich\n")
    (package / "b.py").write_text("from .a import f\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = imports_of(package / "a.py")
    assert found == [("cityai_cli.core.b", 2, True), ("rich", 3, True)]
    assert imports_of(package / "b.py") == [("cityai_cli.core.a", 1, False)]


def test_no_two_modules_share_a_name():
    names = [path.name for path in PACKAGE.rglob("*.py") if path.name != "__init__.py"]
    assert sorted(name for name in set(names) if names.count(name) > 1) == []
