"""The compiled knowledge base: `Base`, the records (records.py) held in memory with the reads every
query makes, and `compile_base`, which turns a validated pydantic `KnowledgeBase`
(core/base/schema.py) into one. Queries, views and the cache work on this form only, so a warm
run needs neither pydantic nor TOML. `reader.CachedBase` offers the same reads from the cache.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Tuple

from .figures.dates import PartialDate
from .figures.rules import contradicted
from .records import (
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
    cited_sources,
)
from .slots import DictRecord


class AbstractBase:
    """What queries, views and renderers may read of a knowledge base, however it is held.

    `Base` (below) holds everything in memory; `reader.CachedBase` reads the compiled SQLite cache
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

    def headline_facts_of(
        self, places: List[str], metric: str, kind: str, as_of: Optional[PartialDate] = None
    ) -> Dict[str, List[Fact]]:
        """`headline_facts` of each of `places` (what `rank` asks of every place at once). The
        lists may be the base's own: a caller reads them and never changes them."""
        return {place: self.headline_facts(place, metric, kind, as_of) for place in places}

    def place_keys(self) -> Dict[str, Set[str]]:
        """What a user may type for a place (normalised) -> the places it names (`name_index.place_keys`)."""
        # lazy: the name index only when a name is resolved (start-up)
        from .name_index import place_keys

        return place_keys(self.places)

    def metric_keys(self) -> Dict[str, Set[str]]:
        """What a user may type for a metric (normalised) -> the metrics it names (`name_index.metric_keys`)."""
        # lazy: the name index only when a name is resolved (start-up)
        from .name_index import metric_keys

        return metric_keys(self.metrics)

    def place_levels(self) -> Dict[str, str]:
        """Every place's level, in curated order: what `rank` needs of all the places."""
        return {name: place.level for name, place in self.places.items()}

    def conflicting_facts(self) -> List[Fact]:
        """Every fact that contradicts another (`rules.contradicted`), in curated order: what
        `conflicts` needs (the compiled cache marks them when it is compiled, and reads only those)."""
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

    def programme_outlines(self) -> List[Programme]:
        """Every programme, in curated order, holding at least what choosing and ordering rows
        reads (place, type, name, and its terms' values and flags): `subsidies --top N` estimates
        and orders them all and prints N. The compiled cache leaves the rest blank (quotes,
        citations …); `whole_programmes` gives the programmes in full. Here: the programmes."""
        return self.programmes

    def whole_programmes(self, outlines: List[Programme]) -> List[Programme]:
        """The full programmes of `outlines` (from `programme_outlines`), in the same order."""
        return list(outlines)

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


class Base(AbstractBase, DictRecord):
    """The whole base in memory (compile_base, or a full load). A record (slots.DictRecord): a
    changed base is a copy (`replace`), and the index `facts_of` builds is never stale."""

    title: str
    metrics: Dict[str, MetricDef]
    subsidy_types: Dict[str, SubsidyTypeDef]
    sources: Dict[str, SourceDef]
    places: Dict[str, PlaceDef]
    facts: List[Fact]
    policies: List[Policy]
    programmes: List[Programme]

    def facts_of(self, place: str, metric: str, kind: Optional[str] = None) -> List[Fact]:
        """A place's facts for one metric (indexed on first use, beside the fields: rank and
        compare touch only what they show)."""
        index: Optional[Dict[Tuple[str, str], List[Fact]]] = self.__dict__.get("_index")
        if index is None:
            index = self.__dict__["_index"] = {}
            for fact in self.facts:
                index.setdefault((fact.place, fact.metric), []).append(fact)
        found = index.get((place, metric), [])
        return [f for f in found if kind is None or f.kind == kind]


def _citations(items, default_text: str = "") -> Tuple[Citation, ...]:
    return tuple(
        Citation(c.source, c.quote, c.value.text if c.value is not None else default_text, c.note) for c in items
    )


def mapped(record: Any, model: Any, **given: Any) -> Any:
    """A record from its validated pydantic model (core/base/schema.py): each declared field is the model's
    attribute of the same name (a list of words made a tuple; the record's default where the
    model has no such attribute), unless `given`. A field added to both is mapped with no edit."""
    defaults = record._defaults
    args = []
    for name, kind in record._types.items():
        if name in given:
            args.append(given[name])
            continue
        value = getattr(model, name, defaults[name]) if name in defaults else getattr(model, name)
        args.append(tuple(value) if kind == "Tuple[str, ...]" else value)
    return record(*args)


def _optional_term(term, programme_source: str) -> Optional[Term]:
    return None if term is None else mapped(Term, term, source=term.source or programme_source)


def compile_base(kb, origins: Optional[Dict[str, str]] = None) -> Base:
    """A validated `schema.KnowledgeBase` -> `Base` (no pydantic objects survive)."""
    origins = origins or {}
    metrics = {
        key: mapped(MetricDef, m, key=key, scopes=tuple(ScopeDef(k, s.zh, s.en) for k, s in m.scopes.items()))
        for key, m in kb.metrics.items()
    }
    types = {key: mapped(SubsidyTypeDef, t, key=key) for key, t in kb.subsidy_types.items()}
    sources = {key: mapped(SourceDef, s, key=key, origin=origins.get(key, "")) for key, s in kb.sources.items()}
    places, facts, policies, programmes = {}, [], [], []
    for name, p in kb.places.items():
        places[name] = mapped(PlaceDef, p, name=name)
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
            policies.append(mapped(Policy, pol, place=name, citations=_citations(pol.citations)))
        for g in p.programmes:
            first = g.citations[0].source
            programmes.append(
                mapped(
                    Programme,
                    g,
                    place=name,
                    pool=_optional_term(g.pool, first),
                    rate=_optional_term(g.rate, first),
                    cap=_optional_term(g.cap, first),
                    special_rates=tuple(_optional_term(t, first) for t in g.special_rates),
                    citations=_citations(g.citations),
                )
            )
    return Base(kb.title, metrics, types, sources, places, facts, policies, programmes)
