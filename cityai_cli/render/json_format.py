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
from itertools import chain
from typing import Iterator, List

from ..core.report import Report, Table
from ..core.text import CONTROL_IN_VALUE
from . import joined


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


# What json.dumps(data, ensure_ascii=False, indent=2, default=_plain) writes, for one record.
_ENCODE = json.JSONEncoder(ensure_ascii=False, indent=2, default=_plain).encode


def chunks(report: Report, options) -> Iterator[str]:
    """What json.dumps(data, indent=2) writes for the whole report, made record by record: a
    record's document with its lines indented by its depth is what json.dumps writes for it in the
    list (a JSON string holds no raw line break: every line break is the layout's)."""
    pieces = _list(report.tables[0], "") if report.single else _object(report.tables)
    for chunk in joined(chain(pieces, ["\n"])):
        # Outside strings JSON is ASCII punctuation and blanks, so every such character is in a
        # string. json.dumps of the one character writes \uXXXX, or a surrogate pair beyond the
        # BMP (U+E0100, a variation selector, is \udb40\udd00: "\ue0100" would decode as another
        # text). One character at a time, so pieces can be escaped one by one.
        yield CONTROL_IN_VALUE.sub(lambda match: json.dumps(match.group(0))[1:-1], chunk)


def _list(table: Table, indent: str) -> Iterator[str]:
    """A table as a JSON list of records whose brackets are at `indent`."""
    inner = "\n" + indent + "  "
    columns = table.columns
    empty = True
    for row in table.rows:
        record = {column.key: column.get(row) for column in columns}
        yield ("[" if empty else ",") + inner + _ENCODE(record).replace("\n", inner)
        empty = False
    yield "[]" if empty else "\n" + indent + "]"


def _object(tables: List[Table]) -> Iterator[str]:
    """The tables as one JSON object of lists, keyed by table name."""
    for position, table in enumerate(tables):
        yield ("{" if position == 0 else ",") + "\n  " + _ENCODE(table.name) + ": "
        yield from _list(table, "  ")
    yield "\n}" if tables else "{}"
