"""text.py: which characters a base may hold and how output escapes them (issue 24, item 3)."""
import unicodedata

import pytest

from cityai_cli.core.text import (
    CONTROL_IN_KEY,
    CONTROL_IN_VALUE,
    DEFAULT_IGNORABLE,
    from_shell,
    is_default_ignorable,
    one_line,
    printable,
)

# Every character the issue names, and one of each range of Unicode's Default_Ignorable_Code_Point.
LOOK_ALIKES = ["\ufe00", "\ufe0f", "\U000e0100", "\U000e01ef", "\u3164", "\u115f", "\u1160", "\uffa0", "\u034f",
               "\u17b4", "\u17b5", "\u180b", "\u180f", "\u2065", "\ufff0", "\U0001bca0", "\U0001d173", "\U000e0fff"]


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
    visible_format = {0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2,
                      0x110BD, 0x110CD, 0xFFF9, 0xFFFA, 0xFFFB}
    missing = [hex(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Cf"
               and code not in visible_format and not is_default_ignorable(chr(code))
               and not 0x13430 <= code <= 0x1345F and not 0x1BCA0 <= code <= 0x1BCA3]
    assert missing == []


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_every_renderer_escapes_look_alikes(fmt):
    import json

    from cityai_cli.render import render
    from cityai_cli.core.report import Column, Report, Table
    text = "深\ufe00圳\U000e0100 \u3164\u034f"
    out = render(Report([Table("t", "title", [Column("name", "name")], [{"name": text}])]), fmt)
    assert not any(char in out for char in "\ufe00\U000e0100\u3164\u034f")
    if fmt == "json":  # a character beyond the BMP is a surrogate pair: the JSON decodes to the same text
        assert "\\udb40\\udd00" in out and json.loads(out)[0]["name"] == text


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
