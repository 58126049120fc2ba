"""Reading the compiled knowledge base (compiled.py's schema): `CachedBase`, a base with the
interface of `facts.Base` that reads only what a command asks for (`rank` one metric, `compare`
two places), with the standard library's sqlite3 only: no TOML parser, no pydantic.

A file that fails half-way (an SQLite error, a value that does not decode) is never trusted:
the base falls back to the full load (`_guard`), and store.py discards the file.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Set, Tuple

from ..facts import AbstractBase, Base
from ..figures.quantity import Quantity
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
    cite_later,
)
from .compiled import (
    CITATIONS,
    FACTS,
    HEADLINE_GIVEN,
    METRICS,
    PLACES,
    POLICIES,
    PROGRAMMES,
    SCOPES,
    SOURCES,
    SUBSIDY_TYPES,
    TERM_ROLES,
    TERMS,
)

_NO_HELD: Dict[str, Any] = {}  # a record holding no others (`Stored.reader`); never written to

# What reading a damaged cache raises: SQLite's errors, and a stored value that does not decode.
UNREADABLE = (sqlite3.Error, ValueError, TypeError, IndexError, KeyError, InvalidOperation)


def _every(column: str) -> str:
    """Every citation of one kind of owner: no join (a third of the time at 3,000 programmes)."""
    return f"WHERE c.{column} IS NOT NULL"


def _subsidy_types(db: sqlite3.Connection) -> Dict[str, SubsidyTypeDef]:
    sql = f"SELECT key, {SUBSIDY_TYPES.select()} FROM subsidy_types ORDER BY position"
    return {r[0]: SUBSIDY_TYPES.read(r, 1) for r in db.execute(sql)}


def _sources(db: sqlite3.Connection) -> Dict[str, SourceDef]:
    return {
        r[0]: SOURCES.read(r, 1) for r in db.execute(f"SELECT key, {SOURCES.select()} FROM sources ORDER BY position")
    }


_DEFINITIONS: Dict[str, Callable[[sqlite3.Connection], Any]] = {"subsidy_types": _subsidy_types, "sources": _sources}


class CachedBase(AbstractBase):
    """A knowledge base read from the SQLite file on demand (interface: `facts.AbstractBase`).

    Definitions (subsidy types, sources) are read on first use; metrics, places, facts, policies
    and programmes on first access (`_part`; one metric or place by key reads its row, `_Keyed`);
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
        self._parts: Dict[str, Any] = {}  # metrics, places, facts, policies, programmes: see _part
        self._places = _Keyed(self, "places", self._read_places)
        self._metrics = _Keyed(self, "metrics", self._read_metrics)
        self._outlines: List[Programme] = []  # programme_outlines, kept so that their id()s stay theirs
        self._outlined: Dict[int, int] = {}  # id() of an outline -> its row id
        self.title = connection.execute("SELECT value FROM meta WHERE key = 'title'").fetchone()[0]

    # -- failure: never trust a file that breaks half-way
    def _guard(self, read: Callable):
        """read(), or None once the file has failed: then the base is loaded in full and the file
        discarded. A value that does not decode (a date, a JSON list, a number) is as much a
        failure of the file as a SQLite error, as when the cache is opened (open_base)."""
        if self._full is not None:
            return None
        try:
            return read()
        except UNREADABLE:
            self._full = self._fallback()
            return None

    def _answer(self, read: Callable[[], Any], name: str, *args: Any) -> Any:
        """read() from the file, or, once the file has failed, AbstractBase's `name` (its
        definition, over the full base)."""
        found = self._guard(read)
        return getattr(AbstractBase, name)(self, *args) if found is None else found

    def __getattr__(self, name: str) -> Any:
        """The subsidy types and the sources, read on first use (rank and compare read no subsidy
        type) and then kept as attributes: subsidies asks for a programme's type in every row, and
        a property's call cost ~1 µs a row."""
        read = _DEFINITIONS.get(name)
        if read is None or name.startswith("__"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        found = self._guard(lambda: read(self._db))
        value = getattr(self._full, name) if found is None else found
        object.__setattr__(self, name, value)
        return value

    def _part(self, name: str, read: Callable[[], Any]) -> Any:
        """A part of the base (metrics, places, facts, policies, programmes) read on first access; once a
        read has failed, the full base's."""
        if self._full is None and name not in self._parts:
            self._guard(lambda: self._parts.__setitem__(name, read()))
        return getattr(self._full, name) if self._full is not None else self._parts[name]

    @property
    def places(self) -> "Mapping[str, PlaceDef]":  # type: ignore[override]
        # Read on first use, not when opened: at 3,000 places all of them take ~14 ms, and
        # `compare` looks up two (`_Keyed`), `subsidies` in Chinese none.
        return self._places

    @property
    def metrics(self) -> "Mapping[str, MetricDef]":  # type: ignore[override]
        # Read on first use: all of them with their scopes take ~0.5 ms, and `rank` looks up one,
        # `list` three, `subsidies` none (`_Keyed`).
        return self._metrics

    def metric_keys(self) -> Dict[str, Set[str]]:
        return self._answer(lambda: self._keys("metric_keys", "metric", "metrics", "key"), "metric_keys")

    def place_levels(self) -> Dict[str, str]:
        if self._full is not None or "places" in self._parts:
            return super().place_levels()
        sql = "SELECT name, level FROM places ORDER BY position"  # ~2 ms at 3,000 places, not ~14
        return self._answer(lambda: dict(self._db.execute(sql)), "place_levels")

    def place_keys(self) -> Dict[str, Set[str]]:
        return self._answer(lambda: self._keys("place_keys", "place", "places", "name"), "place_keys")

    def _keys(self, table: str, column: str, named: str, key: str) -> Dict[str, Set[str]]:
        """What a user may type -> what it names (`table`: place_keys or metric_keys), checked
        against `named` (places, metrics) both ways (a few ms at 3,000 places): a key naming one
        the file lacks, or one that no key names, is a damaged file."""
        keys: Dict[str, Set[str]] = {}
        joined = f"{table} k LEFT JOIN {named} n ON n.{key} = k.{column}"
        for typed, name, known in self._db.execute(f"SELECT k.key, k.{column}, n.{key} IS NOT NULL FROM {joined}"):
            if not known:
                raise ValueError(f"{table}: no {column} {name!r}")
            keys.setdefault(typed, set()).add(name)
        every = {name for names in keys.values() for name in names}
        if self._db.execute(f"SELECT count(*) FROM {named}").fetchone()[0] != len(every):
            raise ValueError(f"{table}: a {column} without keys")
        return keys

    def _read_metrics(self, key: Optional[str] = None) -> Dict[str, MetricDef]:
        """Every metric with its scopes, or the one of `key` (none when there is no such metric)."""
        scopes_of, where, params = ("WHERE metric = ?", "WHERE key = ?", (key,)) if key is not None else ("", "", ())
        scopes: Dict[str, List[ScopeDef]] = {}
        for r in self._db.execute(
            f"SELECT metric, {SCOPES.select()} FROM scopes {scopes_of} ORDER BY metric, position", params
        ):
            scopes.setdefault(r[0], []).append(SCOPES.read(r, 1))
        sql = f"SELECT key, {METRICS.select()} FROM metrics {where} ORDER BY position"
        return {r[0]: METRICS.read(r, 1, scopes=tuple(scopes.get(r[0], ()))) for r in self._db.execute(sql, params)}

    def _read_places(self, name: Optional[str] = None) -> Dict[str, PlaceDef]:
        """Every place, or the one named (none when there is no such place)."""
        where, params = ("WHERE name = ?", (name,)) if name is not None else ("", ())
        sql = f"SELECT name, {PLACES.select()} FROM places {where} ORDER BY position"
        return {r[0]: PLACES.read(r, 1) for r in self._db.execute(sql, params)}

    # -- citations, grouped by owner id
    def _citations(self, column: str, where: str, params: tuple, many: bool = False) -> Dict[int, Tuple[Citation, ...]]:
        """The citations of the owners `where` selects (a JOIN on the owners' table and its
        WHERE; `_every`: every owner of that kind, read from the citations' own index); `many`:
        a table's worth (`Stored.reader`)."""
        found: Dict[int, list] = {}
        sql = f"SELECT c.{column}, {CITATIONS.select('c')} FROM citations c {where} ORDER BY c.{column}, c.position"
        read, held = CITATIONS.reader(many), _NO_HELD
        for r in self._db.execute(sql, params):
            found.setdefault(r[0], []).append(read(r, 1, held))
        return {owner: tuple(items) for owner, items in found.items()}

    def _facts(
        self, where: str, params: tuple, order: str = "f.id", index: str = "", given: Optional[Dict[str, str]] = None
    ) -> List[Fact]:
        """The facts matching `where`, each built once: a fact read again is the same object. Its
        citations come in its row, decoded when first used (`records.cite_later`). `index`: the
        one SQLite must use (its planner prefers the narrower facts_metric to the covering
        facts_headline, which reads ~30% faster). `given`: fields `where` fixes (metric, kind),
        taken from it rather than from every row."""
        known, marked, found, headlines = self._by_id, self._marked, [], []
        names = tuple(given or ())
        held: Dict[str, Any] = {**(given or {}), "citations": ()}
        columns = f"f.id, f.headline, f.citations_text, {FACTS.select('f', names)}"
        indexed = f" INDEXED BY {index}" if index else ""
        for r in self._db.execute(f"SELECT {columns} FROM facts f{indexed} WHERE {where} ORDER BY {order}", params):
            fact = known.get(r[0])
            if fact is None:
                fact = known[r[0]] = cite_later(FACTS.read_given(r, 3, held, names), r[2])
                if r[1]:
                    headlines.append(fact)
            found.append(fact)
        marked.update(map(id, headlines))
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
                where = "f.metric = ? AND f.kind = ? AND f.headline = 1"
                given = dict(zip(HEADLINE_GIVEN, (str(metric), str(kind))))
                for fact in self._facts(where, (metric, kind), index="facts_headline", given=given):
                    found.setdefault(fact.place, []).append(fact)
                self._headlines[(metric, kind)] = found

            self._guard(read)
            if self._full is not None:
                return self._full.facts_of(place, metric, kind)
        return list(self._headlines[(metric, kind)].get(place, ()))

    def headline_facts_of(self, places: List[str], metric: str, kind: str, as_of=None) -> Dict[str, List[Fact]]:
        loaded = self._place_loaded or self._metric_loaded.get(metric) or "facts" in self._parts
        if self._full is not None or as_of is not None or loaded or not places:
            return super().headline_facts_of(places, metric, kind, as_of)
        self.headline_facts(places[0], metric, kind)  # reads the metric's headline facts once
        found = self._headlines.get((metric, kind))
        if found is None:  # the read failed: the full base answers
            return super().headline_facts_of(places, metric, kind, as_of)
        none: List[Fact] = []
        return {place: found.get(place, none) for place in places}  # the base's lists: read, never change

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
        cited = self._citations(
            "policy", f"JOIN policies p ON p.id = c.policy {where}" if where else _every("policy"), params
        )
        sql = f"SELECT p.id, {POLICIES.select('p')} FROM policies p {where} ORDER BY id"
        return [POLICIES.read(r, 1, citations=cited.get(r[0], ())) for r in self._db.execute(sql, params)]

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
        return [programme for _, programme in self._programme_rows(where, params)]

    def _programme_rows(self, where: str, params: tuple) -> List[Tuple[int, Programme]]:
        """(row id, programme) of the programmes `where` selects (on `programmes g`), in id order."""
        joined = f"JOIN programmes g ON g.id = {{}}.programme {where}" if where else ""
        many = not where  # every programme: the records' readers called directly (`Stored.reader`)
        cited = self._citations("programme", joined.format("c") if where else _every("programme"), params, many)
        term = TERMS.reader(many)
        named, special = self._terms(
            f"SELECT t.programme, t.role, {TERMS.select('t')} FROM terms t {joined.format('t')}",
            params,
            lambda r: term(r, 2, _NO_HELD),
        )
        items, read = [], PROGRAMMES.reader(many)
        pools, rates, caps = named["pool"].get, named["rate"].get, named["cap"].get
        sql = f"SELECT g.id, {PROGRAMMES.select('g')} FROM programmes g {where} ORDER BY id"
        for r in self._db.execute(sql, params):
            number = r[0]
            held = {
                "pool": pools(number),
                "rate": rates(number),
                "cap": caps(number),
                "special_rates": tuple(special.get(number, ())),
                "citations": cited.get(number, ()),
            }
            items.append((number, read(r, 1, held)))
        return items

    def _terms(
        self, select: str, params: tuple, read: Callable[[tuple], Term]
    ) -> Tuple[Dict[str, Dict[int, Term]], Dict[int, List[Term]]]:
        """The terms `select` reads (programme, role, then the term's columns): pool | rate |
        cap -> programme -> its term, and programme -> its special rates in order. Id order is
        each programme's terms by role, each role's by position, as written (an ORDER BY on
        those made SQLite sort 6,000 rows, ~9 ms)."""
        named: Dict[str, Dict[int, Term]] = {role: {} for role in TERM_ROLES}
        special: Dict[int, List[Term]] = {}
        for r in self._db.execute(f"{select} ORDER BY t.id", params):
            if r[1] == "special":
                special.setdefault(r[0], []).append(read(r))
            elif r[0] not in named[r[1]]:  # a role has one term (position 0)
                named[r[1]][r[0]] = read(r)
        return named, special

    def programme_outlines(self) -> List[Programme]:
        if self._full is not None or "programmes" in self._parts:
            return super().programme_outlines()
        return self._answer(self._read_outlines, "programme_outlines")

    def _read_outlines(self) -> List[Programme]:
        """Every programme with its place, type, name and its terms' flags and values (a term's
        quantity holds its number, qualifier and upper end, what `bound` reads), the rest blank:
        3,000 programmes in ~14 ms, against ~35 ms read whole with their quotes and citations."""
        made: Dict[tuple, Term] = {}  # most terms repeat a few figures: one outline each

        def outline(r: tuple) -> Term:
            term = made.get(r[2:])
            if term is None:
                flag, value, qualifier, upper = r[2:]
                figure = Quantity("", Decimal(value), "", "", qualifier, None if upper is None else Decimal(upper))
                term = made[r[2:]] = Term(figure, "", "", "", flag=flag)
            return term

        select = "SELECT t.programme, t.role, t.flag, t.value, t.value_qualifier, t.value_upper FROM terms t"
        named, special = self._terms(select, (), outline)
        outlines, pools, rates, caps = [], named["pool"].get, named["rate"].get, named["cap"].get
        for number, place, type_, name in self._db.execute("SELECT id, place, type, name FROM programmes ORDER BY id"):
            specials = tuple(special.get(number, ()))
            pool, rate, cap = pools(number), rates(number), caps(number)
            outlines.append(Programme(place, type_, name, "", None, None, "", pool, rate, cap, specials, "", ()))
        self._outlines = outlines  # row id = position + 1 (read in id order, ids from 1)
        self._outlined = {id(item): number for number, item in enumerate(outlines, start=1)}
        return outlines

    def whole_programmes(self, outlines: List[Programme]) -> List[Programme]:
        known = self._outlined
        numbers = sorted({known[id(o)] for o in outlines if id(o) in known})
        if not numbers:
            return list(outlines)
        where = f"WHERE g.id IN ({','.join('?' * len(numbers))})"
        read = self._guard(lambda: dict(self._programme_rows(where, tuple(numbers))))
        if read is None:  # the file failed: the full base's programmes, numbered as compiled (from 1)
            full = self._full.programmes if self._full is not None else []
            read = {number: full[number - 1] for number in numbers}
        return [read[known[id(o)]] if id(o) in known else o for o in outlines]


class _Keyed(Mapping):
    """`CachedBase.places` and `.metrics`: one looked up by key reads its row alone; iterating
    (or asking for every item) reads them all, once, as a dict. `read(key)` reads the one of
    `key` (a dict without it when there is none), `read()` all of them."""

    def __init__(self, base: CachedBase, part: str, read: Callable[..., Dict[str, Any]]):
        self._base, self._name, self._read = base, part, read
        self._one: Dict[str, Any] = {}
        self._every: Optional[Dict[str, Any]] = None  # once all are read: a lookup is a dict's (compare: ~200)

    def _all(self) -> Dict[str, Any]:
        if self._every is None:
            self._every = self._base._part(self._name, self._read)
        return self._every

    def __getitem__(self, key: str) -> Any:
        if self._every is not None:
            return self._every[key]
        base = self._base
        if base._full is None and self._name not in base._parts:
            if key not in self._one:
                found = base._guard(lambda: self._read(key))
                if found is not None:
                    self._one[key] = found.get(key)
            if key in self._one:
                item = self._one[key]
                if item is None:
                    raise KeyError(key)
                return item
        return self._all()[key]  # everything read, or the file failed: the full base's

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
