"""rank: only comparable figures are ranked; the rest say why; places without the figure last."""

from decimal import Decimal

from cityai_cli.core.figures.dates import PartialDate
from cityai_cli.core.query.rank import rank


def summary(result):
    return [(r["rank"], r["place"], r["text"], r["comparable"], r["reason"]) for r in result.rows]


def test_another_scope_is_listed_unranked_even_when_larger(mini):
    # 丁's 5000亿 is 核心产业: never ranked above 乙's and 甲's 人工智能产业
    assert summary(rank(mini.base, "industry_scale")) == [
        (1, "乙", "突破4000亿元", True, None),
        (2, "甲", "3600亿元", True, None),
        (None, "丁", "5000亿元", False, "different_scope"),
    ]


def test_targets_outside_the_window_are_not_ranked_and_forecasts_are_not_targets(mini):
    # deadlines 2027 and 2026: within 12 months, not within 0
    assert summary(rank(mini.base, "compute_capacity", kind="target")) == [
        (1, "甲", "突破100EFLOPS", True, None),
        (2, "乙", "50EFLOPS", True, None),
        (None, "丁", None, None, None),
    ]
    assert summary(rank(mini.base, "compute_capacity", kind="target", window=0)) == [
        (1, "甲", "突破100EFLOPS", True, None),
        (None, "乙", "50EFLOPS", False, "outside_window"),
        (None, "丁", None, None, None),
    ]
    assert summary(rank(mini.base, "compute_capacity", kind="forecast")) == [
        (1, "丁", "200EFLOPS", True, None),
        (None, "乙", None, None, None),
        (None, "甲", None, None, None),
    ]


def test_reference_is_the_newest_figure_of_the_scope_most_places_share(mini):
    # 丁's 1200家 (2025-04-01) is the newest of scope ai: 甲 and 乙 (2024-12-31) are 3 months older
    result = rank(mini.base, "ai_enterprises", level=None)
    assert summary(result) == [
        (1, "甲", "超2800家", True, None),
        (2, "乙", "约2400家", True, None),
        (3, "丁", "1200家", True, None),
        (None, "丙", "约3000家", False, "different_scope"),
        (None, "测区", None, None, None),
    ]
    assert (result.meta["window"], result.meta["newest"]) == (12, "2025-04-01")
    # 2024-12-31 + 3 months is 2025-03-31, a day short of 2025-04-01: 4 months hold them, 3 do not
    assert [r["rank"] for r in rank(mini.base, "ai_enterprises", level=None, window=4).rows][:3] == [1, 2, 3]
    assert summary(rank(mini.base, "ai_enterprises", level=None, window=3))[:3] == [
        (1, "丁", "1200家", True, None),
        (None, "甲", "超2800家", False, "outside_window"),
        (None, "乙", "约2400家", False, "outside_window"),
    ]


def test_machine_fields_carry_scope_kind_date_basis_and_citations(mini):
    row = rank(mini.base, "ai_enterprises").rows[1]
    assert {
        k: row[k] for k in ("place", "value", "unit", "bound", "scope", "kind", "date", "date_basis", "sources")
    } == {
        "place": "乙",
        "value": Decimal(2400),
        "unit": "count",
        "bound": "approx",
        "scope": "ai",
        "kind": "actual",
        "date": "2024-12-31",
        "date_basis": "stated",
        "sources": ["mini", "mini-late"],
    }
    assert row["citations"] == [
        {"source": "mini", "quote": "乙市人工智能企业约2400家", "value": "约2400家", "note": None},
        {"source": "mini-late", "quote": "再版补充:乙市人工智能企业约2400家", "value": "约2400家", "note": None},
    ]


def test_a_contradicting_source_is_attached_to_the_row(mini, contradicting):
    from cityai_cli.core.base.load import load

    row = rank(load(contradicting).base, "ai_enterprises").rows[0]
    assert [(c["text"], c["date"], c["sources"]) for c in row["conflicts"]] == [("2600家", "2024-12-31", ["mini-late"])]
    # 超2800家 and 2600余家 can both hold: nothing attached
    assert rank(mini.base, "ai_enterprises").rows[0]["conflicts"] is None


def test_figures_the_bounds_cannot_order_share_a_rank_and_say_so(tmp_path):
    from cityai_cli.core.base.load import load
    from conftest import MINI

    # 乙 约2400家 (2280..2520) against 甲 2500家: neither certainly beats the other
    text = MINI.read_text(encoding="utf-8").replace('value = "超2800家"', 'value = "2500家"')
    (tmp_path / "seeds").mkdir()
    seed = (MINI.parent / "seeds" / "mini.txt").read_text(encoding="utf-8").replace("超2800家", "2500家")
    (tmp_path / "seeds" / "mini.txt").write_text(seed, encoding="utf-8")
    (tmp_path / "t.toml").write_text(text.replace("企业超2800家", "企业2500家"), encoding="utf-8")
    rows = rank(load(tmp_path / "t.toml").base, "ai_enterprises", level=None).rows
    assert [(r["rank"], r["place"], r["text"], r["tie"]) for r in rows][:3] == [
        (1, "甲", "2500家", "bounds"),
        (1, "乙", "约2400家", "bounds"),
        (3, "丁", "1200家", None),
    ]


def test_top_cuts_and_region_filters(mini):
    assert [r["place"] for r in rank(mini.base, "industry_scale", top=1).rows] == ["乙"]
    assert [r["place"] for r in rank(mini.base, "industry_scale", region="测区").rows] == ["乙", "甲"]


def test_as_of_uses_facts_dated_at_or_before(mini):
    rows = rank(mini.base, "compute_capacity", as_of=PartialDate("2024")).rows
    assert [r["text"] for r in rows] == [None, None, None]
    assert [(r["place"], r["text"]) for r in rank(mini.base, "compute_capacity", as_of=PartialDate("2025")).rows] == [
        ("甲", "30EFLOPS"),
        ("乙", "20EFLOPS"),
        ("丁", None),
    ]
    # "2025" is known at the end of 2025: not yet in June
    assert [
        (r["place"], r["text"]) for r in rank(mini.base, "compute_capacity", as_of=PartialDate("2025-06")).rows
    ] == [("甲", "30EFLOPS"), ("丁", None), ("乙", None)]


def test_an_empty_level_names_the_levels_that_have_the_figure(mini):
    meta = rank(mini.base, "ai_enterprises", level="province").meta
    assert (meta["with_figure"], meta["levels_with_figure"]) == (0, ["city", "district"])
    # the level asked for is never named, and --as-of counts only what was known by then
    assert rank(mini.base, "industry_scale", level="district").meta["levels_with_figure"] == ["city"]
    assert (
        rank(mini.base, "industry_scale", level="district", as_of=PartialDate("2024-06")).meta["levels_with_figure"]
        == []
    )
    assert rank(mini.base, "industry_scale", level="city", as_of=PartialDate("2020")).meta["levels_with_figure"] == []


def test_equal_figures_share_a_rank_and_the_next_skips(mini):
    base = mini.base.replace(
        facts=[
            f.replace(value=mini.base.facts[2].value) if f.metric == "industry_scale" else f for f in mini.base.facts
        ]
    )
    assert [(r["rank"], r["place"]) for r in rank(base, "industry_scale").rows][:2] == [(1, "乙"), (1, "甲")]


def test_equal_figures_share_a_rank_and_top_counts_rows(tmp_path):
    from cityai_cli.core.base.load import load
    from conftest import MINI

    text = MINI.read_text(encoding="utf-8").replace('value = "突破4000亿元"', 'value = "3600亿元"', 1)
    (tmp_path / "tied.toml").write_text(
        text.replace('quote = "产业规模突破4000亿元"', 'quote = "产业规模3600亿元"', 1), encoding="utf-8"
    )
    base = load(tmp_path / "tied.toml").base
    assert summary(rank(base, "industry_scale")) == [
        (1, "乙", "3600亿元", True, None),
        (1, "甲", "3600亿元", True, None),
        (None, "丁", "5000亿元", False, "different_scope"),
    ]
    assert summary(rank(base, "industry_scale", top=2)) == summary(rank(base, "industry_scale"))[:2]
    assert (
        summary(rank(base, "ai_enterprises", level=None, top=3))
        == summary(rank(base, "ai_enterprises", level=None))[:3]
    )


def test_ranked_figures_are_comparable_with_each_other_whatever_the_order_of_places(tmp_path):
    # "2025" ends with 2025-12-31 but starts a year before it: anchored on the year, 2025-01-01 was
    # ranked against 2025-12-31 under --window 0, and only when "2025"'s place came first.
    from cityai_cli.core.base.load import load
    from cityai_cli.core.figures.rules import comparable
    from conftest import one_metric_base

    spec = {"A": ("A", "100家", "2025-01-01"), "B": ("B", "200家", "2025"), "C": ("C", "300家", "2025-12-31")}
    for number, order in enumerate((["A", "B", "C"], ["C", "B", "A"])):
        (tmp_path / str(number)).mkdir()
        base = load(one_metric_base(tmp_path / str(number), [spec[k] for k in order])).base
        rows = rank(base, "ai_enterprises", window=0).rows
        assert [(r["rank"], r["place"], r["reason"]) for r in rows] == [
            (1, "C", None),
            (2, "B", None),
            (None, "A", "outside_window"),
        ]
        ranked = [f for f in base.facts if f.place in ("B", "C")]
        assert all(comparable(a, b, 0) is None for a in ranked for b in ranked)


def _tied(tmp_path, *more: tuple):
    """A base of figures the bounds cannot all order (约105家 may lie below 100家), and `more`."""
    from cityai_cli.core.base.load import load
    from conftest import one_metric_base

    tied = [("A", "100家", "2025"), ("B", "约105家", "2025"), ("C", "110家", "2025")]
    return load(one_metric_base(tmp_path, [*tied, ("D", "90家", "2025"), ("E", "90家", "2025"), *more])).base


def test_a_figure_the_bounds_cannot_order_against_another_rank_says_tied(tmp_path):
    # 约105家 (99.75..110.25) may lie below 100家: A's row is as tied as B's, though their ranks differ
    rows = rank(_tied(tmp_path), "ai_enterprises").rows
    assert [(r["rank"], r["place"], r["tie"]) for r in rows] == [
        (1, "C", "bounds"),
        (1, "B", "bounds"),
        (2, "A", "bounds"),
        (4, "D", "equal"),
        (4, "E", "equal"),
    ]


def test_every_top_is_the_first_rows_of_the_whole_ranking(tmp_path):
    # rank --top sorts and tells apart only the rows it prints (groups of a shared rank whole): a
    # cut inside a tie of equal figures (D, E), inside a tie of bounds (C, B, A: 约105 may lie
    # below 100), before unranked rows (F: outside the window) and places without the figure.
    more = [("G", "约80家", "2025"), ("H", "83家", "2025"), ("F", "500家", "2020"), ("I", "70家", "2025", "ai_related")]
    base = _tied(tmp_path, *more)
    whole = rank(base, "ai_enterprises").rows
    assert [(r["rank"], r["place"], r["tie"], r["reason"]) for r in whole] == [
        (1, "C", "bounds", None),
        (1, "B", "bounds", None),
        (2, "A", "bounds", None),
        (4, "D", "equal", None),
        (4, "E", "equal", None),
        (6, "H", "bounds", None),
        (6, "G", "bounds", None),
        (None, "F", None, "outside_window"),
        (None, "I", None, "different_scope"),
    ]
    for top in range(1, len(whole) + 2):
        assert rank(base, "ai_enterprises", top=top).rows == whole[:top], top


def test_the_anchor_is_the_newest_of_the_figures_ranked_also_those_taken_from_another_scope(tmp_path):
    # X's headline is in the main scope; its figure in the reference scope (2026-06) was compared
    # with an anchor chosen before it was taken (P, 2025-06): Q (2024-07) was ranked beside it,
    # 23 months apart, and R (2025-01) 17 months apart.
    from cityai_cli.core.base.load import load
    from conftest import one_metric_base

    base = load(
        one_metric_base(
            tmp_path,
            [
                ("P", "100家", "2025-06", "ai_related"),
                ("Q", "200家", "2024-07", "ai_related"),
                ("R", "300家", "2025-01", "ai_related"),
                ("X", "50家", "2025", "ai"),
                ("X", "400家", "2026-06", "ai_related"),
            ],
        )
    ).base
    rows = rank(base, "ai_enterprises").rows
    assert [(r["rank"], r["place"], r["date"], r["reason"]) for r in rows] == [
        (1, "X", "2026-06", None),
        (2, "P", "2025-06", None),
        (None, "R", "2025-01", "outside_window"),
        (None, "Q", "2024-07", "outside_window"),
    ]
    assert rows[0]["scope"] == "ai_related" and rank(base, "ai_enterprises").meta["newest"] == "2026-06"
