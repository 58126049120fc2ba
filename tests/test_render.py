"""Renderers: same records in every format; CSV is RFC 4180 and spreadsheet-safe; text is inert."""
import csv
import io
import json
from collections import Counter
from decimal import Decimal

import pytest

from cityai_cli.render import Options, printable, render
from cityai_cli.report import Column, Report, Table


def report(*tables):
    return Report(list(tables))


ROWS = [{"name": "=HYPERLINK(\"http://e.vil\")", "value": Decimal("-5"), "note": "[bold]x[/bold]\x1b[31m"},
        {"name": "plain", "value": None, "note": "a|b\nc"}]
COLUMNS = [Column("name", "名称"), Column("value", "数值", "number"), Column("note", "备注")]


def test_csv_is_crlf_utf8_with_english_keys():
    text = render(report(Table("t", "T", COLUMNS, ROWS)), "csv")
    assert text.split("\r\n")[0] == "name,value,note"
    assert text.endswith("\r\n")


def test_csv_neutralises_formulas_but_keeps_numbers():
    rows = list(csv.reader(io.StringIO(render(report(Table("t", "T", COLUMNS, ROWS)), "csv"))))
    assert rows[1] == ["'=HYPERLINK(\"http://e.vil\")", "-5", "[bold]x[/bold]\\x1b[31m"]   # controls escaped
    assert rows[2] == ["plain", "", "a|b\nc"]


def test_csv_of_several_tables_is_the_primary_table_alone():
    second = Table("u", "U", [Column("name", "名称"), Column("extra", "多")], [{"name": "n", "extra": "e"}])
    rows = list(csv.reader(io.StringIO(render(report(Table("t", "T", COLUMNS, ROWS[1:]), second), "csv"))))
    assert rows == [["name", "value", "note"], ["plain", "", "a|b\nc"]]
    both = report(Table("t", "T", COLUMNS, ROWS[1:]), second)
    both.primary = 1
    assert list(csv.reader(io.StringIO(render(both, "csv")))) == [["name", "extra"], ["n", "e"]]


def test_nested_values_are_lists_in_csv_and_objects_in_json():
    columns = [Column("sources", "来源"), Column("citations", "引文"), Column("_hidden", "x", in_table=False)]
    rows = [{"sources": ["a", "b"], "citations": [{"source": "a", "quote": "=1", "_quantity": object()}]}]
    text = render(report(Table("t", "T", columns, rows)), "csv")
    assert list(csv.reader(io.StringIO(text)))[1] == ["a;b", '[{"source": "a", "quote": "=1"}]', ""]
    assert json.loads(render(report(Table("t", "T", columns, rows)), "json")) == [
        {"sources": ["a", "b"], "citations": [{"source": "a", "quote": "=1"}], "_hidden": None}]


def test_json_numbers_are_numbers_and_unknown_is_null():
    data = json.loads(render(report(Table("t", "T", COLUMNS, ROWS)), "json"))
    assert data[0]["value"] == -5 and data[1]["value"] is None


def test_markdown_escapes_pipes_newlines_and_controls():
    text = render(report(Table("t", "T", COLUMNS, ROWS)), "markdown")
    assert "| plain | — | a\\|b<br>c |" in text
    assert "[bold]x[/bold]\\\\x1b[31m" in text


def test_table_prints_markup_literally_and_escapes_controls():
    text = render(report(Table("t", "T", COLUMNS, ROWS)), "table", Options(width=120))
    assert "[bold]x[/bold]\\x1b[31m" in text
    assert "\x1b" not in text


def test_table_with_colour_still_never_interprets_data():
    text = render(report(Table("t", "T", COLUMNS, ROWS)), "table", Options(width=120, color=True))
    assert "[bold]x[/bold]" in text
    assert "\x1b[31m" not in text


def test_empty_table_says_none():
    assert "(none)" in render(report(Table("t", "T", COLUMNS, [])), "table", Options(width=80))
    assert "_(none)_" in render(report(Table("t", "T", COLUMNS, [])), "markdown")


def test_printable_escapes_bidi_overrides():
    assert printable("a\u202eb\x07") == "a\\u202eb\\x07"


def test_narrow_terminal_stacks_records_and_keeps_every_cell():
    table = Table("t", "T", COLUMNS, ROWS)
    text = render(report(table), "table", Options(width=40, chart=False))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 40
    assert "名称  =HYPERLINK(\"http://e.vil\")" in text.replace("    ", "  ")
    assert "备注  a|b" in text.replace("    ", "  ")


def test_chart_bars_scale_to_the_largest_value():
    rows = [{"name": "a", "value": Decimal(100), "note": ""}, {"name": "b", "value": Decimal(50), "note": ""}]
    chart = Table("t", "T", COLUMNS, rows, chart="value")
    wide = render(report(chart), "table", Options(width=120, chart=True))
    assert "█" * 24 in wide and "█" * 12 + " " in wide
    narrow = render(report(chart), "table", Options(width=40, chart=True))
    assert "█" * 8 + "\n" in narrow.replace(" \n", "\n") and "█" * 4 + "\n" in narrow.replace(" \n", "\n")
    assert "█" * 9 not in narrow


@pytest.mark.parametrize("width", [72, 80, 100, 130])
def test_chart_bar_is_never_cropped(width):
    # Rich used to squeeze the bar column and end the longest bar with "…".
    rows = [{"name": "a" * 30, "value": Decimal(100), "note": "b" * 60}]
    text = render(report(Table("t", "T", COLUMNS, rows, chart="value")), "table", Options(width=width, chart=True))
    assert "█" * max(8, min(24, width // 5)) in text and "…" not in text


def _ink(text: str) -> Counter:
    """Characters that carry content: no spaces, no box drawing, no wrapping artefacts."""
    return Counter(ch for ch in text if not ch.isspace() and not ("\u2500" <= ch <= "\u257f"))


@pytest.mark.parametrize("width", [40, 60, 72, 80, 100, 130, 200])
@pytest.mark.parametrize("command", ["show", "compare", "subsidies"])
def test_no_cell_loses_a_character_at_any_width(project, command, width):
    """Rich crops cells it cannot fit; every character of every shown cell must still be printed."""
    from cityai_cli.query import compare, places, subsidies
    from cityai_cli.view import view
    result = {"show": lambda: places.show_place(project.base, "东莞"),
              "compare": lambda: compare.compare(project.base, ["深圳", "上海", "北京"]),
              "subsidies": lambda: subsidies.list_programmes(project.base, spend=Decimal(3000000))}[command]()
    report = view(project.base, result, "zh")
    printed = _ink(render(report, "table", Options(width=width)))
    expected = _ink("".join(printable(t.title) + "".join(printable(c.header) for c in t.columns if c.in_table)
                            + "".join(printable(c.show(r)) for r in t.rows for c in t.columns if c.in_table)
                            for t in report.tables))
    missing = expected - printed
    assert not missing, "".join(sorted(missing.elements()))


def test_csv_lists_of_words_are_joined_then_guarded_like_any_text():
    from cityai_cli.render.csv_format import cell

    assert cell(["=cmd", "b"], "text") == "'=cmd;b"
    assert cell(["a\x1b[2J", "b"], "text") == "a\\x1b[2J;b"
    assert cell(["-1", "2"], "number") == "'-1;2"  # a joined list is text, whatever the column
    assert cell([Decimal("1.50"), 2, "x"], "text") == "1.5;2;x"


def test_csv_nested_records_are_one_json_document_with_controls_escaped():
    from cityai_cli.render.csv_format import cell

    assert cell([{"quote": "a\u202eb", "value": Decimal("2.50")}], "text") == '[{"quote": "a\\u202eb", "value": 2.5}]'
    assert cell({"n": Decimal("3")}, "text") == '{"n": 3}'
