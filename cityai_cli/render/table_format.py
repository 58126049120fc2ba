"""The terminal table (Rich). Cells are built as Text, so [bold] or [link=…] in the data is
printed literally, never interpreted; control characters are shown as escapes."""
from __future__ import annotations

import io
from decimal import Decimal

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table as RichTable
from rich.text import Text

from ..report import Report
from . import printable

BAR_WIDTH = 24  # at 120 columns; narrower terminals get shorter bars (never under 8)


# Below this width a grid of 6-10 columns wraps one character per line; records are stacked instead.
NARROW = 72


def render(report: Report, options) -> str:
    out = io.StringIO()
    width = options.width or 100
    console = Console(file=out, width=width, force_terminal=options.color,
                      no_color=not options.color, color_system="standard" if options.color else None,
                      highlight=False, emoji=False, markup=False, legacy_windows=False)
    for table in report.tables:
        columns = [column for column in table.columns if column.in_table]
        bar_width = max(8, min(BAR_WIDTH, width // 5))
        bar = _bars(table, bar_width) if options.chart and table.chart else None
        if width < NARROW:
            _stacked(console, table, columns, bar)
            continue
        grid = RichTable(title=Text(printable(table.title), style="bold"), box=box.SIMPLE_HEAD,
                         show_lines=False, title_justify="left")
        for column in columns:
            grid.add_column(Text(printable(column.header)), justify="right" if column.kind == "number" else "left",
                            overflow="fold")
        if bar:
            grid.add_column("", no_wrap=True, min_width=bar_width)  # other columns fold; a bar never crops
        for row in table.rows:
            cells = [Text(printable(column.show(row))) for column in columns]
            grid.add_row(*cells, *([bar(row)] if bar else []))
        if not table.rows:
            grid.add_row(*([Text(printable(table.empty))] + [Text("")] * (len(columns) - 1 + bool(bar))))
        if Measurement.get(console, console.options, grid).minimum > width:
            # Squeezed below its minimum, Rich crops cells; stacking loses nothing.
            _stacked(console, table, columns, bar)
            continue
        console.print(grid)
    return out.getvalue()


def _bars(table, width: int):
    """A function drawing a row's value as a bar scaled to the table's largest value."""
    largest = max((abs(row[table.chart]) for row in table.rows if isinstance(row.get(table.chart), Decimal)), default=0)

    def bar(row) -> Text:
        value = row.get(table.chart)
        length = round(abs(value) / largest * width) if isinstance(value, Decimal) and largest else 0
        return Text("█" * max(length, 1 if value else 0), style="cyan")
    return bar


def _stacked(console: Console, table, columns, bar=None) -> None:
    """One block per record, a "header  value" line per column: legible at 40 columns."""
    console.print(Text(printable(table.title), style="bold"))
    if not table.rows:
        console.print(Text(printable(table.empty)))
    for row in table.rows:
        console.rule(style="dim")
        block = RichTable.grid(padding=(0, 2))
        block.add_column(style="bold", no_wrap=True)
        block.add_column(overflow="fold")
        for column in columns:
            block.add_row(Text(printable(column.header)), Text(printable(column.show(row))))
        if bar:
            block.add_row(Text(""), bar(row))
        console.print(block)
    console.print()
