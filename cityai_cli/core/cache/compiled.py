"""The compiled knowledge base as SQLite, the warm-run cache (store.py decides when to write and
trust it; core/cache/reader.py reads it). `cityai export --sqlite` writes a typed form (export.py).

Each record table is derived from the record's declaration in facts.py (`Stored`): one column
per field, by its declared type (`CODECS`; a Quantity is seven `value_*` columns, exact decimals
as text), records held by a record (citations, terms, scopes) in tables of their own; the same
declaration gives the DDL, the row written and the record read back. docs/design.md has the
tables, and why the cache keeps exact decimals.
"""

from __future__ import annotations

import sqlite3
from dataclasses import MISSING
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from ..facts import AbstractBase
from ..figures.dates import PartialDate
from ..figures.quantity import Quantity
from ..figures.rules import contradicted, headline
from ..packed import join_texts, split_texts
from ..records import (
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
    citations_text,
)
from ..slots import COMPILE_AFTER, DictRecord

FORMAT = "12"  # bump when the tables below change, or what their marks mean (5: conflict = contradicted;
# 6: contradicted at the same time, subsidy types' keywords, a term's basis; 7: both of 6's, merged;
# 8: the tables derived from facts.py's declarations; 9: each fact's citations as JSON in its row;
# 10: the covering index of headline facts; 11: word lists and citations as packed.join_texts;
# 12: metric_keys)

# ---- how a field of each declared type is stored and read back ------------------------------

_QUANTITY_PARTS = ("text", "", "unit", "dimension", "qualifier", "upper", "literal")
_DATES: Dict[str, PartialDate] = {}  # a base repeats a few dates ("2024") thousands of times


def _date(text: Optional[str]) -> Optional[PartialDate]:
    """A stored date, checked the first time it is seen (a damaged one raises ValueError here,
    inside the read, not later in a query)."""
    if text is None:
        return None
    found = _DATES.get(text)
    if found is None:
        found = _DATES[text] = PartialDate.parse_span(text)
    return found


def _write_quantity(q: Quantity) -> tuple:
    upper = None if q.upper is None else str(q.upper)
    return (q.text, str(q.value), q.unit, q.dimension, q.qualifier, upper, q.literal)


def _read_quantity(row: tuple, start: int) -> Quantity:
    text, value, unit, dimension, qualifier, upper, literal = row[start : start + 7]
    return Quantity(
        text, Decimal(value), unit, dimension, qualifier, None if upper is None else Decimal(upper), literal
    )


_QUANTITIES: Dict[tuple, Quantity] = {}


def remembered_quantity(row: tuple, start: int) -> Quantity:
    """`_read_quantity`, one record per distinct stored quantity: a programme's terms repeat a
    few figures (最高500万, 30%), and 6,000 terms read at 3,000 programmes built ~12,000 Decimals."""
    stored = row[start : start + 7]
    found = _QUANTITIES.get(stored)
    if found is None:
        found = _read_quantity(stored, 0)
        if len(_QUANTITIES) < 10_000:
            _QUANTITIES[stored] = found
    return found


def _words(words: Tuple[str, ...]) -> str:
    return join_texts([words])


_WORDS: Dict[str, Tuple[str, ...]] = {_words(()): ()}  # most lists repeat (no aliases, the same regions)


def _read_words(text: str) -> Tuple[str, ...]:
    found = _WORDS.get(text)
    if found is None:
        rows = split_texts(text)
        if len(rows) != 1:
            raise ValueError(f"not a list of words: {text[:50]!r}")
        found = tuple(rows[0])
        if len(_WORDS) < 10_000:
            _WORDS[text] = found
    return found


def _same(value: Any) -> Any:
    return value


def _bool(value: Any) -> bool:
    """A stored 0 or 1; anything else is a damaged file (bool() would have read 'x' as true)."""
    if value.__class__ is not int or value not in (0, 1):
        raise ValueError(f"not a stored truth value: {value!r}")
    return value == 1


def _text(value: Any) -> Optional[str]:
    return None if value is None else str(value)


# declared type -> (SQL type, write: value -> stored, read: stored -> value)
CODECS: Dict[str, Tuple[str, Callable[[Any], Any], Callable[[Any], Any]]] = {
    "str": ("TEXT NOT NULL", _same, _same),
    "Optional[str]": ("TEXT", _same, _same),
    "bool": ("INTEGER NOT NULL", int, _bool),
    "int": ("INTEGER NOT NULL", _same, _same),
    "Optional[int]": ("INTEGER", _same, _same),
    "Tuple[str, ...]": ("TEXT NOT NULL", _words, _read_words),
    "PartialDate": ("TEXT NOT NULL", str, _date),
    "Optional[PartialDate]": ("TEXT", _text, _date),
}
QUANTITY = "Quantity"  # seven columns: value_text, value (exact decimal as text), value_unit …
# Records a record holds: stored in their own tables, not as columns.
HELD = frozenset(("Tuple[Citation, ...]", "Tuple[ScopeDef, ...]", "Optional[Term]", "Tuple[Term, ...]"))


def declared(record: type) -> List[Tuple[str, str]]:
    """(field, declared type) in order: a Record's `_types`, a dataclass's annotations."""
    types = getattr(record, "_types", None) or record.__annotations__
    return [(name, str(kind)) for name, kind in types.items() if not str(kind).startswith("ClassVar")]


class Stored:
    """A record type stored as a table: `head` columns first (ids, positions, owners: given when
    written), then one per field (`held`: fields holding other records, stored elsewhere), then
    `tail` columns. `keys`: a field's constraint (PRIMARY KEY, REFERENCES …)."""

    def __init__(
        self,
        table: str,
        record: type,
        head: Tuple[str, ...] = (),
        tail: Tuple[str, ...] = (),
        keys: Optional[Dict[str, str]] = None,
        checks: str = "",
        quantity: Callable[[tuple, int], Quantity] = _read_quantity,
    ):
        self.table, self.record, self._quantity = table, record, quantity
        keys = keys or {}
        fields = declared(record)
        unknown = [kind for _, kind in fields if kind != QUANTITY and kind not in CODECS and kind not in HELD]
        if unknown:
            raise TypeError(f"{record.__name__}: no column type for {unknown[0]}; add it to compiled.CODECS")
        self.held = tuple(name for name, kind in fields if kind in HELD)
        stored = [(name, kind) for name, kind in fields if name not in self.held]
        self.columns: List[str] = []  # the record's columns, in order
        definitions = list(head)
        for name, kind in stored:
            if kind == QUANTITY:
                names = [f"{name}_{part}" if part else name for part in _QUANTITY_PARTS]
                sql = ["TEXT" if part == "upper" else "TEXT NOT NULL" for part in _QUANTITY_PARTS]
            else:
                names, sql = [name], [CODECS[kind][0] + (f" {keys[name]}" if name in keys else "")]
            self.columns += names
            definitions += [f"{column} {kind_}" for column, kind_ in zip(names, sql)]
        definitions += list(tail) + ([checks] if checks else [])
        self.ddl = f"CREATE TABLE {table} ({', '.join(definitions)});"
        self.width = len(head) + len(self.columns) + len(tail)
        self._write = [(attrgetter(name), kind) for name, kind in stored]
        self._fields = fields
        self._reader: Optional[Callable[..., Any]] = None
        self._given_readers: Dict[Tuple[str, ...], Callable[..., Any]] = {}  # read_given's, once written
        self._given_counts: Dict[Tuple[str, ...], int] = {}
        self._writer: Optional[Callable[[Any, tuple, tuple], tuple]] = None
        self._read = 0  # records read by the generic reader (see read)
        # how each field is read by the generic reader: 0 a column as stored, 1 a column
        # decoded, 2 a quantity, 3 held
        self._plan: List[Tuple[int, Any]] = [
            (3, name)
            if name in self.held
            else (2, None)
            if kind == QUANTITY
            else (0, None)
            if CODECS[kind][2] is _same
            else (1, CODECS[kind][2])
            for name, kind in fields
        ]

    def row(self, item: Any, head: tuple = (), tail: tuple = ()) -> tuple:
        """The row of `item`: `head`, its stored fields, `tail`. A function written for the
        declaration on first use (`_compile_writer`): a cold run writes ~250,000 rows at 3,000
        places, and the loop over fields cost ~5 µs a row."""
        if self._writer is None:
            self._writer = self._compile_writer()
        return self._writer(item, head, tail)

    def row_by_fields(self, item: Any, head: tuple = (), tail: tuple = ()) -> tuple:
        """`row` as a loop over the fields: the definition the written writer must match
        (tests compare the two)."""
        values: List[Any] = list(head)
        for get, kind in self._write:
            if kind == QUANTITY:
                values.extend(_write_quantity(get(item)))
            else:
                values.append(CODECS[kind][1](get(item)))
        values.extend(tail)
        return tuple(values)

    def _compile_writer(self) -> Callable[[Any, tuple, tuple], tuple]:
        """A function that makes one row, written for this declaration (~0.1 ms, on a cold run
        only): the same cells as `row_by_fields`, each field read once, a quantity's parts
        written out as `_write_quantity` writes them."""
        namespace: Dict[str, Any] = {}
        cells: List[str] = []
        for number, (name, kind) in enumerate(self._fields):
            if name in self.held:
                continue
            if kind == QUANTITY:
                q = f"q{number}"
                cells += [
                    f"({q} := item.{name}).text",
                    f"str({q}.value)",
                    f"{q}.unit",
                    f"{q}.dimension",
                    f"{q}.qualifier",
                    f"None if {q}.upper is None else str({q}.upper)",
                    f"{q}.literal",
                ]
                continue
            encode = CODECS[kind][1]
            if encode is _same:
                cells.append(f"item.{name}")
            else:
                namespace[f"encode_{name}"] = encode
                cells.append(f"encode_{name}(item.{name})")
        exec(f"def write(item, head, tail):\n    return (*head, {', '.join(cells)}, *tail)", namespace)  # noqa: S102
        return namespace["write"]

    def select(self, alias: str = "", given: Tuple[str, ...] = ()) -> str:
        """The record's columns, for a SELECT (prefixed with `alias.`); without those of the
        `given` fields (plain ones, whose column is their name: what a query's WHERE fixes)."""
        return ", ".join(f"{alias}.{column}" if alias else column for column in self.columns if column not in given)

    def read_given(self, row: tuple, start: int, held: Dict[str, Any], given: Tuple[str, ...]) -> Any:
        """`read` for a row selected with `select(given=given)`: the `given` fields come from
        `held`, as held records do (a loop for the first rows, then a reader written for them)."""
        if not given:
            return self.read(row, start, **held)
        written = self._given_readers.get(given)
        if written is not None:
            return written(row, start, held)
        self._given_counts[given] = self._given_counts.get(given, 0) + 1
        if self._given_counts[given] > COMPILE_AFTER:
            self._given_readers[given] = self._compile_reader(given)
        plan = [(3, name) if name in given else step for (name, _), step in zip(self._fields, self._plan)]
        return self._read_by(plan, row, start, held)

    def read(self, row: tuple, start: int = 0, **held: Any) -> Any:
        """The record from `row[start:]` (columns as `select` lists them) and its `held` fields.
        A loop over the fields for a table's first rows; then a reader written for the
        declaration (`_compile_reader`), which reads a large base ~30% faster."""
        if self._reader is not None:
            return self._reader(row, start, held)
        self._read += 1
        if self._read > COMPILE_AFTER:
            self._reader = self._compile_reader()
        return self._read_by(self._plan, row, start, held)

    def _read_by(self, plan: List[Tuple[int, Any]], row: tuple, start: int, held: Dict[str, Any]) -> Any:
        args: List[Any] = []
        index = start
        for code, how in plan:
            if code == 0:
                args.append(row[index])
            elif code == 1:
                args.append(how(row[index]))
            elif code == 2:
                args.append(self._quantity(row, index))
                index += 6
            else:
                args.append(held[how])
                continue
            index += 1
        return self.record(*args)

    def reader(self, many: bool) -> Callable[[tuple, int, Dict[str, Any]], Any]:
        """`read` as a function of (row, start, held) for a loop over rows: over `many` (a whole
        table), the reader written for the declaration, without `read`'s call around it (3,000
        programmes: 12,000 calls); over a few, `read`, which writes one only for a long table."""
        if many and self._reader is None:
            self._reader = self._compile_reader()
        return self._reader or self._read_held

    def _read_held(self, row: tuple, start: int, held: Dict[str, Any]) -> Any:
        return self.read(row, start, **held)

    def _compile_reader(self, given: Tuple[str, ...] = ()) -> Callable[..., Any]:
        """A function that reads one record, written for this declaration: what a hand-written
        reader would do. Written (~0.1 ms) only for a table read at length, never at import."""
        namespace: Dict[str, Any] = {"Record": self.record, "quantity": self._quantity}
        args, index = [], 0
        for name, kind in self._fields:
            if name in self.held or name in given:
                args.append(f"held[{name!r}]")
            elif kind == QUANTITY:
                args.append(f"quantity(row, s + {index})")
                index += 7
            else:
                decode = CODECS[kind][2]
                if decode is not _same:
                    namespace[f"decode_{name}"] = decode
                cell = f"row[s + {index}]"
                args.append(cell if decode is _same else f"decode_{name}({cell})")
                index += 1
        body = f"return Record({', '.join(args)})"
        if _plain_dataclass(self.record) or issubclass(self.record, DictRecord):
            # A frozen dataclass's __init__ sets each field through object.__setattr__ (~0.8 µs
            # a fact), a DictRecord's checks its arguments; filling its __dict__ at once gives
            # the same object in half the time.
            namespace["new"] = object.__new__
            fields = ", ".join(f"{name!r}: {arg}" for (name, _), arg in zip(self._fields, args))
            body = f"made = new(Record)\n    made.__dict__.update({{{fields}}})\n    return made"
        exec(f"def read(row, s, held):\n    {body}", namespace)  # noqa: S102
        return namespace["read"]


def _plain_dataclass(record: type) -> bool:
    """A dataclass whose __init__ only sets its fields (no __post_init__, no __slots__, no field
    left out of __init__ or given a default factory)."""
    fields = getattr(record, "__dataclass_fields__", None)
    return (
        fields is not None
        and not hasattr(record, "__post_init__")
        and "__slots__" not in vars(record)
        and all(f.init and f.default_factory is MISSING for f in fields.values())
    )


_PLACE = "REFERENCES places(name)"
METRICS = Stored("metrics", MetricDef, ("position INTEGER NOT NULL",), keys={"key": "PRIMARY KEY"})
SCOPES = Stored(
    "scopes",
    ScopeDef,
    ("metric TEXT NOT NULL REFERENCES metrics(key)", "position INTEGER NOT NULL"),
    checks="PRIMARY KEY (metric, key)",
)  # position 0: the metric's main scope
SUBSIDY_TYPES = Stored("subsidy_types", SubsidyTypeDef, ("position INTEGER NOT NULL",), keys={"key": "PRIMARY KEY"})
SOURCES = Stored("sources", SourceDef, ("position INTEGER NOT NULL",), keys={"key": "PRIMARY KEY"})
PLACES = Stored("places", PlaceDef, ("position INTEGER NOT NULL",), keys={"name": "PRIMARY KEY"})
# Facts: id numbers a metric's facts together, by place (one metric is one stretch of the file);
# position is the curated order. headline = 1: its (place, metric, kind, scope)'s headline
# (`rules.headline`) or in a conflict (`rules.contradicted`), what rank and list read;
# conflict = 1: in a conflict; citations_text: its citations (`records.citations_text`), read with
# the fact (one query) and decoded only when used (`records.cite_later`); the citations table
# holds them too, for counting by source and for other tools.
FACTS = Stored(
    "facts",
    Fact,
    ("id INTEGER PRIMARY KEY", "position INTEGER NOT NULL"),
    ("headline INTEGER NOT NULL", "conflict INTEGER NOT NULL", "citations_text TEXT NOT NULL"),
    keys={"place": _PLACE, "metric": "REFERENCES metrics(key)"},
)
POLICIES = Stored("policies", Policy, ("id INTEGER PRIMARY KEY",), keys={"place": _PLACE})
PROGRAMMES = Stored("programmes", Programme, ("id INTEGER PRIMARY KEY",), keys={"place": _PLACE})
TERMS = Stored(
    "terms",
    Term,
    (
        "id INTEGER PRIMARY KEY",
        "programme INTEGER NOT NULL REFERENCES programmes(id)",
        "role TEXT NOT NULL CHECK (role IN ('pool', 'rate', 'cap', 'special'))",
        "position INTEGER NOT NULL",
    ),
    keys={"source": "REFERENCES sources(key)"},
    quantity=remembered_quantity,
)
CITATIONS = Stored(
    "citations",
    Citation,
    (
        "id INTEGER PRIMARY KEY",
        "fact INTEGER REFERENCES facts(id)",
        "policy INTEGER REFERENCES policies(id)",
        "programme INTEGER REFERENCES programmes(id)",
        "position INTEGER NOT NULL",
    ),
    keys={"source": "REFERENCES sources(key)"},
    checks="CHECK ((fact IS NOT NULL) + (policy IS NOT NULL) + (programme IS NOT NULL) = 1)",
)  # a fact's citations are stored next to each other, in fact id order
# What reader._facts may select of a fact after its id (all of it): the index below covers the read.
FACT_COLUMNS = ("headline", "citations_text", *FACTS.columns)
HEADLINE_GIVEN = ("metric", "kind")  # what the read of headline facts fixes in its WHERE
TABLES = (METRICS, SCOPES, SUBSIDY_TYPES, SOURCES, PLACES, FACTS, POLICIES, PROGRAMMES, TERMS, CITATIONS)
TERM_ROLES = ("pool", "rate", "cap")  # a programme's named terms; its special rates: role special

CREATE_TABLES = "\n".join(
    [
        # meta: the cache key; format, schema_version, cityai_version, title, files (JSON list of
        # the knowledge-base files); the cache also: documents (each source's signature)
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);",
        # what a user may type for a place, normalised (`name_index.place_keys`)
        "CREATE TABLE place_keys (key TEXT NOT NULL, place TEXT NOT NULL REFERENCES places(name));",
        # and for a metric (`name_index.metric_keys`): resolving one reads neither every metric nor its words
        "CREATE TABLE metric_keys (key TEXT NOT NULL, metric TEXT NOT NULL REFERENCES metrics(key));",
        *(stored.ddl for stored in TABLES),
    ]
)
# Built once the rows are in (faster than keeping them up to date row by row; the same file).
CREATE_INDEXES = "\n".join(
    [
        "CREATE INDEX facts_place_metric ON facts (place, metric);",
        "CREATE INDEX facts_metric ON facts (metric, headline);",
        "CREATE INDEX facts_conflict ON facts (position) WHERE conflict = 1;",
        # Every column of the headline facts, by metric and kind in id order: what `rank` reads
        # (CachedBase.headline_facts), from a few adjacent pages instead of rows spread over the metric's
        # stretch of the file (at 3,000 places ~9.4 -> ~6.6 ms; the index costs ~40 ms cold).
        f"CREATE INDEX facts_headline ON facts (metric, kind, id, {', '.join(FACT_COLUMNS)}) WHERE headline = 1;",
        "CREATE INDEX policies_place ON policies (place);",
        "CREATE INDEX programmes_place ON programmes (place);",
        "CREATE INDEX terms_programme ON terms (programme);",
        "CREATE INDEX citations_fact ON citations (fact);",
        "CREATE INDEX citations_policy ON citations (policy);",
        "CREATE INDEX citations_programme ON citations (programme);",
    ]
)


# ---- writing ---------------------------------------------------------------------------------


def write(base: AbstractBase, target: Path, meta: Dict[str, str]) -> None:
    """Write `base` in the schema above to a new file `target` (which must not exist)."""
    connection = sqlite3.connect(str(target))
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;")
        connection.executescript(CREATE_TABLES)
        with connection:
            _fill(connection, base, meta)
            for statement in CREATE_INDEXES.split("\n"):
                connection.execute(statement)
    finally:
        connection.close()


def _insert(db: sqlite3.Connection, stored: Stored, rows: Iterable[tuple]) -> None:
    db.executemany(f"INSERT INTO {stored.table} VALUES ({','.join('?' * stored.width)})", rows)


def _fill(db: sqlite3.Connection, base: AbstractBase, meta: Dict[str, str]) -> None:
    db.executemany("INSERT INTO meta VALUES (?, ?)", sorted({**meta, "title": base.title}.items()))
    metrics = base.metrics.values()
    _insert(db, METRICS, (METRICS.row(m, (i,)) for i, m in enumerate(metrics)))
    _insert(db, SCOPES, (SCOPES.row(s, (m.key, i)) for m in metrics for i, s in enumerate(m.scopes)))
    _insert(db, SUBSIDY_TYPES, (SUBSIDY_TYPES.row(t, (i,)) for i, t in enumerate(base.subsidy_types.values())))
    _insert(db, SOURCES, (SOURCES.row(s, (i,)) for i, s in enumerate(base.sources.values())))
    _insert(db, PLACES, (PLACES.row(p, (i,)) for i, p in enumerate(base.places.values())))
    db.executemany(
        "INSERT INTO place_keys VALUES (?,?)",
        [(key, place) for key, places in base.place_keys().items() for place in sorted(places)],
    )
    db.executemany(
        "INSERT INTO metric_keys VALUES (?,?)",
        [(key, metric) for key, named in base.metric_keys().items() for metric in sorted(named)],
    )
    citations: List[tuple] = []
    _insert(db, FACTS, _fact_rows(base, citations))
    _insert(db, POLICIES, [POLICIES.row(p, (n,)) for n, p in _cited(base.policies, 1, citations)])
    programmes = list(_cited(base.programmes, 2, citations))
    _insert(db, PROGRAMMES, [PROGRAMMES.row(g, (n,)) for n, g in programmes])
    _insert(db, TERMS, _term_rows(programmes))
    _insert(db, CITATIONS, citations)


def _cited(items: list, column: int, citations: List[tuple]) -> Iterator[tuple]:
    """(id, item) of each item (ids from 1), adding its citations' rows to `citations` (the
    owner in `column`: 0 fact, 1 policy, 2 programme)."""
    for number, item in enumerate(items, start=1):
        for position, c in enumerate(item.citations):
            owners: List[Optional[int]] = [None, None, None]
            owners[column] = number
            citations.append(CITATIONS.row(c, (len(citations) + 1, *owners, position)))
        yield number, item


def _fact_rows(base: AbstractBase, citations: List[tuple]) -> Iterator[tuple]:
    """Facts numbered by metric, then place, then curated order (one metric is one stretch of the
    file); a fact's citations are stored next to each other, in fact id order. Rows are made as
    SQLite takes them: 120,000 rows with their citations' JSON held at once were ~25 MiB more
    at the peak of a cold run."""
    facts = base.facts
    marked, paired = _marks(base)
    order = sorted(range(len(facts)), key=lambda i: (facts[i].metric, facts[i].place, i))
    numbered = list(_cited([facts[i] for i in order], 0, citations))
    return (
        FACTS.row(fact, (number, i + 1), (int(i in marked), int(i in paired), citations_text(fact.citations)))
        for (number, fact), i in zip(numbered, order)
    )


def _term_rows(programmes: List[tuple]) -> List[tuple]:
    rows: List[tuple] = []
    for number, g in programmes:
        named = [(role, 0, getattr(g, role)) for role in TERM_ROLES]
        for role, position, term in named + [("special", i, t) for i, t in enumerate(g.special_rates)]:
            if term is not None:
                rows.append(TERMS.row(term, (len(rows) + 1, number, role, position)))
    return rows


def _marks(base: AbstractBase) -> Tuple[Set[int], Set[int]]:
    """Indexes (in base.facts) of the facts `headline_facts` returns: each (place, metric, kind,
    scope)'s headline by `rules.headline` and every fact that contradicts another
    (`rules.contradicted`, found by a sweep: n log n in a group, never every pair); and of those
    contradicted alone (`conflicting_facts`).

    Enough for any headline of the group (the headline key orders by scope first, and the first
    minimal fact of the whole group is the first minimal one of its scope, so the marked facts,
    kept in curated order, give the same pick) and for every conflict of any fact."""

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
