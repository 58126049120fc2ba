"""`conflicts`: where sources disagree about the same thing, so that nobody picks one silently.

Two figures conflict when they are for the same place, metric, kind and scope, come from
different sources, refer to dates within a year of each other, and differ in value or qualifier.
"""
from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from typing import List, Optional

from ..models import KnowledgeBase
from ..report import Column, Record, Report, Table, count


def list_conflicts(kb: KnowledgeBase, places: Optional[List[str]] = None) -> Report:
    rows: List[Record] = []
    for name, place in kb.places.items():
        if places and name not in places:
            continue
        for first, second in combinations(place.figures, 2):
            same_thing = (first.metric, first.kind, first.scope) == (second.metric, second.kind, second.scope)
            if not same_thing or first.source == second.source:
                continue
            if abs(first.refers_to.year - second.refers_to.year) > 1:
                continue
            if (first.value.value, first.value.qualifier) == (second.value.value, second.value.qualifier):
                continue
            a, b = sorted((first, second), key=lambda f: f.refers_to.sort_key())
            larger = max(a.value.value, b.value.value)
            rows.append({
                "place": name, "metric": a.metric, "metric_zh": kb.metrics[a.metric].zh, "kind": a.kind,
                "scope": a.scope, "unit": a.value.unit,
                "a_value": a.value.value, "a_display": a.value.display(), "a_date": str(a.refers_to), "a_source": a.source,
                "a_quote": a.quote,
                "b_value": b.value.value, "b_display": b.value.display(), "b_date": str(b.refers_to), "b_source": b.source,
                "b_quote": b.quote,
                "difference": (abs(a.value.value - b.value.value) / larger).quantize(Decimal("0.0001")) if larger else None,
            })
    columns = [Column("place", "地区"), Column("metric", "metric", in_table=False), Column("metric_zh", "指标"),
               Column("kind", "kind", in_table=False), Column("scope", "口径"), Column("unit", "unit", in_table=False)]
    for side in ("a", "b"):
        columns += [Column(f"{side}_value", f"{side}_value", "number", in_table=False),
                    Column(f"{side}_display", side.upper(), cell=_side(side)),
                    Column(f"{side}_date", f"{side}_date", in_table=False),
                    Column(f"{side}_source", f"{side}_source", in_table=False),
                    Column(f"{side}_quote", f"{side}_quote", in_table=False)]
    columns.append(Column("difference", "相差", "number", cell=lambda r: f"{r['difference'] * 100:.0f}%"
                          if r["difference"] is not None else "—"))
    return Report([Table("conflicts", count(len(rows), "disagreement") + " between sources", columns, rows)])


def _side(side: str):
    def cell(record: Record) -> str:
        return f"{record[f'{side}_display']} ({record[f'{side}_date']}, {record[f'{side}_source']})"
    return cell
