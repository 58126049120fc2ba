"""rank: qualifier-aware order, places without the figure last, --top, levels."""
from decimal import Decimal

from cityai_cli.query.rank import rank


def test_orders_by_value_and_lists_missing_last(mini):
    rows = rank(mini.kb, "industry_scale").tables[0].rows
    assert [(r["rank"], r["place"], r["display"]) for r in rows] == [(1, "乙", "突破4000亿元"), (2, "甲", "3600亿元")]


def test_places_without_the_figure_are_not_dropped(mini):
    rows = rank(mini.kb, "compute_capacity").tables[0].rows
    assert [(r["rank"], r["place"], r["value"]) for r in rows] == [(None, "乙", None), (None, "甲", None)]


def test_targets_can_be_ranked(mini):
    rows = rank(mini.kb, "compute_capacity", kind="target").tables[0].rows
    assert [(r["rank"], r["place"], r["value"]) for r in rows] == [(1, "甲", Decimal(100000)), (None, "乙", None)]


def test_level_all_mixes_levels_and_top_cuts(mini):
    rows = rank(mini.kb, "ai_enterprises", level=None).tables[0].rows
    assert [(r["rank"], r["place"], r["display"]) for r in rows] == [(1, "丙", "约3000家"), (2, "甲", "2600余家"), (3, "乙", "约2400家")]
    assert [r["place"] for r in rank(mini.kb, "ai_enterprises", level=None, top=1).tables[0].rows] == ["丙"]


def test_conflicting_sources_are_shown(mini):
    row = rank(mini.kb, "ai_enterprises").tables[0].rows[0]
    assert (row["place"], row["conflicts"]) == ("甲", "超2800家 (mini)")


def test_title_says_what_was_ranked(mini):
    assert rank(mini.kb, "industry_scale").tables[0].title == "产业规模 (industry scale) · city · 2 with the figure, 0 without"


def test_an_empty_level_points_to_the_levels_that_have_the_figure(mini):
    assert rank(mini.kb, "ai_enterprises", level="province").tables[0].title == (
        "人工智能企业数 (AI enterprises) · province · 0 with the figure, 0 without "
        "(figures exist for: city, district; use --level)")


def test_equal_figures_share_a_rank_and_the_next_skips(project):
    rows = rank(project.kb, "ai_development_tier").tables[0].rows
    ranked = [(r["rank"], r["place"], r["display"]) for r in rows if r["rank"] is not None]
    assert ranked == [(1, "上海", "第1"), (1, "北京", "第1"), (1, "深圳", "第1"), (4, "杭州", "第2")]
