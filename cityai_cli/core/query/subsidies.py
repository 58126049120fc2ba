"""Programmes (算力券, 训力券, 模型券, 语料券 …) and funds, and what a contract would get back.

`subsidies` lists what a recipient can claim (every category but `fund`); `funds` lists the
investment funds, which never get a payout estimate. The payout rule is `rules.estimate`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, List, Optional, Tuple

from ..facts import Base
from ..figures.rules import Estimate, estimate
from ..records import Programme, Term, cited_sources
from .common import Record, Result, citation_records, in_region, items_of


def _term_values(term: Optional[Term]) -> tuple:
    """A term's values, in the order of `_term_keys` (all None without the term)."""
    if term is None:
        return _NO_TERM
    value = term.value
    return (value.value, value.bound, value.text, term.period or None, term.source, term.quote, term)


def _term_keys(name: str) -> Tuple[str, ...]:
    return (name, f"{name}_bound", f"{name}_text", f"{name}_period", f"{name}_source", f"{name}_quote", f"_{name}")


_NO_TERM = (None,) * 7
# A programme's record's keys, written once (not formatted again for each of 3,000 rows); the
# values `programme_record` gives them, in this order.
_RECORD_KEYS = (
    ("place", "type", "category", "name", "policy", "date", "date_basis")
    + _term_keys("pool")
    + _term_keys("rate")
    + ("rate_basis", "special_rates")
    + _term_keys("cap")
    + ("eligibility", "sources", "citations", "note")
)


# The estimate's keys, beside the record's when estimating (--spend), in this order.
_ESTIMATE_KEYS: Tuple[str, ...] = ("spend", "estimate", "rate_used", "rate_used_bound")
_ESTIMATE_KEYS += ("special_used", "gross", "payout", "payout_bound")


def programme_record(base: Base, programme: Programme) -> Record:
    rate = programme.rate
    return dict(
        zip(
            _RECORD_KEYS,
            (
                programme.place,
                programme.type,
                base.category(programme),
                programme.name,
                programme.policy or None,
                str(programme.date) if programme.date else None,
                programme.date_basis,
                *_term_values(programme.pool),
                *_term_values(rate),
                (rate.basis or None) if rate else None,
                [_special_rate(t) for t in programme.special_rates] or None,
                *_term_values(programme.cap),
                programme.eligibility or None,
                list(cited_sources(programme.citations)),
                citation_records(programme),
                programme.note or None,
            ),
        )
    )


def _special_rate(term: Term) -> Record:
    return {
        "value": term.value.value,
        "text": term.value.text,
        "bound": term.value.bound,
        "basis": term.basis or None,
        "applies_to": term.applies_to,
        "flag": term.flag,
        "quote": term.quote,
    }


def list_programmes(
    base: Base,
    types: Iterable[str] = (),
    places: Optional[List[str]] = None,
    spend: Optional[Decimal] = None,
    flags: Iterable[str] = (),
    funds: bool = False,
    region: Optional[str] = None,
    top: Optional[int] = None,
) -> Result:
    """top: the first `top` rows only (meta["matched"] counts them all); only those are made
    records, and read in full (the others are chosen and ordered from their outlines)."""
    wanted, flags = set(types), list(flags)
    chosen: List[Tuple[Programme, Optional[Estimate]]] = []
    every = base.programme_outlines() if top is not None and not places else items_of(base, "programmes", places)
    for programme in every:  # rows are sorted below, ties by place
        category = base.category(programme)
        if (category == "fund") != funds or (wanted and programme.type not in wanted):
            continue
        if places and programme.place not in places:
            continue
        if region is not None and not in_region(base, programme.place, region):
            continue
        chosen.append((programme, estimate(programme, category, spend, flags) if spend is not None else None))
    chosen.sort(key=lambda item: order(*item))
    rows = []
    shown = chosen[:top]
    for programme, (_, result) in zip(base.whole_programmes([p for p, _ in shown]), shown):
        row = programme_record(base, programme)
        if result is not None:
            special = result.special.flag if result.special else None
            paid = (result.code, result.rate, result.rate_bound, special, result.gross, result.payout, result.bound)
            row.update(zip(_ESTIMATE_KEYS, (spend, *paid)))
        rows.append(row)
    return Result(
        "funds" if funds else "subsidies",
        rows,
        {
            "types": sorted(wanted),
            "spend": spend,
            "flags": flags,
            "places": places,
            "region": region,
            "top": top,
            "matched": len(chosen),
        },
    )


def order(programme: Programme, result: Optional[Estimate]) -> tuple:
    """The rows' order: largest first, unknown last: by payout (when estimating), then
    per-recipient cap, then pool; ties by place, then name. (Written out: it keys 3,000 rows.)"""
    cap = programme.cap.value.value if programme.cap else None
    pool = programme.pool.value.value if programme.pool else None
    key = (cap is None, -(cap or 0), pool is None, -(pool or 0), programme.place, programme.name)
    if result is None:
        return key
    return (result.payout is None, -(result.payout or 0)) + key
