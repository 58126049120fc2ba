"""The compiled knowledge base as SQLite: the warm-run cache, and `cityai export --sqlite`.

A knowledge base is validated once (TOML -> pydantic -> lint -> `facts.compile_base`), then
written here. A warm run reads this file with the standard library's sqlite3 only: it imports
neither a TOML parser nor pydantic, and reads only what the command asks for (`rank` one metric,
`compare` two places) through `CachedBase`, which has the interface of `facts.Base`.

Schema (one schema for the cache and for `export`; values are never parsed again when read):

    meta(key PRIMARY KEY, value)        key: the cache key; format, schema_version, cityai_version,
                                        title, files (JSON list of the knowledge-base files)
    metrics(key PK, position, zh, en, dimension, unit, higher_is_better, aliases JSON,
            keywords JSON, note)
    scopes(metric FK metrics, key, position, zh, en)           PK (metric, key); position 0 = main scope
    subsidy_types(key PK, position, en, pinyin, category, aliases JSON)
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
                                        conflict (`rules.conflicts`); what rank and list read.
                                        conflict = 1: in a conflict; what `conflicts` reads.
    policies(id PK, place FK, title, date, date_basis, period, note)
    programmes(id PK, place FK, type FK subsidy_types, name, policy, date, date_basis,
               eligibility, note)
    terms(id PK, programme FK programmes, role pool|rate|cap|special, position, <quantity value_*>,
          period, quote, source FK sources, note, applies_to, flag)
    citations(id PK, fact FK facts | policy FK policies | programme FK programmes (exactly one),
              position, source FK sources, quote, text, note)

A quantity is stored as its fields: value_text (as curated), value (exact decimal, TEXT; CAST it
to REAL for arithmetic), value_unit, value_dimension, value_qualifier, value_upper (TEXT or
NULL), value_literal. Dates are TEXT as curated ("2024", "2024-12", "2024-12-31"). Lists of
words (aliases, keywords, regions) are JSON arrays. Rows keep curated order by id/position
(facts: by position; a fact's citations are stored next to each other, in fact id order).

Cache rules: the key is SHA-256 over every knowledge-base file's path and bytes, the schema
version (`facts.SCHEMA_VERSION`), the cache format (`FORMAT`) and `cityai_cli.__version__`
(fingerprint.py, which also says when a file's remembered digest is reused); the
file is named after the base's paths and the key, written to a temporary file and moved into
place (`os.replace`), so a reader never sees half a file. A cache whose key differs, or that is
truncated or not SQLite, is rebuilt, never trusted; a read failure in the middle of a command
falls back to the full load. A missing, read-only or unwritable cache directory only costs speed.
"""

from __future__ import annotations

import json
import os
import sqlite3
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Set, Tuple

from . import facts as _facts
from .dates import PartialDate
from .facts import (
    AbstractBase,
    Base,
    Citation,
    Fact,
    MetricDef,
    PlaceDef,
    Policy,
    Programme,
    ScopeDef,
    SourceDef,
    SubsidyTypeDef,
    Term,
)
from .fingerprint import cache_key, sha256
from .paths import data_files
from .quantity import Quantity

FORMAT = "4"  # bump when the tables below change
CACHE_ENV = "CITYAI_CACHE_DIR"

_Q = (
    "value_text TEXT NOT NULL, value TEXT NOT NULL, value_unit TEXT NOT NULL, value_dimension TEXT NOT NULL, "
    "value_qualifier TEXT NOT NULL, value_upper TEXT, value_literal TEXT NOT NULL"
)
_QCOLS = "value_text, value, value_unit, value_dimension, value_qualifier, value_upper, value_literal"
_QCOLS_OF_TERMS = ", ".join(f"t.{column}" for column in _QCOLS.split(", "))

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE metrics (key TEXT PRIMARY KEY, position INTEGER NOT NULL, zh TEXT NOT NULL, en TEXT NOT NULL,
    dimension TEXT NOT NULL, unit TEXT NOT NULL, higher_is_better INTEGER NOT NULL, aliases TEXT NOT NULL,
    keywords TEXT NOT NULL, note TEXT NOT NULL);
CREATE TABLE scopes (metric TEXT NOT NULL REFERENCES metrics(key), key TEXT NOT NULL, position INTEGER NOT NULL,
    zh TEXT NOT NULL, en TEXT NOT NULL, PRIMARY KEY (metric, key));
CREATE TABLE subsidy_types (key TEXT PRIMARY KEY, position INTEGER NOT NULL, en TEXT NOT NULL, pinyin TEXT NOT NULL,
    category TEXT NOT NULL, aliases TEXT NOT NULL);
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
    applies_to TEXT NOT NULL, flag TEXT NOT NULL);
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
        "INSERT INTO subsidy_types VALUES (?,?,?,?,?,?)",
        [
            (t.key, i, t.en, t.pinyin, t.category, dumps(list(t.aliases), ensure_ascii=False))
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
                    )
                )
    db.executemany("INSERT INTO programmes VALUES (?,?,?,?,?,?,?,?,?)", rows)
    db.executemany(
        f"INSERT INTO terms (programme, role, position, {_QCOLS}, period, quote, source, note, "
        f"applies_to, flag) VALUES ({'?,' * 15}?)",
        terms,
    )
    db.executemany(
        "INSERT INTO citations (fact, policy, programme, position, source, quote, text, note) VALUES (?,?,?,?,?,?,?,?)",
        citations,
    )


def _marks(base: AbstractBase) -> Tuple[Set[int], Set[int]]:
    """Indexes (in base.facts) of the facts `headline_facts` returns: each (place, metric, kind,
    scope)'s headline by `rules.headline` and both facts of every pair of `rules.conflicts`; and
    of those in a pair alone (`conflicting_facts`).

    Enough for any headline of the group (the headline key orders by scope first, and the first
    minimal fact of the whole group is the first minimal one of its scope, so the marked facts,
    kept in curated order, give the same pick) and for every conflict of any fact."""
    from .rules import conflicts, headline

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
        for pair in conflicts(facts[i] for i in members):
            paired.update(position[id(f)] for f in pair)
    return marked | paired, paired


# ---- the cache location ----------------------------------------------------------------------


def cache_dir() -> Path:
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cityai", appauthor=False))


def cache_file(path: Path, key: str, layers: Tuple[Path, ...] = ()) -> Path:
    """<which base>-<which content>.sqlite3: one file per base (with its --with layers, so that
    runs with and without them do not replace each other's), replaced when the base changes."""
    return cache_dir() / f"{_which(path, layers)}-{key[:32]}.sqlite3"


def memo_file(path: Path, layers: Tuple[Path, ...] = ()) -> Path:
    """Where the digests of the base's files are remembered (fingerprint.py)."""
    return cache_dir() / f"{_which(path, layers)}.digests.json"


def _which(path: Path, layers: Tuple[Path, ...] = ()) -> str:
    names = "\0".join(str(each.resolve()) for each in (path, *layers))
    return sha256(0, names.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _whole(path: Path) -> bool:
    """Whether the file is as long as its SQLite header says (a truncated copy is not)."""
    with open(path, "rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    return pages > 0 and os.path.getsize(path) == page_size * pages


# ---- reading -----------------------------------------------------------------------------------


def _q(row, start: int = 0) -> Quantity:
    text, value, unit, dimension, qualifier, upper, literal = row[start : start + 7]
    return Quantity(
        text, Decimal(value), unit, dimension, qualifier, None if upper is None else Decimal(upper), literal
    )


_DATES: Dict[str, PartialDate] = {}  # a base repeats a few dates ("2024") thousands of times


def _date(text: Optional[str]) -> Optional[PartialDate]:
    """A stored date, checked the first time it is seen (a damaged one raises ValueError here,
    inside the read, not later in a query)."""
    if text is None:
        return None
    found = _DATES.get(text)
    if found is None:
        found = _DATES[text] = PartialDate.parse(text)
    return found


# What reading a damaged cache raises: SQLite's errors, and a stored value that does not decode.
_UNREADABLE = (sqlite3.Error, ValueError, TypeError, IndexError, KeyError, InvalidOperation)


class CachedBase(AbstractBase):
    """A knowledge base read from the SQLite file on demand (interface: `facts.AbstractBase`).

    Definitions (metrics, subsidy types, sources) are read when opened; places, facts, policies
    and programmes on first access (`_part`; one place by name reads its row, `_Places`);
    `facts_of` asks the index for one place and metric, or, once a command has asked for several
    places of one metric (rank), reads that metric at once.
    """

    def __init__(self, connection: sqlite3.Connection, fallback: Callable[[], Base]):
        self._db = connection
        self._fallback = fallback
        self._full: Optional[Base] = None
        self._by_key: Dict[Tuple[str, str], List[Fact]] = {}
        self._by_id: Dict[int, Fact] = {}  # every fact built, by row id (each is built once)
        self._marked: set = set()  # id() of the facts whose row says headline = 1
        self._headlines: Dict[Tuple[str, str], Dict[str, List[Fact]]] = {}  # (metric, kind) -> place -> facts
        self._metric_loaded: Dict[str, bool] = {}
        self._place_loaded: set = set()
        self._asked: Dict[str, int] = {}
        self._parts: Dict[str, Any] = {}  # places, facts, policies, programmes: see _part
        self._places = _Places(self)
        self._read_definitions()

    # -- failure: never trust a file that breaks half-way
    def _guard(self, read: Callable):
        """read(), or None once the file has failed: then the base is loaded in full and the file
        discarded. A value that does not decode (a date, a JSON list, a number) is as much a
        failure of the file as a SQLite error, as when the cache is opened (open_base)."""
        if self._full is not None:
            return None
        try:
            return read()
        except _UNREADABLE:
            self._full = self._fallback()
            return None

    def _answer(self, read: Callable[[], Any], name: str, *args: Any) -> Any:
        """read() from the file, or, once the file has failed, AbstractBase's `name` (its
        definition, over the full base)."""
        found = self._guard(read)
        return getattr(AbstractBase, name)(self, *args) if found is None else found

    def _read_definitions(self) -> None:
        db = self._db
        self.title = db.execute("SELECT value FROM meta WHERE key = 'title'").fetchone()[0]
        scopes: Dict[str, List[ScopeDef]] = {}
        for metric, key, zh, en in db.execute("SELECT metric, key, zh, en FROM scopes ORDER BY metric, position"):
            scopes.setdefault(metric, []).append(ScopeDef(key, zh, en))
        loads = json.loads
        self.metrics = {
            r[0]: MetricDef(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                bool(r[5]),
                tuple(loads(r[6])),
                tuple(loads(r[7])),
                tuple(scopes.get(r[0], ())),
                r[8],
            )
            for r in db.execute(
                "SELECT key, zh, en, dimension, unit, higher_is_better, aliases, keywords, "
                "note FROM metrics ORDER BY position"
            )
        }
        self.subsidy_types = {
            r[0]: SubsidyTypeDef(r[0], r[1], r[2], r[3], tuple(loads(r[4])))
            for r in db.execute("SELECT key, en, pinyin, category, aliases FROM subsidy_types ORDER BY position")
        }
        self.sources = {
            r[0]: SourceDef(r[0], r[1], r[2], r[3], PartialDate(r[4]), r[5], r[6], r[7], r[8], r[9], r[10])
            for r in db.execute(
                "SELECT key, file, publisher, title, published, sha256, url, author, "
                "language, note, origin FROM sources ORDER BY position"
            )
        }

    def _part(self, name: str, read: Callable[[], Any]) -> Any:
        """A part of the base (places, facts, policies, programmes) read on first access; once a
        read has failed, the full base's."""
        if self._full is None and name not in self._parts:
            self._guard(lambda: self._parts.__setitem__(name, read()))
        return getattr(self._full, name) if self._full is not None else self._parts[name]

    @property
    def places(self) -> "Mapping[str, PlaceDef]":  # type: ignore[override]
        # Read on first use, not when opened: at 3,000 places all of them take ~14 ms, and
        # `compare` looks up two (`_Places`), `subsidies` in Chinese none.
        return self._places

    def place_levels(self) -> Dict[str, str]:
        if self._full is not None or "places" in self._parts:
            return super().place_levels()
        sql = "SELECT name, level FROM places ORDER BY position"  # ~2 ms at 3,000 places, not ~14
        return self._answer(lambda: dict(self._db.execute(sql)), "place_levels")

    def place_keys(self) -> Dict[str, Set[str]]:
        def read() -> Dict[str, Set[str]]:
            # Checked against the places, both ways (a few ms at 3,000 places): a name that
            # resolves to a place the file lacks, or a place no key names, is a damaged file.
            keys: Dict[str, Set[str]] = {}
            for key, place, known in self._db.execute(
                "SELECT k.key, k.place, p.name IS NOT NULL FROM place_keys k LEFT JOIN places p ON p.name = k.place"
            ):
                if not known:
                    raise ValueError(f"place_keys: no place {place!r}")
                keys.setdefault(key, set()).add(place)
            named = {place for places in keys.values() for place in places}
            if self._db.execute("SELECT count(*) FROM places").fetchone()[0] != len(named):
                raise ValueError("place_keys: a place without keys")
            return keys

        return self._answer(read, "place_keys")

    def _read_places(self, name: Optional[str] = None) -> Dict[str, PlaceDef]:
        """Every place, or the one named (none when there is no such place)."""
        where, params = ("WHERE name = ?", (name,)) if name is not None else ("", ())
        rows = self._db.execute(
            "SELECT name, level, province, city, regions, traditional, pinyin, english, "
            f"aliases FROM places {where} ORDER BY position",
            params,
        ).fetchall()
        # Every place's two word lists decoded in one call (a base may hold thousands of places):
        # each is a JSON array as written by `write`, so joined they make one array of arrays.
        lists = json.loads("[" + ",".join(f"{r[4]},{r[8]}" for r in rows) + "]")
        return {
            r[0]: PlaceDef(r[0], r[1], r[2], r[3], tuple(lists[2 * i]), r[5], r[6], r[7], tuple(lists[2 * i + 1]))
            for i, r in enumerate(rows)
        }

    # -- citations, grouped by owner id
    def _citations(self, column: str, where: str, params: tuple) -> Dict[int, Tuple[Citation, ...]]:
        found: Dict[int, list] = {}
        sql = (
            f"SELECT c.{column}, c.source, c.quote, c.text, c.note FROM citations c "
            f"{where} ORDER BY c.{column}, c.position"
        )
        for owner, source, quote, text, note in self._db.execute(sql, params):
            found.setdefault(owner, []).append(Citation(source, quote, text, note))
        return {owner: tuple(items) for owner, items in found.items()}

    def _facts(self, where: str, params: tuple, order: str = "f.id") -> List[Fact]:
        """The facts matching `where`, each built once: a fact read again is the same object."""
        known, marked, found = self._by_id, self._marked, []
        cited: Optional[Dict[int, Tuple[Citation, ...]]] = None
        for r in self._db.execute(
            f"SELECT f.id, f.place, f.metric, f.scope, f.kind, {_QCOLS}, f.date, "
            f"f.date_basis, f.set_on, f.note, f.headline FROM facts f WHERE {where} ORDER BY {order}",
            params,
        ):
            fact = known.get(r[0])
            if fact is None:
                if cited is None:  # the citations of every matching fact, in one query
                    cited = self._citations("fact", f"JOIN facts f ON f.id = c.fact WHERE {where}", params)
                fact = known[r[0]] = Fact(
                    r[1], r[2], r[3], r[4], _q(r, 5), _date(r[12]), r[13], _date(r[14]), r[15], cited.get(r[0], ())
                )
                if r[16]:
                    marked.add(id(fact))
            found.append(fact)
        return found

    def _load_metric(self, metric: str) -> None:
        complete = set(self._by_key)  # _by_key holds only whole groups
        for fact in self._facts("f.metric = ?", (metric,)):
            if (fact.place, metric) not in complete:
                self._by_key.setdefault((fact.place, metric), []).append(fact)
        self._metric_loaded[metric] = True

    def _load_place(self, place: str) -> List[Fact]:
        """Every fact of the place, in curated order (which, within a metric, is id order), kept
        for facts_of and headline_facts."""
        complete = set(self._by_key)
        found = self._facts("f.place = ?", (place,), "f.position")
        for fact in found:
            if (place, fact.metric) not in complete:
                self._by_key.setdefault((place, fact.metric), []).append(fact)
        self._place_loaded.add(place)
        return found

    def facts_of(self, place: str, metric: str, kind: Optional[str] = None) -> List[Fact]:
        if self._full is not None:
            return self._full.facts_of(place, metric, kind)
        key = (place, metric)
        if (
            key not in self._by_key
            and not self._metric_loaded.get(metric)
            and place not in self._place_loaded
            and "facts" not in self._parts
        ):

            def read() -> None:
                self._asked[metric] = self._asked.get(metric, 0) + 1
                if self._asked[metric] > 3:  # rank: every place of one metric
                    self._load_metric(metric)
                else:  # compare, show: every metric of a few places, one query each
                    self._load_place(place)

            self._guard(read)
            if self._full is not None:
                return self._full.facts_of(place, metric, kind)
        found = self._by_key.get(key, [])
        return [f for f in found if kind is None or f.kind == kind]

    def headline_facts(self, place: str, metric: str, kind: str, as_of=None) -> List[Fact]:
        if self._full is not None or as_of is not None:
            return self.facts_of(place, metric, kind)
        key = (place, metric)
        if (
            key in self._by_key
            or self._metric_loaded.get(metric)
            or place in self._place_loaded
            or "facts" in self._parts
        ):
            marked = self._marked
            return [f for f in self.facts_of(place, metric, kind) if id(f) in marked]
        if (metric, kind) not in self._headlines:

            def read() -> None:
                found: Dict[str, List[Fact]] = {}
                for fact in self._facts("f.metric = ? AND f.headline = 1 AND f.kind = ?", (metric, kind)):
                    found.setdefault(fact.place, []).append(fact)
                self._headlines[(metric, kind)] = found

            self._guard(read)
            if self._full is not None:
                return self._full.facts_of(place, metric, kind)
        return list(self._headlines[(metric, kind)].get(place, ()))

    def count_by_place(self, kind: str) -> Dict[str, int]:
        if self._full is not None or kind in self._parts:
            return super().count_by_place(kind)
        table = {"facts": "facts", "policies": "policies", "programmes": "programmes"}[kind]
        return self._answer(
            lambda: dict(self._db.execute(f"SELECT place, count(*) FROM {table} GROUP BY place")),
            "count_by_place",
            kind,
        )

    # -- what a command needs across the base: the rows it needs, or counted by SQLite. Each
    # falls back to AbstractBase's definition (over the full base) once a read has failed.
    def conflicting_facts(self) -> List[Fact]:
        return self._answer(lambda: self._facts("f.conflict = 1", (), "f.position"), "conflicting_facts")

    def facts_of_place(self, place: str) -> List[Fact]:
        return self._answer(lambda: self._load_place(place), "facts_of_place", place)

    def facts_of_kind(self, kind: str) -> List[Fact]:
        return self._answer(lambda: self._facts("f.kind = ?", (kind,), "f.position"), "facts_of_kind", kind)

    def places_by_metric(self) -> Dict[str, int]:
        sql = "SELECT metric, count(DISTINCT place) FROM facts GROUP BY metric"
        return self._answer(lambda: dict(self._db.execute(sql)), "places_by_metric")

    def count_by_source(self) -> Dict[Tuple[str, str], int]:
        def read() -> Dict[Tuple[str, str], int]:
            counts: Dict[Tuple[str, str], int] = {}
            for kind, owner in (("facts", "fact"), ("policies", "policy"), ("programmes", "programme")):
                for source, n in self._db.execute(
                    f"SELECT source, count(DISTINCT {owner}) FROM citations WHERE {owner} IS NOT NULL GROUP BY source"
                ):
                    counts[(source, kind)] = n
            return counts

        return self._answer(read, "count_by_source")

    @property
    def facts(self) -> List[Fact]:  # type: ignore[override]
        return self._part("facts", self._read_facts)

    def _read_facts(self) -> List[Fact]:
        merged = self._facts("1", (), "f.position")
        complete = set(self._by_key)  # _by_key holds only whole groups
        for fact in merged:
            if (fact.place, fact.metric) not in complete:
                self._by_key.setdefault((fact.place, fact.metric), []).append(fact)
        return merged

    @property
    def policies(self) -> List[Policy]:  # type: ignore[override]
        return self._part("policies", self._read_policies)

    def _read_policies(self, place: Optional[str] = None) -> List[Policy]:
        """Every policy, or one place's (curated order either way)."""
        where, params = ("WHERE p.place = ?", (place,)) if place is not None else ("", ())
        cited = self._citations("policy", f"JOIN policies p ON p.id = c.policy {where or 'WHERE 1'}", params)
        return [
            Policy(r[1], r[2], _date(r[3]), r[4], r[5], r[6], cited.get(r[0], ()))
            for r in self._db.execute(
                f"SELECT id, place, title, date, date_basis, period, note FROM policies p {where} ORDER BY id", params
            )
        ]

    def policies_of_place(self, place: str) -> List[Policy]:
        return self._answer(lambda: self._read_policies(place), "policies_of_place", place)

    def programmes_of_place(self, place: str) -> List[Programme]:
        return self._answer(lambda: self._read_programmes(place), "programmes_of_place", place)

    @property
    def programmes(self) -> List[Programme]:  # type: ignore[override]
        return self._part("programmes", self._read_programmes)

    def _read_programmes(self, place: Optional[str] = None) -> List[Programme]:
        """Every programme, or one place's (curated order either way)."""
        where, params = ("WHERE g.place = ?", (place,)) if place is not None else ("", ())
        cited = self._citations("programme", f"JOIN programmes g ON g.id = c.programme {where or 'WHERE 1'}", params)
        terms: Dict[int, Dict[str, list]] = {}
        for r in self._db.execute(
            f"SELECT t.programme, t.role, {_QCOLS_OF_TERMS}, t.period, t.quote, t.source, t.note, t.applies_to, "
            f"t.flag FROM terms t JOIN programmes g ON g.id = t.programme {where} "
            "ORDER BY t.programme, t.role, t.position",
            params,
        ):
            term = Term(_q(r, 2), r[9], r[10], r[11], r[12], r[13], r[14])
            terms.setdefault(r[0], {}).setdefault(r[1], []).append(term)
        items = []
        for r in self._db.execute(
            f"SELECT id, place, type, name, policy, date, date_basis, eligibility, note FROM programmes g {where} "
            "ORDER BY id",
            params,
        ):
            own = terms.get(r[0], {})
            items.append(
                Programme(
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    _date(r[5]),
                    r[6],
                    r[7],
                    (own.get("pool") or [None])[0],
                    (own.get("rate") or [None])[0],
                    (own.get("cap") or [None])[0],
                    tuple(own.get("special", ())),
                    r[8],
                    cited.get(r[0], ()),
                )
            )
        return items


class _Places(Mapping):
    """`CachedBase.places`: a place looked up by name reads its row alone; iterating (or asking
    for every item) reads them all, once, as a dict."""

    def __init__(self, base: CachedBase):
        self._base = base
        self._one: Dict[str, Optional[PlaceDef]] = {}

    def _all(self) -> Dict[str, PlaceDef]:
        return self._base._part("places", self._base._read_places)

    def __getitem__(self, name: str) -> PlaceDef:
        base = self._base
        if base._full is None and "places" not in base._parts:
            if name not in self._one:
                found = base._guard(lambda: base._read_places(name))
                if found is not None:
                    self._one[name] = found.get(name)
            if name in self._one:
                place = self._one[name]
                if place is None:
                    raise KeyError(name)
                return place
        return self._all()[name]  # everything read, or the file failed: the full base's

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def keys(self):  # type: ignore[override]
        return self._all().keys()

    def items(self):  # type: ignore[override]
        return self._all().items()

    def values(self):  # type: ignore[override]
        return self._all().values()


class Opened:
    """What a query command needs of a loaded base: the base and where it came from."""

    def __init__(self, base: AbstractBase, path: Path, layers: Tuple[Path, ...] = ()):
        self.base = base
        self.path = path
        self.layers = layers

    def seed_text(self, source_id: str) -> Optional[str]:
        """A source document's text (cite): read as a full load would, with the same containment."""
        from .kb import Loaded

        return Loaded(None, self.path, None, self.base, layers=self.layers).seed_text(source_id)  # type: ignore[arg-type]


def _full_load(path: Path, layers: Tuple[Path, ...] = ()):
    from .kb import load

    return load(path, layers=layers)


def open_base(path: Path, layers: Tuple[Path, ...] = ()) -> Opened:
    """The base at `path` (with `layers` added, `--with`): from the cache when it is current, else
    loaded in full and cached. The key covers every file of every layer, and which layer it is in."""
    try:
        files, layout = _files(path, layers)
        memo = memo_file(path, layers)
        key = cache_key(files, FORMAT, memo, layout)
    except (OSError, RuntimeError):  # RuntimeError: Path.resolve() in a link loop, before Python 3.13
        return _full_load(path, layers)  # kb.load turns the failure into a clear DataError
    try:
        target = cache_file(path, key, layers)
        if target.is_file():
            base = _open_cached(target, key, path, layers)
            if base is not None:
                return Opened(base, path, layers)
    except (OSError, *_UNREADABLE):
        pass
    loaded = _full_load(path, layers)
    # Cached only if the files are still those the key describes: a file saved (by an editor)
    # while it was loaded must not be stored under the key of what it held before.
    try:
        unchanged = _files(path, layers) == (files, layout) and cache_key(files, FORMAT, memo, layout) == key
    except (OSError, RuntimeError):
        unchanged = False
    if unchanged:
        save(loaded.base, path, key, files, layers)
    return loaded


def _files(path: Path, layers: Tuple[Path, ...]) -> Tuple[List[Path], str]:
    """Every knowledge-base file of the base and its layers, and how many each holds: the merge
    rules differ between the files of one layer and those of two, so the split joins the key."""
    groups = [data_files(path)] + [data_files(layer) for layer in layers]
    if any(not group for group in groups[1:]):
        raise OSError("a layer without knowledge-base files")
    return [file for group in groups for file in group], ",".join(str(len(group)) for group in groups)


def _open_cached(target: Path, key: str, path: Path, layers: Tuple[Path, ...] = ()) -> Optional[CachedBase]:
    if not _whole(target):
        return None
    connection = sqlite3.connect(str(target), check_same_thread=False)
    try:
        connection.execute("PRAGMA query_only = ON")
        found = connection.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
        if not found or found[0] != key:
            connection.close()
            return None

        def fallback() -> Base:
            connection.close()
            _discard(target)
            return _full_load(path, layers).base  # the same base: its --with layers too

        return CachedBase(connection, fallback)
    except Exception:
        connection.close()
        raise


def _discard(target: Path) -> None:
    try:
        target.unlink()
    except OSError:
        pass


def save(base: AbstractBase, path: Path, key: str, files: List[Path], layers: Tuple[Path, ...] = ()) -> None:
    """Write the cache for `path` atomically; any failure only means the next run is cold too."""
    import tempfile

    try:
        target = cache_file(path, key, layers)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".sqlite3", dir=str(target.parent))
        os.close(handle)
        os.unlink(temporary)
        try:
            write(base, Path(temporary), _meta(key, files))
            os.replace(temporary, target)
        finally:
            _discard(Path(temporary))
        prefix = target.name.split("-")[0] + "-"
        for old in target.parent.glob(prefix + "*.sqlite3"):  # earlier versions of the same base
            if old != target:
                _discard(old)
    except (OSError, sqlite3.Error):
        pass


def _meta(key: str, files: List[Path]) -> Dict[str, str]:
    from . import __version__

    return {
        "key": key,
        "format": FORMAT,
        "schema_version": str(_facts.SCHEMA_VERSION),
        "cityai_version": __version__,
        "files": json.dumps([str(f) for f in files], ensure_ascii=False),
    }


def export(base: AbstractBase, target: Path, files: List[Path], force: bool = False) -> None:
    """`cityai export --sqlite FILE`: the same schema as the cache, as a standalone file."""
    from .errors import DataError, Problem
    from .files import WriteError, existing_regular

    try:  # only a regular file is ever replaced: never a device, a pipe or a link
        exists = existing_regular(target)
    except WriteError as error:
        raise DataError([Problem(str(target), str(error))]) from None
    if exists and not force:
        raise DataError([Problem(str(target), "already exists; add --force to overwrite it")])
    try:
        temporary = target.with_name(f".cityai-{os.getpid()}.tmp")  # short: the target name may be at the limit
        _discard(temporary)
        write(base, temporary, _meta(cache_key(files, FORMAT), files))
        os.replace(temporary, target)
    except (OSError, sqlite3.Error) as error:
        _discard(temporary)
        raise DataError([Problem(str(target), f"cannot write: {getattr(error, 'strerror', None) or error}")]) from None
