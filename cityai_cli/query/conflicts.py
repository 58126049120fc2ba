"""`conflicts`: where sources disagree about the same thing (`rules.conflicts`), each disagreement once."""

from __future__ import annotations

from decimal import Decimal
from typing import List, Optional

from ..facts import Base
from ..rules import conflicts
from .common import Record, Result, citation_records, quantity_fields


def list_conflicts(base: Base, places: Optional[List[str]] = None) -> Result:
    rows: List[Record] = []
    facts = [f for f in base.conflicting_facts() if not places or f.place in places]
    for a, b in conflicts(facts):
        larger = max(a.value.value, b.value.value)
        rows.append(
            {
                "place": a.place,
                "metric": a.metric,
                "kind": a.kind,
                "scope": a.scope,
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
                "difference": (abs(a.value.value - b.value.value) / larger).quantize(Decimal("0.0001"))
                if larger
                else None,
            }
        )
    return Result("conflicts", rows, {"places": places})
