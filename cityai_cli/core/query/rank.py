"""`rank --by METRIC`: places ordered by their figure, ranked only where comparable.

The reference scope is the one most places have a figure in (ties: the metric's main scope); the
reference fact is its newest figure (`rules.newest`), and every figure comparable with it
(`rules.comparable`: same scope and kind, dated within `window` months) is ranked, equal figures
sharing a rank (1, 1, 1, 4). Every other row is listed after them, unranked, with
`comparable = false` and the reason code (older figures: `outside_window`). Places without the
figure come last.
"""

from __future__ import annotations

from collections import Counter
from typing import Dict, List, Optional

from ..facts import Base
from ..figures.dates import PartialDate
from ..figures.rules import WINDOW_MONTHS, Bounds, better, comparable, contradicting, headline, newest, same_value
from ..records import Fact, MetricDef
from .common import Record, Result, fact_fields, in_region, quantity_fields


def rank(
    base: Base,
    metric: str,
    level: Optional[str] = "city",
    top: Optional[int] = None,
    kind: str = "actual",
    region: Optional[str] = None,
    as_of: Optional[PartialDate] = None,
    window: int = WINDOW_MONTHS,
) -> Result:
    definition = base.metrics[metric]
    levels = base.place_levels()
    places = [name for name, level_ in levels.items() if level is None or level_ == level]
    if region is not None:
        places = [name for name in places if in_region(base, name, region)]
    candidates = base.headline_facts_of(places, metric, kind, as_of)
    present = {
        name: fact for name, facts in candidates.items() if (fact := headline(facts, definition, as_of)) is not None
    }
    scope = _reference_scope(present, definition)
    chosen = _in_scope(present, candidates, scope, definition, as_of)
    # The anchor is the newest figure in the reference scope, so that every ranked figure lies
    # within the window of every other.
    members = [f for f in chosen.values() if f.scope == scope]
    reference = (newest(members) or members[0]) if members else None
    ranked: List[Fact] = []
    others: List[tuple] = []  # (fact, why it is not comparable)
    for fact in chosen.values():
        reason = comparable(fact, reference, window) if reference else None
        if reason is None:
            ranked.append(fact)
        else:
            others.append((fact, reason))
    missing = sorted(name for name in places if name not in present)
    # A row's conflicts are among all its place's headline facts, whatever --as-of keeps.
    known = candidates if as_of is None else {name: base.headline_facts(name, metric, kind) for name in present}
    rows = _rows(levels, definition, ranked, others, missing, known, top)
    # Nothing to rank: the other levels that have a figure (known by --as-of), for the title's hint.
    elsewhere = [] if present else _levels_with_figure(base, levels, level, metric, kind, as_of)
    return Result(
        "rank",
        rows,
        {
            "metric": metric,
            "kind": kind,
            "level": level,
            "region": region,
            "as_of": as_of,
            "with_figure": len(present),
            "without": len(places) - len(present),
            "ranked": len(ranked),
            "levels_with_figure": elsewhere,
            "window": window,
            "newest": str(reference.date) if reference and reference.date else None,
        },
    )


def _in_scope(
    present: Dict[str, Fact],
    candidates: Dict[str, List[Fact]],
    scope: Optional[str],
    definition: MetricDef,
    as_of: Optional[PartialDate],
) -> Dict[str, Fact]:
    """Each place's fact in the reference scope when it has one (the headline already is when it is
    in that scope: it is the best of all, so also of those in the scope)."""
    chosen: Dict[str, Fact] = {}
    for name, fact in present.items():
        if scope is not None and fact.scope != scope:
            in_scope = [
                f
                for f in candidates[name]
                if f.scope == scope and (as_of is None or f.known_by is None or f.known_by.at_or_before(as_of))
            ]
            if in_scope:
                fact = headline(in_scope, definition, as_of) or fact
        chosen[name] = fact
    return chosen


def _rows(
    levels: Dict[str, str],
    definition: MetricDef,
    ranked: List[Fact],
    others: List[tuple],
    missing: List[str],
    known: Dict[str, List[Fact]],
    top: Optional[int],
) -> List[Record]:
    """The ranked rows, then the unranked (`others`: (fact, reason)), then places without the
    figure; only the first `top`. Ranks go by the bounds (rules.positions: 1 + how many certainly
    beat a figure; figures the bounds cannot tell apart share one: 1, 1, 1, 4)."""
    bounds = Bounds([fact.value for fact in ranked])  # made once for the ranks and the ties
    ranks = bounds.positions(definition.higher_is_better)
    limit = len(ranked) + len(others) + len(missing) if top is None else top
    # Only the rows printed are sorted and told apart: those ranked no worse than the last of
    # them (whole groups of a shared rank, so their ties are as in the full list).
    shown = _best(ranks, limit)
    keyed = sorted(
        ((ranks[i], i) for i in shown),
        key=lambda pair: (pair[0], better(definition, ranked[pair[1]]), ranked[pair[1]].place),
    )
    ties = _ties([(rank_, ranked[i]) for rank_, i in keyed])
    printed = keyed[:limit]
    open_order = bounds.undecided([i for _, i in printed])  # each printed row against every figure
    rows: List[Record] = [
        {
            **_row(levels, ranked[i], known[ranked[i].place], rank_, True, None),
            "tie": "bounds" if open_ else ties.get(rank_),
        }
        for (rank_, i), open_ in zip(printed, open_order)
    ]
    if limit > len(rows):
        others.sort(
            key=lambda pair: (definition.scope_order(pair[0].scope), better(definition, pair[0]), pair[0].place)
        )
    rows += [_row(levels, fact, known[fact.place], None, False, reason) for fact, reason in others[: limit - len(rows)]]
    rows += [_row(levels, None, [], None, False, None, name) for name in missing[: limit - len(rows)]]
    return rows


def _best(ranks: List[int], limit: int) -> List[int]:
    """The indexes of the ranks no worse than the `limit`-th best (all of them when as many are
    asked for): every row that the first `limit` of the sorted list can hold."""
    if limit >= len(ranks):
        return list(range(len(ranks)))
    if limit <= 0:
        return []
    cut = sorted(ranks)[limit - 1]
    return [i for i, rank_ in enumerate(ranks) if rank_ <= cut]


def _levels_with_figure(
    base: Base, levels: Dict[str, str], level: Optional[str], metric: str, kind: str, as_of: Optional[PartialDate]
) -> List[str]:
    definition = base.metrics[metric]
    return sorted(
        {
            level_
            for name, level_ in levels.items()
            if level_ != level and headline(base.headline_facts(name, metric, kind, as_of), definition, as_of)
        }
    )


def _reference_scope(present: Dict[str, Fact], definition) -> Optional[str]:
    """The scope that most places have a headline figure in (ties: the metric's main scope)."""
    if not present:
        return None
    counts = Counter(f.scope for f in present.values())
    return max(counts, key=lambda s: (counts[s], -definition.scope_order(s)))


def _ties(keyed: List[tuple]) -> Dict[int, str]:
    """rank -> "equal" when the rows sharing it state one figure, "bounds" when the bounds of
    different figures cannot order them (约2400 and 2500): the view says which. A row whose
    bounds meet another row's of a different rank is "bounds" too (`rules.undecided`)."""
    shared: Dict[int, List[Fact]] = {}
    for rank_, fact in keyed:
        shared.setdefault(rank_, []).append(fact)
    return {
        rank_: "equal" if all(same_value(facts[0], f) for f in facts) else "bounds"
        for rank_, facts in shared.items()
        if len(facts) > 1
    }


def _row(
    levels: Dict[str, str],
    fact: Optional[Fact],
    siblings: List[Fact],
    position,
    is_comparable: bool,
    reason: Optional[str],
    name: Optional[str] = None,
) -> Record:
    """siblings: the place's headline facts of the metric and kind, among which `fact` may conflict."""
    place = fact.place if fact else name
    assert place is not None, "a row names its place"
    disagreeing = contradicting(fact, siblings) if fact else []
    return {
        "rank": position,
        "place": place,
        "level": levels[place],
        "comparable": is_comparable if fact else None,
        "reason": reason,
        "tie": None,
        **fact_fields(fact),
        "_chart": fact.value.value if fact and is_comparable else None,  # bars only for ranked rows
        "conflicts": [
            {**quantity_fields(other.value), "date": str(other.date), "sources": list(other.sources)}
            for other in disagreeing
        ]
        or None,
    }
