"""The bundled knowledge base: every figure traced to its source, disagreements kept."""
from decimal import Decimal

import pytest

from conftest import PROJECT_DATA, PROJECT_SEEDS
from cityai_cli.kb import bundled_path
from cityai_cli.lint import check_provenance, entries, number_in_quote, squash


def test_every_quote_and_number_is_found_in_its_source(project):
    # Loaded from the project's data/ so that the project's seeds/ are the ones read.
    assert project.seed_path("000_7673d027fa37600e.txt") == PROJECT_SEEDS / "000_7673d027fa37600e.txt"
    assert check_provenance(project) == []


def test_every_figure_checked_explicitly(project):
    """The same check, spelled out, so that a figure cannot be skipped by the linter's own logic."""
    documents = {sid: squash((PROJECT_SEEDS / s.file).read_text(encoding="utf-8")) for sid, s in project.kb.sources.items()}
    checked = 0
    for location, item in entries(project):
        quote = getattr(item, "quote", "")
        if not quote:
            continue
        source = getattr(item, "source", None) or project.kb.places[location[1]].subsidies[location[3]].source
        assert squash(quote) in documents[source], location
        if hasattr(item, "value"):
            assert number_in_quote(item.value, quote), location
        checked += 1
    assert checked >= 150


def test_bundled_copy_is_the_project_copy():
    assert bundled_path("data", "cities.toml").read_bytes() == PROJECT_DATA.read_bytes()
    for seed in PROJECT_SEEDS.iterdir():
        assert bundled_path("seeds", seed.name).read_bytes() == seed.read_bytes()


def test_coverage(project):
    kb = project.kb
    figures = sum(len(p.figures) for p in kb.places.values())
    terms = sum(len(s.terms()) for p in kb.places.values() for s in p.subsidies)
    assert figures + terms > 100
    assert {"北京", "上海", "深圳", "杭州", "广州", "东莞", "合肥", "长三角", "中国"} <= set(kb.places)
    assert {p.level for p in kb.places.values()} >= {"city", "district", "province", "region", "country"}


def find(project, place, metric, source, kind="actual"):
    return [f for f in project.kb.places[place].figures if f.metric == metric and f.source == source and f.kind == kind]


@pytest.mark.parametrize("place, metric, source, text, value, as_of", [
    ("深圳", "industry_scale", "chinanews-2025-02-14", "3600亿元", "360000000000", "2024-12-31"),
    ("深圳", "ai_enterprises", "chinanews-2025-02-14", "超2800家", "2800", "2024-12-31"),
    ("深圳", "ai_enterprises", "newsweek-2025-03-17", "2600余家", "2600", "2024-12-31"),
    ("上海", "industry_scale", "chinanews-2025-02-14", "突破4000亿元", "400000000000", "2024"),
    ("北京", "large_models_filed", "chinanews-2025-02-14", "105款", "105", "2025"),
])
def test_key_figures(project, place, metric, source, text, value, as_of):
    (figure,) = find(project, place, metric, source)
    assert (figure.value.text, figure.value.value, figure.as_of) == (text, Decimal(value), as_of)


def test_disagreeing_sources_are_both_kept(project):
    shanghai = {f.value.display(): f.source for f in project.kb.places["上海"].figures
                if f.metric == "industry_scale" and f.as_of == "2024"}
    assert shanghai == {"突破4000亿元": "chinanews-2025-02-14", "突破4500亿元": "liaowang-2025-03"}


def test_shenzhen_vouchers(project):
    vouchers = {s.type: s for s in project.kb.places["深圳"].subsidies if s.source == "newsweek-2025-03-17"}
    training = vouchers["训力券"]
    assert (training.pool.value.value, training.pool.period, training.rate.value.value, training.cap.value.value) == (
        Decimal(500000000), "year", Decimal("0.5"), Decimal(10000000))
    assert [(t.value.value, t.flag) for t in training.special_rates] == [(Decimal("0.6"), "startup")]
