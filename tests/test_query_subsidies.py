"""The payout rule min(rate × spend, cap), special rates, unknown terms, and ordering."""
from decimal import Decimal

from cityai_cli.query.subsidies import estimate, list_subsidies


def voucher(mini, place="甲"):
    return mini.kb.places[place].subsidies[0]


def test_below_the_cap(mini):
    result = estimate(voucher(mini), Decimal(1000000))
    assert (result.payout, result.rate, result.capped) == (Decimal(500000), Decimal("0.5"), False)
    assert result.rule == "不超过50% × 100万元 = 50万元, within the cap of 最高100万元/年"


def test_exactly_at_the_cap(mini):
    result = estimate(voucher(mini), Decimal(2000000))
    assert (result.payout, result.capped) == (Decimal(1000000), False)
    assert result.rule == "不超过50% × 200万元 = 100万元, within the cap of 最高100万元/年"


def test_above_the_cap(mini):
    result = estimate(voucher(mini), Decimal(3000000))
    assert (result.payout, result.capped) == (Decimal(1000000), True)
    assert result.rule == "不超过50% × 300万元 = 150万元, capped at 最高100万元/年"


def test_special_rate_applies_only_when_flagged(mini):
    assert estimate(voucher(mini), Decimal(1000000), ["startup"]).payout == Decimal(600000)
    assert estimate(voucher(mini), Decimal(1000000), ["startup"]).rule == \
        "60% (初创企业) × 100万元 = 60万元, within the cap of 最高100万元/年"
    assert estimate(voucher(mini), Decimal(1000000), ["soe"]).payout == Decimal(500000)


def test_unknown_rate_cannot_be_estimated(mini):
    result = estimate(voucher(mini, "乙"), Decimal(3000000))
    assert (result.payout, result.rate) == (None, None)
    assert result.rule == "cannot estimate: subsidy rate unknown (cap 最高200万元/年)"


def test_nothing_known_cannot_be_estimated(mini):
    assert estimate(voucher(mini, "丙"), Decimal(3000000)).rule == "cannot estimate: subsidy rate unknown"


def test_unknown_cap_is_not_treated_as_unlimited(mini):
    uncapped = voucher(mini).model_copy(update={"cap": None})
    result = estimate(uncapped, Decimal(3000000))
    assert result.payout is None
    assert result.rule == "不超过50% × 300万元 = 150万元; cannot estimate: per-recipient cap unknown"


def test_list_sorted_by_cap_then_pool_unknown_last(mini):
    rows = list_subsidies(mini.kb).tables[0].rows
    assert [(r["place"], r["cap"], r["pool"]) for r in rows] == [
        ("乙", Decimal(2000000), None), ("甲", Decimal(1000000), Decimal(50000000)), ("丙", None, None)]


def test_list_with_spend_sorted_by_payout(mini):
    rows = list_subsidies(mini.kb, spend=Decimal(3000000)).tables[0].rows
    assert [(r["place"], r["payout"], r["payout_display"]) for r in rows] == [
        ("甲", Decimal(1000000), "100万元"), ("乙", None, None), ("丙", None, None)]


def test_filters_by_type_and_place(mini):
    assert [r["name"] for r in list_subsidies(mini.kb, kind="模型券").tables[0].rows] == ["乙市模型券"]
    assert [r["name"] for r in list_subsidies(mini.kb, places=["丙"]).tables[0].rows] == ["丙市语料券"]


def test_record_fields_for_one_programme(mini):
    row = list_subsidies(mini.kb, kind="算力券").tables[0].rows[0]
    assert {k: row[k] for k in ("place", "type", "type_en", "pool", "pool_display", "rate", "rate_display",
                                "special_rates", "cap", "cap_display", "cap_period", "eligibility", "source")} == {
        "place": "甲", "type": "算力券", "type_en": "compute voucher", "pool": Decimal(50000000),
        "pool_display": "最高5000万元/年", "rate": Decimal("0.5"), "rate_display": "不超过50%",
        "special_rates": "60% 初创企业 [startup]", "cap": Decimal(1000000), "cap_display": "最高100万元/年",
        "cap_period": "year", "eligibility": "租用算力的企业", "source": "mini"}
