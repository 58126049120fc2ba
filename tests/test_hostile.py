"""Issue "Hostile and broken input": bad files, bad arguments, injection, odd environments.

Every failure is a message and an exit code (1: data/environment, 2: command line), never a
traceback.
"""
import csv
import errno
import io
import json
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import MINI, run_process
from cityai_cli.core.base import reading as kb

M = str(MINI)


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Work in a temporary directory so that file names in messages are short and exact."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_base(here, name: str, text: str) -> None:
    """A base in `here`, with the documents the bases of these tests quote in its seeds/ (every
    command refuses a base whose quotes are not in their documents)."""
    (here / name).write_text(text, encoding="utf-8")
    (here / "seeds").mkdir(exist_ok=True)
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    (here / "seeds" / "hostile.txt").write_text(HOSTILE_DOCUMENT, encoding="utf-8")


# What the injection bases below quote: markup, formulas and HTML, verbatim.
HOSTILE_DOCUMENT = "+回车2800家\n-2\n<img src=x onerror=alert(1)> 2800家\n[bold]q[/bold]\n"


def assert_clean_failure(result, code, stderr):
    assert (result.code, result.stdout, result.stderr) == (code, "", stderr)


# --- the data file -----------------------------------------------------------------------------

def test_missing_file(cli, here):
    assert_clean_failure(cli("list", "--data", "nope.toml"), 1, "Error: nope.toml: no such file\n")


def test_directory(cli, here):
    (here / "adir").mkdir()
    assert_clean_failure(cli("list", "--data", "adir"), 1, "Error: adir: is a directory without *.toml knowledge-base files\n")


def test_a_directory_base_reports_every_toml_entry_it_cannot_read(cli, here):
    """A *.toml entry of a directory is part of the base whatever it is: one that is not a regular
    file after following links is named with the reason it would have given alone as --data."""
    (here / "kb").mkdir()
    (here / "kb" / "a.toml").write_bytes(MINI.read_bytes())
    os.symlink("y.toml", here / "kb" / "x.toml")
    os.symlink("x.toml", here / "kb" / "y.toml")
    os.symlink(os.devnull, here / "kb" / "z.toml")
    os.symlink("nowhere.toml", here / "kb" / "w.toml")
    (here / "kb" / "d.toml").mkdir()
    os.symlink("user@host.1234", here / "kb" / ".#a.toml")  # hidden, not part of the base: an editor's lock
    (here / "kb" / "._a.toml").write_bytes(b"\x00\x05\x16\x07")  # and macOS metadata on a copied drive
    loop = os.strerror(errno.ELOOP)
    problems = ["kb/d.toml: is a directory, not a knowledge-base file", "kb/w.toml: no such file",
                f"kb/x.toml: cannot read: {loop}", f"kb/y.toml: cannot read: {loop}", "kb/z.toml: is not a regular file"]
    expected = "".join(f"Error: {problem}\n" for problem in problems)
    assert_clean_failure(cli("list", "--data", "kb"), 1, expected)
    assert_clean_failure(cli("list", "--data", M, "--with", "kb"), 1, expected)
    result = cli("validate", "kb")
    assert (result.code, result.stdout) == (1, "".join(f"{problem}\n" for problem in problems) + "kb: 5 problems\n")


def test_a_directory_that_cannot_be_listed_is_a_data_error(here, monkeypatch):
    # as root no mode makes a directory unlistable: the refusal is simulated
    from pathlib import Path

    from cityai_cli.core.errors import DataError
    from cityai_cli.core.base.paths import data_files

    def refuse(self):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    (here / "kb").mkdir()
    monkeypatch.setattr(Path, "iterdir", refuse)
    with pytest.raises(DataError) as raised:
        data_files(Path("kb"))
    assert str(raised.value) == f"kb: cannot list: {os.strerror(errno.EACCES)}"


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_empty_file(cli, here, content):
    (here / "empty.toml").write_bytes(content)
    assert_clean_failure(cli("list", "--data", "empty.toml"), 1,
                         "Error: empty.toml: is empty; expected a TOML knowledge base\n")


NO_METRIC = ("metrics: a knowledge base declares at least one metric "
             "([metrics.KEY] with zh, en, dimension, unit and scopes)")


@pytest.mark.parametrize("text", ["# nothing here\n", "schema_version = 2\n"])
def test_a_base_without_metrics_is_refused(cli, here, text):
    (here / "c.toml").write_text(text, encoding="utf-8")
    assert_clean_failure(cli("list", "--data", "c.toml"), 1, f"Error: c.toml: {NO_METRIC}\n")
    result = cli("validate", "c.toml")
    assert (result.code, result.stdout, result.stderr) == (1, f"c.toml: {NO_METRIC}\nc.toml: 1 problem\n", "")


def test_a_schema_1_base_is_refused(cli, here):
    (here / "old.toml").write_text("schema_version = 1\n", encoding="utf-8")
    assert_clean_failure(cli("list", "--data", "old.toml"), 1,
                         "Error: old.toml:1: schema_version: Input should be 2 (got 1)\n")


def test_not_utf8_names_line_and_column(cli, here):
    (here / "latin.toml").write_bytes('schema_version = 2\ntitle = "ab\xffc"\n'.encode("latin-1"))
    assert_clean_failure(cli("list", "--data", "latin.toml"), 1, "Error: latin.toml:2:12: is not UTF-8 (byte 0xff)\n")


def test_utf16_is_not_utf8(cli, here):
    (here / "u16.toml").write_bytes(MINI.read_text(encoding="utf-8").encode("utf-16"))
    assert_clean_failure(cli("list", "--data", "u16.toml"), 1, "Error: u16.toml:1:1: is not UTF-8 (byte 0xff)\n")


def test_utf8_bom_is_accepted(cli, here):
    write_base(here, "bom.toml", "")
    (here / "bom.toml").write_bytes(b"\xef\xbb\xbf" + MINI.read_bytes())
    assert cli("list", "--data", "bom.toml", "-f", "csv").stdout == cli("list", "--data", M, "-f", "csv").stdout


def test_nul_byte(cli, here):
    (here / "nul.toml").write_bytes(b'title = "a\x00b"\n')
    assert_clean_failure(cli("list", "--data", "nul.toml"), 1,
                         "Error: nul.toml:1:11: invalid TOML: Illegal character '\\x00'\n")


def test_too_big_is_refused_before_reading(cli, here, monkeypatch):
    (here / "big.toml").write_bytes(MINI.read_bytes())
    size = MINI.stat().st_size
    monkeypatch.setattr(kb, "MAX_BYTES", size - 1)

    def no_reading(self):
        raise AssertionError(f"{self} was read although it is too big")
    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    assert_clean_failure(cli("list", "--data", "big.toml"), 1,
                         f"Error: big.toml: is {size:,} bytes; a knowledge base may be at most {size - 1:,} bytes\n")


def test_exactly_max_bytes_is_accepted(cli, here, monkeypatch):
    monkeypatch.setattr(kb, "MAX_BYTES", MINI.stat().st_size)
    assert cli("list", "--data", M, "-f", "csv").code == 0


def test_real_limit_is_four_mebibytes():
    assert kb.MAX_BYTES == 4 * 1024 * 1024


@pytest.mark.parametrize("text", [
    "x = " + "[" * 100000 + "]" * 100000,
    "x = " + "{a=" * 50000 + "1" + "}" * 50000,
], ids=["arrays", "inline-tables"])
def test_absurd_nesting(cli, here, text):
    (here / "deep.toml").write_text(text, encoding="utf-8")
    assert_clean_failure(cli("list", "--data", "deep.toml"), 1, "Error: deep.toml: invalid TOML: nested too deeply\n")


def test_absurd_nesting_in_a_subprocess(here):
    (here / "deep.toml").write_text("x = " + "[" * 100000 + "]" * 100000, encoding="utf-8")
    result = run_process("list", "--data", "deep.toml", cwd=here)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, b"", b"Error: deep.toml: invalid TOML: nested too deeply\n")


def test_long_dotted_key_is_refused(cli, here):
    # tomllib needs time and memory quadratic in a dotted key's length: 100,000 parts would take
    # gigabytes. Found by this suite; kb.parse_toml refuses such keys before parsing.
    (here / "dotted.toml").write_text("title = 'x'\n" + "a" + ".a" * 100000 + " = 1\n", encoding="utf-8")
    assert_clean_failure(cli("list", "--data", "dotted.toml"), 1,
                         "Error: dotted.toml:2: invalid TOML: a dotted key of more than 100 parts\n")


def test_dotted_key_of_reasonable_length_is_parsed(cli, here):
    (here / "dotted.toml").write_text("a" + ".a" * 99 + " = 1\n", encoding="utf-8")
    result = cli("list", "--data", "dotted.toml")
    assert result.code == 1
    assert "Error: dotted.toml: a: unknown field (a typo? see the README for the fields each table takes)" \
        in result.stderr.splitlines()


# Pythons with the integer-string limit (3.11+, 3.9.14+, 3.10.7+) refuse int() of more than 4300
# digits with a ValueError (a traceback before the fix), worded differently in each version.
INT_LIMIT = hasattr(sys, "get_int_max_str_digits")


def test_integer_too_long_for_python(cli, here):
    (here / "bigint.toml").write_text("a = 1\nx = 1" + "0" * 5000 + "\n", encoding="utf-8")
    result = cli("list", "--data", "bigint.toml")
    assert result.code == 1 and result.stdout == ""
    if INT_LIMIT:
        assert result.stderr == "Error: bigint.toml:2:5: invalid TOML: an integer of more than 4300 digits\n"
    else:
        assert result.stderr.startswith("Error: bigint.toml: a: unknown field")


def test_hex_integer_too_long_to_show(cli, here):
    text = MINI.read_text(encoding="utf-8").replace('level = "district"', "level = 0x" + "f" * 5000)
    (here / "hex.toml").write_text(text, encoding="utf-8")
    result = cli("list", "--data", "hex.toml")
    assert result.code == 1 and result.stdout == ""
    shown = "an integer too long to show" if INT_LIMIT else None
    assert result.stderr.startswith("Error: hex.toml:198: places.丙.level: Input should be 'city', ")
    if shown:
        assert result.stderr.endswith(f"(got {shown})\n")


def test_permission_denied(cli, here, monkeypatch):
    real_open = os.open

    def denied(path, *args, **kwargs):
        if str(path) == M:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", denied)   # kb.safe_read opens with os.open (O_NONBLOCK)
    assert_clean_failure(cli("list", "--data", M), 1, f"Error: {M}: permission denied\n")


def test_other_read_error(cli, here, monkeypatch):
    # A cold run: a warm one reads each file's status, not its bytes (fingerprint.py)
    monkeypatch.setenv("CITYAI_CACHE_DIR", str(here / "cache"))

    def broken_disk(descriptor, size):
        raise OSError(errno.EIO, os.strerror(errno.EIO))
    monkeypatch.setattr(os, "read", broken_disk)   # kb.safe_read reads with os.read
    assert_clean_failure(cli("list", "--data", M), 1, f"Error: {M}: cannot read: {os.strerror(errno.EIO)}\n")


def test_environment_variable_selects_the_base(cli, here):
    expected = cli("list", "--data", M, "-f", "csv").stdout
    assert [line.split(",")[0] for line in expected.splitlines()] == ["place", "测区", "甲", "乙", "丙", "丁"]
    by_env = cli("list", "-f", "csv", env={"CITYAI_DATA": M})
    assert (by_env.code, by_env.stdout, by_env.stderr) == (0, expected, "")
    assert_clean_failure(cli("list", env={"CITYAI_DATA": "gone.toml"}), 1, "Error: gone.toml: no such file\n")
    # --data wins over the environment.
    assert cli("list", "-f", "csv", "--data", M, env={"CITYAI_DATA": "gone.toml"}).stdout == expected


def test_data_before_the_command_wins_over_the_environment(cli, here):
    """`cityai --data FILE list` names the base as explicitly as `cityai list --data FILE`."""
    expected = cli("list", "--data", M, "-f", "csv").stdout
    result = cli("--data", M, "list", "-f", "csv", env={"CITYAI_DATA": "gone.toml"})
    assert (result.code, result.stdout, result.stderr) == (0, expected, "")


def test_environment_variable_in_a_subprocess(here):
    result = run_process("sources", "-f", "csv", env={"CITYAI_DATA": M}, cwd=here)
    assert result.returncode == 0
    assert result.stdout.decode("utf-8").splitlines()[1:] == [
        f"mini,三城数据,测试,2025-03-01,day,mini.txt,,,{M},6,1,3",
        f"mini-late,三城数据(再版),测试,2025-04-01,day,mini.txt,,,{M},8,1,1"]


# --- bad arguments (exit 2) ------------------------------------------------------------------------

def test_unknown_place_suggests_the_closest(cli):
    # The bundled base: 深川 is one character off 深圳 (and 四川).
    assert_clean_failure(cli("show", "深川"), 2,
                         "Error: unknown place '深川'; see cityai list --level all (did you mean: 深圳, 四川?)\n")


PLACES = "; see cityai list --level all"
METRICS = "; see cityai metrics"
TYPES = "; see cityai types"
DATE = 'expected a date such as "2024", "2024-12" or "2024-12-31"'


@pytest.mark.parametrize("args, stderr", [
    (["show", "Alpah"], f"Error: unknown place 'Alpah'{PLACES} (did you mean: 甲?)\n"),
    (["show", "深圳"], "Error: 深圳 (Shenzhen) 在知识库中尚无数据; 添加一份有关文件: cityai sources add FILE --id ID"
                      " --title 标题 --publisher 发布者 --published 日期 --data my.toml,"
                      " 再用 cityai extract FILE --format toml 把候选数据加入 my.toml\n"),
    (["show", "   "], f"Error: unknown place '   '{PLACES}\n"),
    (["compare", "甲", "深川"], f"Error: unknown place '深川'{PLACES}\n"),
    (["rank", "--by", "industry_scal"], f"Error: unknown metric 'industry_scal'{METRICS} (did you mean: industry_scale?)\n"),
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
    (["rank", "--by", "产业规模", "--chart", "--format", "csv"],
     "Error: --chart draws bars in the terminal table; it cannot be combined with --format csv\n"),
    (["rank", "--by", "产业规模", "--chart", "-f", "json"],
     "Error: --chart draws bars in the terminal table; it cannot be combined with --format json\n"),
    (["rank", "--by", "产业规模", "--targets", "--forecasts"], "Error: --targets and --forecasts exclude each other\n"),
    (["subsidies", "--startup"], "Error: --startup/--eligible change the --spend estimate; add --spend AMOUNT\n"),
    (["subsidies", "--eligible", "startup"], "Error: --startup/--eligible change the --spend estimate; add --spend AMOUNT\n"),
    (["subsidies", "--spend", "300万", "--eligible", ""], "Error: --eligible needs a value, got an empty one\n"),
    (["subsidies", "--spend", "300万", "--eligible", "veteran"],
     "Error: unknown --eligible flag 'veteran'; known flags: startup\n"),
    (["funds", "--spend", "300万"],
     "Error: a fund is an investment vehicle: it has no payout to estimate (--spend, --startup, --eligible)\n"),
    (["funds", "--eligible", "startup"],
     "Error: a fund is an investment vehicle: it has no payout to estimate (--spend, --startup, --eligible)\n"),
    (["rank", "--by", "产业规模", "--as-of", "2024-13"], "Error: --as-of: '2024-13' is not a real date\n"),
    (["rank", "--by", "产业规模", "--as-of", "2024-02-30"], "Error: --as-of: '2024-02-30' is not a real date\n"),
    (["show", "甲", "--as-of", "yesterday"], f"Error: --as-of: {DATE}, got 'yesterday'\n"),
    (["compare", "甲", "乙", "--as-of", "24"], f"Error: --as-of: {DATE}, got '24'\n"),
    # each option names itself
    (["policies", "--since", "2024x"], f"Error: --since: {DATE}, got '2024x'\n"),
    (["policies", "--until", "later"], f"Error: --until: {DATE}, got 'later'\n"),
], ids=lambda value: " ".join(value) if isinstance(value, list) else "")
def test_usage_errors(cli, args, stderr):
    assert_clean_failure(cli(*args, "--data", M), 2, stderr)


@pytest.mark.parametrize("args, name", [
    (["--data", "", "list"], "--data"), (["list", "--data", ""], "--data"), (["list", "--data="], "--data"),
    (["--with", "", "list"], "--with"), (["list", "--data", M, "--with", M, "--with", ""], "--with"),
    (["cite", "甲", "企业数", "--data", ""], "--data"), (["validate", "--data", ""], "--data"),
    (["export", "--sqlite", "", "--force", "--data", M], "--sqlite"),
    (["rank", "--by", "企业数", "-f", "table", "--svg", "", "--data", M], "--svg"),
    (["rank", "--by", "企业数", "-f", "table", "--html", "", "--data", M], "--html"),
    (["extract", "", "--data", M], "FILE"), (["validate", ""], "FILE"),
    (["sources", "add", "", "--id", "x", "--title", "t", "--publisher", "p", "--published", "2025", "--data", "my.toml"],
     "FILE"),
], ids=lambda value: " ".join(value) if isinstance(value, list) else "")
def test_an_empty_path_is_a_usage_error(cli, here, args, name):
    """An empty path would mean the working directory (`--data ''` read ./pyproject.toml)."""
    assert_clean_failure(cli(*args), 2, f"Error: {name} needs a value, got an empty one\n")
    assert list(here.iterdir()) == []


@pytest.mark.parametrize("args, name", [
    (["export", "--sqlite", "-", "--force", "--data", M], "--sqlite"),
    (["rank", "--by", "企业数", "--svg", "-", "--data", M], "--svg"),
    (["list", "--html", "-", "--data", M], "--html"),
    (["extract", "-", "--data", M], "FILE"), (["--data", "-", "list"], "--data"), (["list", "--with", "-"], "--with"),
], ids=lambda value: " ".join(value) if isinstance(value, list) else "")
def test_a_dash_is_no_standard_stream(cli, here, args, name):
    # `export --sqlite -` wrote a file named "-" (and -.metadata.json) where stdout was meant
    message = f"Error: {name}: cityai reads and writes files, not standard input or output; give a file name\n"
    assert_clean_failure(cli(*args), 2, message)
    assert list(here.iterdir()) == []


def test_empty_environment_variables_mean_the_bundled_base(cli, here):
    bundled = cli("list", "-f", "csv")
    assert bundled.code == 0
    for name in ("CITYAI_DATA", "CITYAI_WITH"):
        result = cli("list", "-f", "csv", env={name: ""})
        assert (result.code, result.stdout, result.stderr) == (0, bundled.stdout, "")


@pytest.mark.parametrize("width", ["1001", "1000000000", "9223372036854775807", "99999999999999999999"])
def test_a_width_beyond_the_widest_layout_is_a_usage_error(cli, here, width):
    """Rich lays out every column of the width it is given: 10**20 raised OverflowError, 10**9 hung."""
    result = cli("rank", "--by", "企业数", "-f", "table", "--width", width, "--svg", "r.svg", "--data", M)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '--width': {width} is not in the range 40<=x<=1000."
    assert list(here.iterdir()) == []


def test_a_huge_terminal_width_gets_the_widest_layout(cli, here):
    widest = cli("rank", "--by", "企业数", "-f", "table", "--width", "1000", "--svg", "widest.svg", "--data", M)
    huge = cli("rank", "--by", "企业数", "-f", "table", "--svg", "huge.svg", "--data", M,
               env={"COLUMNS": "99999999999999999999"})
    assert (huge.code, huge.stdout, huge.stderr) == (0, widest.stdout, "")
    assert (here / "huge.svg").read_bytes() == (here / "widest.svg").read_bytes()


@pytest.mark.parametrize("amount, reason", [
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
])
def test_malformed_spend(cli, amount, reason):
    assert_clean_failure(cli("subsidies", f"--spend={amount}", "--data", M), 2,
                         f"Error: invalid amount {amount!r}: {reason}\n")


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


def test_ambiguous_name(cli, here):
    """Pinyin and English may be shared (台州 and 泰州 are both Taizhou): typing one lists both."""
    text = MINI.read_text(encoding="utf-8").replace('pinyin = "Yi"', 'pinyin = "Jia"')
    write_base(here, "twice.toml", text)
    assert_clean_failure(cli("show", "jia", "--data", "twice.toml"), 2,
                         "Error: place 'jia' is ambiguous: it names 乙, 甲; use the Chinese name\n")
    assert cli("show", "甲", "--data", "twice.toml", "-f", "csv").code == 0


@pytest.mark.parametrize("args", [["subsidies", "--city", "jia"], ["targets", "jia"], ["policies", "jia"]])
def test_ambiguous_name_where_a_region_is_also_accepted(cli, here, args):
    """--city and the place arguments also take a region; an ambiguous place stays ambiguous."""
    text = MINI.read_text(encoding="utf-8").replace('pinyin = "Yi"', 'pinyin = "Jia"')
    write_base(here, "twice.toml", text)
    assert_clean_failure(cli(*args, "--data", "twice.toml"), 2,
                         "Error: place 'jia' is ambiguous: it names 乙, 甲; use the Chinese name\n")


def test_metrics_may_not_share_an_alias(cli, here):
    text = MINI.read_text(encoding="utf-8").replace(
        'unit = "元"\n', 'unit = "元"\naliases = ["规模"]\n').replace(
        'unit = "PFLOPS"\n', 'unit = "PFLOPS"\naliases = ["规模"]\n')
    write_base(here, "twice.toml", text)
    result = cli("list", "--data", "twice.toml")
    assert_clean_failure(result, 1, "Error: twice.toml:24: metrics.compute_capacity: metric name or alias '规模' "
                                    "also names 'industry_scale'\n")


def test_unknown_command_and_option_exit_2(cli):
    for args in (["frobnicate"], ["list", "--colour"], ["list", "-f", "xml"]):
        result = cli(*args)
        assert result.code == 2 and result.stdout == "", args
        assert result.stderr.splitlines()[-1].startswith("Error: "), args


# --- injection ---------------------------------------------------------------------------------------

INJECT = r'''schema_version = 2

[metrics.ai_enterprises]
zh = "人工智能企业数"
en = "AI enterprises"
dimension = "count"
unit = "家"
scopes.ai = { zh = "\t制表", en = "=1+2" }

[sources.s]
file = "hostile.txt"
publisher = "@测试"
title = "=cmd|' /C calc'!A0"
published = "2025"

[places."=HYPERLINK(\"http://e.vil\",\"x\")"]
level = "city"
province = "+测省"
regions = ["-测区"]

[[places."=HYPERLINK(\"http://e.vil\",\"x\")".facts]]
metric = "ai_enterprises"
scope = "ai"
kind = "actual"
value = "2800家"
date = "2024"
date_basis = "stated"
note = "-1+1"
citations = [{ source = "s", quote = "+回车2800家", note = "@note" }]

[[places."=HYPERLINK(\"http://e.vil\",\"x\")".policies]]
title = "=1+1"
citations = [{ source = "s", quote = "-2" }]

[places."乙"]
level = "district"
province = "\t省"
city = "=HYPERLINK(\"http://e.vil\",\"x\")"
regions = ["=1+1", "正常"]
'''
NAME = '=HYPERLINK("http://e.vil","x")'


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_formula_injection_list(cli, here):
    write_base(here, "inject.toml", INJECT)
    result = cli("list", "-f", "csv", "--data", "inject.toml")
    assert result.code == 0, result.stderr
    rows = read_csv(result.stdout)
    picked = [(r["place"], r["place_label"], r["province"], r["city"], r["regions"], r["ai_enterprises_value"],
               r["ai_enterprises_text"], r["facts"], r["policies"], r["programmes"]) for r in rows]
    assert picked == [
        ("'" + NAME, "'" + NAME, "'+测省", "", "'-测区", "2800", "2800家", "1", "1", "0"),
        ("乙", "乙", "'\t省", "'" + NAME, "'=1+1;正常", "", "", "0", "0", "0"),
    ]


def test_csv_formula_injection_show_policies_and_sources(cli, here):
    write_base(here, "inject.toml", INJECT)
    result = cli("show", NAME, "-f", "csv", "--data", "inject.toml")
    assert result.code == 0, result.stderr
    facts = read_csv(result.stdout)
    assert [(r["place"], r["value"], r["scope"], r["scope_label"], r["note"], r["sources"]) for r in facts] == [
        ("'" + NAME, "2800", "ai", "'\t制表", "'-1+1", "s")]
    # One row per citation: each of its cells is defused like any text.
    cited = read_csv(cli("show", NAME, "-f", "csv", "--citations", "--data", "inject.toml").stdout)
    assert [(r["citation_source"], r["citation_quote"], r["citation_value"], r["citation_note"]) for r in cited] == [
        ("s", "'+回车2800家", "2800家", "'@note")]
    english = read_csv(cli("show", NAME, "-f", "csv", "--lang", "en", "--data", "inject.toml").stdout)
    assert [r["scope_label"] for r in english] == ["'=1+2"]
    policies = read_csv(cli("policies", "-f", "csv", "--data", "inject.toml").stdout)
    assert [(r["place"], r["title"]) for r in policies] == [("'" + NAME, "'=1+1")]
    rows = read_csv(cli("sources", "-f", "csv", "--data", "inject.toml").stdout)
    assert [(r["source"], r["publisher"], r["title"], r["facts"], r["policies"]) for r in rows] == [
        ("s", "'@测试", "'=cmd|' /C calc'!A0", "1", "1")]


def test_json_keeps_the_text_as_written(cli, here):
    # The formula guard is for spreadsheets: JSON consumers get the curated text unchanged.
    write_base(here, "inject.toml", INJECT)
    records = json.loads(cli("list", "-f", "json", "--data", "inject.toml").stdout)
    assert [(r["place"], r["province"], r["city"], r["regions"]) for r in records] == [
        (NAME, "+测省", None, ["-测区"]), ("乙", "\t省", NAME, ["=1+1", "正常"])]


def test_csv_numbers_are_never_quoted(cli):
    rows = read_csv(cli("rank", "--by", "产业规模", "-f", "csv", "--data", M).stdout)
    assert [(r["rank"], r["value"]) for r in rows] == [("1", "400000000000"), ("2", "360000000000"), ("", "500000000000")]


# Control, bidi and zero-width characters are refused by the loader (tests/test_hardening.py);
# markup and HTML must reach every output literally.
MARKUP = r'''schema_version = 2

[metrics.ai_enterprises]
zh = "人工智能企业数"
en = "AI enterprises"
dimension = "count"
unit = "家"
scopes.ai = { zh = "]8;;http://e.vil z", en = "[red]AI[/red]" }

[sources.s]
file = "hostile.txt"
publisher = "[bold]x[/bold]"
title = "[link=http://e.vil]y[/link]"
published = "2025"

[places."甲"]
level = "city"
province = "[bold]x[/bold]"
traditional = "红"
regions = ["[link=http://e.vil]y[/link]"]

[[places."甲".facts]]
metric = "ai_enterprises"
scope = "ai"
kind = "actual"
value = "2800家"
date = "2024"
date_basis = "stated"
citations = [{ source = "s", quote = "<img src=x onerror=alert(1)> 2800家" }]

[[places."甲".policies]]
title = "<img src=x onerror=alert(1)>"
citations = [{ source = "s", quote = "[bold]q[/bold]" }]
'''


LITERAL = {
    "show": ["[bold]x[/bold]", "[link=http://e.vil]y[/link]", "]8;;http://e.vil z", "<img src=x onerror=alert(1)>"],
    "sources": ["[bold]x[/bold]", "[link=http://e.vil]y[/link]"],
    "list": ["[bold]x[/bold]", "[link=http://e.vil]y[/link]"],
    "policies": ["<img src=x onerror=alert(1)>"],
}


@pytest.mark.parametrize("command", [["show", "甲"], ["sources"], ["list"], ["policies"]])
def test_terminal_injection_table(cli, here, command):
    write_base(here, "markup.toml", MARKUP)
    result = cli(*command, "-f", "table", "--data", "markup.toml", env={"COLUMNS": "250"})
    assert result.code == 0, result.stderr
    out = result.stdout
    assert "\x1b" not in out and "\x07" not in out
    assert [text for text in LITERAL[command[0]] if text not in out] == []


def test_terminal_injection_english_table(cli, here):
    write_base(here, "markup.toml", MARKUP)
    out = cli("show", "甲", "-f", "table", "--lang", "en", "--data", "markup.toml", env={"COLUMNS": "250"}).stdout
    assert "[red]AI[/red]" in out and "\x1b" not in out


def test_terminal_injection_stacked_table(cli, here):
    write_base(here, "markup.toml", MARKUP)
    out = cli("show", "甲", "-f", "table", "--data", "markup.toml", env={"COLUMNS": "60"}).stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold]x[/bold]" in out and "<img src=x onerror=alert(1)>" in out


def test_terminal_injection_markdown(cli, here):
    write_base(here, "markup.toml", MARKUP)
    out = cli("show", "甲", "-f", "markdown", "--data", "markup.toml").stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out and "<img" not in out


# --- environments (real processes) ---------------------------------------------------------------

def test_closed_pipe_is_quiet():
    """The reader has gone before anything is written: no BrokenPipeError traceback, exit 0."""
    process = subprocess.Popen([sys.executable, "-m", "cityai_cli", "show", "深圳", "-f", "csv"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    assert (process.wait(timeout=60), stderr) == (0, b"")


def test_head_one():
    result = subprocess.run(["sh", "-c", f'"{sys.executable}" -m cityai_cli list -f csv | head -1'],
                            capture_output=True, timeout=60)
    assert result.returncode == 0
    assert result.stderr == b""
    assert result.stdout.decode("utf-8") == (
        "place,place_label,level,level_label,province,city,regions,pinyin,english,"
        + ",".join(f"{m}_{k}" for m in ("ai_enterprises", "industry_scale", "compute_capacity")
                   for k in ("value", "value_max", "unit", "bound", "text", "date", "date_precision", "scope", "shown"))
        + ",facts,policies,programmes\r\n")
    assert result.stdout.count(b"\n") == 1


@pytest.mark.parametrize("fmt", ["csv", "table", "json", "markdown"])
def test_ascii_output_encoding(fmt):
    result = run_process("list", "-f", fmt, "--data", M, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr == (b"Error: output: cannot print Chinese text in the ascii encoding; "
                             b"set PYTHONIOENCODING=utf-8 or use a UTF-8 locale such as LANG=C.UTF-8\n")


def test_c_locale_prints_chinese():
    expected = run_process("list", "-f", "csv", "--data", M, env={"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    for env in ({"LANG": "C", "LC_ALL": "C"}, {"LANG": "C", "LC_ALL": "", "PYTHONIOENCODING": ""}):
        result = run_process("list", "-f", "csv", "--data", M, env=env)
        assert (result.returncode, result.stderr) == (0, b"")
        assert result.stdout == expected.stdout
        assert "\n甲,甲,city,市,测省," in result.stdout.decode("utf-8")


def _run_on_terminal(*args, env):
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CITYAI_DATA", "COLUMNS")}
    full_env.update(env)
    process = subprocess.Popen([sys.executable, "-m", "cityai_cli", *args], stdout=slave,
                               stderr=subprocess.PIPE, env=full_env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:   # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stderr = process.stderr.read()
    process.stderr.close()
    return process.wait(timeout=60), b"".join(chunks), stderr


def test_colour_on_a_terminal_and_no_color():
    term = {"TERM": "xterm-256color"}
    code, coloured, _ = _run_on_terminal("list", "--data", M, env=term)
    assert code == 0 and b"\x1b[" in coloured           # the test can fail: colour is really used
    for quiet in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):   # no-color.org; a terminal that says it is dumb
        code, plain, stderr = _run_on_terminal("list", "--data", M, env={**term, **quiet})
        assert (code, stderr) == (0, b"")
        assert b"\x1b" not in plain
        assert "甲".encode() in plain
    code, empty, _ = _run_on_terminal("list", "--data", M, env={**term, "NO_COLOR": ""})
    assert code == 0 and b"\x1b[" in empty            # no-color.org: an empty NO_COLOR is ignored


def test_no_color_when_piped():
    result = run_process("list", "-f", "table", "--data", M, env={"NO_COLOR": "1"})
    assert result.returncode == 0 and b"\x1b" not in result.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("args", [
    ["list"], ["show", "深圳"], ["compare", "深圳", "上海"], ["rank", "--by", "产业规模", "--chart"],
    ["subsidies", "--spend", "300万"], ["funds"], ["targets"], ["conflicts", "--all"], ["policies"], ["sources"],
    ["metrics"], ["types"],
])
def test_forty_columns(args, lang):
    from rich.cells import cell_len
    result = run_process(*args, "-f", "table", "--lang", lang, env={"COLUMNS": "40"})
    assert (result.returncode, result.stderr) == (0, b"")
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) > 5
    too_wide = [line for line in lines if cell_len(line) > 40]
    assert too_wide == []


@pytest.mark.parametrize(("typed", "shown"), [
    ("--\u202eabc", ["--\\u202eabc"]), ("--q\u200bq", ["--q\\u200bq"]), ("--\u2066x", ["--\\u2066x"]),
    ("--\x1b[31mx", ["--\\x1b[31mx", "--x"]),  # Click 8.1 (Python 3.9) strips the colour code off a pipe
])
@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])  # with ASCII Click writes bytes past the text stream
def test_a_usage_error_of_click_shows_invisible_characters_escaped(typed, shown, encoding):
    # Click escapes C0 and C1 in what it echoes, not bidi or zero-width characters
    result = run_process("list", typed, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 2
    assert result.stderr.decode("utf-8").splitlines()[-1] in [f"Error: No such option: {s}" for s in shown]


def test_a_file_error_from_the_system_is_escaped_and_cut():
    # ENAMETOOLONG comes from the system, not from cityai's checks: still one escaped, bounded line
    name = "/tmp/\x1b[31m\u202e" + "a" * 3000
    result = run_process("list", "--data", name)
    (line,) = result.stderr.decode("utf-8").splitlines()
    assert result.returncode == 1 and line.startswith("Error: /tmp/\\x1b[31m\\u202eaaa") and len(line) < 1100
    assert "characters left out" in line and "\x1b" not in line and "\u202e" not in line


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_a_usage_error_of_click_is_cut_too(encoding):
    result = run_process("list", "--" + "a" * 20000, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 2
    line = result.stderr.decode("utf-8").splitlines()[-1]
    assert line.startswith("Error: No such option: --aaa") and len(line) < 1100 and "characters left out" in line
