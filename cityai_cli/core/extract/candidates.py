"""`extract`: candidate facts from a new document, checked against the knowledge base.

Pure: reading the document is `extract.document`, finding figures `extract.engine.extract`. A
candidate is `known` when the base already holds a fact with the same place, metric and value
(`rules.same_value` on the parsed figure).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional, Tuple

from ..errors import UsageError
from ..facts import Base
from ..figures.dates import PartialDate
from ..figures.quantity import FigureError, parse_figure
from ..query.common import Result
from .engine import extract
from .normalised import to_simplified
from .programmes import extract_programmes


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
    programmes, policies = _programmes_and_policies(base, text, published, forms)
    terms = _term_quotes(programmes)  # all of them, known or not
    if new_only:
        programmes, policies = [r for r in programmes if not r["known"]], [r for r in policies if not r["known"]]
    rows = []
    for candidate in candidates:
        if any(quote in candidate.quote or candidate.quote in quote for quote in terms.get(candidate.value, ())):
            continue  # 设立最高5000万元算力券 is a programme's pool, not a fund's size
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
    meta = {"new_only": new_only, "published": published, "programmes": programmes, "policies": policies}
    return Result("candidates", rows, meta)


def _term_quotes(programmes: List[dict]) -> dict:
    """value as written -> the quotes of the programme terms that state it."""
    found: dict = {}
    for record in programmes:
        candidate = record["_candidate"]
        for term in (candidate.pool, candidate.rate, candidate.cap, *candidate.special_rates):
            if term is not None:
                found.setdefault(term.value, []).append(term.quote)
    return found


def _programmes_and_policies(
    base: Base, text: str, published: Optional[PartialDate], forms: dict
) -> Tuple[List[dict], List[dict]]:
    """Programme and policy candidates as records (`programme_record`, `policy_record`); `known`
    when the base has a programme of that place and type, or a policy of that place and title."""

    programmes, policies = extract_programmes(
        text,
        published=str(published) if published else None,
        places=forms,
        # a fund is an investment vehicle, not a programme anyone claims: its size is a fact (fund_size)
        type_keywords={key: list(kind.keywords) for key, kind in base.subsidy_types.items() if kind.category != "fund"},
    )
    held = {(p.place, p.type) for p in base.programmes}
    titles = {(p.place, p.title) for p in base.policies}
    programme_rows = [programme_record(p, (p.place, p.type) in held) for p in programmes]
    policy_rows = [policy_record(p, (p.place, p.title) in titles) for p in policies]
    return programme_rows, policy_rows


def programme_record(candidate, known: bool) -> dict:
    """A programme candidate as a flat record: each term's value and period, the rate's basis,
    the special rates as a list."""
    record = {
        "place": candidate.place,
        "place_known": candidate.place_known,
        "type": candidate.type,
        "name": candidate.name,
        "policy": candidate.policy or None,
        "date": candidate.date,
        "date_basis": candidate.date_basis,
    }
    for role in ("pool", "rate", "cap"):
        term = getattr(candidate, role)
        record[role] = term.value if term else None
        record[f"{role}_period" if role != "rate" else "rate_basis"] = (
            (term.period if role != "rate" else term.basis) or None if term else None
        )
    record["special_rates"] = [
        {"value": t.value, "applies_to": t.applies_to, "flag": t.flag, "basis": t.basis or None}
        for t in candidate.special_rates
    ] or None
    record.update(eligibility=candidate.eligibility or None, quote=candidate.quote, known=known, _candidate=candidate)
    return record


def policy_record(candidate, known: bool) -> dict:
    return {
        "place": candidate.place,
        "place_known": candidate.place_known,
        "title": candidate.title,
        "date": candidate.date,
        "date_basis": candidate.date_basis or None,
        "period": candidate.period or None,
        "issuer": candidate.issuer or None,
        "quote": candidate.quote,
        "known": known,
        "_candidate": candidate,
    }


def source_id_for(path: Path) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not stem:
        raise UsageError(
            f"cannot derive a source id from {path.name!r}", code="extract.no_source_id", params={"file": path.name}
        )
    return stem


__all__ = ["extract_candidates", "source_id_for"]
