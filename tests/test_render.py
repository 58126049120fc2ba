"""Renderers: same records in every format; CSV is RFC 4180 and spreadsheet-safe; text is inert."""

import csv
import html.parser
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal

import pytest

from cityai_cli.core.report import Column, Report, Table
from cityai_cli.render import Options, printable, render
from conftest import INJECT, MINI, RAW, run_process, write_base


def report(*tables):
    return Report(list(tables))


ROWS = [
    {"name": '=HYPERLINK("http://e.vil")', "value": Decimal("-5"), "note": "[bold]x[/bold]\x1b[31m"},
    {"name": "plain", "value": None, "note": "a|b\nc"},
]
COLUMNS = [Column("name", "名称"), Column("value", "数值", "number"), Column("note", "备注")]


def test_csv_is_crlf_utf8_with_english_keys():
    text = render(report(Table("t", "T", COLUMNS, ROWS)), "csv")
    assert text.split("\r\n")[0] == "name,value,note"
    assert text.endswith("\r\n")


def test_csv_neutralises_formulas_but_keeps_numbers():
    rows = list(csv.reader(io.StringIO(render(report(Table("t", "T", COLUMNS, ROWS)), "csv"))))
    assert rows[1] == ['\'=HYPERLINK("http://e.vil")', "-5", "[bold]x[/bold]\\x1b[31m"]  # controls escaped
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
    assert list(csv.reader(io.StringIO(text))) == [["sources", "citation_count", "_hidden"], ["a;b", "1", ""]]
    assert json.loads(render(report(Table("t", "T", columns, rows)), "json")) == [
        {"sources": ["a", "b"], "citations": [{"source": "a", "quote": "=1"}], "_hidden": None}
    ]


# --- streaming: many rows are written in pieces, and the pieces are the whole output -------------


def _many_rows(count):
    """Rows with text that needs escaping, numbers, unknowns and a nested list, `count` of them."""
    return [
        {
            "name": f"城{n}\u202e" if n % 7 == 0 else f"=城{n}",
            "value": Decimal(n) / 4 if n % 3 else None,
            "note": ["a", "b\x1b"] if n % 2 else "一\n二",
        }
        for n in range(count)
    ]


MANY = [Column("name", "名称"), Column("value", "数值", "number"), Column("note", "备注")]


def test_csv_of_many_rows_comes_in_pieces_that_join_to_the_whole_table():
    from cityai_cli.render import chunks
    from cityai_cli.render.csv_format import cell

    rows = _many_rows(10_000)
    pieces = list(chunks(report(Table("t", "T", MANY, rows)), "csv"))
    out = io.StringIO()  # the output as it was made before it streamed: one writer, every row at once
    csv.writer(out, lineterminator="\r\n").writerows(
        [["name", "value", "note"]] + [[cell(row[c.key], c.kind) for c in MANY] for row in rows]
    )
    assert len(pieces) > 2 and "".join(pieces) == out.getvalue()
    assert pieces[0] == "name,value,note\r\n"  # the header first: what --citations refuses comes before it


def test_json_of_many_rows_comes_in_pieces_that_join_to_json_dumps_of_the_whole():
    from cityai_cli.render import chunks
    from cityai_cli.render.json_format import _plain

    rows = _many_rows(10_000)
    pieces = list(chunks(report(Table("t", "T", MANY, rows)), "json"))
    records = [{c.key: c.get(row) for c in MANY} for row in rows]
    whole = json.dumps(records, ensure_ascii=False, indent=2, default=_plain) + "\n"
    assert len(pieces) > 2
    assert "".join(pieces) == whole.replace("\u202e", "\\u202e")  # json.dumps keeps it raw; cityai never
    assert json.loads("".join(pieces)) == json.loads(whole)


@pytest.mark.parametrize("sizes", [(3, 0, 2), (0,), (), (2,)])
def test_json_of_several_tables_is_json_dumps_of_the_object(sizes):
    from cityai_cli.render.json_format import _plain

    tables = [Table(f"t{n}", "T", MANY, _many_rows(size)) for n, size in enumerate(sizes)]
    both = Report(tables)
    both.single = False  # a command of several tables (show) keeps its object shape with one or none
    data = {table.name: [{c.key: c.get(row) for c in MANY} for row in table.rows] for table in tables}
    expected = json.dumps(data, ensure_ascii=False, indent=2, default=_plain).replace("\u202e", "\\u202e")
    assert render(both, "json") == expected + "\n"


@pytest.mark.parametrize("sizes", [(3, 0, 2), (0,), (), (4,)])
def test_json_encoded_record_by_record_is_what_one_encoding_writes(sizes):
    # Python 3.13+ takes the first way, older ones the second: each is checked on every version.
    from cityai_cli.render.json_format import _ENCODER, _Records, by_record

    tables = [Table(f"t{n}", "T", MANY, _many_rows(size)) for n, size in enumerate(sizes)]
    for data in ([_Records(table) for table in tables[:1]] or [_Records(Table("t", "T", MANY, []))]) + [
        {table.name: _Records(table) for table in tables}
    ]:
        assert "".join(by_record(data)) == "".join(_ENCODER.iterencode(data))


def test_markdown_of_many_rows_comes_in_pieces():
    from cityai_cli.render import chunks

    tables = [Table("t", "T", MANY, _many_rows(5_000)), Table("u", "U", MANY, [])]
    pieces = list(chunks(report(*tables), "markdown"))
    lines = "".join(pieces).split("\n")
    assert len(pieces) > 2 and lines[:3] == ["### T", "", "| 名称 | 数值 | 备注 |"]
    assert lines[5004:] == ["", "### U", "", "_(none)_", ""]


def test_the_terminal_table_is_one_piece():
    from cityai_cli.render import chunks

    assert len(list(chunks(report(Table("t", "T", MANY, _many_rows(300))), "table", Options(width=80)))) == 1


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
    assert '名称  =HYPERLINK("http://e.vil")' in text.replace("    ", "  ")
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


@pytest.mark.bundled
@pytest.mark.parametrize("width", [40, 60, 72, 80, 100, 130, 200])
@pytest.mark.parametrize("command", ["show", "compare", "subsidies"])
def test_no_cell_loses_a_character_at_any_width(project, command, width):
    """Rich crops cells it cannot fit; every character of every shown cell must still be printed."""
    from cityai_cli.core.query import compare, subsidies
    from cityai_cli.core.query import listings as places
    from cityai_cli.view import view

    result = {
        "show": lambda: places.show_place(project.base, "东莞"),
        "compare": lambda: compare.compare(project.base, ["深圳", "上海", "北京"]),
        "subsidies": lambda: subsidies.list_programmes(project.base, spend=Decimal(3000000)),
    }[command]()
    report = view(project.base, result, "zh")
    printed = _ink(render(report, "table", Options(width=width)))
    # A source id or a note is printed once under its table, however many rows carry its marker.
    footnotes = {
        text
        for t in report.tables
        for r in t.rows
        for c in t.columns
        if c.in_table and c.role
        for text in (printable(c.show(r)).split(", ") if c.role == "sources" else [printable(c.show(r))])
        if text != "—"
    }  # a cell without a note is left blank
    expected = _ink(
        "".join(
            printable(t.title)
            + "".join(printable(c.header) for c in t.columns if c.in_table and not (c.role and c.beside))
            + "".join(printable(c.show(r)) for r in t.rows for c in t.columns if c.in_table and not c.role)
            for t in report.tables
        )
        + "".join(footnotes)
    )
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


# Footnotes, the no-data line and widths, on small synthetic tables: each rule pinned on its own.
def _footnoted_table(**table):
    columns = [
        Column("name", "名称"),
        Column("value", "数值", "number"),
        Column("sources", "来源", atomic=True, role="sources"),
        Column("why", "说明", role="note"),
    ]
    rows = [
        {"name": "甲", "value": Decimal(3), "sources": ["s-b", "s-a"], "why": "年份不同"},
        {"name": "乙", "value": Decimal(2), "sources": ["s-a"], "why": ""},
        {"name": "丙", "value": Decimal(1), "sources": ["s-c"], "why": "年份不同"},
        {"name": "丁", "value": None, "sources": [], "why": None},
    ]
    return Table("t", "T", columns, rows, **table)


def _lines(text):
    return [line.rstrip() for line in text.splitlines()]


def test_source_ids_become_markers_numbered_in_order_of_appearance_with_a_legend():
    lines = _lines(render(report(_footnoted_table()), "table", Options(width=80)))
    assert lines[0] == "T"
    assert lines[1].split() == ["名称", "数值", "来源", "说明"]  # one header row
    assert lines[3].split() == ["甲", "3", "[1]", "[2]", "[4]"]  # the cell's markers in order
    assert lines[4].split() == ["乙", "2", "[2]"]
    assert lines[5].split() == ["丙", "1", "[3]", "[4]"]  # one note, one number
    assert lines[6].split() == ["丁", "—"]
    assert lines[7:] == ["[1] s-b  [2] s-a  [3] s-c", "[4] 年份不同"]


def test_machine_formats_keep_full_ids_and_notes():
    data = json.loads(render(report(_footnoted_table()), "json"))
    assert data[0]["sources"] == ["s-b", "s-a"] and data[0]["why"] == "年份不同"
    assert "[1]" not in render(report(_footnoted_table()), "csv")
    assert "| 甲 | 3 | s-b, s-a | 年份不同 |" in render(report(_footnoted_table()), "markdown")


def test_rows_without_data_are_one_line_under_the_table_unless_all_rows():
    table = _footnoted_table(absent=lambda r: r["name"] if r["value"] is None else None, absent_label="无数据")
    lines = _lines(render(report(table), "table", Options(width=80)))
    assert lines[-1] == "无数据 (1): 丁"
    assert not any(line.startswith("丁") for line in lines)
    every = _lines(render(report(table), "table", Options(width=80, all_rows=True)))
    assert every[6].split() == ["丁", "—"] and not any("无数据" in line for line in every)
    assert len(json.loads(render(report(table), "json"))) == 4  # machine formats: every record


def test_the_no_data_line_folds_between_names_never_inside_one():
    rows = [{"name": f"Place {i}", "value": None} for i in range(8)] + [{"name": "Shown", "value": Decimal(1)}]
    table = Table(
        "t", "T", COLUMNS[:2], rows, absent=lambda r: r["name"] if r["value"] is None else None, absent_label="No data"
    )
    lines = _lines(render(report(table), "table", Options(width=40)))
    tail = lines[lines.index(next(line for line in lines if line.startswith("No data"))) :]
    assert tail == ["No data (8): Place 0, Place 1, Place 2,", "Place 3, Place 4, Place 5, Place 6,", "Place 7"]


def test_the_no_data_line_names_three_lines_of_places_then_an_ellipsis():
    rows = [{"name": f"Place {i}", "value": None} for i in range(3000)] + [{"name": "Shown", "value": Decimal(1)}]
    table = Table(
        "t", "T", COLUMNS[:2], rows, absent=lambda r: r["name"] if r["value"] is None else None, absent_label="No data"
    )
    lines = _lines(render(report(table), "table", Options(width=40)))
    tail = lines[lines.index(next(line for line in lines if line.startswith("No data"))) :]
    assert tail == [
        "No data (3000): Place 0, Place 1,",
        "Place 2, Place 3, Place 4, Place 5,",
        "Place 6, Place 7, Place 8, Place 9, …",
    ]
    assert len(json.loads(render(report(table), "json"))) == 3001


def test_a_labelled_note_beside_a_cell_says_what_it_is():
    columns = [
        Column("name", "名称"),
        Column("rate", "比例", atomic=True),
        Column("special", "特殊比例", role="labelled", beside="rate"),
        Column("sources", "来源", atomic=True, role="sources", beside="name"),
    ]
    rows = [
        {"name": "甲券", "rate": "不超过50%", "special": "60% [startup]", "sources": ["s"]},
        {"name": "乙券", "rate": "—", "special": "", "sources": ["s"]},
    ]
    lines = _lines(render(report(Table("t", "T", columns, rows)), "table", Options(width=80)))
    assert lines[1].split() == ["名称", "比例"]  # no column of its own
    assert lines[3].split() == ["甲券", "[1]", "不超过50%", "[2]"]
    assert lines[-2:] == ["[1] s", "[2] 特殊比例: 60% [startup]"]


def test_a_table_stacks_only_under_60_columns():
    table = _footnoted_table()
    assert _lines(render(report(table), "table", Options(width=60)))[1].split() == ["名称", "数值", "来源", "说明"]
    stacked = _lines(render(report(table), "table", Options(width=59)))
    assert stacked[1].startswith("─") and stacked[2].split() == ["名称", "甲"]


def test_a_name_is_not_cut_into_short_pieces_while_another_column_has_room():
    # The note column could fold to 8 cells; the name takes the room instead of folding 东莞算力/券.
    columns = [Column("name", "名称"), Column("note", "备注")]
    rows = [{"name": "东莞算力券", "note": "a b c d e f g h i j k l m n"}]
    lines = _lines(render(report(Table("t", "T", columns, rows)), "table", Options(width=60)))
    assert lines[3].startswith("东莞算力券  ")


def test_widths_go_where_they_save_lines():
    # A short prose column fits whole; the long one takes the rest instead of both folding.
    columns = [Column("a", "甲"), Column("b", "乙")]
    rows = [{"a": "人工智能产业", "b": "一二三四五六七八九十" * 8}]
    lines = _lines(render(report(Table("t", "T", columns, rows)), "table", Options(width=60)))
    assert lines[3].startswith("人工智能产业  一二三四")
    assert len(lines) == 3 + 4  # 160 cells in 46: four lines


def test_columns_that_all_fit_are_as_wide_as_their_widest_line_where_spreading_by_need_ends():
    """The shortcut for a table that fits gives the widths spreading by need (`_by_need`, which
    measures every token) ends with: each column as wide as its widest line, header included."""
    import random

    from rich.cells import cell_len

    from cityai_cli.render.table_format import _by_need, _Shown, _widths

    shown = _Shown(
        Table(
            "t", "T", [Column("a", "指标名称"), Column("b", "值", atomic=True)], [{"a": "深圳", "b": "超2800家 2024"}]
        )
    )
    assert _widths(shown, 23) == [8, 13]  # 8 + 2 + 13 cells: the table fits, nothing folds
    assert _widths(shown, 22) == [8, 8]  # a cell short: the figure and its year on two lines
    words = ["深圳", "上海", "超2800家", "2024-12-31", "abc-def", "—", "[1]", "人工智能企业数", "x y", "第1", "约35%"]
    draw = random.Random(5)
    for _ in range(300):
        columns = [
            Column(f"c{i}", "列" * draw.randint(1, 6), kind=draw.choice(["text", "number"]), atomic=draw.random() < 0.3)
            for i in range(draw.randint(1, 5))
        ]
        rows = [
            {c.key: " ".join(draw.choice(words) for _ in range(draw.randint(1, 4))) for c in columns}
            for _ in range(draw.randint(1, 6))
        ]
        shown = _Shown(Table("t", "T", columns, rows))
        texts = [[header] + [cells[i] for cells in shown.cells] for i, header in enumerate(shown.headers)]
        natural = [max(cell_len(text) for text in column) for column in texts]
        spare = draw.randint(0, 5)
        assert _widths(shown, sum(natural) + 2 * (len(columns) - 1) + spare) == natural
        assert _by_need(shown, texts, natural, sum(natural) + spare) == natural, rows


def test_a_paragraph_that_fits_is_one_line_as_its_tokens_would_make_it():
    """Folding a paragraph within the width skips cutting it into tokens; cut, it gives the same:
    the paragraph, trailing blanks dropped (in a cell, a note or a never-split column)."""
    import random

    from rich.cells import cell_len

    from cityai_cli.render.table_format import _fold, _wrap, _wrapped

    assert _fold("深圳 2024  \n上海\u3000", 11) == "深圳 2024\n上海"
    alphabet = list("ab Z09-/.,:*~()[]（）　〇一深圳\t—·é🚀\u00a0")
    draw = random.Random(11)
    for _ in range(5000):
        text = "".join(draw.choice(alphabet) for _ in range(draw.randint(0, 14)))
        width = cell_len(text) + draw.randint(0, 3)
        for atomic, ids_whole in ((False, False), (False, True), (True, False)):
            expected = [text.rstrip()]
            assert _wrap(text, width, atomic, ids_whole) == _wrapped(text, width, atomic, ids_whole) == expected, text


def test_a_compound_word_folds_after_its_hyphen_in_a_cell_but_an_id_in_a_note_never():
    from cityai_cli.render.table_format import _fold, _tokens

    assert _fold("corpus-opening reward", 8) == "corpus-\nopening\nreward"
    assert _fold("from mini-late", 6, ids_whole=True) == "from\nmini-late"
    assert _tokens("a corpus-opening/x 段", ids_whole=True) == ["a", " ", "corpus-opening/x", " ", "段"]
    assert _tokens("newsweek-2025-03-17") == ["newsweek-2025-03-17"]
    assert _tokens("[[引文]]") == ["[[", "引", "文", "]]"]
    assert _tokens("2025-03*") == ["2025-03*"]
    assert _tokens("约100万元/年的算力券") == ["约100万元/年", "的", "算", "力", "券"]


def test_a_piece_of_a_name_under_four_characters_is_counted_where_widths_are_weighed():
    from cityai_cli.render.table_format import _count, _sizes

    assert _count(_sizes("东莞算力券", False), 8) == (2, 1)  # 东莞算力 / 券
    assert _count(_sizes("东莞算力券", False), 10) == (1, 0)
    assert _count(_sizes("人工智能核心产业", False), 12) == (2, 1)  # 人工智能核心 / 产业
    assert _count(_sizes("人工智能核心产业", False), 8) == (2, 0)  # 人工智能 / 核心产业
    assert _count(_sizes("最高5000万元(总额)", False), 12) == (2, 0)  # a figure and (总额) are no name
    assert _count(_sizes("深圳训力券 [1] [2]", False), 12) == (2, 0)


# The tables as users meet them, on the bundled base: they fit 80 columns, and at any width from
# 40 to 200 no figure, date, id or mark is split across lines.
def _bundled(project, command: str):
    from cityai_cli.core.query import compare, conflicts, rank, subsidies, targets
    from cityai_cli.core.query import listings as places
    from cityai_cli.core.query.cite import cite_programme

    base = project.base
    return {
        "rank": lambda: rank.rank(base, "ai_enterprises"),
        "compare": lambda: compare.compare(base, ["深圳", "上海", "北京"]),
        "compare2": lambda: compare.compare(base, ["深圳", "上海"]),
        "funds": lambda: subsidies.list_programmes(base, funds=True),
        "subsidies": lambda: subsidies.list_programmes(base),
        "spend": lambda: subsidies.list_programmes(base, spend=Decimal(3000000)),
        "targets": lambda: targets.list_targets(base),
        "conflicts": lambda: conflicts.list_conflicts(base, everything=True),  # the bundled base agrees
        "policies": lambda: places.list_policies(base),
        "cite": lambda: cite_programme(base, "东莞算力券", project.seed_text),
    }[command]()


@pytest.mark.bundled
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "command, most",
    [
        ("rank", 30),
        ("compare", 70),
        ("compare2", 50),
        ("subsidies", 30),
        ("spend", 30),
        ("funds", 30),
        ("targets", 70),
        ("conflicts", 30),
        ("policies", 120),
    ],
)
def test_main_tables_fit_80_columns_with_one_header_row(project, command, most, lang):
    from cityai_cli.render.table_format import _Shown
    from cityai_cli.view import view

    if (command, lang) == ("compare", "en"):
        most = 85  # English metric names are three times as long; still one table
    report = view(project.base, _bundled(project, command), lang)
    text = render(report, "table", Options(width=80))
    lines = text.splitlines()
    assert len(lines) <= most, text
    first = _Shown(report.tables[0]).headers[0]
    rules = [i for i, line in enumerate(lines) if line.startswith("─")]
    assert len(rules) == 1, text  # one header row, not a block per record
    assert first in " ".join(lines[1 : rules[0]]).split() and rules[0] <= 3, text
    assert max(len(line) for line in lines) <= 80


def _atoms(report, lang: str):
    """What no line may split: the figures, dates and source ids the table shows (in a cell or a
    footnote under it)."""
    import re

    from cityai_cli.view import names

    atoms = set()
    for table in report.tables:
        shown = [column for column in table.columns if column.in_table]
        for row in table.rows:
            cells = " ".join(printable(column.show(row)) for column in shown).replace("\u00a0", " ")
            atoms.update(re.findall(r"\b[0-9]{4}(?:-[0-9]{2}){0,2}[*~]?", cells))
            for key, value in row.items():
                if key.startswith("_") and key.endswith("quantity") and value is not None:
                    figure = names.figure(value, lang)  # one in words alone may fold between them
                    atoms.update([figure] if figure in cells and re.search("[0-9]", figure) else [])
            for column in shown:
                if column.role == "sources":
                    value = row.get(column.key)
                    atoms.update(value if isinstance(value, list) else [value] if value else [])
    return {atom.replace("\u00a0", " ") for atom in atoms}


_SWEEP = sorted(set(range(40, 201, 10)) | {59, 60, 61, 79, 80, 81, 200})


@pytest.mark.bundled
@pytest.mark.parametrize(
    "command, lang",
    [
        ("rank", "zh"),
        ("rank", "en"),
        ("compare", "zh"),
        ("compare", "en"),
        ("spend", "zh"),
        ("spend", "en"),
        ("targets", "zh"),
        ("targets", "en"),
        ("conflicts", "zh"),
        ("policies", "en"),
        ("cite", "zh"),
    ],
)
def test_no_figure_id_or_mark_is_split_at_any_width(project, command, lang):
    import re

    from cityai_cli.view import view

    report = view(project.base, _bundled(project, command), lang)
    atoms = _atoms(report, lang)
    quotes = "".join(str(row.get("paragraph") or "") for table in report.tables for row in table.rows)
    headers = [column.header for table in report.tables for column in table.columns if "[[" in column.header]
    for width in _SWEEP:
        lines = render(report, "table", Options(width=width)).replace("\u00a0", " ").splitlines()
        split = [atom for atom in atoms if not any(atom in line for line in lines)]
        assert not split, (width, split)
        assert not [line for line in lines if re.search(r"\[[0-9]+$|^ *[0-9]+\]", line)], width  # markers
        text = "\n".join(lines)
        for header in headers:  # printed once, or once a record when stacked
            text = text.replace(header, "")
        for mark in ("[[", "]]"):
            assert text.count(mark) == quotes.count(mark), (width, mark)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_figure_id_or_mark_is_split_at_any_width_on_the_small_base(mini, lang):
    """Every third width from 40 to 200, on the small base."""
    from cityai_cli.core.query import compare, rank, subsidies, targets
    from cityai_cli.view import view

    base = mini.base
    for result in (
        rank.rank(base, "ai_enterprises"),
        compare.compare(base, ["甲", "乙", "丁"]),
        subsidies.list_programmes(base, spend=Decimal(3000000)),
        targets.list_targets(base),
    ):
        report = view(base, result, lang)
        atoms = _atoms(report, lang)
        for width in range(40, 201, 3):
            lines = render(report, "table", Options(width=width)).replace("\u00a0", " ").splitlines()
            assert not [atom for atom in atoms if not any(atom in line for line in lines)], (result.name, width)


@pytest.mark.bundled
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rank_chart_draws_its_bars_in_the_table_at_80_columns(project, lang):
    from cityai_cli.core.query import rank
    from cityai_cli.view import view

    report = view(project.base, rank.rank(project.base, "industry_scale"), lang)
    lines = render(report, "table", Options(width=80, chart=True)).splitlines()
    assert sum(1 for line in lines if line.startswith("─")) == 1  # one table, not a block per place
    ranked = [line for line in lines if line[:1] in "12"]
    assert len(ranked) == 2 and all("█" * 8 in line for line in ranked)  # each bar on its place's row
    assert max(len(line) for line in lines) <= 80


def test_a_never_split_word_is_drawn_whole_only_as_a_word_not_inside_a_longer_one():
    from cityai_cli.render.table_format import _intact, _Shown

    shown = _Shown(Table("t", "t", [Column("id", "id", atomic=True)], [{"id": "ab-1"}, {"id": "ab-12"}]))
    assert _intact("id\nab-1\nab-12\n", shown, 80)
    # "ab-1" folded as "ab-" / "1" is split, though "ab-12" on another line contains it
    assert not _intact("id\nab-\n1\nab-12\n", shown, 80)


def test_a_stacked_header_wider_than_half_the_terminal_folds_and_leaves_the_value_its_room():
    """compare's headers are place names: a 76-letter one left each value one column."""
    name = "Delta-Supercalifragilisticexpialidocious-Metropolitan-Area-of-Extreme-Length"
    table = Table(
        "t",
        "T",
        [Column("metric", "metric"), Column("d", name, atomic=True)],
        [{"metric": "AI enterprises", "d": "1,200 2025-04-01*"}],
    )
    lines = render(report(table), "table", Options(width=50)).splitlines()
    assert max(len(line) for line in lines) <= 50
    assert any(line.startswith("Delta-") and line.rstrip().endswith("1,200 2025-04-01*") for line in lines)
    assert "metric  " in "\n".join(lines) and any(line.rstrip().endswith("AI enterprises") for line in lines)


def test_markdown_never_turns_data_into_a_link_or_an_image():
    rows = [{"name": "[y](http://e.vil) ![p](http://e.vil/p.png)", "value": None, "note": "[[引文]] [startup]"}]
    text = render(
        report(Table("t", "T", COLUMNS, rows), Table("u", "U", COLUMNS, [], empty="[z](http://e.vil)")), "markdown"
    )
    assert "](" not in text
    assert "| [y]\\(http://e.vil) ![p]\\(http://e.vil/p.png) | — | [[引文]] [startup] |" in text
    assert "_[z]\\(http://e.vil)_" in text


def test_one_source_id_holding_a_comma_is_one_marker_pointing_to_that_id():
    """cite's source column holds one id; split at its comma it pointed to a source "mini" it
    does not cite and to one ("late") that does not exist."""
    columns = [Column("name", "名称"), Column("source", "来源", atomic=True, role="sources")]
    rows = [{"name": "一", "source": "mini"}, {"name": "二", "source": "mini,late"}]
    lines = render(report(Table("t", "T", columns, rows)), "table", Options(width=80)).splitlines()
    assert [line.split() for line in lines[3:]] == [["一", "[1]"], ["二", "[2]"], ["[1]", "mini", "[2]", "mini,late"]]


def test_a_run_of_signs_folds_between_them_and_a_word_led_by_a_few_signs_stays_whole():
    from cityai_cli.render.table_format import _tokens

    assert _tokens("--(c)2024-abc 🚀🚀") == ["--(c)2024-abc", " ", "🚀", "🚀"]
    assert _tokens("-" * 40 + "a") == ["-"] * 8 + ["-" * 32 + "a"]  # at most 32 signs lead a word


def test_tokens_are_those_of_the_patterns_compiled_over_the_whole_cjk_block():
    """The tokens, found over the block's named characters with every other read as 〇, are the
    tokens the patterns find with their classes spanning the block (compiled here, as written);
    a note's, the compound's pieces joined, those of the pattern without the compound."""
    import random
    import re

    from cityai_cli.render.table_format import _FIGURE, _LATIN, _NAMED, _tokens

    compound = r"|[A-Za-z]+[-/](?=[A-Za-z]+(?:[-/][A-Za-z]+)*(?![^ \t\n\u3000-\u9fff]))"
    spanning = {True: re.compile(_FIGURE + _LATIN, re.S), False: re.compile(_FIGURE + compound + _LATIN, re.S)}
    alphabet = list("ab Z09-/.,:*~()[]（）　〇一深圳\t—·é🚀\u00a0\u2fff\u9fff\ua000\uff00\uffef\uff5e") + list(_NAMED)
    draw = random.Random(7)
    for _ in range(20000):
        text = "".join(draw.choice(alphabet) for _ in range(draw.randint(0, 14)))
        for ids_whole, oracle in spanning.items():
            assert _tokens(text, ids_whole) == oracle.findall(text), text
    for _ in range(5000):  # any code point, either side of each edge of the block
        points = [
            draw.randint(0x20, 0x7E),
            draw.randint(0x2F00, 0xA100),
            draw.randint(0xFEF0, 0xFFFF),
            draw.randint(0x10000, 0x10FFFF),
        ]
        text = "".join(chr(draw.choice(points)) for _ in range(draw.randint(0, 12))).replace("\n", "")
        assert _tokens(text) == spanning[False].findall(text), repr(text)
        assert _tokens(text, ids_whole=True) == spanning[True].findall(text), repr(text)


def hostile_report():
    from cityai_cli.core.report import Column, Report, Table

    columns = [Column("name", "名称"), Column("=cmd|' /C calc'!A0", "+header")]
    rows = [
        {"name": "\x1b]0;t\x07\x9b\u202e\x7f\x00", "=cmd|' /C calc'!A0": "<img onerror=x> & |\nz"},
        {"name": "\r=1+1", "=cmd|' /C calc'!A0": "@SUM(A1)"},
    ]
    return Report([Table("t", "T\x1b", columns, rows)])


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_renderers_escape_controls_even_if_the_loader_let_them_through(fmt):
    from cityai_cli.render import render

    out = render(hostile_report(), fmt)
    assert not RAW.search(out.replace("\r\n", "\n"))


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


M = str(MINI)


NAME = '=HYPERLINK("http://e.vil","x")'


# Control, bidi and zero-width characters are refused by the loader (tests/test_reading.py);
# markup and HTML must reach every output literally.
MARKUP = r"""schema_version = 2

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
"""


LITERAL = {
    "show": ["[bold]x[/bold]", "[link=http://e.vil]y[/link]", "]8;;http://e.vil z", "<img src=x onerror=alert(1)>"],
    "sources": ["[bold]x[/bold]", "[link=http://e.vil]y[/link]"],
    "list": ["[bold]x[/bold]", "[link=http://e.vil]y[/link]"],
    "policies": ["<img src=x onerror=alert(1)>"],
}


def _run_on_terminal(*args, env):
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CITYAI_DATA", "COLUMNS")}
    full_env.update(env)
    process = subprocess.Popen(
        [sys.executable, "-m", "cityai_cli", *args], stdout=slave, stderr=subprocess.PIPE, env=full_env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stderr = process.stderr.read()
    process.stderr.close()
    return process.wait(timeout=60), b"".join(chunks), stderr


def test_json_keeps_the_text_as_written(cli, here):
    # The formula guard is for spreadsheets: JSON consumers get the curated text unchanged.
    write_base(here, "inject.toml", INJECT)
    records = json.loads(cli("list", "-f", "json", "--data", "inject.toml").stdout)
    assert [(r["place"], r["province"], r["city"], r["regions"]) for r in records] == [
        (NAME, "+测省", None, ["-测区"]),
        ("乙", "\t省", NAME, ["=1+1", "正常"]),
    ]


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


def test_colour_on_a_terminal_and_no_color():
    term = {"TERM": "xterm-256color"}
    code, coloured, _ = _run_on_terminal("list", "--data", M, env=term)
    assert code == 0 and b"\x1b[" in coloured  # the test can fail: colour is really used
    for quiet in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):  # no-color.org; a terminal that says it is dumb
        code, plain, stderr = _run_on_terminal("list", "--data", M, env={**term, **quiet})
        assert (code, stderr) == (0, b"")
        assert b"\x1b" not in plain
        assert "甲".encode() in plain
    code, empty, _ = _run_on_terminal("list", "--data", M, env={**term, "NO_COLOR": ""})
    assert code == 0 and b"\x1b[" in empty  # no-color.org: an empty NO_COLOR is ignored


def test_no_color_when_piped():
    result = run_process("list", "-f", "table", "--data", M, env={"NO_COLOR": "1"})
    assert result.returncode == 0 and b"\x1b" not in result.stdout


@pytest.mark.bundled
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "深圳"],
        ["compare", "深圳", "上海"],
        ["rank", "--by", "产业规模", "--chart"],
        ["subsidies", "--spend", "300万"],
        ["funds"],
        ["targets"],
        ["conflicts", "--all"],
        ["policies"],
        ["sources"],
        ["metrics"],
        ["types"],
    ],
)
def test_forty_columns(args, lang):
    from rich.cells import cell_len

    result = run_process(*args, "-f", "table", "--lang", lang, env={"COLUMNS": "40"})
    assert (result.returncode, result.stderr) == (0, b"")
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) > 5
    too_wide = [line for line in lines if cell_len(line) > 40]
    assert too_wide == []


def test_svg_and_html_save_what_the_table_shows(cli, tmp_path):
    svg, page = tmp_path / "r.svg", tmp_path / "r.html"
    result = cli(
        "rank", "--by", "产业规模", "--data", M, "-f", "csv", "--svg", str(svg), "--html", str(page), "--width", "90"
    )
    assert result.code == 0
    tree = ET.parse(svg)
    text = "".join(tree.getroot().itertext()).replace("\xa0", " ")
    assert "突破4000亿元" in text and "3600亿元" in text
    parser = html.parser.HTMLParser()
    parser.feed(page.read_text(encoding="utf-8"))
    assert "突破4000亿元" in page.read_text(encoding="utf-8")


def test_chart_is_saved_too(cli, tmp_path):
    svg = tmp_path / "c.svg"
    assert cli("rank", "--by", "产业规模", "--data", M, "--chart", "--svg", str(svg)).code == 0
    assert "█" in "".join(ET.parse(svg).getroot().itertext())


def test_an_unwritable_picture_is_a_data_error(cli, tmp_path):
    result = cli("rank", "--by", "产业规模", "--data", M, "-f", "csv", "--svg", str(tmp_path / "no" / "r.svg"))
    assert (result.code, result.stderr) == (
        1,
        f"Error: {tmp_path / 'no' / 'r.svg'}: cannot write: No such file or directory\n",
    )


def test_svg_onto_a_fifo_is_refused_without_blocking(cli, tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = cli("rank", "--by", "产业规模", "--data", M, "-f", "csv", "--svg", str(fifo))
    assert (result.code, result.stderr) == (1, f"Error: {fifo}: is not a regular file\n")
    assert fifo.is_fifo()


def test_svg_replaces_an_existing_picture_whole(cli, tmp_path):
    svg = tmp_path / "r.svg"
    svg.write_text("old", encoding="utf-8")
    assert cli("rank", "--by", "产业规模", "--data", M, "-f", "csv", "--svg", str(svg), "--force").code == 0
    assert svg.read_text(encoding="utf-8").startswith("<svg") and [p.name for p in tmp_path.iterdir()] == ["r.svg"]


@pytest.mark.parametrize("option", ["--svg", "--html"])
def test_a_picture_never_replaces_an_existing_file_without_force(cli, tmp_path, option):
    picture = tmp_path / "r.out"
    picture.write_text("keep", encoding="utf-8")
    result = cli("rank", "--by", "产业规模", "--data", M, "-f", "csv", option, str(picture))
    assert (result.code, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: {picture}: already exists; add --force to overwrite it\n",
    )
    assert picture.read_text(encoding="utf-8") == "keep"


def test_nothing_is_written_before_every_option_is_checked(cli, tmp_path):
    svg, page = tmp_path / "r.svg", tmp_path / "r.html"
    result = cli(
        "rank", "--by", "产业规模", "--data", M, "-f", "table", "--bom", "--svg", str(svg), "--html", str(page)
    )
    assert (result.code, result.stderr) == (2, "Error: --bom marks CSV output for spreadsheets; add --format csv\n")
    existing = tmp_path / "old.svg"
    existing.write_text("keep", encoding="utf-8")
    result = cli("rank", "--by", "产业规模", "--data", M, "-f", "csv", "--svg", str(svg), "--html", str(existing))
    assert result.code == 1 and "already exists" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.svg"]  # not the new r.svg either


def test_a_picture_never_replaces_a_knowledge_base_file_of_the_run(cli, tmp_path):
    layer = tmp_path / "l2.toml"
    layer.write_text('schema_version = 2\n[places."戊"]\nlevel = "city"\npinyin = "Wu"\n', encoding="utf-8")
    before = layer.read_bytes()
    result = cli("--with", str(layer), "--data", M, "list", "-f", "csv", "--svg", str(layer), "--force")
    assert (result.code, result.stderr) == (
        1,
        f"Error: {layer}: is a knowledge-base file of this run; save the picture elsewhere\n",
    )
    assert layer.read_bytes() == before
    result = cli("rank", "--by", "产业规模", "--data", M, "--svg", str(tmp_path / "a"), "--html", str(tmp_path / "a"))
    assert (result.code, result.stderr) == (2, "Error: --svg and --html name the same file; give each its own\n")


def test_a_compound_of_64000_letters_is_one_token_in_a_note_and_its_words_in_a_cell():
    # Found piece by piece, each piece looked ahead over the rest of the compound: 10 s for this
    # one (benchmarks/scale_tables.py --long 64000 times it); found whole, then cut: linear.
    from cityai_cli.render.table_format import _fold, _tokens

    compound = "a-" * 32_000 + "a"
    assert _tokens(compound, ids_whole=True) == [compound]
    assert _tokens(compound) == ["a-"] * 32_000 + ["a"]
    assert _fold(compound, 40).splitlines() == ["a-" * 20] * 1600 + ["a"]
