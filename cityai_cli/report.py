"""What every command produces: a Report of one or more Tables of plain records.

Queries build records once; renderers (render/) only choose how to show them. A Column's `cell`
is how the terminal table shows a record (it may combine fields, e.g. "超2800家 · 2024"); every
field it reads is itself a column, so CSV and JSON never lose what the table shows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional

Record = Dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"            # text | number | bool: numbers stay numbers in CSV/JSON
    in_table: bool = True         # shown in the terminal table / markdown
    cell: Optional[Callable[[Record], str]] = None
    atomic: bool = False          # its words (figures, dates, ids) are never broken across lines
    value: Optional[Callable[[Record], Any]] = None   # a derived (label) column's machine value

    def get(self, record: Record) -> Any:
        """The value CSV and JSON write: the record's field, or the derived label."""
        return public(self.value(record) if self.value is not None else record.get(self.key))

    def show(self, record: Record) -> str:
        if self.cell is not None:
            return self.cell(record)
        return show_value(record.get(self.key))


@dataclass
class Table:
    name: str
    title: str
    columns: List[Column]
    rows: List[Record]
    chart: Optional[str] = None   # numeric key to draw as bars (terminal table only)
    empty: str = "(none)"
    caption: str = ""             # a legend under the terminal table (marks used in cells)


@dataclass
class Report:
    tables: List[Table]
    primary: int = 0              # the table CSV writes (one rectangular table per file)
    # JSON shape is fixed per command: a list when the command has one table, else an object.
    single: bool = field(init=False)

    def __post_init__(self) -> None:
        self.single = len(self.tables) == 1


def public(value: Any) -> Any:
    """A machine value without the view-only entries (keys starting with "_") of nested records."""
    if isinstance(value, dict):
        return {key: public(item) for key, item in value.items() if not str(key).startswith("_")}
    if isinstance(value, list):
        return [public(item) for item in value]
    return value


def show_value(value: Any) -> str:
    """How a raw field reads in a table: unknown is "—", never 0."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, Decimal):
        from .quantity import plain
        return plain(value)
    if isinstance(value, list):
        return ", ".join(show_value(item) if not isinstance(item, dict) else str(len(value)) for item in value) \
            if value and not isinstance(value[0], dict) else (str(len(value)) if value else "—")
    return str(value)


def count(number: int, noun: str) -> str:
    """count(1, "target") -> "1 target"; count(3, "target") -> "3 targets"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
