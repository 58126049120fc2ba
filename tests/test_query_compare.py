"""compare: a leader only where every figure is comparable; flags are codes with parameters."""

import pytest

from cityai_cli.core.errors import UsageError
from cityai_cli.core.figures.dates import PartialDate
from cityai_cli.core.query.compare import compare


def by_metric(result):
    return {(r["metric"], r["kind"]): r for r in result.rows}


def test_comparable_row_names_the_leader(mini):
    row = by_metric(compare(mini.base, ["甲", "乙"]))[("industry_scale", "actual")]
    assert (row["leader"], row["yi_leader"], row["jia_leader"], row["flags"]) == (["乙"], True, False, None)


def test_different_scope_is_flagged_with_each_place_scope_and_no_leader(mini):
    row = by_metric(compare(mini.base, ["甲", "丁"]))[("industry_scale", "actual")]
    assert row["leader"] is None
    assert row["flags"] == [{"code": "different_scope", "places": {"甲": "ai_industry", "丁": "ai_core_industry"}}]


def test_dates_within_the_window_differ_in_a_footnote_and_keep_the_leader(mini):
    row = by_metric(compare(mini.base, ["甲", "丁"]))[("ai_enterprises", "actual")]
    assert row["leader"] == ["甲"]
    assert row["flags"] == [{"code": "dates_differ", "places": {"甲": "2024-12-31", "丁": "2025-04-01"}}]


def test_a_contradicting_source_is_flagged(contradicting):
    from cityai_cli.core.base.load import load

    row = by_metric(compare(load(contradicting).base, ["甲", "丁"]))[("ai_enterprises", "actual")]
    assert [f["code"] for f in row["flags"]] == ["dates_differ", "sources_disagree"]
    assert {k: row["flags"][1][k] for k in ("place", "text", "date", "sources")} == {
        "place": "甲",
        "text": "2600家",
        "date": "2024-12-31",
        "sources": ["mini-late"],
    }


def test_a_tie_the_bounds_cannot_break_has_no_leader_and_says_so(mini):
    from cityai_cli.core.figures.quantity import parse_figure

    # 乙 约2400家 against 甲 2500家 (2280..2520 holds 2500)
    figures = {"超2800家": "2500家", "2600余家": "约2500家"}
    base = mini.base.replace(
        facts=[
            f.replace(value=parse_figure(figures[f.value.text])) if f.value.text in figures else f
            for f in mini.base.facts
        ]
    )
    row = by_metric(compare(base, ["甲", "乙"]))[("ai_enterprises", "actual")]
    assert (row["leader"], row["flags"]) == (None, [{"code": "tie", "places": ["甲", "乙"]}])
    # a third place certainly behind them: the two lead together, still tied
    row = by_metric(compare(base, ["甲", "乙", "丁"]))[("ai_enterprises", "actual")]
    assert (row["leader"], row["flags"][-1]) == (["甲", "乙"], {"code": "tie", "places": ["甲", "乙"]})


def test_dates_outside_the_window_have_no_leader(mini):
    row = by_metric(compare(mini.base, ["甲", "丁"], window=2))[("ai_enterprises", "actual")]
    assert (row["leader"], row["flags"][0]) == (
        None,
        {"code": "outside_window", "places": {"甲": "2024-12-31", "丁": "2025-04-01"}, "window": 2},
    )
    same = by_metric(compare(mini.base, ["甲", "乙"], window=0))[("ai_enterprises", "actual")]
    assert (same["leader"], same["flags"]) == (["甲"], None)


def test_targets_and_forecasts_are_separate_rows(mini):
    rows = by_metric(compare(mini.base, ["甲", "丁"]))
    assert rows[("compute_capacity", "target")]["flags"] == [{"code": "only_one", "places": ["甲"]}]
    assert rows[("compute_capacity", "forecast")]["flags"] == [{"code": "only_one", "places": ["丁"]}]


def test_all_equal_means_no_leader(mini):
    base = mini.base.replace(
        facts=[
            f.replace(value=mini.base.facts[2].value) if f.metric == "industry_scale" else f for f in mini.base.facts
        ]
    )
    row = by_metric(compare(base, ["甲", "乙"]))[("industry_scale", "actual")]
    assert (row["leader"], row["flags"]) == (None, None)


def test_as_of_and_chosen_metrics(mini):
    result = compare(mini.base, ["甲", "乙"], ["compute_capacity"], PartialDate("2025-12"))
    assert [(r["metric"], r["kind"], r["jia_text"], r["yi_text"]) for r in result.rows] == [
        ("compute_capacity", "actual", "30EFLOPS", "20EFLOPS"),
        ("compute_capacity", "target", "突破100EFLOPS", "50EFLOPS"),
    ]


@pytest.mark.parametrize(
    "names, message", [(["甲"], "at least two places are needed"), (["甲", "甲"], "甲 given more than once")]
)
def test_preconditions_live_in_the_core(mini, names, message):
    with pytest.raises(UsageError) as error:
        compare(mini.base, names)
    assert error.value.message == message
