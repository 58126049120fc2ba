"""The long tables (query/long.py): one row per place and metric."""

from __future__ import annotations

from typing import Dict, List

from ..core.facts import Base
from ..core.report import Column, Table
from . import builder, fact_columns, names
from .tables import _flag_text, _metric, _place, _table
from .words import word

# The header starts with what identifies and measures a row, in this order (docs/columns.md).
_FIRST = ("place", "metric", "kind", "scope", "value", "value_max", "unit", "bound", "date", "leader")


def _ordered(columns: List[Column]) -> List[Column]:
    by_key: Dict[str, Column] = {c.key: c for c in columns}
    first = [by_key[key] for key in _FIRST if key in by_key]
    return first + [c for c in columns if c.key not in _FIRST]


def _columns(base: Base, lang: str) -> List[Column]:
    facts = [c for c in fact_columns(base, lang) if c.key != "kind"]
    return [*_place(base, lang), Column("kind", "kind", in_table=False), *_metric(base, lang), *facts]


@builder("compare_long")
def compare_long_table(base: Base, result, lang: str) -> List[Table]:
    columns = _columns(base, lang) + [
        Column("leader", word(lang, "leader"), "bool", cell=lambda r: word(lang, "leader") if r["leader"] else ""),
        Column("flags", "flags", in_table=False),
        Column(
            "notes",
            word(lang, "why"),
            atomic=True,
            cell=lambda r: "; ".join(_flag_text(base, f, lang, r["metric"], True) for f in r["flags"] or []),
            value=lambda r: "; ".join(_flag_text(base, f, lang, r["metric"]) for f in r["flags"] or []) or None,
        ),
    ]
    title = " vs ".join(names.place(base, p, lang) for p in result.meta["places"])
    return [_table("compare", title, _ordered(columns), result.rows, lang, dated=True)]


@builder("places_long")
def places_long_table(base: Base, result, lang: str) -> List[Table]:
    columns = _columns(base, lang) + [Column("level", "level", in_table=False)]
    title = word(lang, "t.places", n=len({r["place"] for r in result.rows}))
    return [_table("places", title, _ordered(columns), result.rows, lang, dated=True)]
