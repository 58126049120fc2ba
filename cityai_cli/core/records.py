"""The records of a compiled knowledge base, each declared once: facts with their citations,
places, metrics, scopes, subsidy types, sources, policies and programmes with their terms.

Plain and immutable (slots.Record; `Fact` a slots.DictRecord, see there): the
cache derives its tables from these declarations (cache/compiled.py), the rules compare them
(figures/rules.py), the queries read them. No pydantic, no TOML: a warm run needs neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Tuple

from .figures.dates import PartialDate
from .figures.quantity import Quantity
from .packed import join_texts, split_texts
from .slots import DictRecord, Record

# The version of the knowledge-base schema (models.KnowledgeBase) that this release reads. It is
# defined here, in a module without pydantic, because the compiled cache's key includes it.
SCHEMA_VERSION = 2


class Citation(Record):
    source: str
    quote: str
    text: str  # the figure as this source writes it ("" for policies and programmes)
    note: str = ""


def cited_sources(citations: Tuple[Citation, ...]) -> Tuple[str, ...]:
    """The sources a fact, policy or programme cites, each once, in the order first cited."""
    return tuple(dict.fromkeys([c.source for c in citations]))


def citations_text(citations: Tuple[Citation, ...]) -> str:
    """Citations as the compiled cache stores them beside their owner: a row of [source, quote,
    text, note] each (`packed.join_texts`); `read_citations` reads them back."""
    return join_texts([(c.source, c.quote, c.text, c.note) for c in citations])


def read_citations(text: str) -> Tuple[Citation, ...]:
    """`citations_text`'s text back as citations; ValueError for anything it never writes."""
    return tuple(Citation(*row) for row in split_texts(text, 4))


def cite_later(fact: "Fact", stored: str) -> "Fact":
    """`fact` without its citations, which are read from `stored` (`citations_text`'s text) on
    first use: a warm `rank --top 30` at 3,000 places reads every place's fact and prints 30, and
    decoding the others' citations was a third of reading them. Equality, hash, repr and
    `replace` see the citations as if they had been given."""
    del fact.__dict__["citations"]
    fact.__dict__["_stored_citations"] = stored
    return fact


class Fact(DictRecord):
    """Its fields in its `__dict__` (not slots): the cache fills a fact's at once, and
    `cite_later` keeps the citations encoded there until they are used."""

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

    if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any attribute of a fact

        def __getattr__(self, name: str):
            """Only for a fact whose citations are still stored (`cite_later`): decoded once."""
            stored = self.__dict__.get("_stored_citations") if name == "citations" else None
            if stored is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            citations = read_citations(stored)
            object.__setattr__(self, "citations", citations)
            del self.__dict__["_stored_citations"]
            return citations


class ScopeDef(Record):
    key: str
    zh: str
    en: str


class MetricDef(Record):
    key: str
    zh: str
    en: str
    dimension: str
    unit: str
    higher_is_better: bool
    aliases: Tuple[str, ...]
    keywords: Tuple[str, ...]
    scopes: Tuple[ScopeDef, ...]  # the first is the metric's main scope
    note: str = ""

    def scope(self, key: str) -> ScopeDef:
        return next(s for s in self.scopes if s.key == key)

    def scope_order(self, key: str) -> int:
        for index, scope in enumerate(self.scopes):  # a metric declares a handful of scopes
            if scope.key == key:
                return index
        return len(self.scopes)


class SubsidyTypeDef(Record):
    key: str
    en: str
    pinyin: str
    category: str  # voucher | subsidy | prize | fund
    aliases: Tuple[str, ...]
    keywords: Tuple[str, ...] = ()  # words that name the type in a document (extract)


class SourceDef(Record):
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
    origin: str = ""  # the knowledge-base file that declares it


class PlaceDef(Record):
    name: str
    level: str
    province: str
    city: str
    regions: Tuple[str, ...]
    traditional: str
    pinyin: str
    english: str
    aliases: Tuple[str, ...]


class Policy(Record):
    place: str
    title: str
    date: Optional[PartialDate]
    date_basis: Optional[str]
    period: str
    note: str
    citations: Tuple[Citation, ...]


class Term(Record):
    value: Quantity
    period: str
    quote: str
    source: str
    note: str = ""
    applies_to: str = ""
    flag: str = ""
    basis: str = ""  # a rate: what it is a share of (合同额, 租金 …)


class Programme(Record):
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
