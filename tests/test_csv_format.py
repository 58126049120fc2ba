"""Each command's CSV header, held exactly (docs/columns.md explains every column), and tidy
cells: no JSON, ISO days with their precision. On tests/fixtures/mini.toml."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import MINI, ROOT

HEADERS = {
    'list': 'place,place_label,level,level_label,province,city,regions,pinyin,english,ai_enterprises_value,ai_enterprises_value_max,ai_enterprises_unit,ai_enterprises_bound,ai_enterprises_text,ai_enterprises_date,ai_enterprises_date_precision,ai_enterprises_scope,ai_enterprises_shown,industry_scale_value,industry_scale_value_max,industry_scale_unit,industry_scale_bound,industry_scale_text,industry_scale_date,industry_scale_date_precision,industry_scale_scope,industry_scale_shown,compute_capacity_value,compute_capacity_value_max,compute_capacity_unit,compute_capacity_bound,compute_capacity_text,compute_capacity_date,compute_capacity_date_precision,compute_capacity_scope,compute_capacity_shown,facts,policies,programmes',
    'list --long': 'place,metric,kind,scope,value,value_max,unit,bound,date,date_precision,place_label,metric_label,text,display,date_basis,scope_label,sources,citation_count,level',
    'show 甲': 'place,place_label,metric,metric_label,kind_label,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,scope,scope_label,sources,citation_count,set_on,set_on_precision,note',
    'compare 甲 乙': 'metric,kind,metric_label,jia_value,jia_value_max,jia_unit,jia_bound,jia_text,jia_display,jia_date,jia_date_precision,jia_date_basis,jia_scope,jia_scope_label,jia_sources,jia_citation_count,jia_leader,yi_value,yi_value_max,yi_unit,yi_bound,yi_text,yi_display,yi_date,yi_date_precision,yi_date_basis,yi_scope,yi_scope_label,yi_sources,yi_citation_count,yi_leader,leader,flags,notes',
    'compare 甲 乙 --long': 'place,metric,kind,scope,value,value_max,unit,bound,date,date_precision,leader,place_label,metric_label,text,display,date_basis,scope_label,sources,citation_count,flags,notes',
    'rank --by ai_enterprises': 'rank,place,place_label,level,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,scope,scope_label,sources,citation_count,comparable,reason,tie,conflict_count,why',
    'rank --by ai_enterprises --citations': 'rank,place,place_label,level,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,scope,scope_label,sources,comparable,reason,tie,conflict_count,why,citation_source,citation_quote,citation_value,citation_note',
    'subsidies': 'place,place_label,type,type_label,category,name,policy,date,date_precision,date_basis,pool,pool_bound,pool_text,pool_period,pool_source,pool_quote,pool_shown,rate,rate_bound,rate_text,rate_period,rate_source,rate_quote,rate_shown,rate_basis,special_rates,cap,cap_bound,cap_text,cap_period,cap_source,cap_quote,cap_shown,eligibility,sources,citation_count,note',
    'subsidies --spend 100万': 'place,place_label,type,type_label,category,name,policy,date,date_precision,date_basis,pool,pool_bound,pool_text,pool_period,pool_source,pool_quote,pool_shown,rate,rate_bound,rate_text,rate_period,rate_source,rate_quote,rate_shown,rate_basis,special_rates,cap,cap_bound,cap_text,cap_period,cap_source,cap_quote,cap_shown,eligibility,sources,citation_count,note,spend,estimate,rate_used,rate_used_bound,special_used,gross,payout,payout_bound,payout_shown,rule',
    'funds': 'place,place_label,type,type_label,category,name,policy,date,date_precision,date_basis,pool,pool_bound,pool_text,pool_period,pool_source,pool_quote,pool_shown,rate,rate_bound,rate_text,rate_period,rate_source,rate_quote,rate_shown,rate_basis,special_rates,cap,cap_bound,cap_text,cap_period,cap_source,cap_quote,cap_shown,eligibility,sources,citation_count,note',
    'targets': 'place,place_label,metric,metric_label,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,scope,scope_label,sources,citation_count,set_on,set_on_precision,actual_value,actual_value_max,actual_unit,actual_bound,actual_text,actual_display,actual_kind,actual_date,actual_date_precision,actual_date_basis,actual_scope,actual_scope_label,actual_sources,actual_citation_count,actual_shown,progress,progress_reason,met',
    'conflicts': 'place,place_label,metric,metric_label,kind,scope,scope_label,a_value,a_value_max,a_unit,a_bound,a_text,a_date,a_date_precision,a_date_basis,a_sources,a_citation_count,a_shown,b_value,b_value_max,b_unit,b_bound,b_text,b_date,b_date_precision,b_date_basis,b_sources,b_citation_count,b_shown,relation,difference',
    'policies': 'place,place_label,title,date,date_precision,date_basis,period,sources,citation_count,note',
    'metrics': 'metric,zh,en,unit,machine_unit,higher_is_better,scopes,places',
    'types': 'type,en,pinyin,category,category_label,programmes',
    'sources': 'source,title,publisher,published,published_precision,file,sha256,url,origin,facts,policies,programmes',
    'cite 甲 ai_enterprises': 'place,place_label,metric,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,scope,scope_label,kind_label,source,title,publisher,published,published_precision,quote,value_as_written,note,paragraph',
    'validate': 'file,line,column,path,message,problem',
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", sorted(HEADERS))
def test_header(cli, command, lang):
    language = () if command == "validate" else ("--lang", lang)
    result = cli(*command.split(), "--data", str(MINI), "-f", "csv", *language)
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
    text = cli(*command.split(), "--data", str(MINI), "-f", "csv").stdout
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
        ("2024-12-31", "day"), ("2024-12-31", "year"), ("2025-04-01", "day"), ("2027-12-31", "year")]


def test_one_row_per_citation(cli):
    rows = list(csv.DictReader(io.StringIO(
        cli("rank", "--by", "ai_enterprises", "--citations", "--data", str(MINI), "-f", "csv").stdout)))
    plain = list(csv.DictReader(io.StringIO(
        cli("rank", "--by", "ai_enterprises", "--data", str(MINI), "-f", "csv").stdout)))
    assert len(rows) == sum(max(1, int(r["citation_count"] or 0)) for r in plain)
    assert [(r["place"], r["citation_source"], r["citation_quote"]) for r in rows if r["place"] == "乙"] == [
        ("乙", "mini", "乙市人工智能企业约2400家"), ("乙", "mini-late", "再版补充:乙市人工智能企业约2400家")]


def test_citations_needs_a_citations_column_and_csv(cli):
    result = cli("compare", "甲", "乙", "--citations", "--data", str(MINI), "-f", "csv")
    assert (result.code, result.stderr) == (
        2, "Error: --citations: this table has no citations column (with compare or list, add --long)\n")
    result = cli("rank", "--by", "ai_enterprises", "--citations", "--data", str(MINI), "-f", "json")
    assert (result.code, result.stderr) == (
        2, "Error: --citations writes one row per citation in CSV; add --format csv\n")


def test_compare_long_is_one_row_per_place_and_metric(cli):
    rows = list(csv.DictReader(io.StringIO(
        cli("compare", "甲", "乙", "--long", "--data", str(MINI), "-f", "csv").stdout)))
    assert [(r["place"], r["metric"], r["kind"], r["scope"], r["value"], r["leader"]) for r in rows] == [
        ("甲", "ai_enterprises", "actual", "ai", "2800", "true"),
        ("乙", "ai_enterprises", "actual", "ai", "2400", "false"),
        ("甲", "industry_scale", "actual", "ai_industry", "360000000000", "false"),
        ("乙", "industry_scale", "actual", "ai_industry", "400000000000", "true"),
        ("甲", "compute_capacity", "actual", "citywide", "30000", "false"),
        ("乙", "compute_capacity", "actual", "realtime", "20000", "false"),
        ("甲", "compute_capacity", "target", "citywide", "100000", "true"),
        ("乙", "compute_capacity", "target", "citywide", "50000", "false")]


def test_pandas_reads_rank_with_numbers_and_dates(cli):
    pandas = pytest.importorskip("pandas")
    text = cli("rank", "--by", "ai_enterprises", "--data", str(MINI), "-f", "csv").stdout
    frame = pandas.read_csv(io.StringIO(text), parse_dates=["date"])
    assert frame["value"].dtype.kind in "if" and frame["date"].dtype.kind == "M"
    assert frame["place"].tolist() == ["甲", "乙", "丁"] and frame["value"].tolist() == [2800, 2400, 1200]
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-12-31", "2024-12-31", "2025-04-01"]



def test_list_long_is_one_row_per_place_and_headline_metric(cli):
    rows = list(csv.DictReader(io.StringIO(cli("list", "--long", "--data", str(MINI), "-f", "csv").stdout)))
    assert [(r["place"], r["metric"], r["value"], r["date"], r["date_precision"]) for r in rows if r["place"] == "甲"] == [
        ("甲", "ai_enterprises", "2800", "2024-12-31", "day"),
        ("甲", "industry_scale", "360000000000", "2024-12-31", "year"),
        ("甲", "compute_capacity", "30000", "2025-04-01", "day")]


def test_long_leaves_a_long_table_as_it_is(cli):
    plain = cli("rank", "--by", "ai_enterprises", "--data", str(MINI), "-f", "csv").stdout
    assert cli("rank", "--by", "ai_enterprises", "--long", "--data", str(MINI), "-f", "csv").stdout == plain


def test_a_row_without_citations_stays_once_with_empty_citation_cells(cli):
    rows = list(csv.DictReader(io.StringIO(
        cli("rank", "--by", "compute_capacity", "--citations", "--data", str(MINI), "-f", "csv").stdout)))
    assert [(r["place"], r["value"], r["citation_source"], r["citation_quote"]) for r in rows] == [
        ("甲", "30000", "mini-late", "甲市智能算力规模现达30EFLOPS"), ("乙", "20000", "mini-late", "乙市实时可用智能算力20EFLOPS"),
        ("丁", "", "", "")]
