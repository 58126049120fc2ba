"""CSV (RFC 4180, CRLF line ends, UTF-8), one header of stable English keys.

A command with several tables writes one CSV whose first column, `table`, names each row's table
and whose header is the union of the tables' keys. Text that a spreadsheet would execute as a
formula (starting with = + - @ tab or CR) is prefixed with ' (OWASP), in every cell, header
included; control characters are escaped (\x1b) as in the other formats; numeric columns stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from ..quantity import plain
from ..report import Report, public
from ..text import printable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render(report: Report, options) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns, seen = [], set()
    # One rectangular table per file: a command with several tables writes its primary one
    # (show: the facts; its policies and programmes have their own commands).
    report = Report([report.tables[report.primary]])
    for table in report.tables:
        for column in table.columns:
            if column.key not in seen:
                seen.add(column.key)
                columns.append(column)
    multi = not report.single
    writer.writerow([text_cell(key) for key in (["table"] if multi else []) + [column.key for column in columns]])
    for table in report.tables:
        own = {column.key for column in table.columns}
        # Column.get then cell(), unrolled for speed (a 3,000-row table has ~100,000 cells): text
        # and numbers, most cells, are converted directly; anything else goes through cell().
        specs = [
            (column.key, column.value, column.kind == "number", column.kind, column.key in own) for column in columns
        ]
        head = [text_cell(table.name)] if multi else []
        for row in table.rows:
            cells = list(head)
            for key, value_of, numeric, kind, present in specs:
                value = (value_of(row) if value_of is not None else row.get(key)) if present else None
                cls = value.__class__
                if value is None:
                    cells.append("")
                elif cls is str:
                    cells.append(text_cell(value))
                elif cls is Decimal or cls is int:
                    cells.append(plain(value) if numeric else text_cell(plain(value) if cls is Decimal else str(value)))
                else:
                    cells.append(cell(public(value), kind))
            writer.writerow(cells)
    return out.getvalue()


def cell(value, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, int)) and kind == "number":
        return plain(Decimal(value))
    if isinstance(value, list) and all(isinstance(item, (str, int, Decimal)) for item in value):
        return cell(";".join(plain(item) if isinstance(item, Decimal) else str(item) for item in value), kind)
    if isinstance(value, (list, dict)):
        # nested records (citations, flags) stay structured: one JSON document in the cell
        return text_cell(json.dumps(value, ensure_ascii=False, default=_json_number))
    return text_cell(plain(value) if isinstance(value, Decimal) else str(value))


_SEEN: dict = {}  # text -> its cell: a column repeats its words (levels, units, sources) row after row


def text_cell(text: str) -> str:
    """Controls escaped, and a leading formula character defused with '."""
    found = _SEEN.get(text)
    if found is None:
        shown = printable(text)
        found = "'" + shown if shown.startswith(_FORMULA_START) else shown
        if len(_SEEN) < 100_000:
            _SEEN[text] = found
    return found


def _json_number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")
