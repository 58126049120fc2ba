"""render/csv_format.py: each command's CSV header, held exactly (docs/columns.md explains every
column); tidy cells: no JSON, ISO days with their precision; spreadsheet-safe cells (formula guard,
BOM). On tests/fixtures/mini.toml."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, INJECT, MINI, ROOT, write_base

THREE_TABLES = FIXTURES / "tables" / "three_tables.txt"
HEADERS = {
    "list": "place,place_label,level,level_label,province,city,regions,pinyin,english,ai_enterprises_value,ai_enterprises_value_max,ai_enterprises_unit,ai_enterprises_bound,ai_enterprises_text,ai_enterprises_date,ai_enterprises_date_precision,ai_enterprises_scope,ai_enterprises_shown,industry_scale_value,industry_scale_value_max,industry_scale_unit,industry_scale_bound,industry_scale_text,industry_scale_date,industry_scale_date_precision,industry_scale_scope,industry_scale_shown,compute_capacity_value,compute_capacity_value_max,compute_capacity_unit,compute_capacity_bound,compute_capacity_text,compute_capacity_date,compute_capacity_date_precision,compute_capacity_scope,compute_capacity_shown,facts,policies,programmes",
    "list --long": "place,metric,kind,scope,value,value_max,unit,bound,date,date_precision,place_label,metric_label,text,display,date_basis,scope_label,sources,citation_count,level",
    "show 甲": "place,place_label,metric,metric_label,kind_label,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,scope,scope_label,sources,citation_count,set_on,set_on_precision,note",
    "compare 甲 乙": "metric,kind,metric_label,jia_value,jia_value_max,jia_unit,jia_bound,jia_text,jia_display,jia_date,jia_date_precision,jia_date_basis,jia_scope,jia_scope_label,jia_sources,jia_citation_count,jia_leader,yi_value,yi_value_max,yi_unit,yi_bound,yi_text,yi_display,yi_date,yi_date_precision,yi_date_basis,yi_scope,yi_scope_label,yi_sources,yi_citation_count,yi_leader,leader,flags,notes",
    "compare 甲 乙 --long": "place,metric,kind,scope,value,value_max,unit,bound,date,date_precision,leader,place_label,metric_label,text,display,date_basis,scope_label,sources,citation_count,flags,notes",
    "rank --by ai_enterprises": "rank,place,place_label,level,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,scope,scope_label,sources,citation_count,comparable,reason,tie,conflict_count,why",
    "rank --by ai_enterprises --citations": "rank,place,place_label,level,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,scope,scope_label,sources,comparable,reason,tie,conflict_count,why,citation_source,citation_quote,citation_value,citation_note",
    "subsidies": "place,place_label,type,type_label,category,name,policy,date,date_precision,date_basis,pool,pool_bound,pool_text,pool_period,pool_source,pool_quote,pool_shown,rate,rate_bound,rate_text,rate_period,rate_source,rate_quote,rate_shown,rate_basis,special_rates,cap,cap_bound,cap_text,cap_period,cap_source,cap_quote,cap_shown,eligibility,sources,citation_count,note",
    "subsidies --spend 100万": "place,place_label,type,type_label,category,name,policy,date,date_precision,date_basis,pool,pool_bound,pool_text,pool_period,pool_source,pool_quote,pool_shown,rate,rate_bound,rate_text,rate_period,rate_source,rate_quote,rate_shown,rate_basis,special_rates,cap,cap_bound,cap_text,cap_period,cap_source,cap_quote,cap_shown,eligibility,sources,citation_count,note,spend,estimate,rate_used,rate_used_bound,special_used,gross,payout,payout_bound,payout_shown,rule",
    "funds": "place,place_label,type,type_label,category,name,policy,date,date_precision,date_basis,pool,pool_bound,pool_text,pool_period,pool_source,pool_quote,pool_shown,rate,rate_bound,rate_text,rate_period,rate_source,rate_quote,rate_shown,rate_basis,special_rates,cap,cap_bound,cap_text,cap_period,cap_source,cap_quote,cap_shown,eligibility,sources,citation_count,note",
    "targets": "place,place_label,metric,metric_label,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,scope,scope_label,sources,citation_count,set_on,set_on_precision,actual_value,actual_value_max,actual_unit,actual_bound,actual_text,actual_display,actual_kind,actual_date,actual_date_precision,actual_date_basis,actual_scope,actual_scope_label,actual_sources,actual_citation_count,actual_shown,progress,progress_reason,met",
    "conflicts": "place,place_label,metric,metric_label,kind,scope,scope_label,a_value,a_value_max,a_unit,a_bound,a_text,a_date,a_date_precision,a_date_basis,a_sources,a_citation_count,a_shown,b_value,b_value_max,b_unit,b_bound,b_text,b_date,b_date_precision,b_date_basis,b_sources,b_citation_count,b_shown,relation,difference",
    "policies": "place,place_label,title,date,date_precision,date_basis,period,sources,citation_count,note",
    "metrics": "metric,zh,en,unit,machine_unit,higher_is_better,scopes,places",
    "types": "type,en,pinyin,category,category_label,programmes",
    "sources": "source,title,publisher,published,published_precision,file,sha256,url,origin,facts,policies,programmes",
    "cite 甲 ai_enterprises": "place,place_label,metric,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,scope,scope_label,kind_label,source,title,publisher,published,published_precision,quote,value_as_written,note,paragraph",
    "validate": "file,line,column,path,message,problem",
    # show's other tables (--table; its default, facts, is "show 甲" above)
    "show 甲 --table place": "place,level,province,city,regions,traditional,pinyin,english",
    "show 甲 --table policies": "place,place_label,title,date,date_precision,date_basis,period,sources,citation_count,note",
    "show 甲 --table subsidies": "place,place_label,type,type_label,category,name,policy,date,date_precision,date_basis,pool,pool_bound,pool_text,pool_period,pool_source,pool_quote,pool_shown,rate,rate_bound,rate_text,rate_period,rate_source,rate_quote,rate_shown,rate_basis,special_rates,cap,cap_bound,cap_text,cap_period,cap_source,cap_quote,cap_shown,eligibility,sources,citation_count,note",
    # extract's tables, on a document that gives each a row
    "extract three_tables.txt": "place,place_label,place_known,metric,metric_label,value,kind,kind_label,date,date_precision,date_basis,confidence,known,quote",
    "extract three_tables.txt --table programmes": "place,place_label,place_known,type,name,policy,date,date_precision,date_basis,pool,pool_period,rate,rate_basis,special_rates,cap,cap_period,eligibility,known,quote",
    "extract three_tables.txt --table policies": "place,place_label,place_known,title,date,date_precision,date_basis,period,issuer,known,quote",
}


def _args(command: str) -> list:
    """A HEADERS key as arguments, the document extract reads by its path."""
    return [str(THREE_TABLES) if arg == THREE_TABLES.name else arg for arg in command.split()]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", sorted(HEADERS))
def test_header(cli, command, lang):
    language = () if command == "validate" else ("--lang", lang)
    result = cli(*_args(command), "--data", str(MINI), "-f", "csv", *language)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[0] == HEADERS[command]


# Prefixes of the wide tables: a place key (compare), a headline metric (list), a side (conflicts).
_PREFIXES = re.compile(r"^(jia|yi|ai_enterprises|industry_scale|compute_capacity|a|b|actual)_")


def test_every_column_is_documented():
    documented = set(re.findall(r"`([a-z0-9_]+)`", (ROOT / "docs" / "columns.md").read_text(encoding="utf-8")))
    names = {_PREFIXES.sub("", name) for header in HEADERS.values() for name in header.split(",")}
    assert sorted(names - documented) == []


@pytest.mark.parametrize("command", sorted(HEADERS))
def test_no_cell_holds_json(cli, command):
    text = cli(*_args(command), "--data", str(MINI), "-f", "csv").stdout
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if _is_json(cell)]


def _is_json(cell: str) -> bool:
    try:
        return isinstance(json.loads(cell), (list, dict))
    except ValueError:
        return False


def test_dates_are_iso_days_with_their_precision(cli):
    rows = list(csv.DictReader(io.StringIO(cli("show", "甲", "--data", str(MINI), "-f", "csv").stdout)))
    assert sorted({(r["date"], r["date_precision"]) for r in rows}) == [
        ("2024-12-31", "day"),
        ("2024-12-31", "year"),
        ("2025-04-01", "day"),
        ("2027-12-31", "year"),
    ]


def test_one_row_per_citation(cli):
    rows = list(
        csv.DictReader(
            io.StringIO(cli("rank", "--by", "ai_enterprises", "--citations", "--data", str(MINI), "-f", "csv").stdout)
        )
    )
    plain = list(
        csv.DictReader(io.StringIO(cli("rank", "--by", "ai_enterprises", "--data", str(MINI), "-f", "csv").stdout))
    )
    assert len(rows) == sum(max(1, int(r["citation_count"] or 0)) for r in plain)
    assert [(r["place"], r["citation_source"], r["citation_quote"]) for r in rows if r["place"] == "乙"] == [
        ("乙", "mini", "乙市人工智能企业约2400家"),
        ("乙", "mini-late", "再版补充:乙市人工智能企业约2400家"),
    ]


def test_citations_needs_a_citations_column_and_csv(cli):
    result = cli("compare", "甲", "乙", "--citations", "--data", str(MINI), "-f", "csv")
    assert (result.code, result.stderr) == (
        2,
        "Error: --citations: this table has no citations column (with compare or list, add --long)\n",
    )
    result = cli("rank", "--by", "ai_enterprises", "--citations", "--data", str(MINI), "-f", "json")
    assert (result.code, result.stderr) == (
        2,
        "Error: --citations writes one row per citation in CSV; add --format csv\n",
    )


def test_compare_long_is_one_row_per_place_and_metric(cli):
    rows = list(
        csv.DictReader(io.StringIO(cli("compare", "甲", "乙", "--long", "--data", str(MINI), "-f", "csv").stdout))
    )
    assert [(r["place"], r["metric"], r["kind"], r["scope"], r["value"], r["leader"]) for r in rows] == [
        ("甲", "ai_enterprises", "actual", "ai", "2800", "true"),
        ("乙", "ai_enterprises", "actual", "ai", "2400", "false"),
        ("甲", "industry_scale", "actual", "ai_industry", "360000000000", "false"),
        ("乙", "industry_scale", "actual", "ai_industry", "400000000000", "true"),
        ("甲", "compute_capacity", "actual", "citywide", "30000", "false"),
        ("乙", "compute_capacity", "actual", "realtime", "20000", "false"),
        ("甲", "compute_capacity", "target", "citywide", "100000", "true"),
        ("乙", "compute_capacity", "target", "citywide", "50000", "false"),
    ]


def test_pandas_reads_rank_with_numbers_and_dates(cli):
    pandas = pytest.importorskip("pandas")
    text = cli("rank", "--by", "ai_enterprises", "--data", str(MINI), "-f", "csv").stdout
    frame = pandas.read_csv(io.StringIO(text), parse_dates=["date"])
    assert frame["value"].dtype.kind in "if" and frame["date"].dtype.kind == "M"
    assert frame["place"].tolist() == ["甲", "乙", "丁"] and frame["value"].tolist() == [2800, 2400, 1200]
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-12-31", "2024-12-31", "2025-04-01"]


def test_list_long_is_one_row_per_place_and_headline_metric(cli):
    rows = list(csv.DictReader(io.StringIO(cli("list", "--long", "--data", str(MINI), "-f", "csv").stdout)))
    assert [
        (r["place"], r["metric"], r["value"], r["date"], r["date_precision"]) for r in rows if r["place"] == "甲"
    ] == [
        ("甲", "ai_enterprises", "2800", "2024-12-31", "day"),
        ("甲", "industry_scale", "360000000000", "2024-12-31", "year"),
        ("甲", "compute_capacity", "30000", "2025-04-01", "day"),
    ]


def test_long_leaves_a_long_table_as_it_is(cli):
    plain = cli("rank", "--by", "ai_enterprises", "--data", str(MINI), "-f", "csv").stdout
    assert cli("rank", "--by", "ai_enterprises", "--long", "--data", str(MINI), "-f", "csv").stdout == plain


def test_a_row_without_citations_stays_once_with_empty_citation_cells(cli):
    rows = list(
        csv.DictReader(
            io.StringIO(cli("rank", "--by", "compute_capacity", "--citations", "--data", str(MINI), "-f", "csv").stdout)
        )
    )
    assert [(r["place"], r["value"], r["citation_source"], r["citation_quote"]) for r in rows] == [
        ("甲", "30000", "mini-late", "甲市智能算力规模现达30EFLOPS"),
        ("乙", "20000", "mini-late", "乙市实时可用智能算力20EFLOPS"),
        ("丁", "", "", ""),
    ]


def hostile_report():
    from cityai_cli.core.report import Column, Report, Table

    columns = [Column("name", "名称"), Column("=cmd|' /C calc'!A0", "+header")]
    rows = [
        {"name": "\x1b]0;t\x07\x9b\u202e\x7f\x00", "=cmd|' /C calc'!A0": "<img onerror=x> & |\nz"},
        {"name": "\r=1+1", "=cmd|' /C calc'!A0": "@SUM(A1)"},
    ]
    return Report([Table("t", "T\x1b", columns, rows)])


def test_csv_header_cells_get_the_formula_guard():
    import csv
    import io

    from cityai_cli.render import render

    rows = list(csv.reader(io.StringIO(render(hostile_report(), "csv"), newline="")))
    assert rows[0] == ["name", "'=cmd|' /C calc'!A0"]
    assert rows[1][0] == "\\x1b]0;t\\x07\\x9b\\u202e\\x7f\\x00"
    assert rows[2] == ["\\x0d=1+1", "'@SUM(A1)"]


M = str(MINI)


NAME = '=HYPERLINK("http://e.vil","x")'


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_formula_injection_list(cli, here):
    write_base(here, "inject.toml", INJECT)
    result = cli("list", "-f", "csv", "--data", "inject.toml")
    assert result.code == 0, result.stderr
    rows = read_csv(result.stdout)
    picked = [
        (
            r["place"],
            r["place_label"],
            r["province"],
            r["city"],
            r["regions"],
            r["ai_enterprises_value"],
            r["ai_enterprises_text"],
            r["facts"],
            r["policies"],
            r["programmes"],
        )
        for r in rows
    ]
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
        ("'" + NAME, "2800", "ai", "'\t制表", "'-1+1", "s")
    ]
    # One row per citation: each of its cells is defused like any text.
    cited = read_csv(cli("show", NAME, "-f", "csv", "--citations", "--data", "inject.toml").stdout)
    assert [(r["citation_source"], r["citation_quote"], r["citation_value"], r["citation_note"]) for r in cited] == [
        ("s", "'+回车2800家", "2800家", "'@note")
    ]
    english = read_csv(cli("show", NAME, "-f", "csv", "--lang", "en", "--data", "inject.toml").stdout)
    assert [r["scope_label"] for r in english] == ["'=1+2"]
    policies = read_csv(cli("policies", "-f", "csv", "--data", "inject.toml").stdout)
    assert [(r["place"], r["title"]) for r in policies] == [("'" + NAME, "'=1+1")]
    rows = read_csv(cli("sources", "-f", "csv", "--data", "inject.toml").stdout)
    assert [(r["source"], r["publisher"], r["title"], r["facts"], r["policies"]) for r in rows] == [
        ("s", "'@测试", "'=cmd|' /C calc'!A0", "1", "1")
    ]


def test_csv_numbers_are_never_quoted(cli):
    rows = read_csv(cli("rank", "--by", "产业规模", "-f", "csv", "--data", M).stdout)
    assert [(r["rank"], r["value"]) for r in rows] == [
        ("1", "400000000000"),
        ("2", "360000000000"),
        ("", "500000000000"),
    ]


def test_bom_makes_csv_readable_as_utf8_sig(cli, tmp_path):
    out = cli("rank", "--by", "产业规模", "--data", M, "-f", "csv", "--bom").stdout
    assert out.startswith("\ufeff")
    path = tmp_path / "r.csv"
    path.write_bytes(out.encode("utf-8"))
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    assert (rows[0]["place"], rows[0]["text"]) == ("乙", "突破4000亿元")
    assert cli("rank", "--by", "产业规模", "--data", M, "-f", "json", "--bom").code == 2


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_bom_csv_opens_in_a_spreadsheet(cli, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(cli("rank", "--by", "产业规模", "--data", M, "-f", "csv", "--bom").stdout.encode("utf-8"))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    import zipfile

    shared = zipfile.ZipFile(tmp_path / "r.xlsx").read("xl/sharedStrings.xml").decode("utf-8")
    assert "突破4000亿元" in shared and "乙" in shared


def test_a_proposed_programme_writes_each_special_rate_with_its_condition(cli):
    # extract's special rates carry their condition as written (its table shows it), not a base's text
    result = cli("extract", str(THREE_TABLES), "--table", "programmes", "--data", str(MINI), "-f", "csv")
    assert result.code == 0, result.stderr
    assert [row["special_rates"] for row in csv.DictReader(io.StringIO(result.stdout))] == [
        "初创企业: 不超过60% [startup]"
    ]


# Cells csv.writer quotes (, " CR LF; NUL before Python 3.10), doubles quotes in, or leaves alone.
AWKWARD_CELLS = ["", "a", "a,b", 'say "hi"', '"', "a\nb", "a\rb", "\r\n", "a\x00b", " a ", "'=1", "中,文", "a;b", "\t"]


def test_csv_fields_are_quoted_exactly_as_csv_writer_quotes_them():
    from cityai_cli.render.csv_format import csv_field

    for first in AWKWARD_CELLS:
        for second in AWKWARD_CELLS:
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerow([first, second])
            assert ",".join([csv_field(first), csv_field(second)]) + "\r\n" == out.getvalue(), (first, second)


@given(st.text(alphabet=st.sampled_from(list(",\"\r\n\x00 \t;'=a中")), min_size=1, max_size=12))
@settings(max_examples=2000, deadline=None)
def test_any_cell_is_quoted_as_csv_writer_quotes_it(text):
    # csv_field quotes by its own rule (csv is not imported to write CSV): csv.writer is the oracle
    from cityai_cli.render.csv_format import csv_field

    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([text, text])
    assert ",".join([csv_field(text)] * 2) + "\r\n" == out.getvalue()


def test_writing_csv_does_not_import_the_csv_module():
    code = (
        "import sys; from cityai_cli.render import csv_format; "
        "print(csv_format.csv_field('a,\"b\"'), 'csv' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == '"a,""b""" False\n'


def test_csv_rows_are_csv_writer_rows_a_lone_empty_cell_included():
    from cityai_cli.core.report import Column, Report, Table
    from cityai_cli.render import render
    from cityai_cli.render.csv_format import cell

    one = Report([Table("t", "T", [Column("name", "名称")], [{"name": ""}, {"name": None}, {"name": "a,b"}])])
    assert render(one, "csv") == 'name\r\n""\r\n""\r\n"a,b"\r\n'  # an empty line would be no row
    rows = [{"a": a, "b": b} for a in AWKWARD_CELLS for b in AWKWARD_CELLS]
    two = Report([Table("t", "T", [Column("a", "a"), Column("b", "b")], rows)])
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        [["a", "b"]] + [[cell(r["a"], "text"), cell(r["b"], "text")] for r in rows]
    )
    assert render(two, "csv") == out.getvalue()


def test_remembered_fields_are_the_cells_as_cell_makes_them_twice_over():
    from decimal import Decimal

    from cityai_cli.render.csv_format import _fields, cell, csv_field

    values = [Decimal("0"), Decimal("-0"), Decimal("1.50"), Decimal("1.5"), 2, Decimal("2"), -1, True, False, None]
    values += ["a,b", "=1", "-0", "a\x1bb", "", ["x", "=y"], ["x", "=y"], [{"n": Decimal("1.0")}]]
    for kind in ("number", "text"):
        expected = ["" if v is None else csv_field(cell(v, kind)) for v in values]
        assert _fields(values, kind) == expected
        assert _fields(values, kind) == expected  # again, from the memos
    assert _fields([Decimal("-0"), Decimal("0"), -1], "number") == ["-0", "0", "-1"]
    assert _fields([Decimal("-0"), True, -1], "text") == ["'-0", "true", "'-1"]
