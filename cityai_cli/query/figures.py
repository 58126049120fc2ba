"""Shared figure logic: which figure headlines a place's metric, and its record fields."""
from __future__ import annotations

from typing import List, Optional, Tuple

from ..models import Figure, KnowledgeBase
from ..report import Column, Record


def figures_for(kb: KnowledgeBase, place: str, metric: str, kind: str = "actual") -> List[Figure]:
    return [f for f in kb.places[place].figures if f.metric == metric and f.kind == kind]


def headline(kb: KnowledgeBase, place: str, metric: str, kind: str = "actual") -> Tuple[Optional[Figure], List[Figure]]:
    """The figure to show for a place's metric, and the figures other sources give for it.

    Latest date wins; at the same date the most recently published source wins. Another source's
    figure of the same scope, within a year, with another value, is returned as a conflict, so
    that callers flag it instead of silently preferring one (深圳: 超2800家 vs 2600余家).
    """
    candidates = figures_for(kb, place, metric, kind)
    if not candidates:
        return None, []
    def key(figure: Figure):
        return (figure.refers_to.sort_key(), kb.sources[figure.source].published.sort_key())
    best = max(candidates, key=key)
    conflicts = [f for f in candidates if f.source != best.source and f.scope == best.scope
                 and abs(f.refers_to.year - best.refers_to.year) <= 1
                 and (f.value.value, f.value.qualifier) != (best.value.value, best.value.qualifier)]
    return best, conflicts


def figure_fields(figure: Optional[Figure], prefix: str = "") -> Record:
    """The machine-readable fields of one figure (all None when there is no figure)."""
    names = ["value", "value_max", "unit", "qualifier", "display", "date", "scope", "source"]
    if figure is None:
        return {prefix + name: None for name in names}
    quantity = figure.value
    return {
        prefix + "value": quantity.value, prefix + "value_max": quantity.upper,
        prefix + "unit": quantity.unit, prefix + "qualifier": quantity.qualifier,
        prefix + "display": quantity.display(), prefix + "date": str(figure.refers_to),
        prefix + "scope": figure.scope, prefix + "source": figure.source,
    }


def figure_record(kb: KnowledgeBase, place: str, figure: Figure) -> Record:
    metric = kb.metrics[figure.metric]
    return {"place": place, "metric": figure.metric, "metric_zh": metric.zh, "kind": figure.kind,
            **figure_fields(figure), "as_of": figure.as_of, "deadline": figure.deadline,
            "text": figure.value.text, "quote": figure.quote, "note": figure.note}


def figure_columns(with_quotes: bool) -> List[Column]:
    return [
        Column("place", "地区", in_table=False), Column("metric", "metric", in_table=False),
        Column("metric_zh", "指标"), Column("kind", "类型", cell=lambda r: "目标" if r["kind"] == "target" else "实际"),
        Column("value", "value", "number", in_table=False), Column("value_max", "value_max", "number", in_table=False),
        Column("unit", "unit", in_table=False), Column("qualifier", "qualifier", in_table=False),
        Column("display", "数值"), Column("date", "日期"), Column("as_of", "as_of", in_table=False),
        Column("deadline", "deadline", in_table=False), Column("scope", "口径"), Column("source", "来源"),
        Column("text", "text", in_table=False), Column("quote", "引文", in_table=with_quotes),
        Column("note", "备注", in_table=False),
    ]
