"""`conflicts`: where sources contradict each other (`rules.conflicts`: figures whose intervals
cannot both hold), each contradicted figure in one row at least; with `everything`, also the
consistent variants (`rules.variants`: 约2400 beside 超2400), marked `relation = consistent`,
after the contradictions. Rows grow with the facts, never with their pairs."""

from __future__ import annotations

from decimal import Decimal
from typing import Dict, Iterator, List, Optional, cast

from ..facts import Base
from ..figures.rules import conflicts, variants
from ..records import Fact
from .common import MACHINE_UNITS, Record, Result, Rows, citation_records


def list_conflicts(
    base: Base, places: Optional[List[str]] = None, everything: bool = False, streamed: bool = False
) -> Result:
    """streamed: the rows are `Rows`, made as they are written (CSV, JSON), not a list. The facts
    are read here either way, so that a cache that cannot be read fails before any output."""

    def wanted(facts: List[Fact]) -> List[Fact]:
        return [f for f in facts if not places or f.place in places]

    contradicting = wanted(base.conflicting_facts())
    # Variants need every fact of a group (the cache marks only contradicted ones): all are read,
    # and only when asked for.
    every = wanted(base.facts) if everything else []
    meta = {"places": places, "all": everything}
    if streamed:
        # Rows is iterable, not a list: only the machine renderers, which iterate, are given one.
        return Result("conflicts", cast(List[Record], Rows(lambda: _rows(contradicting, every, False))), meta)
    return Result("conflicts", list(_rows(contradicting, every, True)), meta)


def _rows(contradicting: List[Fact], every: List[Fact], shared: bool) -> Iterator[Record]:
    """The contradictions, then the consistent variants among `every` fact. A fact is in up to
    two rows: `shared`, its fields are built once and both rows hold them (rows kept as a list);
    else each row builds its own (rows written as they are made, then dropped)."""
    sides: Dict[int, tuple] = {}
    dates: Dict[str, str] = {}  # a date's text, one string for the many facts of a year

    def side(fact: Fact) -> tuple:
        found = sides.get(id(fact))
        if found is None:
            found = _side(fact, dates.setdefault(fact.date, str(fact.date)))  # type: ignore[arg-type]
            if shared:
                sides[id(fact)] = found
        return found

    for a, b in conflicts(contradicting):
        yield _row(a, b, "contradiction", side(a), side(b))
    for shown, other in variants(every) if every else ():
        yield _row(shown, other, "consistent", side(shown), side(other))


def _side(fact: Fact, date: str) -> tuple:
    """One side of a row, in the order of _row's keys (`quantity_fields`, then date, basis,
    sources and citations)."""
    q = fact.value
    return (q.value, q.upper, MACHINE_UNITS[q.dimension], q.bound, q.text, q, date, fact.date_basis,
            list(fact.sources), citation_records(fact))  # fmt: skip


def _row(a: Fact, b: Fact, relation: str, x: tuple, y: tuple) -> Record:
    """A row with its keys written out: 100,000 rows share these key strings rather than build
    "a_value" … anew (quantity_fields' prefix + key), some 60 MB at that scale."""
    larger = max(a.value.value, b.value.value)
    return {
        "place": a.place, "metric": a.metric, "kind": a.kind, "scope": a.scope, "relation": relation,
        "a_value": x[0], "a_value_max": x[1], "a_unit": x[2], "a_bound": x[3], "a_text": x[4], "_a_quantity": x[5],
        "a_date": x[6], "a_date_basis": x[7], "a_sources": x[8], "a_citations": x[9],
        "b_value": y[0], "b_value_max": y[1], "b_unit": y[2], "b_bound": y[3], "b_text": y[4], "_b_quantity": y[5],
        "b_date": y[6], "b_date_basis": y[7], "b_sources": y[8], "b_citations": y[9],
        "difference": (abs(a.value.value - b.value.value) / larger).quantize(_PLACES) if larger else None,
    }  # fmt: skip


_PLACES = Decimal("0.0001")
