"""JSON: a list of records for single-table commands, an object of lists otherwise.

Numbers are JSON numbers in the unit named by the record's `unit` field (CNY, PFLOPS, a
fraction for ratios); unknown is null, never 0. Only the columns a view declares are written;
citations and flags stay nested objects. json.dumps escapes C0 controls but keeps DEL,
C1 controls and bidi/zero-width characters raw (with ensure_ascii=False): those are written as
\\uXXXX escapes too, so the JSON decodes to the same text but never carries them raw.
"""

from __future__ import annotations

import json
from decimal import Decimal

from ..core.report import Report
from ..core.text import CONTROL_IN_VALUE


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
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_plain)
    # Outside strings JSON is ASCII punctuation and blanks, so every such character is in a string.
    # json.dumps of the one character writes \uXXXX, or a surrogate pair beyond the BMP
    # (U+E0100, a variation selector, is \udb40\udd00: "\ue0100" would decode as another text).
    return CONTROL_IN_VALUE.sub(lambda match: json.dumps(match.group(0))[1:-1], text) + "\n"
