"""The extraction engine (issue 13) on small documents written for the purpose, and on the seeds."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from cityai_cli.extract import gazetteer
from cityai_cli.extract.engine import extract
from cityai_cli.extract.toml_out import to_toml
from cityai_cli.lint import number_in_quote, squash
from cityai_cli.quantity import parse_figure

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "extract"

PLACES = {"深圳": "深圳", "北京": "北京", "上海": "上海", "杭州": "杭州"}
KEYWORDS = {"ai_enterprises": ["人工智能企业", "人工智能相关企业"], "unicorns": ["独角兽企业"],
            "industry_scale": ["产业规模"], "compute_capacity": ["智能算力规模"], "fund_size": ["产业基金"],
            "hurun_ai50": ["胡润"]}
DIMENSIONS = {"ai_enterprises": "count", "unicorns": "count", "industry_scale": "money",
              "compute_capacity": "compute", "fund_size": "money", "hurun_ai50": "count"}


def run(name: str, published: str = "2025-03-17"):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    found = extract(text, published=published, places=PLACES, metric_keywords=KEYWORDS,
                    metric_dimensions=DIMENSIONS)
    return [(c.place, c.metric, c.value, c.kind, c.date, c.date_basis, c.quote) for c in found], found


def test_simplified_sentence_with_stated_year_end():
    rows, found = run("simplified.txt")
    assert rows == [
        ("深圳", "industry_scale", "达3600亿元", "actual", "2024-12-31", "stated", "深圳人工智能产业规模达3600亿元"),
        ("深圳", "ai_enterprises", "超2800家", "actual", "2024-12-31", "stated",
         "深圳人工智能产业规模达3600亿元,人工智能企业超2800家"),
    ]
    assert [c.place_known for c in found] == [True, True]
    assert [c.confidence for c in found] == [1.0, 0.75]


def test_traditional_text_quotes_the_original_characters():
    rows, _ = run("traditional.txt")
    assert rows == [
        ("深圳", "ai_enterprises", "2600余家", "actual", "2025-03-17", "published", "深圳市已匯聚人工智能企業2600餘家"),
        ("深圳", "unicorns", "6家", "actual", "2025-03-17", "published", "深圳市已匯聚人工智能企業2600餘家、獨角獸企業6家"),
        # 100亿 would not be found in a quote that says 100億: the value keeps the document's 億
        ("深圳", "fund_size", "100億元", "actual", "2025-03-17", "published", "深圳提出設立100億元人工智能產業基金"),
    ]


def test_inserted_pinyin_is_ignored_for_matching_and_kept_in_the_quote():
    rows, found = run("pinyin.txt")
    assert rows == [
        ("深圳", "ai_enterprises", "2600余家", "actual", "2024-12-31", "stated", "深圳已集聚人工智能企業(yè)2600余家"),
        ("深圳", "unicorns", "6家", "actual", "2024-12-31", "stated",
         "深圳已集聚人工智能企業(yè)2600余家、獨角獸企業(yè)6家"),
    ]
    text = (FIXTURES / "pinyin.txt").read_text(encoding="utf-8")
    assert (found[0].sentence_start, found[0].sentence_end) == (2, text.index("。"))


def test_target_sentence():
    rows, _ = run("target.txt", published="2025-02-14")
    assert rows == [("上海", "compute_capacity", "突破100EFLOPS", "target", "2025-12-31", "stated",
                     "上海并定下目标:到2025年底,力争全市智能算力规模突破100EFLOPS")]


def test_forecast_by_a_third_party():
    rows, _ = run("forecast.txt")
    assert rows == [("杭州", "industry_scale", "突破5000亿元", "forecast", "2030", "stated",
                     "杭州人工智能产业规模有望突破5000亿元")]


def test_sentence_naming_several_cities_gives_one_candidate_each():
    rows, _ = run("two_cities.txt")
    assert rows == [
        ("北京", "hurun_ai50", "20家", "actual", "2025-03-17", "published", "胡润研究院发布的榜单显示,北京20家"),
        ("上海", "hurun_ai50", "9家", "actual", "2025-03-17", "published", "胡润研究院发布的榜单显示,北京20家,上海9家"),
        ("深圳", "hurun_ai50", "8家", "actual", "2025-03-17", "published",
         "胡润研究院发布的榜单显示,北京20家,上海9家,深圳8家"),
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


def test_to_toml_writes_the_fact_format_with_confirm_notes():
    _, found = run("gazetteer_only.txt")
    out = to_toml(found, "example-2025")
    assert out == (
        "# confirm: scope key for ai_enterprises (declared under [metrics.ai_enterprises.scopes])\n"
        "# confirm: place 绵阳 is not in the base yet (gazetteer only): add [places.\"绵阳\"]\n"
        "[[places.\"绵阳\".facts]]\n"
        "metric = \"ai_enterprises\"\n"
        "scope = \"CHOOSE\"            # a scope key declared under [metrics.ai_enterprises.scopes]\n"
        "kind = \"actual\"             # actual | target | forecast\n"
        "value = \"超过300家\"\n"
        "date = \"2024\"\n"
        "date_basis = \"stated\"       # stated | published | inferred\n"
        "citations = [\n"
        "  { source = \"example-2025\", quote = \"绵阳市人工智能企业超过300家\" },\n"
        "]\n")
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
    assert divisions["深圳"] == gazetteer.Division("深圳", "city", "广东", "Shenzhen", "Shenzhen",
                                                    ("深圳市", "深圳"))
    assert divisions["吉林市"].province == "吉林"
    forms = gazetteer.text_forms()
    assert forms["廣西壯族自治區"] == "广西"
    assert forms["吉林"] == "吉林" and forms["吉林市"] == "吉林市"
    assert "阿里" not in forms and forms["阿里地区"] == "阿里地区"


def test_opencc_is_imported_only_when_extracting():
    code = ("import sys, cityai_cli.extract.engine, cityai_cli.extract.toml_out;"
            "assert 'opencc' not in sys.modules, 'opencc imported at import time'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def _benchmark():
    spec = importlib.util.spec_from_file_location("extract_quality", ROOT / "benchmarks" / "extract_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _benchmark()
KB, SEED_KEYWORDS, SEED_DIMENSIONS, SEED_UNITS = BENCH.load_inputs()


@pytest.mark.parametrize("source_id", sorted(KB["sources"]))
def test_every_seed_candidate_quote_is_in_its_document(source_id):
    source = KB["sources"][source_id]
    text = (ROOT / "seeds" / source["file"]).read_text(encoding="utf-8")
    found = extract(text, published=source["published"], places=BENCH.place_forms(KB),
                    metric_keywords=SEED_KEYWORDS, metric_dimensions=SEED_DIMENSIONS, metric_units=SEED_UNITS)
    assert len(found) >= 10
    document = squash(text)
    for candidate in found:
        assert squash(candidate.quote) in document, candidate
        assert len(candidate.quote) <= 70, candidate
        assert number_in_quote(parse_figure(candidate.value), candidate.quote), candidate
        assert candidate.quote in text[candidate.sentence_start:candidate.sentence_end + 1] or \
            squash(candidate.quote) in squash(text[candidate.sentence_start - 200:candidate.sentence_end + 1]), candidate
