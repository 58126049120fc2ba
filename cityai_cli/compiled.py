"""The compiled knowledge base as SQLite: its schema, and writing a validated base into it.

The same file is the warm-run cache (store.py decides when to write and trust it; cached_base.py
reads it) and what `cityai export --sqlite` writes.

Schema (one schema for the cache and for `export`; values are never parsed again when read):

    meta(key PRIMARY KEY, value)        key: the cache key; format, schema_version, cityai_version,
                                        title, files (JSON list of the knowledge-base files);
                                        the cache also: documents (JSON, each source's
                                        document signature: paths.seed_signatures)
    metrics(key PK, position, zh, en, dimension, unit, higher_is_better, aliases JSON,
            keywords JSON, note)
    scopes(metric FK metrics, key, position, zh, en)           PK (metric, key); position 0 = main scope
    subsidy_types(key PK, position, en, pinyin, category, aliases JSON, keywords JSON)
    sources(key PK, position, file, publisher, title, published, sha256, url, author, language,
            note, origin)                                      origin: the knowledge-base file
    places(name PK, position, level, province, city, regions JSON, traditional, pinyin, english,
           aliases JSON)
    place_keys(key, place FK places)    what a user may type for a place, normalised
                                        (`names.place_keys`): resolving a name reads these
    facts(id PK, position, place FK places, metric FK metrics, scope, kind, <quantity value_*>, date,
          date_basis, set_on, note, headline, conflict)
                                        indexes: (place, metric), (metric, headline), conflict
                                        id numbers a metric's facts together, by place (so one
                                        metric is one stretch of the file); position is the
                                        curated order. headline = 1: the fact is its (place,
                                        metric, kind, scope)'s headline (`rules.headline`) or in a
                                        conflict (`rules.contradicted`); what rank and list read.
                                        conflict = 1: in a conflict; what `conflicts` reads.
    policies(id PK, place FK, title, date, date_basis, period, note)
    programmes(id PK, place FK, type FK subsidy_types, name, policy, date, date_basis,
               eligibility, note)
    terms(id PK, programme FK programmes, role pool|rate|cap|special, position, <quantity value_*>,
          period, quote, source FK sources, note, applies_to, flag, basis)
    citations(id PK, fact FK facts | policy FK policies | programme FK programmes (exactly one),
              position, source FK sources, quote, text, note)

A quantity is stored as its fields: value_text (as curated), value (exact decimal, TEXT; CAST it
to REAL for arithmetic), value_unit, value_dimension, value_qualifier, value_upper (TEXT or
NULL), value_literal. Dates are TEXT as curated ("2024", "2024-12", "2024-12-31"). Lists of
words (aliases, keywords, regions) are JSON arrays. Rows keep curated order by id/position
(facts: by position; a fact's citations are stored next to each other, in fact id order).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

from .facts import AbstractBase, Citation, Fact
from .quantity import Quantity

FORMAT = "7"  # bump when the tables below change, or what their marks mean (5: conflict = contradicted;
# 6: contradicted at the same time, subsidy types' keywords, a term's basis; 7: both of 6's, merged)
_Q = (
    "value_text TEXT NOT NULL, value TEXT NOT NULL, value_unit TEXT NOT NULL, value_dimension TEXT NOT NULL, "
    "value_qualifier TEXT NOT NULL, value_upper TEXT, value_literal TEXT NOT NULL"
)
QUANTITY_COLUMNS = "value_text, value, value_unit, value_dimension, value_qualifier, value_upper, value_literal"
QUANTITY_COLUMNS_OF_TERMS = ", ".join(f"t.{column}" for column in QUANTITY_COLUMNS.split(", "))

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE metrics (key TEXT PRIMARY KEY, position INTEGER NOT NULL, zh TEXT NOT NULL, en TEXT NOT NULL,
    dimension TEXT NOT NULL, unit TEXT NOT NULL, higher_is_better INTEGER NOT NULL, aliases TEXT NOT NULL,
    keywords TEXT NOT NULL, note TEXT NOT NULL);
CREATE TABLE scopes (metric TEXT NOT NULL REFERENCES metrics(key), key TEXT NOT NULL, position INTEGER NOT NULL,
    zh TEXT NOT NULL, en TEXT NOT NULL, PRIMARY KEY (metric, key));
CREATE TABLE subsidy_types (key TEXT PRIMARY KEY, position INTEGER NOT NULL, en TEXT NOT NULL, pinyin TEXT NOT NULL,
    category TEXT NOT NULL, aliases TEXT NOT NULL, keywords TEXT NOT NULL);
CREATE TABLE sources (key TEXT PRIMARY KEY, position INTEGER NOT NULL, file TEXT NOT NULL, publisher TEXT NOT NULL,
    title TEXT NOT NULL, published TEXT NOT NULL, sha256 TEXT, url TEXT NOT NULL, author TEXT NOT NULL,
    language TEXT NOT NULL, note TEXT NOT NULL, origin TEXT NOT NULL);
CREATE TABLE places (name TEXT PRIMARY KEY, position INTEGER NOT NULL, level TEXT NOT NULL, province TEXT NOT NULL,
    city TEXT NOT NULL, regions TEXT NOT NULL, traditional TEXT NOT NULL, pinyin TEXT NOT NULL,
    english TEXT NOT NULL, aliases TEXT NOT NULL);
CREATE TABLE place_keys (key TEXT NOT NULL, place TEXT NOT NULL REFERENCES places(name));
CREATE TABLE facts (id INTEGER PRIMARY KEY, position INTEGER NOT NULL, place TEXT NOT NULL REFERENCES places(name),
    metric TEXT NOT NULL REFERENCES metrics(key), scope TEXT NOT NULL, kind TEXT NOT NULL, {_Q},
    date TEXT, date_basis TEXT, set_on TEXT, note TEXT NOT NULL, headline INTEGER NOT NULL,
    conflict INTEGER NOT NULL);
CREATE INDEX facts_place_metric ON facts (place, metric);
CREATE INDEX facts_metric ON facts (metric, headline);
CREATE INDEX facts_conflict ON facts (position) WHERE conflict = 1;
CREATE TABLE policies (id INTEGER PRIMARY KEY, place TEXT NOT NULL REFERENCES places(name), title TEXT NOT NULL,
    date TEXT, date_basis TEXT, period TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX policies_place ON policies (place);
CREATE TABLE programmes (id INTEGER PRIMARY KEY, place TEXT NOT NULL REFERENCES places(name),
    type TEXT NOT NULL, name TEXT NOT NULL, policy TEXT NOT NULL, date TEXT, date_basis TEXT,
    eligibility TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX programmes_place ON programmes (place);
CREATE TABLE terms (id INTEGER PRIMARY KEY, programme INTEGER NOT NULL REFERENCES programmes(id),
    role TEXT NOT NULL CHECK (role IN ('pool', 'rate', 'cap', 'special')), position INTEGER NOT NULL, {_Q},
    period TEXT NOT NULL, quote TEXT NOT NULL, source TEXT NOT NULL REFERENCES sources(key), note TEXT NOT NULL,
    applies_to TEXT NOT NULL, flag TEXT NOT NULL, basis TEXT NOT NULL);
CREATE INDEX terms_programme ON terms (programme);
CREATE TABLE citations (id INTEGER PRIMARY KEY, fact INTEGER REFERENCES facts(id),
    policy INTEGER REFERENCES policies(id), programme INTEGER REFERENCES programmes(id),
    position INTEGER NOT NULL, source TEXT NOT NULL REFERENCES sources(key), quote TEXT NOT NULL,
    text TEXT NOT NULL, note TEXT NOT NULL,
    CHECK ((fact IS NOT NULL) + (policy IS NOT NULL) + (programme IS NOT NULL) = 1));
CREATE INDEX citations_fact ON citations (fact);
CREATE INDEX citations_policy ON citations (policy);
CREATE INDEX citations_programme ON citations (programme);
"""


# ---- writing ---------------------------------------------------------------------------------


def _quantity(q: Quantity) -> tuple:
    return (
        q.text,
        str(q.value),
        q.unit,
        q.dimension,
        q.qualifier,
        None if q.upper is None else str(q.upper),
        q.literal,
    )


def _text(date: Optional[str]) -> Optional[str]:
    return None if date is None else str(date)


def write(base: AbstractBase, target: Path, meta: Dict[str, str]) -> None:
    """Write `base` in the schema above to a new file `target` (which must not exist)."""
    connection = sqlite3.connect(str(target))
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;")
        connection.executescript(SCHEMA)
        with connection:
            _fill(connection, base, meta)
    finally:
        connection.close()


def _fill(db: sqlite3.Connection, base: AbstractBase, meta: Dict[str, str]) -> None:
    dumps = json.dumps
    db.executemany("INSERT INTO meta VALUES (?, ?)", sorted({**meta, "title": base.title}.items()))
    db.executemany(
        "INSERT INTO metrics VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (
                m.key,
                i,
                m.zh,
                m.en,
                m.dimension,
                m.unit,
                int(m.higher_is_better),
                dumps(list(m.aliases), ensure_ascii=False),
                dumps(list(m.keywords), ensure_ascii=False),
                m.note,
            )
            for i, m in enumerate(base.metrics.values())
        ],
    )
    db.executemany(
        "INSERT INTO scopes VALUES (?,?,?,?,?)",
        [(m.key, s.key, i, s.zh, s.en) for m in base.metrics.values() for i, s in enumerate(m.scopes)],
    )
    db.executemany(
        "INSERT INTO subsidy_types VALUES (?,?,?,?,?,?,?)",
        [
            (
                t.key,
                i,
                t.en,
                t.pinyin,
                t.category,
                dumps(list(t.aliases), ensure_ascii=False),
                dumps(list(t.keywords), ensure_ascii=False),
            )
            for i, t in enumerate(base.subsidy_types.values())
        ],
    )
    db.executemany(
        "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                s.key,
                i,
                s.file,
                s.publisher,
                s.title,
                str(s.published),
                s.sha256,
                s.url,
                s.author,
                s.language,
                s.note,
                s.origin,
            )
            for i, s in enumerate(base.sources.values())
        ],
    )
    db.executemany(
        "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (
                p.name,
                i,
                p.level,
                p.province,
                p.city,
                dumps(list(p.regions), ensure_ascii=False),
                p.traditional,
                p.pinyin,
                p.english,
                dumps(list(p.aliases), ensure_ascii=False),
            )
            for i, p in enumerate(base.places.values())
        ],
    )
    db.executemany(
        "INSERT INTO place_keys VALUES (?,?)",
        [(key, place) for key, places in base.place_keys().items() for place in sorted(places)],
    )
    citations: List[tuple] = []

    def cite(column: int, owner: int, items: Iterable[Citation]) -> None:
        for position, c in enumerate(items):
            ids: List[Optional[int]] = [None, None, None]
            ids[column] = owner
            citations.append((*ids, position, c.source, c.quote, c.text, c.note))

    rows = []
    facts = base.facts
    marked, paired = _marks(base)
    order = sorted(range(len(facts)), key=lambda i: (facts[i].metric, facts[i].place, i))
    for number, i in enumerate(order, start=1):
        f = facts[i]
        rows.append(
            (
                number,
                i + 1,
                f.place,
                f.metric,
                f.scope,
                f.kind,
                *_quantity(f.value),
                _text(f.date),
                f.date_basis,
                _text(f.set_on),
                f.note,
                int(i in marked),
                int(i in paired),
            )
        )
        cite(0, number, f.citations)
    db.executemany(f"INSERT INTO facts VALUES (?,?,?,?,?,?,{'?,' * 7}?,?,?,?,?,?)", rows)
    rows = []
    for number, p in enumerate(base.policies, start=1):
        rows.append((number, p.place, p.title, _text(p.date), p.date_basis, p.period, p.note))
        cite(1, number, p.citations)
    db.executemany("INSERT INTO policies VALUES (?,?,?,?,?,?,?)", rows)
    rows, terms = [], []
    for number, g in enumerate(base.programmes, start=1):
        rows.append((number, g.place, g.type, g.name, g.policy, _text(g.date), g.date_basis, g.eligibility, g.note))
        cite(2, number, g.citations)
        named = [("pool", 0, g.pool), ("rate", 0, g.rate), ("cap", 0, g.cap)]
        for role, position, term in named + [("special", i, t) for i, t in enumerate(g.special_rates)]:
            if term is not None:
                terms.append(
                    (
                        number,
                        role,
                        position,
                        *_quantity(term.value),
                        term.period,
                        term.quote,
                        term.source,
                        term.note,
                        term.applies_to,
                        term.flag,
                        term.basis,
                    )
                )
    db.executemany("INSERT INTO programmes VALUES (?,?,?,?,?,?,?,?,?)", rows)
    db.executemany(
        f"INSERT INTO terms (programme, role, position, {QUANTITY_COLUMNS}, period, quote, source, note, "
        f"applies_to, flag, basis) VALUES ({'?,' * 16}?)",
        terms,
    )
    db.executemany(
        "INSERT INTO citations (fact, policy, programme, position, source, quote, text, note) VALUES (?,?,?,?,?,?,?,?)",
        citations,
    )


def _marks(base: AbstractBase) -> Tuple[Set[int], Set[int]]:
    """Indexes (in base.facts) of the facts `headline_facts` returns: each (place, metric, kind,
    scope)'s headline by `rules.headline` and every fact that contradicts another
    (`rules.contradicted`, found by a sweep: n log n in a group, never every pair); and of those
    contradicted alone (`conflicting_facts`).

    Enough for any headline of the group (the headline key orders by scope first, and the first
    minimal fact of the whole group is the first minimal one of its scope, so the marked facts,
    kept in curated order, give the same pick) and for every conflict of any fact."""
    from .rules import contradicted, headline

    groups: Dict[tuple, List[int]] = {}
    for i, f in enumerate(base.facts):
        groups.setdefault((f.place, f.metric, f.kind), []).append(i)
    facts = base.facts
    marked: Set[int] = set()
    paired: Set[int] = set()
    position = {id(f): i for i, f in enumerate(facts)}
    for (_, metric, _), members in groups.items():
        definition = base.metrics[metric]
        scopes: Dict[str, List[Fact]] = {}
        for i in members:
            scopes.setdefault(facts[i].scope, []).append(facts[i])
        for same_scope in scopes.values():
            marked.add(position[id(headline(same_scope, definition))])
        paired.update(position[id(f)] for f in contradicted([facts[i] for i in members]))
    return marked | paired, paired
