"""`conflicts`: where sources contradict each other (`rules.conflicts`: figures whose intervals
cannot both hold), each contradicted figure in one row at least; with `everything`, also the
consistent variants (`rules.variants`: 约2400 beside 超2400), marked `relation = consistent`,
after the contradictions. Rows grow with the facts, never with their pairs."""

from __future__ import annotations

from decimal import Decimal
from typing import Dict, List, Optional, Tuple

from ..facts import Base, Fact
from ..rules import conflicts, variants
from .common import Record, Result, citation_records, quantity_fields


def list_conflicts(base: Base, places: Optional[List[str]] = None, everything: bool = False) -> Result:
    def wanted(facts: List[Fact]) -> List[Fact]:
        return [f for f in facts if not places or f.place in places]

    # A fact is in up to two rows: its sources and citations are built once and shared.
    cited: Dict[int, Tuple[List[str], List[Record]]] = {}

    def row(a: Fact, b: Fact, relation: str) -> Record:
        for fact in (a, b):
            if id(fact) not in cited:
                cited[id(fact)] = (list(fact.sources), citation_records(fact))
        return _row(a, b, relation, cited[id(a)], cited[id(b)])

    rows = [row(a, b, "contradiction") for a, b in conflicts(wanted(base.conflicting_facts()))]
    # Variants need every fact of a group (the cache marks only contradicted ones): all are read,
    # and only when asked for.
    found = variants(wanted(base.facts)) if everything else []
    rows += [row(shown, other, "consistent") for shown, other in found]
    return Result("conflicts", rows, {"places": places, "all": everything})


def _row(a: Fact, b: Fact, relation: str, a_cited: tuple, b_cited: tuple) -> Record:
    larger = max(a.value.value, b.value.value)
    return {
        "place": a.place,
        "metric": a.metric,
        "kind": a.kind,
        "scope": a.scope,
        "relation": relation,
        **quantity_fields(a.value, "a_"),
        "a_date": str(a.date),
        "a_date_basis": a.date_basis,
        "a_sources": a_cited[0],
        "a_citations": a_cited[1],
        **quantity_fields(b.value, "b_"),
        "b_date": str(b.date),
        "b_date_basis": b.date_basis,
        "b_sources": b_cited[0],
        "b_citations": b_cited[1],
        "difference": (abs(a.value.value - b.value.value) / larger).quantize(Decimal("0.0001")) if larger else None,
    }
