"""cityai_cli/cli/params.py: parameters converted without pydantic, worded as Click words them,
on every Typer from 0.23 (Python 3.9) to the newest."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cityai_cli.cli.params import choice, describe_range, truth, usage_name, whole_number
from cityai_cli.cli.shell import Format, Level
from conftest import MINI, assert_clean_failure, run_process


@pytest.mark.parametrize(
    ("text", "low", "high", "number"),
    [("7", 1, None, 7), (" 2", 1, None, 2), ("1_0", 1, None, 10), (40, 40, 1000, 40), ("1000", 40, 1000, 1000)],
)
def test_whole_number_reads_what_int_reads(text, low, high, number):
    assert whole_number(text, low, high) == number


@pytest.mark.parametrize(
    ("text", "low", "high", "message"),
    [
        ("0", 1, None, "0 is not in the range x>=1."),
        ("-3", 1, None, "-3 is not in the range x>=1."),
        ("39", 40, 1000, "39 is not in the range 40<=x<=1000."),
        ("99999999999999999999", 40, 1000, "99999999999999999999 is not in the range 40<=x<=1000."),
        ("9", None, 5, "9 is not in the range x<=5."),
        ("abc", 1, None, "'abc' is not a valid int range."),
        ("1.5", 1, None, "'1.5' is not a valid int range."),
        ("", 1, None, "'' is not a valid int range."),
        ("abc", None, None, "'abc' is not a valid integer."),
    ],
)
def test_whole_number_refuses_as_click_does(text, low, high, message):
    with pytest.raises(ValueError) as refused:
        whole_number(text, low, high)
    assert str(refused.value) == message


def test_describe_range():
    assert (describe_range(1, None), describe_range(None, 5), describe_range(40, 1000)) == (
        "x>=1",
        "x<=5",
        "40<=x<=1000",
    )


def test_choice_matches_values_case_insensitively_only_when_asked():
    assert choice("CSV", Format, case_sensitive=False) is Format.csv
    assert choice(Format.json, Format, case_sensitive=False) is Format.json
    assert choice("city", Level, case_sensitive=True) is Level.city
    with pytest.raises(ValueError) as refused:
        choice("CITY", Level, case_sensitive=True)
    assert str(refused.value) == (
        "'CITY' is not one of 'city', 'district', 'county', 'zone', 'province', 'region', 'country', 'world', 'all'."
    )
    with pytest.raises(ValueError) as refused:
        choice("xml", Format, case_sensitive=False)
    assert str(refused.value) == "'xml' is not one of 'table', 'csv', 'json', 'markdown'."


def test_truth_reads_clicks_words():
    assert [truth(word) for word in ("1", "true", "Yes", "on", "0", "false", "N", "off", True, False)] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
        True,
        False,
    ]
    with pytest.raises(ValueError) as refused:
        truth("maybe")
    assert str(refused.value) == "'maybe' is not a valid boolean."


def test_usage_name_brackets_as_typer_before_0_29():
    assert [usage_name("PLACE...", True), usage_name("[PLACE]...", False), usage_name("FILE", False)] == [
        "{PLACE...}",
        "[PLACE]...",
        "[FILE]",
    ]


def test_the_usage_line_shows_each_metavar_once(cli):
    # Click 8.1 (Typer 0.23, Python 3.9) leaves a required argument unbraced
    assert cli("compare", "--help").stdout.splitlines()[0] in (
        "Usage: cityai compare [OPTIONS] {PLACE...}",
        "Usage: cityai compare [OPTIONS] PLACE...",
    )
    assert cli("targets", "--help").stdout.splitlines()[0] == "Usage: cityai targets [OPTIONS] [PLACE]..."
    assert cli("validate", "--help").stdout.splitlines()[0] == "Usage: cityai validate [OPTIONS] [FILE]"
    assert "<list[str]>" not in cli("compare", "--help").stdout


# Each as Typer 0.28 and cityai on newer Typer word it; then as Click 8.1 (Typer 0.23 on Python 3.9) does
@pytest.mark.parametrize(
    ("args", "messages"),
    [
        (
            ["--lang", "fr"],
            [
                "Error: Invalid value for '--lang' (env var: 'CITYAI_LANG'): 'fr' is not one of 'zh', 'en'.",
                "Error: Invalid value for '--lang': 'fr' is not one of 'zh', 'en'.",
            ],
        ),
        (
            ["-f", "xml"],
            ["Error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'csv', 'json', 'markdown'."],
        ),
        (["--top", "0"], ["Error: Invalid value for '--top': 0 is not in the range x>=1."]),
        (
            ["--top", "abc"],
            [
                "Error: Invalid value for '--top': 'abc' is not a valid int range.",
                "Error: Invalid value for '--top': 'abc' is not a valid integer range.",
            ],
        ),
    ],
)
def test_a_bad_value_is_worded_as_click_words_it(cli, args, messages):
    result = cli("rank", "--by", "企业数", "--data", str(MINI), *args)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (messages[0] if sys.version_info >= (3, 10) else messages[-1])


def test_a_warm_query_never_imports_pydantic(tmp_path: Path):
    """Typer 0.29+ would convert every parameter with a pydantic TypeAdapter (a warm run twice as
    slow); the compiled cache exists so that a query never imports pydantic."""
    script = (
        "import sys\nsys.argv = ['cityai', 'rank', '--by', '企业数', '--top', '2', '-f', 'csv', '--data', "
        f"{str(MINI)!r}, '--lang', 'en']\n"
        "from cityai_cli.cli import run_command_line\ncode = run_command_line()\n"
        "print(code, 'pydantic' in sys.modules, file=sys.stderr)\n"
    )
    env = {"CITYAI_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"}
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    warm = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert first.stderr.splitlines()[-1] == "0 True"  # the cold run validates the base with pydantic
    assert warm.stderr.splitlines()[-1] == "0 False"
    assert warm.stdout == first.stdout != ""


M = str(MINI)


PLACES = "; see cityai list --level all"


METRICS = "; see cityai metrics"


TYPES = "; see cityai types"


DATE = 'expected a date such as "2024", "2024-12" or "2024-12-31"'


@pytest.mark.parametrize(
    "args, stderr",
    [
        (["show", "Alpah"], f"Error: unknown place 'Alpah'{PLACES} (did you mean: 甲?)\n"),
        (
            ["show", "深圳"],
            "Error: 深圳 (Shenzhen) 在知识库中尚无数据; 添加一份有关文件: cityai sources add FILE --id ID"
            " --title 标题 --publisher 发布者 --published 日期 --data my.toml,"
            " 再用 cityai extract FILE --format toml 把候选数据加入 my.toml\n",
        ),
        (["show", "   "], f"Error: unknown place '   '{PLACES}\n"),
        (["compare", "甲", "深川"], f"Error: unknown place '深川'{PLACES}\n"),
        (
            ["rank", "--by", "industry_scal"],
            f"Error: unknown metric 'industry_scal'{METRICS} (did you mean: industry_scale?)\n",
        ),
        (["rank", "--by", "企业"], f"Error: unknown metric '企业'{METRICS} (did you mean: ai_enterprises?)\n"),
        (["targets", "--metric", "产值"], f"Error: unknown metric '产值'{METRICS}\n"),
        (["compare", "甲", "乙", "--metric", "产值"], f"Error: unknown metric '产值'{METRICS}\n"),
        (["subsidies", "--type", "算力卷"], f"Error: unknown subsidy type '算力卷'{TYPES} (did you mean: 算力券?)\n"),
        (["subsidies", "--type", "电费券"], f"Error: unknown subsidy type '电费券'{TYPES}\n"),
        (["funds", "--type", "电费券"], f"Error: unknown subsidy type '电费券'{TYPES}\n"),
        # --city and the place arguments take a place or a region; an unknown one is an unknown place.
        (["subsidies", "--city", "戊"], f"Error: unknown place '戊'{PLACES}\n"),
        (["subsidies", "--city", "Alpah"], f"Error: unknown place 'Alpah'{PLACES} (did you mean: 甲?)\n"),
        (["targets", "戊"], f"Error: unknown place '戊'{PLACES}\n"),
        (["conflicts", "戊"], f"Error: unknown place '戊'{PLACES}\n"),
        (["policies", "戊"], f"Error: unknown place '戊'{PLACES}\n"),
        (["list", "--region", "测去"], "Error: unknown region '测去' (did you mean: 测区?)\n"),
        (["rank", "--by", "产业规模", "--region", "测去"], "Error: unknown region '测去' (did you mean: 测区?)\n"),
        (["list", "--province", "测"], "Error: unknown province '测' (did you mean: 测省?)\n"),
        (["compare", "甲"], "Error: compare needs at least two places, e.g. cityai compare 深圳 上海\n"),
        (["compare", "甲", "Alpha"], "Error: 甲 given more than once\n"),
        (["compare", "甲", "乙", "--metric", ""], "Error: --metric needs a value, got an empty one\n"),
        (["subsidies", "--city", ""], "Error: --city needs a value, got an empty one\n"),
        (["subsidies", "--type", " "], "Error: --type needs a value, got an empty one\n"),
        (
            ["rank", "--by", "产业规模", "--chart", "--format", "csv"],
            "Error: --chart draws bars in the terminal table; it cannot be combined with --format csv\n",
        ),
        (
            ["rank", "--by", "产业规模", "--chart", "-f", "json"],
            "Error: --chart draws bars in the terminal table; it cannot be combined with --format json\n",
        ),
        (
            ["rank", "--by", "产业规模", "--targets", "--forecasts"],
            "Error: --targets and --forecasts exclude each other\n",
        ),
        (["subsidies", "--startup"], "Error: --startup/--eligible change the --spend estimate; add --spend AMOUNT\n"),
        (
            ["subsidies", "--eligible", "startup"],
            "Error: --startup/--eligible change the --spend estimate; add --spend AMOUNT\n",
        ),
        (["subsidies", "--spend", "300万", "--eligible", ""], "Error: --eligible needs a value, got an empty one\n"),
        (
            ["subsidies", "--spend", "300万", "--eligible", "veteran"],
            "Error: unknown --eligible flag 'veteran'; known flags: startup\n",
        ),
        (
            ["funds", "--spend", "300万"],
            "Error: a fund is an investment vehicle: it has no payout to estimate (--spend, --startup, --eligible)\n",
        ),
        (
            ["funds", "--eligible", "startup"],
            "Error: a fund is an investment vehicle: it has no payout to estimate (--spend, --startup, --eligible)\n",
        ),
        (["rank", "--by", "产业规模", "--as-of", "2024-13"], "Error: --as-of: '2024-13' is not a real date\n"),
        (["rank", "--by", "产业规模", "--as-of", "2024-02-30"], "Error: --as-of: '2024-02-30' is not a real date\n"),
        (["show", "甲", "--as-of", "yesterday"], f"Error: --as-of: {DATE}, got 'yesterday'\n"),
        (["compare", "甲", "乙", "--as-of", "24"], f"Error: --as-of: {DATE}, got '24'\n"),
        # each option names itself
        (["policies", "--since", "2024x"], f"Error: --since: {DATE}, got '2024x'\n"),
        (["policies", "--until", "later"], f"Error: --until: {DATE}, got 'later'\n"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_usage_errors(cli, args, stderr):
    assert_clean_failure(cli(*args, "--data", M), 2, stderr)


@pytest.mark.parametrize("width", ["1001", "1000000000", "9223372036854775807", "99999999999999999999"])
def test_a_width_beyond_the_widest_layout_is_a_usage_error(cli, here, width):
    """Rich lays out every column of the width it is given: 10**20 raised OverflowError, 10**9 hung."""
    result = cli("rank", "--by", "企业数", "-f", "table", "--width", width, "--svg", "r.svg", "--data", M)
    assert (result.code, result.stdout) == (2, "")
    assert (
        result.stderr.splitlines()[-1]
        == f"Error: Invalid value for '--width': {width} is not in the range 40<=x<=1000."
    )
    assert list(here.iterdir()) == []


def test_a_huge_terminal_width_gets_the_widest_layout(cli, here):
    widest = cli("rank", "--by", "企业数", "-f", "table", "--width", "1000", "--svg", "widest.svg", "--data", M)
    huge = cli(
        "rank",
        "--by",
        "企业数",
        "-f",
        "table",
        "--svg",
        "huge.svg",
        "--data",
        M,
        env={"COLUMNS": "99999999999999999999"},
    )
    assert (huge.code, huge.stdout, huge.stderr) == (0, widest.stdout, "")
    assert (here / "huge.svg").read_bytes() == (here / "widest.svg").read_bytes()


@pytest.mark.parametrize(
    "amount, reason",
    [
        ("abc", "expected an amount in yuan such as 300万, 3,000,000, 0.03亿 or 3e6"),
        ("-5万", "expected an amount in yuan such as 300万, 3,000,000, 0.03亿 or 3e6"),
        ("超300万", "expected an amount in yuan such as 300万, 3,000,000, 0.03亿 or 3e6"),
        ("300家", "expected an amount in yuan such as 300万, 3,000,000, 0.03亿 or 3e6"),
        ("1-2万", "expected an amount in yuan such as 300万, 3,000,000, 0.03亿 or 3e6"),
        ("", "expected an amount in yuan such as 300万, 3,000,000, 0.03亿 or 3e6"),
        ("0", "the amount must be greater than zero"),
        ("0万元", "the amount must be greater than zero"),
        ("0.001", "the amount must be from 0.01元 to 10000万亿元 (10^16)"),
        ("10000000000000001", "the amount must be from 0.01元 to 10000万亿元 (10^16)"),
        ("99999999999999999999", "the amount must be from 0.01元 to 10000万亿元 (10^16)"),
        ("1e20", "the amount must be from 0.01元 to 10000万亿元 (10^16)"),
        ("1e6万亿", "the amount must be from 0.01元 to 10000万亿元 (10^16)"),
    ],
)
def test_malformed_spend(cli, amount, reason):
    assert_clean_failure(
        cli("subsidies", f"--spend={amount}", "--data", M), 2, f"Error: invalid amount {amount!r}: {reason}\n"
    )


@pytest.mark.parametrize("top", ["0", "-1"])
def test_top_must_be_positive(cli, top):
    result = cli("rank", "--by", "产业规模", f"--top={top}", "--data", M)
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("Error: Invalid value for '--top': ")
    assert "Traceback" not in result.stderr


def test_top_must_be_a_number(cli):
    result = cli("rank", "--by", "产业规模", "--top", "three", "--data", M)
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("Error: Invalid value for '--top': ")


def test_unknown_command_and_option_exit_2(cli):
    for args in (["frobnicate"], ["list", "--colour"], ["list", "-f", "xml"]):
        result = cli(*args)
        assert result.code == 2 and result.stdout == "", args
        assert result.stderr.splitlines()[-1].startswith("Error: "), args


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("--\u202eabc", ["--\\u202eabc"]),
        ("--q\u200bq", ["--q\\u200bq"]),
        ("--\u2066x", ["--\\u2066x"]),
        ("--\x1b[31mx", ["--\\x1b[31mx", "--x"]),  # Click 8.1 (Python 3.9) strips the colour code off a pipe
    ],
)
@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])  # with ASCII Click writes bytes past the text stream
def test_a_usage_error_of_click_shows_invisible_characters_escaped(typed, shown, encoding):
    # Click escapes C0 and C1 in what it echoes, not bidi or zero-width characters
    result = run_process("list", typed, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 2
    assert result.stderr.decode("utf-8").splitlines()[-1] in [f"Error: No such option: {s}" for s in shown]


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_a_usage_error_of_click_is_cut_too(encoding):
    result = run_process("list", "--" + "a" * 20000, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 2
    line = result.stderr.decode("utf-8").splitlines()[-1]
    assert line.startswith("Error: No such option: --aaa") and len(line) < 1100 and "characters left out" in line


COMMANDS = [
    "list",
    "show",
    "compare",
    "diff",
    "rank",
    "subsidies",
    "funds",
    "targets",
    "conflicts",
    "cite",
    "policies",
    "sources",
    "metrics",
    "types",
    "extract",
    "schema",
    "validate",
]


def rows(result):
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_has_an_example_and_no_python_types(cli, command):
    out = cli(command, "--help", env={"COLUMNS": "120"}).stdout
    assert f"Example: cityai {command}" in out
    assert not re.search(r"<(list|str|int|path)|\bTEXT\b|\bINTEGER\b|\bPATH\b", out)


def test_help_lists_the_commands_queries_first_then_the_knowledge_base_ones(cli):
    # The order the command modules register them in (run.COMMAND_MODULES): users read --help top down.
    out = cli("--help", env={"COLUMNS": "120"}).stdout
    listed = re.findall(r"^  ([a-z]+) ", out.split("Commands:")[1], flags=re.M)
    assert listed == [
        "list",
        "show",
        "compare",
        "diff",
        "rank",
        "subsidies",
        "funds",
        "targets",
        "conflicts",
        "policies",
        "metrics",
        "types",
        "cite",
        "extract",
        "schema",
        "validate",
        "export",
        "sources",
    ]


def test_data_before_or_after_the_command(cli):
    before = cli("--data", M, "rank", "--by", "产业规模", "-f", "csv")
    after = cli("rank", "--by", "产业规模", "--data", M, "-f", "csv")
    assert before.code == after.code == 0 and before.stdout == after.stdout
    assert rows(before)[0]["place"] == "乙"
