"""Issue 11 "Hardening": one test (or a few) per class of defect, each with a small input that
showed it. Hang tests run in a subprocess with a generous timeout and inputs that took seconds
(or forever) before the fix; nothing here asserts on timing otherwise.
"""
import json
import os
import re
import signal
import subprocess
import sys

import pytest

from conftest import MINI
from cityai_cli.core.base import reading as kb

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


# --- 2. special files --------------------------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero and /dev/urandom")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_not_regular_files(here, device):
    result = run("list", "--data", device, cwd=here)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, b"", f"Error: {device}: is not a regular file\n".encode())


def test_endless_stdin_is_refused(here):
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        result = run("list", "--data", "/dev/stdin", cwd=here, stdin=yes.stdout)
    finally:
        yes.kill()
        yes.stdout.close()
        yes.wait()
    assert_clean(result, 1)
    assert result.stderr == b"Error: /dev/stdin: is not a regular file\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_without_a_writer_does_not_block(here):
    os.mkfifo(here / "pipe.toml")
    result = run("list", "--data", "pipe.toml", cwd=here)
    assert (result.returncode, result.stderr) == (1, b"Error: pipe.toml: is not a regular file\n")


def test_symlink_loop(here):
    os.symlink("loop.toml", here / "loop.toml")
    result = run("list", "--data", "loop.toml", cwd=here)
    assert_clean(result, 1)
    assert result.stderr.startswith(b"Error: loop.toml: cannot read: ")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_proc_file_claiming_size_zero_is_read_up_to_the_limit():
    # /proc files are regular files that claim 0 bytes: the limit holds on what is read.
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(kb.ReadError, match="is more than 10 bytes; a knowledge base may be at most 10 bytes"):
        kb.safe_read(kb.Path("/proc/self/status"), 10)
    assert kb.safe_read(kb.Path("/proc/self/status"), 1 << 20).startswith(b"Name:")


# --- 3. seeds stay inside the seeds directory ---------------------------------------------------------

@pytest.fixture
def seeded(here):
    """base.toml beside seeds/mini.txt; write(file=…) replaces the first source's file name."""
    (here / "seeds").mkdir()
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())

    def write(filename):
        text = MINI_TEXT.replace('file = "mini.txt"', f"file = {filename!r}".replace("'", '"'), 1)
        (here / "base.toml").write_text(text, encoding="utf-8")
        return here
    return write


def validate_problems(cli, cwd):
    result = cli("validate", "base.toml")
    assert result.code == 1 and "Traceback" not in result.stderr
    return result.stdout.splitlines()


OUTSIDE = "must be a plain file name inside seeds/ (no absolute path, no ..)"


@pytest.mark.parametrize("filename", ["../../../../../../etc/passwd", "/etc/passwd", "sub/../../mini.txt"])
def test_seed_path_may_not_leave_the_seeds_directory(cli, seeded, filename):
    seeded(filename)
    quoted = repr(filename)
    assert validate_problems(cli, None)[0] == f"base.toml:49: sources.mini.file: source document {quoted} {OUTSIDE}"


def test_seed_link_leaving_the_seeds_directory(cli, seeded, here):
    seeded("link.txt")
    (here / "secret.txt").write_text("甲市现有人工智能企业超2800家", encoding="utf-8")
    os.symlink(here / "secret.txt", here / "seeds" / "link.txt")
    assert validate_problems(cli, here)[0] == (
        "base.toml:49: sources.mini.file: source document 'link.txt' leaves the seeds directory seeds (a link?)")


def test_a_seeds_directory_that_is_a_link_is_refused(cli, here):
    """`seeds -> /` would hold every file of the machine inside it: the link itself is refused,
    by validate's quote check and by every command, which checks the quotes as validate does."""
    (here / "elsewhere").mkdir()
    (here / "elsewhere" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    (here / "a").mkdir()
    (here / "a" / "base.toml").write_text(MINI_TEXT, encoding="utf-8")
    os.symlink(here / "elsewhere", here / "a" / "seeds")
    result = cli("validate", "a/base.toml")
    assert result.code == 1 and result.stdout.splitlines()[0] == (
        "a/base.toml:49: sources.mini.file: source document 'mini.txt' is in a/seeds, a symbolic link; "
        "seeds/ must be a directory of the base")
    result = cli("cite", "乙", "企业数", "--data", "a/base.toml", "-f", "json")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[0] == (
        "Error: a/base.toml:49: sources.mini.file: source document 'mini.txt' is in a/seeds, a symbolic link; "
        "seeds/ must be a directory of the base")


def test_seed_not_utf8_or_not_regular_or_too_big(cli, seeded, here, monkeypatch):
    seeded("latin.txt")
    (here / "seeds" / "latin.txt").write_bytes("甲市".encode("utf-8") + b"\n\xff")
    assert validate_problems(cli, here)[0] == (
        "base.toml:49: sources.mini.file: source document 'latin.txt' is not UTF-8 (byte 0xff at line 2, column 1)")
    seeded("adir")
    (here / "seeds" / "adir").mkdir()
    assert validate_problems(cli, here)[0] == "base.toml:49: sources.mini.file: source document 'adir' is a directory"
    if hasattr(os, "mkfifo"):
        seeded("fifo.txt")
        os.mkfifo(here / "seeds" / "fifo.txt")
        assert validate_problems(cli, here)[0] == (
            "base.toml:49: sources.mini.file: source document 'fifo.txt' is not a regular file")
    seeded("mini.txt")
    monkeypatch.setattr(kb, "MAX_SEED_BYTES", 10)
    size = (here / "seeds" / "mini.txt").stat().st_size
    assert validate_problems(cli, here)[0] == (
        f"base.toml:49: sources.mini.file: source document 'mini.txt' is {size:,} bytes; "
        "a source document may be at most 10 bytes")


# --- 4. output that data can control -----------------------------------------------------------------

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def with_place_name(name_literal):
    """mini.toml with place 甲 renamed (a TOML basic-string literal, escapes allowed)."""
    return MINI_TEXT.replace('[places."甲"]', f'[places."{name_literal}"]').replace(
        '[[places."甲".', f'[[places."{name_literal}".')


@pytest.mark.parametrize("literal, shown, message", [
    ("\\u001b]0;pwned\\u0007", "\\x1b]0;pwned\\x07", "key contains the control or invisible character U+001B at position 1"),
    ("甲\\u200b", "甲\\u200b", "key contains the control or invisible character U+200B at position 2"),
    ("\\u202e甲", "\\u202e甲", "key contains the control or invisible character U+202E at position 1"),
    ("甲\\u0085", "甲\\x85", "key contains the control or invisible character U+0085 at position 2"),
])
def test_loader_refuses_controls_in_keys(cli, here, literal, shown, message):
    (here / "k.toml").write_text(with_place_name(literal), encoding="utf-8")
    result = cli("list", "--data", "k.toml")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[0] == f"Error: k.toml:65: places.{shown}: {message}; remove it"
    assert not RAW.search(result.stderr)


def test_newline_in_a_key_cannot_forge_a_line(cli, here):
    (here / "k.toml").write_text(with_place_name("x\\nk.toml: OK"), encoding="utf-8")
    result = cli("validate", "k.toml")
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == ("k.toml:65: places.x\\x0ak.toml: OK: key contains the control or invisible character "
                        "U+000A at position 2; remove it")
    assert not any(line.startswith("k.toml: OK") for line in lines + result.stderr.splitlines())


@pytest.mark.parametrize("value, message", [
    ("\\u001b[2J", "text contains the control or invisible character U+001B at position 1; remove it"),
    ("a\\rb", "text contains the control or invisible character U+000D at position 2; remove it"),
    ("\\u2066x\\u2069", "text contains the control or invisible character U+2066 at position 1; remove it"),
    ("\\ufeffx", "text contains the control or invisible character U+FEFF at position 1; remove it"),
])
def test_loader_refuses_controls_in_values(cli, here, value, message):
    text = MINI_TEXT.replace('english = "Alpha"', f'english = "{value}"')
    (here / "v.toml").write_text(text, encoding="utf-8")
    result = cli("list", "--data", "v.toml")
    assert (result.code, result.stdout, result.stderr) == (1, "", f"Error: v.toml:71: places.甲.english: {message}\n")


def test_newline_and_tab_are_allowed_in_values(cli, here):
    # schema 2: a fact's scope is a declared key, so the free text that carries a newline and a tab is its note
    text = MINI_TEXT.replace('value = "超2800家"\n', 'value = "超2800家"\nnote = """人工智能\n企业\t(全市)"""\n', 1)
    assert text != MINI_TEXT
    (here / "v.toml").write_text(text, encoding="utf-8")
    (here / "seeds").mkdir()
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    result = cli("show", "甲", "--data", "v.toml", "-f", "json")
    assert result.code == 0, result.stderr
    assert "人工智能\\n企业\\t(全市)" in result.stdout


def test_messages_escape_what_they_quote():
    from cityai_cli.core.errors import Problem, UsageError
    problem = Problem("a\x1bb.toml", "bad \x9b value\nforged", 3, None, "places.\u202e甲")
    assert str(problem) == "a\\x1bb.toml:3: places.\\u202e甲: bad \\x9b value\\x0aforged"
    assert str(UsageError("unknown \x1b[2J", ["\u2066x"])) == "unknown \\x1b[2J (did you mean: \\u2066x?)"


def hostile_report():
    from cityai_cli.core.report import Column, Report, Table
    columns = [Column("name", "名称"), Column("=cmd|' /C calc'!A0", "+header")]
    rows = [{"name": "\x1b]0;t\x07\x9b\u202e\x7f\x00", "=cmd|' /C calc'!A0": "<img onerror=x> & |\nz"},
            {"name": "\r=1+1", "=cmd|' /C calc'!A0": "@SUM(A1)"}]
    return Report([Table("t", "T\x1b", columns, rows)])


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_renderers_escape_controls_even_if_the_loader_let_them_through(fmt):
    from cityai_cli.render import render
    out = render(hostile_report(), fmt)
    assert not RAW.search(out.replace("\r\n", "\n"))


def test_csv_header_cells_get_the_formula_guard():
    import csv
    import io
    from cityai_cli.render import render
    rows = list(csv.reader(io.StringIO(render(hostile_report(), "csv"), newline="")))
    assert rows[0] == ["name", "'=cmd|' /C calc'!A0"]
    assert rows[1][0] == "\\x1b]0;t\\x07\\x9b\\u202e\\x7f\\x00"
    assert rows[2] == ["\\x0d=1+1", "'@SUM(A1)"]


def test_json_escapes_c1_and_bidi_and_round_trips():
    import json
    from cityai_cli.render import render
    out = render(hostile_report(), "json")
    assert "\\u009b" in out and "\\u202e" in out and "\\u007f" in out
    assert json.loads(out)[0]["name"] == "\x1b]0;t\x07\x9b\u202e\x7f\x00"


def test_markdown_escapes_html():
    from cityai_cli.render import render
    out = render(hostile_report(), "markdown")
    assert "&lt;img onerror=x&gt; &amp; \\|<br>z" in out
    assert "<img" not in out


# --- 5. numbers read wrong ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("一亿五千万元", 150000000), ("一亿零五百万元", 105000000), ("十二家", 12), ("三百零五家", 305),
    ("一千零五十家", 1050), ("百亿元", 10 ** 10), ("千億元", 10 ** 11), ("一万亿元", 10 ** 12), ("两千家", 2000),
    ("一万零五家", 10005), ("一亿五万元", 100050000), ("五千万元", 50000000),
])
def test_chinese_numerals(text, value):
    from cityai_cli.core.figures.quantity import parse_figure
    assert parse_figure(text).value == value


@pytest.mark.parametrize("text, reason", [
    ("万万万", "万 more than once"), ("万万万亿亿", "亿 more than once"),
    ("十十十", "十 after a unit as small or smaller"), ("百百", "百 after a unit as small or smaller"),
    ("十百", "百 after a unit as small or smaller"), ("二二", "two digits in a row"), ("一百零", "零 at the end"),
    ("一百五", "a last digit right after 百, 千, 万 or 亿 needs 零 (一百五 is 150 or 105?)"),
    ("一万五", "a last digit right after 百, 千, 万 or 亿 needs 零 (一百五 is 150 or 105?)"),
])
def test_nonsense_chinese_numerals_are_refused(text, reason):
    from cityai_cli.core.figures.quantity import FigureError, parse_figure
    with pytest.raises(FigureError) as error:
        parse_figure(text + "家")
    assert str(error.value) == (f"cannot parse figure '{text}家': malformed Chinese numeral {text!r}: {reason} "
                                "(write digits and units in decreasing order, e.g. 一亿五千万, 三百零五, 十二)")


def test_spend_in_chinese_numerals(cli):
    from cityai_cli.core.figures.quantity import parse_amount
    assert parse_amount("一亿五千万") == 150000000
    result = cli("subsidies", "--spend", "万万万", "--data", M)
    assert result.code == 2 and "Traceback" not in result.stderr


# --- 6. the number must occur in its quote as a whole number -----------------------------------------

@pytest.mark.parametrize("value, quote, found", [
    ("超2800家", "人工智能企业超2800家", True),
    ("超28家", "人工智能企业超2800家", False),
    ("超280家", "人工智能企业超2800家", False),
    ("800家", "人工智能企业超2800家", False),
    ("2800家", "企业1.2800家", False),
    ("800家", "企业2,800家", False),
    ("2,800家", "企业2,800家", True),
    ("2800家", "企业2,800家", True),
    ("2家", "企业2.5家", False),
    ("1.7万亿元", "规模1.7万亿元", True),
    ("1.7万元", "规模1.7万亿元", False),
    ("100元", "规模100万元", False),
    ("九成", "占比九成", True),
    ("九家", "企业九十家", False),
    ("十家", "企业九十家", False),
    ("五家", "企业五家、另有十五家", True),
])
def test_number_in_quote_at_number_boundaries(value, quote, found):
    from cityai_cli.core.base.lint import number_in_quote
    from cityai_cli.core.figures.quantity import parse_figure
    assert number_in_quote(parse_figure(value), quote) is found


def test_validate_catches_a_shortened_number(cli, here):
    (here / "seeds").mkdir()
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    (here / "base.toml").write_text(MINI_TEXT.replace('value = "超2800家"', 'value = "超28家"'), encoding="utf-8")
    result = cli("validate", "base.toml")
    assert result.code == 1
    assert result.stdout == ("base.toml:81: places.甲.facts[0].citations[0].quote: number '28' of '超28家' does not "
                             "occur in the quote '甲市现有人工智能企业超2800家'\nbase.toml: 1 problem\n")


# --- 7. tracebacks from the environment ----------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["list"], ["--help"], ["list", "--help"], ["show", "甲", "-f", "json"],
                                  ["rank", "--by", "产业规模", "-f", "markdown"], ["--version"]])
def test_full_disk(args):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "cityai_cli", *args, *(["--data", M] if len(args) > 1
                                 and not args[-1].startswith("--") else [])], stdout=full,
                                stderr=subprocess.PIPE, timeout=60)
    assert (result.returncode, result.stderr) == (1, b"Error: output: cannot write: No space left on device\n")


def test_stdout_closed():
    result = subprocess.run([sys.executable, "-m", "cityai_cli", "list", "--data", M], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, timeout=60, preexec_fn=lambda: os.close(1))
    assert (result.returncode, result.stderr) == (1, b"Error: output: standard output is closed\n")


def test_deleted_working_directory(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    script = f"import os, runpy, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); " \
             f"sys.argv = ['cityai', 'list', '-f', 'csv', '--data', {M!r}]; runpy.run_module('cityai_cli', run_name='__main__')"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.startswith(b"place,")


# --- 8. names that validate accepted but that break the resolver -------------------------------------------

def test_second_place_differing_only_by_a_suffix(cli, here):
    place = '\n[places."{}"]\nlevel = "city"\nprovince = "测省"\n'
    text = MINI_TEXT + place.format("深圳") + place.format("深圳市")
    (here / "s.toml").write_text(text, encoding="utf-8")
    result = cli("list", "--data", "s.toml")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == "Error: s.toml:266: places.深圳市: name or alias '深圳' also names '深圳'\n"


def test_alias_whose_stem_is_another_place(cli, here):
    text = MINI_TEXT.replace('pinyin = "Yi"', 'pinyin = "Yi"\naliases = ["深圳区"]') + (
        '\n[places."深圳"]\nlevel = "city"\nprovince = "测省"\n')
    (here / "s.toml").write_text(text, encoding="utf-8")
    (here / "seeds").mkdir()   # validate checks every stage now: with the seeds present, the name is the only problem
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    result = cli("validate", "s.toml")
    assert (result.code, result.stdout) == (
        1, "s.toml:263: places.深圳: name or alias '深圳' also names '乙'\ns.toml: 1 problem\n")


def test_place_names_differing_by_a_zero_width_character(cli, here):
    text = MINI_TEXT + '\n[places."甲\\u200b"]\nlevel = "city"\nprovince = "测省"\n'
    (here / "z.toml").write_text(text, encoding="utf-8")
    result = cli("list", "--data", "z.toml")
    assert result.stderr.startswith("Error: z.toml:262: places.甲\\u200b: key contains the control or invisible")


@pytest.mark.parametrize("key", ['""', '" "'])
def test_empty_place_name(cli, here, key):
    (here / "e.toml").write_text(MINI_TEXT + f'\n[places.{key}]\nlevel = "city"\nprovince = "测省"\n', encoding="utf-8")
    result = cli("list", "--data", "e.toml")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == f"Error: e.toml:262: places.{key[1:-1]}: a place needs a name (the table key is empty)\n"


# --- property: hostile text anywhere in a small base -----------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HOSTILE_PIECES = ["\x1b[31m", "\x1b]0;title\x07", "\x00", "\x7f", "\x85", "\x9b2J", "\u202e", "\u2066", "\u200b",
                  "\ufeff", "\r", "\n", "\t", "=", "+", "-", "@", "=cmd|' /C calc'!A0", "<img onerror=x>", "&amp;",
                  "|", "[", "[" + " " * 3000, "[[", "]", '"', "'", "\\", '"""', "甲", "深圳市", "2800", "一亿五千万"]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=5)), max_size=6).map("".join)


def toml_string(text):
    """A TOML basic string of `text` (json escapes are TOML escapes; raw DEL/C1 may make it invalid TOML,
    which is fine: that is a clean error too)."""
    return json.dumps(text, ensure_ascii=False)


def hostile_base(field, text):
    value = toml_string(text)
    if field == "place":
        return MINI_TEXT.replace('[places."甲"]', f"[places.{value}]").replace('[[places."甲".', f"[[places.{value}.")
    if field == "note":   # schema 2: a quote sits inside an inline `citations` table; the note is the fact's
        anchor = 'value = "超2800家"\n'
        return MINI_TEXT.replace(anchor, f"{anchor}note = {value}\n", 1)
    if field == "title":
        return MINI_TEXT.replace('title = "三城数据"', f"title = {value}")
    if field == "scope_key":   # a fact's scope is a declared key: the message refusing it quotes the text
        return MINI_TEXT.replace('scope = "ai_related"', f"scope = {value}")
    # schema 2: the scope's free text is its name in the metric's scope vocabulary
    return MINI_TEXT.replace('zh = "人工智能相关企业"', f"zh = {value}")


@pytest.mark.parametrize("field", ["place", "note", "title", "scope", "scope_key"])
def test_hostile_base_puts_the_text_where_it_says(field):
    """Each field's anchor is still in the fixture and the substitution is valid TOML, so the
    property below tests hostile text in that field, not a parse error or an unchanged base."""
    from cityai_cli.core.base.reading import tomllib
    base = hostile_base(field, "HOSTILE")
    assert base != MINI_TEXT and "HOSTILE" in base
    tomllib.loads(base)


class Hang(Exception):
    pass


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(["place", "note", "title", "scope", "scope_key"]), text=hostile_text)
def test_hostile_text_never_hangs_crashes_or_reaches_the_output_raw(tmp_path_factory, field, text):
    from typer.testing import CliRunner
    from cityai_cli.cli import app
    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:
        runner = CliRunner()
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "h.toml"
    path.write_text(hostile_base(field, text), encoding="utf-8")

    def alarm(signum, frame):
        raise Hang(f"{field}={text!r} did not finish in {HANG_TIMEOUT} s")
    previous = signal.signal(signal.SIGALRM, alarm) if hasattr(signal, "SIGALRM") else None
    if previous is not None:
        signal.alarm(HANG_TIMEOUT)
    try:
        for args in (["validate", str(path)], *[[command, *extra, "-f", fmt, "--data", str(path)]
                     for command, extra in (("list", []), ("show", ["乙", "--sources"]), ("sources", []))
                     for fmt in ("table", "csv", "json", "markdown")]):
            result = runner.invoke(app, args, catch_exceptions=True, env={"COLUMNS": "120"})
            assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
            assert result.exit_code in (0, 1, 2), args
            for stream in (result.stdout, result.stderr):
                assert "Traceback" not in stream
                found = RAW.search(stream.replace("\r\n", "\n"))
                assert not found, (args, stream[max(0, found.start() - 40):found.end() + 40])
    finally:
        if previous is not None:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u200e", "\u200f", "\u061c", "\u00ad", "\u180e", "\u2061",
                                  "\u206a", "\ufff9", "\U000e0041"])
def test_invisible_and_line_breaking_characters_are_escaped_and_refused(char):
    from cityai_cli.core.base.reading import tomllib
    from cityai_cli.core.text import CONTROL_IN_VALUE, printable, toml_string
    assert char not in printable(f"a{char}b") and printable(f"a{char}b").startswith("a\\")
    written = toml_string(f"a{char}b")
    assert char not in written and tomllib.loads(f"k = {written}")["k"] == f"a{char}b"
    assert CONTROL_IN_VALUE.search(f"a{char}b")   # the loader refuses it in any string of a base


def test_a_message_quoting_something_huge_keeps_its_start_and_end():
    from cityai_cli.core.errors import MESSAGE_LIMIT, Problem, UsageError
    quote = "甲" * 1_000_000
    text = str(Problem("kb.toml", f"quote not found in mini.txt: {quote!r}", 3, None, "places.甲"))
    whole = f"kb.toml:3: places.甲: quote not found in mini.txt: {quote!r}"
    assert text == f"{whole[:500]} … ({len(whole) - 1000} characters left out) … {whole[-500:]}"
    assert text.startswith("kb.toml:3: places.甲: quote not found in mini.txt: '甲甲") and text.endswith("甲'")
    assert len(str(UsageError("x" * 5000))) < MESSAGE_LIMIT + 50
    assert str(UsageError("unknown place '甲'")) == "unknown place '甲'"  # short ones whole


def test_seeds_one_level_up_are_found_from_a_relative_path_too(here):
    # the checkout's layout, data/cities.toml and seeds/, run from inside data/: `..` is one level up
    from conftest import run_process
    (here / "data").mkdir()
    (here / "data" / "base.toml").write_text(MINI_TEXT, encoding="utf-8")
    (here / "seeds").mkdir()
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    for cwd, path in ((here / "data", "base.toml"), (here, "data/base.toml"), (here, str(here / "data" / "base.toml"))):
        result = run_process("validate", path, cwd=cwd)
        assert (result.returncode, result.stderr) == (0, b""), (cwd, path, result.stdout)


def test_a_seed_with_a_chinese_name_is_found_under_an_ascii_locale(here):
    # LC_ALL=C without UTF-8 mode: the file system encoding is ASCII, "报告.txt" cannot be
    # encoded, and the document was "not found in seeds/" although seeds/ holds it (UTF-8 bytes).
    (here / "seeds").mkdir()
    (here / "seeds" / "报告.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    os.utime(here / "seeds" / "报告.txt", (1e9, 1e9))  # not racily new: the base is cached
    (here / "base.toml").write_text(MINI_TEXT.replace('file = "mini.txt"', 'file = "报告.txt"'), encoding="utf-8")
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8",
           "CITYAI_CACHE_DIR": str(here / "cache")}

    def ascii_run(*args):  # the arguments are ASCII too: the locale decodes them
        return subprocess.run([sys.executable, "-m", "cityai_cli", *args], capture_output=True, env=env, cwd=here,
                              timeout=HANG_TIMEOUT)

    for _ in range(2):  # cold, then from the cache
        done = ascii_run("--data", "base.toml", "cite", "Jia", "industry_scale", "-f", "csv")
        assert_clean(done, 0)
        assert "[[产业规模3600亿元]]" in done.stdout.decode("utf-8")
    assert list((here / "cache").glob("*.sqlite3"))
    assert_clean(ascii_run("validate", "base.toml"), 0)


def test_chinese_arguments_under_an_ascii_locale_are_read_as_utf8(here):
    # LC_ALL=C without UTF-8 mode decodes argv as ASCII: 企业数 and 甲 were surrogates, and a name
    # not found as typed went to OpenCC, which raised (a traceback); --as-of ２０２５ was refused
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8",
           "CITYAI_CACHE_DIR": str(here / "cache")}
    done = subprocess.run([sys.executable, "-m", "cityai_cli", "--data", str(MINI), "cite", "甲", "企业数",
                           "-f", "csv"], capture_output=True, env=env, timeout=HANG_TIMEOUT)
    assert_clean(done, 0)
    assert done.stdout.decode("utf-8").splitlines()[1].startswith("甲,甲,ai_enterprises,")
    done = subprocess.run([sys.executable, "-m", "cityai_cli", "--data", str(MINI), "rank", "--by", "企业数",
                           "--as-of", "２０２５", "-f", "csv"], capture_output=True, env=env, timeout=HANG_TIMEOUT)
    assert_clean(done, 0)
    not_utf8 = subprocess.run([sys.executable, "-m", "cityai_cli", "--data", str(MINI), "show", b"\xff\xfe"],
                              capture_output=True, env=env, timeout=HANG_TIMEOUT)
    assert (not_utf8.returncode, not_utf8.stderr) == (
        2, b"Error: unknown place '\\udcff\\udcfe'; see cityai list --level all\n")
