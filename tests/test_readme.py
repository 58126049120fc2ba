"""Every `$ cityai …` example in the README is run and its output compared (sqlite-utils style).

After a data change, regenerate the outputs with:  CITYAI_UPDATE_README=1 pytest tests/test_readme.py
"""
import os
import re
import shlex

import pytest

from conftest import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n\$ (cityai [^\n]*)\n(.*?)```", re.S)
ENV = {"COLUMNS": "100"}


def examples():
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def output_of(cli, command: str) -> str:
    result = cli(*shlex.split(command)[1:], env=ENV)
    return tidy(result.stdout + result.stderr)


def tidy(text: str) -> str:
    """Tables pad lines with spaces; Markdown editors strip them. Compare without."""
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def test_readme_has_examples_of_every_command():
    commands = {shlex.split(command)[1] for command, _ in examples()}
    assert commands >= {"list", "show", "compare", "rank", "subsidies", "funds", "targets", "conflicts", "cite",
                        "policies", "metrics", "types", "sources", "validate"}


@pytest.mark.parametrize("command, expected", examples(), ids=[c for c, _ in examples()])
def test_readme_example(cli, command, expected):
    if os.environ.get("CITYAI_UPDATE_README"):
        pytest.skip("regenerating")
    assert output_of(cli, command) == tidy(expected)


def test_regenerate_readme(cli):
    if not os.environ.get("CITYAI_UPDATE_README"):
        pytest.skip("set CITYAI_UPDATE_README=1 to rewrite the README's example outputs")
    text = README.read_text(encoding="utf-8")
    text = BLOCK.sub(lambda m: f"```console\n$ {m.group(1)}\n{output_of(cli, m.group(1))}\n```", text)
    README.write_text(text, encoding="utf-8")


def test_readme_extraction_table_is_what_the_benchmark_prints():
    import subprocess
    import sys
    text = README.read_text(encoding="utf-8")
    shown = re.search(r"<!-- extract-quality[^\n]*\n```text\n(.*?)\n```", text, re.S)
    assert shown, "the README has no extraction-quality table"
    printed = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "extract_quality.py")], capture_output=True,
                             text=True, encoding="utf-8", check=True).stdout
    assert tidy(printed) == tidy(shown.group(1))
