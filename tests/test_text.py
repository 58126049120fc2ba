"""text.py: which characters a base may hold and how output escapes them (issue 24, item 3)."""

import json
import signal
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityai_cli.core.text import (
    CONTROL_IN_KEY,
    CONTROL_IN_VALUE,
    DEFAULT_IGNORABLE,
    NFKC_KEEPS,
    from_shell,
    is_default_ignorable,
    nfkc,
    one_line,
    printable,
)
from conftest import HANG_TIMEOUT, MINI, RAW

# Every character the issue names, and one of each range of Unicode's Default_Ignorable_Code_Point.
LOOK_ALIKES = [
    "\ufe00",
    "\ufe0f",
    "\U000e0100",
    "\U000e01ef",
    "\u3164",
    "\u115f",
    "\u1160",
    "\uffa0",
    "\u034f",
    "\u17b4",
    "\u17b5",
    "\u180b",
    "\u180f",
    "\u2065",
    "\ufff0",
    "\U0001bca0",
    "\U0001d173",
    "\U000e0fff",
]


@pytest.mark.parametrize("char", LOOK_ALIKES)
def test_every_default_ignorable_is_refused_and_escaped(char):
    code = ord(char)
    escape = f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    assert is_default_ignorable(char)
    assert CONTROL_IN_KEY.search(f"深{char}圳") and CONTROL_IN_VALUE.search(f"深{char}圳")
    assert one_line(f"深{char}圳") == f"深{escape}圳"
    assert printable(f"深{char}圳") == f"深{escape}圳"


def test_visible_neighbours_of_the_ranges_pass():
    # the first character after each range and before it (where that is a visible one)
    for char in ["\u034e", "\u0350", "\u3163", "\u3165", "\ufe10", "\uffa1", "深", "é", "\u17b6"]:
        assert not is_default_ignorable(char) and printable(char) == char
        assert not CONTROL_IN_KEY.search(char)


def test_the_table_is_sorted_and_disjoint():
    # a table written by hand: an overlap or a typo in the order would hide a mistake
    assert all(low <= high for low, high in DEFAULT_IGNORABLE)
    assert all(a[1] < b[0] for a, b in zip(DEFAULT_IGNORABLE, DEFAULT_IGNORABLE[1:]))


def test_every_format_character_python_knows_in_the_ranges_is_in_the_table():
    # Python's unicodedata has no Default_Ignorable property; Cf characters outside the table are
    # the visible ones the property leaves out (U+0600 ARABIC NUMBER SIGN, U+06DD …)
    visible_format = {
        0x0600,
        0x0601,
        0x0602,
        0x0603,
        0x0604,
        0x0605,
        0x06DD,
        0x070F,
        0x0890,
        0x0891,
        0x08E2,
        0x110BD,
        0x110CD,
        0xFFF9,
        0xFFFA,
        0xFFFB,
    }
    missing = [
        hex(code)
        for code in range(0x110000)
        if unicodedata.category(chr(code)) == "Cf"
        and code not in visible_format
        and not is_default_ignorable(chr(code))
        and not 0x13430 <= code <= 0x1345F
        and not 0x1BCA0 <= code <= 0x1BCA3
    ]
    assert missing == []


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_every_renderer_escapes_look_alikes(fmt):
    import json

    from cityai_cli.core.report import Column, Report, Table
    from cityai_cli.render import render

    text = "深\ufe00圳\U000e0100 \u3164\u034f"
    out = render(Report([Table("t", "title", [Column("name", "name")], [{"name": text}])]), fmt)
    assert not any(char in out for char in "\ufe00\U000e0100\u3164\u034f")
    if fmt == "json":  # a character beyond the BMP is a surrogate pair: the JSON decodes to the same text
        assert "\\udb40\\udd00" in out and json.loads(out)[0]["name"] == text


MINI_TEXT = MINI.read_text(encoding="utf-8")


HOSTILE_PIECES = [
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x00",
    "\x7f",
    "\x85",
    "\x9b2J",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\r",
    "\n",
    "\t",
    "=",
    "+",
    "-",
    "@",
    "=cmd|' /C calc'!A0",
    "<img onerror=x>",
    "&amp;",
    "|",
    "[",
    "[" + " " * 3000,
    "[[",
    "]",
    '"',
    "'",
    "\\",
    '"""',
    "甲",
    "深圳市",
    "2800",
    "一亿五千万",
]


hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=5)), max_size=6).map("".join)


def toml_string(text):
    """A TOML basic string of `text` (json escapes are TOML escapes; raw DEL/C1 may make it invalid TOML,
    which is fine: that is a clean error too)."""
    return json.dumps(text, ensure_ascii=False)


def hostile_base(field, text):
    value = toml_string(text)
    if field == "place":
        return MINI_TEXT.replace('[places."甲"]', f"[places.{value}]").replace('[[places."甲".', f"[[places.{value}.")
    if field == "note":  # schema 2: a quote sits inside an inline `citations` table; the note is the fact's
        anchor = 'value = "超2800家"\n'
        return MINI_TEXT.replace(anchor, f"{anchor}note = {value}\n", 1)
    if field == "title":
        return MINI_TEXT.replace('title = "三城数据"', f"title = {value}")
    if field == "scope_key":  # a fact's scope is a declared key: the message refusing it quotes the text
        return MINI_TEXT.replace('scope = "ai_related"', f"scope = {value}")
    # schema 2: the scope's free text is its name in the metric's scope vocabulary
    return MINI_TEXT.replace('zh = "人工智能相关企业"', f"zh = {value}")


class Hang(Exception):
    pass


def test_messages_escape_what_they_quote():
    from cityai_cli.core.errors import Problem, UsageError

    problem = Problem("a\x1bb.toml", "bad \x9b value\nforged", 3, None, "places.\u202e甲")
    assert str(problem) == "a\\x1bb.toml:3: places.\\u202e甲: bad \\x9b value\\x0aforged"
    assert str(UsageError("unknown \x1b[2J", ["\u2066x"])) == "unknown \\x1b[2J (did you mean: \\u2066x?)"


@pytest.mark.parametrize("field", ["place", "note", "title", "scope", "scope_key"])
def test_hostile_base_puts_the_text_where_it_says(field):
    """Each field's anchor is still in the fixture and the substitution is valid TOML, so the
    property below tests hostile text in that field, not a parse error or an unchanged base."""
    from cityai_cli.core.base.reading import tomllib

    base = hostile_base(field, "HOSTILE")
    assert base != MINI_TEXT and "HOSTILE" in base
    tomllib.loads(base)


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
        for args in (
            ["validate", str(path)],
            *[
                [command, *extra, "-f", fmt, "--data", str(path)]
                for command, extra in (("list", []), ("show", ["乙", "--sources"]), ("sources", []))
                for fmt in ("table", "csv", "json", "markdown")
            ],
        ):
            result = runner.invoke(app, args, catch_exceptions=True, env={"COLUMNS": "120"})
            assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
            assert result.exit_code in (0, 1, 2), args
            for stream in (result.stdout, result.stderr):
                assert "Traceback" not in stream
                found = RAW.search(stream.replace("\r\n", "\n"))
                assert not found, (args, stream[max(0, found.start() - 40) : found.end() + 40])
    finally:
        if previous is not None:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "char",
    ["\u2028", "\u2029", "\u200e", "\u200f", "\u061c", "\u00ad", "\u180e", "\u2061", "\u206a", "\ufff9", "\U000e0041"],
)
def test_invisible_and_line_breaking_characters_are_escaped_and_refused(char):
    from cityai_cli.core.base.reading import tomllib
    from cityai_cli.core.text import CONTROL_IN_VALUE, printable, toml_string

    assert char not in printable(f"a{char}b") and printable(f"a{char}b").startswith("a\\")
    written = toml_string(f"a{char}b")
    assert char not in written and tomllib.loads(f"k = {written}")["k"] == f"a{char}b"
    assert CONTROL_IN_VALUE.search(f"a{char}b")  # the loader refuses it in any string of a base


def test_a_message_quoting_something_huge_keeps_its_start_and_end():
    from cityai_cli.core.errors import MESSAGE_LIMIT, Problem, UsageError

    quote = "甲" * 1_000_000
    text = str(Problem("kb.toml", f"quote not found in mini.txt: {quote!r}", 3, None, "places.甲"))
    whole = f"kb.toml:3: places.甲: quote not found in mini.txt: {quote!r}"
    assert text == f"{whole[:500]} … ({len(whole) - 1000} characters left out) … {whole[-500:]}"
    assert text.startswith("kb.toml:3: places.甲: quote not found in mini.txt: '甲甲") and text.endswith("甲'")
    assert len(str(UsageError("x" * 5000))) < MESSAGE_LIMIT + 50
    assert str(UsageError("unknown place '甲'")) == "unknown place '甲'"  # short ones whole


def as_an_ascii_locale_decodes(text: str) -> str:
    """An argument as Python decodes argv under LC_ALL=C PYTHONUTF8=0: each non-ASCII byte a surrogate."""
    return text.encode("utf-8").decode("ascii", "surrogateescape")


def test_from_shell_decodes_the_utf8_an_ascii_locale_left_as_surrogates():
    assert as_an_ascii_locale_decodes("深圳") == "\udce6\udcb7\udcb1\udce5\udc9c\udcb3"
    assert from_shell(as_an_ascii_locale_decodes("深圳")) == "深圳"
    assert from_shell(as_an_ascii_locale_decodes("３００万")) == "３００万"
    assert from_shell("深圳 Shenzhen") == "深圳 Shenzhen"


def test_from_shell_leaves_bytes_that_are_no_utf8():
    not_utf8 = b"\xff\xfe".decode("ascii", "surrogateescape")
    assert from_shell(not_utf8) == "\udcff\udcfe"


def test_what_nfkc_takes_as_kept_nfkc_keeps_alone_and_in_pairs():
    kept = [chr(code) for code in range(0x80)] + list(NFKC_KEEPS)
    ideographs = [chr(code) for code in range(0x4E00, 0xA000)]
    for character in kept + ideographs:
        assert unicodedata.normalize("NFKC", character) == character and not unicodedata.combining(character)
    for first in kept:
        for second in kept + ideographs[::97]:
            for pair in (first + second, second + first):
                assert unicodedata.normalize("NFKC", pair) == pair, pair


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("Aa1 -（）ＡＡ①…ǎ\u0301\u3000深圳") + list(NFKC_KEEPS))) | st.text())
def test_nfkc_is_unicodedatas(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


_NEAR_EDGES = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0x300, max_codepoint=0x3200),
        st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010),  # surrogates, lone
        st.characters(min_codepoint=0xFE00, max_codepoint=0xFFFF),
        st.characters(min_codepoint=0x1D170, max_codepoint=0x1D17F),
        st.characters(min_codepoint=0xE0000, max_codepoint=0xE01FF),
    ),
    max_size=8,
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(_NEAR_EDGES)
def test_the_checks_without_patterns_find_what_the_patterns_find(text):
    import re

    from cityai_cli.core.text import _PRINTABLE_IGNORABLE, _character_class, holds_shell_bytes

    assert holds_shell_bytes(text) == bool(re.search("[\udc80-\udcff]", text))
    if text.isprintable():
        ignorable = re.compile(f"[{_character_class(DEFAULT_IGNORABLE)}]")
        assert (_PRINTABLE_IGNORABLE.search(text) is None) == (ignorable.search(text) is None)


def test_the_printable_ignorable_characters_are_those_of_default_ignorable_that_are_printable():
    from cityai_cli.core.text import PRINTABLE_IGNORABLE

    listed = {chr(code) for low, high in PRINTABLE_IGNORABLE for code in range(low, high + 1)}
    derived = {chr(code) for low, high in DEFAULT_IGNORABLE for code in range(low, high + 1) if chr(code).isprintable()}
    # Every one this Python prints; the list may hold more (Python 3.9's Unicode 13 has no U+180F,
    # unassigned and so not printable there: such text never takes the fast path anyway).
    assert derived <= listed and listed <= {
        chr(code) for low, high in DEFAULT_IGNORABLE for code in range(low, high + 1)
    }
    assert len(listed - derived) <= 1
