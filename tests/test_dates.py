"""dates.PartialDate: dates known to the year, month or day, and periods (issue 22: 2020—2024年间)."""

import json

import pytest

from cityai_cli.core.figures.dates import PartialDate, span
from cityai_cli.core.figures.rules import same_time


def test_a_period_orders_and_is_known_by_its_end_and_starts_at_its_start():
    period = PartialDate.parse_span("2020/2024")
    assert (period.is_period, period.start, period.end, period.year) == (True, "2020", "2024", 2024)
    assert period.sort_key() == PartialDate.parse("2024").sort_key() == (2024, 12, 31, 0)
    assert period.start_key() == (2020, 1, 1)
    assert not period.at_or_before(PartialDate.parse("2023-12"))
    assert period.at_or_before(PartialDate.parse("2024"))
    assert sorted(["2024-06", "2020/2024", "2023"], key=lambda d: PartialDate.parse_span(d).sort_key()) == [
        "2023",
        "2024-06",
        "2020/2024",
    ]


def test_an_option_or_field_of_one_date_takes_no_period():
    with pytest.raises(ValueError) as caught:
        PartialDate.parse("2020/2024")
    assert str(caught.value) == 'expected a date such as "2024", "2024-12" or "2024-12-31", got \'2020/2024\''


def test_a_date_is_its_own_start_and_end():
    date = PartialDate.parse("2024-12")
    assert (date.is_period, date.start, date.end, date.year, date.start_key()) == (
        False,
        "2024-12",
        "2024-12",
        2024,
        (2024, 12, 1),
    )


@pytest.mark.parametrize(
    "raw, message",
    [
        ("2024/2020", "the period '2024/2020' must end after it starts"),
        ("2024/2024", "the period '2024/2024' must end after it starts"),
        (
            "2020/2022/2024",
            'expected a date such as "2024", "2024-12" or "2024-12-31", or a period such as "2020/2024", '
            "got '2020/2022/2024'",
        ),
        (
            "2020/",
            'expected a date such as "2024", "2024-12" or "2024-12-31", or a period such as "2020/2024", got \'2020/\'',
        ),
        ("2020-02-30/2021", "'2020-02-30/2021' is not a real date"),
    ],
)
def test_bad_periods_are_refused(raw, message):
    with pytest.raises(ValueError) as caught:
        PartialDate.parse_span(raw)
    assert str(caught.value) == message


BASE = """schema_version = 2
[metrics.patents]
zh = "专利转化率"
en = "patent conversion"
dimension = "ratio"
unit = "%"
scopes.all = { zh = "全部", en = "all" }
[sources.s]
file = "s.txt"
publisher = "p"
title = "t"
published = "2025"
[places."甲市"]
level = "city"
[[places."甲市".facts]]
metric = "patents"
scope = "all"
kind = "actual"
value = "43%"
date = "2020/2024"
date_basis = "stated"
citations = [{ source = "s", quote = "2020—2024年间专利转化率43%" }]
[places."乙市"]
level = "city"
[[places."乙市".facts]]
metric = "patents"
scope = "all"
kind = "actual"
value = "40%"
date = "2024"
date_basis = "stated"
citations = [{ source = "s", quote = "专利转化率40%" }]
"""


def test_rank_and_as_of_read_a_period_by_its_end(cli, tmp_path):
    (tmp_path / "b.toml").write_text(BASE, encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "s.txt").write_text("2020—2024年间专利转化率43%。专利转化率40%。\n", encoding="utf-8")
    rows = json.loads(cli("rank", "--by", "patents", "--data", str(tmp_path / "b.toml"), "-f", "json").stdout)
    assert [(r["place"], r["text"], r["date"]) for r in rows if r["text"]] == [
        ("甲市", "43%", "2020/2024"),
        ("乙市", "40%", "2024"),
    ]
    before = json.loads(
        cli("rank", "--by", "patents", "--as-of", "2023", "--data", str(tmp_path / "b.toml"), "-f", "json").stdout
    )
    assert [r["place"] for r in before if r["text"]] == []


def test_only_a_fact_s_date_may_be_a_period(cli, tmp_path):
    text = BASE.replace('published = "2025"', 'published = "2024/2025"')
    (tmp_path / "b.toml").write_text(text, encoding="utf-8")
    result = cli("validate", str(tmp_path / "b.toml"))
    assert result.code == 1
    assert "'2024/2025' is a period: only a fact's date may cover one; write one date" in result.stdout


def test_the_time_rule_reads_a_period_by_its_end():
    from cityai_cli.core.figures.rules import date_span, within_window

    period = PartialDate.parse_span("2020/2024")
    assert date_span(period) == date_span(PartialDate.parse("2024"))
    assert within_window(period, PartialDate.parse("2025-06"))
    assert not within_window(period, PartialDate.parse("2022"))


def test_full_width_digits_are_read_as_ascii():
    # an IME's ２０２４ was kept as typed: a string that prefixes, sorts and prints unlike 2024, so
    # "２０２４" and "2024-03" were not of the same time and deadlines sorted after every other
    date = PartialDate.parse("２０２４－０３")
    assert date == "2024-03" and date.isascii()
    assert same_time(PartialDate.parse("２０２４"), PartialDate.parse("2024-03-15"))


@pytest.mark.parametrize(
    "date, expected",
    [
        ("2024", ("year", "2024-01-01", "2024-12-31")),
        ("2024-02", ("month", "2024-02-01", "2024-02-29")),
        ("2023-02", ("month", "2023-02-01", "2023-02-28")),
        ("2024-12", ("month", "2024-12-01", "2024-12-31")),
        ("2025-03-17", ("day", "2025-03-17", "2025-03-17")),
        ("2020/2024", ("period", "2020-01-01", "2024-12-31")),
        ("2024-03/2024-09-15", ("period", "2024-03-01", "2024-09-15")),
    ],
)
def test_span(date, expected):
    assert span(date) == expected


def test_bounds_are_dates_and_a_period_runs_from_its_start_to_its_end():
    import datetime as dt

    from cityai_cli.core.figures.dates import bounds

    assert bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert bounds("2020/2024-06") == (dt.date(2020, 1, 1), dt.date(2024, 6, 30))


def test_days_in_month_is_the_calendars():
    import calendar

    from cityai_cli.core.figures.dates import days_in_month

    years = [1, 1900, 2000, 2023, 2024, 2100, 9999]
    assert [days_in_month(y, m) for y in years for m in range(1, 13)] == [
        calendar.monthrange(y, m)[1] for y in years for m in range(1, 13)
    ]
    assert (days_in_month(2024, 2), days_in_month(2023, 2), days_in_month(1900, 2)) == (29, 28, 28)
