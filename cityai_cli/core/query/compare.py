"""`compare`: places side by side, one row per metric and kind, the leader marked.

A row names a leader only when every figure in it is comparable (`rules.comparable`) with the
newest of them (`rules.newest`: the same rule as `rank`, dates within `window` months); otherwise
it carries flags, each a code with its parameters (`{"code": "different_scope", "places":
{"北京": "ai_core_industry", …}}`), and no leader. Comparable figures of different dates get a
`dates_differ` flag (the view's footnote) and still a leader.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from ..errors import UsageError
from ..facts import Base
from ..figures.dates import PartialDate
from ..figures.rules import WINDOW_MONTHS, comparable, contradicting, headline, newest, positions, same_value
from ..records import Fact
from .common import Record, Result, fact_fields, quantity_fields

KINDS = ("actual", "target", "forecast")


def place_keys(base: Base, names: List[str]) -> Dict[str, str]:
    """A stable ASCII key per place for column names: 深圳 -> shenzhen."""

    keys: Dict[str, str] = {}
    for name in names:
        place = base.places[name]
        key = re.sub(r"[^a-z0-9]+", "_", (place.pinyin or place.english).lower()).strip("_") or f"place{len(keys) + 1}"
        while key in keys.values():
            key += "_"
        keys[name] = key
    return keys


def compare(
    base: Base,
    names: List[str],
    metrics: Optional[List[str]] = None,
    as_of: Optional[PartialDate] = None,
    window: int = WINDOW_MONTHS,
) -> Result:
    if len(names) < 2:
        raise UsageError("at least two places are needed", code="compare.two_places")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UsageError(f"{', '.join(repeated)} given more than once")
    keys = place_keys(base, names)
    rows: List[Record] = []
    for kind in KINDS:
        for metric in metrics or list(base.metrics):
            definition = base.metrics[metric]
            picked = {name: headline(base.facts_of(name, metric, kind), definition, as_of) for name in names}
            if metrics is None and not any(picked.values()):
                continue
            if metrics is not None and kind != "actual" and not any(picked.values()):
                continue
            rows.append(_row(base, metric, kind, picked, keys, window))
    return Result("compare", rows, {"places": names, "keys": keys, "as_of": as_of, "window": window})


def _row(
    base: Base, metric: str, kind: str, picked: Dict[str, Optional[Fact]], keys: Dict[str, str], window: int
) -> Record:
    definition = base.metrics[metric]
    present = {name: fact for name, fact in picked.items() if fact is not None}
    row: Record = {"metric": metric, "kind": kind}
    for name, fact in picked.items():
        row.update(fact_fields(fact, keys[name] + "_"))
    flags: List[Record] = []
    if len(present) < 2:
        flags.append({"code": "only_one" if present else "no_figures", "places": sorted(present)})
    else:
        flags += _time_and_scope_flags(present, window)
    for name, fact in present.items():
        for other in contradicting(fact, base.facts_of(name, metric, kind)):
            flags.append(
                {
                    "code": "sources_disagree",
                    "place": name,
                    **quantity_fields(other.value),
                    "date": str(other.date),
                    "sources": list(other.sources),
                }
            )
    leaders: List[str] = []
    if len(present) > 1 and not any(f["code"] in _BLOCKING for f in flags):
        leaders, tie = _leaders(present, definition.higher_is_better)
        if tie:
            flags.append(tie)
    for name in picked:
        row[keys[name] + "_leader"] = name in leaders
    row["leader"] = leaders or None
    row["flags"] = flags or None
    return row


_BLOCKING = ("different_scope", "outside_window", "no_deadline")


def _time_and_scope_flags(present: Dict[str, Fact], window: int) -> List[Record]:
    """Why the figures cannot be compared (each figure against the newest: `rules.comparable`), or,
    when they can but some date is not the newest's (nor holds it, nor lies in it: a window of 0),
    a `dates_differ` flag (a footnote, not a bar to a leader)."""
    anchor = newest(present.values()) or next(iter(present.values()))
    reasons = {comparable(fact, anchor, window) for fact in present.values()} - {None}
    dates = {n: str(f.date) if f.date else None for n, f in present.items()}
    flags: List[Record] = []
    if "different_scope" in reasons:
        flags.append({"code": "different_scope", "places": {n: f.scope for n, f in present.items()}})
    if "no_deadline" in reasons:
        flags.append({"code": "no_deadline", "places": dates})
    elif "outside_window" in reasons:
        flags.append({"code": "outside_window", "places": dates, "window": window})
    elif not reasons and any(comparable(fact, anchor, 0) for fact in present.values()):  # 2024 holds 2024-12-31
        flags.append({"code": "dates_differ", "places": dates})
    return flags


def _leaders(present: Dict[str, Fact], higher_is_better: bool) -> Tuple[List[str], Optional[Record]]:
    """The places no other certainly beats (`rules.positions`), and a `tie` flag when their bounds
    cannot order different figures. Nobody leads when all are first: all equal, or all tied."""
    names = list(present)
    first = [n for n, rank in zip(names, positions([present[n].value for n in names], higher_is_better)) if rank == 1]
    differ = any(not same_value(present[first[0]], present[n]) for n in first)
    tie = {"code": "tie", "places": first} if len(first) > 1 and differ else None
    return ([] if len(first) == len(present) else first), tie
