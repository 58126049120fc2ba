"""subsidies and funds: what a recipient can claim, estimates by rules.estimate, funds apart."""

import csv
import io
from decimal import Decimal

import pytest

from cityai_cli.core.query.subsidies import list_programmes
from conftest import MINI


def test_funds_are_not_subsidies(mini):
    # by per-recipient cap, then pool, unknown last
    assert [r["name"] for r in list_programmes(mini.base).rows] == ["乙市模型券", "甲市算力券", "丙市语料券"]
    assert [(r["name"], r["category"], r["pool"]) for r in list_programmes(mini.base, funds=True).rows] == [
        ("丁市人工智能产业基金", "fund", Decimal(10) ** 10)
    ]


def test_estimates_are_ordered_by_payout_unknown_last(mini):
    rows = list_programmes(mini.base, spend=Decimal(3_000_000)).rows
    assert [(r["name"], r["estimate"], r["payout"], r["gross"]) for r in rows] == [
        ("甲市算力券", "capped", Decimal(1_000_000), Decimal(1_500_000)),
        ("乙市模型券", "rate_unknown", None, None),
        ("丙市语料券", "rate_unknown", None, None),
    ]


def test_special_rate_is_used_and_named(mini):
    row = list_programmes(mini.base, spend=Decimal(1_000_000), flags=["startup"]).rows[0]
    assert (row["rate_used"], row["payout"], row["special_used"]) == (Decimal("0.6"), Decimal(600_000), "startup")


def test_several_types_and_places_all_apply(mini):
    assert [r["name"] for r in list_programmes(mini.base, types=["算力券", "语料券"]).rows] == [
        "甲市算力券",
        "丙市语料券",
    ]
    assert [r["name"] for r in list_programmes(mini.base, places=["乙", "丙"]).rows] == ["乙市模型券", "丙市语料券"]
    assert [r["name"] for r in list_programmes(mini.base, region="测区").rows] == ["乙市模型券", "甲市算力券"]


def test_terms_keep_their_quotes_and_sources(mini):
    row = list_programmes(mini.base).rows[1]
    assert (row["cap_text"], row["cap_period"], row["cap_quote"], row["cap_source"]) == (
        "最高100万元",
        "year",
        "每年最高100万元",
        "mini",
    )
    assert row["special_rates"] == [
        {
            "value": Decimal("0.6"),
            "text": "60%",
            "bound": "exact",
            "basis": None,
            "applies_to": "初创企业",
            "flag": "startup",
            "quote": "初创企业可按60%",
        }
    ]


def test_top_keeps_the_first_rows_of_the_order_and_counts_them_all(mini):
    full = list_programmes(mini.base, spend=Decimal(3_000_000))
    cut = list_programmes(mini.base, spend=Decimal(3_000_000), top=2)
    assert [r["name"] for r in cut.rows] == [r["name"] for r in full.rows][:2] == ["甲市算力券", "乙市模型券"]
    assert cut.rows == full.rows[:2]
    assert (cut.meta["matched"], cut.meta["top"], full.meta["matched"], full.meta["top"]) == (3, 2, 3, None)
    assert list_programmes(mini.base, top=5).rows == list_programmes(mini.base).rows  # more than there are


def test_order_is_payout_then_cap_then_pool_largest_first_unknown_last(mini):
    from cityai_cli.core.figures.rules import Estimate
    from cityai_cli.core.query.subsidies import order

    programme = mini.base.programmes[1]  # 乙市模型券: cap 200万, pool unknown
    assert programme.name == "乙市模型券"
    assert order(programme, None) == (False, -Decimal(2_000_000), True, 0, "乙", "乙市模型券")
    assert order(programme, Estimate("capped", Decimal(5))) == (
        False,
        -Decimal(5),
        False,
        -Decimal(2_000_000),
        True,
        0,
        "乙",
        "乙市模型券",
    )
    assert order(programme, Estimate("rate_unknown")) == (
        True,
        0,
        False,
        -Decimal(2_000_000),
        True,
        0,
        "乙",
        "乙市模型券",
    )


M = str(MINI)


def rows(result):
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_repeated_filters_all_apply(cli):
    names = [r["name"] for r in rows(cli("subsidies", "--type", "算力券", "--type", "corpus voucher", "--data", M))]
    assert names == ["甲市算力券", "丙市语料券"]
    assert [
        r["metric"]
        for r in rows(cli("compare", "甲", "乙", "--metric", "企业数", "--metric", "compute_capacity", "--data", M))
    ] == ["ai_enterprises", "compute_capacity", "compute_capacity"]


def test_a_region_given_to_city_means_its_members(cli):
    assert [r["place"] for r in rows(cli("subsidies", "--city", "测区", "--data", M))] == ["乙", "甲"]
    assert [r["place"] for r in rows(cli("subsidies", "--region", "测区", "--data", M))] == ["乙", "甲"]


def test_unknown_eligible_flag_is_a_usage_error(cli):
    result = cli("subsidies", "--spend", "300万", "--eligible", "foo", "--data", M)
    assert (result.code, result.stderr) == (2, "Error: unknown --eligible flag 'foo'; known flags: startup\n")


@pytest.mark.parametrize("option", ["--type", "--city", "--eligible"])
def test_empty_filter_is_refused(cli, option):
    extra = ["--spend", "300万"] if option == "--eligible" else []
    result = cli("subsidies", option, "", *extra, "--data", M)
    assert (result.code, result.stderr) == (2, f"Error: {option} needs a value, got an empty one\n")


def test_funds_get_no_estimate(cli):
    result = cli("funds", "--spend", "300万", "--data", M)
    assert (result.code, result.stderr) == (
        2,
        "Error: a fund is an investment vehicle: it has no payout to estimate (--spend, --startup, --eligible)\n",
    )
