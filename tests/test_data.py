"""The bundled knowledge base: every figure traced to its source, disagreements kept.

The provenance tests are data-driven: they walk every citation, policy citation and programme
term of the compiled `Base`, so a new fact is checked the day it is curated. They run on the
bundled base and on tests/fixtures/mini.toml (the same checks, a known-good small base).
"""

import hashlib
from decimal import Decimal

import pytest

from cityai_cli.core.base.lint import check_provenance, number_in_quote, squash
from cityai_cli.core.base.paths import bundled_path
from cityai_cli.core.figures.quantity import parse_figure
from cityai_cli.core.figures.rules import conflicts
from conftest import MINI, PROJECT_DATA, PROJECT_SEEDS

# Every test here reads the bundled knowledge base or its documents (pytest -m "not bundled" skips them).
pytestmark = pytest.mark.bundled


@pytest.fixture(params=["project", "mini"])
def loaded(request):
    return request.getfixturevalue(request.param)


def documents(loaded):
    """Each source's document, whitespace squashed, read directly (not through the linter)."""
    found = {}
    for key, source in loaded.base.sources.items():
        path = loaded.seed_path(source.file)
        assert path is not None, f"{key}: {source.file} not found"
        found[key] = squash(path.read_text(encoding="utf-8"))
    return found


def quoted(loaded):
    """(where, source, quote, figure or None) for every quote of the base: fact citations (with the
    figure as that source writes it), policy and programme citations, and programme terms."""
    base = loaded.base
    for fact in base.facts:
        where = f"{fact.place} {fact.metric}/{fact.scope} {fact.kind} {fact.value.text}"
        for citation in fact.citations:
            yield where, citation.source, citation.quote, parse_figure(citation.text)
    for policy in base.policies:
        for citation in policy.citations:
            yield f"{policy.place} {policy.title}", citation.source, citation.quote, None
    for programme in base.programmes:
        where = f"{programme.place} {programme.name}"
        for citation in programme.citations:
            yield where, citation.source, citation.quote, None
        for name, term in [("pool", programme.pool), ("rate", programme.rate), ("cap", programme.cap)] + [
            (f"special:{t.flag}", t) for t in programme.special_rates
        ]:
            if term is not None:
                yield f"{where} {name}", term.source, term.quote, term.value


def test_the_linter_finds_nothing(loaded):
    assert check_provenance(loaded) == []


def test_project_seeds_are_the_project_copies(project):
    for source in project.base.sources.values():
        assert project.seed_path(source.file) == PROJECT_SEEDS / source.file


def test_every_quote_is_in_its_source(loaded):
    """The same check as the linter's, spelled out, so that a quote cannot be skipped by its logic."""
    texts = documents(loaded)
    missing = [
        (where, source, quote) for where, source, quote, _ in quoted(loaded) if squash(quote) not in texts[source]
    ]
    assert missing == []


def test_every_number_is_in_its_quote(loaded):
    wrong = [
        (where, figure.literal, quote)
        for where, _, quote, figure in quoted(loaded)
        if figure is not None and not number_in_quote(figure, quote)
    ]
    assert wrong == []


def test_every_citation_writes_the_figure_of_its_fact(loaded):
    """A citation's own writing of the figure (2600余家 / 2600多家; 约2400家 / 超2400家) is the fact's
    figure (`lint._agree`), or it would be another fact (a conflict)."""
    from cityai_cli.core.base.lint import _agree

    different = []
    for fact in loaded.base.facts:
        for citation in fact.citations:
            if not _agree(parse_figure(citation.text), fact.value):
                different.append((fact.place, fact.metric, citation.source, citation.text, fact.value.text))
    assert different == []


def test_nothing_is_left_unchecked(loaded):
    base = loaded.base
    expected = (
        sum(len(f.citations) for f in base.facts)
        + sum(len(p.citations) for p in base.policies)
        + sum(
            len(p.citations) + len(p.special_rates) + sum(t is not None for t in (p.pool, p.rate, p.cap))
            for p in base.programmes
        )
    )
    assert len(list(quoted(loaded))) == expected
    assert all(f.citations for f in base.facts) and all(p.citations for p in base.policies + base.programmes)


def test_every_source_is_cited(loaded):
    base = loaded.base
    cited = {c.source for kind in (base.facts, base.policies, base.programmes) for item in kind for c in item.citations}
    cited |= {t.source for p in base.programmes for t in (p.pool, p.rate, p.cap, *p.special_rates) if t is not None}
    assert set(base.sources) - cited == set()


def test_recorded_hashes_match_the_documents(project):
    for key, source in project.base.sources.items():
        text = (PROJECT_SEEDS / source.file).read_text(encoding="utf-8")
        assert source.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest(), key


def test_every_fact_is_of_a_declared_metric_and_scope(loaded):
    base = loaded.base
    undeclared = [
        (f.place, f.metric, f.scope)
        for f in base.facts
        if f.metric not in base.metrics or f.scope not in {s.key for s in base.metrics[f.metric].scopes}
    ]
    assert undeclared == []


def test_bundled_copy_is_the_project_copy():
    assert bundled_path("data", "cities.toml").read_bytes() == PROJECT_DATA.read_bytes()
    for seed in PROJECT_SEEDS.iterdir():
        assert bundled_path("seeds", seed.name).read_bytes() == seed.read_bytes()


def test_coverage(project):
    base = project.base
    terms = sum(sum(t is not None for t in (p.pool, p.rate, p.cap)) + len(p.special_rates) for p in base.programmes)
    assert len(base.facts) + terms > 100
    assert {"北京", "上海", "深圳", "杭州", "广州", "东莞", "合肥", "长三角", "中国"} <= set(base.places)
    assert {p.level for p in base.places.values()} >= {"city", "district", "province", "region", "country"}
    assert {f.kind for f in base.facts} == {"actual", "target", "forecast"}


def find(project, place, metric, scope, source, kind="actual"):
    return [
        f
        for f in project.base.facts
        if (f.place, f.metric, f.scope, f.kind) == (place, metric, scope, kind) and source in f.sources
    ]


@pytest.mark.parametrize(
    "place, metric, scope, source, text, value, date",
    [
        ("深圳", "industry_scale", "ai_industry", "chinanews-2025-02-14", "3600亿元", "360000000000", "2024-12-31"),
        ("深圳", "ai_enterprises", "ai", "chinanews-2025-02-14", "超2800家", "2800", "2024-12-31"),
        ("深圳", "ai_enterprises", "ai", "newsweek-2025-03-17", "2600余家", "2600", "2024-12-31"),
        ("上海", "industry_scale", "ai_industry", "chinanews-2025-02-14", "突破4000亿元", "400000000000", "2024"),
        ("北京", "large_models_filed", "genai_service_filings", "chinanews-2025-02-14", "105款", "105", "2025"),
    ],
)
def test_key_figures(project, place, metric, scope, source, text, value, date):
    (fact,) = find(project, place, metric, scope, source)
    assert (fact.value.text, fact.value.value, fact.date, fact.date_basis) == (text, Decimal(value), date, "stated")


def test_two_sources_of_one_figure_are_one_fact(project):
    (fact,) = find(project, "深圳", "ai_enterprises", "ai", "newsweek-2025-03-17")
    assert fact.sources == ("newsweek-2025-03-17", "liaowang-2025-03")


def test_differing_sources_are_both_kept_and_the_tighter_bound_shown(project):
    # 突破4500亿元 and 突破4000亿元 are two lower bounds: both can hold, so a variant, not a conflict
    from cityai_cli.core.figures.rules import variants

    def of_shanghai(pairs):
        return [
            (a.value.display(), a.sources, b.value.display(), b.sources)
            for a, b in pairs
            if (a.place, a.metric, a.scope) == ("上海", "industry_scale", "ai_industry")
        ]

    assert of_shanghai(conflicts(project.base.facts)) == []
    shanghai = of_shanghai(variants(project.base.facts))
    assert shanghai[0][0] == "突破4500亿元" and len(shanghai) == 1
    a_text, a_sources, b_text, b_sources = shanghai[0]
    assert {a_text: a_sources, b_text: b_sources} == {
        "突破4000亿元": ("chinanews-2025-02-14",),
        "突破4500亿元": ("liaowang-2025-03",),
    }


def test_shenzhen_training_voucher(project):
    (training,) = [p for p in project.base.programmes if (p.place, p.type) == ("深圳", "训力券")]
    assert (training.pool.value.value, training.pool.period, training.rate.value.value, training.cap.value.value) == (
        Decimal(500000000),
        "year",
        Decimal("0.5"),
        Decimal(10000000),
    )
    assert [(t.value.value, t.flag) for t in training.special_rates] == [(Decimal("0.6"), "startup")]
    assert project.base.category(training) == "voucher"


def test_funds_are_funds(project):
    funds = {(p.place, p.type) for p in project.base.programmes if project.base.category(p) == "fund"}
    assert {("深圳", "基金"), ("东莞", "基金"), ("西湖区", "基金")} <= funds
    assert all(p.rate is None and p.cap is None for p in project.base.programmes if (p.place, p.type) in funds)


def test_mini_is_the_fixture_these_checks_also_run_on(mini):
    assert mini.path == MINI
    # 14 fact citations, 2 policy citations, 4 programme citations, 6 programme terms
    assert len(list(quoted(mini))) == 26


def test_shenzhen_and_beijing_enterprises_are_ranked_together_with_their_dates(project):
    # 2600余家 at the end of 2024 and 约2400家 current at the 2025-03 publication: 3 months apart
    from cityai_cli.core.query.rank import rank

    ranked = [(r["place"], r["date"]) for r in rank(project.base, "ai_enterprises").rows if r["rank"]]
    assert {place for place, _ in ranked} >= {"深圳", "北京"}
    assert all(date for _, date in ranked)


def test_every_bundled_seed_has_its_hash_recorded(project):
    for source in project.base.sources.values():
        assert source.sha256 == hashlib.sha256((PROJECT_SEEDS / source.file).read_bytes()).hexdigest()
