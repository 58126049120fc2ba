"""Issue 11 "Hardening": one test (or a few) per class of defect, each with a small input that
showed it. Hang tests run in a subprocess with a generous timeout and inputs that took seconds
(or forever) before the fix; nothing here asserts on timing otherwise.
"""
import os
import subprocess
import sys

import pytest

from conftest import MINI
from cityai_cli import kb

M = str(MINI)
MINI_TEXT = MINI.read_text(encoding="utf-8")
HANG_TIMEOUT = 20


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args, cwd=None, timeout=HANG_TIMEOUT, **kwargs):
    """`python -m cityai_cli ARGS` in its own process; a hang fails the test instead of the suite."""
    env = {k: v for k, v in os.environ.items() if k not in ("CITYAI_DATA", "NO_COLOR")}
    return subprocess.run([sys.executable, "-m", "cityai_cli", *args], capture_output=True, env=env,
                          cwd=cwd, timeout=timeout, **kwargs)


def assert_clean(result, code):
    assert result.returncode == code, result.stderr
    assert b"Traceback" not in result.stderr


# --- 1. hangs from small files ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # 5 KB: `[` and spaces inside a multi-line string made the header regex backtrack for over a minute.
    'title = """\n[' + " " * 3000 + '\n"""\n',
    "title = '''\n[" + " " * 3000 + "\n'''\n",
    # 20,000 unknown keys in one table: every error rescanned the table for its line.
    "[metrics.x]\n" + "".join(f"k{i} = 1\n" for i in range(20000)),
], ids=["multiline-basic", "multiline-literal", "many-unknown-keys"])
def test_line_map_is_linear(here, text):
    (here / "slow.toml").write_text(text, encoding="utf-8")
    result = run("list", "--data", "slow.toml", cwd=here)
    assert_clean(result, 1)
    assert result.stderr.startswith(b"Error: slow.toml:")


@pytest.mark.parametrize("text", [
    "[" + "a." * 100000 + "a]\nx = 1\n",
    "[[" + "a." * 100000 + "a]]\nx = 1\n",
    "x = {" + "a." * 100000 + "a = 1}\n",
    "x = { b = 1, " + "a . " * 100000 + "a = 1}\n",
], ids=["header", "array-header", "inline-table", "inline-table-spaced"])
def test_long_dotted_keys_are_refused_everywhere(here, text):
    (here / "dotted.toml").write_text("title = 'x'\n" + text, encoding="utf-8")
    result = run("list", "--data", "dotted.toml", cwd=here)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, b"", b"Error: dotted.toml:2: invalid TOML: a dotted key of more than 100 parts\n")


def test_dots_in_strings_and_numbers_are_not_key_parts(here):
    text = MINI_TEXT.replace('english = "Alpha"', 'english = "' + "." * 500 + '"\nnote = 1.5')
    (here / "dots.toml").write_text(text, encoding="utf-8")
    result = run("list", "--data", "dots.toml", cwd=here)
    assert b"dotted key" not in result.stderr


def test_line_map_skips_strings_and_arrays_and_counts_nested_arrays():
    text = ('[[a]]\nx = 1\n[[a.b]]\ny = 1\n[[a]]\n[[a.b]]\ny = 2\n[c]\nd.e = 1\n'
            'f = [\n["g"]\n]\ns = """\n[h]\nk = 1\n"""\n')
    lines = kb.LineMap(text)
    assert lines.line_of(("a", 1, "b", 0, "y")) == 7
    assert lines.line_of(("a", 0, "b", 0, "y")) == 4
    assert lines.line_of(("c", "d", "e")) == 9
    assert lines.line_of(("g",)) is None and lines.line_of(("h",)) is None
    assert lines.line_of(("c", "k")) == 8   # k is text in a string: the table's own line
