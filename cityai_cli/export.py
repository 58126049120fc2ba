"""`cityai export --sqlite FILE`: the knowledge base as a typed SQLite file for other tools.

A derived form of the compiled base, not the cache: the cache keeps exact decimals as text (the
figure grammar is Decimal-based and is read back unchanged); here figures are REAL (and also
`value_exact`, the decimal as text), units are the machine vocabulary, each date has its
precision, first and last day. Every table is declared once below (column, SQL type,
description): the DDL, the inserts and Datasette's metadata.json are derived from it.
docs/design.md ("Typed export") says why.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

from .dates import span
from .facts import AbstractBase, Citation, Fact, Term
from .quantity import Quantity, plain
from .query.common import MACHINE_UNITS
from .rules import headline

Columns = Tuple[Tuple[str, str, str], ...]  # (name, SQL type and constraints, description)

_QUANTITY: Columns = (
    ("value", "REAL NOT NULL", "the figure in `unit` (a range: its lower end; a ratio: 0.5 for 50%)"),
    ("value_max", "REAL", "a range's upper end, else NULL"),
    ("value_exact", "TEXT NOT NULL", "`value` as an exact decimal"),
    ("unit", "TEXT NOT NULL", "count, CNY, USD, PFLOPS, ratio, rank, parameters, number or member"),
    ("bound", "TEXT NOT NULL", "exact, approx, lower (超), at_least (不少于), upper (最高) or range"),
    ("text", "TEXT NOT NULL", "the figure as the source writes it"),
    ("unit_word", "TEXT NOT NULL", "the unit as the source counts it (家, 个 …; CNY, PFLOPS, ratio otherwise)"),
)


def _date_columns(name: str, what: str) -> Columns:
    return (
        (name, "TEXT", f"{what}: ISO date as precise as the source (2024, 2024-12, 2024-12-31)"),
        (f"{name}_precision", "TEXT", "year, month or day"),
        (f"{name}_start", "TEXT", f"first day {name} covers (YYYY-MM-DD)"),
        (f"{name}_end", "TEXT", f"last day {name} covers (YYYY-MM-DD)"),
    )


_PLACE = "TEXT NOT NULL REFERENCES places(name)"
_SOURCE = "TEXT NOT NULL REFERENCES sources(key)"
TABLES: Dict[str, Columns] = {
    "meta": (("key", "TEXT PRIMARY KEY", "name"), ("value", "TEXT", "value")),
    "metrics": (
        ("key", "TEXT PRIMARY KEY", "metric key (industry_scale …)"),
        ("position", "INTEGER NOT NULL", "curated order"),
        ("zh", "TEXT NOT NULL", "Chinese name"),
        ("en", "TEXT NOT NULL", "English name"),
        ("dimension", "TEXT NOT NULL", "what is measured: count, money, compute, ratio …"),
        ("unit", "TEXT NOT NULL", "the machine unit of its figures"),
        ("higher_is_better", "INTEGER NOT NULL", "1 when a larger figure ranks first"),
        ("aliases", "TEXT NOT NULL", "other names, joined with ;"),
        ("note", "TEXT NOT NULL", "curator's note"),
    ),
    "scopes": (
        ("metric", "TEXT NOT NULL REFERENCES metrics(key)", "metric"),
        ("key", "TEXT NOT NULL", "scope key (what exactly is counted)"),
        ("position", "INTEGER NOT NULL", "0: the metric's main scope"),
        ("zh", "TEXT NOT NULL", "Chinese label"),
        ("en", "TEXT NOT NULL", "English label"),
    ),
    "subsidy_types": (
        ("key", "TEXT PRIMARY KEY", "subsidy type (算力券 …)"),
        ("position", "INTEGER NOT NULL", "curated order"),
        ("en", "TEXT NOT NULL", "English name"),
        ("pinyin", "TEXT NOT NULL", "pinyin"),
        ("category", "TEXT NOT NULL", "voucher, subsidy, prize or fund"),
    ),
    "sources": (
        ("key", "TEXT PRIMARY KEY", "source id, as cited"),
        ("position", "INTEGER NOT NULL", "curated order"),
        ("file", "TEXT NOT NULL", "the saved document (seeds/)"),
        ("publisher", "TEXT NOT NULL", "publisher"),
        ("title", "TEXT NOT NULL", "title"),
        *_date_columns("published", "publication date"),
        ("url", "TEXT NOT NULL", "where it was found"),
        ("language", "TEXT NOT NULL", "language"),
    ),
    "places": (
        ("name", "TEXT PRIMARY KEY", "place (Chinese name)"),
        ("position", "INTEGER NOT NULL", "curated order"),
        ("level", "TEXT NOT NULL", "country, province, city or district"),
        ("province", "TEXT NOT NULL", "province"),
        ("city", "TEXT NOT NULL", "city"),
        ("english", "TEXT NOT NULL", "English name"),
        ("pinyin", "TEXT NOT NULL", "pinyin"),
        ("regions", "TEXT NOT NULL", "regions it belongs to, joined with ;"),
    ),
    "facts": (
        ("id", "INTEGER PRIMARY KEY", "fact id"),
        ("place", _PLACE, "place"),
        ("metric", "TEXT NOT NULL REFERENCES metrics(key)", "metric"),
        ("scope", "TEXT NOT NULL", "what exactly is counted (scopes.key)"),
        ("kind", "TEXT NOT NULL", "actual, target or forecast"),
        *_QUANTITY,
        *_date_columns("date", "what the figure refers to (a target: its deadline)"),
        ("date_basis", "TEXT", "stated, published or inferred"),
        *_date_columns("set_on", "a target: when it was set"),
        ("latest", "INTEGER NOT NULL", "1: the place's headline figure of its metric, kind and scope"),
        ("citation_count", "INTEGER NOT NULL", "how many quotes support it"),
        ("sources", "TEXT NOT NULL", "cited source ids, joined with ;"),
        ("note", "TEXT NOT NULL", "curator's note"),
    ),
    "policies": (
        ("id", "INTEGER PRIMARY KEY", "policy id"),
        ("place", _PLACE, "place"),
        ("title", "TEXT NOT NULL", "title"),
        *_date_columns("date", "issued"),
        ("period", "TEXT NOT NULL", "period it covers, as written"),
        ("note", "TEXT NOT NULL", "curator's note"),
    ),
    "programmes": (
        ("id", "INTEGER PRIMARY KEY", "programme id"),
        ("place", _PLACE, "place"),
        ("type", "TEXT NOT NULL REFERENCES subsidy_types(key)", "subsidy type"),
        ("name", "TEXT NOT NULL", "name"),
        ("policy", "TEXT NOT NULL", "the policy that sets it up"),
        *_date_columns("date", "issued"),
        ("eligibility", "TEXT NOT NULL", "who may claim it"),
        ("note", "TEXT NOT NULL", "curator's note"),
    ),
    "terms": (
        ("id", "INTEGER PRIMARY KEY", "term id"),
        ("programme", "INTEGER NOT NULL REFERENCES programmes(id)", "programme"),
        ("role", "TEXT NOT NULL", "pool (CNY), rate (ratio), cap (CNY) or special (a special rate)"),
        ("position", "INTEGER NOT NULL", "order among special rates"),
        *_QUANTITY,
        ("period", "TEXT NOT NULL", "the period the amount is per, as written"),
        ("applies_to", "TEXT NOT NULL", "a special rate: to whom"),
        ("quote", "TEXT NOT NULL", "verbatim quote"),
        ("source", _SOURCE, "source id"),
    ),
    "citations": (
        ("id", "INTEGER PRIMARY KEY", "citation id"),
        ("fact", "INTEGER REFERENCES facts(id)", "the fact cited (or NULL)"),
        ("policy", "INTEGER REFERENCES policies(id)", "the policy cited (or NULL)"),
        ("programme", "INTEGER REFERENCES programmes(id)", "the programme cited (or NULL)"),
        ("position", "INTEGER NOT NULL", "order within its owner"),
        ("source", _SOURCE, "source id"),
        ("quote", "TEXT NOT NULL", "verbatim quote from the source"),
        ("text", "TEXT NOT NULL", "the figure as this source writes it"),
        ("note", "TEXT NOT NULL", "curator's note"),
    ),
}
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
        f"CREATE TABLE {name} ({', '.join(f'{column} {kind}' for column, kind, _ in columns)})"
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
        tables[name] = {"columns": {column: about for column, _, about in columns}}
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


def number(value: Optional[Decimal]) -> Optional[float]:
    return None if value is None else float(value)


def quantity_row(q: Quantity) -> tuple:
    return (number(q.value), number(q.upper), plain(q.value), MACHINE_UNITS[q.dimension], q.bound, q.text, q.unit)


def date_row(date: Optional[str]) -> tuple:
    return (None, None, None, None) if date is None else (str(date), *span(date))


def _joined(words: Iterable[str]) -> str:
    return ";".join(words)


def _rows(base: AbstractBase, meta: Dict[str, str]) -> Iterator[Tuple[str, List[tuple]]]:
    yield "meta", sorted(meta.items())
    metrics = base.metrics.values()
    yield (
        "metrics",
        [
            (
                m.key,
                i,
                m.zh,
                m.en,
                m.dimension,
                MACHINE_UNITS[m.dimension],
                int(m.higher_is_better),
                _joined(m.aliases),
                m.note,
            )
            for i, m in enumerate(metrics)
        ],
    )
    yield "scopes", [(m.key, s.key, i, s.zh, s.en) for m in metrics for i, s in enumerate(m.scopes)]
    yield "subsidy_types", [(t.key, i, t.en, t.pinyin, t.category) for i, t in enumerate(base.subsidy_types.values())]
    yield (
        "sources",
        [
            (s.key, i, s.file, s.publisher, s.title, *date_row(s.published), s.url, s.language)
            for i, s in enumerate(base.sources.values())
        ],
    )
    yield (
        "places",
        [
            (p.name, i, p.level, p.province, p.city, p.english, p.pinyin, _joined(p.regions))
            for i, p in enumerate(base.places.values())
        ],
    )
    citations: List[tuple] = []
    yield "facts", list(_fact_rows(base, citations))
    yield (
        "policies",
        [(n, p.place, p.title, *date_row(p.date), p.period, p.note) for n, p in _cited(base.policies, 1, citations)],
    )
    programmes = list(_cited(base.programmes, 2, citations))
    yield (
        "programmes",
        [(n, g.place, g.type, g.name, g.policy, *date_row(g.date), g.eligibility, g.note) for n, g in programmes],
    )
    yield "terms", [(i, *row) for i, row in enumerate(_term_rows(programmes), start=1)]
    yield "citations", [(i, *row) for i, row in enumerate(citations, start=1)]


def _cited(items: list, column: int, citations: List[tuple]) -> Iterator[tuple]:
    """(id, item) for each item, noting its citations (owner in `column`: fact, policy, programme)."""
    for number_, item in enumerate(items, start=1):
        _cite(citations, column, number_, item.citations)
        yield number_, item


def _cite(citations: List[tuple], column: int, owner: int, items: Tuple[Citation, ...]) -> None:
    for position, c in enumerate(items):
        owners: List[Optional[int]] = [None, None, None]
        owners[column] = owner
        citations.append((*owners, position, c.source, c.quote, c.text, c.note))


def _fact_rows(base: AbstractBase, citations: List[tuple]) -> Iterator[tuple]:
    latest = _latest(base)
    for n, f in _cited(base.facts, 0, citations):
        yield (
            n,
            f.place,
            f.metric,
            f.scope,
            f.kind,
            *quantity_row(f.value),
            *date_row(f.date),
            f.date_basis,
            *date_row(f.set_on),
            int(id(f) in latest),
            len(f.citations),
            _joined(f.sources),
            f.note,
        )


def _latest(base: AbstractBase) -> Set[int]:
    """id() of each (place, metric, kind, scope)'s headline fact (`rules.headline`)."""
    groups: Dict[tuple, List[Fact]] = {}
    for f in base.facts:
        groups.setdefault((f.place, f.metric, f.kind, f.scope), []).append(f)
    return {id(headline(facts, base.metrics[key[1]])) for key, facts in groups.items()}


def _term_rows(programmes: List[tuple]) -> Iterator[tuple]:
    for n, g in programmes:
        named: List[Tuple[str, int, Optional[Term]]] = [("pool", 0, g.pool), ("rate", 0, g.rate), ("cap", 0, g.cap)]
        for role, position, term in named + [("special", i, t) for i, t in enumerate(g.special_rates)]:
            if term is not None:
                yield (
                    n,
                    role,
                    position,
                    *quantity_row(term.value),
                    term.period,
                    term.applies_to,
                    term.quote,
                    term.source,
                )


def metadata_path(target: Path) -> Path:
    """Where Datasette's metadata goes: beside the file, `kb.sqlite3` -> `kb.metadata.json`."""
    return target.with_name(target.stem + ".metadata.json")


def metadata_text(target: Path, title: str) -> str:
    return json.dumps(datasette_metadata(target.stem, title), ensure_ascii=False, indent=2) + "\n"
