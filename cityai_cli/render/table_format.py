"""The terminal table (Rich). Cells are built as Text, so [bold] or [link=…] in the data is
printed literally, never interpreted; control characters are shown as escapes."""

from __future__ import annotations

import io
import re
from collections import Counter
from decimal import Decimal

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..report import Report
from . import printable

BAR_WIDTH = 24  # at 120 columns; narrower terminals get shorter bars (never under 8)


# Below this width a grid of 6-10 columns wraps one character per line; records are stacked instead.
NARROW = 72


# Rich uses a given width only when a height is given too: otherwise, with TERM=dumb, it
# measures an 80x25 terminal and squeezes the columns laid out here for `width` (empty cells).
_HEIGHT = 25


def render(report: Report, options) -> str:
    out = io.StringIO()
    width = options.width or 100
    recording = bool(options.record)
    console = Console(
        file=out,
        width=width,
        height=_HEIGHT,
        force_terminal=options.color or recording,
        record=recording,
        no_color=not (options.color or recording),
        color_system="standard" if options.color or recording else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    for table in report.tables:
        columns = [column for column in table.columns if column.in_table]
        bar_width = max(8, min(BAR_WIDTH, width // 5))
        bar = _bars(table, bar_width) if options.chart and table.chart else None
        if width < NARROW or not table.rows:
            _stacked(console, table, columns, bar)
            continue
        grid = RichTable(box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False, collapse_padding=True)
        widths = _widths(table, columns, width - (bar_width + 2 if bar else 0))
        for column, column_width in zip(columns, widths or [None] * len(columns)):
            grid.add_column(
                Text(printable(column.header)),
                justify="right" if column.kind == "number" else "left",
                overflow="fold",
                width=column_width,
            )
        if bar:
            grid.add_column("", no_wrap=True, min_width=bar_width)  # other columns fold; a bar never crops
        for row in table.rows:
            # Folded here, to the column's width, so Rich never wraps (it would break at a no-break space).
            cells = [
                Text(
                    _fold(printable(column.show(row)), column_width, column.atomic)
                    if column_width
                    else printable(column.show(row))
                )
                for column, column_width in zip(columns, widths or [None] * len(columns))
            ]
            grid.add_row(*cells, *([bar(row)] if bar else []))
        drawn, plain = _draw(grid, width, options.color) if widths is not None else ("", "")
        if widths is None or not _intact(plain, table, columns, width):
            # Squeezed below its words, Rich would crop or break a figure; stacking loses nothing.
            _stacked(console, table, columns, bar)
            continue
        _title(console, table, width)
        if recording:
            console.print(grid)  # drawn again, so that the recording holds it
        else:
            out.write(drawn)  # the console writes each print at once: order is kept
        if table.caption and table.rows:
            console.print(Text(printable(table.caption), style="dim"))
    if options.record == "svg":
        return console.export_svg(title="cityai")
    if options.record == "html":
        return console.export_html(inline_styles=True)
    return out.getvalue()


# Prose folds between characters, but never inside a figure (超2800家, 最高100万元/年, 2025-02-14),
# a Latin word or an id: each of those is one token.
_TOKEN = re.compile(
    r"(?:约|超过|超|近|逾|突破|最高|最多|不超过|不少于|不低于|不到|达)?"
    r"[0-9０-９][0-9０-９.,，/:\-]*(?:万亿|亿|万|千)?(?:余|多)?"
    r"(?:EFLOPS|PFLOPS|TFLOPS|亿元|万元|[%％元家个款台项名人所座条件次位只倍年月日卡张宗成])?(?:以上|左右)?"
    r"(?:/年|/项目)?"
    r"|[^ \t\n\u3000-\u9fff\uff00-\uffef]*[A-Za-z0-9][^ \t\n\u3000-\u9fff\uff00-\uffef]*|[ \t]+|.",
    re.S,
)


# Only ASCII blanks separate words: a no-break space (U+00A0) keeps "over CNY 450 bn" whole.
_WORDS = re.compile(r"[^ \t\n]+|[ \t]+")


def _fold(text: str, width: int, atomic: bool = False) -> str:
    """Wrap to `width` cells between tokens (between words in a never-split column); a token
    wider than the column stays whole."""
    lines = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for token in (_WORDS if atomic else _TOKEN).findall(paragraph):
            size = cell_len(token)
            if used + size > width and line.strip():
                lines.append(line.rstrip())
                line, used = ("", 0) if token in (" ", "\t") or token.strip(" \t") == "" else (token, size)
                continue
            line, used = line + token, used + size
        lines.append(line.rstrip())
    return "\n".join(lines)


def _draw(grid, width: int, color: bool) -> tuple:
    """(the grid as printed, the same as plain text) at this width: drawn once, checked, then
    printed as drawn (Rich takes ~10 ms to draw a 30-row table)."""
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        height=_HEIGHT,
        force_terminal=color,
        record=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    console.print(grid)
    return out.getvalue(), console.export_text(styles=False) if color else out.getvalue()


def _ink(text: str) -> Counter:
    """The characters that carry content: no spaces, no box drawing, no fold marks."""
    return Counter(ch for ch in text if not ch.isspace() and not ("\u2500" <= ch <= "\u257f") and ch != "…")


def _intact(text: str, table, columns, width: int) -> bool:
    """Nothing cropped, no line wider than the terminal, every word of a never-split column on one line."""
    lines = text.splitlines()
    if any(cell_len(line.rstrip()) > width for line in lines):
        return False
    shown = _ink("".join(printable(column.show(row)) for row in table.rows for column in columns))
    if shown - _ink(text):
        return False
    for column in columns:
        if not column.atomic:
            continue
        for row in table.rows:
            for word in _WORDS.findall(printable(column.show(row))):
                if not word.isspace() and not any(word in line for line in lines):
                    return False
    return True


def _widths(table, columns, width: int):
    """Column widths that fit `width`: a never-split column as wide as its longest word, prose
    columns sharing the rest (folding between characters). None when even that does not fit."""

    def lines(column):
        return [line for row in table.rows for line in printable(column.show(row)).splitlines()] + [column.header]

    natural = [max((cell_len(line) for line in lines(column)), default=1) for column in columns]
    floor = [
        max(_longest_word(table, column), cell_len(column.header))
        if column.atomic
        else max(
            min(natural[i], max(6, max(cell_len(w) for w in column.header.split() or [""]))),
            _longest_token(table, column),
        )
        for i, column in enumerate(columns)
    ]
    available = width - 2 * len(columns) - 1  # a space between columns and at the edges
    if sum(floor) > available:
        return None
    widths = list(floor)
    spare = available - sum(widths)
    wanting = [i for i in range(len(columns)) if natural[i] > widths[i]]
    while spare > 0 and wanting:
        share = max(1, spare // len(wanting))
        for i in list(wanting):
            grant = min(share, natural[i] - widths[i], spare)
            widths[i] += grant
            spare -= grant
            if widths[i] >= natural[i]:
                wanting.remove(i)
            if spare <= 0:
                break
    return widths


def _longest_token(table, column) -> int:
    """The widest token prose may not break: a figure, a date, an id or a Latin word."""
    return max(
        (
            cell_len(token)
            for row in table.rows
            for token in _TOKEN.findall(printable(column.show(row)))
            if len(token) > 1
        ),
        default=1,
    )


def _longest_word(table, column) -> int:
    return max(
        (
            cell_len(word)
            for row in table.rows
            for line in printable(column.show(row)).split("\n")
            for word in _WORDS.findall(line)
        ),
        default=1,
    )


def _bars(table, width: int):
    """A function drawing a row's value as a bar scaled to the table's largest value."""
    largest = max((abs(row[table.chart]) for row in table.rows if isinstance(row.get(table.chart), Decimal)), default=0)

    def bar(row) -> Text:
        value = row.get(table.chart)
        length = round(abs(value) / largest * width) if isinstance(value, Decimal) and largest else 0
        return Text("█" * max(length, 1 if value else 0), style="cyan")

    return bar


def _title(console: Console, table, width: int) -> None:
    """The table's title, folded here between words to the console's width (Rich would fold it
    to the table's, and break at a no-break space: "spend CNY 1.5" / "m")."""
    # A word wider than the whole width (a long name without spaces) is folded by Rich where it
    # must; every other line already fits.
    console.print(Text(_fold(printable(table.title), width, atomic=True), style="bold"), overflow="fold")


def _stacked(console: Console, table, columns, bar=None) -> None:
    """One block per record, a "header  value" line per column: legible at 40 columns."""
    _title(console, table, console.width)
    if not table.rows:
        console.print(Text(printable(table.empty)))
    for row in table.rows:
        console.rule(style="dim")
        block = RichTable.grid(padding=(0, 2))
        block.add_column(style="bold", no_wrap=True)
        block.add_column(overflow="fold")
        room = max(8, console.width - max(cell_len(printable(c.header)) for c in columns) - 2)
        for column in columns:
            block.add_row(Text(printable(column.header)), Text(_fold(printable(column.show(row)), room, column.atomic)))
        if bar:
            block.add_row(Text(""), bar(row))
        console.print(block)
    console.print()
