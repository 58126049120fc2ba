"""The view layer: both languages, machine keys that never change, figures never split."""

import re

import pytest

from cityai_cli.core.figures.dates import PartialDate
from cityai_cli.core.figures.quantity import parse_figure
from cityai_cli.core.query.compare import compare
from cityai_cli.core.query.conflicts import list_conflicts
from cityai_cli.core.query.listings import (
    list_metrics,
    list_places,
    list_policies,
    list_sources,
    list_types,
    show_place,
)
from cityai_cli.core.query.rank import rank
from cityai_cli.core.query.subsidies import list_programmes
from cityai_cli.core.query.targets import list_targets
from cityai_cli.render import Options, render
from cityai_cli.view import view
from cityai_cli.view.names import date, figure
from cityai_cli.view.words import WORDS
from conftest import MINI

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def test_every_word_exists_in_both_languages():
    assert set(WORDS["zh"]) == set(WORDS["en"])


@pytest.mark.parametrize(
    "text, zh, en",
    [
        ("超2800家", "超2800家", "over 2,800"),
        ("3600亿元", "3600亿元", "CNY 360 bn"),
        ("约35%", "约35%", "about 35%"),
        ("最高100万元", "最高100万元", "up to CNY 1 m"),
        ("1.7万亿元", "1.7万亿元", "CNY 1.7 tn"),
        ("不少于10项", "不少于10项", "at least 10"),
        ("80EFLOPS", "80EFLOPS", "80 EFLOPS"),
        ("第一", "第1", "No. 1"),
        ("3-5个", "3-5个", "3 to 5"),
        ("近200个", "近200个", "nearly 200"),
        ("20%以上", "20%以上", "20% or more"),
        ("不到一半", "不到一半", "under 50%"),
        ("约200个", "约200个", "about 200"),
        ("将近3000亿元", "近3000亿元", "nearly CNY 300 bn"),
    ],
)
def test_figures_read_as_each_language_expects(text, zh, en):
    quantity = parse_figure(text)
    assert (figure(quantity, "zh"), figure(quantity, "en")) == (zh, en)


def test_figures_that_share_a_number_read_apart_in_any_order():
    # The wording of a figure is remembered per quantity: the same number with another qualifier,
    # unit or literal is another figure, whichever was shown first.
    texts = ["2800家", "超2800家", "约2800家", "2800个", "第2800", "2800万元", "最高2800万元"]
    zh = ["2800家", "超2800家", "约2800家", "2800个", "第2800", "2800万元", "最高2800万元"]
    en = ["2,800", "over 2,800", "about 2,800", "2,800", "No. 2,800", "CNY 28 m", "up to CNY 28 m"]
    for order in (texts, texts[::-1]):
        shown = {t: (figure(parse_figure(t), "zh"), figure(parse_figure(t), "en")) for t in order}
        assert [shown[t] for t in texts] == list(zip(zh, en))


def test_a_date_shows_its_basis():
    assert (date("2024", "stated"), date("2025-03", "published"), date("2024", "inferred"), date(None, None)) == (
        "2024",
        "2025-03*",
        "2024~",
        "—",
    )


def results(base):
    return [
        rank(base, "ai_enterprises", level=None),
        rank(base, "industry_scale"),
        compare(base, ["甲", "乙", "丁"]),
        list_targets(base),
        list_conflicts(base),
        list_programmes(base, spend=parse_figure("300万元").value),
        list_programmes(base, funds=True),
        list_places(base),
        show_place(base, "甲"),
        list_policies(base),
        list_sources(base),
        list_metrics(base),
        list_types(base),
    ]


@pytest.mark.parametrize("index", range(13))
def test_machine_keys_do_not_change_with_the_language(mini, index):
    result = results(mini.base)[index]
    zh, en = view(mini.base, result, "zh"), view(mini.base, result, "en")
    assert [[c.key for c in t.columns] for t in zh.tables] == [[c.key for c in t.columns] for t in en.tables]
    for fmt in ("csv", "json"):
        first_zh = render(zh, fmt).splitlines()[0]
        first_en = render(en, fmt).splitlines()[0]
        assert first_zh == first_en


def test_english_compare_and_rank_tables_have_no_chinese(mini):
    for result in (
        compare(mini.base, ["甲", "乙", "丁"]),
        rank(mini.base, "industry_scale"),
        rank(mini.base, "ai_enterprises", level=None),
    ):
        text = render(view(mini.base, result, "en"), "table", Options(width=120))
        assert CJK.findall(text) == []


def test_english_rank_reads_in_english(mini):
    text = render(view(mini.base, rank(mini.base, "industry_scale"), "en"), "table", Options(width=120))
    lines = [line.rstrip() for line in text.splitlines()]
    assert lines[0] == "industry scale · city · 2 ranked (within 12 months), 1 unranked, 0 without the figure"
    delta = next(line for line in lines if "Delta" in line)
    assert re.sub(r"\s+", " ", delta).strip() == "— Delta CNY 500 bn [2] 2024 core AI industry [3]"
    assert lines[-2:] == ["[1] mini  [2] mini-late", "[3] different scope"]


def test_rank_marks_a_publication_date_and_explains_it(mini):
    text = render(view(mini.base, rank(mini.base, "ai_enterprises"), "zh"), "table", Options(width=120))
    assert "2025-04-01*" in text
    assert "* 发布日期代替原文“目前/现”等" in text


def test_as_of_is_in_the_title(mini):
    report = view(mini.base, rank(mini.base, "industry_scale", as_of=PartialDate("2024")), "en")
    assert report.tables[0].title.endswith(" · as of 2024")


def test_compare_csv_is_one_rectangular_table(mini):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(render(view(mini.base, compare(mini.base, ["甲", "乙"]), "en"), "csv"))))
    assert len({len(row) for row in rows}) == 1
    assert rows[0][:3] == ["metric", "kind", "metric_label"] and "table" not in rows[0]
    assert rows[0][3:8] == ["jia_value", "jia_value_max", "jia_unit", "jia_bound", "jia_text"]


def test_flags_are_codes_in_json_and_words_in_the_table(mini):
    import json

    report = view(mini.base, compare(mini.base, ["甲", "丁"], ["industry_scale"]), "en")
    data = json.loads(render(report, "json"))
    assert data[0]["flags"] == [{"code": "different_scope", "places": {"甲": "ai_industry", "丁": "ai_core_industry"}}]
    assert data[0]["notes"] == "different scope: Alpha AI industry; Delta core AI industry"


def _figures_whole(text: str, report, paths: str = "") -> list:
    """Every figure, date or id (a word with a digit) of a shown cell that is not on one line of
    the output: whole words of never-split columns, and figure tokens inside prose. A file path
    (part of `paths`, with a slash) is not a figure: a long checkout path may fold, as it must at
    40 columns."""
    from cityai_cli.render.table_format import _tokens

    lines = text.splitlines()
    broken = []
    for table in report.tables:
        for column in table.columns:
            if not column.in_table:
                continue
            for row in table.rows:
                shown = column.show(row)
                words = (
                    re.split(r"[ \n]+", shown) if column.atomic else [t for p in shown.split("\n") for t in _tokens(p)]
                )
                for word in words:
                    if "/" in word and word in paths:
                        continue
                    if any(ch.isdigit() for ch in word) and not any(word in line for line in lines):
                        broken.append(word)
    return broken


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [40, 48, 56, 64, 72, 80, 88, 96, 100, 110, 120, 140])
def test_no_figure_date_or_id_is_split_at_any_width(mini, lang, width):
    for result in results(mini.base):
        report = view(mini.base, result, lang)
        text = render(report, "table", Options(width=width))
        assert _figures_whole(text, report, paths=str(mini.path.resolve())) == [], (result.name, width)
        assert max(len(line.rstrip()) for line in text.splitlines()) <= width or lang == "zh"


@pytest.mark.parametrize("term", ["dumb", "xterm-256color"])
def test_a_coloured_table_keeps_its_width_on_any_terminal(mini, monkeypatch, term):
    """Rich measures a TERM=dumb terminal as 80 columns unless given a height: a table laid out
    for 140 columns was squeezed into 80, its short cells folded one character per line."""
    monkeypatch.setenv("TERM", term)
    text = render(view(mini.base, list_places(mini.base, None), "zh"), "table", Options(width=140, color=True))
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip() for line in text.splitlines()]
    assert plain[1].split() == ["地区", "级别", "省份", "区域", "人工智能企业数", "产业规模", "智能算力规模", "数据"]
    assert max(len(line) for line in plain) > 80


@pytest.mark.parametrize("n, en", [(0, "0 funds"), (1, "1 fund"), (2, "2 funds")])
def test_english_counts_agree_with_their_noun(n, en):
    from cityai_cli.view.words import word

    assert word("en", "t.funds", n=n) == en
    assert word("zh", "t.funds", n=n) == f"{n}个基金"


def test_legend_explains_each_mark_the_rows_carry_in_any_date_basis_field():
    from cityai_cli.view import legend

    published, inferred = WORDS["en"]["legend.published"], WORDS["en"]["legend.inferred"]
    assert legend([{"date_basis": "stated"}, {"date_basis": None}], "en") == ""
    # a prefixed field counts, rows need not share their fields, and published comes first
    rows = [{"place": "甲", "a_date_basis": "inferred"}, {"place": "乙", "b_date_basis": "published", "note": "x"}]
    assert legend(rows, "en") == f"{published}  {inferred}"
    assert legend([{"basis": "published", "date_basis": "stated"}], "en") == ""  # only *date_basis fields
    assert legend([], "en") == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["metrics", "types", "sources", "places"])
def test_an_empty_listing_says_so_in_the_chosen_language(mini, name, lang):
    from cityai_cli.core.query.common import Result

    (table,) = view(mini.base, Result(name, [], {"metrics": []}), lang).tables
    assert (table.rows, table.empty, table.caption) == ([], WORDS[lang]["empty"], "")


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_english_amounts_rates_and_payouts_stay_whole_in_a_table(mini, width):
    # "CNY 1.5 m" is three words: glued in table cells, it never wraps as "CNY 1.5" / "m"
    from decimal import Decimal

    from cityai_cli.view.names import GLUE

    report = view(mini.base, list_programmes(mini.base, spend=Decimal(3_000_000)), "en")
    lines = render(report, "table", Options(width=width)).replace(GLUE, " ").splitlines()
    for amount in ("up to CNY 1 m", "up to 50%", "CNY 3 m", "CNY 1.5 m", "up to CNY 2 m"):
        assert any(amount in line for line in lines), amount


def test_an_english_number_that_does_not_end_reads_to_two_decimals():
    from decimal import Decimal

    from cityai_cli.view.names import number_en

    third = parse_figure("约1/3")
    assert figure(third, "en") == "about 33.33%" and figure(third, "zh") == "约1/3"
    assert number_en(Decimal(2) / Decimal(3), "ratio", "ratio") == "66.67%"
    # what sources write, however many decimals, reads exactly
    assert number_en(Decimal("6172839.5"), "money", "CNY") == "CNY 6.1728395 m"
    assert number_en(Decimal("0.12345678"), "number", "") == "0.12345678"


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("zh", " (该指标数据见于: 市 --level city, 区 --level district)"),
        ("en", " (figures exist for: --level city, --level district)"),
    ],
)
def test_an_empty_rank_names_the_levels_with_the_figure_in_the_language(mini, lang, hint):
    title = view(mini.base, rank(mini.base, "ai_enterprises", level="province"), lang).tables[0].title
    assert title.endswith(hint)


def test_the_level_option_accepts_every_level_a_hint_can_name():
    # the hint writes --level VALUE for each level with the figure: each is a value --level takes
    import typing

    from cityai_cli.cli.shell import Level
    from cityai_cli.core.base.schema import Level as PlaceLevel

    assert set(typing.get_args(PlaceLevel)) <= {level.value for level in Level}


@pytest.mark.parametrize(
    ("bound", "zh", "en"),
    [
        ("upper", "最高150万元", "up to 150万元"),
        ("approx", "约150万元", "about 150万元"),
        ("lower", "超150万元", "over 150万元"),
        ("at_least", "不低于150万元", "at least 150万元"),
        ("range", "不低于150万元", "at least 150万元"),
        ("exact", "150万元", "150万元"),
        (None, "150万元", "150万元"),
    ],
)
def test_a_computed_amount_reads_with_its_bound(bound, zh, en):
    # a range's low end (the rate used of 10-30%) is at least it
    from cityai_cli.view.names import qualified

    assert (qualified("150万元", bound, "zh"), qualified("150万元", bound, "en")) == (zh, en)


@pytest.mark.parametrize("width", range(40, 62))
@pytest.mark.parametrize(
    ("types", "top", "expected"),
    [
        (["算力券"], None, "1 subsidy programme · compute voucher · spend CNY 1.5 m"),
        ([], 1, "3 subsidy programmes · spend CNY 1.5 m · top 1"),
    ],
)
def test_a_title_folds_between_words_and_keeps_its_figures_whole(mini, width, types, top, expected):
    from decimal import Decimal

    from cityai_cli.view.names import GLUE

    report = view(mini.base, list_programmes(mini.base, types, spend=Decimal(1_500_000), top=top), "en")
    lines = render(report, "table", Options(width=width)).replace(GLUE, " ").splitlines()
    title = lines[: next(i for i, line in enumerate(lines) if not line.strip() or line.startswith("─"))]
    assert " ".join(line.strip() for line in title) == expected
    assert any("CNY 1.5 m" in line for line in title)
    assert max(len(line.rstrip()) for line in title) <= width


def test_a_title_word_wider_than_the_table_is_folded_not_cut(mini):
    long = "Averyveryverylongplacenamewithoutanyspacesatallthatgoesonandon"  # 62 characters
    from cityai_cli.core.records import PlaceDef

    places = dict(mini.base.places)
    old = places["甲"]
    places["甲"] = PlaceDef(*[long if name == "english" else getattr(old, name) for name in PlaceDef._fields])
    base = mini.base.replace(places=places)
    for width in (40, 50):
        text = render(view(base, compare(base, ["甲", "乙"]), "en"), "table", Options(width=width))
        assert long in "".join(line.strip() for line in text.splitlines()[:4]), width
        assert max(len(line.rstrip()) for line in text.splitlines()) <= width


def test_rank_footnotes_and_no_data_line_on_the_small_base(mini):
    text = render(view(mini.base, rank(mini.base, "compute_capacity"), "zh"), "table", Options(width=80))
    assert [line.rstrip() for line in text.splitlines()] == [
        "智能算力规模 · 市 · 1个可比排名(12个月内), 1个未排名, 1个无数据",
        "#  地区  数值          日期         口径              说明",
        "─" * 58,
        "1  甲    30EFLOPS [1]  2025-04-01*  全市智能算力",
        "—  乙    20EFLOPS [1]  2025         实时可用智能算力  [2]",
        "* 发布日期代替原文“目前/现”等",
        "[1] mini-late",
        "[2] 口径不同",
        "无数据 (1): 丁",
    ]
    english = render(view(mini.base, rank(mini.base, "compute_capacity"), "en"), "table", Options(width=80))
    assert english.splitlines()[-3:] == ["[1] mini-late", "[2] different scope", "No data (1): Delta"]


def test_rank_all_lists_places_without_the_figure_as_rows(cli):
    shown = cli("rank", "--by", "智能算力规模", "--all", "-f", "table", "--width", "80", "--data", str(MINI)).stdout
    assert "—  丁    —" in shown and "无数据 (" not in shown
    default = cli("rank", "--by", "智能算力规模", "-f", "table", "--width", "80", "--data", str(MINI)).stdout
    assert "—  丁" not in default and default.splitlines()[-1] == "无数据 (1): 丁"
    machine = cli("rank", "--by", "智能算力规模", "-f", "csv", "--data", str(MINI)).stdout
    assert machine.splitlines()[-1].startswith(",丁,丁,city,")  # CSV keeps the row


# --- messages of coded errors (view/messages.py) ---------------------------------------------------


def _coded(code, **params):
    from cityai_cli.core.errors import UsageError

    return UsageError("default", code=code, params=params)


def test_an_unknown_names_suggestions_read_in_the_language():
    from cityai_cli.view.messages import usage_message

    error = _coded(
        "name.unknown",
        kind="place",
        text="Chengdx",
        listing="places",
        suggestions=[("常州", "Changzhou"), ("中国", "China")],
    )
    assert usage_message(error, "en") == (
        "unknown place 'Chengdx'; see cityai list --level all (did you mean: Changzhou, China?)"
    )
    assert (
        usage_message(error, "zh") == "unknown place 'Chengdx'; see cityai list --level all (did you mean: 常州, 中国?)"
    )


def test_an_ambiguous_name_in_english_shows_what_to_type():
    from cityai_cli.view.messages import usage_message

    error = _coded("name.ambiguous", kind="place", text="Taizhou", names=[("台州", "Taizhou"), ("泰州", "Taizhou")])
    assert usage_message(error, "en") == (
        "place 'Taizhou' is ambiguous: it names 台州 (Taizhou), 泰州 (Taizhou); use the Chinese name"
    )
    assert usage_message(error, "zh") == "place 'Taizhou' is ambiguous: it names 台州, 泰州; use the Chinese name"


def test_a_place_without_figures_says_how_to_add_a_document():
    from cityai_cli.view.messages import usage_message

    error = _coded("place.no_figures", text="Chengdu", places=[("成都", "Chengdu")])
    assert usage_message(error, "en") == (
        "成都 (Chengdu) has no figures in the knowledge base yet; to add a document about it: cityai sources add FILE"
        " --id ID --title TITLE --publisher NAME --published DATE --data my.toml, then cityai extract FILE"
        " --format toml and paste its facts into my.toml"
    )
    assert usage_message(error, "zh") == (
        "成都 (Chengdu) 在知识库中尚无数据; 添加一份有关文件: cityai sources add FILE --id ID --title 标题"
        " --publisher 发布者 --published 日期 --data my.toml, 再用 cityai extract FILE --format toml 把候选数据加入 my.toml"
    )


@pytest.mark.parametrize(
    "code, params, message",
    [
        (
            "cite.no_figure",
            {"place": "丙", "metric": "industry_scale"},
            "丙 has no industry_scale figure; cityai show 丙 lists its facts",
        ),
        (
            "cite.no_programme",
            {"name": "券", "suggestions": ["算力券"]},
            "no programme named '券'; cityai subsidies and cityai funds list them (did you mean: 算力券?)",
        ),
        (
            "cite.no_programme",
            {"name": "x", "suggestions": []},
            "no programme named 'x'; cityai subsidies and cityai funds list them",
        ),
        ("extract.no_source_id", {"file": "...txt"}, "cannot derive a source id from '...txt'; give --source ID"),
        (
            "source.bad_id",
            {"field": "source", "id": "A\x1b"},
            "--source 'A\\x1b': use lower-case letters, digits, - and _ (at most 100), e.g. xinhua-2025-06",
        ),
        ("source.empty", {"field": "title"}, "--title needs a value"),
        ("source.not_utf8", {"field": "publisher"}, "--publisher is not valid UTF-8 text"),
        (
            "source.control",
            {"field": "url", "codepoint": 0x202E},
            "--url contains the control or invisible character U+202E",
        ),
        ("source.bad_date", {"reason": "'2025-13' is not a real date"}, "--published: '2025-13' is not a real date"),
        (
            "source.bundled",
            {},
            "sources add writes into your own knowledge base: give --data FILE (the bundled one is read-only)",
        ),
        ("source.exists", {"id": "s", "base": "my.toml"}, "source 's' already exists in my.toml; choose another --id"),
        (
            "source.exists",
            {"id": "s", "base": ""},
            "source 's' already exists in the bundled base; choose another --id",
        ),
        ("source.seed_differs", {"seed": "seeds/s.txt"}, "seeds/s.txt exists with other content; choose another --id"),
    ],
)
def test_a_core_fact_is_worded_with_what_to_type(code, params, message):
    # the core names no command or flag (tests/test_core_messages.py): the view adds them, alike in zh and en
    from cityai_cli.view.messages import usage_message

    assert usage_message(_coded(code, **params), "zh") == usage_message(_coded(code, **params), "en") == message


def test_a_coded_problem_is_worded_after_its_file():
    from cityai_cli.core.errors import DataError, Problem
    from cityai_cli.view.messages import problem_lines

    error = DataError(
        [
            Problem("out.sqlite3", "already exists", code="export.exists"),
            Problem("my.toml", "would be 9 bytes", code="source.base_full", params={"size": 9000, "limit": 8000}),
            Problem("k.toml", "invalid TOML", 3),
        ]
    )
    assert problem_lines(error, "en") == [
        "out.sqlite3: already exists; add --force to overwrite it",
        "my.toml: would be 9,000 bytes; a knowledge base may be at most 8,000 bytes (start another file and use --with for both)",
        "k.toml:3: invalid TOML",
    ]
    assert error.lines()[0] == "out.sqlite3: already exists"  # the core's own words name no flag


def test_a_message_without_a_code_is_the_cores():
    from cityai_cli.core.errors import UsageError
    from cityai_cli.view.messages import usage_message

    assert usage_message(UsageError("bad \x1b", ["x"]), "en") == "bad \\x1b (did you mean: x?)"


def test_compare_names_metrics_no_place_has_under_the_table(cli):
    args = ("compare", "丙", "丁", "--metric", "智能算力规模", "-f", "table", "--width", "80", "--data", str(MINI))
    lines = [line.rstrip() for line in cli(*args).stdout.splitlines()]
    assert lines[-1] == "无数据 (1): 智能算力规模"
    assert [line.split()[0] for line in lines[3:-2]] == ["智能算力规模"]  # the forecast row alone
    every = cli(*args, "--all").stdout
    assert "均无数据" in every and "无数据 (" not in every
    english = cli(*args, "--lang", "en").stdout.splitlines()
    assert english[-1] == "No data (1): compute capacity"


def _cells(text):
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]


@pytest.mark.parametrize(
    "lang, older, title",
    [
        ("zh", "较早(2024), 未排名", "人工智能企业数 · 全部级别 · 1个可比排名(3个月内), 3个未排名, 1个无数据"),
        (
            "en",
            "older (2024), unranked",
            "AI enterprises · all levels · 1 ranked (within 3 months), 3 unranked, 1 without the figure",
        ),
    ],
)
def test_older_figures_are_marked_with_their_year_and_the_title_names_the_window(mini, lang, older, title):
    text = render(view(mini.base, rank(mini.base, "ai_enterprises", level=None, window=3), lang), "markdown", Options())
    assert text.splitlines()[0] == "### " + title
    assert older in text  # 甲's and 乙's 2024-12-31: more than 3 months before 丁's 2025-04-01


def test_a_tie_the_bounds_cannot_break_is_worded_in_both_languages(mini):
    figures = {"超2800家": "2500家", "2600余家": "约2500家"}
    base = mini.base.replace(
        facts=[
            f.replace(value=parse_figure(figures[f.value.text])) if f.value.text in figures else f
            for f in mini.base.facts
        ]
    )
    zh = render(view(base, rank(base, "ai_enterprises"), "zh"), "markdown", Options())
    assert "| 1 | 甲 | 2500家 | 2024-12-31 | 人工智能企业 | mini | 并列: 区间重叠, 无法分出先后 |" in zh
    en = render(view(base, compare(base, ["甲", "乙"]), "en"), "markdown", Options())
    assert "the bounds of Alpha, Beta overlap: no order" in en


def test_dates_that_differ_and_variants_are_worded(mini):
    en = render(view(mini.base, compare(mini.base, ["甲", "丁"]), "en"), "markdown", Options())
    assert "dates differ: Alpha 2024-12-31; Delta 2025-04-01" in en
    zh = render(view(mini.base, list_conflicts(mini.base, everything=True), "zh"), "markdown", Options())
    assert zh.splitlines()[0] == "### 0处来源不一致, 1处写法不同但可同时成立" and "可同时成立 |" in zh
    en = render(view(mini.base, list_conflicts(mini.base, everything=True), "en"), "markdown", Options())
    assert en.splitlines()[0] == "### 0 disagreements between sources, 1 consistent variant"


def test_targets_show_met_where_a_ratio_means_nothing(mini):
    from cityai_cli.core.records import MetricDef

    # compute capacity made a rate-like metric: 30EFLOPS against 突破100EFLOPS is not met
    metrics = dict(mini.base.metrics)
    m = metrics["compute_capacity"]
    metrics["compute_capacity"] = MetricDef(m.key, m.zh, m.en, "ratio", m.unit, True, m.aliases, m.keywords, m.scopes)
    base = mini.base.replace(metrics=metrics)
    for lang, word_ in (("zh", "未达成"), ("en", "not yet met")):
        text = render(view(base, list_targets(base, ["甲"]), lang), "markdown", Options())
        assert text.rstrip().endswith(f"| {word_} |"), text


def test_the_conflicts_view_leaves_rows_made_as_they_are_written_unmade(mini):
    # CSV and JSON print no title and no legend: nothing counts the rows before they are written.
    from cityai_cli.core.query.common import Result, Rows

    made = []

    def make():
        made.append(1)
        return iter([])

    rows = Rows(make)
    report = view(mini.base, Result("conflicts", rows, {"places": None, "all": True}), "zh")
    assert (made, report.tables[0].rows, report.tables[0].caption) == ([], rows, "")


M = str(MINI)


def test_as_of_is_said_in_the_title(cli):
    out = cli("rank", "--by", "compute_capacity", "--as-of", "2025", "--data", M, "-f", "markdown").stdout
    assert out.splitlines()[0] == "### 智能算力规模 · 市 · 1个可比排名(12个月内), 1个未排名, 1个无数据 · 截至2025"
    assert cli("rank", "--by", "compute_capacity", "--as-of", "2025-13", "--data", M).code == 2


def test_two_places_without_figures_have_none():
    from cityai_cli.view.messages import usage_message

    error = _coded("place.no_figures", text="吉林", places=[("吉林", "Jilin"), ("吉林市", "Jilin City")])
    assert usage_message(error, "en").startswith(
        "吉林 (Jilin), 吉林市 (Jilin City) have no figures in the knowledge base yet; to add a document"
    )


def test_english_programme_candidates_read_in_english(mini):
    # extract --lang en printed the terms as written (1亿元/年, 最高30%, 合同额) beside English labels
    from cityai_cli.core.extract.candidates import extract_candidates

    text = (
        "甲市每年发放1亿元算力券，给予核定合同额最高30%的补贴，对初创企业提高资助比例至60%，单家企业每年最高200万元。"
    )
    result = extract_candidates(mini.base, text, None)
    shown = {}
    for lang in ("zh", "en"):
        table = view(mini.base, result, lang).tables[1]
        shown[lang] = [
            {c.key: c.show(row).replace("\xa0", " ") for c in table.columns if c.in_table} for row in table.rows
        ]
    assert shown["zh"] == [
        {
            "place_label": "甲",
            "type": "算力券",
            "date": "—",
            "pool": "1亿元/年",
            "rate": "最高30%",
            "rate_basis": "合同额",
            "special_rates": "初创企业: 最高60%",
            "cap": "最高200万元/年",
            "known": "是",
        }
    ]
    assert shown["en"] == [
        {
            "place_label": "Alpha",
            "type": "compute voucher",
            "date": "—",
            "pool": "CNY 100 m a year",
            "rate": "up to 30%",
            "rate_basis": "contract value",
            "special_rates": "初创企业: up to 60%",
            "cap": "up to CNY 2 m a year",
            "known": "yes",
        }
    ]
