"""What every query returns, and the machine fields of one fact.

A query returns a `Result`: plain records (numbers, keys, codes, dates) and parameters for the
title, never wording. Views (view/) turn a Result into labelled tables in zh or en. A record may
carry the figure's `Quantity` under a key starting with "_" for the view to format; renderers
only write the columns a view declares, so such keys never reach CSV or JSON.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Optional

from ..facts import Base
from ..figures.quantity import Quantity
from ..records import Fact

Record = Dict[str, Any]

# One unit vocabulary for every machine output: what a value is counted in.
MACHINE_UNITS = {
    "money": "CNY",
    "money_usd": "USD",
    "compute": "PFLOPS",
    "ratio": "ratio",
    "count": "count",
    "rank": "rank",
    "parameters": "parameters",
    "number": "number",
    "member": "member",
}


class Rows:
    """A result's rows made anew each time they are iterated, never all held at once: for output
    written as it is made (CSV, JSON). Iterable and true when there is a row; no len, no index."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Iterator[Record]]):
        self._make = make

    def __iter__(self) -> Iterator[Record]:
        return self._make()

    def __bool__(self) -> bool:
        return any(True for _ in self._make())


class Result:
    """name: stable table name (rank, compare, facts …); sections: more tables (show: facts, policies …)."""

    __slots__ = ("name", "rows", "meta", "sections")

    def __init__(
        self,
        name: str,
        rows: List[Record],
        meta: Optional[Dict[str, Any]] = None,
        sections: Optional[List["Result"]] = None,
    ):
        self.name = name
        self.rows = rows
        self.meta = {} if meta is None else meta
        self.sections = [] if sections is None else sections

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.name, self.rows, self.meta, self.sections) == (other.name, other.rows, other.meta, other.sections)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Result(name={self.name!r}, rows={self.rows!r}, meta={self.meta!r}, sections={self.sections!r})"


def quantity_fields(quantity: Optional[Quantity], prefix: str = "") -> Record:
    if quantity is None:
        return {prefix + key: None for key in ("value", "value_max", "unit", "bound", "text")} | {
            f"_{prefix}quantity": None
        }
    return {
        prefix + "value": quantity.value,
        prefix + "value_max": quantity.upper,
        prefix + "unit": MACHINE_UNITS[quantity.dimension],
        prefix + "bound": quantity.bound,
        prefix + "text": quantity.text,
        f"_{prefix}quantity": quantity,
    }


def citation_records(fact_or_item) -> List[Record]:
    return [
        {"source": c.source, "quote": c.quote, "value": c.text or None, "note": c.note or None}
        for c in fact_or_item.citations
    ]


def fact_fields(fact: Optional[Fact], prefix: str = "") -> Record:
    """The machine fields of one fact (all None when there is none)."""
    names = ("kind", "scope", "date", "date_basis", "sources", "citations")
    if fact is None:
        return quantity_fields(None, prefix) | {prefix + name: None for name in names}
    return quantity_fields(fact.value, prefix) | {
        prefix + "kind": fact.kind,
        prefix + "scope": fact.scope,
        prefix + "date": str(fact.date) if fact.date else None,
        prefix + "date_basis": fact.date_basis,
        prefix + "sources": list(fact.sources),
        prefix + "citations": citation_records(fact),
    }


def fact_record(base: Base, fact: Fact) -> Record:
    return {
        "place": fact.place,
        "metric": fact.metric,
        **fact_fields(fact),
        "set_on": str(fact.set_on) if fact.set_on else None,
        "note": fact.note or None,
    }


def items_of(base: Base, kind: str, places: Optional[List[str]]) -> list:
    """Every fact, policy or programme (`kind`), or only those of `places` when given: read place by
    place through the index, each place's in curated order (rows sorted by place keep the order
    they had when every item was read)."""
    if not places:
        return getattr(base, kind)
    one: Dict[str, Callable[[str], list]] = {
        "facts": base.facts_of_place,
        "policies": base.policies_of_place,
        "programmes": base.programmes_of_place,
    }
    return [item for name in dict.fromkeys(places) for item in one[kind](name)]


def in_region(base: Base, name: str, region: Optional[str]) -> bool:
    return region is None or name == region or region in base.places[name].regions
