"""`rank --by METRIC`: places ordered by their headline figure, qualifier-aware.

Places of the chosen level without the figure are listed last (rank empty), never dropped.
"""
from __future__ import annotations

from typing import Optional

from ..models import KnowledgeBase
from ..report import Column, Report, Table
from .figures import figure_fields, headline


def rank(kb: KnowledgeBase, metric: str, level: Optional[str] = "city", top: Optional[int] = None,
         kind: str = "actual") -> Report:
    definition = kb.metrics[metric]
    ranked, missing = [], []
    for name, place in kb.places.items():
        if level and place.level != level:
            continue
        figure, conflicts = headline(kb, name, metric, kind)
        row = {"rank": None, "place": name, "level": place.level, **figure_fields(figure),
               "conflicts": "; ".join(f"{c.value.display()} ({c.source})" for c in conflicts) or None}
        (ranked if figure else missing).append((figure, row))
    sign = -1 if definition.higher_is_better else 1

    def order(pair) -> tuple:
        return tuple(sign * part for part in pair[0].value.sort_key())
    ranked.sort(key=lambda pair: order(pair) + (pair[1]["place"],))
    rows = []
    # Equal figures share a rank and the next one skips ("1, 1, 1, 4"): three cities in the same
    # 梯队 are not first, second and third.
    for position, pair in enumerate(ranked, start=1):
        tied = rows and order(ranked[position - 2]) == order(pair)
        pair[1]["rank"] = rows[-1]["rank"] if tied else position
        rows.append(pair[1])
    rows += [row for _, row in sorted(missing, key=lambda pair: pair[1]["place"])]
    if top is not None:
        rows = rows[:top]
    columns = [Column("rank", "#", "number"), Column("place", "地区"), Column("level", "level", in_table=False),
               Column("value", "value", "number", in_table=False), Column("value_max", "value_max", "number", in_table=False),
               Column("unit", "unit", in_table=False), Column("qualifier", "qualifier", in_table=False),
               Column("display", definition.zh), Column("date", "日期"), Column("scope", "口径"),
               Column("source", "来源"), Column("conflicts", "另有")]
    what = f"{definition.zh} ({definition.en}" + (", targets" if kind == "target" else "") + ")"
    title = f"{what} · {level or 'all levels'} · {len(ranked)} with the figure, {len(missing)} without"
    if not ranked:
        elsewhere = sorted({place.level for name, place in kb.places.items() if headline(kb, name, metric, kind)[0]})
        if elsewhere:
            title += f" (figures exist for: {', '.join(elsewhere)}; use --level)"
    return Report([Table("rank", title, columns, rows, chart="value")])
