"""targets (with progress where scopes agree) and conflicts (sources that disagree)."""
from decimal import Decimal

from cityai_cli.query.conflicts import list_conflicts
from cityai_cli.query.targets import list_targets


def test_target_without_actual_says_so(mini):
    (row,) = list_targets(mini.kb).tables[0].rows
    assert (row["place"], row["display"], row["deadline"], row["progress"], row["progress_note"]) == (
        "甲", "突破100EFLOPS", "2027", None, "no actual figure")


def test_progress_against_the_latest_actual_of_the_same_scope(mini):
    kb = mini.kb
    place = kb.places["甲"]
    target = place.figures[0].model_copy(update={"kind": "target", "deadline": "2026", "value": place.figures[0].value.__class__(
        "3200家", Decimal(3200), "家", "count", "", None, "3200")})
    patched = kb.model_copy(update={"places": {**kb.places, "甲": place.model_copy(update={"figures": [*place.figures, target]})}})
    rows = {r["metric"]: r for r in list_targets(patched).tables[0].rows}
    assert (rows["ai_enterprises"]["actual_display"], rows["ai_enterprises"]["progress"]) == ("2600余家", Decimal("0.8125"))


def test_targets_filter_by_place_and_metric(mini):
    assert list_targets(mini.kb, places=["乙"]).tables[0].rows == []
    assert list_targets(mini.kb, metric="industry_scale").tables[0].rows == []


def test_conflicts_pair_disagreeing_sources(mini):
    (row,) = list_conflicts(mini.kb).tables[0].rows
    assert {k: row[k] for k in ("place", "metric", "scope", "a_display", "a_source", "b_display", "b_source", "difference")} == {
        "place": "甲", "metric": "ai_enterprises", "scope": "人工智能企业", "a_display": "超2800家", "a_source": "mini",
        "b_display": "2600余家", "b_source": "mini-late", "difference": Decimal("0.0714")}


def test_project_conflicts_include_the_documented_disagreements(project):
    pairs = {(r["place"], r["metric"], r["a_display"], r["b_display"]) for r in list_conflicts(project.kb).tables[0].rows}
    assert ("上海", "industry_scale", "突破4500亿元", "突破4000亿元") in pairs
    assert ("深圳", "ai_enterprises", "超2800家", "2600余家") in pairs
