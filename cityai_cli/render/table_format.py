"""The terminal table (Rich). Cells are built as Text, so [bold] or [link=…] in the data is
printed literally, never interpreted; control characters are shown as escapes."""
from __future__ import annotations

import io
from decimal import Decimal

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..report import Report
from . import printable

BAR_WIDTH = 24


def render(report: Report, options) -> str:
    out = io.StringIO()
    console = Console(file=out, width=options.width or 100, force_terminal=options.color,
                      no_color=not options.color, color_system="standard" if options.color else None,
                      highlight=False, emoji=False, markup=False, legacy_windows=False)
    for table in report.tables:
        columns = [column for column in table.columns if column.in_table]
        grid = RichTable(title=Text(printable(table.title), style="bold"), box=box.SIMPLE_HEAD,
                         show_lines=False, title_justify="left")
        for column in columns:
            grid.add_column(Text(printable(column.header)), justify="right" if column.kind == "number" else "left",
                            overflow="fold")
        chart = table.chart if options.chart else None
        if chart:
            grid.add_column("")
            largest = max((abs(row[chart]) for row in table.rows if isinstance(row.get(chart), Decimal)), default=0)
        for row in table.rows:
            cells = [Text(printable(column.show(row))) for column in columns]
            if chart:
                value = row.get(chart)
                length = round(abs(value) / largest * BAR_WIDTH) if isinstance(value, Decimal) and largest else 0
                cells.append(Text("█" * max(length, 1 if value else 0), style="cyan"))
            grid.add_row(*cells)
        if not table.rows:
            grid.add_row(*([Text(table.empty)] + [Text("")] * (len(columns) - 1 + bool(chart))))
        console.print(grid)
    return out.getvalue()
