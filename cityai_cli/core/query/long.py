"""`--long`: a wide result (compare: a column group per place; list: one per headline metric)
as one row per place and metric, the shape pivots, `pandas.melt` and SQL want."""

from __future__ import annotations

from typing import List

from .common import Record, Result

FACT_FIELDS = ("value", "value_max", "unit", "bound", "text", "date", "date_basis", "scope", "sources", "citations")
# compare's records hold the figure's Quantity as `_<prefix>quantity` (common.quantity_fields)


def long_form(result: Result) -> Result:
    """compare and list as long results (`compare_long`, `places_long`); any other result, already
    one row per thing, as it is. A place without a figure for a metric has no row."""
    if result.name == "compare":
        return Result("compare_long", _compare_rows(result), result.meta)
    if result.name == "places":
        return Result("places_long", _places_rows(result), result.meta)
    return result


def _fields(row: Record, prefix: str) -> Record:
    found = {name: row.get(prefix + name) for name in FACT_FIELDS if prefix + name in row}
    found["_quantity"] = row.get(f"_{prefix}quantity")
    return found


def _compare_rows(result: Result) -> List[Record]:
    rows = []
    for row in result.rows:
        for place, key in result.meta["keys"].items():
            if row.get(f"{key}_value") is None:
                continue
            rows.append(
                {
                    "place": place,
                    "metric": row["metric"],
                    "kind": row["kind"],
                    **_fields(row, key + "_"),
                    "leader": row[f"{key}_leader"],
                    "flags": row["flags"],
                }
            )
    return rows


def _places_rows(result: Result) -> List[Record]:
    rows = []
    for row in result.rows:
        for metric in result.meta["metrics"]:
            if row.get(f"{metric}_value") is None:
                continue
            rows.append(
                {
                    "place": row["place"],
                    "level": row["level"],
                    "metric": metric,
                    "kind": "actual",
                    **_fields(row, metric + "_"),
                }
            )
    return rows
