"""The core states facts; what to type (a command, a flag) is the view's wording (issue 21).

Every string the core's modules hold, docstrings aside, is read from their source: none may name
a flag (`--level`) or a command (`cityai funds`). The core raises a code and parameters instead
and view/messages.py words them."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import List

import pytest

import cityai_cli

PACKAGE = Path(cityai_cli.__file__).parent
CORE = PACKAGE / "core"


@functools.lru_cache(maxsize=None)
def _commands() -> List[str]:
    import typer.main

    import cityai_cli.cli.run  # noqa: F401 - registers every command on the app
    from cityai_cli.cli import app

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def naming_the_cli(source: str, commands: List[str]) -> List[str]:
    """The strings of `source` (an f-string read with X for each field; docstrings left out)
    that name a flag or `cityai COMMAND`."""
    pattern = re.compile(r"(?<![\w-])--[a-zA-Z]|\bcityai (?:%s)\b" % "|".join(map(re.escape, commands)))
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    parts_of_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "X"
                for part in node.values
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings or id(node) in parts_of_fstrings:
                continue
            text = node.value
        else:
            continue
        if pattern.search(text):
            found.append(f"{node.lineno}: {text!r}")
    return found


def core_modules() -> List[Path]:
    return sorted(CORE.rglob("*.py"))


def test_the_scan_finds_commands_and_flags_and_skips_docstrings():
    source = '''
def f(field, place):
    """`cityai show` and --level in a docstring say how the code is used."""
    raise UsageError(f"--{field} needs a value")
    raise UsageError(f"{place} has no figure; cityai show {place} lists its facts")
    raise DataError("already exists; add --force to overwrite it")
    raise UsageError("unknown metric; see cityai metrics")
    title = "cityai knowledge base"  # not a command
    note = "a range 1-2 -- or a dash"
'''
    assert naming_the_cli(source, ["metrics", "show"]) == [
        "4: '--X needs a value'",
        "5: 'X has no figure; cityai show X lists its facts'",
        "6: 'already exists; add --force to overwrite it'",
        "7: 'unknown metric; see cityai metrics'",
    ]


def test_the_core_is_the_core_folder_and_the_package_root_holds_only_entry_points():
    names = {path.relative_to(PACKAGE).as_posix() for path in core_modules()}
    assert {"core/name_index.py", "core/base/sources.py", "core/query/compare.py", "core/extract/document.py"} <= names
    assert sorted(path.name for path in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py", "api.py"]


@pytest.mark.parametrize("path", core_modules(), ids=lambda path: path.relative_to(PACKAGE).as_posix())
def test_no_core_message_names_a_command_or_a_flag(path):
    assert naming_the_cli(path.read_text(encoding="utf-8"), _commands()) == []
