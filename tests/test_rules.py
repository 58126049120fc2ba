"""The rules (rules.py), each pinned on small hand-made facts: changing a rule fails a test here."""

from decimal import Decimal

import pytest

from cityai_cli.core.figures.dates import PartialDate
from cityai_cli.core.figures.quantity import parse_figure
from cityai_cli.core.figures.rules import (
    APPROX_TOLERANCE,
    WINDOW_MONTHS,
    add_months,
    attainment,
    better,
    can_both_hold,
    certainly_better,
    comparable,
    conflicts,
    contradicted,
    contradicting,
    date_span,
    estimate,
    headline,
    interval,
    newest,
    positions,
    tightest,
    undecided,
    variants,
    within_window,
)
from cityai_cli.core.records import Citation, Fact, MetricDef, Programme, ScopeDef, Term

METRIC = MetricDef(
    "m",
    "指标",
    "metric",
    "count",
    "家",
    True,
    (),
    (),
    (ScopeDef("main", "主", "main"), ScopeDef("other", "另", "other")),
)


def fact(
    value="100家",
    place="甲",
    scope="main",
    kind="actual",
    date="2024",
    basis="stated",
    sources=("s",),
    set_on=None,
    metric="m",
):
    return Fact(
        place,
        metric,
        scope,
        kind,
        parse_figure(value),
        PartialDate(date) if date else None,
        basis if date else None,
        PartialDate(set_on) if set_on else None,
        "",
        tuple(Citation(s, "q", value) for s in sources),
    )


# --- comparable ---------------------------------------------------------------------------------


def test_same_metric_scope_kind_and_year_are_comparable():
    assert comparable(fact(date="2024-03"), fact(date="2024-12-31", place="乙")) is None


def test_figures_months_apart_across_a_new_year_are_comparable():
    # 深圳 2600余家 at 2024-12-31 and 北京 约2400家 current at the 2025-03 publication
    assert comparable(fact(date="2024-12-31"), fact(date="2025-03", basis="published", place="乙")) is None


# --- the time rule (WINDOW_MONTHS) ----------------------------------------------------------------


def test_the_window_is_twelve_months():
    assert WINDOW_MONTHS == 12
    assert within_window(PartialDate("2024-12-31"), PartialDate("2025-12-31"))
    assert not within_window(PartialDate("2024-12-31"), PartialDate("2026-01-01"))
    # 13 would take 2026-01-15 in; 11 would leave 2025-12-31 out
    assert not within_window(PartialDate("2024-12-31"), PartialDate("2026-01-15"))
    assert within_window(PartialDate("2024-12-31"), PartialDate("2026-01-15"), 13)
    assert not within_window(PartialDate("2024-12-31"), PartialDate("2025-12-31"), 11)


@pytest.mark.parametrize(
    "a, b, months, expected",
    [
        # a partial date is the interval it covers; the gap between the intervals is what counts
        ("2024", "2025-12", 12, True),  # 2024 ends 2024-12-31; 2025-12 starts 2025-12-01
        ("2024", "2026-01", 12, False),
        ("2023", "2025", 12, False),  # 2023-12-31 .. 2025-01-01: a year and a day
        ("2024", "2025", 12, True),
        ("2024-06", "2025-06-30", 12, True),  # 2024-06 ends on the 30th
        ("2024-06", "2025-07-01", 12, False),
        ("2025-03", "2024-12-31", 2, False),  # in either order: 2025-03-01 is 2 months and a day on
        ("2025-03", "2024-12-31", 3, True),
        # 0: the same date, or a date and the month or year holding it
        ("2024", "2024-06-30", 0, True),
        ("2024-12", "2024-12-31", 0, True),
        ("2024-12-30", "2024-12-31", 0, False),
        ("2024", "2025", 0, False),
    ],
)
def test_distance_between_partial_dates_is_the_gap_between_their_intervals(a, b, months, expected):
    assert within_window(PartialDate(a), PartialDate(b), months) is expected
    assert within_window(PartialDate(b), PartialDate(a), months) is expected


def test_months_are_calendar_months_clamped_at_the_month_end():
    import datetime as dt

    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 12, 31), 2) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert within_window(PartialDate("2024-01-31"), PartialDate("2024-02-29"), 1)
    assert not within_window(PartialDate("2024-01-31"), PartialDate("2024-03-01"), 1)
    assert date_span(PartialDate("2024-02")) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert date_span(PartialDate("2023")) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def test_a_window_passed_to_comparable_replaces_the_twelve_months():
    old, new = fact(date="2023-06"), fact(date="2024-12", place="乙")
    assert comparable(old, new) == "outside_window"
    assert comparable(old, new, 18) is None
    assert comparable(fact(date="2024"), fact(date="2024-05", place="乙"), 0) is None


def test_newest_is_the_latest_start_then_end_and_ignores_undated_facts():
    year, month, day = fact(date="2025"), fact(date="2025-03"), fact(date="2025-12-31")
    assert newest([year, month]) is month
    assert newest([year, day]) is day and newest([day, year]) is day
    assert newest([fact(date="2025-01-01"), year]) is year
    assert newest([fact(kind="target", date=None, set_on="2030")]) is None


@pytest.mark.parametrize(
    "other, reason",
    [
        (fact(metric="n"), "different_metric"),
        (fact(scope="other"), "different_scope"),
        (fact(kind="target"), "different_kind"),
        (fact(kind="forecast"), "different_kind"),
        (fact(date="2026"), "outside_window"),
    ],
)
def test_each_difference_has_its_reason(other, reason):
    assert comparable(fact(), other) == reason


def test_a_target_without_deadline_is_comparable_with_nothing():
    undated = fact(kind="target", date=None, set_on="2025-03")
    assert comparable(undated, undated) == "no_deadline"
    assert comparable(fact(kind="target"), undated) == "no_deadline"


def test_forecast_is_never_comparable_with_target_of_the_same_year():
    assert comparable(fact(kind="forecast", date="2027"), fact(kind="target", date="2027")) == "different_kind"


# --- bounds as intervals -------------------------------------------------------------------------


def q(text):
    return parse_figure(text)


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("2400家", (Decimal(2400), 0), (Decimal(2400), 0)),
        ("达2400家", (Decimal(2400), 0), (Decimal(2400), 0)),
        ("超2400家", (Decimal(2400), 1), (Decimal("Infinity"), 0)),
        ("突破2400家", (Decimal(2400), 1), (Decimal("Infinity"), 0)),
        ("2400余家", (Decimal(2400), 1), (Decimal("Infinity"), 0)),
        ("2400家以上", (Decimal(2400), 0), (Decimal("Infinity"), 0)),
        ("不少于2400家", (Decimal(2400), 0), (Decimal("Infinity"), 0)),
        ("最高2400家", (Decimal("-Infinity"), 0), (Decimal(2400), 0)),
        ("不超过2400家", (Decimal("-Infinity"), 0), (Decimal(2400), 0)),
        ("不到2400家", (Decimal("-Infinity"), 0), (Decimal(2400), -1)),
        ("约2400家", (Decimal(2280), 0), (Decimal(2520), 0)),  # ± 5%
        ("2400家左右", (Decimal(2280), 0), (Decimal(2520), 0)),
        ("近2400家", (Decimal(2280), 0), (Decimal(2400), 0)),
        ("3-5个", (Decimal(3), 0), (Decimal(5), 0)),
    ],
)
def test_each_qualifier_is_an_interval(text, low, high):
    assert interval(q(text)) == (low, high)


def test_the_approximate_tolerance_is_five_percent():
    assert APPROX_TOLERANCE == Decimal("0.05")
    assert can_both_hold(q("约2400家"), q("2520家")) and not can_both_hold(q("约2400家"), q("2521家"))
    assert can_both_hold(q("约2400家"), q("2280家")) and not can_both_hold(q("约2400家"), q("2279家"))


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("超2400家", "约2400家", True),
        ("突破4500亿元", "突破4000亿元", True),
        ("2600余家", "超2800家", True),  # two lower bounds never contradict
        ("最高100万元", "不超过50万元", True),
        ("超2400家", "2400家", False),  # more than 2400 is not 2400
        ("2400家以上", "2400家", True),  # X以上 holds X
        ("不到100家", "100家", False),
        ("最高100家", "100家", True),
        ("超2800家", "最高2800家", False),
        ("约2400家", "2600家", False),
        ("3-5个", "5个", True),
        ("3-5个", "超5个", False),
        ("1家", "2家", False),
    ],
)
def test_two_figures_conflict_only_when_their_intervals_cannot_both_hold(a, b, expected):
    assert can_both_hold(q(a), q(b)) is expected
    assert can_both_hold(q(b), q(a)) is expected


@pytest.mark.parametrize(
    "a, b, higher, expected",
    [
        ("超2800家", "约2400家", True, True),
        ("2600余家", "约2400家", True, True),  # 2600+ against at most 2520
        ("超2800家", "2800家", True, True),
        ("2800家", "约2800家", True, False),  # the bounds cannot tell them apart
        ("约2800家", "2800家", True, False),
        ("2800家", "2800家", True, False),
        ("第二", "第三", False, True),  # where less is better
        ("第三", "第二", False, False),
    ],
)
def test_certainly_better_needs_every_value_to_beat_every_value(a, b, higher, expected):
    assert certainly_better(q(a), q(b), higher) is expected


def test_positions_share_a_rank_where_the_bounds_cannot_break_the_tie():
    figures = [q("超2800家"), q("约2400家"), q("2500家"), q("2000家"), q("2000家")]
    # 约2400 (2280..2520) and 2500 overlap: both second; 2000 twice: fourth
    assert positions(figures) == [1, 2, 2, 4, 4]
    assert positions([q("第一"), q("第三"), q("第三")], higher_is_better=False) == [1, 2, 2]
    assert positions([]) == []


def test_tightest_of_agreeing_figures_is_the_narrowest():
    assert tightest([q("突破4000亿元"), q("突破4500亿元")]) == 1
    assert tightest([q("超2400家"), q("约2400家")]) == 1  # bounded both sides
    assert tightest([q("最高100万元"), q("不超过50万元")]) == 1
    assert tightest([q("约2400家"), q("2400家")]) == 1  # no width
    assert tightest([q("2400家"), q("2400家")]) == 0  # the first of equals


@pytest.mark.parametrize(
    "target, actual, higher, expected",
    [
        ("超20%", "约35%", True, "met"),
        ("超20%", "20%", True, "not_met"),
        ("超20%", "约20%", True, "undecided"),
        ("20%", "20%", True, "met"),
        ("第二", "第三", False, "not_met"),
        ("第二", "第一", False, "met"),
        ("100家", "超100家", True, "met"),
        # a target that is itself a ceiling (不超过 / 最高 / 不到) or a floor asks for that side, whichever
        # way the metric grows: 10% against 不超过5% was "met" (every value is above minus infinity)
        ("不超过5%", "10%", True, "not_met"),
        ("不超过5%", "3%", True, "met"),
        ("不超过5%", "约5%", True, "undecided"),
        ("不到100家", "100家", True, "not_met"),
        ("不少于3家", "5家", False, "met"),
        ("不少于3家", "2家", False, "not_met"),
    ],
)
def test_attainment_is_met_when_every_value_of_the_actual_meets_the_target(target, actual, higher, expected):
    assert attainment(q(target), q(actual), higher) == expected


# --- conflicts ----------------------------------------------------------------------------------


def test_contradicting_comparable_facts_are_one_conflict():
    a, b = fact("最高2800家", sources=("x",)), fact("超2800家", sources=("y",))
    assert conflicts([a, b]) == [(a, b)]
    assert conflicts(f for f in (a, b)) == [(a, b)]  # any iterable, read once
    assert conflicts([a]) == [] and conflicts(iter([])) == []


def test_agreeing_bounds_are_not_a_conflict_but_a_variant():
    both = [fact("约2400家", sources=("x",)), fact("超2400家", sources=("y",))]
    assert conflicts(both) == [] and contradicted(both) == []
    assert variants(both) == [(both[0], both[1])]  # 约2400 is bounded both sides: shown
    lower = [fact("突破4000亿元"), fact("突破4500亿元")]
    assert variants(lower) == [(lower[1], lower[0])]  # the tighter bound is the one shown
    assert conflicts([fact("2600余家"), fact("2600多家")]) == variants([fact("2600余家"), fact("2600多家")]) == []


def test_other_place_scope_or_year_is_not_a_conflict():
    base = fact("100家")
    assert conflicts([base, fact("200家", place="乙")]) == []
    assert conflicts([base, fact("200家", scope="other")]) == []
    assert conflicts([base, fact("200家", date="2025")]) == []


def test_each_contradicted_fact_is_paired_with_its_nearest_contradiction_once():
    one, two, three = fact("1家"), fact("2家"), fact("3家")
    # 1 against 3 follows from (1, 2) and (2, 3): pairs grow with the facts, not their square
    assert conflicts([one, two, three]) == [(one, two), (two, three)]
    again = fact("3家", sources=("t",))  # agrees with three: paired with 2 below it
    assert conflicts([one, two, three, again]) == [(one, two), (two, three), (two, again)]
    wide, inner = fact("2-10家"), fact("3-4家")
    low = fact("0-1家")
    # inner (3-4) contradicts low (0-1) though wide (2-10) lies between them: inner is still named
    assert set(map(frozenset, conflicts([low, wide, inner]))) == {frozenset((low, wide)), frozenset((low, inner))}
    assert contradicted([low, wide, inner]) == [low, wide, inner]


def test_conflicts_come_group_by_group_and_need_only_the_contradicted_facts():
    # Two groups whose facts interleave: 甲 2024 (a, c, e, f) and 乙 2024 (b, d); g can be compared
    # with nothing (2025), and f agrees with c.
    a, b, c = fact("1家", sources=("a",)), fact("5家", place="乙"), fact("2家", sources=("c",))
    d, e, f = fact("6家", place="乙"), fact("3家", sources=("e",)), fact("2家", sources=("f",))
    g = fact("9家", date="2025")
    everything = [g, a, b, c, d, e, f]
    assert conflicts(everything) == [(a, c), (c, e), (e, f), (b, d)]
    paired = contradicted(everything)
    assert paired == [a, b, c, d, e, f] and conflicts(paired) == conflicts(everything)


def test_conflict_pairs_are_ordered_by_date():
    late, early = fact("2家", date="2024"), fact("1家", date="2024-01")
    assert conflicts([late, early]) == [(early, late)]


def test_figures_of_one_year_but_different_moments_never_contradict():
    # 2400家 in 2024-03 and 2600家 at 2024-12-31 are growth; each still contradicts the year's figure
    march, year_end, year, day = (
        fact("2400家", date="2024-03"),
        fact("2600家", date="2024-12-31"),
        fact("2500家", date="2024"),
        fact("2300家", date="2024-03-15"),
    )
    assert conflicts([march, year_end]) == [] and contradicted([march, year_end]) == []
    assert contradicting(march, [march, year_end]) == []
    assert conflicts([march, year_end, year]) == [(march, year), (year_end, year)]
    assert conflicts([march, day]) == [(day, march)] and contradicting(day, [year_end, march]) == [march]
    assert conflicts([year_end, day]) == []


def test_contradicting_lists_the_facts_of_the_group_that_cannot_hold_with_one():
    one, two, bound, other_year = fact("1家"), fact("2家"), fact("超1家"), fact("5家", date="2025")
    assert contradicting(one, [one, two, bound, other_year]) == [two, bound]
    assert contradicting(two, [one, two, bound, other_year]) == [one]


def test_a_large_group_is_swept_not_paired():
    # 2,000 distinct figures in one group: 1,999 pairs, not 1,999,000
    many = [fact(f"{n}家") for n in range(2000)]
    assert len(conflicts(many)) == 1999 and len(contradicted(many)) == 2000


# --- headline -----------------------------------------------------------------------------------


def test_main_scope_before_a_later_fact_of_another_scope():
    main, other = fact(date="2023"), fact(scope="other", date="2025")
    assert headline([other, main], METRIC) is main


def test_latest_date_then_most_citations_win():
    old, new = fact(date="2023"), fact(date="2024")
    assert headline([new, old], METRIC) is new
    one, two = fact("1家"), fact("2家", sources=("a", "b"))
    assert headline([one, two], METRIC) is two


def test_of_agreeing_figures_of_one_date_the_tighter_bound_is_shown_whatever_the_citations():
    loose, tight = fact("突破4000亿元", sources=("a", "b")), fact("突破4500亿元")
    assert headline([loose, tight], METRIC) is tight
    # contradicting figures: the most cited stands
    cited, other = fact("1家", sources=("a", "b")), fact("2家")
    assert headline([other, cited], METRIC) is cited


def test_a_day_is_more_precise_than_its_year():
    year, day = fact("1家", date="2024"), fact("2家", date="2024-12-31")
    assert headline([year, day], METRIC) is day


def test_as_of_takes_the_latest_fact_at_or_before_the_point():
    facts = [fact("1家", date="2023"), fact("2家", date="2024-06"), fact("3家", date="2025")]
    assert headline(facts, METRIC, PartialDate("2024")) is facts[1]
    assert headline(facts, METRIC, PartialDate("2024-05")) is facts[0]
    assert headline(facts, METRIC, PartialDate("2022")) is None


def test_better_is_qualifier_aware_and_respects_direction():
    over, exact, about = fact("超2800家"), fact("2800家"), fact("约2800家")
    assert sorted([about, exact, over], key=lambda f: better(METRIC, f)) == [over, exact, about]
    lower = MetricDef("r", "排名", "rank", "rank", "", False, (), (), (ScopeDef("main", "主", "main"),))
    first, second = fact("第1", metric="r"), fact("第2", metric="r")
    assert sorted([second, first], key=lambda f: better(lower, f)) == [first, second]


# --- estimate -----------------------------------------------------------------------------------


def term(text, **extra):
    return Term(parse_figure(text), "year", "q", "s", **extra)


def programme(rate=None, cap=None, special=()):
    return Programme(
        "甲",
        "算力券",
        "券",
        "",
        None,
        None,
        "",
        None,
        term(rate) if rate else None,
        term(cap) if cap else None,
        tuple(special),
        "",
        (Citation("s", "q", ""),),
    )


def test_payout_is_rate_times_spend_within_the_cap():
    result = estimate(programme("50%", "最高100万元"), "voucher", Decimal(1_000_000))
    assert (result.code, result.payout, result.gross) == ("within_cap", Decimal(500_000), Decimal(500_000))


def test_payout_is_capped():
    result = estimate(programme("50%", "最高100万元"), "voucher", Decimal(3_000_000))
    assert (result.code, result.payout, result.gross) == ("capped", Decimal(1_000_000), Decimal(1_500_000))


def test_special_rate_replaces_the_rate_only_when_flagged():
    special = term("60%", applies_to="初创企业", flag="startup")
    offer = programme("50%", "最高1000万元", [special])
    assert estimate(offer, "voucher", Decimal(100), ["startup"]).payout == Decimal(60)
    assert estimate(offer, "voucher", Decimal(100), ["other"]).payout == Decimal(50)


def test_unknown_terms_are_never_zero():
    assert estimate(programme(cap="最高100万元"), "voucher", Decimal(100)).code == "rate_unknown"
    unknown_cap = estimate(programme("50%"), "voucher", Decimal(100))
    assert (unknown_cap.code, unknown_cap.payout, unknown_cap.gross) == ("cap_unknown", None, Decimal(50))


@pytest.mark.parametrize(
    ("rate", "spend", "code", "payout", "bound"),
    [
        ("50%", 1_000_000, "within_cap", 500_000, "exact"),
        ("50%", 3_000_000, "capped", 1_000_000, "exact"),
        ("最高50%", 1_000_000, "within_cap", 500_000, "upper"),  # the rate may be lower: so may the payout
        ("不超过50%", 3_000_000, "capped", 1_000_000, "upper"),  # a lower rate may stay under the cap
        ("约50%", 1_000_000, "within_cap", 500_000, "approx"),
        ("约50%", 3_000_000, "capped", 1_000_000, "approx"),
        ("超50%", 1_000_000, "within_cap", 500_000, "lower"),  # more than 50%: more than 50万
        ("超50%", 3_000_000, "capped", 1_000_000, "exact"),  # any rate above 50% hits the cap too
        ("不低于50%", 1_000_000, "within_cap", 500_000, "at_least"),
        ("不低于50%", 3_000_000, "capped", 1_000_000, "exact"),
        ("10-30%", 1_000_000, "within_cap", 100_000, "at_least"),  # a range's low end is used
        ("10-30%", 20_000_000, "capped", 1_000_000, "exact"),
        # rate × spend exactly at the cap: a rate above it cannot pay more than the cap
        ("超50%", 2_000_000, "within_cap", 1_000_000, "exact"),
        ("不低于50%", 2_000_000, "within_cap", 1_000_000, "exact"),
        ("10-30%", 10_000_000, "within_cap", 1_000_000, "exact"),
        ("最高50%", 2_000_000, "within_cap", 1_000_000, "upper"),
    ],
)
def test_the_payout_is_qualified_by_its_rate(rate, spend, code, payout, bound):
    result = estimate(programme(rate, "最高100万元"), "voucher", Decimal(spend))
    assert (result.code, result.payout, result.rate_bound, result.bound) == (
        code,
        Decimal(payout),
        parse_figure(rate).bound,
        bound,
    )


@pytest.mark.parametrize(
    ("rate", "cap", "spend", "code", "payout", "bound"),
    [
        ("50%", "不少于100万元", 3_000_000, "capped", 1_000_000, "at_least"),  # the cap may pay more
        ("50%", "100-200万元", 3_000_000, "capped", 1_000_000, "at_least"),
        ("超50%", "不少于100万元", 2_000_000, "within_cap", 1_000_000, "at_least"),
        ("不超过50%", "100-200万元", 3_000_000, "cap_unclear", None, None),  # up to 150万 or less: unknown
        ("约50%", "不少于100万元", 3_000_000, "cap_unclear", None, None),
        ("50%", "不少于100万元", 1_000_000, "within_cap", 500_000, "exact"),  # below the cap's least value
    ],
)
def test_a_cap_that_is_no_ceiling(rate, cap, spend, code, payout, bound):
    result = estimate(programme(rate, cap), "voucher", Decimal(spend))
    assert (result.code, result.payout, result.bound) == (code, None if payout is None else Decimal(payout), bound)


@pytest.mark.parametrize(
    ("rate", "cap", "spend", "code", "payout", "bound"),
    [
        ("50%", "约100万元", 3_000_000, "capped", 1_000_000, "approx"),
        ("50%", "100万元", 3_000_000, "capped", 1_000_000, "exact"),
        ("50%", "约100万元", 1_900_000, "within_cap", 950_000, "approx"),  # the real cap may be lower
        ("最高50%", "约100万元", 1_900_000, "within_cap", 950_000, "upper"),  # at most 95万 whatever the cap
        ("最高50%", "约100万元", 3_000_000, "cap_unclear", None, None),  # at most about 100万: unsayable
        ("超50%", "约100万元", 3_000_000, "cap_unclear", None, None),
        ("50%", "不到100万元", 3_000_000, "capped", 1_000_000, "upper"),  # less than 100万
        ("50%", "不到100万元", 1_000_000, "within_cap", 500_000, "upper"),
        ("不低于50%", "不到100万元", 1_000_000, "cap_unclear", None, None),
    ],
)
def test_a_cap_of_about_or_less_than_x_is_no_exact_ceiling(rate, cap, spend, code, payout, bound):
    result = estimate(programme(rate, cap), "voucher", Decimal(spend))
    assert (result.code, result.payout, result.bound) == (code, None if payout is None else Decimal(payout), bound)


def test_no_payout_has_no_bound():
    assert estimate(programme("最高50%"), "voucher", Decimal(100)).bound is None  # cap unknown
    assert estimate(programme(cap="最高100万元"), "voucher", Decimal(100)).bound is None


def test_a_fund_never_gets_an_estimate():
    result = estimate(programme("50%", "最高100万元"), "fund", Decimal(100))
    assert (result.code, result.payout) == ("fund", None)


def test_as_of_knows_a_target_from_when_it_was_set():
    set_early = fact("1家", kind="target", date="2027", set_on="2025-03")
    unknown = fact("2家", kind="target", date="2028")  # no set_on: always counted
    assert headline([set_early], METRIC, PartialDate("2025")) is set_early
    assert headline([set_early], METRIC, PartialDate("2024")) is None
    assert headline([unknown], METRIC, PartialDate("2020")) is unknown


def test_undecided_is_any_overlap_with_a_different_interval():
    q = [parse_figure(v) for v in ("100家", "约105家", "110家", "90家", "90家", "超110家", "不到90家")]
    assert undecided(q) == [True, True, True, False, False, True, False]  # 超110 may lie below 约105
    assert undecided([parse_figure("2400家"), parse_figure("约2400家")]) == [True, True]
    # which: only these figures, each still against every figure (110家 alone is decided)
    assert undecided(q, [2, 3, 0]) == [True, False, True]
    assert undecided(q[2:3], [0]) == [False]


def test_contradicted_and_conflicts_agree_with_every_pair_of_the_same_time():
    import random

    from cityai_cli.core.figures.rules import same_time

    rng = random.Random(7)
    dates = ["2024", "2024-03", "2024-06", "2024-03-15", "2024-03-20", "2024-06-01"]
    shapes = ["{}家", "超{}家", "约{}家", "不到{}家", "{}余家", "最高{}家"]
    for _ in range(200):
        group = [
            fact(rng.choice(shapes).format(rng.randint(90, 110)), date=rng.choice(dates))
            for _ in range(rng.randint(2, 7))
        ]
        truth = [
            f
            for f in group
            if any(g is not f and same_time(f.date, g.date) and not can_both_hold(f.value, g.value) for g in group)
        ]
        assert contradicted(group) == truth
        assert {id(f) for pair in conflicts(group) for f in pair} == {id(f) for f in truth}
        assert all(same_time(a.date, b.date) and not can_both_hold(a.value, b.value) for a, b in conflicts(group))


def test_the_window_reaches_past_the_last_representable_year_without_failing():
    # 9950 + 1200 months is year 10050, beyond datetime.date: rank --window 1200 raised ValueError
    import datetime

    assert add_months(datetime.date(9950, 12, 31), 1200) == datetime.date.max
    assert within_window(PartialDate("9950"), PartialDate("9999-06"), 1200)
    assert not within_window(PartialDate("9950"), PartialDate("9999-06"), 12)
