"""JSON: a list of records for single-table commands, an object of lists otherwise.

Numbers are JSON numbers in the unit named by the record's `unit` field (CNY, PFLOPS, a
fraction for ratios); unknown is null, never 0. Only the columns a view declares are written;
citations and flags stay nested objects. json.dumps escapes C0 controls but keeps DEL,
C1 controls and bidi/zero-width characters raw (with ensure_ascii=False): those are written as
\\uXXXX escapes too, so the JSON decodes to the same text but never carries them raw.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from itertools import chain
from typing import Any, Dict, Iterator, Optional

from ..core.report import Report, Table
from ..core.text import CONTROL_IN_VALUE
from . import joined


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def chunks(report: Report, options) -> Iterator[str]:
    """What json.dumps(data, ensure_ascii=False, indent=2) writes for the report, in pieces as the
    records are made (`_Records`)."""
    if report.single:
        data: Any = _Records(report.tables[0])
    else:
        data = {table.name: _Records(table) for table in report.tables}
    text = by_record(data) if _INDENTS_IN_C else _ENCODER.iterencode(data)
    for chunk in joined(chain(text, ["\n"])):
        # Outside strings JSON is ASCII punctuation and blanks, so every such character is in a
        # string. json.dumps of the one character writes \uXXXX, or a surrogate pair beyond the
        # BMP (U+E0100, a variation selector, is \udb40\udd00: "\ue0100" would decode as another
        # text). One character at a time, so pieces can be escaped one by one.
        yield CONTROL_IN_VALUE.sub(lambda match: json.dumps(match.group(0))[1:-1], chunk)


_ENCODER = json.JSONEncoder(ensure_ascii=False, indent=2, default=_plain)
# Before Python 3.13 json encodes an indented document in Python, and each call builds closures
# that refer to each other, which only the cyclic collector frees (cityai runs without it,
# __main__.py): one iterencode for the whole output. From 3.13 on each record is encoded in C.
_INDENTS_IN_C = sys.version_info >= (3, 13)


def by_record(data: Any, indent: str = "") -> Iterator[str]:
    """What _ENCODER.iterencode(data) writes for records or an object of them, each record
    encoded whole and indented to its depth (a JSON string holds no raw line break: every line
    break is the layout's)."""
    if isinstance(data, _Records):
        if not data:
            yield "[]"
            return
        inner = "\n" + indent + "  "
        for position, record in enumerate(data):
            yield ("," if position else "[") + inner + _ENCODER.encode(record).replace("\n", inner)
        yield "\n" + indent + "]"
        return
    for position, (name, records) in enumerate(data.items()):
        yield ("," if position else "{") + "\n  " + _ENCODER.encode(name) + ": "
        yield from by_record(records, "  ")
    yield "\n}" if data else "{}"


class _Records(list):
    """A table's records, each made when the encoder reaches it: json writes any list (by
    isinstance) by iterating it, so a long table's records are never all held at once. The
    encoder asks whether the list is empty, then iterates it: the rows are gone through once
    (rows made as they are iterated, `common.Rows`, are made once)."""

    def __init__(self, table: Table) -> None:
        super().__init__()
        self._table = table
        self._pending: Optional[Iterator[Dict[str, Any]]] = None

    def __bool__(self) -> bool:
        rows = iter(self._table.rows)
        first = next(rows, None)
        self._pending = None if first is None else chain([first], rows)
        return first is not None

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        rows, self._pending = self._pending or iter(self._table.rows), None
        columns = self._table.columns
        return ({column.key: column.get(row) for column in columns} for row in rows)
