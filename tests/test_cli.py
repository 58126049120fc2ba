"""Every command × every format through the real CLI, on the fixture knowledge base."""
import csv
import io
import json

import pytest

from conftest import MINI, PROJECT_DATA

COMMANDS = {
    "list": ["list"], "show": ["show", "甲"], "compare": ["compare", "甲", "乙"], "diff": ["diff", "甲", "乙"],
    "rank": ["rank", "--by", "产业规模"], "subsidies": ["subsidies"],
    "estimate": ["subsidies", "--type", "算力券", "--spend", "300万"], "sources": ["sources"],
    "targets": ["targets"], "conflicts": ["conflicts", "甲"],
}
FORMATS = ["table", "csv", "json", "markdown"]


def run(cli, *args):
    return cli(*args, "--data", str(MINI))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_in_every_format(cli, command, fmt):
    result = run(cli, *COMMANDS[command], "--format", fmt)
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    if fmt == "json":
        json.loads(out)
    elif fmt == "csv":
        assert len(list(csv.reader(io.StringIO(out)))) >= 2
    elif fmt == "markdown":
        assert out.startswith("### ")
    else:
        assert "\x1b" not in out


def test_piped_output_defaults_to_csv(cli):
    assert run(cli, "rank", "--by", "产业规模").stdout == run(cli, "rank", "--by", "产业规模", "-f", "csv").stdout


def test_rank_csv_exact(cli):
    # (CliRunner folds CRLF to LF; test_render checks the CRLF line ends themselves.)
    assert run(cli, "rank", "--by", "industry_scale", "-f", "csv").stdout == (
        "rank,place,level,value,value_max,unit,qualifier,display,date,scope,source,conflicts\n"
        "1,乙,city,400000000000,,CNY,突破,突破4000亿元,2024,人工智能产业,mini,\n"
        "2,甲,city,360000000000,,CNY,,3600亿元,2024,人工智能产业,mini,\n")


def test_rank_markdown_exact(cli):
    assert run(cli, "rank", "--by", "产业规模", "-f", "markdown").stdout == (
        "### 产业规模 (industry scale) · city · 2 with the figure, 0 without\n\n"
        "| # | 地区 | 产业规模 | 日期 | 口径 | 来源 | 另有 |\n"
        "|---:|---|---|---|---|---|---|\n"
        "| 1 | 乙 | 突破4000亿元 | 2024 | 人工智能产业 | mini | — |\n"
        "| 2 | 甲 | 3600亿元 | 2024 | 人工智能产业 | mini | — |\n")


def test_rank_chart_refuses_metrics_where_smaller_is_better(cli):
    result = cli("rank", "--by", "梯队", "--chart", "--data", str(PROJECT_DATA))
    assert (result.code, result.stdout, result.stderr) == (
        2, "", "Error: --chart draws bars where larger is better; 人工智能产业发展梯队 ranks smaller first\n")


def test_rank_chart_draws_bars(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    out = run(cli, "rank", "--by", "产业规模", "--chart").stdout
    assert "█" * 24 in out and "█" * 22 + " " in out and "█" * 25 not in out


def test_subsidy_estimate_json_exact(cli):
    records = json.loads(run(cli, "subsidies", "--type", "compute voucher", "--spend", "300万", "-f", "json").stdout)
    assert [(r["place"], r["spend"], r["rate_used"], r["payout"], r["rule"]) for r in records] == [
        ("甲", 3000000, 0.5, 1000000, "不超过50% × 300万元 = 150万元, capped at 最高100万元/年")]


def test_subsidy_startup_rate(cli):
    records = json.loads(run(cli, "subsidies", "--type", "suanliquan", "--spend", "1,000,000", "--startup", "-f", "json").stdout)
    assert [(r["payout"], r["rate_used"]) for r in records] == [(600000, 0.6)]


def test_unknown_terms_are_empty_never_zero(cli):
    rows = list(csv.DictReader(io.StringIO(run(cli, "subsidies", "--city", "丙", "-f", "csv").stdout)))
    assert [(r["name"], r["pool"], r["rate"], r["cap"]) for r in rows] == [("丙市语料券", "", "", "")]
    table = run(cli, "subsidies", "--city", "丙", "-f", "table").stdout
    assert "丙市语料券" in table and "—" in table


def test_json_shape_is_fixed_per_command(cli):
    assert isinstance(json.loads(run(cli, "rank", "--by", "产业规模", "-f", "json").stdout), list)
    shown = json.loads(run(cli, "show", "甲", "-f", "json").stdout)
    assert list(shown) == ["place", "figures", "policies", "subsidies"]
    assert list(json.loads(run(cli, "compare", "甲", "乙", "-f", "json").stdout)) == ["metrics", "subsidies"]


def test_show_sources_prints_quotes(cli):
    assert "甲市现有人工智能企业超2800家" not in run(cli, "show", "甲", "-f", "table").stdout
    wide = cli("show", "甲", "--sources", "-f", "table", "--data", str(MINI), env={"COLUMNS": "300"})
    assert "甲市现有人工智能企业超2800家" in wide.stdout


def test_show_figure_record_exact(cli):
    figures = json.loads(run(cli, "show", "Alpha", "-f", "json").stdout)["figures"]
    assert figures[0] == {
        "place": "甲", "metric": "ai_enterprises", "metric_zh": "人工智能企业数", "kind": "actual",
        "value": 2800, "value_max": None, "unit": "家", "qualifier": "超", "display": "超2800家",
        "date": "2024-12-31", "scope": "人工智能企业", "source": "mini", "as_of": "2024-12-31", "deadline": None,
        "text": "超2800家", "quote": "甲市现有人工智能企业超2800家", "note": ""}


def test_sources_counts_citations(cli):
    rows = list(csv.DictReader(io.StringIO(run(cli, "sources").stdout)))
    assert [(r["id"], r["figures"], r["policies"], r["subsidies"]) for r in rows] == [("mini", "6", "1", "3"), ("mini-late", "1", "0", "0")]


def test_list_filters(cli):
    def places(*args):
        return [r["place"] for r in csv.DictReader(io.StringIO(run(cli, "list", *args).stdout))]
    assert places() == ["甲", "乙", "丙"]
    assert places("--level", "district") == ["丙"]
    assert places("--region", "测区") == ["甲", "乙"]
    assert places("--province", "测省") == ["甲", "乙", "丙"]
    result = run(cli, "list", "--region", "测")
    assert (result.code, result.stderr) == (2, "Error: unknown region '测' (did you mean: 测区?)\n")


def test_compare_metrics_option(cli):
    rows = list(csv.DictReader(io.StringIO(run(cli, "compare", "甲", "乙", "--metrics", "企业数,产业规模", "-f", "csv").stdout)))
    assert [(r["table"], r["metric"], r["kind"]) for r in rows][:4] == [
        ("metrics", "ai_enterprises", "actual"), ("metrics", "industry_scale", "actual"),
        ("metrics", "ai_enterprises", "target"), ("metrics", "industry_scale", "target")]


@pytest.mark.parametrize("args, message", [
    (["show", "丁"], "Error: unknown place '丁'\n"),
    (["compare", "甲"], "Error: compare needs at least two places, e.g. cityai compare 深圳 上海\n"),
    (["compare", "甲", "Alpha"], "Error: 甲 given more than once\n"),
    (["rank", "--by", "产业"], "Error: unknown metric '产业' (did you mean: industry_scale?)\n"),
    (["subsidies", "--type", "算力"], "Error: unknown subsidy type '算力' (did you mean: 算力券?)\n"),
    (["subsidies", "--spend", "abc"], "Error: invalid amount 'abc': expected an amount in yuan such as 300万, 3,000,000, 0.03亿 or 3e6\n"),
    (["subsidies", "--startup"], "Error: --startup/--eligible change the --spend estimate; add --spend AMOUNT\n"),
    (["rank", "--by", "产业规模", "--chart", "-f", "csv"], "Error: --chart draws bars in the terminal table; it cannot be combined with --format csv\n"),
])
def test_usage_errors_exit_2_with_exact_message(cli, args, message):
    result = run(cli, *args)
    assert (result.code, result.stdout, result.stderr) == (2, "", message)


@pytest.mark.parametrize("args", [["rank", "--by", "x", "--top", "0"], ["rank", "--by", "x", "--top", "-1"],
                                  ["list", "--format", "xml"], ["list", "--bogus"], ["list", "--level", "planet"]])
def test_bad_flags_exit_2(cli, args):
    result = run(cli, *args)
    assert result.code == 2 and "Error:" in result.stderr and "Traceback" not in result.stderr


def test_validate_ok(cli):
    result = cli("validate", str(MINI))
    assert (result.code, result.stdout) == (0, "")
    assert result.stderr.endswith("mini.toml: OK — 3 places, 7 figures, 1 policy, 3 subsidy programmes; "
                                  "every quote found in its source (2 documents)\n")


def test_data_from_environment(cli, monkeypatch):
    result = cli("rank", "--by", "产业规模", "-f", "csv", env={"CITYAI_DATA": str(MINI)})
    assert result.stdout.splitlines()[1].startswith("1,乙,")


def test_version(cli):
    from cityai_cli import __version__
    assert cli("--version").stdout == f"cityai {__version__}\n"


SUBSIDY_KEYS = ("place,type,type_en,name,policy,as_of,pool,pool_display,pool_period,pool_quote,rate,rate_display,"
                "rate_period,rate_quote,special_rates,cap,cap_display,cap_period,cap_quote,eligibility,source,quote,note")


@pytest.mark.parametrize("args, header", [
    (["list"], "place,level,province,city,regions,english,ai_enterprises,ai_enterprises_display,ai_enterprises_date,"
               "industry_scale,industry_scale_display,industry_scale_date,compute_capacity,compute_capacity_display,"
               "compute_capacity_date,figures,policies,subsidies"),
    (["rank", "--by", "产业规模"], "rank,place,level,value,value_max,unit,qualifier,display,date,scope,source,conflicts"),
    (["subsidies"], SUBSIDY_KEYS),
    (["subsidies", "--spend", "300万"], SUBSIDY_KEYS + ",spend,rate_used,payout,payout_display,rule"),
    (["targets"], "place,metric,metric_zh,value,value_max,unit,qualifier,display,date,deadline,set_on,scope,source,"
                  "actual_value,actual_value_max,actual_unit,actual_qualifier,actual_display,actual_date,actual_scope,actual_source,"
                  "progress,progress_note"),
    (["conflicts"], "place,metric,metric_zh,kind,scope,unit,a_value,a_display,a_date,a_source,a_quote,"
                    "b_value,b_display,b_date,b_source,b_quote,difference"),
    (["sources"], "id,publisher,title,published,author,file,figures,policies,subsidies"),
    (["compare", "甲", "乙"], "table,metric,metric_zh,kind,unit,"
     "jia_value,jia_value_max,jia_qualifier,jia_display,jia_date,jia_scope,jia_source,jia_leader,"
     "yi_value,yi_value_max,yi_qualifier,yi_display,yi_date,yi_scope,yi_source,yi_leader,leader,flags," + SUBSIDY_KEYS),
    (["show", "甲"], "table,place,level,province,city,regions,traditional,pinyin,english,metric,metric_zh,kind,value,"
     "value_max,unit,qualifier,display,date,as_of,deadline,scope,source,text,quote,note,title,issued,period,"
     "type,type_en,name,policy,pool,pool_display,pool_period,pool_quote,rate,rate_display,rate_period,rate_quote,"
     "special_rates,cap,cap_display,cap_period,cap_quote,eligibility"),
])
def test_csv_columns_are_exact_and_stable(cli, args, header):
    assert run(cli, *args, "-f", "csv").stdout.splitlines()[0] == header


@pytest.mark.parametrize("command", list(COMMANDS))
def test_machine_formats_hold_every_field_the_table_shows(command):
    """Every field of every record is a column, so CSV/JSON carry everything the table cells are built from."""
    from cityai_cli.kb import load
    from cityai_cli.query import compare, places, rank, subsidies, targets, conflicts
    kb = load(MINI).kb
    reports = {
        "list": lambda: places.list_places(kb), "show": lambda: places.show_place(kb, "甲"),
        "compare": lambda: compare.compare(kb, ["甲", "乙"]), "diff": lambda: compare.compare(kb, ["甲", "乙"]),
        "rank": lambda: rank.rank(kb, "industry_scale"), "subsidies": lambda: subsidies.list_subsidies(kb),
        "estimate": lambda: subsidies.list_subsidies(kb, spend=__import__("decimal").Decimal(3000000)),
        "sources": lambda: places.list_sources(kb), "targets": lambda: targets.list_targets(kb),
        "conflicts": lambda: conflicts.list_conflicts(kb),
    }
    for table in reports[command]().tables:
        keys = {column.key for column in table.columns}
        assert table.rows, f"{command}: the fixture should give every table rows"
        for row in table.rows:
            assert set(row) == keys, set(row) ^ keys
