"""targets (progress only within one scope) and conflicts (one row per disagreement)."""

from decimal import Decimal

import pytest

from cityai_cli.core.query.conflicts import list_conflicts
from cityai_cli.core.query.targets import list_targets


def test_progress_needs_the_same_scope(mini):
    rows = {r["place"]: r for r in list_targets(mini.base).rows}
    assert (rows["甲"]["actual_text"], rows["甲"]["progress"], rows["甲"]["progress_reason"]) == (
        "30EFLOPS",
        Decimal("0.3"),
        None,
    )
    assert (rows["乙"]["actual_scope"], rows["乙"]["progress"], rows["乙"]["progress_reason"]) == (
        "realtime",
        None,
        "different_scope",
    )


def test_targets_are_ordered_by_deadline(mini):
    assert [(r["place"], r["date"]) for r in list_targets(mini.base).rows] == [("乙", "2026"), ("甲", "2027")]


def test_forecasts_are_not_targets(mini):
    assert all(r["kind"] == "target" for r in list_targets(mini.base).rows)
    assert "丁" not in {r["place"] for r in list_targets(mini.base).rows}


def summary(rows):
    return [
        (
            r["place"],
            r["metric"],
            r["scope"],
            r["a_text"],
            r["a_sources"],
            r["b_text"],
            r["b_sources"],
            r["relation"],
            r["difference"],
        )
        for r in rows
    ]


def test_one_row_per_contradiction(contradicting):
    from cityai_cli.core.base.load import load

    assert summary(list_conflicts(load(contradicting).base).rows) == [
        (
            "甲",
            "ai_enterprises",
            "ai",
            "超2800家",
            ["mini"],
            "2600家",
            ["mini-late"],
            "contradiction",
            Decimal("0.0714"),
        )
    ]


def test_consistent_variants_only_when_asked(mini):
    # 超2800家 and 2600余家: two lower bounds, both true at once; the tighter is shown first
    assert list_conflicts(mini.base).rows == []
    assert summary(list_conflicts(mini.base, everything=True).rows) == [
        ("甲", "ai_enterprises", "ai", "超2800家", ["mini"], "2600余家", ["mini-late"], "consistent", Decimal("0.0714"))
    ]
    assert list_conflicts(mini.base, everything=True).meta == {"places": None, "all": True}


def test_streamed_rows_are_made_each_time_they_are_iterated_and_equal_the_list(mini, contradicting):
    from cityai_cli.core.base.load import load
    from cityai_cli.core.query.common import Rows

    for base, everything in ((load(contradicting).base, False), (mini.base, True)):
        listed = list_conflicts(base, everything=everything)
        streamed = list_conflicts(base, everything=everything, streamed=True)
        assert isinstance(streamed.rows, Rows) and isinstance(listed.rows, list)
        assert list(streamed.rows) == list(streamed.rows) == listed.rows != []
        assert streamed.meta == listed.meta and bool(streamed.rows)
    assert not list_conflicts(mini.base, streamed=True).rows  # mini's two figures agree


def test_targets_say_met_where_a_ratio_means_nothing(mini):
    rows = {r["place"]: r for r in list_targets(mini.base).rows}
    # 甲: 30EFLOPS against 突破100EFLOPS, same scope; 乙: the actual is of another scope
    assert (rows["甲"]["met"], rows["乙"]["met"]) == ("not_met", None)


def test_merged_citations_are_not_a_conflict(mini):
    assert [r["place"] for r in list_conflicts(mini.base, ["乙"]).rows] == []


def test_places_asked_in_any_order_give_the_same_rows(mini):
    from cityai_cli.core.query.listings import list_policies

    base = mini.base
    names = list(base.places)[:3]
    for query in (list_targets, list_policies):
        rows = query(base, names).rows
        assert rows and len(names) == 3
        assert query(base, names[::-1]).rows == query(base, names + names).rows == rows
        assert rows == [r for r in query(base).rows if r["place"] in names]


@pytest.mark.parametrize(
    ("dimension", "higher_is_better", "target", "actual", "expected"),
    [
        ("count", True, "100家", "30家", (Decimal("0.3"), None)),
        ("money", True, "100亿元", "150亿元", (Decimal("1.5"), None)),
        ("ratio", True, "超20%", "约35%", (None, "not_an_amount")),  # a growth rate is met or not
        ("rank", False, "第二", "第三", (None, "not_an_amount")),
        ("count", False, "100家", "30家", (None, "not_an_amount")),  # fewer is better: a ratio misleads
        ("count", True, "0家", "30家", (None, "target_zero")),
    ],
)
def test_progress_only_for_amounts_that_grow_toward_their_target(dimension, higher_is_better, target, actual, expected):
    from cityai_cli.core.figures.dates import PartialDate
    from cityai_cli.core.figures.quantity import parse_figure
    from cityai_cli.core.query.targets import progress
    from cityai_cli.core.records import Fact, MetricDef, ScopeDef

    metric = MetricDef(
        "m", "指标", "metric", dimension, "", higher_is_better, (), (), (ScopeDef("main", "主", "main"),)
    )

    def fact(text, kind):
        return Fact("甲", "m", "main", kind, parse_figure(text), PartialDate("2024"), "stated", None, "", ())

    assert progress(fact(target, "target"), fact(actual, "actual"), metric) == expected


def test_a_ceiling_target_says_met_or_not_never_a_share_of_it(tmp_path):
    # 150家 against 不超过100家 read "150%" done; it is a target not met
    from cityai_cli.core.base.load import load
    from conftest import one_metric_base

    base = load(
        one_metric_base(
            tmp_path,
            [
                ("A", "不超过100家", "2027", "ai", "target"),
                ("A", "150家", "2025"),
                ("B", "最高100家", "2027", "ai", "target"),
                ("B", "80家", "2025"),
            ],
        )
    ).base
    assert [(r["place"], r["progress"], r["progress_reason"], r["met"]) for r in list_targets(base).rows] == [
        ("A", None, "not_an_amount", "not_met"),
        ("B", None, "not_an_amount", "met"),
    ]
