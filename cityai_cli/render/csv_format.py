"""CSV (RFC 4180, CRLF line ends, UTF-8), one header of stable English keys, tidy by default.

A command with several tables (show, extract) writes its primary one, or the one `--table`
chose (one rectangular table per file); the command says on stderr which others it left out.
No JSON in a cell: a list of records becomes a count (`citations` -> `citation_count`) or its
codes or figures joined with ";", and `--citations` writes one row per citation instead. A date
is the last day it covers (YYYY-MM-DD) with `<date>_precision` beside it. docs/columns.md lists
the columns. Text that a spreadsheet would execute as a formula (starting with = + - @ tab or
CR) is prefixed with ' (OWASP), in every cell, header included; control characters are escaped
(\x1b) as in the other formats; numeric columns stay numbers.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from functools import lru_cache
from itertools import islice, repeat
from operator import itemgetter, methodcaller
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from ..core.errors import UsageError
from ..core.figures.dates import span
from ..core.figures.quantity import MEMO_LIMIT, plain, remembered
from ..core.report import Column, Report, public
from ..core.text import printable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CITATION_FIELDS = ("source", "quote", "value", "note")


def chunks(report: Report, options) -> Iterator[str]:
    """The header, then the rows in pieces of _CHUNK rows (a refused --citations is raised first)."""
    # One rectangular table per file: a command with several tables writes its primary one
    # (show: the facts; extract: the candidates); --table chooses another (Report.only).
    table = report.tables[report.primary]
    rows: Iterable[dict] = table.rows
    fields = [field for column in table.columns for field in tidy_fields(column)]
    if options.citations:
        fields, rows = _per_citation(fields, table.rows)
    yield _lines([[csv_field(text_cell(header)) for header, _, _ in fields]])
    # Column by column (a 3,000-row table has ~100,000 cells); text, most cells, is looked up in
    # _FIELDS directly, anything else goes through cell(). In chunks of rows, written as they are
    # made, so that the cells and text of a long table (conflicts at scale: 100,000 rows) are
    # never all held at once.
    pending = iter(rows)
    while True:
        chunk = list(islice(pending, _CHUNK))
        if not chunk:
            return
        yield _lines(zip(*[_fields(_values(get, chunk), kind) for _, get, kind in fields]))


def _lines(rows: Iterable[Iterable[str]]) -> str:
    """Rows of CSV fields (`csv_field`) as CRLF lines. A line that is empty (a row of one empty
    field) is written `""`, as csv.writer writes it, so that it stays a row."""
    lines = list(map(",".join, rows))
    if "" in lines:
        lines = [line or '""' for line in lines]
    return "\r\n".join(lines) + "\r\n" if lines else ""


class _Key:
    """A row's value of `key` (None when it has none): most columns. `_values` reads such a
    column without a Python call per row (a 3,000-row subsidies table has ~140,000 cells)."""

    __slots__ = ("key",)

    def __init__(self, key: str):
        self.key = key

    def __call__(self, row: dict) -> Any:
        return row.get(self.key)


class _Of:
    """A field made from a column's value (its count, its last day): `function(get(row))`.
    `_values` reads the column as a column (one lookup per row for a key's), then applies
    `function` to each value."""

    __slots__ = ("get", "function")

    def __init__(self, get: Callable[[dict], Any], function: Callable[[Any], Any]):
        self.get = get
        self.function = function

    def __call__(self, row: dict) -> Any:
        return self.function(self.get(row))


def _values(get: Callable[[dict], Any], rows: list) -> list:
    cls = get.__class__
    if cls is _Key:
        return list(map(dict.get, rows, repeat(get.key, len(rows))))  # type: ignore[attr-defined]
    if cls is _Of:
        return list(map(get.function, _values(get.get, rows)))  # type: ignore[attr-defined]
    return [get(row) for row in rows]


_CHUNK = 4096


Field = Tuple[str, Callable[[dict], Any], str]  # (header, the value of a row, kind)


def tidy_fields(column: Column) -> List[Field]:
    """The CSV columns one table column becomes: most stay one; a list of records becomes its
    count or its codes joined; a date becomes its last day and its precision."""
    key = column.key
    get: Callable[[dict], Any] = column.value or _Key(key)
    name = key.rsplit("_", 1)[-1] if key.endswith(("_citations", "_flags")) else key
    prefix = key[: len(key) - len(name)]
    if name == "citations":
        return [(f"{prefix}citation_count", _Of(get, _count), "number")]
    if name == "conflicts":
        return [(f"{prefix}conflict_count", _Of(get, _conflict_count), "number")]
    if name == "flags":
        return [(key, _Of(get, _codes), "text")]
    if name == "special_rates":
        return [(key, _Of(get, _special_rates), "text")]
    if is_date(key):
        cells = _Of(get, _day_cells)
        return [(key, _Of(cells, itemgetter(0)), "text"), (f"{key}_precision", _Of(cells, itemgetter(1)), "text")]
    return [(key, get, column.kind)]


def _conflict_count(conflicts: Optional[list]) -> int:
    return len(conflicts or ())  # None: no conflict


def _codes(flags: Optional[list]) -> Optional[List[str]]:
    return [flag["code"] for flag in flags or []] or None


def _special_rates(rates: Optional[list]) -> Optional[List[str]]:
    return [_special_rate(rate) for rate in rates or []] or None


def _special_rate(rate: dict) -> str:
    """A special rate as one word of its cell: a programme's `rate [flag]`; a programme `extract`
    proposes has its condition as written first (`初创企业: 不超过60% [startup]`), as its table shows."""
    if "applies_to" in rate:
        return f"{rate['applies_to']}: {rate['value']} [{rate['flag']}]"
    return f"{rate['text']} [{rate['flag']}]"


def is_date(key: str) -> bool:
    return key in ("date", "set_on", "published") or key.endswith(("_date", "_set_on"))


def _count(records: Optional[list]) -> Optional[int]:
    return None if records is None else len(records)


@lru_cache(maxsize=4096)
def _day_cells(date: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """A date's last day and precision (`_day`), made once per distinct date: a table repeats a
    few dates (2024) thousands of times."""
    return _day(date, 2), _day(date, 0)


def _day(date: Optional[str], part: int) -> Optional[str]:
    """span(date)[part] (0: precision, 2: last day); a date that is no partial date as it is."""
    if not date:
        return None
    try:
        return span(date)[part]
    except ValueError:
        return date if part else None


def _per_citation(fields: List[Field], rows: list) -> Tuple[List[Field], Iterator[dict]]:
    """One row per citation: the row's fields, then the citation's (citation_source …); a row
    without citations once, with empty citation cells. The rows are made as they are written."""
    if not any(header == "citation_count" for header, _, _ in fields):
        raise UsageError("--citations: this table has no citations column (with compare or list, add --long)")
    kept = [field for field in fields if field[0] != "citation_count"]
    extra: List[Field] = [(f"citation_{name}", itemgetter_of(name), "text") for name in _CITATION_FIELDS]
    # a row without citations (a place without the figure) stays, its citation cells empty
    none: Tuple[dict, ...] = ({},)
    split = ({**row, "_citation": c} for row in rows for c in row.get("citations") or none)
    return kept + extra, split


def itemgetter_of(name: str) -> Callable[[dict], Any]:
    return lambda row: row["_citation"].get(name)


def _fields(values: list, kind: str) -> list:
    """The CSV fields of one column: each value's cell, quoted where CSV needs it. Text, most
    cells, is looked up in _FIELDS, numbers in _NUMBER_FIELDS (a number's cell holds nothing CSV
    quotes); the texts not found are made all at once (`_text_fields`)."""
    first = values[0] if values else None
    if (first is None or first.__class__ is str) and values.count(first) == len(values) > 1:
        return _fields([first], kind) * len(values)  # one text (or none) all down the column
    known, numbers = _FIELDS.get, _NUMBER_FIELDS.setdefault(kind, {}).get
    fields = [
        ""
        if value is None
        else known(value)
        if value.__class__ is str
        else numbers(value) or _number_field(value, kind)
        if value.__class__ in _NUMBERS
        else _field(value, kind)
        for value in values
    ]
    if None in fields:  # texts not seen before
        new = dict.fromkeys(value for value, field in zip(values, fields) if field is None)
        made = dict(zip(new, _text_fields(list(new))))
        if len(_FIELDS) < MEMO_LIMIT:  # bounded: at most a chunk's texts beyond the limit
            _FIELDS.update(made)
        fields = [made[value] if field is None else field for value, field in zip(values, fields)]
    return fields


def _text_fields(texts: List[str]) -> List[str]:
    """The fields of `texts` (`text_cell`, then `csv_field`), checked all at once: escaping and
    quoting act on characters, so when the texts joined need neither, no text does, and each is
    only guarded. (A column of 3,000 quotes: ~0.3 µs a text instead of ~1.)"""
    joined = "".join(texts)
    if printable(joined) == joined and csv_field(joined) == joined:
        return [_guarded(text) for text in texts] if any(map(_formula_like, texts)) else texts
    return [csv_field(text_cell(text, memo=False)) for text in texts]


# Numbers (exact class: a bool, equal to 0 or 1, is no number here) -> their cells, by column kind:
# a table repeats its amounts and rates row after row.
_NUMBERS = frozenset((Decimal, int))
_NUMBER_FIELDS: Dict[str, Dict[Any, str]] = {}


def _number_field(value: Any, kind: str) -> str:
    """A number's cell, remembered as `quantity.remembered` keeps numbers (equal numbers read the
    same, but not zero: -0 equals 0 and reads "-0")."""
    return remembered(_NUMBER_FIELDS[kind], value, value, cell(value, kind))


def _field(value: Any, kind: str) -> str:
    if value.__class__ is list and all(item.__class__ is str for item in value):
        text = _joined(value)  # a list of words has the cell of its words joined (`cell`)
        return _FIELDS.get(text) or _text_field(text)
    return csv_field(cell(value, kind))


def _joined(words: List[str]) -> str:
    return ";".join(words)


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
        return text_cell(_joined(value))
    value = public(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, int)) and kind == "number":
        return plain(Decimal(value))
    if isinstance(value, list) and all(isinstance(item, (str, int, Decimal)) for item in value):
        return cell(";".join(plain(item) if isinstance(item, Decimal) else str(item) for item in value), kind)
    if isinstance(value, (list, dict)):
        # nested records (citations, flags) stay structured: one JSON document in the cell
        return text_cell(_to_json()(value), memo=False)
    return text_cell(plain(value) if isinstance(value, Decimal) else str(value))


_SEEN: dict = {}  # text -> its cell: lists joined (sources) repeat, row after row


def text_cell(text: str, memo: bool = True) -> str:
    """Controls escaped, and a leading formula character defused with '. (memo: False for text
    that never repeats, a record's JSON, which would only fill the memo.)"""
    found = _SEEN.get(text) if memo else None
    if found is None:
        found = _guarded(printable(text))
        if memo and len(_SEEN) < MEMO_LIMIT:
            _SEEN[text] = found
    return found


def _guarded(shown: str) -> str:
    """Text a spreadsheet would run as a formula (= + - @ tab CR first) defused with '."""
    return "'" + shown if _formula_like(shown) else shown


_formula_like = methodcaller("startswith", _FORMULA_START)  # a C call, mapped over a column's texts


_FIELDS: dict = {}  # text -> its field: a column repeats its words (levels, units, sources) row after row


def _text_field(text: str) -> str:
    """A text value's field (`text_cell`, then `csv_field`), remembered (up to MEMO_LIMIT texts)."""
    found = csv_field(text_cell(text, memo=False))
    if len(_FIELDS) < MEMO_LIMIT:
        _FIELDS[text] = found
    return found


def csv_field(cell: str) -> str:
    """A cell as one field of a CSV row, quoted exactly as csv.writer quotes it (the excel
    dialect, minimal quoting): a cell holding , " CR or LF (or NUL, before Python 3.10) is put in
    double quotes, its own doubled; any other is the field as it is. Tests compare it with
    csv.writer, which is not imported to write CSV (~0.3 ms of every start). An empty cell never
    comes here: `_lines` writes a lone one as csv.writer does."""
    if '"' in cell or "," in cell or "\n" in cell or "\r" in cell or (_QUOTES_NUL and "\x00" in cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


_QUOTES_NUL = sys.version_info < (3, 10)  # csv.writer's own rule, which changed in 3.10


def _json_number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


@lru_cache(maxsize=None)
def _to_json():
    """One encoder for every cell (json.dumps with options builds a new one per call; records
    are trees built by the queries, never cyclic), made when a cell first holds one: most CSV
    has none, and importing json costs a start ~1 ms."""
    # lazy: see above
    import json

    return json.JSONEncoder(ensure_ascii=False, default=_json_number, check_circular=False).encode
