"""`extract`: candidate facts from a new document, checked against the knowledge base.

Pure: reading the document is `extract.document`, finding figures `extract.engine.extract`. A
candidate is `known` when the base already holds a fact with the same place, metric and value
(`rules.same_value` on the parsed figure).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from ..dates import PartialDate
from ..errors import UsageError
from ..facts import Base
from ..quantity import FigureError, parse_figure
from .common import Result


def _known(base: Base, place: str, metric: str, value: str) -> bool:
    try:
        quantity = parse_figure(value)
    except FigureError:
        return False
    return any(
        (f.value.value, f.value.upper, f.value.bound) == (quantity.value, quantity.upper, quantity.bound)
        for f in base.facts_of(place, metric)
    )


def extract_candidates(base: Base, text: str, published: Optional[PartialDate], new_only: bool = False) -> Result:
    from ..extract.engine import extract
    from ..extract.text import to_simplified

    forms: dict = {}
    for name, place in base.places.items():
        for form in (name, place.traditional, *place.aliases):
            if form and not form.isascii():
                forms.setdefault(to_simplified(form), name)
    candidates = extract(
        text,
        published=str(published) if published else None,
        places=forms,
        metric_keywords={k: list(m.keywords) for k, m in base.metrics.items()},
        metric_dimensions={k: m.dimension for k, m in base.metrics.items()},
        metric_units={k: m.unit for k, m in base.metrics.items()},
    )
    rows = []
    for candidate in candidates:
        known = (
            candidate.place_known
            and candidate.metric in base.metrics
            and _known(base, candidate.place, candidate.metric, candidate.value)
        )
        if new_only and known:
            continue
        rows.append(
            {
                "place": candidate.place,
                "place_known": candidate.place_known,
                "metric": candidate.metric,
                "value": candidate.value,
                "kind": candidate.kind,
                "date": candidate.date,
                "date_basis": candidate.date_basis,
                "quote": candidate.quote,
                "confidence": round(candidate.confidence, 2),
                "known": known,
                "_candidate": candidate,
            }
        )
    return Result("candidates", rows, {"new_only": new_only, "published": published})


def source_id_for(path: Path) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not stem:
        raise UsageError(
            f"cannot derive a source id from {path.name!r}", code="extract.no_source_id", params={"file": path.name}
        )
    return stem


__all__ = ["extract_candidates", "source_id_for"]
