"""The terminal table (Rich). Cells are built as Text, so [bold] or [link=…] in the data is
printed literally, never interpreted; control characters are shown as escapes."""

from __future__ import annotations

import io
import re
from collections import Counter
from decimal import Decimal
from typing import Dict, Iterator, List, Optional, Tuple

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..core.report import Report
from ..core.text import LazyPattern
from . import printable

BAR_WIDTH = 24  # at 120 columns; narrower terminals get shorter bars (never under 8)
_BAR_MIN = 8


# Below this width a table of 6-10 columns cannot keep its words whole; records are stacked instead.
NARROW = 60


# Rich uses a given width only when a height is given too: otherwise, with TERM=dumb, it
# measures an 80x25 terminal and squeezes the columns laid out here for `width` (empty cells).
_HEIGHT = 25


def chunks(report: Report, options) -> Iterator[str]:
    """One piece: the column widths are laid out over every row (and a picture is one page)."""
    yield _whole(report, options)


def _whole(report: Report, options) -> str:
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
    for number, table in enumerate(report.tables):
        if number:
            console.print()  # a blank line between tables: each has its own footnotes
        shown = _Shown(table, options.all_rows)
        bar_width = max(_BAR_MIN, min(BAR_WIDTH, width // 5))
        bar = _bars(table, bar_width) if options.chart and table.chart else None
        if width < NARROW or not shown.rows:
            _stacked(console, table, shown, bar)
        elif not _grid(console, out, table, shown, bar, bar_width, options):
            # Squeezed below its words, Rich would crop or break a figure; stacking loses nothing.
            _stacked(console, table, shown, bar)
        _notes(console, table, shown)
    if options.record == "svg":
        return console.export_svg(title="cityai")
    if options.record == "html":
        return console.export_html(inline_styles=True)
    return out.getvalue()


def _grid(console: Console, out, table, shown: "_Shown", bar, bar_width: int, options) -> bool:
    """The table with one header row, when every word fits whole; False when it cannot."""
    width = console.width
    widths = _widths(shown, width - (bar_width + 2 if bar else 0))
    if widths is None and bar and bar_width > _BAR_MIN:
        bar_width = _BAR_MIN  # shorter bars rather than stacked records
        bar = _bars(table, bar_width)
        widths = _widths(shown, width - (bar_width + 2))
    if widths is None:
        return False
    grid = RichTable(box=box.SIMPLE_HEAD, show_edge=False, show_lines=False, pad_edge=False, collapse_padding=True)
    for column, header, column_width in zip(shown.columns, shown.headers, widths):
        grid.add_column(
            Text(_fold(header, column_width)),
            justify="right" if column.kind == "number" else "left",
            overflow="fold",
            width=column_width,
        )
    if bar:
        grid.add_column("", no_wrap=True, min_width=bar_width)  # other columns fold; a bar never crops
    for row, cells in zip(shown.rows, shown.cells):
        # Folded here, to the column's width, so Rich never wraps (it would break at a no-break space).
        folded = [Text(_fold(cell, w, c.atomic)) for c, cell, w in zip(shown.columns, cells, widths)]
        grid.add_row(*folded, *([bar(row)] if bar else []))
    drawn, plain = _draw(grid, width, options.color)
    if not _intact(plain, shown, width):
        return False
    _title(console, table, width)
    if options.record:
        console.print(grid)  # drawn again, so that the recording holds it
    else:
        out.write(drawn)  # the console writes each print at once: order is kept
    return True


class _Shown:
    """What the terminal table prints of a table: the rows kept as rows, their cells (escaped,
    source ids and notes replaced by footnote markers), the footnotes and the absent names."""

    def __init__(self, table, all_rows: bool = False) -> None:
        listed = [column for column in table.columns if column.in_table]
        keys = {column.key for column in listed}
        self.columns = [column for column in listed if not (column.role and column.beside in keys)]
        self.headers = [printable(column.header) for column in self.columns]
        absent = None if all_rows else table.absent
        names = [absent(row) if absent is not None else None for row in table.rows]
        self.rows = [row for row, name in zip(table.rows, names) if name is None]
        self.absent = [printable(name) for name in names if name is not None]
        numbers: Dict[Tuple[str, str], int] = {}
        self.sources: List[str] = []
        self.notes: List[str] = []
        # Sources are numbered first, in order of appearance, then notes: the legend reads 1, 2, 3 …
        for kind, entries in (("sources", self.sources), ("note", self.notes)):
            for row in self.rows:
                for column in listed:
                    if _kind(column) == kind:
                        for text in _footnoted(column, row):
                            if (kind, text) not in numbers:
                                numbers[(kind, text)] = len(numbers) + 1
                                entries.append(text)

        def markers(column, row) -> str:
            return " ".join(f"[{n}]" for n in sorted({numbers[(_kind(column), t)] for t in _footnoted(column, row)}))

        beside = [(column, column.beside) for column in listed if column.role and column.beside in keys]
        self.cells = []
        for row in self.rows:
            cells = []
            for column in self.columns:
                cell = markers(column, row) if column.role else printable(column.show(row))
                extra = " ".join(filter(None, (markers(note, row) for note, key in beside if key == column.key)))
                cells.append(f"{cell} {extra}" if extra else cell)
            self.cells.append(cells)
        self.first_note = len(self.sources) + 1


def _kind(column) -> str:
    """Which footnotes a column's cells go to: "sources" (the legend) or "note" (numbered notes)."""
    return "note" if column.role == "labelled" else column.role


def _footnoted(column, row) -> List[str]:
    """The footnote texts of a cell: each source id of a sources column, the prose of a note column."""
    if column.role == "sources":
        value = row.get(column.key)
        # A list of ids, or one id (cite's): never split at a comma, which an id may hold.
        ids = value if isinstance(value, (list, tuple)) else [value]
        return [printable(str(i).strip()) for i in ids if i is not None and str(i).strip()]
    text = printable(column.show(row)).strip()
    if text in ("", "—"):
        return []
    # A labelled note says what it is: "[5] 特殊比例: 60% [startup]".
    return [f"{printable(column.header)}: {text}" if column.role == "labelled" else text]


def _notes(console: Console, table, shown: "_Shown") -> None:
    """Under the table: the date marks, the source legend, the numbered notes, the absent names."""
    width = console.width
    if table.caption and shown.rows:
        console.print(Text(printable(table.caption), style="dim"))
    if shown.sources:
        legend = "  ".join(_GLUE.join((f"[{n}]", source)) for n, source in enumerate(shown.sources, 1))
        console.print(Text(_unglued(_fold(legend, width, atomic=True)), style="dim"), overflow="fold")
    for n, note in enumerate(shown.notes, shown.first_note):
        mark = f"[{n}] "
        body = _fold(note, max(8, width - cell_len(mark)), ids_whole=True)
        indent = "\n" + " " * cell_len(mark)
        console.print(Text(mark + body.replace("\n", indent)), overflow="fold")
    if shown.absent:
        console.print(Text(_unglued(_absent_line(table.absent_label, shown.absent, width))), overflow="fold")


# The no-data line names at most this many lines of places, then "…" (its count says how many;
# --all or CSV lists them all): a base of 3,000 places would otherwise print pages of names.
_ABSENT_LINES = 3


def _absent_line(label: str, names: List[str], width: int) -> str:
    """ "无数据 (15): 上海, 东莞, …", folded between names to `width`."""
    prefix = f"{printable(label)} ({len(names)}): "
    glued = [name.replace(" ", _GLUE) for name in names]
    whole = _fold(prefix + ", ".join(glued), width, atomic=True)
    if whole.count("\n") < _ABSENT_LINES:
        return whole
    shown = ""
    for count in range(1, len(glued)):
        trial = _fold(prefix + ", ".join(glued[:count]) + ", …", width, atomic=True)
        if trial.count("\n") >= _ABSENT_LINES:
            break
        shown = trial
    return shown or _fold(prefix + "…", width, atomic=True)


_GLUE = "\u00a0"  # a no-break space: a legend entry or a name folds whole


def _unglued(text: str) -> str:
    """Folded lines with plain spaces again (each already fits: nothing wraps them after)."""
    return text.replace(_GLUE, " ")


# Prose folds between characters, but never inside a figure (超2800家, 最高100万元/年, 2025-02-14),
# a Latin word or an id: each of those is one token.
_FIGURE = (
    r"\[\[|\]\]|\[[0-9]+\]|[(（][^()（）\s]{1,4}[)）]|"  # a quote's marks, a footnote marker, (总额)
    r"(?:约|超过|超|近|逾|突破|最高|最多|不超过|不少于|不低于|不到|达|第)?"
    r"[0-9０-９][0-9０-９.,，/:\-]*(?:万亿|亿|万|千)?(?:余|多)?"
    r"(?:EFLOPS|PFLOPS|TFLOPS|亿元|万元|[%％元家个款台项名人所座条件次位只倍年月日卡张宗成])?(?:以上|左右)?"
    r"(?:/年|/项目)?[*~]?"  # a date's mark: 2025-03*
)
# A run of Latin letters, digits and signs is one token when it holds a letter or digit. Only a
# few signs may lead the first letter: "[^…]*[A-Za-z0-9]" tried the whole run from each of its
# positions, and a 60,000-character name without a letter took 100 s to fold (quadratic).
_LATIN = r"|[^ \t\n\u3000-\u9fff\uff00-\uffefA-Za-z0-9]{0,32}[A-Za-z0-9][^ \t\n\u3000-\u9fff\uff00-\uffef]*|[ \t]+|."
# The patterns are written over the CJK block (U+3000-U+9FFF) but compiled over the few of its
# characters they name: the figure words (约, 万, 元 …), the ideographic space (which \s matches)
# and 〇, as which every other character of the block is read (`_tokens`). A class spanning the
# block costs ~1 ms to compile at each use, on every table drawn (re fills it entry by entry);
# a class of the ~50 named characters ~0.1 ms. Tokens are cut from the original text.
_FOLDED = "\u3007"
_NAMED = "".join(sorted({c for c in _FIGURE if "\u3000" <= c <= "\u9fff"} | {"\u3000", _FOLDED}))


def _over_named(source: str) -> LazyPattern:
    return LazyPattern(source.replace(r"\u3000-\u9fff", _NAMED), re.S)


# In a cell, a compound of letters folds after its hyphen or slash (corpus-/opening,
# enterprise/industry); under the table a note may name an id (mini-late), which never folds.
# The compound is found whole (a pattern finding each piece looked ahead over the rest of it:
# 10 s for a 64,000-letter compound) and cut into pieces in a cell (`_tokens`); one pattern
# serves both (a second, for notes, cost ~0.8 ms to compile). A test checks both against the
# patterns written piece by piece.
_TOKEN = _over_named(_FIGURE + r"|(?P<compound>[A-Za-z]+(?:[-/][A-Za-z]+)+)(?![^ \t\n\u3000-\u9fff])" + _LATIN)


class _Folding(dict):
    """str.translate's table from a character to what the patterns read (see _NAMED), filled as
    characters are met (a table of the whole block would cost what the class did). Characters
    beyond the Basic Multilingual Plane are never in the block and never kept."""

    def __missing__(self, code: int) -> int:
        read = ord(_FOLDED) if 0x3000 <= code <= 0x9FFF and chr(code) not in _NAMED else code
        if code < 0x10000:
            self[code] = read
        return read


_FOLDING = _Folding()


def _tokens(paragraph: str, ids_whole: bool = False) -> List[str]:
    """The tokens of one paragraph (no line break) as _TOKEN, written over the CJK block, finds
    them; a compound cut after each hyphen or slash, unless `ids_whole` (a note)."""
    folded = paragraph if paragraph.isascii() else paragraph.translate(_FOLDING)
    tokens: List[str] = []
    for match in _TOKEN.finditer(folded):
        start, end = match.span()
        if match.lastgroup != "compound" or ids_whole:
            tokens.append(paragraph[start:end])
            continue
        for position in range(start, end):
            if paragraph[position] in "-/":
                tokens.append(paragraph[start : position + 1])
                start = position + 1
        tokens.append(paragraph[start:end])
    return tokens


# Only ASCII blanks separate words: a no-break space (U+00A0) keeps "over CNY 450 bn" whole.
_WORDS = re.compile(r"[^ \t\n]+|[ \t]+")


def _fold(text: str, width: int, atomic: bool = False, ids_whole: bool = False) -> str:
    """Wrap to `width` cells between tokens (between words in a never-split column); a token
    wider than the column stays whole."""
    return "\n".join(line for paragraph in text.split("\n") for line in _wrap(paragraph, width, atomic, ids_whole))


def _wrap(paragraph: str, width: int, atomic: bool, ids_whole: bool) -> List[str]:
    """The lines of one paragraph (no line break) at `width`."""
    if cell_len(paragraph) <= width:
        # One line: what `_wrapped` makes of it, without cutting it into tokens (~25 µs a cell,
        # and compiling _TOKEN ~0.9 ms at the first): a table that fits pays for neither.
        return [paragraph.rstrip()]
    return _wrapped(paragraph, width, atomic, ids_whole)


def _wrapped(paragraph: str, width: int, atomic: bool, ids_whole: bool) -> List[str]:
    lines = []
    line, used = "", 0
    for token in _WORDS.findall(paragraph) if atomic else _tokens(paragraph, ids_whole):
        size = cell_len(token)
        if used + size > width and line.strip(" \t"):  # a line of ink: not blanks alone
            lines.append(line.rstrip())
            line, used = ("", 0) if not token.strip(" \t") else (token, size)
            continue
        line, used = line + token, used + size
    lines.append(line.rstrip())
    return lines


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


def _intact(text: str, shown: "_Shown", width: int) -> bool:
    """Nothing cropped, no line wider than the terminal, every word of a never-split column on one line."""
    lines = text.splitlines()
    if any(cell_len(line.rstrip()) > width for line in lines):
        return False
    if _ink("".join(cell for cells in shown.cells for cell in cells)) - _ink(text):
        return False
    # The drawn words, gathered once: looking each cell's words up line by line took time in
    # rows × lines (12 s for 6,000 places), and a piece of a word ("[1]" of "[11]") passed for it.
    drawn = {word for line in lines for word in _WORDS.findall(line)}
    for i, column in enumerate(shown.columns):
        if not column.atomic:
            continue
        for cells in shown.cells:
            for word in _WORDS.findall(cells[i]):
                if not word.isspace() and word not in drawn:
                    return False
    return True


# A name or scope folds into pieces of at least this many cells (four Chinese characters) while
# another column has room to spare; only a figure, id or word wider than the rest may take more.
_PIECE = 8


def _widths(shown: "_Shown", width: int) -> Optional[List[int]]:
    """Column widths that fit `width`: each column as wide as its widest line when all fit (no
    cell folds), else given by need (`_by_need`); None when even the narrowest do not fit."""
    texts = [[header] + [cells[i] for cells in shown.cells] for i, header in enumerate(shown.headers)]
    natural = [max(cell_len(line) for text in column_texts for line in text.split("\n")) for column_texts in texts]
    available = width - 2 * (len(shown.columns) - 1)  # two spaces between columns, none at the edges
    if sum(natural) <= available:
        return natural  # what spreading by need ends with when all fit, without measuring a token
    return _by_need(shown, texts, natural, available)


def _by_need(shown: "_Shown", texts: List[List[str]], natural: List[int], available: int) -> Optional[List[int]]:
    """Each column starts at the narrowest it can fold to (a never-split column as wide as its
    longest word, prose to _PIECE cells or its longest figure); then the spare cells go, a few
    at a time, where they save the most: rows first, then pieces of names under _PIECE cells,
    then cell lines. None when even the narrowest does not fit. `texts`: each column's header
    and cells; `natural`: each column's widest line."""
    # The header is prose (it folds between characters); cells of a never-split column between
    # words. Equal cells ("—", "[1]", a place) are measured once.
    headers = [_sizes(header, False) for header in shown.headers]
    sizes = [
        {text: _sizes(text, column.atomic) for text in column_texts[1:]}
        for column, column_texts in zip(shown.columns, texts)
    ]
    floor = [
        _floor(column, [headers[i], *sizes[i].values()], shown.headers[i], natural[i])
        for i, column in enumerate(shown.columns)
    ]
    if sum(floor) > available:
        return None
    cache: Dict[Tuple[int, int], Tuple[List[int], int]] = {}

    def measure(i: int, w: int) -> Tuple[List[int], int]:
        """Each cell's lines (the header first) and the pieces of names under _PIECE, at width w."""
        if (i, w) not in cache:
            counted = {text: _count(measured, w) for text, measured in sizes[i].items()}
            lines = [_count(headers[i], w)[0]] + [counted[text][0] for text in texts[i][1:]]
            shorts = 0 if shown.columns[i].atomic else sum(counted[text][1] for text in texts[i][1:])
            cache[(i, w)] = (lines, shorts)
        return cache[(i, w)]

    return _spread(floor, natural, available - sum(floor), measure)


def _floor(column, tokens, header: str, natural: int) -> int:
    """The narrowest a column can fold to: its longest token (word, in a never-split column),
    prose at least _PIECE cells (when longer), paragraphs _PARAGRAPH, a header in pieces of two."""
    header_token, cell_token = (
        max((size for text in texts for _, paragraph in text for size, _, _ in paragraph), default=1)
        for texts in (tokens[:1], tokens[1:])
    )
    header_floor = max(header_token, min(cell_len(header), 4))  # "特殊/比例", never "来/源"
    if column.atomic:
        return max(header_floor, cell_token)
    cell = max(cell_token, min(natural, _PIECE))
    if natural > 3 * _PARAGRAPH:
        cell = max(cell, _PARAGRAPH)  # a quoted paragraph in a narrow column reads as a list of words
    return max(header_floor, cell)


def _spread(widths: List[int], natural: List[int], spare: int, measure) -> List[int]:
    """Spare cells given where they save the most per cell: at each step every column's every
    wider width is tried (a long title saves its lines only once it is much wider)."""
    widths = list(widths)
    measures = [measure(i, w) for i, w in enumerate(widths)]
    while spare > 0:
        rows = list(zip(*(lines for lines, _ in measures)))
        best: Optional[Tuple[float, int, int]] = None
        for i in range(len(widths)):
            # each row's height without this column, so that a trial costs one pass over the rows
            others = [max(row[:i] + row[i + 1 :], default=0) for row in rows]
            base = sum(max(o, row[i]) for o, row in zip(others, rows))
            before = measures[i]
            previous = before
            for w in range(widths[i] + 1, min(natural[i], widths[i] + spare) + 1):
                trial = measure(i, w)
                if trial == previous:
                    continue
                previous = trial
                lines, short = trial
                saved = (
                    (base - sum(max(o, n) for o, n in zip(others, lines))) * 10_000
                    + (before[1] - short) * 5_000
                    + (sum(before[0]) - sum(lines))
                )
                gain = saved / (w - widths[i])
                if saved > 0 and (best is None or gain > best[0]):
                    best = (gain, i, w)
        if best is None:
            break
        _, i, w = best
        spare -= w - widths[i]
        widths[i] = w
        measures[i] = measure(i, w)
    return widths


# A column of paragraphs (a line over three times this) gets this many cells at least, or the
# records are stacked: a quote folded into 22 cells reads as a list of words.
_PARAGRAPH = 40


Tokens = List[Tuple[int, bool, int]]


def _sizes(text: str, atomic: bool) -> List[Tuple[int, Tokens]]:
    """Each paragraph's cells and tokens as (cells, blank, cells of Chinese name characters):
    what _fold wraps, measured once."""
    paragraphs = []
    for paragraph in text.split("\n"):
        found = _WORDS.findall(paragraph) if atomic else _tokens(paragraph)
        tokens = [(cell_len(token), not token.strip(" \t"), _han_cells(token)) for token in found]
        paragraphs.append((sum(size for size, _, _ in tokens), tokens))
    return paragraphs


def _count(paragraphs: List[Tuple[int, Tokens]], width: int) -> Tuple[int, int]:
    """How many lines _fold makes of these tokens at `width` (the same rule, without the text),
    and how many of them hold a piece of a name shorter than _PIECE cells (of a longer name)."""
    total, shorts = 0, 0
    for cells, tokens in paragraphs:
        if cells <= width:  # one line: nothing folds
            total += 1
            continue
        whole = min(_PIECE, sum(han for _, _, han in tokens))
        lines, used, ink, han_in_line = 1, 0, False, 0
        for size, blank, han in tokens:
            if used + size > width and ink:
                lines += 1
                shorts += 0 < han_in_line < whole
                used, ink, han_in_line = (0, False, 0) if blank else (size, True, han)
                continue
            used += size
            ink = ink or not blank
            han_in_line += han
        total += lines
        shorts += lines > 1 and 0 < han_in_line < whole
    return total, shorts


# What is not part of a name's run of characters: markers and bracketed words, then anything but
# Han (figures, Latin, blanks) by a range test: a class spanning the block costs ~0.8 ms to compile.
_MARKED = re.compile(r"\[[0-9]+\]|[(（][^()（）]*[)）]")


def _han_cells(token: str) -> int:
    """The cells of the Chinese name characters of a token, outside markers and brackets."""
    return cell_len("".join(c for c in _MARKED.sub("", token) if "\u3400" <= c <= "\u9fff"))


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


def _stacked(console: Console, table, shown: "_Shown", bar=None) -> None:
    """One block per record, a "header  value" line per column: legible at 40 columns."""
    _title(console, table, console.width)
    if not shown.rows and not shown.absent:  # else the no-data line says it
        console.print(Text(printable(table.empty)))
    # A header may be data (compare's place names): past half the width it folds, so that the
    # values keep room (a 76-letter name left them one column: a character a line).
    label = min(max((cell_len(h) for h in shown.headers), default=0), max(8, console.width // 2 - 2))
    room = max(8, console.width - label - 2)
    for row, cells in zip(shown.rows, shown.cells):
        console.rule(style="dim")
        block = RichTable.grid(padding=(0, 2))
        block.add_column(style="bold", width=label, overflow="fold")
        block.add_column(overflow="fold")
        for column, header, cell in zip(shown.columns, shown.headers, cells):
            block.add_row(Text(_fold(header, label)), Text(_fold(cell, room, column.atomic)))
        if bar:
            block.add_row(Text(""), bar(row))
        console.print(block)
    console.print()
