"""`conflicts`: where sources contradict each other (`rules.conflicts`: figures whose intervals
cannot both hold), each contradicted figure in one row at least; with `everything`, also the
consistent variants (`rules.variants`: 约2400 beside 超2400), marked `relation = consistent`,
after the contradictions. Rows grow with the facts, never with their pairs."""

from __future__ import annotations

from decimal import Decimal
from typing import Dict, List, Optional

from ..facts import Base
from ..figures.rules import conflicts, variants
from ..records import Fact
from .common import MACHINE_UNITS, Record, Result, citation_records


def list_conflicts(base: Base, places: Optional[List[str]] = None, everything: bool = False) -> Result:
    def wanted(facts: List[Fact]) -> List[Fact]:
        return [f for f in facts if not places or f.place in places]

    # A fact is in up to two rows: its fields are built once, and the rows share them.
    sides: Dict[int, tuple] = {}
    dates: Dict[str, str] = {}  # a date's text, one string for the many facts of a year

    def row(a: Fact, b: Fact, relation: str) -> Record:
        for fact in (a, b):
            if id(fact) not in sides:
                sides[id(fact)] = _side(fact, dates.setdefault(fact.date, str(fact.date)))  # type: ignore[arg-type]
        return _row(a, b, relation, sides[id(a)], sides[id(b)])

    rows = [row(a, b, "contradiction") for a, b in conflicts(wanted(base.conflicting_facts()))]
    # Variants need every fact of a group (the cache marks only contradicted ones): all are read,
    # and only when asked for.
    found = variants(wanted(base.facts)) if everything else []
    rows += [row(shown, other, "consistent") for shown, other in found]
    return Result("conflicts", rows, {"places": places, "all": everything})


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
