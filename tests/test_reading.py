"""core/base/reading.py: reading a base's file (missing, a directory, empty, not UTF-8, too big,
unreadable), its TOML (nesting, dotted keys, huge integers, the line map) and the characters a base
may hold. Every failure is a message and an exit code, never a traceback.
"""

import errno
import os
import pathlib
import sys

import pytest

from cityai_cli.core.base import reading as kb
from conftest import MINI, RAW, assert_clean, assert_clean_failure, run_cityai, run_process, write_base

M = str(MINI)


# --- the data file -----------------------------------------------------------------------------


def test_missing_file(cli, here):
    assert_clean_failure(cli("list", "--data", "nope.toml"), 1, "Error: nope.toml: no such file\n")


def test_directory(cli, here):
    (here / "adir").mkdir()
    assert_clean_failure(
        cli("list", "--data", "adir"), 1, "Error: adir: is a directory without *.toml knowledge-base files\n"
    )


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_empty_file(cli, here, content):
    (here / "empty.toml").write_bytes(content)
    assert_clean_failure(
        cli("list", "--data", "empty.toml"), 1, "Error: empty.toml: is empty; expected a TOML knowledge base\n"
    )


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
    assert_clean_failure(
        cli("list", "--data", "nul.toml"), 1, "Error: nul.toml:1:11: invalid TOML: Illegal character '\\x00'\n"
    )


def test_too_big_is_refused_before_reading(cli, here, monkeypatch):
    (here / "big.toml").write_bytes(MINI.read_bytes())
    size = MINI.stat().st_size
    monkeypatch.setattr(kb, "MAX_BYTES", size - 1)

    def no_reading(self):
        raise AssertionError(f"{self} was read although it is too big")

    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    assert_clean_failure(
        cli("list", "--data", "big.toml"),
        1,
        f"Error: big.toml: is {size:,} bytes; a knowledge base may be at most {size - 1:,} bytes\n",
    )


def test_exactly_max_bytes_is_accepted(cli, here, monkeypatch):
    monkeypatch.setattr(kb, "MAX_BYTES", MINI.stat().st_size)
    assert cli("list", "--data", M, "-f", "csv").code == 0


def test_real_limit_is_four_mebibytes():
    assert kb.MAX_BYTES == 4 * 1024 * 1024


@pytest.mark.parametrize(
    "text",
    ["x = " + "[" * 100000 + "]" * 100000, "x = " + "{a=" * 50000 + "1" + "}" * 50000],
    ids=["arrays", "inline-tables"],
)
def test_absurd_nesting(cli, here, text):
    (here / "deep.toml").write_text(text, encoding="utf-8")
    assert_clean_failure(cli("list", "--data", "deep.toml"), 1, "Error: deep.toml: invalid TOML: nested too deeply\n")


def test_absurd_nesting_in_a_subprocess(here):
    (here / "deep.toml").write_text("x = " + "[" * 100000 + "]" * 100000, encoding="utf-8")
    result = run_process("list", "--data", "deep.toml", cwd=here)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        b"",
        b"Error: deep.toml: invalid TOML: nested too deeply\n",
    )


def test_long_dotted_key_is_refused(cli, here):
    # tomllib needs time and memory quadratic in a dotted key's length: 100,000 parts would take
    # gigabytes. Found by this suite; kb.parse_toml refuses such keys before parsing.
    (here / "dotted.toml").write_text("title = 'x'\n" + "a" + ".a" * 100000 + " = 1\n", encoding="utf-8")
    assert_clean_failure(
        cli("list", "--data", "dotted.toml"),
        1,
        "Error: dotted.toml:2: invalid TOML: a dotted key of more than 100 parts\n",
    )


def test_dotted_key_of_reasonable_length_is_parsed(cli, here):
    (here / "dotted.toml").write_text("a" + ".a" * 99 + " = 1\n", encoding="utf-8")
    result = cli("list", "--data", "dotted.toml")
    assert result.code == 1
    assert (
        "Error: dotted.toml: a: unknown field (a typo? see the README for the fields each table takes)"
        in result.stderr.splitlines()
    )


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

    monkeypatch.setattr(os, "open", denied)  # kb.safe_read opens with os.open (O_NONBLOCK)
    assert_clean_failure(cli("list", "--data", M), 1, f"Error: {M}: permission denied\n")


def test_other_read_error(cli, here, monkeypatch):
    # A cold run: a warm one reads each file's status, not its bytes (fingerprint.py)
    monkeypatch.setenv("CITYAI_CACHE_DIR", str(here / "cache"))

    def broken_disk(descriptor, size):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "read", broken_disk)  # kb.safe_read reads with os.read
    assert_clean_failure(cli("list", "--data", M), 1, f"Error: {M}: cannot read: {os.strerror(errno.EIO)}\n")


# --- environments (real processes) ---------------------------------------------------------------


MINI_TEXT = MINI.read_text(encoding="utf-8")


def with_place_name(name_literal):
    """mini.toml with place 甲 renamed (a TOML basic-string literal, escapes allowed)."""
    return MINI_TEXT.replace('[places."甲"]', f'[places."{name_literal}"]').replace(
        '[[places."甲".', f'[[places."{name_literal}".'
    )


@pytest.mark.parametrize(
    "text",
    [
        # 5 KB: `[` and spaces inside a multi-line string made the header regex backtrack for over a minute.
        'title = """\n[' + " " * 3000 + '\n"""\n',
        "title = '''\n[" + " " * 3000 + "\n'''\n",
        # 20,000 unknown keys in one table: every error rescanned the table for its line.
        "[metrics.x]\n" + "".join(f"k{i} = 1\n" for i in range(20000)),
    ],
    ids=["multiline-basic", "multiline-literal", "many-unknown-keys"],
)
def test_line_map_is_linear(here, text):
    (here / "slow.toml").write_text(text, encoding="utf-8")
    result = run_cityai("list", "--data", "slow.toml", cwd=here)
    assert_clean(result, 1)
    assert result.stderr.startswith(b"Error: slow.toml:")


@pytest.mark.parametrize(
    "text",
    [
        "[" + "a." * 100000 + "a]\nx = 1\n",
        "[[" + "a." * 100000 + "a]]\nx = 1\n",
        "x = {" + "a." * 100000 + "a = 1}\n",
        "x = { b = 1, " + "a . " * 100000 + "a = 1}\n",
    ],
    ids=["header", "array-header", "inline-table", "inline-table-spaced"],
)
def test_long_dotted_keys_are_refused_everywhere(here, text):
    (here / "dotted.toml").write_text("title = 'x'\n" + text, encoding="utf-8")
    result = run_cityai("list", "--data", "dotted.toml", cwd=here)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        b"",
        b"Error: dotted.toml:2: invalid TOML: a dotted key of more than 100 parts\n",
    )


def test_dots_in_strings_and_numbers_are_not_key_parts(here):
    text = MINI_TEXT.replace('english = "Alpha"', 'english = "' + "." * 500 + '"\nnote = 1.5')
    (here / "dots.toml").write_text(text, encoding="utf-8")
    result = run_cityai("list", "--data", "dots.toml", cwd=here)
    assert b"dotted key" not in result.stderr


def test_line_map_skips_strings_and_arrays_and_counts_nested_arrays():
    text = (
        '[[a]]\nx = 1\n[[a.b]]\ny = 1\n[[a]]\n[[a.b]]\ny = 2\n[c]\nd.e = 1\nf = [\n["g"]\n]\ns = """\n[h]\nk = 1\n"""\n'
    )
    lines = kb.LineMap(text)
    assert lines.line_of(("a", 1, "b", 0, "y")) == 7
    assert lines.line_of(("a", 0, "b", 0, "y")) == 4
    assert lines.line_of(("c", "d", "e")) == 9
    assert lines.line_of(("g",)) is None and lines.line_of(("h",)) is None
    assert lines.line_of(("c", "k")) == 8  # k is text in a string: the table's own line


@pytest.mark.parametrize(
    "literal, shown, message",
    [
        (
            "\\u001b]0;pwned\\u0007",
            "\\x1b]0;pwned\\x07",
            "key contains the control or invisible character U+001B at position 1",
        ),
        ("甲\\u200b", "甲\\u200b", "key contains the control or invisible character U+200B at position 2"),
        ("\\u202e甲", "\\u202e甲", "key contains the control or invisible character U+202E at position 1"),
        ("甲\\u0085", "甲\\x85", "key contains the control or invisible character U+0085 at position 2"),
    ],
)
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
    assert lines[0] == (
        "k.toml:65: places.x\\x0ak.toml: OK: key contains the control or invisible character "
        "U+000A at position 2; remove it"
    )
    assert not any(line.startswith("k.toml: OK") for line in lines + result.stderr.splitlines())


@pytest.mark.parametrize(
    "value, message",
    [
        ("\\u001b[2J", "text contains the control or invisible character U+001B at position 1; remove it"),
        ("a\\rb", "text contains the control or invisible character U+000D at position 2; remove it"),
        ("\\u2066x\\u2069", "text contains the control or invisible character U+2066 at position 1; remove it"),
        ("\\ufeffx", "text contains the control or invisible character U+FEFF at position 1; remove it"),
    ],
)
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
