"""`compare`: places side by side, one row per metric and kind, the leader marked.

A row names a leader only when every figure in it is comparable with every other
(`rules.comparable`); otherwise it carries flags, each a code with its parameters
(`{"code": "different_scope", "places": {"北京": "ai_core_industry", …}}`), and no leader.
"""

from __future__ import annotations

from typing import Dict, List, Optional

from ..dates import PartialDate
from ..errors import UsageError
from ..facts import Base, Fact
from ..rules import better, comparable, conflicts, headline
from .common import Record, Result, fact_fields, quantity_fields

KINDS = ("actual", "target", "forecast")


def place_keys(base: Base, names: List[str]) -> Dict[str, str]:
    """A stable ASCII key per place for column names: 深圳 -> shenzhen."""
    import re

    keys: Dict[str, str] = {}
    for name in names:
        place = base.places[name]
        key = re.sub(r"[^a-z0-9]+", "_", (place.pinyin or place.english).lower()).strip("_") or f"place{len(keys) + 1}"
        while key in keys.values():
            key += "_"
        keys[name] = key
    return keys


def compare(
    base: Base, names: List[str], metrics: Optional[List[str]] = None, as_of: Optional[PartialDate] = None
) -> Result:
    if len(names) < 2:
        raise UsageError("compare needs at least two places, e.g. cityai compare 深圳 上海", code="compare.two_places")
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
            rows.append(_row(base, metric, kind, picked, keys))
    return Result("compare", rows, {"places": names, "keys": keys, "as_of": as_of})


def _row(base: Base, metric: str, kind: str, picked: Dict[str, Optional[Fact]], keys: Dict[str, str]) -> Record:
    definition = base.metrics[metric]
    present = {name: fact for name, fact in picked.items() if fact is not None}
    row: Record = {"metric": metric, "kind": kind}
    for name, fact in picked.items():
        row.update(fact_fields(fact, keys[name] + "_"))
    flags: List[Record] = []
    if len(present) < 2:
        flags.append({"code": "only_one" if present else "no_figures", "places": sorted(present)})
    else:
        reasons = {comparable(a, b) for a in present.values() for b in present.values() if a is not b} - {None}
        for code in ("different_scope", "different_year", "no_deadline"):
            if code in reasons:
                detail = {
                    "different_scope": lambda f: f.scope,
                    "different_year": lambda f: f.refers_to.year,
                    "no_deadline": lambda f: str(f.date) if f.date else None,
                }[code]
                flags.append({"code": code, "places": {n: detail(f) for n, f in present.items()}})
    for name, fact in present.items():
        for a, b in conflicts(base.facts_of(name, metric, kind)):
            if fact in (a, b):
                other = b if a is fact else a
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
    if len(present) > 1 and not any(f["code"] in ("different_scope", "different_year", "no_deadline") for f in flags):
        best = min(better(definition, f) for f in present.values())
        leaders = [n for n, f in present.items() if better(definition, f) == best]
        if len(leaders) == len(present):
            leaders = []  # all equal: nobody leads
    for name in picked:
        row[keys[name] + "_leader"] = name in leaders
    row["leader"] = leaders or None
    row["flags"] = flags or None
    return row
