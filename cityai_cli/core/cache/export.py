"""`cityai export --sqlite FILE`: the knowledge base as a typed SQLite file for other tools.

A derived form of the compiled base, not the cache: the cache keeps exact decimals as text (the
figure grammar is Decimal-based and is read back unchanged); here figures are REAL (and also
`value_exact`, the decimal as text), units are the machine vocabulary, each date has its
precision, first and last day, lists are joined with ";". Each table is derived from its
record's declaration in facts.py (`Exported`: typed columns per declared type, `TYPED`), with
the ids, positions and counts it adds; the DDL, the inserts and Datasette's metadata.json all
come from there. docs/design.md ("Typed export") says why.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Tuple

from ..facts import AbstractBase
from ..figures.dates import span
from ..figures.quantity import Quantity, plain
from ..figures.rules import headline
from ..query.common import MACHINE_UNITS
from ..records import Citation, Fact, MetricDef, PlaceDef, Policy, Programme, ScopeDef, SourceDef, SubsidyTypeDef, Term
from .compiled import HELD, QUANTITY, declared

Column = Tuple[str, str]  # (name, SQL type and constraints)


def number(value: Optional[Decimal]) -> Optional[float]:
    return None if value is None else float(value)


def quantity_row(q: Quantity) -> tuple:
    return (number(q.value), number(q.upper), plain(q.value), MACHINE_UNITS[q.dimension], q.bound, q.text, q.unit)


def date_row(date: Optional[str]) -> tuple:
    return (None, None, None, None) if date is None else (str(date), *span(date))


_QUANTITY_PARTS = (("", "REAL NOT NULL"), ("_max", "REAL"), ("_exact", "TEXT NOT NULL"))
_QUANTITY_WORDS = ("unit", "bound", "text", "unit_word")  # named alone for a field named value
_DATE_PARTS = ("", "_precision", "_start", "_end")


def _quantity_columns(name: str) -> List[Column]:
    words = _QUANTITY_WORDS if name == "value" else tuple(f"{name}_{word}" for word in _QUANTITY_WORDS)
    return [(name + suffix, kind) for suffix, kind in _QUANTITY_PARTS] + [(word, "TEXT NOT NULL") for word in words]


# declared type -> (its columns, the values of one field)
TYPED: Dict[str, Tuple[Callable[[str], List[Column]], Callable[[Any], tuple]]] = {
    "str": (lambda name: [(name, "TEXT NOT NULL")], lambda value: (value,)),
    "Optional[str]": (lambda name: [(name, "TEXT")], lambda value: (value,)),
    "bool": (lambda name: [(name, "INTEGER NOT NULL")], lambda value: (int(value),)),
    "int": (lambda name: [(name, "INTEGER NOT NULL")], lambda value: (value,)),
    "Optional[int]": (lambda name: [(name, "INTEGER")], lambda value: (value,)),
    "Tuple[str, ...]": (lambda name: [(name, "TEXT NOT NULL")], lambda words: (";".join(words),)),
    "PartialDate": (lambda name: [(name + part, "TEXT") for part in _DATE_PARTS], date_row),
    "Optional[PartialDate]": (lambda name: [(name + part, "TEXT") for part in _DATE_PARTS], date_row),
    QUANTITY: (_quantity_columns, quantity_row),
}


class Exported:
    """A record type as an export table: `head` columns (ids, positions, owners), one or more
    typed columns per declared field (held records have tables of their own), `tail` columns
    (what the export adds: counts, marks). `keys`: a column's constraint."""

    def __init__(
        self,
        table: str,
        record: type,
        head: Tuple[Column, ...] = (),
        tail: Tuple[Column, ...] = (),
        keys: Optional[Dict[str, str]] = None,
    ):
        self.table, keys = table, keys or {}
        fields = [(name, kind) for name, kind in declared(record) if kind not in HELD]
        own = [column for name, kind in fields for column in TYPED[kind][0](name)]
        self.columns: List[Column] = [
            (name, f"{kind} {keys[name]}" if name in keys else kind) for name, kind in (*head, *own, *tail)
        ]
        self._fields = [(attrgetter(name), TYPED[kind][1]) for name, kind in fields]

    def row(self, item: Any, head: tuple = (), tail: tuple = ()) -> tuple:
        values: List[Any] = list(head)
        for get, typed in self._fields:
            values.extend(typed(get(item)))
        return (*values, *tail)


_ID = ("id", "INTEGER PRIMARY KEY")
_POSITION = ("position", "INTEGER NOT NULL")
_PLACE = {"place": "REFERENCES places(name)"}
_SOURCE = {"source": "REFERENCES sources(key)"}
_CITED = (("citation_count", "INTEGER NOT NULL"), ("sources", "TEXT NOT NULL"))
EXPORTED: Dict[str, Exported] = {
    "metrics": Exported(
        "metrics", MetricDef, (_POSITION,), (("machine_unit", "TEXT NOT NULL"),), keys={"key": "PRIMARY KEY"}
    ),
    "scopes": Exported(
        "scopes", ScopeDef, (("metric", "TEXT NOT NULL"), _POSITION), keys={"metric": "REFERENCES metrics(key)"}
    ),
    "subsidy_types": Exported("subsidy_types", SubsidyTypeDef, (_POSITION,), keys={"key": "PRIMARY KEY"}),
    "sources": Exported("sources", SourceDef, (_POSITION,), keys={"key": "PRIMARY KEY"}),
    "places": Exported("places", PlaceDef, (_POSITION,), keys={"name": "PRIMARY KEY"}),
    "facts": Exported(
        "facts",
        Fact,
        (_ID,),
        (("latest", "INTEGER NOT NULL"), *_CITED),
        keys={**_PLACE, "metric": "REFERENCES metrics(key)"},
    ),
    "policies": Exported("policies", Policy, (_ID,), _CITED, keys=_PLACE),
    "programmes": Exported(
        "programmes", Programme, (_ID,), _CITED, keys={**_PLACE, "type": "REFERENCES subsidy_types(key)"}
    ),
    "terms": Exported(
        "terms",
        Term,
        (_ID, ("programme", "INTEGER NOT NULL"), ("role", "TEXT NOT NULL"), _POSITION),
        keys={**_SOURCE, "programme": "REFERENCES programmes(id)"},
    ),
    "citations": Exported(
        "citations",
        Citation,
        (_ID, ("fact", "INTEGER"), ("policy", "INTEGER"), ("programme", "INTEGER"), _POSITION),
        keys={
            **_SOURCE,
            "fact": "REFERENCES facts(id)",
            "policy": "REFERENCES policies(id)",
            "programme": "REFERENCES programmes(id)",
        },
    ),
}
TABLES: Dict[str, List[Column]] = {"meta": [("key", "TEXT PRIMARY KEY"), ("value", "TEXT")]}
TABLES.update((name, exported.columns) for name, exported in EXPORTED.items())

# What a column means (Datasette shows it): by name, the same in every table that has it.
ABOUT = {
    "value": "the figure in `unit` (a range: its lower end; a ratio: 0.5 for 50%)",
    "value_max": "a range's upper end, else NULL",
    "value_exact": "`value` as an exact decimal",
    "unit": "count, CNY, USD, PFLOPS, ratio, rank, parameters, number or member",
    "bound": "exact, approx, lower (超), at_least (不少于), upper (最高) or range",
    "text": "the figure as the source writes it",
    "unit_word": "the unit as the source counts it (家, 个 …; CNY, PFLOPS, ratio otherwise)",
    "date": "ISO date as precise as the source (2024, 2024-12, 2024-12-31); a target: its deadline",
    "set_on": "a target: when it was set (ISO, as precise as the source)",
    "published": "publication date (ISO, as precise as the source)",
    "date_basis": "stated, published or inferred",
    "latest": "1: the place's headline figure of its metric, kind and scope (rules.headline)",
    "citation_count": "how many quotes support it",
    "sources": "cited source ids, joined with ;",
    "kind": "actual, target or forecast",
    "scope": "what exactly is counted (scopes.key)",
    "role": "pool (CNY), rate (ratio), cap (CNY) or special (a special rate)",
    "position": "curated order (scopes: 0 is the metric's main scope)",
    "period": "the period it is per or covers, as written",
    "quote": "verbatim quote from the source",
    "regions": "regions it belongs to, joined with ;",
    "aliases": "other names, joined with ;",
    "keywords": "words that find it, joined with ;",
    "higher_is_better": "1 when a larger figure ranks first",
    "machine_unit": "the unit of its figures in `value` (count, CNY, PFLOPS, ratio …)",
    "category": "voucher, subsidy, prize or fund",
    "level": "country, province, city or district",
}
for _stem in ("date", "set_on", "published"):
    ABOUT[f"{_stem}_precision"] = "year, month or day"
    ABOUT[f"{_stem}_start"] = f"first day {_stem} covers (YYYY-MM-DD)"
    ABOUT[f"{_stem}_end"] = f"last day {_stem} covers (YYYY-MM-DD)"
LABELS = {"metrics": "zh", "scopes": "zh", "subsidy_types": "key", "sources": "title", "places": "name"}

VIEWS = {
    "latest_facts": (
        "each place's latest (headline) figure per metric, kind and scope",
        "SELECT f.place, p.level, f.metric, m.zh AS metric_zh, f.kind, f.scope, f.value, f.value_max, f.unit, "
        "f.bound, f.text, f.date, f.date_precision, f.date_start, f.date_end, f.sources "
        "FROM facts f JOIN places p ON p.name = f.place JOIN metrics m ON m.key = f.metric WHERE f.latest = 1",
    ),
    "programme_terms": (
        "one row per programme: pool (CNY), rate (ratio) and cap (CNY) side by side",
        "SELECT g.id, g.place, g.type, t.category, g.name, g.date, "
        "pool.value AS pool, pool.period AS pool_period, rate.value AS rate, rate.bound AS rate_bound, "
        "cap.value AS cap, cap.bound AS cap_bound, cap.period AS cap_period, "
        "(SELECT count(*) FROM terms s WHERE s.programme = g.id AND s.role = 'special') AS special_rates "
        "FROM programmes g JOIN subsidy_types t ON t.key = g.type "
        "LEFT JOIN terms pool ON pool.programme = g.id AND pool.role = 'pool' "
        "LEFT JOIN terms rate ON rate.programme = g.id AND rate.role = 'rate' "
        "LEFT JOIN terms cap ON cap.programme = g.id AND cap.role = 'cap'",
    ),
}
_INDEXES = (
    "CREATE INDEX facts_place_metric ON facts (place, metric)",
    "CREATE INDEX facts_latest ON facts (metric, latest)",
    "CREATE INDEX terms_programme ON terms (programme, role)",
    "CREATE INDEX citations_fact ON citations (fact)",
)


def schema() -> str:
    """The DDL, from TABLES and VIEWS."""
    statements = [
        f"CREATE TABLE {name} ({', '.join(f'{column} {kind}' for column, kind in columns)})"
        for name, columns in TABLES.items()
    ]
    statements += list(_INDEXES)
    statements += [f"CREATE VIEW {name} AS {sql}" for name, (_, sql) in VIEWS.items()]
    return ";\n".join(statements) + ";\n"


def datasette_metadata(database: str, title: str) -> dict:
    """Datasette's metadata (`datasette FILE -m FILE.metadata.json`): every table's and column's
    description, and the column that labels a row where another table points to it."""
    tables: Dict[str, dict] = {}
    for name, columns in TABLES.items():
        tables[name] = {"columns": {column: ABOUT[column] for column, _ in columns if column in ABOUT}}
        if name in LABELS:
            tables[name]["label_column"] = LABELS[name]
    for name, (about, _) in VIEWS.items():
        tables[name] = {"description": about}
    return {"title": title, "databases": {database: {"tables": tables}}}


def write(base: AbstractBase, target: Path, meta: Dict[str, str]) -> None:
    """Write `base` as the typed schema to a new file `target` (which must not exist)."""
    connection = sqlite3.connect(str(target))
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;")
        connection.executescript(schema())
        with connection:
            for table, rows in _rows(base, {**meta, "title": base.title}):
                marks = ",".join("?" * len(TABLES[table]))
                connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    finally:
        connection.close()


# ---- rows, in TABLES' column order ----------------------------------------------------------------


def _rows(base: AbstractBase, meta: Dict[str, str]) -> Iterator[Tuple[str, List[tuple]]]:
    yield "meta", sorted(meta.items())
    metrics, row = base.metrics.values(), lambda table: EXPORTED[table].row
    yield "metrics", [row("metrics")(m, (i,), (MACHINE_UNITS[m.dimension],)) for i, m in enumerate(metrics)]
    yield "scopes", [row("scopes")(s, (m.key, i)) for m in metrics for i, s in enumerate(m.scopes)]
    yield "subsidy_types", [row("subsidy_types")(t, (i,)) for i, t in enumerate(base.subsidy_types.values())]
    yield "sources", [row("sources")(s, (i,)) for i, s in enumerate(base.sources.values())]
    yield "places", [row("places")(p, (i,)) for i, p in enumerate(base.places.values())]
    citations: List[tuple] = []
    latest = _latest(base)
    yield (
        "facts",
        [row("facts")(f, (n,), (int(id(f) in latest), *_cited_tail(f))) for n, f in _cited(base.facts, 0, citations)],
    )
    yield "policies", [row("policies")(p, (n,), _cited_tail(p)) for n, p in _cited(base.policies, 1, citations)]
    programmes = list(_cited(base.programmes, 2, citations))
    yield "programmes", [row("programmes")(g, (n,), _cited_tail(g)) for n, g in programmes]
    yield "terms", list(_term_rows(programmes))
    yield "citations", citations


def _cited_tail(item: Any) -> tuple:
    return (len(item.citations), ";".join(dict.fromkeys(c.source for c in item.citations)))


def _cited(items: list, column: int, citations: List[tuple]) -> Iterator[tuple]:
    """(id, item) for each item, noting its citations (owner in `column`: fact, policy, programme)."""
    cite = EXPORTED["citations"].row
    for number_, item in enumerate(items, start=1):
        for position, c in enumerate(item.citations):
            owners: List[Optional[int]] = [None, None, None]
            owners[column] = number_
            citations.append(cite(c, (len(citations) + 1, *owners, position)))
        yield number_, item


def _latest(base: AbstractBase) -> Set[int]:
    """id() of each (place, metric, kind, scope)'s headline fact (`rules.headline`)."""
    groups: Dict[tuple, List[Fact]] = {}
    for f in base.facts:
        groups.setdefault((f.place, f.metric, f.kind, f.scope), []).append(f)
    return {id(headline(facts, base.metrics[key[1]])) for key, facts in groups.items()}


def _term_rows(programmes: List[tuple]) -> Iterator[tuple]:
    term = EXPORTED["terms"].row
    number_ = 0
    for n, g in programmes:
        named: List[Tuple[str, int, Optional[Term]]] = [("pool", 0, g.pool), ("rate", 0, g.rate), ("cap", 0, g.cap)]
        for role, position, t in named + [("special", i, t) for i, t in enumerate(g.special_rates)]:
            if t is not None:
                number_ += 1
                yield term(t, (number_, n, role, position))


def metadata_path(target: Path) -> Path:
    """Where Datasette's metadata goes: beside the file, `kb.sqlite3` -> `kb.metadata.json`."""
    return target.with_name(target.stem + ".metadata.json")


def metadata_text(target: Path, title: str) -> str:
    return json.dumps(datasette_metadata(target.stem, title), ensure_ascii=False, indent=2) + "\n"
