"""The code's shape (issue 21): functions short enough to read at once, module docstrings that say
in a few lines why the module exists (longer explanations belong in docs/)."""

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "cityai_cli"
FUNCTION_MAX = 60  # lines from `def` to the function's last line (decorators not counted)
DOCSTRING_MAX = 12  # lines of a module's docstring


def long_functions(root: Path) -> list:
    """Every function and method under `root` longer than FUNCTION_MAX lines, as 'file:line name (n lines)'."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_MAX:
                    found.append(f"{path.relative_to(root).as_posix()}:{node.lineno} {node.name} ({length} lines)")
    return found


def long_docstrings(root: Path) -> list:
    """Every module under `root` whose docstring is longer than DOCSTRING_MAX lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        lines = len(docstring.splitlines())
        if lines > DOCSTRING_MAX:
            found.append(f"{path.relative_to(root).as_posix()} ({lines} lines)")
    return found


def test_no_function_is_longer_than_60_lines():
    assert long_functions(PACKAGE) == [], "split these at their natural steps"


def test_no_module_docstring_is_longer_than_12_lines():
    assert long_docstrings(PACKAGE) == [], "say why in a few lines; move the explanation to docs/"


def test_a_function_of_61_lines_is_found_and_one_of_60_is_not(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "long.py").write_text(
        "class A:\n    def method(self):\n" + "        x = 1\n" * 60 + "\n\ndef short():\n" + "    y = 2\n" * 59,
        encoding="utf-8",
    )
    (tmp_path / "nested.py").write_text(
        "def outer():\n    async def inner():\n" + "        z = 3\n" * 60, encoding="utf-8"
    )
    assert long_functions(tmp_path) == [
        "nested.py:1 outer (62 lines)",
        "nested.py:2 inner (61 lines)",
        "pkg/long.py:2 method (61 lines)",
    ]


def test_a_module_docstring_of_13_lines_is_found_and_one_of_12_is_not(tmp_path):
    (tmp_path / "long.py").write_text('"""' + "\n".join(["line"] * 13) + '"""\n', encoding="utf-8")
    (tmp_path / "short.py").write_text('"""' + "\n".join(["line"] * 12) + '"""\n', encoding="utf-8")
    assert long_docstrings(tmp_path) == ["long.py (13 lines)"]
