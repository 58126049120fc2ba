"""`conflicts`: where sources contradict each other (`rules.conflicts`: figures whose intervals
cannot both hold), each contradicted figure in one row at least; with `everything`, also the
consistent variants (`rules.variants`: 约2400 beside 超2400), marked `relation = consistent`,
after the contradictions. Rows grow with the facts, never with their pairs."""

from __future__ import annotations

from decimal import Decimal
from typing import List, Optional

from ..facts import Base, Fact
from ..rules import conflicts, variants
from .common import Record, Result, citation_records, quantity_fields


def list_conflicts(base: Base, places: Optional[List[str]] = None, everything: bool = False) -> Result:
    def wanted(facts: List[Fact]) -> List[Fact]:
        return [f for f in facts if not places or f.place in places]

    rows = [_row(a, b, "contradiction") for a, b in conflicts(wanted(base.conflicting_facts()))]
    # Variants need every fact of a group (the cache marks only contradicted ones): read all, and
    # only when they are asked for; otherwise count them for the title's hint.
    found = variants(wanted(base.facts)) if everything else []
    rows += [_row(shown, other, "consistent") for shown, other in found]
    return Result("conflicts", rows, {"places": places, "all": everything})


def _row(a: Fact, b: Fact, relation: str) -> Record:
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
        "a_sources": list(a.sources),
        "a_citations": citation_records(a),
        **quantity_fields(b.value, "b_"),
        "b_date": str(b.date),
        "b_date_basis": b.date_basis,
        "b_sources": list(b.sources),
        "b_citations": citation_records(b),
        "difference": (abs(a.value.value - b.value.value) / larger).quantize(Decimal("0.0001")) if larger else None,
    }
