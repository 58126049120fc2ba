"""The pydantic schema of the knowledge base (data/cities.toml).

Field validators turn curated text into typed values (figures via `quantity.parse_figure`,
dates via `PartialDate`). Cross-references between tables (a figure's metric and source must
exist, its unit must fit the metric) are checked in `kb.lint`, where the whole base is known.
Every model forbids unknown keys, so a typo such as `qoute = …` is an error, not silently lost.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Dict, List, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .quantity import DIMENSIONS, FigureError, Quantity, parse_figure

Level = Literal["city", "district", "county", "zone", "province", "region", "country", "world"]
Period = Literal["year", "project", "total", ""]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class PartialDate(str):
    """A date known to the year, month or day: "2024", "2024-12", "2024-12-31".

    It stays a string (so it prints and serialises as curated) and orders chronologically, a
    year or month standing for its end: "2024" sorts with "2024-12-31".
    """

    def sort_key(self) -> tuple:
        year, month, day = (self.split("-") + [None, None])[:3]
        return (int(year), int(month or 12), int(day or 31), -self.count("-"))

    @property
    def year(self) -> int:
        return int(self[:4])

    @classmethod
    def parse(cls, raw: object) -> "PartialDate":
        if isinstance(raw, bool):
            raise ValueError("expected a date such as \"2024\", \"2024-12\" or \"2024-12-31\"")
        if isinstance(raw, int):
            raw = str(raw)
        elif isinstance(raw, (_dt.date, _dt.datetime)):
            raw = raw.strftime("%Y-%m-%d")
        if not isinstance(raw, str):
            raise ValueError("expected a date such as \"2024\", \"2024-12\" or \"2024-12-31\"")
        match = _DATE.match(raw.strip())
        if not match:
            raise ValueError(f"expected a date such as \"2024\", \"2024-12\" or \"2024-12-31\", got {raw!r}")
        year, month, day = match.groups()
        try:
            _dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise ValueError(f"{raw!r} is not a real date") from None
        return cls(raw.strip())


def _quantity(raw: object) -> Quantity:
    if isinstance(raw, Quantity):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise ValueError(f"write the figure as the source does, as text with its unit (e.g. \"{raw}家\"), not a bare number")
    try:
        return parse_figure(raw)
    except FigureError as error:
        raise ValueError(str(error)) from None


Date = Annotated[PartialDate, BeforeValidator(PartialDate.parse)]
Figure_ = Annotated[Quantity, BeforeValidator(_quantity)]
NonEmpty = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Metric(Strict):
    zh: NonEmpty
    en: NonEmpty
    dimension: Literal[DIMENSIONS]  # type: ignore[valid-type]
    unit: str
    higher_is_better: bool = True
    aliases: List[str] = []
    note: str = ""


class SubsidyType(Strict):
    en: NonEmpty
    pinyin: str = ""
    aliases: List[str] = []


class Source(Strict):
    file: NonEmpty
    publisher: NonEmpty
    title: NonEmpty
    published: Date
    author: str = ""
    language: str = ""
    note: str = ""


class Figure(Strict):
    metric: NonEmpty
    value: Figure_
    kind: Literal["actual", "target"] = "actual"
    as_of: Optional[Date] = None
    deadline: Optional[Date] = None
    scope: str = ""
    source: NonEmpty
    quote: NonEmpty
    note: str = ""

    @model_validator(mode="after")
    def _dates_fit_kind(self) -> "Figure":
        if self.kind == "target" and self.deadline is None and self.as_of is None:
            raise ValueError("a target needs a deadline (e.g. deadline = \"2027\"), or as_of, when it was set, if the source gives no deadline")
        if self.kind == "actual" and self.as_of is None:
            raise ValueError("an actual figure needs as_of, the date it refers to")
        if self.kind == "actual" and self.deadline is not None:
            raise ValueError("only a target has a deadline; set kind = \"target\" or remove deadline")
        return self

    @property
    def refers_to(self) -> PartialDate:
        """The date the figure is about: the deadline of a target, else as_of."""
        return self.deadline or self.as_of  # type: ignore[return-value]


class Policy(Strict):
    title: NonEmpty
    issued: Optional[Date] = None
    period: str = ""
    source: NonEmpty
    quote: NonEmpty
    note: str = ""


class Term(Strict):
    """One number of a subsidy programme (pool, rate, cap) with its own quote."""

    value: Figure_
    period: Period = ""
    quote: NonEmpty
    source: Optional[str] = None
    note: str = ""


class SpecialRate(Term):
    applies_to: NonEmpty
    flag: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]


class Subsidy(Strict):
    type: NonEmpty
    name: NonEmpty
    policy: str = ""
    as_of: Optional[Date] = None
    source: NonEmpty
    eligibility: str = ""
    pool: Optional[Term] = None
    rate: Optional[Term] = None
    cap: Optional[Term] = None
    special_rates: List[SpecialRate] = []
    quote: str = ""   # for a programme named without any number
    note: str = ""

    @model_validator(mode="after")
    def _traceable(self) -> "Subsidy":
        if not (self.quote or self.pool or self.rate or self.cap or self.special_rates):
            raise ValueError("a subsidy needs a quote, or a pool/rate/cap with its own quote")
        return self

    def terms(self) -> List[tuple]:
        """(path, term) for every number the programme states."""
        found = [(name, getattr(self, name)) for name in ("pool", "rate", "cap") if getattr(self, name)]
        return found + [(f"special_rates[{i}]", term) for i, term in enumerate(self.special_rates)]


class Place(Strict):
    level: Level
    province: str = ""
    city: str = ""
    regions: List[str] = []
    traditional: str = ""
    pinyin: str = ""
    english: str = ""
    aliases: List[str] = []
    figures: List[Figure] = []
    policies: List[Policy] = []
    subsidies: List[Subsidy] = []

    @field_validator("pinyin", "english")
    @classmethod
    def _latin(cls, value: str) -> str:
        if value and not re.fullmatch(r"[A-Za-z][A-Za-z' .-]*", value):
            raise ValueError(f"expected Latin letters, got {value!r}")
        return value


class KnowledgeBase(Strict):
    schema_version: Literal[1] = 1
    title: str = ""
    metrics: Dict[str, Metric]
    subsidy_types: Dict[str, SubsidyType] = {}
    sources: Dict[str, Source]
    places: Dict[str, Place]
