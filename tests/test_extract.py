"""The extraction engine (issue 13) on small documents written for the purpose, and on the seeds."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import tomli as tomllib  # tomli parses TOML on every Python (a dependency of cityai)

from cityai_cli.core.base.lint import number_in_quote, squash
from cityai_cli.core.extract import gazetteer
from cityai_cli.core.extract.document import html_to_text
from cityai_cli.core.extract.engine import extract
from cityai_cli.core.extract.toml_out import to_toml
from cityai_cli.core.figures.quantity import parse_figure
from conftest import sources_add

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "extract"

PLACES = {"深圳": "深圳", "北京": "北京", "上海": "上海", "杭州": "杭州"}
KEYWORDS = {
    "ai_enterprises": ["人工智能企业", "人工智能相关企业"],
    "unicorns": ["独角兽企业"],
    "industry_scale": ["产业规模"],
    "compute_capacity": ["智能算力规模"],
    "fund_size": ["产业基金"],
    "hurun_ai50": ["胡润"],
}
DIMENSIONS = {
    "ai_enterprises": "count",
    "unicorns": "count",
    "industry_scale": "money",
    "compute_capacity": "compute",
    "fund_size": "money",
    "hurun_ai50": "count",
}


def run(name: str, published: str = "2025-03-17"):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    found = extract(text, published=published, places=PLACES, metric_keywords=KEYWORDS, metric_dimensions=DIMENSIONS)
    return [(c.place, c.metric, c.value, c.kind, c.date, c.date_basis, c.quote) for c in found], found


def test_simplified_sentence_with_stated_year_end():
    rows, found = run("simplified.txt")
    assert rows == [
        ("深圳", "industry_scale", "达3600亿元", "actual", "2024-12-31", "stated", "深圳人工智能产业规模达3600亿元"),
        (
            "深圳",
            "ai_enterprises",
            "超2800家",
            "actual",
            "2024-12-31",
            "stated",
            "深圳人工智能产业规模达3600亿元,人工智能企业超2800家",
        ),
    ]
    assert [c.place_known for c in found] == [True, True]
    assert [c.confidence for c in found] == [1.0, 0.75]


def test_traditional_text_quotes_the_original_characters():
    rows, _ = run("traditional.txt")
    assert rows == [
        ("深圳", "ai_enterprises", "2600余家", "actual", "2025-03-17", "published", "深圳市已匯聚人工智能企業2600餘家"),
        (
            "深圳",
            "unicorns",
            "6家",
            "actual",
            "2025-03-17",
            "published",
            "深圳市已匯聚人工智能企業2600餘家、獨角獸企業6家",
        ),
        # 100亿 would not be found in a quote that says 100億: the value keeps the document's 億
        ("深圳", "fund_size", "100億元", "actual", "2025-03-17", "published", "深圳提出設立100億元人工智能產業基金"),
    ]


def test_inserted_pinyin_is_ignored_for_matching_and_kept_in_the_quote():
    rows, found = run("pinyin.txt")
    assert rows == [
        ("深圳", "ai_enterprises", "2600余家", "actual", "2024-12-31", "stated", "深圳已集聚人工智能企業(yè)2600余家"),
        (
            "深圳",
            "unicorns",
            "6家",
            "actual",
            "2024-12-31",
            "stated",
            "深圳已集聚人工智能企業(yè)2600余家、獨角獸企業(yè)6家",
        ),
    ]
    text = (FIXTURES / "pinyin.txt").read_text(encoding="utf-8")
    assert (found[0].sentence_start, found[0].sentence_end) == (2, text.index("。"))


def test_target_sentence():
    rows, _ = run("target.txt", published="2025-02-14")
    assert rows == [
        (
            "上海",
            "compute_capacity",
            "突破100EFLOPS",
            "target",
            "2025-12-31",
            "stated",
            "上海并定下目标:到2025年底,力争全市智能算力规模突破100EFLOPS",
        )
    ]


def test_forecast_by_a_third_party():
    rows, _ = run("forecast.txt")
    assert rows == [
        ("杭州", "industry_scale", "突破5000亿元", "forecast", "2030", "stated", "杭州人工智能产业规模有望突破5000亿元")
    ]


def test_sentence_naming_several_cities_gives_one_candidate_each():
    rows, _ = run("two_cities.txt")
    assert rows == [
        ("北京", "hurun_ai50", "20家", "actual", "2025-03-17", "published", "胡润研究院发布的榜单显示,北京20家"),
        ("上海", "hurun_ai50", "9家", "actual", "2025-03-17", "published", "胡润研究院发布的榜单显示,北京20家,上海9家"),
        (
            "深圳",
            "hurun_ai50",
            "8家",
            "actual",
            "2025-03-17",
            "published",
            "胡润研究院发布的榜单显示,北京20家,上海9家,深圳8家",
        ),
    ]


def test_place_named_earlier_in_the_paragraph_and_spaces_inside_figures():
    rows, found = run("earlier.txt")
    assert rows == [
        ("北京", "ai_enterprises", "约2400家", "actual", "2025-03-17", "published", "已拥有人工智能相关企业约2400 家"),
        ("北京", "unicorns", "36家", "actual", "2025-03-17", "published", "其中独角兽企业36 家"),
    ]
    assert [c.confidence for c in found] == [0.6, 0.6]


def test_place_only_in_the_gazetteer():
    rows, found = run("gazetteer_only.txt")
    assert rows == [("绵阳", "ai_enterprises", "超过300家", "actual", "2024", "stated", "绵阳市人工智能企业超过300家")]
    assert found[0].place_known is False
    assert found[0].confidence == 0.8


def test_no_keyword_no_candidate_and_no_years_as_figures():
    text = "2024年,深圳新开了30家咖啡店。"
    assert extract(text, published="2025", places=PLACES, metric_keywords=KEYWORDS, metric_dimensions=DIMENSIONS) == []


# ---- the rules added for the re-curated seeds, each on a document of its own

RULE_PLACES = {
    name: name
    for name in ("深圳", "北京", "上海", "杭州", "合肥", "长三角", "江苏", "浙江", "安徽", "珠三角", "广州", "中国")
}
RULE_METRICS = {  # key: (dimension, unit, keywords)
    "global_share": ("ratio", "%", ["全球占比"]),
    "industry_scale": ("money", "元", ["产业规模"]),
    "ai_development_tier": ("rank", "", ["第一梯队", "梯队"]),
    "hurun_ai50": ("count", "家", ["胡润研究院"]),
    "ai_enterprises": ("count", "家", ["企业数量", "人工智能企业"]),
    "developer_participants": ("count", "人", ["开发者"]),
    "public_service_platforms": ("count", "个", ["公共服务平台"]),
    "ciw_ai500": ("count", "家", ["入围"]),
    "regional_share": ("ratio", "%", ["占了"]),
    "provinces_mentioning": ("count", "个", ["省份"]),
    "compute_capacity": ("compute", "PFLOPS", ["智能算力"]),
    "application_scenarios": ("count", "个", ["应用场景"]),
    "fund_size": ("money", "元", ["产业基金"]),
    "national_rank": ("rank", "", ["全国首位", "全国榜首"]),
    "leading_group": ("member", "", ["位居前列"]),
}


def run_rule(name: str):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    found = extract(
        text,
        published="2025-03-17",
        places=RULE_PLACES,
        metric_keywords={k: v[2] for k, v in RULE_METRICS.items()},
        metric_dimensions={k: v[0] for k, v in RULE_METRICS.items()},
        metric_units={k: v[1] for k, v in RULE_METRICS.items()},
    )
    for candidate in found:
        assert squash(candidate.quote) in squash(text)
        assert number_in_quote(parse_figure(candidate.value), candidate.quote)
    return [(c.place, c.metric, c.value, c.kind, c.date, c.quote) for c in found], found


def test_reworded_qualifier_yueguo_reads_as_more_than():
    rows, found = run_rule("exceeded.txt")
    assert rows == [
        ("中国", "industry_scale", "达到1万亿元", "target", "2030", "我国人工智能核心产业规模将达到1万亿元"),
        (
            "中国",
            "global_share",
            "越过20%",
            "target",
            "2030",
            "我国人工智能核心产业规模将达到1万亿元,全球占比将越过20%",
        ),
    ]
    assert parse_figure(found[1].value).qualifier == "超"


def test_keyword_containing_the_rank_names_its_metric_and_an_attributive_rank_is_not_a_figure():
    rows, found = run_rule("tier.txt")
    # 第一梯队 contains 第一; 第一梯队的大模型企业 ranks the enterprises, not 杭州
    assert rows == [("合肥", "ai_development_tier", "第一", "actual", "2025-03-17", "合肥已跃升第一梯队")]
    assert found[0].confidence == 1.0


def test_a_framing_source_names_the_metric_of_the_whole_sentence_across_semicolons():
    rows, _ = run_rule("frame.txt")
    # 企业数量 right after 20家 loses to the source 胡润研究院 that frames the sentence
    assert rows == [
        (
            "北京",
            "hurun_ai50",
            "20家",
            "actual",
            "2025-03-17",
            "胡润研究院发布的《2024胡润全球独角兽榜》显示,北京以20家企业数量领先",
        ),
        ("上海", "hurun_ai50", "9家", "actual", "2025-03-17", "上海9家"),
        ("深圳", "hurun_ai50", "8家", "actual", "2025-03-17", "深圳8家"),
    ]


def test_a_number_before_the_metric_noun_takes_the_metric_unit():
    rows, _ = run_rule("implicit_unit.txt")
    assert rows == [
        (
            "上海",
            "developer_participants",
            "超3200万人",
            "actual",
            "2025-03-17",
            "上海举办开发者大会,累计吸引超3200万开发者参与",
        ),
        (
            "上海",
            "public_service_platforms",
            "五个",
            "actual",
            "2025-03-17",
            "上海举办开发者大会,累计吸引超3200万开发者参与,并发布五大公共服务平台",
        ),
    ]


def test_a_collective_counting_a_regions_members_stands_for_each_member():
    rows, _ = run_rule("region_members.txt")
    quote = "长三角地区实力强劲,三省一市全部置身人工智能第一梯队"
    assert rows == [
        (place, "ai_development_tier", "第一", "actual", "2025-03-17", quote)
        for place in ("上海", "江苏", "浙江", "安徽")
    ]


def test_a_collective_whose_number_is_no_numeral_counts_no_member():
    # 二二省 looks like a collective but counts nothing: parse_figure raised, a traceback for the CLI
    text = "长三角地区实力强劲,二二省一市全部置身人工智能第一梯队。"
    found = extract(
        text,
        published="2025-03-17",
        places=RULE_PLACES,
        metric_keywords={k: v[2] for k, v in RULE_METRICS.items()},
        metric_dimensions={k: v[0] for k, v in RULE_METRICS.items()},
        metric_units={k: v[1] for k, v in RULE_METRICS.items()},
    )
    assert [(c.place, c.metric, c.value) for c in found] == [("长三角", "ai_development_tier", "第一")]


def test_a_share_held_jointly_by_listed_places_belongs_to_the_whole_before_them():
    rows, _ = run_rule("joint_share.txt")
    assert rows == [
        ("珠三角", "ciw_ai500", "95家", "actual", "2025-03-17", "珠三角地区有95家企业入围"),
        (
            "珠三角",
            "regional_share",
            "7成以上",
            "actual",
            "2025-03-17",
            "珠三角地区有95家企业入围,深圳、广州占了7成以上",
        ),
    ]


def test_the_whole_a_part_is_drawn_from_is_not_a_figure():
    rows, _ = run_rule("denominator.txt")
    assert rows == [
        (
            "中国",
            "provinces_mentioning",
            "至少29个",
            "actual",
            "2025-03-17",
            "内地31个省份中,至少有29个省份提及人工智能",
        )
    ]


def test_the_class_of_several_items_is_not_a_figure():
    rows, _ = run_rule("item_class.txt")
    assert rows == [
        (
            "深圳",
            "compute_capacity",
            "超过80EFLOPS",
            "actual",
            "2025-03-17",
            "深圳提出建设多个10E级智能算力集群,智能算力超过80EFLOPS",
        )
    ]


def test_a_count_of_another_noun_needs_the_metric_keyword_in_its_clause():
    rows, _ = run_rule("other_noun.txt")
    assert rows == []  # 20家企业…, 应用场景 (counted in 个) only in the next clause


def test_money_that_names_another_kind_of_money_needs_the_metric_keyword_in_its_clause():
    rows, _ = run_rule("other_money.txt")
    assert rows == []  # 超10亿元战略融资 is financing, whatever 产业基金 later in the sentence


def test_a_figure_no_place_reaches_belongs_to_the_country_the_document_names():
    rows, found = run_rule("nationwide.txt")
    # 共有5个 is dropped: its clause does not name the metric (省份 is in the clause before)
    assert rows == [("中国", "provinces_mentioning", "23个", "actual", "2025-03-17", "23个省份明确提及人工智能")]
    assert found[0].confidence == 0.36


def test_a_rank_in_words_is_rank_one_and_a_list_shares_it():
    rows, found = run_rule("rank_word.txt")
    # 首位 and 榜首 are rank 1 as written; the place of an earlier clause, and one rank per listed place
    assert rows == [
        ("杭州", "national_rank", "首位", "actual", "2024", "杭州人工智能企业数量增长迅速,稳居全国首位"),
        ("北京", "national_rank", "榜首", "actual", "2025-03-17", "北京、上海的智能算力规模并列全国榜首"),
        ("上海", "national_rank", "榜首", "actual", "2025-03-17", "上海的智能算力规模并列全国榜首"),
    ]
    assert [(parse_figure(c.value).dimension, parse_figure(c.value).value) for c in found] == [("rank", 1)] * 3
    assert [c.confidence for c in found] == [0.75, 1.0, 1.0]


def test_a_membership_word_after_a_list_of_places_makes_each_a_member():
    rows, found = run_rule("leading_group.txt")
    assert rows == [
        ("北京", "leading_group", "位居前列", "actual", "2025-03-17", "北京、深圳、杭州和合肥位居前列"),
        ("深圳", "leading_group", "位居前列", "actual", "2025-03-17", "深圳、杭州和合肥位居前列"),
        ("杭州", "leading_group", "位居前列", "actual", "2025-03-17", "杭州和合肥位居前列"),
        ("合肥", "leading_group", "位居前列", "actual", "2025-03-17", "杭州和合肥位居前列"),
    ]
    # a group has no order: the same value for every member, not first to fourth
    assert [(parse_figure(c.value).dimension, parse_figure(c.value).value) for c in found] == [("member", 1)] * 4
    assert [c.confidence for c in found] == [1.0] * 4


def test_a_membership_word_not_said_of_the_places_before_it_invents_no_member():
    rows, _ = run_rule("not_members.txt")
    # 入围企业数量位居前列 is said of the cities' counts of listed enterprises; 长三角的算力建设 of the
    # region's compute build-out; neither goes to the cities, the region or the country (中国)
    assert rows == []


def test_to_toml_writes_the_fact_format_with_confirm_notes():
    _, found = run("gazetteer_only.txt")
    out = to_toml(found, "example-2025")
    assert out == (
        "# confirm: scope key for ai_enterprises (declared under [metrics.ai_enterprises.scopes])\n"
        '[[places."绵阳".facts]]\n'
        'metric = "ai_enterprises"\n'
        'scope = "CHOOSE"            # a scope key declared under [metrics.ai_enterprises.scopes]\n'
        'kind = "actual"             # actual | target | forecast\n'
        'value = "超过300家"\n'
        'date = "2024"\n'
        'date_basis = "stated"       # stated | published | inferred\n'
        "citations = [\n"
        '  { source = "example-2025", quote = "绵阳市人工智能企业超过300家" },\n'
        "]\n"
    )
    fact = tomllib.loads(out)["places"]["绵阳"]["facts"][0]
    assert fact["citations"] == [{"source": "example-2025", "quote": "绵阳市人工智能企业超过300家"}]


def test_to_toml_flags_target_published_date_and_low_confidence():
    _, found = run("target.txt", published="2025-02-14")
    _, earlier = run("earlier.txt")
    out = to_toml([*found, earlier[0]], "s")
    assert "# confirm: kind target (from the sentence's wording)" in out
    assert "# confirm: date is the publication date: the sentence gives none" in out
    assert "# confirm: low confidence 0.60: check place and metric against the quote" in out
    assert len(tomllib.loads(out)["places"]["北京"]["facts"]) == 1


def test_gazetteer_covers_every_province_and_prefecture():
    divisions = gazetteer.divisions()
    assert sum(d.level == "province" for d in divisions.values()) == 34
    assert sum(d.level == "city" for d in divisions.values()) == 333
    assert divisions["深圳"] == gazetteer.Division("深圳", "city", "广东", "Shenzhen", "Shenzhen", ("深圳市", "深圳"))
    assert divisions["吉林市"].province == "吉林"
    forms = gazetteer.text_forms()
    assert forms["廣西壯族自治區"] == "广西"
    assert forms["吉林"] == "吉林" and forms["吉林市"] == "吉林市"
    assert "阿里" not in forms and forms["阿里地区"] == "阿里地区"


def test_opencc_is_imported_only_when_extracting():
    code = (
        "import sys, cityai_cli.core.extract.engine, cityai_cli.core.extract.toml_out;"
        "assert 'opencc' not in sys.modules, 'opencc imported at import time'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def _benchmark():
    spec = importlib.util.spec_from_file_location("extract_quality", ROOT / "benchmarks" / "extract_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _benchmark()
KB, SEED_KEYWORDS, SEED_DIMENSIONS, SEED_UNITS = BENCH.load_inputs()


@pytest.mark.bundled
@pytest.mark.parametrize("source_id", sorted(KB["sources"]))
def test_every_seed_candidate_quote_is_in_its_document(source_id):
    source = KB["sources"][source_id]
    text = (ROOT / "seeds" / source["file"]).read_text(encoding="utf-8")
    found = extract(
        text,
        published=source["published"],
        places=BENCH.place_forms(KB),
        metric_keywords=SEED_KEYWORDS,
        metric_dimensions=SEED_DIMENSIONS,
        metric_units=SEED_UNITS,
    )
    assert len(found) >= 10
    document = squash(text)
    for candidate in found:
        assert squash(candidate.quote) in document, candidate
        assert len(candidate.quote) <= 70, candidate
        assert number_in_quote(parse_figure(candidate.value), candidate.quote), candidate
        assert candidate.quote in text[candidate.sentence_start : candidate.sentence_end + 1] or squash(
            candidate.quote
        ) in squash(text[candidate.sentence_start - 200 : candidate.sentence_end + 1]), candidate


# Documents an attacker wrote (the CLI promises never a hang on any input up to the 4 MiB limit):
# each took the engine tens of seconds or more, quadratic in its length; they name their figures'
# metric and place as a real document would, so the engine does all its work on every figure.
HOSTILE_DOCUMENTS = {
    # 608 KB of one sentence repeated: 40 s
    "repeated_sentence": ("深圳人工智能企业超2800家。\n" * 16000, [("深圳", "ai_enterprises", "超2800家")]),
    # 236 KB without punctuation, one sentence: over 5 minutes
    "unpunctuated": (
        "深圳人工智能企业超2800家产业规模达3600亿元" * 4000,
        [("深圳", "ai_enterprises", "超2800家"), ("深圳", "industry_scale", "达3600亿元")],
    ),
    # numerals, digits and ranks with no unit after them: 30 s, 9 s (for 8000 digits), 15 s
    "numerals": ("万亿" * 8000, []),
    "digits": ("深圳人工智能企业超2800家。" + "1" * 100000, [("深圳", "ai_enterprises", "超2800家")]),
    "ranks": ("第一" * 8000, []),
    # one list of 8000 figures: 10 s
    "list": ("深圳人工智能企业" + "超1家、" * 8000, [("深圳", "ai_enterprises", "超1家")]),
}


@pytest.mark.bundled
def test_hostile_documents_are_read_without_a_hang(tmp_path):
    """The engine on each document, in a subprocess whose generous timeout only tells a hang from a
    result (no timing is asserted): the candidates are those of a document of normal length."""
    for name, (text, _) in HOSTILE_DOCUMENTS.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, 'benchmarks')\n"
        "import extract_quality as bench\n"
        "from cityai_cli.core.extract.engine import extract\n"
        "kb, keywords, dimensions, units = bench.load_inputs()\n"
        "found = {}\n"
        "for path in sorted(Path(sys.argv[1]).glob('*.txt')):\n"
        "    candidates = extract(path.read_text(encoding='utf-8'), published=None, places=bench.place_forms(kb),\n"
        "                         metric_keywords=keywords, metric_dimensions=dimensions, metric_units=units)\n"
        "    found[path.stem] = [[c.place, c.metric, c.value] for c in candidates]\n"
        "print(json.dumps(found, ensure_ascii=False))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, timeout=60, check=True
    )
    found = json.loads(result.stdout.decode("utf-8"))
    assert found == {name: [list(c) for c in expected] for name, (_, expected) in HOSTILE_DOCUMENTS.items()}


# ---- HTML pages, read by our own linear scan: html.parser raised AssertionError on `<![ x` and was
# quadratic on a construct left open (320 KB of `<!--` took 57 s)


@pytest.mark.parametrize(
    "markup, text",
    [
        ("<p>AT&amp;T &#20154;工&#x667a;能&nbsp;5 &lt; 6 &copy 2025</p>", "AT&T 人工智能\xa05 < 6 © 2025\n"),
        ("a < b <3 c<", "a < b <3 c<\n"),  # a `<` that starts no tag is text
        ("<a title=\"x > y\" href='>'>链接</a>文字", "链接文字\n"),  # a quoted `>` does not end the tag
        ("<style>p > a {}</style><p>正文</p><script>if (a < b) document.write('<p>x</p>')</script>尾", "正文\n尾\n"),
        (
            "<div><h1>标题</h1><p>一</p><p>二<br>三<br/>四</p></div><ul><li>甲</li><li>乙</li></ul>",
            "标题\n\n一\n\n二\n三\n\n四\n\n甲\n\n乙\n",
        ),  # <br/> is a start and an end tag, as before
        ("正文<!-- <p>注释</p> -->续<!-- 未闭合 <p>不见</p>", "正文续\n"),  # a comment left open runs to the end
        ("a<!-->b<!-- c -->d", "abd\n"),  # <!--> is an empty comment
        ("<p>深圳<![ x</p>后文", "深圳后文\n"),  # `<![` that is no CDATA: to the next `>`
        ("a<![CDATA[ <p> ]]>b<!DOCTYPE html><?xml version='1.0'?>c", "abc\n"),
        ("正文<a href='x>", "正文\n"),  # a tag or quote left open runs to the end
        ("<script/>可见<SCRIPT type=x>不见</script >可见", "可见可见\n"),
        # as browsers end them: a script at </script and a blank or /, a comment at --!>
        ("<p>甲<script>x</script foo>乙</p><p>丙<style>y</style/>丁</p>", "甲乙\n\n丙丁\n"),
        ("<p>甲<script>x</scriptx>y</script>乙</p>", "甲乙\n"),
        ("<p>甲<!-- c --!>乙</p>", "甲乙\n"),
    ],
)
def test_html_to_text(markup, text):
    assert html_to_text(markup) == text


@pytest.mark.parametrize(
    "markup, text",
    [
        ("<p>甲</p><div hidden><div>乙</div><p>丙</p></div><p>丁</p>", "甲\n\n丁\n"),  # same-name elements nest
        ("<DIV HIDDEN>x<div>y</div>z</DIV>w", "w\n"),
        ('<span style="display: none">藏</span><p style="visibility : HIDDEN">藏</p>尾', "尾\n"),
        ("<template><p>t</p><template>in</template>out</template>after", "after\n"),
        ('<p class="hidden" title="is hidden here">可见</p><p style="color:red">红</p>', "可见\n\n红\n"),
        ("<img hidden>图后<input hidden/>文", "图后文\n"),  # void elements hold no text
        ("a<div hidden>" + "<div>" * 100000, "a\n"),  # left open: to the end, in one scan
    ],
)
def test_html_to_text_drops_what_a_browser_never_shows(markup, text):
    # a hostile page hid 苏州人工智能企业超6家 in <div hidden> (or display:none, <template>) and
    # extract proposed it with a "verbatim quote"
    assert html_to_text(markup) == text


def test_extract_reads_markup_html_parser_raised_on(cli, tmp_path):
    bare, page = tmp_path / "bare.html", tmp_path / "page.html"
    bare.write_text("<p>深圳<![ x</p>", encoding="utf-8")
    page.write_text("<p>深圳<![ x</p><p>深圳人工智能企业超2800家。</p>", encoding="utf-8")
    result = cli("extract", str(bare), "-f", "json")
    assert (result.code, json.loads(result.stdout), result.stderr) == (
        0,
        {"candidates": [], "programmes": [], "policies": []},
        "",
    )
    result = cli("extract", str(page), "--published", "2025-06", "-f", "json")
    assert (result.code, result.stderr) == (0, "")
    assert [(r["place"], r["metric"], r["value"], r["quote"]) for r in json.loads(result.stdout)["candidates"]] == [
        ("深圳", "ai_enterprises", "超2800家", "深圳人工智能企业超2800家")
    ]


LONG_REFERENCE = "&#" + "1" * 4301 + ";"  # html.unescape: ValueError (Python's 4,300-digit limit)


@pytest.mark.parametrize(
    "markup, text",
    [
        (f"<p>甲{LONG_REFERENCE}乙&#20154;</p>", f"甲{LONG_REFERENCE}乙人\n"),
        ("<p>&#x" + "6" * 33 + ";&#x" + "0" * 26 + "667a;</p>", "&#x" + "6" * 33 + ";智\n"),  # 32 digits: converted
        ("<p>&#" + "0" * 40 + "65</p>", "&#" + "0" * 40 + "65\n"),
    ],
)
def test_a_numeric_reference_longer_than_any_code_point_is_left_as_text(markup, text):
    assert html_to_text(markup) == text


def test_extract_and_sources_add_read_a_page_with_a_huge_numeric_reference(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.html").write_text(f"<p>{LONG_REFERENCE}</p><p>深圳人工智能企业超2800家。</p>", encoding="utf-8")
    result = cli("extract", "page.html", "--published", "2025-06", "-f", "json")
    assert (result.code, result.stderr) == (0, "")
    assert [r["quote"] for r in json.loads(result.stdout)["candidates"]] == ["深圳人工智能企业超2800家"]
    result = cli(*sources_add("page.html", "page"), "--data", "my.toml")
    assert (result.code, result.stderr) == (0, "")
    assert (tmp_path / "seeds" / "page.txt").read_text(
        encoding="utf-8"
    ) == f"{LONG_REFERENCE}\n\n深圳人工智能企业超2800家。\n"


def test_html_left_open_is_read_in_linear_time():
    """No timing asserted: html.parser took minutes on each of these, the scan reads each once."""
    assert html_to_text("正文" + "<!--" * 200000) == "正文\n"
    assert html_to_text("正文" + "<a " * 200000) == "正文\n"
    assert html_to_text("正文" + "</" * 200000) == "正文\n"
    assert html_to_text("正文<script>" + "</script " * 200000) == "正文\n"
    assert html_to_text("正文" + "<?" * 200000) == "正文\n"
    assert html_to_text("正文" + "<![ " * 200000) == "正文\n"
    assert html_to_text("正文" + "<script>" * 100000) == "正文\n"
    assert html_to_text("<" * 400000) == "<" * 400000 + "\n"


def test_extract_toml_asks_for_a_source_id_it_cannot_derive(cli, own):
    (own / "——.txt").write_text("到2027年,丁市人工智能企业将超2000家。\n", encoding="utf-8")
    result = cli("extract", "——.txt", "--published", "2025-06", "--data", "my.toml", "-f", "toml")
    assert (result.code, result.stderr) == (2, "Error: cannot derive a source id from '——.txt'; give --source ID\n")


def test_extract_marks_what_the_base_already_holds(cli, own):
    (own / "new.txt").write_text("乙市人工智能企业约2400家。到2027年,丁市人工智能企业将超2000家。\n", encoding="utf-8")
    rows = json.loads(cli("extract", "new.txt", "--published", "2025-06", "--data", "my.toml", "-f", "json").stdout)[
        "candidates"
    ]
    assert [(r["place"], r["metric"], r["value"], r["kind"], r["date"], r["date_basis"], r["known"]) for r in rows] == [
        ("乙", "ai_enterprises", "约2400家", "actual", "2025-06", "published", True),
        ("丁", "ai_enterprises", "超2000家", "target", "2027", "stated", False),
    ]
    fresh = json.loads(
        cli("extract", "new.txt", "--published", "2025-06", "--data", "my.toml", "-f", "json", "--new-only").stdout
    )["candidates"]
    assert [r["value"] for r in fresh] == ["超2000家"]


def test_extract_toml_adds_to_a_base_that_then_validates(cli, own):
    (own / "new.txt").write_text("到2027年,丁市人工智能企业将超2000家。\n", encoding="utf-8")
    assert (
        cli(
            *sources_add("new.txt", "ding-2025", title="丁市", publisher="测试", published="2025-06"),
            "--data",
            "my.toml",
        ).code
        == 0
    )
    entries = cli(
        "extract", "new.txt", "--published", "2025-06", "--source", "ding-2025", "--data", "my.toml", "-f", "toml"
    ).stdout
    # The source is already in the base, so only the fact is proposed, its quote the sentence's clause.
    assert tomllib.loads(entries) == {
        "places": {
            "丁": {
                "facts": [
                    {
                        "metric": "ai_enterprises",
                        "scope": "ai",
                        "kind": "target",
                        "value": "超2000家",
                        "date": "2027",
                        "date_basis": "stated",
                        "citations": [{"source": "ding-2025", "quote": "丁市人工智能企业将超2000家"}],
                    }
                ]
            }
        }
    }
    with (own / "my.toml").open("a", encoding="utf-8") as out:
        out.write("\n" + entries)
    result = cli("validate", "my.toml")
    assert (result.code, result.stdout.splitlines()[-1]) == (
        0,
        "my.toml: OK — 5 places, 14 facts (15 citations), "
        "1 policy, 4 programmes; every quote found in its source (3 documents)",
    )


def test_extract_toml_escapes_what_a_hostile_document_carries(cli, own):
    from cityai_cli.core.base.reading import tomllib

    (own / "esc.txt").write_text(
        "乙市人工智能企业约\x1b[31m2400家\x1b[0m。\n丁市\u202e人工智能企业1200家。\n", encoding="utf-8"
    )
    out = cli("extract", "esc.txt", "--published", "2025-06", "--data", "my.toml", "-f", "toml").stdout
    assert "\x1b" not in out and "\u202e" not in out
    quotes = [
        fact["citations"][0]["quote"] for place in tomllib.loads(out)["places"].values() for fact in place["facts"]
    ]
    assert quotes == ["乙市人工智能企业约\x1b[31m2400家\x1b[0m", "丁市\u202e人工智能企业1200家"]
    assert "[sources.esc]" in out and 'file = "esc.txt"' in out


@pytest.mark.parametrize("source", ["x]\nevil = 1\n[places.pwn", "\x1b]0;pwned\x07", "Upper"])
def test_extract_refuses_a_source_id_that_is_not_an_id(cli, own, source):
    (own / "a.txt").write_text("乙市人工智能企业约2400家。\n", encoding="utf-8")
    result = cli("extract", "a.txt", "--source", source, "--data", "my.toml", "-f", "toml")
    assert result.code == 2 and result.stdout == "" and "\x1b" not in result.stderr
    assert result.stderr.startswith("Error: --source ") and "use lower-case letters" in result.stderr
