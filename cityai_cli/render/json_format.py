"""JSON: a list of records for single-table commands, an object of lists otherwise.

Numbers are JSON numbers in the unit named by the record's `unit` field (yuan, PFLOPS, a
fraction for ratios); unknown is null, never 0.
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
    if report.single:
        data = report.tables[0].rows
    else:
        data = {table.name: table.rows for table in report.tables}
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain) + "\n"
