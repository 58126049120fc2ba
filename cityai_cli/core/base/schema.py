"""The pydantic schema of the knowledge base (TOML files such as data/cities.toml).

This module only validates what curators write. Field validators turn curated text into typed
values (figures via `quantity.parse_figure`, dates via `PartialDate`); cross-references between
tables (a fact's metric, scope and sources must exist) are checked in `lint`, where the whole base
is known. After validation the base is compiled (`facts.compile_base`) into plain dataclasses that
the queries read, so a warm run never needs pydantic. Every model forbids unknown keys, so a typo
such as `qoute = …` is an error, not silently lost.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Dict, List, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from ..figures.dates import PartialDate
from ..figures.quantity import DIMENSIONS, FigureError, Quantity, parse_figure
from ..records import SCHEMA_VERSION  # noqa: E402,F401 - defined without pydantic, for the cache key

Level = Literal["city", "district", "county", "zone", "province", "region", "country", "world"]
# "unknown": the text does not say whether an amount is per year, per project or in total.
Period = Literal["year", "project", "total", "unknown", ""]
Kind = Literal["actual", "target", "forecast"]
DateBasis = Literal["stated", "published", "inferred"]
Category = Literal["voucher", "subsidy", "prize", "fund"]


# Figures already parsed, by their text: a base repeats many ("100%", the same target in every
# district), a Quantity is immutable and parse_figure depends on the text alone, so one object
# serves them all (~5 µs a figure saved on a cold run, less memory). Bounded: a huge base stops
# adding past the limit and parses the rest each time.
_PARSED: Dict[str, Quantity] = {}
_PARSED_LIMIT = 200_000


def _quantity(raw: object) -> Quantity:
    if isinstance(raw, str):
        found = _PARSED.get(raw)
        if found is not None:
            return found
    if isinstance(raw, Quantity):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise ValueError(
            f'write the figure as the source does, as text with its unit (e.g. "{raw}家"), not a bare number'
        )
    try:
        parsed = parse_figure(raw)  # type: ignore[arg-type]
    except FigureError as error:
        raise ValueError(str(error)) from None
    if len(_PARSED) < _PARSED_LIMIT:
        _PARSED[raw] = parsed  # type: ignore[index]
    return parsed


def _one_date(raw: object) -> PartialDate:
    if isinstance(raw, str) and "/" in raw:
        raise ValueError(f"{raw!r} is a period: only a fact's date may cover one; write one date")
    return PartialDate.parse(raw)


_SPANS: Dict[str, PartialDate] = {}  # a base repeats a few dates ("2024") thousands of times


def _span_date(raw: object) -> PartialDate:
    """`PartialDate.parse_span`, once per text (a PartialDate is an immutable str): ~4 µs a fact
    on a cold run. Bounded as `_PARSED` is."""
    if isinstance(raw, str):
        found = _SPANS.get(raw)
        if found is None:
            found = PartialDate.parse_span(raw)
            if len(_SPANS) < _PARSED_LIMIT:
                _SPANS[raw] = found
        return found
    return PartialDate.parse_span(raw)


Date = Annotated[
    PartialDate,
    BeforeValidator(_one_date),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
            "description": "a date known to the year, month or day",
        }
    ),
]
# A fact's date may be a period, "2020/2024" (the source's 2020—2024年间): it orders and is known
# by its end (dates.PartialDate).
FactDate = Annotated[
    PartialDate,
    BeforeValidator(_span_date),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$",
            "description": "a date known to the year, month or day, or a period of two such dates (2020/2024)",
        }
    ),
]
Figure_ = Annotated[
    Quantity,
    BeforeValidator(_quantity),
    WithJsonSchema({"type": "string", "description": "a figure as the source writes it, e.g. 超2800家"}),
]
NonEmpty = Annotated[str, Field(min_length=1)]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


# One frozenset per distinct set of given field names, shared by every model that has it.
_FIELDS_GIVEN: Dict[frozenset, frozenset] = {}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    def model_post_init(self, context: Any) -> None:
        # pydantic keeps a set of the fields each model was given (model_fields_set): a set per
        # model, ~1 KB a fact with its citations, ~40% of a large base's models. The models are
        # frozen, so the set never changes: one shared frozenset per distinct set of names.
        given = frozenset(self.__pydantic_fields_set__)
        object.__setattr__(self, "__pydantic_fields_set__", _FIELDS_GIVEN.setdefault(given, given))


class Scope(Strict):
    """One entry of a metric's scope vocabulary: what exactly is counted."""

    zh: NonEmpty
    en: NonEmpty
    note: str = ""


class Metric(Strict):
    zh: NonEmpty
    en: NonEmpty
    dimension: Literal[DIMENSIONS]  # type: ignore[valid-type]
    unit: str
    higher_is_better: bool = True
    aliases: List[str] = []
    keywords: List[str] = []  # words that name the metric in a document (extract)
    scopes: Dict[Key, Scope] = Field(min_length=1)  # the first is the metric's main scope
    note: str = ""


class SubsidyType(Strict):
    en: NonEmpty
    pinyin: str = ""
    category: Category = "voucher"  # a fund is an investment vehicle: never a payout estimate
    aliases: List[str] = []
    keywords: List[str] = []  # words that name the type in a document (extract), as a metric's do


class Source(Strict):
    file: NonEmpty
    publisher: NonEmpty
    title: NonEmpty
    published: Date
    sha256: Optional[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = None
    url: str = ""
    author: str = ""
    language: str = ""
    note: str = ""


class Citation(Strict):
    """Where a fact, policy or programme is stated: a source and its verbatim words."""

    source: NonEmpty
    quote: NonEmpty
    value: Optional[Figure_] = None  # the figure as this source writes it, if not as the fact does
    note: str = ""


class Dated(Strict):
    date: Optional[Date] = None
    date_basis: Optional[DateBasis] = None

    @model_validator(mode="after")
    def _basis_goes_with_date(self) -> "Dated":
        if self.date is not None and self.date_basis is None:
            raise ValueError(
                'date_basis is required with date: "stated" (the source says it), '
                '"published" (the publication date standing for 目前/现) '
                'or "inferred" (say how in note)'
            )
        if self.date is None and self.date_basis is not None:
            raise ValueError("date_basis without a date")
        return self


class Fact(Dated):
    """One figure about a place: (metric, scope, kind, date) and its value, with every citation."""

    date: Optional[FactDate] = None  # a period (2020/2024) where the figure covers several years
    metric: NonEmpty
    scope: NonEmpty
    kind: Kind
    value: Figure_
    set_on: Optional[Date] = None  # a target: when it was set
    note: str = ""
    citations: List[Citation] = Field(min_length=1)

    @model_validator(mode="after")
    def _dates_fit_kind(self) -> "Fact":
        if self.date is None and self.kind != "target":
            raise ValueError(f"an {self.kind} figure needs date, the date it refers to")
        if self.date is None and self.set_on is None:
            raise ValueError("a target without a deadline (date) needs set_on, when it was set")
        if self.set_on is not None and self.kind != "target":
            raise ValueError("only a target has set_on")
        return self


class Policy(Dated):
    title: NonEmpty
    period: str = ""
    note: str = ""
    citations: List[Citation] = Field(min_length=1)


class Term(Strict):
    """One number of a programme (pool, rate, cap) with its own quote."""

    value: Figure_
    period: Period = ""
    basis: str = ""  # a rate: what it is a share of as written (合同额, 租金, 合同费用)
    quote: NonEmpty
    source: Optional[str] = None  # default: the programme's first citation
    note: str = ""


class SpecialRate(Term):
    applies_to: NonEmpty
    flag: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]


class Programme(Dated):
    """A subsidy programme or fund: one entity, however many sources mention it."""

    type: NonEmpty
    name: NonEmpty
    policy: str = ""
    eligibility: str = ""
    pool: Optional[Term] = None
    rate: Optional[Term] = None
    cap: Optional[Term] = None
    special_rates: List[SpecialRate] = []
    note: str = ""
    citations: List[Citation] = Field(min_length=1)

    @model_validator(mode="after")
    def _pool_says_its_period(self) -> "Programme":
        if self.pool is not None and self.pool.period not in ("year", "total", "unknown"):
            raise ValueError(
                f'pool.period is "year", "total" or "unknown" (where the text does not say), not {self.pool.period!r}'
            )
        return self

    @model_validator(mode="after")
    def _rates_are_fractions(self) -> "Programme":
        for name, term in [("rate", self.rate)] + [
            (f"special_rates[{i}]", t) for i, t in enumerate(self.special_rates)
        ]:
            if term is not None and term.value.dimension == "ratio" and not 0 < term.value.value <= 1:
                raise ValueError(f"{name} {term.value.text!r} must be above 0% and at most 100%")
        return self


class Place(Strict):
    level: Level
    province: str = ""
    city: str = ""
    regions: List[str] = []
    traditional: str = ""
    pinyin: str = ""
    english: str = ""
    aliases: List[str] = []
    facts: List[Fact] = []
    policies: List[Policy] = []
    programmes: List[Programme] = []

    @field_validator("pinyin", "english")
    @classmethod
    def _latin(cls, value: str) -> str:

        if value and not re.fullmatch(r"[A-Za-z][A-Za-z' .-]*", value):
            raise ValueError(f"expected Latin letters, got {value!r}")
        return value


class KnowledgeBase(Strict):
    schema_version: Literal[2] = 2
    title: str = ""
    metrics: Dict[str, Metric] = {}
    subsidy_types: Dict[str, SubsidyType] = {}
    sources: Dict[str, Source] = {}
    places: Dict[str, Place] = {}

    def model_post_init(self, context: Any) -> None:
        pass  # its own set: model_copy(update=...) adds the updated names to it (kb._validate_freeing)


def json_schema() -> dict:
    """The JSON Schema of a knowledge-base file, for TOML editors (Taplo, Even Better TOML)."""
    # lazy: only `schema` needs it
    from pydantic.json_schema import GenerateJsonSchema

    class Generator(GenerateJsonSchema):
        def field_title_should_be_set(self, schema) -> bool:
            # A figure field has no title of its own, as when Quantity was a dataclass (a $ref).
            inner = schema
            while isinstance(inner, dict):
                if inner.get("type") == "is-instance" and inner.get("cls") is Quantity:
                    return False
                inner = inner.get("schema")
            return super().field_title_should_be_set(schema)

    schema = KnowledgeBase.model_json_schema(schema_generator=Generator)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cityai knowledge base"
    return schema
