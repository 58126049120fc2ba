"""packed.py: lists kept as text in the cache and its memo, read back as written, or refused."""

import pytest

from cityai_cli.core.packed import join_fields, join_texts, split_fields, split_texts


def test_rows_of_text_read_back_as_written():
    rows = [["甲", "", "行\n制\t表"], [], ["\x00\x1b\u2028"]]
    text = join_texts(rows)
    assert text == "\x1e\x1f甲\x1f\x1f行\n制\t表\x1e\x1e\x1f\x00\x1b\u2028"
    assert split_texts(text) == rows and split_texts(join_texts([])) == [] and join_texts([]) == ""
    assert split_texts(join_texts([("a", "b")]), 2) == [["a", "b"]]


@pytest.mark.parametrize("item", ["a\x1eb", "\x1f", "x\x1f\x1e"])
def test_text_holding_a_separator_is_refused_when_written(item):
    with pytest.raises(ValueError, match="U\\+001E or U\\+001F cannot be kept"):
        join_texts([["ok", item]])


@pytest.mark.parametrize(
    ("text", "width"), [("a", None), ("\x1ea\x1fb", None), ("\x1e\x1fa", 2), ("\x1e\x1fa\x1fb\x1fc", 2), ("\x1e", 1)]
)
def test_text_join_texts_never_writes_is_refused(text, width):
    with pytest.raises(ValueError):
        split_texts(text, width)


def test_rows_of_fields_read_back_with_their_types():
    odd = "/a b/\n\udcff\x00名"  # spaces, a line break, an undecodable byte kept as a surrogate, NUL
    rows = [[odd, 0, -12, None, ""], ["x"]]
    text = join_fields(rows)
    assert text == f"s{odd.encode('utf-8', 'surrogateescape').hex()} i0 i-12 n s\nsxx".replace("sxx", "s78")
    assert split_fields(text) == rows and split_fields(join_fields([])) == []


@pytest.mark.parametrize(
    "text", ["x1", "i", "i1.5", "i١", "i--1", "nn", "sZZ", "s0", "i1 ", "\n", "s" + "ff" * 2 + " q"]
)
def test_fields_join_fields_never_writes_are_refused(text):
    with pytest.raises(ValueError):
        split_fields(text)


@pytest.mark.parametrize("value", [True, 1.5, b"x", ["x"]])
def test_only_text_whole_numbers_and_none_are_kept_as_fields(value):
    with pytest.raises(TypeError, match="a kept field is a text, a whole number or None"):
        join_fields([[value]])
