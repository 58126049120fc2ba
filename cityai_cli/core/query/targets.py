"""`targets`: every stated target with its deadline, and the progress of the latest actual figure.

Progress is computed whenever the actual figure shares the target's metric and scope key and the
metric is an amount that grows toward its target (the one rule in `progress`); otherwise the
record carries why not as a code. Where the scope is shared, `met` says whether the actual's
bounds meet the target's (`rules.attainment`: met | not_met | undecided): what a rate or a
rank, where a ratio means nothing, shows instead.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import List, Optional, Tuple

from ..facts import Base
from ..figures.rules import attainment, headline, is_ceiling
from ..records import Fact, MetricDef
from .common import Record, Result, fact_fields, in_region, items_of

# A rate, a rank or a membership is met or not; actual ÷ target of one says nothing (a growth of
# 35% against a target of 20% is not "175% done", a rank 3 against a target of 2 not "150%").
_NOT_AMOUNTS = frozenset(("ratio", "rank", "member"))


def progress(target: Fact, actual: Optional[Fact], metric: MetricDef) -> Tuple[Optional[Decimal], Optional[str]]:
    """(actual ÷ target, None) when they share metric and scope and the metric is an amount where
    more is better and the target no ceiling (`rules.is_ceiling`: 150家 is not "150%" of 不超过100家),
    else (None, reason code)."""
    if metric.dimension in _NOT_AMOUNTS or not metric.higher_is_better or is_ceiling(target.value):
        return None, "not_an_amount"
    if actual is None:
        return None, "no_actual"
    if (actual.metric, actual.scope) != (target.metric, target.scope):
        return None, "different_scope"
    if not target.value.value:
        return None, "target_zero"
    try:
        return (actual.value.value / target.value.value).quantize(Decimal("0.0001")), None
    except InvalidOperation:
        return None, "out_of_range"


def list_targets(
    base: Base, places: Optional[List[str]] = None, metric: Optional[str] = None, region: Optional[str] = None
) -> Result:
    rows: List[Record] = []
    for target in items_of(base, "facts", places) if places else base.facts_of_kind("target"):
        if target.kind != "target" or (metric and target.metric != metric):
            continue
        if (places and target.place not in places) or not in_region(base, target.place, region):
            continue
        definition = base.metrics[target.metric]
        # headline_facts: enough for the headline of every scope (see AbstractBase)
        actuals = base.headline_facts(target.place, target.metric, "actual")
        actual = headline([f for f in actuals if f.scope == target.scope], definition) or headline(actuals, definition)
        ratio, reason = progress(target, actual, definition)
        shared = actual is not None and (actual.metric, actual.scope) == (target.metric, target.scope)
        met = attainment(target.value, actual.value, definition.higher_is_better) if shared else None  # type: ignore[union-attr]
        rows.append(
            {
                "place": target.place,
                "metric": target.metric,
                **fact_fields(target),
                "set_on": str(target.set_on) if target.set_on else None,
                **fact_fields(actual, "actual_"),
                "progress": ratio,
                "progress_reason": reason,
                "met": met,
            }
        )
    rows.sort(key=lambda r: (r["date"] or "9999", r["place"], r["metric"]))
    return Result("targets", rows, {"places": places, "metric": metric, "region": region})
