"""What every command produces: a Report of one or more Tables of plain records.

Queries build records once; renderers (render/) only choose how to show them. A Column's `cell`
is how the terminal table shows a record (it may combine fields, e.g. "超2800家 · 2024"); every
field it reads is itself a column, so CSV and JSON never lose what the table shows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from .errors import UsageError
from .figures.quantity import plain
from .slots import Frozen, _set

Record = Dict[str, Any]


class Column(Frozen):
    """kind: text | number | bool (numbers stay numbers in CSV/JSON); in_table: shown in the
    terminal table / markdown; atomic: its words (figures, dates, ids) are never broken across
    lines; value: a derived (label) column's machine value. role (terminal table only): "sources",
    its ids become footnote markers [1] [2] with a legend under the table; "note", its prose
    becomes a numbered footnote under the table and the cell shows the marker; "labelled", a note
    that starts with its header ("特殊比例: 60% [startup]"); beside: the key of
    the column whose cell carries this column's markers (then it has no column of its own)."""

    __slots__ = ("key", "header", "kind", "in_table", "cell", "atomic", "value", "role", "beside")
    key: str
    header: str
    kind: str
    in_table: bool
    cell: Optional[Callable[[Record], str]]
    atomic: bool
    value: Optional[Callable[[Record], Any]]
    role: str
    beside: str

    def __init__(
        self,
        key: str,
        header: str,
        kind: str = "text",
        in_table: bool = True,
        cell: Optional[Callable[[Record], str]] = None,
        atomic: bool = False,
        value: Optional[Callable[[Record], Any]] = None,
        role: str = "",
        beside: str = "",
    ):
        _set(self, "key", key)
        _set(self, "header", header)
        _set(self, "kind", kind)
        _set(self, "in_table", in_table)
        _set(self, "cell", cell)
        _set(self, "atomic", atomic)
        _set(self, "value", value)
        _set(self, "role", role)
        _set(self, "beside", beside)

    def get(self, record: Record) -> Any:
        """The value CSV and JSON write: the record's field, or the derived label."""
        return public(self.value(record) if self.value is not None else record.get(self.key))

    def show(self, record: Record) -> str:
        if self.cell is not None:
            return self.cell(record)
        return show_value(record.get(self.key))


class Table:
    """chart: a numeric key to draw as bars (terminal table only); caption: a legend under the
    terminal table (marks used in cells). absent: a record's name when the terminal table lists
    it in one line under the table ("无数据 (15): 上海, 东莞") instead of as a row, None when it
    is a row; absent_label starts that line. CSV and JSON keep every record as a row."""

    def __init__(
        self,
        name: str,
        title: str,
        columns: List[Column],
        rows: List[Record],
        chart: Optional[str] = None,
        empty: str = "(none)",
        caption: str = "",
        absent: Optional[Callable[[Record], Optional[str]]] = None,
        absent_label: str = "",
    ):
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = rows
        self.chart = chart
        self.empty = empty
        self.caption = caption
        self.absent = absent
        self.absent_label = absent_label

    def __repr__(self) -> str:
        return f"Table(name={self.name!r}, title={self.title!r}, {len(self.columns)} columns, {len(self.rows)} rows)"


class Report:
    """primary: the table CSV writes (one rectangular table per file). JSON shape is fixed per
    command (`single`): a list when the command has one table, else an object."""

    def __init__(self, tables: List[Table], primary: int = 0):
        self.tables = tables
        self.primary = primary
        self.single = len(tables) == 1

    def __repr__(self) -> str:
        return f"Report(tables={self.tables!r}, primary={self.primary!r})"

    def only(self, name: str) -> "Report":
        """The report with only the table `name` (any case): every format writes that one, and
        JSON keeps the command's shape (an object, with this one key, for a command of several
        tables). A name the report lacks is a usage error listing its names."""
        chosen = [table for table in self.tables if table.name == name.lower()]
        if not chosen:
            names = [table.name for table in self.tables]
            raise UsageError(
                f"no table {name!r}; the tables are {', '.join(names)}",
                code="table.unknown",
                params={"text": name, "names": names},
            )
        kept = Report(chosen)
        kept.single = self.single
        return kept

    def left_out(self) -> List[Tuple[str, int]]:
        """The tables one rectangular table (CSV: the primary) leaves out that have rows, each with
        its number of rows, in the report's order."""
        counts = [
            (table.name, row_count(table.rows)) for number, table in enumerate(self.tables) if number != self.primary
        ]
        return [(name, rows) for name, rows in counts if rows]


def row_count(rows: Iterable[Record]) -> int:
    """How many rows: a list's length, or rows made as they are iterated (`Rows`) counted."""
    return len(rows) if isinstance(rows, list) else sum(1 for _ in rows)


def public(value: Any) -> Any:
    """A machine value without the view-only entries (keys starting with "_") of nested records."""
    if isinstance(value, dict):
        return {
            key: item if item is None or item.__class__ in _SCALARS else public(item)
            for key, item in value.items()
            if not str(key).startswith("_")
        }
    if isinstance(value, list):
        return [item if item.__class__ in _SCALARS else public(item) for item in value]
    return value


_SCALARS = frozenset((str, int, float, bool, Decimal))  # nothing to drop inside: returned as they are


def show_value(value: Any) -> str:
    """How a raw field reads in a table: unknown is "—", never 0."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, list):
        return (
            ", ".join(show_value(item) if not isinstance(item, dict) else str(len(value)) for item in value)
            if value and not isinstance(value[0], dict)
            else (str(len(value)) if value else "—")
        )
    return str(value)


def count(number: int, noun: str) -> str:
    """count(1, "target") -> "1 target"; count(3, "target") -> "3 targets"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
