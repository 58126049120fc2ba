(
    """The compiled knowledge base: plain, immutable records that every query reads.

`compile_base` turns a validated pydantic `KnowledgeBase` (models.py) into a `Base` of immutable
records (record.Frozen; `Fact` and `Base` stay dataclasses, for `dataclasses.replace`). """
    """Queries, views and the cache work on this form only, so a warm run needs neither
pydantic nor TOML. It is pure data plus lookups: no wording, no rules (those live in rules.py).
"""
)

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

from .dates import PartialDate
from .quantity import Quantity
from .record import Frozen, _set

# The version of the knowledge-base schema (models.KnowledgeBase) that this release reads. It is
# defined here, in a module without pydantic, because the compiled cache's key includes it.
SCHEMA_VERSION = 2


class Citation(Frozen):
    __slots__ = ("source", "quote", "text", "note")
    source: str
    quote: str
    text: str
    note: str
    # text: the figure as this source writes it ("" for policies and programmes)

    def __init__(self, source: str, quote: str, text: str, note: str = ""):
        _set(self, "source", source)
        _set(self, "quote", quote)
        _set(self, "text", text)
        _set(self, "note", note)


def cited_sources(citations: Tuple[Citation, ...]) -> Tuple[str, ...]:
    """The sources a fact, policy or programme cites, each once, in the order first cited."""
    return tuple(dict.fromkeys(c.source for c in citations))


@dataclass(frozen=True)
class Fact:
    """A dataclass (not record.Frozen), so that `dataclasses.replace` works on facts, as on `Base`."""

    place: str
    metric: str
    scope: str
    kind: str  # actual | target | forecast
    value: Quantity
    date: Optional[PartialDate]  # what the figure refers to (a target: its deadline)
    date_basis: Optional[str]  # stated | published | inferred
    set_on: Optional[PartialDate]  # a target: when it was set
    note: str
    citations: Tuple[Citation, ...]

    @property
    def refers_to(self) -> PartialDate:
        """The date that orders facts: the date, else (a target with no deadline) when it was set."""
        return self.date or self.set_on  # type: ignore[return-value]

    @property
    def known_by(self) -> Optional[PartialDate]:
        """When the figure was known: an actual's date; a target's or forecast's set_on (a 2027
        target set in 2025 is known as of 2025). None when the base does not say."""
        return self.date if self.kind == "actual" else self.set_on

    @property
    def sources(self) -> Tuple[str, ...]:
        return cited_sources(self.citations)


class ScopeDef(Frozen):
    __slots__ = ("key", "zh", "en")
    key: str
    zh: str
    en: str

    def __init__(self, key: str, zh: str, en: str):
        _set(self, "key", key)
        _set(self, "zh", zh)
        _set(self, "en", en)


class MetricDef(Frozen):
    __slots__ = ("key", "zh", "en", "dimension", "unit", "higher_is_better", "aliases", "keywords", "scopes", "note")
    key: str
    zh: str
    en: str
    dimension: str
    unit: str
    higher_is_better: bool
    aliases: Tuple[str, ...]
    keywords: Tuple[str, ...]
    note: str
    scopes: Tuple[ScopeDef, ...]  # the first is the metric's main scope

    def __init__(
        self,
        key: str,
        zh: str,
        en: str,
        dimension: str,
        unit: str,
        higher_is_better: bool,
        aliases: Tuple[str, ...],
        keywords: Tuple[str, ...],
        scopes: Tuple[ScopeDef, ...],
        note: str = "",
    ):
        _set(self, "key", key)
        _set(self, "zh", zh)
        _set(self, "en", en)
        _set(self, "dimension", dimension)
        _set(self, "unit", unit)
        _set(self, "higher_is_better", higher_is_better)
        _set(self, "aliases", aliases)
        _set(self, "keywords", keywords)
        _set(self, "scopes", scopes)
        _set(self, "note", note)

    def scope(self, key: str) -> ScopeDef:
        return next(s for s in self.scopes if s.key == key)

    def scope_order(self, key: str) -> int:
        for index, scope in enumerate(self.scopes):  # a metric declares a handful of scopes
            if scope.key == key:
                return index
        return len(self.scopes)


class SubsidyTypeDef(Frozen):
    __slots__ = ("key", "en", "pinyin", "category", "aliases", "keywords")
    key: str
    en: str
    pinyin: str
    aliases: Tuple[str, ...]
    category: str  # voucher | subsidy | prize | fund
    keywords: Tuple[str, ...]  # words that name the type in a document (extract)

    def __init__(
        self, key: str, en: str, pinyin: str, category: str, aliases: Tuple[str, ...], keywords: Tuple[str, ...] = ()
    ):
        _set(self, "key", key)
        _set(self, "en", en)
        _set(self, "pinyin", pinyin)
        _set(self, "category", category)
        _set(self, "aliases", aliases)
        _set(self, "keywords", keywords)


class SourceDef(Frozen):
    __slots__ = (
        "key",
        "file",
        "publisher",
        "title",
        "published",
        "sha256",
        "url",
        "author",
        "language",
        "note",
        "origin",
    )
    key: str
    file: str
    publisher: str
    title: str
    published: PartialDate
    sha256: Optional[str]
    url: str
    author: str
    language: str
    note: str
    origin: str  # the knowledge-base file that declares it

    def __init__(
        self,
        key: str,
        file: str,
        publisher: str,
        title: str,
        published: PartialDate,
        sha256: Optional[str],
        url: str,
        author: str,
        language: str,
        note: str,
        origin: str = "",
    ):
        _set(self, "key", key)
        _set(self, "file", file)
        _set(self, "publisher", publisher)
        _set(self, "title", title)
        _set(self, "published", published)
        _set(self, "sha256", sha256)
        _set(self, "url", url)
        _set(self, "author", author)
        _set(self, "language", language)
        _set(self, "note", note)
        _set(self, "origin", origin)


class PlaceDef(Frozen):
    __slots__ = ("name", "level", "province", "city", "regions", "traditional", "pinyin", "english", "aliases")
    name: str
    level: str
    province: str
    city: str
    regions: Tuple[str, ...]
    traditional: str
    pinyin: str
    english: str
    aliases: Tuple[str, ...]

    def __init__(
        self,
        name: str,
        level: str,
        province: str,
        city: str,
        regions: Tuple[str, ...],
        traditional: str,
        pinyin: str,
        english: str,
        aliases: Tuple[str, ...],
    ):
        _set(self, "name", name)
        _set(self, "level", level)
        _set(self, "province", province)
        _set(self, "city", city)
        _set(self, "regions", regions)
        _set(self, "traditional", traditional)
        _set(self, "pinyin", pinyin)
        _set(self, "english", english)
        _set(self, "aliases", aliases)


class Policy(Frozen):
    __slots__ = ("place", "title", "date", "date_basis", "period", "note", "citations")
    place: str
    title: str
    date: Optional[PartialDate]
    date_basis: Optional[str]
    period: str
    note: str
    citations: Tuple[Citation, ...]

    def __init__(
        self,
        place: str,
        title: str,
        date: Optional[PartialDate],
        date_basis: Optional[str],
        period: str,
        note: str,
        citations: Tuple[Citation, ...],
    ):
        _set(self, "place", place)
        _set(self, "title", title)
        _set(self, "date", date)
        _set(self, "date_basis", date_basis)
        _set(self, "period", period)
        _set(self, "note", note)
        _set(self, "citations", citations)


class Term(Frozen):
    __slots__ = ("value", "period", "quote", "source", "note", "applies_to", "flag", "basis")
    value: Quantity
    period: str
    quote: str
    source: str
    note: str
    applies_to: str
    flag: str
    basis: str  # a rate: what it is a share of (合同额, 租金 …)

    def __init__(
        self,
        value: Quantity,
        period: str,
        quote: str,
        source: str,
        note: str = "",
        applies_to: str = "",
        flag: str = "",
        basis: str = "",
    ):
        _set(self, "value", value)
        _set(self, "period", period)
        _set(self, "quote", quote)
        _set(self, "source", source)
        _set(self, "note", note)
        _set(self, "applies_to", applies_to)
        _set(self, "flag", flag)
        _set(self, "basis", basis)


class Programme(Frozen):
    __slots__ = (
        "place",
        "type",
        "name",
        "policy",
        "date",
        "date_basis",
        "eligibility",
        "pool",
        "rate",
        "cap",
        "special_rates",
        "note",
        "citations",
    )
    place: str
    type: str
    name: str
    policy: str
    date: Optional[PartialDate]
    date_basis: Optional[str]
    eligibility: str
    pool: Optional[Term]
    rate: Optional[Term]
    cap: Optional[Term]
    special_rates: Tuple[Term, ...]
    note: str
    citations: Tuple[Citation, ...]

    def __init__(
        self,
        place: str,
        type: str,
        name: str,
        policy: str,
        date: Optional[PartialDate],  # noqa: A002
        date_basis: Optional[str],
        eligibility: str,
        pool: Optional[Term],
        rate: Optional[Term],
        cap: Optional[Term],
        special_rates: Tuple[Term, ...],
        note: str,
        citations: Tuple[Citation, ...],
    ):
        _set(self, "place", place)
        _set(self, "type", type)
        _set(self, "name", name)
        _set(self, "policy", policy)
        _set(self, "date", date)
        _set(self, "date_basis", date_basis)
        _set(self, "eligibility", eligibility)
        _set(self, "pool", pool)
        _set(self, "rate", rate)
        _set(self, "cap", cap)
        _set(self, "special_rates", special_rates)
        _set(self, "note", note)
        _set(self, "citations", citations)


class AbstractBase:
    """What queries, views and renderers may read of a knowledge base, however it is held.

    `Base` (below) holds everything in memory; `cached_base.CachedBase` reads the compiled SQLite cache
    lazily. `metrics`, `subsidy_types`, `sources` and `places` are dicts in curated order;
    `facts`, `policies` and `programmes` are lists in curated order; `facts_of` is the indexed
    accessor (it returns the same objects on every call, so identity comparisons hold).
    """

    title: str
    metrics: Dict[str, MetricDef]
    subsidy_types: Dict[str, SubsidyTypeDef]
    sources: Dict[str, SourceDef]
    places: Dict[str, PlaceDef]
    facts: List[Fact]
    policies: List[Policy]
    programmes: List[Programme]

    def facts_of(self, place: str, metric: str, kind: Optional[str] = None) -> List[Fact]:
        raise NotImplementedError

    def headline_facts(self, place: str, metric: str, kind: str, as_of: Optional[PartialDate] = None) -> List[Fact]:
        """The facts of `facts_of(place, metric, kind)` that `rules.headline` can pick, in any scope,
        and `rules.contradicting` can name: here all of them. The compiled cache marks, at compile
        time, each scope's headline and every fact in a conflict, and returns only those (in the
        same order) when `as_of` is None, so that `rank` and `list` read a fraction of the facts."""
        return self.facts_of(place, metric, kind)

    def place_keys(self) -> Dict[str, Set[str]]:
        """What a user may type for a place (normalised) -> the places it names (`names.place_keys`)."""
        from .names import place_keys

        return place_keys(self.places)

    def place_levels(self) -> Dict[str, str]:
        """Every place's level, in curated order: what `rank` needs of all the places."""
        return {name: place.level for name, place in self.places.items()}

    def conflicting_facts(self) -> List[Fact]:
        """Every fact that contradicts another (`rules.contradicted`), in curated order: what
        `conflicts` needs (the compiled cache marks them when it is compiled, and reads only those)."""
        from .rules import contradicted  # rules is built on this module

        return contradicted(self.facts)

    def facts_of_place(self, place: str) -> List[Fact]:
        """Every fact of one place, in curated order."""
        return [f for f in self.facts if f.place == place]

    def policies_of_place(self, place: str) -> List[Policy]:
        """Every policy of one place, in curated order."""
        return [p for p in self.policies if p.place == place]

    def programmes_of_place(self, place: str) -> List[Programme]:
        """Every programme of one place, in curated order."""
        return [p for p in self.programmes if p.place == place]

    def facts_of_kind(self, kind: str) -> List[Fact]:
        """Every fact of one kind (actual, target …), in curated order."""
        return [f for f in self.facts if f.kind == kind]

    def places_by_metric(self) -> Dict[str, int]:
        """How many places have a fact of each metric (metrics without any left out)."""
        places: Dict[str, set] = {}
        for fact in self.facts:
            places.setdefault(fact.metric, set()).add(fact.place)
        return {metric: len(names) for metric, names in places.items()}

    def count_by_source(self) -> Dict[Tuple[str, str], int]:
        """(source, kind) -> how many facts, policies or programmes (kind) cite the source; an item
        citing one source twice counts once (sources cited by nothing left out)."""
        counts: Dict[Tuple[str, str], int] = {}
        for kind in ("facts", "policies", "programmes"):
            for item in getattr(self, kind):
                for source in cited_sources(item.citations):
                    counts[(source, kind)] = counts.get((source, kind), 0) + 1
        return counts

    def count_by_place(self, kind: str) -> Dict[str, int]:
        """How many facts, policies or programmes (`kind`) each place has (places with none left out)."""
        counts: Dict[str, int] = {}
        for item in getattr(self, kind):
            counts[item.place] = counts.get(item.place, 0) + 1
        return counts

    def category(self, programme: Programme) -> str:
        kind = self.subsidy_types.get(programme.type)
        return kind.category if kind else "voucher"


@dataclass
class Base(AbstractBase):
    """The whole base in memory (compile_base, or a full load)."""

    title: str
    metrics: Dict[str, MetricDef]
    subsidy_types: Dict[str, SubsidyTypeDef]
    sources: Dict[str, SourceDef]
    places: Dict[str, PlaceDef]
    facts: List[Fact]
    policies: List[Policy]
    programmes: List[Programme]
    _by_place: Dict[Tuple[str, str], List[Fact]] = field(default_factory=dict, repr=False)

    def facts_of(self, place: str, metric: str, kind: Optional[str] = None) -> List[Fact]:
        """A place's facts for one metric (indexed: rank and compare touch only what they show)."""
        if not self._by_place:
            for fact in self.facts:
                self._by_place.setdefault((fact.place, fact.metric), []).append(fact)
        found = self._by_place.get((place, metric), [])
        return [f for f in found if kind is None or f.kind == kind]


def _citations(items, default_text: str = "") -> Tuple[Citation, ...]:
    return tuple(
        Citation(c.source, c.quote, c.value.text if c.value is not None else default_text, c.note) for c in items
    )


def _optional_term(term, programme_source: str) -> Optional[Term]:
    return None if term is None else _term(term, programme_source)


def _term(term, programme_source: str) -> Term:
    return Term(
        term.value,
        term.period,
        term.quote,
        term.source or programme_source,
        term.note,
        getattr(term, "applies_to", ""),
        getattr(term, "flag", ""),
        term.basis,
    )


def compile_base(kb, origins: Optional[Dict[str, str]] = None) -> Base:
    """A validated `models.KnowledgeBase` -> `Base` (no pydantic objects survive)."""
    origins = origins or {}
    metrics = {
        key: MetricDef(
            key,
            m.zh,
            m.en,
            m.dimension,
            m.unit,
            m.higher_is_better,
            tuple(m.aliases),
            tuple(m.keywords),
            tuple(ScopeDef(k, s.zh, s.en) for k, s in m.scopes.items()),
            m.note,
        )
        for key, m in kb.metrics.items()
    }
    types = {
        key: SubsidyTypeDef(key, t.en, t.pinyin, t.category, tuple(t.aliases), tuple(t.keywords))
        for key, t in kb.subsidy_types.items()
    }
    sources = {
        key: SourceDef(
            key,
            s.file,
            s.publisher,
            s.title,
            s.published,
            s.sha256,
            s.url,
            s.author,
            s.language,
            s.note,
            origins.get(key, ""),
        )
        for key, s in kb.sources.items()
    }
    places, facts, policies, programmes = {}, [], [], []
    for name, p in kb.places.items():
        places[name] = PlaceDef(
            name, p.level, p.province, p.city, tuple(p.regions), p.traditional, p.pinyin, p.english, tuple(p.aliases)
        )
        for f in p.facts:
            facts.append(
                Fact(
                    name,
                    f.metric,
                    f.scope,
                    f.kind,
                    f.value,
                    f.date,
                    f.date_basis,
                    f.set_on,
                    f.note,
                    _citations(f.citations, f.value.text),
                )
            )
        for pol in p.policies:
            policies.append(
                Policy(name, pol.title, pol.date, pol.date_basis, pol.period, pol.note, _citations(pol.citations))
            )
        for g in p.programmes:
            first = g.citations[0].source
            programmes.append(
                Programme(
                    name,
                    g.type,
                    g.name,
                    g.policy,
                    g.date,
                    g.date_basis,
                    g.eligibility,
                    _optional_term(g.pool, first),
                    _optional_term(g.rate, first),
                    _optional_term(g.cap, first),
                    tuple(_term(t, first) for t in g.special_rates),
                    g.note,
                    _citations(g.citations),
                )
            )
    return Base(kb.title, metrics, types, sources, places, facts, policies, programmes)
