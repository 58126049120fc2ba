"""Issue 12 on fixtures: cite, policies, --as-of, --bom, --svg/--html, the JSON Schema."""
import csv
import html.parser
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import MINI, PROJECT_DATA, ROOT
from cityai_cli.core.query.cite import marked, paragraph_of

M = str(MINI)


def test_the_quote_is_marked_inside_its_paragraph_whitespace_ignored():
    document = "第一段。\n甲市现有人工智能 企业超2800家,产业规模3600亿元。\n第三段。\n"
    assert marked(document, "甲市现有人工智能企业超2800家") == "[[甲市现有人工智能 企业超2800家]],产业规模3600亿元。"
    assert paragraph_of(document, "不存在") is None


@pytest.mark.parametrize("before, after, shown", [
    # no sentence boundary within 300 characters: 300 of them on each side
    ("甲" * 1000, "乙" * 1000, "…" + "甲" * 300 + "[[Q]]" + "乙" * 300 + "…"),
    # the whole sentences that fit within 300 characters on each side
    ("甲" * 500 + "。" + "乙" * 100 + "。" + "丙" * 50, "丁" * 20 + "。" + "戊" * 400 + "。" + "己" * 10,
     "…" + "乙" * 100 + "。" + "丙" * 50 + "[[Q]]" + "丁" * 20 + "。…"),
    # 300 characters or fewer: the whole paragraph
    ("甲" * 300, "乙" * 300, "甲" * 300 + "[[Q]]" + "乙" * 300),
])
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
        ("mini", "三城数据", "2025-03-01",
         "甲市现有人工智能企业超2800家,产业规模3600亿元。[[乙市人工智能企业约2400家]],产业规模突破4000亿元。"),
        ("mini-late", "三城数据(再版)", "2025-04-01",
         "[[再版补充:乙市人工智能企业约2400家]]。丁市人工智能核心产业规模5000亿元。")]


def test_cite_a_programme_includes_each_term(cli):
    rows = json.loads(cli("cite", "甲市算力券", "--data", M, "-f", "json").stdout)
    assert [(r["role"], r["quote"]) for r in rows] == [
        ("programme", "甲市发放算力券"), ("pool", "每年发放最高5000万元"), ("rate", "按不超过合同金额50%"),
        ("cap", "每年最高100万元"), ("special_rates[0]", "初创企业可按60%")]
    assert all("[[" in r["paragraph"] for r in rows)


@pytest.mark.parametrize("lang, words", [
    ("zh", ["项目", "资金池", "比例", "单个上限", "特殊比例1"]),
    ("en", ["programme", "pool", "rate", "cap per recipient", "special rate 1"]),
])
def test_cite_a_programme_words_each_term_in_the_table_and_keeps_the_code_in_csv(cli, lang, words):
    table = cli("cite", "甲市算力券", "--data", M, "-f", "table", "--lang", lang, "--width", "300").stdout.splitlines()
    assert re.split(r"\s{2,}", table[1].strip())[2] == ("条款" if lang == "zh" else "term")
    shown = [re.split(r"\s{2,}", line.strip())[2] for line in table[3:] if line[:1] not in (" ", "[")]
    assert shown == words
    rows = list(csv.DictReader(io.StringIO(cli("cite", "甲市算力券", "--data", M, "-f", "csv", "--lang", lang).stdout)))
    assert [r["role"] for r in rows] == ["programme", "pool", "rate", "cap", "special_rates[0]"]


def test_cite_unknown_programme_and_missing_fact_are_usage_errors(cli):
    assert (cli("cite", "无此券", "--data", M).code, cli("cite", "丙", "industry_scale", "--data", M).code) == (2, 2)
    assert cli("cite", "丙", "industry_scale", "--data", M).stderr == (
        "Error: 丙 has no industry_scale figure; cityai show 丙 lists its facts\n")
    assert cli("cite", "算力", "--data", M).stderr == (
        "Error: no programme named '算力'; cityai subsidies and cityai funds list them (did you mean: 甲市算力券?)\n")


def test_cite_shows_the_right_paragraph_for_every_fact_of_the_bundled_base(project):
    from cityai_cli.core.query.cite import cite_fact
    for place, metric in sorted({(f.place, f.metric) for f in project.base.facts}):
        for row in cite_fact(project.base, place, metric, project.seed_text).rows:
            assert row["paragraph"] is not None, (place, metric, row["quote"])
            inside = row["paragraph"].split("[[", 1)[1].split("]]", 1)[0]
            assert "".join(inside.split()) == "".join(row["quote"].split())


def test_policies_are_ordered_by_date_and_filtered(cli):
    rows = list(csv.DictReader(io.StringIO(cli("policies", "--data", M, "-f", "csv").stdout)))
    assert [(r["place"], r["date"], r["date_basis"], r["sources"]) for r in rows] == [
        ("甲", "2025-12-31", "inferred", "mini;mini-late")]
    assert cli("policies", "--data", M, "--since", "2026", "-f", "csv").stdout.splitlines()[1:] == []
    assert len(cli("policies", "--data", M, "--until", "2025", "-f", "csv").stdout.splitlines()) == 2


def test_as_of_is_said_in_the_title(cli):
    out = cli("rank", "--by", "compute_capacity", "--as-of", "2025", "--data", M, "-f", "markdown").stdout
    assert out.splitlines()[0] == "### 智能算力规模 · 市 · 1个可比排名(12个月内), 1个未排名, 1个无数据 · 截至2025"
    assert cli("rank", "--by", "compute_capacity", "--as-of", "2025-13", "--data", M).code == 2


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
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    import zipfile
    shared = zipfile.ZipFile(tmp_path / "r.xlsx").read("xl/sharedStrings.xml").decode("utf-8")
    assert "突破4000亿元" in shared and "乙" in shared


def test_svg_and_html_save_what_the_table_shows(cli, tmp_path):
    svg, page = tmp_path / "r.svg", tmp_path / "r.html"
    result = cli("rank", "--by", "产业规模", "--data", M, "-f", "csv", "--svg", str(svg), "--html", str(page),
                 "--width", "90")
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
    assert (result.code, result.stderr) == (1, f"Error: {tmp_path / 'no' / 'r.svg'}: cannot write: No such file or directory\n")


def test_checked_in_schema_is_the_generated_one(cli):
    assert json.loads(cli("schema").stdout) == json.loads((ROOT / "data" / "cities.schema.json").read_text(encoding="utf-8"))
    assert PROJECT_DATA.read_text(encoding="utf-8").startswith("#:schema ./cities.schema.json\n")


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
        1, "", f"Error: {picture}: already exists; add --force to overwrite it\n")
    assert picture.read_text(encoding="utf-8") == "keep"


def test_nothing_is_written_before_every_option_is_checked(cli, tmp_path):
    svg, page = tmp_path / "r.svg", tmp_path / "r.html"
    result = cli("rank", "--by", "产业规模", "--data", M, "-f", "table", "--bom", "--svg", str(svg), "--html", str(page))
    assert (result.code, result.stderr) == (2, "Error: --bom marks CSV output for spreadsheets; add --format csv\n")
    existing = tmp_path / "old.svg"
    existing.write_text("keep", encoding="utf-8")
    result = cli("rank", "--by", "产业规模", "--data", M, "-f", "csv", "--svg", str(svg), "--html", str(existing))
    assert result.code == 1 and "already exists" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.svg"]     # not the new r.svg either


def test_a_picture_never_replaces_a_knowledge_base_file_of_the_run(cli, tmp_path):
    layer = tmp_path / "l2.toml"
    layer.write_text('schema_version = 2\n[places."戊"]\nlevel = "city"\npinyin = "Wu"\n', encoding="utf-8")
    before = layer.read_bytes()
    result = cli("--with", str(layer), "--data", M, "list", "-f", "csv", "--svg", str(layer), "--force")
    assert (result.code, result.stderr) == (
        1, f"Error: {layer}: is a knowledge-base file of this run; save the picture elsewhere\n")
    assert layer.read_bytes() == before
    result = cli("rank", "--by", "产业规模", "--data", M, "--svg", str(tmp_path / "a"), "--html", str(tmp_path / "a"))
    assert (result.code, result.stderr) == (2, "Error: --svg and --html name the same file; give each its own\n")
