"""The records of a compiled knowledge base, each declared once: facts with their citations,
places, metrics, scopes, subsidy types, sources, policies and programmes with their terms.

Plain and immutable (slots.Record; `Fact` stays a dataclass, for `dataclasses.replace`): the
cache derives its tables from these declarations (cache/compiled.py), the rules compare them
(figures/rules.py), the queries read them. No pydantic, no TOML: a warm run needs neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from .figures.dates import PartialDate
from .figures.quantity import Quantity
from .slots import Record

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
    return tuple(dict.fromkeys(c.source for c in citations))


@dataclass(frozen=True)
class Fact:
    """A dataclass (not slots.Frozen), so that `dataclasses.replace` works on facts, as on `Base`."""

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
