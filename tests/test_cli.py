"""Every command × every format × both languages through the real CLI, on the fixture knowledge base."""

import csv
import io
import json

import pytest

from conftest import FIXTURES, MINI

COMMANDS = {
    "list": ["list"],
    "show": ["show", "甲"],
    "compare": ["compare", "甲", "乙"],
    "diff": ["diff", "甲", "乙"],
    "rank": ["rank", "--by", "产业规模"],
    "subsidies": ["subsidies"],
    "estimate": ["subsidies", "--type", "算力券", "--spend", "300万"],
    "funds": ["funds"],
    "sources": ["sources"],
    "targets": ["targets"],
    "conflicts": ["conflicts", "甲", "--all"],
    "policies": ["policies"],
    "metrics": ["metrics"],
    "types": ["types"],
}
FORMATS = ["table", "csv", "json", "markdown"]
SHOW_LEFT_OUT = {
    "en": "show: CSV holds the facts table (5 rows); add --table place (1 row), --table policies (1 row)"
    " or --table subsidies (1 row) for the others, or -f json for all\n",
    "zh": "show: CSV 只写了 facts 表 (5 行); 其余的表加 --table place (1 行), --table policies (1 行)"
    " 或 --table subsidies (1 行), 全部用 -f json\n",
}


def run(cli, *args, env=None):
    return cli(*args, "--data", str(MINI), env=env)


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_in_every_format_and_language(cli, command, fmt, lang):
    result = run(cli, *COMMANDS[command], "--format", fmt, "--lang", lang)
    assert result.code == 0, result.stderr
    # show's CSV holds its facts and says which of its other tables it left out (test_csv_tables)
    assert result.stderr == (SHOW_LEFT_OUT[lang] if (command, fmt) == ("show", "csv") else "")
    out = result.stdout
    if fmt == "json":
        data = json.loads(out)
        assert data, "the fixture gives every command records"
    elif fmt == "csv":
        assert len(list(csv.reader(io.StringIO(out)))) >= 2
    elif fmt == "markdown":
        assert out.startswith("### ")
    else:
        assert "\x1b" not in out and "Traceback" not in out


def test_piped_output_defaults_to_csv(cli):
    assert run(cli, "rank", "--by", "产业规模").stdout == run(cli, "rank", "--by", "产业规模", "-f", "csv").stdout


def test_data_before_or_after_the_command(cli):
    after = run(cli, "rank", "--by", "产业规模", "-f", "csv")
    before = cli("--data", str(MINI), "rank", "--by", "产业规模", "-f", "csv")
    assert (before.code, before.stdout, before.stderr) == (0, after.stdout, "")
    assert after.stdout.splitlines()[1].startswith("1,乙,乙,city,400000000000,")


def test_lang_from_environment(cli):
    by_env = run(cli, "rank", "--by", "产业规模", "-f", "markdown", env={"CITYAI_LANG": "en"})
    by_option = run(cli, "rank", "--by", "产业规模", "-f", "markdown", "--lang", "en")
    assert by_env.stdout == by_option.stdout
    assert by_env.stdout.startswith("### industry scale · city · ")


def test_rank_csv_exact(cli):
    # (CliRunner folds CRLF to LF; test_render checks the CRLF line ends themselves.)
    assert run(cli, "rank", "--by", "industry_scale", "-f", "csv").stdout == (
        "rank,place,place_label,level,value,value_max,unit,bound,text,display,kind,date,date_precision,date_basis,"
        "scope,scope_label,sources,citation_count,comparable,reason,tie,conflict_count,why\n"
        "1,乙,乙,city,400000000000,,CNY,lower,突破4000亿元,突破4000亿元,actual,2024-12-31,year,stated,ai_industry,"
        "人工智能产业,mini,1,true,,,0,\n"
        "2,甲,甲,city,360000000000,,CNY,exact,3600亿元,3600亿元,actual,2024-12-31,year,stated,ai_industry,"
        "人工智能产业,mini,1,true,,,0,\n"
        ",丁,丁,city,500000000000,,CNY,exact,5000亿元,5000亿元,actual,2024-12-31,year,stated,ai_core_industry,"
        "人工智能核心产业,mini-late,1,false,different_scope,,0,口径不同\n"
    )


def test_rank_csv_keys_and_codes_do_not_change_with_the_language(cli):
    zh = rows(run(cli, "rank", "--by", "产业规模", "-f", "csv").stdout)
    en = rows(run(cli, "rank", "--by", "产业规模", "-f", "csv", "--lang", "en").stdout)
    assert list(zh[0]) == list(en[0])
    machine = ("rank", "place", "value", "unit", "bound", "scope", "comparable", "reason")
    assert [[r[k] for k in machine] for r in zh] == [[r[k] for k in machine] for r in en]
    assert [(r["place_label"], r["display"], r["scope_label"], r["why"]) for r in en] == [
        ("Beta", "over CNY 400 bn", "AI industry", ""),
        ("Alpha", "CNY 360 bn", "AI industry", ""),
        ("Delta", "CNY 500 bn", "core AI industry", "different scope"),
    ]


def test_rank_markdown_exact(cli):
    assert run(cli, "rank", "--by", "产业规模", "-f", "markdown").stdout == (
        "### 产业规模 · 市 · 2个可比排名(12个月内), 1个未排名, 0个无数据\n\n"
        "| # | 地区 | 数值 | 日期 | 口径 | 来源 | 说明 |\n"
        "|---:|---|---|---|---|---|---|\n"
        "| 1 | 乙 | 突破4000亿元 | 2024 | 人工智能产业 | mini |  |\n"
        "| 2 | 甲 | 3600亿元 | 2024 | 人工智能产业 | mini |  |\n"
        "| — | 丁 | 5000亿元 | 2024 | 人工智能核心产业 | mini-late | 口径不同 |\n"
    )


def test_rank_markdown_exact_in_english(cli):
    assert run(cli, "rank", "--by", "产业规模", "-f", "markdown", "--lang", "en").stdout == (
        "### industry scale · city · 2 ranked (within 12 months), 1 unranked, 0 without the figure\n\n"
        "| # | place | figure | date | scope | sources | note |\n"
        "|---:|---|---|---|---|---|---|\n"
        "| 1 | Beta | over CNY 400 bn | 2024 | AI industry | mini |  |\n"
        "| 2 | Alpha | CNY 360 bn | 2024 | AI industry | mini |  |\n"
        "| — | Delta | CNY 500 bn | 2024 | core AI industry | mini-late | different scope |\n"
    )


def test_rank_targets_and_forecasts(cli):
    def ranked(*args):
        return [
            (r["rank"], r["place"], r["text"], r["reason"])
            for r in rows(run(cli, "rank", "--by", "compute_capacity", *args, "-f", "csv").stdout)
        ]

    # deadlines 2027 and 2026 are within 12 months; --window 0 leaves the earlier one unranked
    assert ranked("--targets") == [("1", "甲", "突破100EFLOPS", ""), ("2", "乙", "50EFLOPS", ""), ("", "丁", "", "")]
    assert ranked("--targets", "--window", "0") == [
        ("1", "甲", "突破100EFLOPS", ""),
        ("", "乙", "50EFLOPS", "outside_window"),
        ("", "丁", "", ""),
    ]
    assert ranked("--forecasts") == [("1", "丁", "200EFLOPS", ""), ("", "乙", "", ""), ("", "甲", "", "")]
    result = run(cli, "rank", "--by", "compute_capacity", "--targets", "--forecasts")
    assert (result.code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: --targets and --forecasts exclude each other\n",
    )


def test_rank_as_of_uses_what_was_known_then(cli):
    def ranked(*args):
        return [
            (r["rank"], r["place"], r["text"], r["date"])
            for r in rows(run(cli, "rank", "--by", "ai_enterprises", "--level", "all", *args, "-f", "csv").stdout)
        ]

    # 丁's 1200家 is dated 2025-04-01: not yet known at the end of 2024.
    assert ranked("--as-of", "2024") == [
        ("1", "甲", "超2800家", "2024-12-31"),
        ("2", "乙", "约2400家", "2024-12-31"),
        ("", "丁", "", ""),
        ("", "丙", "", ""),
        ("", "测区", "", ""),
    ]
    # Known by now, and within 12 months of the others: ranked with them; not with --window 3
    assert ("3", "丁", "1200家", "2025-04-01") in ranked()
    assert ranked("--window", "3")[:3] == [
        ("1", "丁", "1200家", "2025-04-01"),
        ("", "甲", "超2800家", "2024-12-31"),
        ("", "乙", "约2400家", "2024-12-31"),
    ]


def test_rank_chart_refuses_metrics_where_smaller_is_better(cli, tmp_path):
    text = MINI.read_text(encoding="utf-8").replace('unit = "元"\n', 'unit = "元"\nhigher_is_better = false\n')
    (tmp_path / "smaller.toml").write_text(text, encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    result = cli("rank", "--by", "产业规模", "--chart", "--data", str(tmp_path / "smaller.toml"))
    assert (result.code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: --chart draws bars where larger is better; industry_scale ranks smaller first\n",
    )


def test_rank_chart_draws_bars(cli):
    out = run(cli, "rank", "--by", "产业规模", "--chart", env={"COLUMNS": "120"}).stdout
    bars = {line.split()[1]: line.count("█") for line in out.splitlines() if "█" in line}
    # 24 columns at 120; bars only for ranked rows (丁's 5000亿 is another scope, unranked, no bar).
    assert bars == {"乙": 24, "甲": round(3600 / 4000 * 24)}


def test_subsidy_estimate_json_exact(cli):
    records = json.loads(run(cli, "subsidies", "--type", "compute voucher", "--spend", "300万", "-f", "json").stdout)
    assert [
        (
            r["place"],
            r["spend"],
            r["estimate"],
            r["rate_used"],
            r["rate_used_bound"],
            r["gross"],
            r["payout"],
            r["payout_bound"],
            r["payout_shown"],
            r["special_used"],
            r["rule"],
        )
        for r in records
    ] == [
        (
            "甲",
            3000000,
            "capped",
            0.5,
            "upper",
            1500000,
            1000000,
            "upper",
            "最高100万元",
            None,
            "最高50% × 300万元 = 150万元, 受上限 最高100万元/年 限制",
        )
    ]


def test_subsidy_estimate_in_english(cli):
    records = json.loads(
        run(cli, "subsidies", "--type", "算力券", "--spend", "300万", "-f", "json", "--lang", "en").stdout
    )
    assert [(r["payout"], r["payout_shown"], r["rule"]) for r in records] == [
        (1000000, "up to CNY 1 m", "up to 50% × CNY 3 m = CNY 1.5 m, over the cap of up to CNY 1 m a year")
    ]


def test_subsidy_startup_rate(cli):
    records = json.loads(
        run(cli, "subsidies", "--type", "suanliquan", "--spend", "1,000,000", "--startup", "-f", "json").stdout
    )
    assert [
        (r["estimate"], r["payout"], r["rate_used"], r["special_used"], r["payout_bound"], r["payout_shown"], r["rule"])
        for r in records
    ] == [  # the special rate is exact: so is the payout
        ("within_cap", 600000, 0.6, "startup", "exact", "60万元", "60% × 100万元 = 60万元, 未超上限 最高100万元/年")
    ]
    same = json.loads(
        run(
            cli, "subsidies", "--type", "suanliquan", "--spend", "1,000,000", "--eligible", "startup", "-f", "json"
        ).stdout
    )
    assert same == records


def test_estimate_without_a_rate_is_no_estimate(cli):
    records = json.loads(run(cli, "subsidies", "--spend", "300万", "-f", "json").stdout)
    assert [(r["place"], r["estimate"], r["payout"], r["rule"]) for r in records] == [
        ("甲", "capped", 1000000, "最高50% × 300万元 = 150万元, 受上限 最高100万元/年 限制"),
        ("乙", "rate_unknown", None, "无法估算: 补贴比例未知"),
        ("丙", "rate_unknown", None, "无法估算: 补贴比例未知"),
    ]


def test_unknown_terms_are_empty_never_zero(cli):
    found = rows(run(cli, "subsidies", "--city", "丙", "-f", "csv").stdout)
    assert [(r["name"], r["pool"], r["rate"], r["cap"], r["pool_shown"], r["cap_shown"]) for r in found] == [
        ("丙市语料券", "", "", "", "", "")
    ]
    table = run(cli, "subsidies", "--city", "丙", "-f", "markdown").stdout
    assert table.splitlines()[-1] == "| 丙 | 语料券 | 丙市语料券 | — | — | — | — | mini |"


def test_subsidies_are_ordered_by_cap_and_never_list_funds(cli):
    found = rows(run(cli, "subsidies", "-f", "csv").stdout)
    assert [(r["place"], r["type"], r["category"], r["cap"]) for r in found] == [
        ("乙", "模型券", "voucher", "2000000"),
        ("甲", "算力券", "voucher", "1000000"),
        ("丙", "语料券", "voucher", ""),
    ]


@pytest.mark.parametrize(
    ("lang", "title"),
    [("zh", "3个补贴项目 · 合同金额300万元 · 前1个"), ("en", "3 subsidy programmes · spend CNY 3 m · top 1")],
)
def test_subsidies_top_prints_the_first_rows_and_says_of_how_many(cli, lang, title):
    table = run(cli, "subsidies", "--spend", "300万", "--top", "1", "-f", "markdown", "--lang", lang).stdout
    assert table.splitlines()[0] == f"### {title}"
    assert [r["name"] for r in rows(run(cli, "subsidies", "--spend", "300万", "--top", "1", "-f", "csv").stdout)] == [
        "甲市算力券"
    ]
    whole = run(cli, "subsidies", "--spend", "300万", "--top", "3", "-f", "markdown", "--lang", lang).stdout
    assert whole.splitlines()[0] == "### " + title.rsplit(" · ", 1)[0]  # nothing cut: no "top"


@pytest.mark.parametrize("command", ["subsidies", "funds"])
def test_programmes_top_must_be_positive(cli, command):
    result = run(cli, command, "--top", "0")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1].startswith("Error: Invalid value for '--top': ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["subsidies", "--type", "基金", "--spend", "300万"], "Error: 基金: a fund; see cityai funds --type 基金\n"),
        (["funds", "--type", "算力券"], "Error: 算力券: not a fund; see cityai subsidies --type 算力券\n"),
    ],
)
def test_a_type_the_other_command_lists_points_to_it(cli, args, message):
    result = run(cli, *args)
    assert (result.code, result.stdout, result.stderr) == (2, "", message)
    # one type of each: the command lists its own, as before
    assert run(cli, "subsidies", "--type", "基金", "--type", "算力券", "-f", "csv").code == 0


@pytest.mark.parametrize(
    ("since", "until", "refused"),
    [
        ("2026", "2024", True),
        ("2024-02", "2024-01", True),
        ("2024-06", "2024", False),
        ("2024", "2024-01", False),
        ("2024-12-31", "2024", False),
    ],
)
def test_policies_refuse_a_range_with_no_date_in_it(cli, since, until, refused):
    result = run(cli, "policies", "--since", since, "--until", until, "-f", "csv")
    if refused:
        assert (result.code, result.stdout, result.stderr) == (
            2,
            "",
            f"Error: --since {since} is after --until {until}: no date falls between them\n",
        )
    else:
        assert (result.code, result.stderr) == (0, "")


def test_funds_list_only_funds(cli):
    found = rows(run(cli, "funds", "-f", "csv").stdout)
    assert [
        (r["place"], r["type"], r["category"], r["name"], r["pool"], r["pool_period"], r["pool_shown"]) for r in found
    ] == [("丁", "基金", "fund", "丁市人工智能产业基金", "10000000000", "total", "100亿元(总额)")]
    assert rows(run(cli, "funds", "--city", "甲", "-f", "csv").stdout) == []
    assert run(cli, "funds", "-f", "markdown", "--lang", "en").stdout == (
        "### 1 fund\n\n"
        "| place | type | name | pool | rate | special rates | cap per recipient | sources |\n"
        "|---|---|---|---|---|---|---|---|\n"
        "| Delta | fund | 丁市人工智能产业基金 | CNY 10 bn in total | — | — | — | mini-late |\n"
    )


def test_subsidies_for_a_region_are_its_members(cli):
    found = rows(run(cli, "subsidies", "--city", "测区", "-f", "csv").stdout)
    assert [r["place"] for r in found] == ["乙", "甲"]
    both = rows(run(cli, "subsidies", "--city", "甲", "--city", "丙", "-f", "csv").stdout)
    assert [r["place"] for r in both] == ["甲", "丙"]


def test_json_shape_is_fixed_per_command(cli):
    for args in (["rank", "--by", "产业规模"], ["compare", "甲", "乙"], ["targets"], ["funds"], ["metrics"]):
        assert isinstance(json.loads(run(cli, *args, "-f", "json").stdout), list), args
    shown = json.loads(run(cli, "show", "甲", "-f", "json").stdout)
    assert list(shown) == ["place", "facts", "policies", "subsidies"]
    # An empty result keeps the shape.
    assert json.loads(run(cli, "conflicts", "乙", "-f", "json").stdout) == []


def test_show_profile_exact(cli):
    shown = json.loads(run(cli, "show", "Alpha", "-f", "json").stdout)
    assert shown["place"] == [
        {
            "place": "甲",
            "level": "city",
            "province": "测省",
            "city": None,
            "regions": ["测区"],
            "traditional": "甲",
            "pinyin": "Jia",
            "english": "Alpha",
        }
    ]
    assert [(s["name"], s["cap"]) for s in shown["subsidies"]] == [("甲市算力券", 1000000)]


def test_show_fact_record_exact(cli):
    facts = json.loads(run(cli, "show", "Alpha", "-f", "json").stdout)["facts"]
    assert facts[0] == {
        "place": "甲",
        "place_label": "甲",
        "metric": "ai_enterprises",
        "metric_label": "人工智能企业数",
        "kind_label": "实际",
        "value": 2800,
        "value_max": None,
        "unit": "count",
        "bound": "lower",
        "text": "超2800家",
        "display": "超2800家",
        "kind": "actual",
        "date": "2024-12-31",
        "date_basis": "stated",
        "scope": "ai",
        "scope_label": "人工智能企业",
        "sources": ["mini"],
        "citations": [{"source": "mini", "quote": "甲市现有人工智能企业超2800家", "value": "超2800家", "note": None}],
        "set_on": None,
        "note": None,
    }
    assert [(f["metric"], f["kind"], f["text"], f["date"], f["date_basis"]) for f in facts] == [
        ("ai_enterprises", "actual", "超2800家", "2024-12-31", "stated"),
        ("ai_enterprises", "actual", "2600余家", "2024-12-31", "stated"),
        ("compute_capacity", "actual", "30EFLOPS", "2025-04-01", "published"),
        ("industry_scale", "actual", "3600亿元", "2024", "stated"),
        ("compute_capacity", "target", "突破100EFLOPS", "2027", "stated"),
    ]


def test_show_policy_record_exact(cli):
    policies = json.loads(run(cli, "show", "甲", "-f", "json").stdout)["policies"]
    assert policies == [
        {
            "place": "甲",
            "place_label": "甲",
            "title": "甲市人工智能行动计划(2025—2026年)",
            "date": "2025",
            "date_basis": "inferred",
            "period": "2025—2026",
            "sources": ["mini", "mini-late"],
            "citations": [
                {"source": "mini", "quote": "《甲市人工智能行动计划(2025—2026年)》", "value": None, "note": None},
                {
                    "source": "mini-late",
                    "quote": "《甲市人工智能行动计划(2025—2026年)》再次印发",
                    "value": None,
                    "note": None,
                },
            ],
            "note": "发布年份由文件期限推断",
        }
    ]


def test_show_csv_is_the_facts_table(cli):
    found = rows(run(cli, "show", "甲", "-f", "csv").stdout)
    assert [(r["metric"], r["kind"], r["text"]) for r in found][:2] == [
        ("ai_enterprises", "actual", "超2800家"),
        ("ai_enterprises", "actual", "2600余家"),
    ]
    assert len(found) == 5


def test_show_table_marks_a_publication_date_and_an_inferred_date(cli):
    out = run(cli, "show", "甲", "-f", "markdown").stdout
    assert "| 人工智能企业数 | 实际 | 超2800家 | 2024-12-31 | 人工智能企业 | mini |" in out
    assert "| 智能算力规模 | 实际 | 30EFLOPS | 2025-04-01* | 全市智能算力 | mini-late |" in out
    assert "| 甲市人工智能行动计划(2025—2026年) | 2025~ | 2025—2026 | mini, mini-late |" in out
    # The quotes are in the machine formats (citations), not in the table.
    assert "甲市现有人工智能企业超2800家" not in out


def test_show_profile_level_is_worded_in_the_language(cli):
    """The profile's level reads as `list` words it (市 / city), not as the machine code in Chinese."""
    zh = run(cli, "show", "甲", "-f", "markdown").stdout.splitlines()
    en = run(cli, "show", "甲", "-f", "markdown", "--lang", "en").stdout.splitlines()
    assert zh[2] == "| 地区 | 级别 | 省份 | 所属城市 | 区域 | 繁体 | 拼音 | English |"
    assert zh[4] == "| 甲 | 市 | 测省 | — | 测区 | 甲 | Jia | Alpha |"
    # in English the profile names places in English (测省 has no English name anywhere: as written),
    # and the Chinese forms are in CSV and JSON only
    assert en[2] == "| place | level | province | city | regions | pinyin |"
    assert en[4] == "| Alpha | city | 测省 | — | Test Region | Jia |"
    profile = json.loads(run(cli, "show", "甲", "-f", "json", "--lang", "en").stdout)["place"]
    assert profile[0]["traditional"] == "甲" and profile[0]["province"] == "测省" and profile[0]["place"] == "甲"


def test_show_as_of(cli):
    facts = json.loads(run(cli, "show", "甲", "--as-of", "2024", "-f", "json").stdout)["facts"]
    # The 30EFLOPS of 2025-04-01 was not known at the end of 2024; a target without set_on is kept.
    assert [(f["metric"], f["kind"], f["text"]) for f in facts] == [
        ("ai_enterprises", "actual", "超2800家"),
        ("ai_enterprises", "actual", "2600余家"),
        ("industry_scale", "actual", "3600亿元"),
        ("compute_capacity", "target", "突破100EFLOPS"),
    ]


def test_compare_exact(cli):
    found = rows(run(cli, "compare", "甲", "乙", "-f", "csv").stdout)
    assert [
        (r["metric"], r["kind"], r["jia_text"], r["yi_text"], r["jia_leader"], r["yi_leader"], r["leader"], r["notes"])
        for r in found
    ] == [
        ("ai_enterprises", "actual", "超2800家", "约2400家", "true", "false", "甲", ""),
        ("industry_scale", "actual", "3600亿元", "突破4000亿元", "false", "true", "乙", ""),
        (
            "compute_capacity",
            "actual",
            "30EFLOPS",
            "20EFLOPS",
            "false",
            "false",
            "",
            "口径不同: 甲 全市智能算力; 乙 实时可用智能算力",
        ),
        (
            "compute_capacity",
            "target",
            "突破100EFLOPS",
            "50EFLOPS",
            "true",
            "false",
            "甲",
            "日期不同: 甲 2027; 乙 2026",
        ),
    ]
    outside = rows(run(cli, "compare", "甲", "乙", "--metric", "compute_capacity", "--window", "0", "-f", "csv").stdout)
    assert [(r["leader"], r["notes"]) for r in outside][1] == ("", "相隔超过0个月, 不比较: 甲 2027; 乙 2026")
    assert json.loads(run(cli, "compare", "甲", "乙", "-f", "json").stdout)[2]["flags"] == [
        {"code": "different_scope", "places": {"甲": "citywide", "乙": "realtime"}}
    ]


def test_compare_in_english(cli):
    assert run(cli, "compare", "甲", "乙", "丁", "-f", "markdown", "--lang", "en").stdout == (
        "### Alpha vs Beta vs Delta\n\n"
        "| metric | Alpha | Beta | Delta | note |\n"
        "|---|---|---|---|---|\n"
        "| AI enterprises | over 2,800 ★ 2024-12-31 | about 2,400 2024-12-31 | 1,200 2025-04-01* | "
        "dates differ: Alpha 2024-12-31; Beta 2024-12-31; Delta 2025-04-01 |\n"
        "| industry scale | CNY 360 bn 2024 | over CNY 400 bn 2024 | CNY 500 bn 2024 | "
        "different scope: Alpha AI industry; Beta AI industry; Delta core AI industry |\n"
        "| compute capacity | 30 EFLOPS 2025-04-01* | 20 EFLOPS 2025 | — | "
        "different scope: Alpha citywide compute; Beta compute available in real time |\n"
        "| compute capacity (target) | over 100 EFLOPS ★ 2027 | 50 EFLOPS 2026 | — | dates differ: Alpha 2027; Beta 2026 |\n"
        "| compute capacity (forecast) | — | — | 200 EFLOPS 2027 | only Delta |\n"
    )


def test_compare_metric_option_is_repeatable(cli):
    found = rows(run(cli, "compare", "甲", "乙", "--metric", "企业数", "--metric", "产业规模", "-f", "csv").stdout)
    assert [(r["metric"], r["kind"]) for r in found] == [("ai_enterprises", "actual"), ("industry_scale", "actual")]
    one = rows(run(cli, "compare", "甲", "乙", "--metric", "compute capacity", "-f", "csv").stdout)
    assert [(r["metric"], r["kind"]) for r in one] == [("compute_capacity", "actual"), ("compute_capacity", "target")]


def test_diff_is_compare(cli):
    assert run(cli, "diff", "甲", "乙", "-f", "csv").stdout == run(cli, "compare", "甲", "乙", "-f", "csv").stdout


def test_targets_exact(cli):
    found = rows(run(cli, "targets", "-f", "csv").stdout)
    assert [
        (
            r["place"],
            r["metric"],
            r["text"],
            r["date"],
            r["actual_text"],
            r["actual_scope"],
            r["progress"],
            r["progress_reason"],
        )
        for r in found
    ] == [
        ("乙", "compute_capacity", "50EFLOPS", "2026-12-31", "20EFLOPS", "realtime", "", "different_scope"),
        ("甲", "compute_capacity", "突破100EFLOPS", "2027-12-31", "30EFLOPS", "citywide", "0.3", ""),
    ]
    assert run(cli, "targets", "甲", "-f", "markdown").stdout == (
        "### 1个目标\n\n"
        "| 地区 | 指标 / 口径 | 目标 | 来源 | 最新实际 | 完成度 |\n"
        "|---|---|---|---|---|---:|\n"
        "| 甲 | 智能算力规模<br>全市智能算力 | 突破100EFLOPS 2027 | mini | 30EFLOPS (2025-04-01*) | 30% |\n"
    )


def test_targets_filters(cli):
    def places(*args):
        return [r["place"] for r in rows(run(cli, "targets", *args, "-f", "csv").stdout)]

    assert places("测区") == ["乙", "甲"]
    assert places("--region", "测区") == ["乙", "甲"]
    assert places("--metric", "产业规模") == []
    assert places("丁") == []


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_conflicts_written_as_made_or_from_a_list_are_the_same(cli, contradicting, tmp_path, fmt):
    # With a picture, the rows are a list (the terminal table lays them out); without, made as written.
    for more in ([], ["--all"]):
        streamed = cli("conflicts", *more, "-f", fmt, "--data", str(contradicting))
        listed = cli(
            "conflicts", *more, "-f", fmt, "--data", str(contradicting), "--svg", str(tmp_path / f"{len(more)}.svg")
        )
        assert (streamed.code, listed.code) == (0, 0) and streamed.stdout == listed.stdout
        assert "2600家" in streamed.stdout


def test_conflicts_exact(cli, contradicting):
    def found(*args, data=MINI):
        return [
            (
                r["place"],
                r["metric"],
                r["kind"],
                r["scope"],
                r["a_text"],
                r["a_sources"],
                r["b_text"],
                r["b_sources"],
                r["relation"],
                r["difference"],
            )
            for r in rows(cli("conflicts", *args, "--data", str(data)).stdout)
        ]

    assert found("-f", "csv", data=contradicting) == [
        ("甲", "ai_enterprises", "actual", "ai", "超2800家", "mini", "2600家", "mini-late", "contradiction", "0.0714")
    ]
    # mini's 超2800家 and 2600余家 are two lower bounds: they agree, listed only with --all
    assert found("-f", "csv") == []
    assert found("--all", "-f", "csv") == [
        ("甲", "ai_enterprises", "actual", "ai", "超2800家", "mini", "2600余家", "mini-late", "consistent", "0.0714")
    ]
    assert (
        run(cli, "conflicts", "--all", "-f", "markdown").stdout.splitlines()[0]
        == "### 0处来源不一致, 1处写法不同但可同时成立"
    )
    assert rows(run(cli, "conflicts", "乙", "-f", "csv").stdout) == []
    assert run(cli, "conflicts", "乙", "-f", "markdown").stdout == "### 0处来源不一致\n\n_(无)_\n"


def test_policies_filters(cli):
    def titles(*args):
        return [(r["place"], r["date"]) for r in rows(run(cli, "policies", *args, "-f", "csv").stdout)]

    assert titles() == [("甲", "2025-12-31")]
    assert titles("--since", "2025") == titles("--until", "2025") == titles("测区") == [("甲", "2025-12-31")]
    assert titles("--since", "2026") == titles("--until", "2024") == titles("乙") == []


def test_sources_counts_citations(cli):
    found = rows(run(cli, "sources").stdout)
    assert [(r["source"], r["file"], r["published"], r["facts"], r["policies"], r["programmes"]) for r in found] == [
        ("mini", "mini.txt", "2025-03-01", "6", "1", "3"),
        ("mini-late", "mini.txt", "2025-04-01", "8", "1", "1"),
    ]


def test_metrics_and_types(cli):
    metrics = rows(run(cli, "metrics").stdout)
    assert [(r["metric"], r["zh"], r["en"], r["machine_unit"], r["scopes"], r["places"]) for r in metrics] == [
        ("ai_enterprises", "人工智能企业数", "AI enterprises", "count", "ai;ai_related", "4"),
        ("industry_scale", "产业规模", "industry scale", "CNY", "ai_industry;ai_core_industry", "3"),
        ("compute_capacity", "智能算力规模", "compute capacity", "PFLOPS", "citywide;realtime", "3"),
    ]
    types = rows(run(cli, "types").stdout)
    assert [(r["type"], r["en"], r["pinyin"], r["category"], r["category_label"], r["programmes"]) for r in types] == [
        ("算力券", "compute voucher", "suanliquan", "voucher", "券", "1"),
        ("模型券", "model voucher", "moxingquan", "voucher", "券", "1"),
        ("语料券", "corpus voucher", "yuliaoquan", "voucher", "券", "1"),
        ("基金", "fund", "jijin", "fund", "基金", "1"),
    ]


def test_list_filters(cli):
    def places(*args):
        return [r["place"] for r in rows(run(cli, "list", *args).stdout)]

    assert places() == places("--level", "all") == ["测区", "甲", "乙", "丙", "丁"]
    assert places("--level", "district") == ["丙"]
    assert places("--level", "city") == ["甲", "乙", "丁"]
    assert places("--region", "测区") == ["测区", "甲", "乙"]
    assert places("--region", "Test Region") == ["测区", "甲", "乙"]
    assert places("--province", "测省") == ["甲", "乙", "丙", "丁"]
    result = run(cli, "list", "--region", "测")
    assert (result.code, result.stdout, result.stderr) == (2, "", "Error: unknown region '测' (did you mean: 测区?)\n")
    result = run(cli, "list", "--province", "测")
    assert (result.code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: unknown province '测' (did you mean: 测省?)\n",
    )


def test_list_headline_figures(cli):
    found = {r["place"]: r for r in rows(run(cli, "list").stdout)}
    assert [
        (
            found[p]["ai_enterprises_text"],
            found[p]["industry_scale_text"],
            found[p]["compute_capacity_text"],
            found[p]["facts"],
            found[p]["policies"],
            found[p]["programmes"],
        )
        for p in ("甲", "乙", "丙", "丁", "测区")
    ] == [
        ("超2800家", "3600亿元", "30EFLOPS", "5", "1", "1"),
        ("约2400家", "突破4000亿元", "20EFLOPS", "4", "0", "1"),
        ("约3000家", "", "", "1", "0", "1"),
        ("1200家", "5000亿元", "", "3", "0", "1"),
        ("", "", "", "0", "0", "0"),
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "戊"], "Error: unknown place '戊'; see cityai list --level all\n"),
        (["show", "Alpah"], "Error: unknown place 'Alpah'; see cityai list --level all (did you mean: 甲?)\n"),
        (["compare", "甲"], "Error: compare needs at least two places, e.g. cityai compare 深圳 上海\n"),
        (["compare", "甲", "Alpha"], "Error: 甲 given more than once\n"),
        (
            ["rank", "--by", "产业"],
            "Error: unknown metric '产业'; see cityai metrics (did you mean: industry_scale?)\n",
        ),
        (
            ["subsidies", "--type", "算力"],
            "Error: unknown subsidy type '算力'; see cityai types (did you mean: 算力券?)\n",
        ),
        (
            ["subsidies", "--spend", "abc"],
            "Error: invalid amount 'abc': expected an amount in yuan such as 300万, 3,000,000, 0.03亿 or 3e6\n",
        ),
        (["subsidies", "--startup"], "Error: --startup/--eligible change the --spend estimate; add --spend AMOUNT\n"),
        (
            ["subsidies", "--spend", "300万", "--eligible", "nope"],
            "Error: unknown --eligible flag 'nope'; known flags: startup\n",
        ),
        (
            ["funds", "--spend", "300万"],
            "Error: a fund is an investment vehicle: it has no payout to estimate (--spend, --startup, --eligible)\n",
        ),
        (
            ["rank", "--by", "产业规模", "--chart", "-f", "csv"],
            "Error: --chart draws bars in the terminal table; it cannot be combined with --format csv\n",
        ),
        (["rank", "--by", "产业规模", "--as-of", "2024-13"], "Error: --as-of: '2024-13' is not a real date\n"),
        (
            ["show", "甲", "--as-of", "24"],
            'Error: --as-of: expected a date such as "2024", "2024-12" or "2024-12-31", got \'24\'\n',
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_usage_errors_exit_2_with_exact_message(cli, args, message):
    result = run(cli, *args)
    assert (result.code, result.stdout, result.stderr) == (2, "", message)


@pytest.mark.parametrize(
    "args",
    [
        ["rank", "--by", "x", "--top", "0"],
        ["rank", "--by", "x", "--top", "-1"],
        ["list", "--format", "xml"],
        ["list", "--bogus"],
        ["list", "--level", "planet"],
        ["list", "--lang", "fr"],
        ["show", "甲", "--sources"],
        ["compare", "甲", "乙", "--metrics", "企业数"],
    ],
)
def test_bad_flags_exit_2(cli, args):
    result = run(cli, *args)
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("Error: ") and "Traceback" not in result.stderr


OK_SUMMARY = (
    "OK — 5 places, 13 facts (14 citations), 1 policy, 4 programmes; every quote found in its source (2 documents)"
)


def test_validate_ok_prints_its_summary_on_stdout(cli, monkeypatch):
    monkeypatch.chdir(MINI.parent)
    result = cli("validate", "mini.toml")
    assert (result.code, result.stdout, result.stderr) == (0, f"mini.toml: {OK_SUMMARY}\n", "")


@pytest.mark.parametrize("fmt, stdout", [("csv", "file,line,column,path,message,problem\n"), ("json", "[]\n")])
def test_validate_machine_formats_keep_the_summary_on_stderr(cli, monkeypatch, fmt, stdout):
    monkeypatch.chdir(MINI.parent)
    result = cli("validate", "mini.toml", "-f", fmt)
    assert (result.code, result.stdout, result.stderr) == (0, stdout, f"mini.toml: {OK_SUMMARY}\n")


def test_data_from_environment(cli):
    result = cli("rank", "--by", "产业规模", "-f", "csv", env={"CITYAI_DATA": str(MINI)})
    assert result.code == 0
    assert result.stdout.splitlines()[1].startswith("1,乙,")


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(cli, flag):
    from cityai_cli import __version__

    result = cli(flag)
    assert (result.code, result.stdout, result.stderr) == (0, f"cityai {__version__}\n", "")


def _results(base):
    from decimal import Decimal

    from cityai_cli.core.query import compare, conflicts, rank, subsidies, targets
    from cityai_cli.core.query import listings as places

    return {
        "list": lambda: places.list_places(base),
        "show": lambda: places.show_place(base, "甲"),
        "compare": lambda: compare.compare(base, ["甲", "乙"]),
        "diff": lambda: compare.compare(base, ["甲", "乙"]),
        "rank": lambda: rank.rank(base, "industry_scale"),
        "subsidies": lambda: subsidies.list_programmes(base),
        "estimate": lambda: subsidies.list_programmes(base, spend=Decimal(3000000)),
        "funds": lambda: subsidies.list_programmes(base, funds=True),
        "sources": lambda: places.list_sources(base),
        "targets": lambda: targets.list_targets(base),
        "conflicts": lambda: conflicts.list_conflicts(base, everything=True),
        "policies": lambda: places.list_policies(base),
        "metrics": lambda: places.list_metrics(base),
        "types": lambda: places.list_types(base),
    }


# compare's rows carry each place's kind, which is the row's own `kind` column.
NOT_WRITTEN = {"compare": {"jia_kind", "yi_kind"}, "diff": {"jia_kind", "yi_kind"}}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_machine_formats_hold_every_field_of_every_record(mini, command):
    """Every public field of every record is a column, so CSV/JSON carry everything the table cells are
    built from; every column is a field of the record or a label derived from one."""
    from cityai_cli.view import view

    for lang in ("zh", "en"):
        report = view(mini.base, _results(mini.base)[command](), lang)
        for table in report.tables:
            keys = {column.key for column in table.columns}
            assert table.rows, f"{command}: the fixture should give every table rows"
            for row in table.rows:
                public = {key for key in row if not key.startswith("_")}
                assert public - keys == NOT_WRITTEN.get(command, set()), (table.name, public - keys)
                underived = {c.key for c in table.columns if c.key not in row and c.value is None and c.cell is None}
                assert underived == set(), (table.name, underived)


@pytest.mark.parametrize("columns", ["5", "1", "0", "-1", "abc"])
def test_a_tiny_or_broken_terminal_width_gets_the_narrowest_whole_layout(cli, columns):
    out = cli(
        "rank", "--by", "产业规模", "-f", "table", "--lang", "en", "--data", MINI, env={"COLUMNS": columns}
    ).stdout
    lines = out.replace("\xa0", " ").splitlines()  # figures are glued with no-break spaces
    assert any("over CNY 400 bn" in line for line in lines)
    assert max(len(line.rstrip()) for line in lines) <= (40 if columns in ("5", "1") else 100)


def test_a_real_city_without_figures_is_no_typing_mistake(cli):
    result = cli("compare", "Chengdu", "Alpha", "--data", str(MINI), "--lang", "en")
    assert (result.code, result.stdout, result.stderr) == (
        2,
        "",
        (
            "Error: 成都 (Chengdu) has no figures in the knowledge base yet; to add a document about it:"
            " cityai sources add FILE --id ID --title TITLE --publisher NAME --published DATE --data my.toml,"
            " then cityai extract FILE --format toml and paste its facts into my.toml\n"
        ),
    )


def test_suggestions_are_english_under_lang_en(cli):
    result = cli("show", "Alpah", "--data", str(MINI), "--lang", "en")
    assert (result.code, result.stderr) == (
        2,
        "Error: unknown place 'Alpah'; see cityai list --level all (did you mean: Alpha?)\n",
    )
    result = cli("subsidies", "--type", "算力卷", "--data", str(MINI), "--lang", "en")
    assert result.stderr == "Error: unknown subsidy type '算力卷'; see cityai types (did you mean: compute voucher?)\n"


def test_cite_takes_a_metrics_scope_label(cli):
    by_label = cli("cite", "甲", "人工智能企业", "--data", str(MINI), "-f", "csv")
    by_key = cli("cite", "甲", "ai_enterprises", "--data", str(MINI), "-f", "csv")
    assert by_label.code == 0 and by_label.stdout == by_key.stdout


@pytest.mark.parametrize("spend", ["3m", "3 million", "CNY 3 m", "0.003bn"])
def test_spend_takes_the_english_forms(cli, spend):
    english = cli("subsidies", "--spend", spend, "--data", str(MINI), "-f", "csv")
    chinese = cli("subsidies", "--spend", "300万", "--data", str(MINI), "-f", "csv")
    assert english.code == 0 and english.stdout == chinese.stdout


@pytest.mark.parametrize(
    "spend, reason",
    [
        ("3 mm", "expected an amount in yuan such as 3m, 3 million, CNY 1.5 bn or 3,000,000"),
        ("0.001", "the amount must be from CNY 0.01 to CNY 10,000 tn (10^16)"),
        ("0m", "the amount must be greater than zero"),
    ],
)
def test_an_invalid_amount_reads_in_english_under_lang_en(cli, spend, reason):
    result = cli("subsidies", "--spend", spend, "--data", str(MINI), "--lang", "en")
    assert (result.code, result.stderr) == (2, f"Error: invalid amount {spend!r}: {reason}\n")


@pytest.mark.parametrize("command", [["rank", "--by", "企业数"], ["compare", "甲", "乙"]])
@pytest.mark.parametrize(
    "window, shown",
    [
        ("-1", "-1 is not in the range 0<=x<=1200"),
        ("1201", "1201 is not in the range 0<=x<=1200"),
        ("12m", "'12m' is not a valid"),
    ],
)
def test_a_bad_window_is_a_usage_error(cli, command, window, shown):
    result = run(cli, *command, "--window", window)
    assert result.code == 2 and shown in result.stderr and result.stdout == ""


# --- several tables: CSV writes one, says which it left out; --table chooses (csvtables) ---

# extract on it gives one candidate fact, one programme and one policy document (on mini.toml)
DOCUMENT = str(FIXTURES / "tables" / "three_tables.txt")


def extract(cli, *args):
    return run(cli, "extract", DOCUMENT, "--published", "2025-03-01", *args)


@pytest.mark.parametrize(
    "lang, line",
    [
        (
            "en",
            "extract: CSV holds the candidates table (1 row); add --table programmes (1 row) or --table policies"
            " (1 row) for the others, or -f json for all\n",
        ),
        (
            "zh",
            "extract: CSV 只写了 candidates 表 (1 行); 其余的表加 --table programmes (1 行) 或 --table policies"
            " (1 行), 全部用 -f json\n",
        ),
    ],
)
def test_extract_csv_names_the_tables_it_left_out(cli, lang, line):
    result = extract(cli, "--lang", lang)  # piped: CSV
    assert (result.code, result.stderr) == (0, line)
    assert result.stdout == extract(cli, "--lang", lang, "-f", "csv").stdout


@pytest.mark.parametrize(
    "command, default, others",
    [
        (["extract", DOCUMENT, "--published", "2025-03-01"], "candidates", ["programmes", "policies"]),
        (["show", "甲"], "facts", ["place", "policies", "subsidies"]),
    ],
)
def test_table_chooses_the_table_csv_writes(cli, command, default, others):
    """Each table by name (test_csv_format holds their headers), with nothing left out to mention;
    the default one byte for byte as without --table."""
    written = {name: run(cli, *command, "--table", name) for name in [default, *others]}
    assert {(result.code, result.stderr) for result in written.values()} == {(0, "")}
    assert written[default].stdout == run(cli, *command, "-f", "csv").stdout
    json_tables = json.loads(run(cli, *command, "-f", "json").stdout)
    assert {name: len(rows(result.stdout)) for name, result in written.items()} == {
        name: len(records) for name, records in json_tables.items()
    }


@pytest.mark.parametrize(
    "place, line",
    [
        # 乙 has no policy document (mini.toml): its empty table is not named
        (
            "乙",
            "show: CSV holds the facts table (4 rows); add --table place (1 row) or --table subsidies (1 row)"
            " for the others, or -f json for all\n",
        ),
        # 测区 has only its profile: CSV holds the header of its empty facts
        (
            "测区",
            "show: CSV holds the facts table (0 rows); add --table place (1 row) for the other, or -f json for all\n",
        ),
    ],
)
def test_a_csv_left_out_note_counts_rows_and_skips_empty_tables(cli, place, line):
    result = run(cli, "show", place, "-f", "csv", "--lang", "en")
    assert (result.code, result.stderr) == (0, line)


@pytest.mark.parametrize(
    "lang, message",
    [
        ("en", "Error: --table 'programme': no such table; choose candidates, programmes or policies\n"),
        ("zh", "Error: --table 'programme': 没有这个表; 可选 candidates, programmes 或 policies\n"),
    ],
)
def test_an_unknown_table_is_a_usage_error_naming_the_tables(cli, lang, message):
    result = extract(cli, "--table", "programme", "--lang", lang)
    assert (result.code, result.stdout, result.stderr) == (2, "", message)


def test_an_unknown_table_of_show_names_its_tables(cli):
    result = run(cli, "show", "甲", "--table", "", "--lang", "en")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == "Error: --table '': no such table; choose place, facts, policies or subsidies\n"


def test_table_is_a_filter_in_every_format(cli):
    # JSON keeps the command's shape (an object), with the one table asked for
    data = json.loads(extract(cli, "--table", "Programmes", "-f", "json").stdout)
    assert list(data) == ["programmes"] and data["programmes"][0]["type"] == "算力券"
    markdown = run(cli, "show", "甲", "--table", "policies", "-f", "markdown", "--lang", "en").stdout
    assert markdown == (
        "### Alpha: policy documents\n\n| policy document | date | period | sources |\n|---|---|---|---|\n"
        "| 甲市人工智能行动计划(2025—2026年) | 2025~ | 2025—2026 | mini, mini-late |\n"
    )
    table = run(cli, "show", "甲", "--table", "place", "-f", "table", "--lang", "en").stdout
    whole = run(cli, "show", "甲", "-f", "table", "--lang", "en").stdout
    assert "Alpha: facts" in whole and "Alpha: facts" not in table and table.startswith("Alpha\n")


def test_table_with_toml_is_refused(cli):
    result = extract(cli, "--table", "policies", "-f", "toml")
    assert (result.code, result.stdout) == (2, "")
    assert (
        result.stderr == "Error: --table chooses one table; --format toml writes every candidate as entries to paste\n"
    )


def test_a_command_of_one_table_has_no_table_option(cli):
    result = run(cli, "rank", "--by", "产业规模", "--table", "rank")
    assert result.code == 2 and "No such option: --table" in result.stderr


# Every command that writes tables, with arguments that give each table rows where it can.
TABLE_COMMANDS = {
    **COMMANDS,
    "cite": ["cite", "甲", "ai_enterprises"],
    "validate": ["validate", str(MINI)],
    "extract": ["extract", DOCUMENT, "--published", "2025-03-01"],
}


def test_every_table_command_is_checked_for_several_tables():
    import typer.main

    from cityai_cli.cli import app

    registered = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    writes_no_table = {"schema", "export", "sources"}  # `sources` is listed: its `add` writes none
    assert registered - writes_no_table <= set(TABLE_COMMANDS) | {"diff"}


@pytest.mark.parametrize("command", list(TABLE_COMMANDS))
def test_machine_formats_reach_every_table_the_terminal_shows(cli, command):
    """A command whose terminal table (as markdown: one heading per table) shows N tables writes
    all N in JSON, and when N > 1 each is reachable in CSV by --table."""
    args = TABLE_COMMANDS[command]
    data_args = [] if command == "validate" else ["--data", str(MINI)]
    shown = cli(*args, *data_args, "-f", "markdown").stdout.count("\n### ") + 1
    data = json.loads(cli(*args, *data_args, "-f", "json").stdout)
    names = [command] if isinstance(data, list) else list(data)
    assert len(names) == shown
    if shown > 1:
        headers = {name: cli(*args, *data_args, "--table", name, "-f", "csv").stdout.splitlines()[0] for name in names}
        assert len(set(headers.values())) == shown  # each its own table
        help_text = " ".join(cli(command, "--help", env={"COLUMNS": "200"}).stdout.split())
        assert all(name in help_text.split("--table NAME")[1] for name in names)
