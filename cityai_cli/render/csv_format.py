"""CSV (RFC 4180, CRLF line ends, UTF-8), one header of stable English keys.

A command with several tables (show) writes its primary one: one rectangular table per file.
Text that a spreadsheet would execute as a formula (starting with = + - @ tab or CR) is prefixed
with ' (OWASP), in every cell, header included; control characters are escaped (\x1b) as in the
other formats; numeric columns stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from ..quantity import MEMO_LIMIT, plain
from ..report import Column, Report, public
from ..text import printable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render(report: Report, options) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    # One rectangular table per file: a command with several tables writes its primary one
    # (show: the facts; its policies and programmes have their own commands).
    table = report.tables[report.primary]
    writer.writerow([text_cell(column.key) for column in table.columns])
    # Column by column (a 3,000-row table has ~100,000 cells); text, most cells, is looked up in
    # text_cell's memo directly, anything else goes through cell(). In chunks of rows, so that
    # the cells of a long table (conflicts at scale: 100,000 rows) are never all held at once.
    rows = table.rows
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        writer.writerows(zip(*[_column(column, chunk) for column in table.columns]))
    return out.getvalue()


_CHUNK = 4096


def _column(column: Column, rows: list) -> list:
    """The cells of one column, as Column.get then cell() would write them."""
    values = [column.value(row) for row in rows] if column.value is not None else [row.get(column.key) for row in rows]
    kind, known = column.kind, _SEEN.get
    return [
        "" if value is None else (known(value) or text_cell(value)) if value.__class__ is str else cell(value, kind)
        for value in values
    ]


def cell(value, kind: str) -> str:
    """One value as a CSV cell: numbers stay numbers in a number column, lists of words are joined
    with ";", nested records are one JSON document, anything else is text."""
    cls = value.__class__
    if value is None:
        return ""
    if cls is str:
        return text_cell(value)
    if cls is Decimal or cls is int:  # the common cases first, by exact class (bool is an int)
        text = plain(value) if cls is Decimal else str(value)
        return text if kind == "number" else text_cell(text)
    if cls is list and all(item.__class__ is str for item in value):  # sources, flags: the common list
        return text_cell(";".join(value))
    value = public(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, int)) and kind == "number":
        return plain(Decimal(value))
    if isinstance(value, list) and all(isinstance(item, (str, int, Decimal)) for item in value):
        return cell(";".join(plain(item) if isinstance(item, Decimal) else str(item) for item in value), kind)
    if isinstance(value, (list, dict)):
        # nested records (citations, flags) stay structured: one JSON document in the cell
        return text_cell(_to_json(value), memo=False)
    return text_cell(plain(value) if isinstance(value, Decimal) else str(value))


_SEEN: dict = {}  # text -> its cell: a column repeats its words (levels, units, sources) row after row


def text_cell(text: str, memo: bool = True) -> str:
    """Controls escaped, and a leading formula character defused with '. (memo: False for text
    that never repeats, a record's JSON, which would only fill the memo.)"""
    found = _SEEN.get(text) if memo else None
    if found is None:
        shown = printable(text)
        found = "'" + shown if shown.startswith(_FORMULA_START) else shown
        if memo and len(_SEEN) < MEMO_LIMIT:
            _SEEN[text] = found
    return found


def _json_number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


# One encoder for every cell (json.dumps with options builds a new one per call); records are
# trees built by the queries, never cyclic.
_to_json = json.JSONEncoder(ensure_ascii=False, default=_json_number, check_circular=False).encode
