"""cityai_cli/cli/params.py: parameters converted without pydantic, worded as Click words them,
on every Typer from 0.23 (Python 3.9) to the newest."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI

from cityai_cli.cli.params import choice, describe_range, truth, usage_name, whole_number
from cityai_cli.cli.shell import Format, Level


@pytest.mark.parametrize(("text", "low", "high", "number"), [
    ("7", 1, None, 7), (" 2", 1, None, 2), ("1_0", 1, None, 10), (40, 40, 1000, 40), ("1000", 40, 1000, 1000)])
def test_whole_number_reads_what_int_reads(text, low, high, number):
    assert whole_number(text, low, high) == number


@pytest.mark.parametrize(("text", "low", "high", "message"), [
    ("0", 1, None, "0 is not in the range x>=1."),
    ("-3", 1, None, "-3 is not in the range x>=1."),
    ("39", 40, 1000, "39 is not in the range 40<=x<=1000."),
    ("99999999999999999999", 40, 1000, "99999999999999999999 is not in the range 40<=x<=1000."),
    ("9", None, 5, "9 is not in the range x<=5."),
    ("abc", 1, None, "'abc' is not a valid int range."),
    ("1.5", 1, None, "'1.5' is not a valid int range."),
    ("", 1, None, "'' is not a valid int range."),
    ("abc", None, None, "'abc' is not a valid integer."),
])
def test_whole_number_refuses_as_click_does(text, low, high, message):
    with pytest.raises(ValueError) as refused:
        whole_number(text, low, high)
    assert str(refused.value) == message


def test_describe_range():
    assert (describe_range(1, None), describe_range(None, 5), describe_range(40, 1000)) == ("x>=1", "x<=5", "40<=x<=1000")


def test_choice_matches_values_case_insensitively_only_when_asked():
    assert choice("CSV", Format, case_sensitive=False) is Format.csv
    assert choice(Format.json, Format, case_sensitive=False) is Format.json
    assert choice("city", Level, case_sensitive=True) is Level.city
    with pytest.raises(ValueError) as refused:
        choice("CITY", Level, case_sensitive=True)
    assert str(refused.value) == ("'CITY' is not one of 'city', 'district', 'county', 'zone', 'province', 'region', "
                                  "'country', 'world', 'all'.")
    with pytest.raises(ValueError) as refused:
        choice("xml", Format, case_sensitive=False)
    assert str(refused.value) == "'xml' is not one of 'table', 'csv', 'json', 'markdown'."


def test_truth_reads_clicks_words():
    assert [truth(word) for word in ("1", "true", "Yes", "on", "0", "false", "N", "off", True, False)] == [
        True, True, True, True, False, False, False, False, True, False]
    with pytest.raises(ValueError) as refused:
        truth("maybe")
    assert str(refused.value) == "'maybe' is not a valid boolean."


def test_usage_name_brackets_as_typer_before_0_29():
    assert [usage_name("PLACE...", True), usage_name("[PLACE]...", False), usage_name("FILE", False)] == [
        "{PLACE...}", "[PLACE]...", "[FILE]"]


def test_the_usage_line_shows_each_metavar_once(cli):
    # Click 8.1 (Typer 0.23, Python 3.9) leaves a required argument unbraced
    assert cli("compare", "--help").stdout.splitlines()[0] in (
        "Usage: cityai compare [OPTIONS] {PLACE...}", "Usage: cityai compare [OPTIONS] PLACE...")
    assert cli("targets", "--help").stdout.splitlines()[0] == "Usage: cityai targets [OPTIONS] [PLACE]..."
    assert cli("validate", "--help").stdout.splitlines()[0] == "Usage: cityai validate [OPTIONS] [FILE]"
    assert "<list[str]>" not in cli("compare", "--help").stdout


# Each as Typer 0.28 and cityai on newer Typer word it; then as Click 8.1 (Typer 0.23 on Python 3.9) does
@pytest.mark.parametrize(("args", "messages"), [
    (["--lang", "fr"], ["Error: Invalid value for '--lang' (env var: 'CITYAI_LANG'): 'fr' is not one of 'zh', 'en'.",
                        "Error: Invalid value for '--lang': 'fr' is not one of 'zh', 'en'."]),
    (["-f", "xml"], ["Error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'csv', 'json', "
                     "'markdown'."]),
    (["--top", "0"], ["Error: Invalid value for '--top': 0 is not in the range x>=1."]),
    (["--top", "abc"], ["Error: Invalid value for '--top': 'abc' is not a valid int range.",
                        "Error: Invalid value for '--top': 'abc' is not a valid integer range."]),
])
def test_a_bad_value_is_worded_as_click_words_it(cli, args, messages):
    result = cli("rank", "--by", "企业数", "--data", str(MINI), *args)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (messages[0] if sys.version_info >= (3, 10) else messages[-1])


def test_a_warm_query_never_imports_pydantic(tmp_path: Path):
    """Typer 0.29+ would convert every parameter with a pydantic TypeAdapter (a warm run twice as
    slow); the compiled cache exists so that a query never imports pydantic."""
    script = ("import sys\nsys.argv = ['cityai', 'rank', '--by', '企业数', '--top', '2', '-f', 'csv', '--data', "
              f"{str(MINI)!r}, '--lang', 'en']\n"
              "from cityai_cli.cli import run_command_line\ncode = run_command_line()\n"
              "print(code, 'pydantic' in sys.modules, file=sys.stderr)\n")
    env = {"CITYAI_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"}
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    warm = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert first.stderr.splitlines()[-1] == "0 True"  # the cold run validates the base with pydantic
    assert warm.stderr.splitlines()[-1] == "0 False"
    assert warm.stdout == first.stdout != ""
