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


@dataclass
class Report:
    tables: List[Table]
    # JSON shape is fixed per command: a list when the command has one table, else an object.
    single: bool = field(init=False)

    def __post_init__(self) -> None:
        self.single = len(self.tables) == 1


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
        return ", ".join(map(str, value))
    return str(value)


def count(number: int, noun: str) -> str:
    """count(1, "target") -> "1 target"; count(3, "target") -> "3 targets"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
