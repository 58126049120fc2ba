"""core/query/cite.py: `cite` shows each citation's paragraph with the quote marked, bounded."""

import csv
import io
import json
import re
import shutil

import pytest

from cityai_cli.core.query.cite import marked, paragraph_of
from conftest import MINI

M = str(MINI)


def test_the_quote_is_marked_inside_its_paragraph_whitespace_ignored():
    document = "第一段。\n甲市现有人工智能 企业超2800家,产业规模3600亿元。\n第三段。\n"
    assert marked(document, "甲市现有人工智能企业超2800家") == "[[甲市现有人工智能 企业超2800家]],产业规模3600亿元。"
    assert paragraph_of(document, "不存在") is None


@pytest.mark.parametrize(
    "before, after, shown",
    [
        # no sentence boundary within 300 characters: 300 of them on each side
        ("甲" * 1000, "乙" * 1000, "…" + "甲" * 300 + "[[Q]]" + "乙" * 300 + "…"),
        # the whole sentences that fit within 300 characters on each side
        (
            "甲" * 500 + "。" + "乙" * 100 + "。" + "丙" * 50,
            "丁" * 20 + "。" + "戊" * 400 + "。" + "己" * 10,
            "…" + "乙" * 100 + "。" + "丙" * 50 + "[[Q]]" + "丁" * 20 + "。…",
        ),
        # 300 characters or fewer: the whole paragraph
        ("甲" * 300, "乙" * 300, "甲" * 300 + "[[Q]]" + "乙" * 300),
    ],
)
def test_cite_shows_at_most_300_characters_each_side_of_the_quote(before, after, shown):
    document = "第一段。\n  " + before + "Q" + after + "  \n第三段。"
    assert marked(document, "Q") == shown


def test_cite_into_a_long_document_without_line_breaks_prints_a_bounded_window(cli, tmp_path):
    shutil.copy(MINI, tmp_path / "kb.toml")
    (tmp_path / "seeds").mkdir()
    text = (MINI.parent / "seeds" / "mini.txt").read_text(encoding="utf-8").replace("\n", "无换行" * 20000)
    text = text.replace("。", "")  # no sentence boundary either
    (tmp_path / "seeds" / "mini.txt").write_text(text, encoding="utf-8")
    rows = json.loads(cli("cite", "甲", "产业规模", "--data", str(tmp_path / "kb.toml"), "-f", "json").stdout)
    (row,) = rows
    shown = row["paragraph"]
    assert shown.startswith("甲市现有人工智能企业超2800家,[[产业规模3600亿元]]乙市") and shown.endswith("…")
    assert len(shown.split("[[", 1)[0]) <= 301 and len(shown.split("]]", 1)[1]) == 301


def test_cite_a_fact_lists_every_citation_with_its_paragraph(cli):
    rows = json.loads(cli("cite", "乙", "企业数", "--data", M, "-f", "json").stdout)
    assert [(r["source"], r["title"], r["published"], r["paragraph"]) for r in rows] == [
        (
            "mini",
            "三城数据",
            "2025-03-01",
            "甲市现有人工智能企业超2800家,产业规模3600亿元。[[乙市人工智能企业约2400家]],产业规模突破4000亿元。",
        ),
        (
            "mini-late",
            "三城数据(再版)",
            "2025-04-01",
            "[[再版补充:乙市人工智能企业约2400家]]。丁市人工智能核心产业规模5000亿元。",
        ),
    ]


def test_cite_a_programme_includes_each_term(cli):
    rows = json.loads(cli("cite", "甲市算力券", "--data", M, "-f", "json").stdout)
    assert [(r["role"], r["quote"]) for r in rows] == [
        ("programme", "甲市发放算力券"),
        ("pool", "每年发放最高5000万元"),
        ("rate", "按不超过合同金额50%"),
        ("cap", "每年最高100万元"),
        ("special_rates[0]", "初创企业可按60%"),
    ]
    assert all("[[" in r["paragraph"] for r in rows)


@pytest.mark.parametrize(
    "lang, words",
    [
        ("zh", ["项目", "资金池", "比例", "单个上限", "特殊比例1"]),
        ("en", ["programme", "pool", "rate", "cap per recipient", "special rate 1"]),
    ],
)
def test_cite_a_programme_words_each_term_in_the_table_and_keeps_the_code_in_csv(cli, lang, words):
    table = cli("cite", "甲市算力券", "--data", M, "-f", "table", "--lang", lang, "--width", "300").stdout.splitlines()
    assert re.split(r"\s{2,}", table[1].strip())[2] == ("条款" if lang == "zh" else "term")
    shown = [re.split(r"\s{2,}", line.strip())[2] for line in table[3:] if line[:1] not in (" ", "[")]
    assert shown == words
    rows = list(csv.DictReader(io.StringIO(cli("cite", "甲市算力券", "--data", M, "-f", "csv", "--lang", lang).stdout)))
    assert [r["role"] for r in rows] == ["programme", "pool", "rate", "cap", "special_rates[0]"]


def test_a_facts_citations_name_their_place_in_the_title_not_in_a_column_and_csv_keeps_it(cli):
    table = cli("cite", "甲", "ai_enterprises", "--data", M, "-f", "table", "--width", "300").stdout.splitlines()
    assert table[0] == "甲 · 人工智能企业数: 2条引证"
    assert re.split(r"\s{2,}", table[1].strip()) == [
        "数值",
        "日期",
        "口径",
        "类型",
        "来源标题",
        "发布",
        "原文段落([[引文]])",
    ]
    assert table[3].startswith("超2800家  2024-12-31  ")
    rows = list(csv.DictReader(io.StringIO(cli("cite", "甲", "ai_enterprises", "--data", M, "-f", "csv").stdout)))
    assert [(r["place"], r["place_label"]) for r in rows] == [("甲", "甲"), ("甲", "甲")]
    # a programme's terms keep their place's column: the title names the programme
    programme = cli("cite", "甲市算力券", "--data", M, "-f", "table", "--width", "300").stdout.splitlines()
    assert re.split(r"\s{2,}", programme[1].strip())[0] == "地区"


def test_cite_unknown_programme_and_missing_fact_are_usage_errors(cli):
    assert (cli("cite", "无此券", "--data", M).code, cli("cite", "丙", "industry_scale", "--data", M).code) == (2, 2)
    assert cli("cite", "丙", "industry_scale", "--data", M).stderr == (
        "Error: 丙 has no industry_scale figure; cityai show 丙 lists its facts\n"
    )
    assert cli("cite", "算力", "--data", M).stderr == (
        "Error: no programme named '算力'; cityai subsidies and cityai funds list them (did you mean: 甲市算力券?)\n"
    )


@pytest.mark.bundled
def test_cite_shows_the_right_paragraph_for_every_fact_of_the_bundled_base(project):
    from cityai_cli.core.query.cite import cite_fact

    for place, metric in sorted({(f.place, f.metric) for f in project.base.facts}):
        for row in cite_fact(project.base, place, metric, project.seed_text).rows:
            assert row["paragraph"] is not None, (place, metric, row["quote"])
            inside = row["paragraph"].split("[[", 1)[1].split("]]", 1)[0]
            assert "".join(inside.split()) == "".join(row["quote"].split())
