"""The Python API, for notebooks and scripts: the same queries as the commands, as records.

    >>> from cityai_cli import api
    >>> table = api.rank("产业规模")            # the bundled base; api.load(path, with_=[…]) for another
    >>> table.rows[0]["unit"]                     # the records `cityai rank … -f json` writes
    'CNY'

Each call returns a `Table`: `.rows` are the records the CLI's JSON holds (machine keys, numbers
as int or float, citations nested); `.to_rows()` the flat rows its CSV holds (no nesting; a
date as its last day with its precision), for `pandas.DataFrame`. Names are resolved as on the
command line (深圳, shenzhen; 产业规模, industry_scale). Nothing exits the process: a bad name or
argument raises `UsageError`, a bad base `DataError` (both in cityai_cli.core.errors).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Union

from .core.base.paths import default_data_path, layer_paths
from .core.cache.store import open_base
from .core.errors import DataError, UsageError
from .core.figures.dates import PartialDate
from .core.figures.quantity import FigureError, parse_amount
from .core.name_index import check_flags, group_index, metric_index, place_index, resolve_places, subsidy_type_index
from .core.query.cite import cite_fact, cite_programme
from .core.query.common import Result
from .core.query.compare import compare as _compare
from .core.query.conflicts import list_conflicts
from .core.query.long import long_form
from .core.query.rank import rank as _rank
from .core.query.subsidies import list_programmes
from .core.query.targets import list_targets
from .render.csv_format import tidy_fields
from .view import view
from .view.words import LANGS

__all__ = [
    "DataError",
    "KnowledgeBase",
    "Table",
    "UsageError",
    "cite",
    "compare",
    "conflicts",
    "load",
    "rank",
    "subsidies",
    "targets",
]

PathLike = Union[str, Path]
LEVELS = ("country", "province", "city", "district", "all")


class Table:
    """One table of records: `rows` as the CLI's JSON, `to_rows()` as its CSV; `name` and
    `title` as the command shows them."""

    def __init__(self, name: str, title: str, rows: List[Dict[str, Any]], flat: List[Dict[str, Any]]):
        self.name = name
        self.title = title
        self.rows = rows
        self._flat = flat

    def to_rows(self) -> List[Dict[str, Any]]:
        return [dict(row) for row in self._flat]

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"Table({self.name!r}, {len(self.rows)} rows)"


def _number(value: Any) -> Any:
    """A value as JSON gives it back: a Decimal as int or float, nested lists and dicts likewise."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_number(item) for item in value]
    if isinstance(value, dict):
        return {key: _number(item) for key, item in value.items()}
    return value


def _flat(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ";".join(value)
    return _number(value)


class KnowledgeBase:
    """A loaded base (`load`); each method is the command of the same name."""

    def __init__(self, opened: Any, lang: str = "zh"):
        self._opened = opened
        self.base = opened.base
        self.lang = lang

    # -- the queries
    def rank(
        self,
        metric: str,
        top: Optional[int] = None,
        level: str = "city",
        region: Optional[str] = None,
        as_of: Optional[str] = None,
        kind: str = "actual",
        window: int = 12,
    ) -> Table:
        """window: compare figures dated at most this many months apart (`--window`)."""
        if level not in LEVELS:
            raise UsageError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
        if kind not in ("actual", "target", "forecast"):
            raise UsageError(f"kind must be actual, target or forecast, got {kind!r}")
        chosen = metric_index(self.base).resolve(_name(metric, "metric"))
        level_ = None if level == "all" else level
        result = _rank(self.base, chosen, level_, _top(top), kind, self._region(region), _date(as_of), _window(window))
        return self._table(result)

    def compare(
        self,
        *places: str,
        metrics: Sequence[str] = (),
        as_of: Optional[str] = None,
        window: int = 12,
        long: bool = False,
    ) -> Table:

        index, metric_names = place_index(self.base), metric_index(self.base)
        chosen = [metric_names.resolve(m) for m in _names(metrics, "metrics")] or None
        resolved = [index.resolve(_name(p, "place")) for p in places]
        result = _compare(self.base, resolved, chosen, _date(as_of), _window(window))
        return self._table(long_form(result) if long else result)

    def subsidies(
        self,
        spend: Union[str, int, Decimal, None] = None,
        types: Sequence[str] = (),
        cities: Sequence[str] = (),
        region: Optional[str] = None,
        eligible: Sequence[str] = (),
        top: Optional[int] = None,
        funds: bool = False,
    ) -> Table:
        """spend: an amount in yuan (300万, "3000000" or 3000000); eligible: special-rate flags
        (startup …); funds: the investment funds instead (`cityai funds`)."""
        if funds and (spend is not None or eligible):
            raise UsageError("a fund is an investment vehicle: it has no payout to estimate (spend, eligible)")
        flags = _names(eligible, "eligible")
        check_flags(self.base, flags, "eligible")
        kinds = [subsidy_type_index(self.base).resolve(t) for t in _names(types, "types")]
        places = resolve_places(self.base, _names(cities, "cities")) or None
        result = list_programmes(
            self.base, kinds, places, _amount(spend), flags, funds, self._region(region), _top(top)
        )
        return self._table(result)

    def targets(self, places: Sequence[str] = (), metric: Optional[str] = None, region: Optional[str] = None) -> Table:

        names = resolve_places(self.base, _names(places, "places")) or None
        chosen = metric_index(self.base).resolve(_name(metric, "metric")) if metric is not None else None
        return self._table(list_targets(self.base, names, chosen, self._region(region)))

    def conflicts(self, places: Sequence[str] = (), everything: bool = False) -> Table:
        """everything: also the figures that differ but may both hold (`--all`)."""
        chosen = resolve_places(self.base, _names(places, "places")) or None
        return self._table(list_conflicts(self.base, chosen, everything))

    def cite(self, name: str, metric: Optional[str] = None) -> Table:
        """The evidence of a place's metric, or (no metric) of a programme by its name."""
        read = self._opened.seed_text
        if metric is None:
            return self._table(cite_programme(self.base, _name(name, "programme"), read))
        place = place_index(self.base).resolve(_name(name, "place"))
        return self._table(cite_fact(self.base, place, metric_index(self.base).resolve(_name(metric, "metric")), read))

    # -- records as the renderers write them
    def _region(self, region: Optional[str]) -> Optional[str]:

        return (
            group_index(self.base, "regions", "region").resolve(_name(region, "region")) if region is not None else None
        )

    def _table(self, result: Result) -> Table:

        table = view(self.base, result, self.lang).tables[0]
        rows = [{column.key: _number(column.get(row)) for column in table.columns} for row in table.rows]
        fields = [field for column in table.columns for field in tidy_fields(column)]
        flat = [{header: _flat(get(row)) for header, get, _ in fields} for row in table.rows]
        return Table(table.name, table.title, rows, flat)


def _name(value: Any, what: str) -> str:
    """A name as the command line gives it: text (an int or None would fail deep in the index)."""
    if not isinstance(value, str):
        raise UsageError(f"{what}: expected a name (str), got {type(value).__name__} {value!r}")
    return value


def _names(values: Any, what: str) -> List[str]:
    """Names given as a list; one name alone (metrics="企业数") is that name, never its characters."""
    if isinstance(values, str):
        return [values]
    if values is None:
        return []
    try:
        return [_name(value, what) for value in values]
    except TypeError:
        raise UsageError(f"{what}: expected a list of names, got {type(values).__name__} {values!r}") from None


def _top(top: Optional[int]) -> Optional[int]:
    # a negative count sliced the rows from the end (top=-1: all but the last) where --top refuses it
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise UsageError(f"top: a number of rows from 1, got {top!r}")
    return top


def _date(text: Optional[str]):
    if text is None:
        return None

    try:
        return PartialDate.parse(text)
    except ValueError as error:
        raise UsageError(f"as_of: {error}") from None


def _window(months: int) -> int:
    if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 1200:
        raise UsageError(f"window: a number of months from 0 to 1200, got {months!r}")
    return months


def _amount(spend: Union[str, int, Decimal, None]) -> Optional[Decimal]:
    if spend is None:
        return None

    try:
        return parse_amount(str(spend))
    except FigureError as error:
        raise UsageError(str(error)) from None


def load(
    data: Optional[PathLike] = None, with_: Union[PathLike, Sequence[PathLike]] = (), lang: str = "zh"
) -> KnowledgeBase:
    """The bundled base (or `data`, a file or directory; CITYAI_DATA when set), with the bases of
    `with_` added, as `--data` and `--with` do; from the compiled cache when it is current.
    lang: "zh" or "en", the language of the label columns."""

    if lang not in LANGS:
        raise UsageError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    given: List[PathLike] = [with_] if isinstance(with_, (str, Path)) else list(with_)  # one path, not its characters
    layers = tuple(layer_paths([Path(p) for p in given] or None))
    return KnowledgeBase(open_base(default_data_path(str(data) if data is not None else None), layers), lang)


_DEFAULT: List[KnowledgeBase] = []  # the bundled base, loaded on the first module-level call


def _default() -> KnowledgeBase:
    if not _DEFAULT:
        _DEFAULT.append(load())
    return _DEFAULT[0]


def rank(metric: str, **options: Any) -> Table:
    """`KnowledgeBase.rank` on the bundled base."""
    return _default().rank(metric, **options)


def compare(*places: str, **options: Any) -> Table:
    """`KnowledgeBase.compare` on the bundled base."""
    return _default().compare(*places, **options)


def subsidies(spend: Union[str, int, Decimal, None] = None, **options: Any) -> Table:
    """`KnowledgeBase.subsidies` on the bundled base."""
    return _default().subsidies(spend, **options)


def targets(places: Sequence[str] = (), **options: Any) -> Table:
    """`KnowledgeBase.targets` on the bundled base."""
    return _default().targets(places, **options)


def conflicts(places: Sequence[str] = (), everything: bool = False) -> Table:
    """`KnowledgeBase.conflicts` on the bundled base."""
    return _default().conflicts(places, everything)


def cite(name: str, metric: Optional[str] = None) -> Table:
    """`KnowledgeBase.cite` on the bundled base."""
    return _default().cite(name, metric)
