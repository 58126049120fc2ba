"""lint rules pinned on small terms (issue 22: a special rate that raises a ceiling keeps it)."""

import hashlib
import shutil

import pytest

from cityai_cli.core.base.lint import _uncarried_ceiling
from cityai_cli.core.base.schema import SpecialRate, Term
from conftest import FIXTURES, MINI, assert_clean_failure, write_base


def special(value, quote):
    return SpecialRate(value=value, quote=quote, applies_to="初创企业", flag="startup")


@pytest.mark.parametrize(
    "rate, value, quote, expected",
    [
        ("不超过50%", "60%", "对初创企业提高资助比例至60%", "不超过60%"),
        ("最高40%", "60%", "初创企业提升至 60%", "最高60%"),
        ("不超過50%", "60%", "對初創(chuàng)企業(yè)提高資助比例至60%", "不超过60%"),
        ("不超过50%", "不超过60%", "对初创企业提高资助比例至60%", ""),  # carried already
        ("50%", "60%", "对初创企业提高资助比例至60%", ""),  # the rate raised is exact
        ("不超过50%", "60%", "初创企业可按60%", ""),  # a rate of its own, not a raise
    ],
)
def test_a_special_rate_that_raises_a_ceiling_keeps_it(rate, value, quote, expected):
    assert _uncarried_ceiling(Term(value=rate, quote="q"), special(value, quote)) == expected


@pytest.mark.parametrize(
    "a, b, agree",
    [
        ("约2400家", "超2400家", True),  # one count written two ways: about 2400, more than 2400
        ("2600余家", "2600多家", True),
        ("约2400家", "2400家", True),
        ("超2400家", "不到2400家", False),  # more than and less than: not both
        ("超2800家", "2600余家", False),
        ("约2400家", "约2400个", False),  # another unit
    ],
)
def test_two_writings_of_one_figure(a, b, agree):
    from cityai_cli.core.base.lint import _agree
    from cityai_cli.core.figures.quantity import parse_figure

    assert _agree(parse_figure(a), parse_figure(b)) is agree
    assert _agree(parse_figure(b), parse_figure(a)) is agree


def test_a_fund_has_no_eligibility(cli, tmp_path):
    """Issue 22: eligibility holds who may claim, not how a fund invests (lint)."""
    from test_dates import BASE

    text = (
        BASE
        + """[subsidy_types."基金"]
en = "fund"
category = "fund"
[[places."甲市".programmes]]
type = "基金"
name = "甲市基金"
eligibility = "投早、投小"
citations = [{ source = "s", quote = "专利转化率40%" }]
"""
    )
    (tmp_path / "b.toml").write_text(text, encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "s.txt").write_text("2020—2024年间专利转化率43%。专利转化率40%。\n", encoding="utf-8")
    result = cli("validate", str(tmp_path / "b.toml"))
    assert result.code == 1
    assert result.stdout.splitlines()[0].endswith(
        "places.甲市.programmes[0].eligibility: a fund is claimed by no one: eligibility says who may claim; "
        "say how it invests in note"
    )


MINI_TEXT = MINI.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "value, quote, found",
    [
        ("超2800家", "人工智能企业超2800家", True),
        ("超28家", "人工智能企业超2800家", False),
        ("超280家", "人工智能企业超2800家", False),
        ("800家", "人工智能企业超2800家", False),
        ("2800家", "企业1.2800家", False),
        ("800家", "企业2,800家", False),
        ("2,800家", "企业2,800家", True),
        ("2800家", "企业2,800家", True),
        ("2家", "企业2.5家", False),
        ("1.7万亿元", "规模1.7万亿元", True),
        ("1.7万元", "规模1.7万亿元", False),
        ("100元", "规模100万元", False),
        ("九成", "占比九成", True),
        ("九家", "企业九十家", False),
        ("十家", "企业九十家", False),
        ("五家", "企业五家、另有十五家", True),
    ],
)
def test_number_in_quote_at_number_boundaries(value, quote, found):
    from cityai_cli.core.base.lint import number_in_quote
    from cityai_cli.core.figures.quantity import parse_figure

    assert number_in_quote(parse_figure(value), quote) is found


def test_validate_catches_a_shortened_number(cli, here):
    (here / "seeds").mkdir()
    (here / "seeds" / "mini.txt").write_bytes((MINI.parent / "seeds" / "mini.txt").read_bytes())
    (here / "base.toml").write_text(MINI_TEXT.replace('value = "超2800家"', 'value = "超28家"'), encoding="utf-8")
    result = cli("validate", "base.toml")
    assert result.code == 1
    assert result.stdout == (
        "base.toml:81: places.甲.facts[0].citations[0].quote: number '28' of '超28家' does not "
        "occur in the quote '甲市现有人工智能企业超2800家'\nbase.toml: 1 problem\n"
    )


def test_metrics_may_not_share_an_alias(cli, here):
    text = (
        MINI.read_text(encoding="utf-8")
        .replace('unit = "元"\n', 'unit = "元"\naliases = ["规模"]\n')
        .replace('unit = "PFLOPS"\n', 'unit = "PFLOPS"\naliases = ["规模"]\n')
    )
    write_base(here, "twice.toml", text)
    result = cli("list", "--data", "twice.toml")
    assert_clean_failure(
        result,
        1,
        "Error: twice.toml:24: metrics.compute_capacity: metric name or alias '规模' also names 'industry_scale'\n",
    )


@pytest.fixture
def own(tmp_path, monkeypatch):
    """A user's own base: the mini fixture and its seeds in a temporary directory."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "mini.toml", tmp_path / "my.toml")
    shutil.copytree(FIXTURES / "seeds", tmp_path / "seeds")
    return tmp_path


def test_an_edited_seed_is_caught(cli, own):
    text = (
        (own / "my.toml")
        .read_text(encoding="utf-8")
        .replace(
            'file = "mini.txt"\npublisher = "测试"\ntitle = "三城数据"\n',
            'file = "mini.txt"\npublisher = "测试"\ntitle = "三城数据"\nsha256 = "' + "0" * 64 + '"\n',
        )
    )
    (own / "my.toml").write_text(text, encoding="utf-8")
    digest = hashlib.sha256((own / "seeds" / "mini.txt").read_bytes()).hexdigest()
    result = cli("validate", "my.toml")
    assert result.code == 1
    assert (
        result.stdout.splitlines()[0]
        == f"my.toml:52: sources.mini.sha256: mini.txt has changed since it was recorded (its SHA-256 is {digest})"
    )


def _english_names_base(tmp_path, places: str):
    from test_dates import BASE

    (tmp_path / "b.toml").write_text(BASE + places, encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "s.txt").write_text("2020—2024年间专利转化率43%。专利转化率40%。\n", encoding="utf-8")
    return str(tmp_path / "b.toml")


@pytest.mark.parametrize(
    "place, line",
    [
        (
            '[places."京城"]\nlevel = "city"\nenglish = "Beijing"\n',
            "places.京城: reads 'Beijing' in English, as '北京' does; give it its own English name",
        ),
        (
            '[places."Beijing"]\nlevel = "city"\n',
            "places.Beijing: reads 'Beijing' in English, as '北京' does; give it its own English name",
        ),
    ],
)
def test_a_place_cannot_borrow_another_places_english_name(cli, tmp_path, place, line):
    # a layer's 京城 (or "Beijing") read "Beijing" in English tables: two Beijings, one with 9000家
    path = _english_names_base(tmp_path, '[places."北京"]\nlevel = "city"\nenglish = "Beijing"\n' + place)
    result = cli("validate", path)
    assert result.code == 1
    assert [text.split(": ", 1)[1] for text in result.stdout.splitlines()[:-1]] == [line]


def test_places_the_gazetteer_names_alike_may_share_an_english_name(cli, tmp_path):
    path = _english_names_base(
        tmp_path,
        '[places."台州"]\nlevel = "city"\nenglish = "Taizhou"\n[places."泰州"]\nlevel = "city"\nenglish = "Taizhou"\n',
    )
    result = cli("validate", path)
    assert (result.code, result.stdout.splitlines()[-1].endswith("every quote found in its source (1 document)")) == (
        0,
        True,
    )


@pytest.mark.parametrize(
    "kind, date, problem",
    [
        (
            "actual",
            "2099-12-31",
            "places.甲市.facts[0].date: an actual figure dated 2099-12-31 begins after its sources were "
            "published (by 2025): a figure still to come is a target or a forecast",
        ),
        (
            "actual",
            "2026",
            "places.甲市.facts[0].date: an actual figure dated 2026 begins after its sources were "
            "published (by 2025): a figure still to come is a target or a forecast",
        ),
        ("actual", "2025-12-31", None),  # within the year the source was published
        ("target", "2099-12-31", None),
    ],
)
def test_an_actual_figure_cannot_begin_after_its_sources(cli, tmp_path, kind, date, problem):
    # a layer's actual 超9000家 dated 2099 became the newest figure: rank left every real one unranked
    from test_dates import BASE

    text = BASE.replace(
        'kind = "actual"\nvalue = "43%"\ndate = "2020/2024"', f'kind = "{kind}"\nvalue = "43%"\ndate = "{date}"'
    )
    assert text != BASE
    (tmp_path / "b.toml").write_text(text, encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "s.txt").write_text("2020—2024年间专利转化率43%。专利转化率40%。\n", encoding="utf-8")
    result = cli("validate", str(tmp_path / "b.toml"))
    found = [line.split(": ", 1)[1] for line in result.stdout.splitlines()[:-1]]
    assert (result.code, found) == ((1, [problem]) if problem else (0, []))


@pytest.mark.parametrize(
    "value, problem",
    [
        ("1.5家", "places.甲市.facts[0].value: '1.5家' is no whole number of 家: a count is whole"),
        ("3-4.5家", "places.甲市.facts[0].value: '3-4.5家' is no whole number of 家: a count is whole"),
        ("1.2万家", None),  # 12,000
    ],
)
def test_a_count_is_a_whole_number(cli, tmp_path, value, problem):
    # 1.5家 and 0.0000001家 validated and were ranked
    from test_dates import BASE

    text = (
        BASE.replace('dimension = "ratio"\nunit = "%"', 'dimension = "count"\nunit = "家"')
        .replace('value = "43%"', f'value = "{value}"')
        .replace("2020—2024年间专利转化率43%", f"甲市企业{value}")
    )
    (tmp_path / "b.toml").write_text(
        text.replace('value = "40%"', 'value = "40家"').replace("专利转化率40%", "企业40家"), encoding="utf-8"
    )
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "s.txt").write_text(f"甲市企业{value}。企业40家。\n", encoding="utf-8")
    result = cli("validate", str(tmp_path / "b.toml"))
    found = [line.split(": ", 1)[1] for line in result.stdout.splitlines()[:-1]]
    assert (result.code, found) == ((1, [problem]) if problem else (0, []))
