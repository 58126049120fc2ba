"""JSON: a list of records for single-table commands, an object of lists otherwise.

Numbers are JSON numbers in the unit named by the record's `unit` field (CNY, PFLOPS, a
fraction for ratios); unknown is null, never 0. Only the columns a view declares are written;
citations and flags stay nested objects.
"""
from __future__ import annotations

import json
from decimal import Decimal

from ..report import Report


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def render(report: Report, options) -> str:
    def records(table):
        return [{column.key: column.get(row) for column in table.columns} for row in table.rows]
    if report.single:
        data = records(report.tables[0])
    else:
        data = {table.name: records(table) for table in report.tables}
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain) + "\n"
