"""`targets`: every stated target with its deadline, and how far the latest actual figure is.

Progress is shown only when the actual figure has the same scope and unit as the target;
otherwise it is left empty with the reason, because 2600余家 人工智能企业 says nothing about a
target for 相关企业.
"""
from __future__ import annotations

from decimal import Decimal
from typing import List, Optional

from ..models import KnowledgeBase
from ..report import Column, Record, Report, Table, count
from .figures import figure_fields, headline


def list_targets(kb: KnowledgeBase, places: Optional[List[str]] = None, metric: Optional[str] = None) -> Report:
    rows: List[Record] = []
    for name, place in kb.places.items():
        if places and name not in places:
            continue
        for target in place.figures:
            if target.kind != "target" or (metric and target.metric != metric):
                continue
            actual, _ = headline(kb, name, target.metric)
            row: Record = {"place": name, "metric": target.metric, "metric_zh": kb.metrics[target.metric].zh,
                           **figure_fields(target), "deadline": target.deadline, "set_on": target.as_of,
                           **figure_fields(actual, "actual_"), "progress": None, "progress_note": ""}
            if actual is None:
                row["progress_note"] = "no actual figure"
            elif actual.scope != target.scope:
                row["progress_note"] = f"actual figure has another scope ({actual.scope or 'unstated'})"
            elif target.value.value:
                row["progress"] = (actual.value.value / target.value.value).quantize(Decimal("0.0001"))
            rows.append(row)
    rows.sort(key=lambda r: (str(r["deadline"] or r["date"]), r["place"], r["metric"]))
    columns = [Column("place", "地区"), Column("metric", "metric", in_table=False), Column("metric_zh", "指标"),
               Column("value", "value", "number", in_table=False), Column("value_max", "value_max", "number", in_table=False),
               Column("unit", "unit", in_table=False), Column("qualifier", "qualifier", in_table=False),
               Column("display", "目标"), Column("date", "date", in_table=False), Column("deadline", "期限"),
               Column("set_on", "提出", in_table=False), Column("scope", "口径"), Column("source", "来源"),
               Column("actual_value", "actual_value", "number", in_table=False),
               Column("actual_value_max", "actual_value_max", "number", in_table=False),
               Column("actual_unit", "actual_unit", in_table=False), Column("actual_qualifier", "actual_qualifier", in_table=False),
               Column("actual_display", "最新实际", cell=_actual), Column("actual_date", "actual_date", in_table=False),
               Column("actual_scope", "actual_scope", in_table=False), Column("actual_source", "actual_source", in_table=False),
               Column("progress", "完成度", "number", cell=_progress), Column("progress_note", "说明", in_table=False)]
    return Report([Table("targets", count(len(rows), "target"), columns, rows)])


def _actual(record: Record) -> str:
    return f"{record['actual_display']} ({record['actual_date']})" if record["actual_display"] else "—"


def _progress(record: Record) -> str:
    if record["progress"] is None:
        return record["progress_note"] or "—"
    return f"{record['progress'] * 100:.0f}%"
