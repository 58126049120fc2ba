"""compare: one row per metric, leader only where comparable, everything else flagged."""
from decimal import Decimal

from cityai_cli.query.compare import compare


def rows(mini, *names, metrics=None):
    return {(r["metric"], r["kind"]): r for r in compare(mini.kb, list(names), metrics).tables[0].rows}


def test_comparable_row_marks_the_leader(mini):
    row = rows(mini, "甲", "乙")[("industry_scale", "actual")]
    assert row["jia_value"] == Decimal(360000000000) and row["yi_value"] == Decimal(400000000000)
    assert (row["jia_display"], row["yi_display"]) == ("3600亿元", "突破4000亿元")
    assert (row["jia_leader"], row["yi_leader"], row["leader"], row["flags"]) == (False, True, "乙", "")


def test_disagreeing_sources_are_flagged_not_hidden(mini):
    row = rows(mini, "甲", "乙")[("ai_enterprises", "actual")]
    # The later-published source's figure headlines; the other is named in the flags.
    assert (row["jia_display"], row["jia_source"]) == ("2600余家", "mini-late")
    assert row["flags"] == "甲: mini gives 超2800家 (2024-12-31)"
    assert row["leader"] == "甲"


def test_different_scope_and_year_get_no_leader(mini):
    row = rows(mini, "甲", "丙")[("ai_enterprises", "actual")]
    assert row["leader"] is None
    assert row["flags"] == ("different year: 甲 2024; 丙 2025; different scope: 甲 人工智能企业; 丙 人工智能相关企业; "
                            "甲: mini gives 超2800家 (2024-12-31)")


def test_targets_are_their_own_rows(mini):
    row = rows(mini, "甲", "乙")[("compute_capacity", "target")]
    assert (row["jia_display"], row["jia_date"], row["yi_display"], row["flags"]) == ("突破100EFLOPS", "2027", None, "only 甲")


def test_metrics_option_chooses_rows(mini):
    assert list(rows(mini, "甲", "乙", metrics=["industry_scale"])) == [("industry_scale", "actual"), ("industry_scale", "target")]


def test_subsidies_of_the_compared_places_come_along(mini):
    report = compare(mini.kb, ["甲", "乙"])
    assert [t.name for t in report.tables] == ["metrics", "subsidies"]
    assert [r["name"] for r in report.tables[1].rows] == ["乙市模型券", "甲市算力券"]


def test_places_without_figures_say_where_to_look(project):
    table = compare(project.kb, ["苏州", "南京"]).tables[0]
    assert table.rows == []
    assert table.empty == "no figures for 苏州 or 南京; cityai show 苏州 lists its policy documents"
