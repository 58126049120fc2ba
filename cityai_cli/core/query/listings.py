"""What is in the knowledge base: places, one place's profile, sources, metrics, subsidy types, policies."""

from __future__ import annotations

import os
from typing import List, Optional

from ..base.paths import bundled_path
from ..facts import Base
from ..figures.dates import PartialDate
from ..figures.rules import headline
from ..records import cited_sources
from .common import MACHINE_UNITS, Record, Result, citation_records, fact_fields, fact_record, in_region, items_of
from .subsidies import programme_record

HEADLINE_METRICS = ("ai_enterprises", "industry_scale", "compute_capacity")


def list_places(
    base: Base, level: Optional[str] = None, region: Optional[str] = None, province: Optional[str] = None
) -> Result:
    counts = {kind: base.count_by_place(kind) for kind in ("facts", "policies", "programmes")}
    rows = []
    for name, place in base.places.items():
        if (level and place.level != level) or not in_region(base, name, region):
            continue
        if province and place.province != province and name != province:
            continue
        row: Record = place_fields(name, place)
        for metric in HEADLINE_METRICS:
            if metric in base.metrics:
                fact = headline(base.headline_facts(name, metric, "actual"), base.metrics[metric])
                row.update(
                    {
                        k: v
                        for k, v in fact_fields(fact, metric + "_").items()
                        if k.startswith("_")
                        or k[len(metric) + 1 :] in ("value", "value_max", "unit", "bound", "text", "date", "scope")
                    }
                )
        row.update(
            facts=counts["facts"].get(name, 0),
            policies=counts["policies"].get(name, 0),
            programmes=counts["programmes"].get(name, 0),
        )
        rows.append(row)
    return Result(
        "places",
        rows,
        {
            "level": level,
            "region": region,
            "province": province,
            "metrics": [m for m in HEADLINE_METRICS if m in base.metrics],
        },
    )


def place_fields(name: str, place, traditional: bool = False) -> Record:
    """Who a place is, as `list` (and, with its traditional name, `show`) writes it."""
    fields: Record = {
        "place": name,
        "level": place.level,
        "province": place.province or None,
        "city": place.city or None,
        "regions": list(place.regions),
    }
    if traditional:
        fields["traditional"] = place.traditional or None
    return {**fields, "pinyin": place.pinyin or None, "english": place.english or None}


def show_place(base: Base, name: str, as_of: Optional[PartialDate] = None) -> Result:
    profile = [place_fields(name, base.places[name], traditional=True)]
    facts = sorted(
        (f for f in base.facts_of_place(name) if as_of is None or f.known_by is None or f.known_by.at_or_before(as_of)),
        key=lambda f: (
            ("actual", "target", "forecast").index(f.kind),
            f.metric,
            base.metrics[f.metric].scope_order(f.scope),
            f.refers_to.sort_key(),
        ),
    )
    return Result(
        "place",
        profile,
        {"place": name, "as_of": as_of},
        sections=[
            Result("facts", [fact_record(base, f) for f in facts], {"place": name, "as_of": as_of}),
            list_policies(base, [name]),
            Result("subsidies", [programme_record(base, p) for p in base.programmes_of_place(name)], {"place": name}),
        ],
    )


def list_policies(
    base: Base,
    places: Optional[List[str]] = None,
    since: Optional[PartialDate] = None,
    until: Optional[PartialDate] = None,
    region: Optional[str] = None,
) -> Result:
    """Policy documents ordered by date (undated last), optionally within [since, until]."""
    rows = []
    for policy in items_of(base, "policies", places):  # rows are sorted below, ties by place
        if (places and policy.place not in places) or not in_region(base, policy.place, region):
            continue
        if since and (policy.date is None or policy.date.sort_key()[:3] < since.start_key()):
            continue
        if until and (policy.date is None or not policy.date.at_or_before(until)):
            continue
        rows.append(
            {
                "place": policy.place,
                "title": policy.title,
                "date": str(policy.date) if policy.date else None,
                "date_basis": policy.date_basis,
                "period": policy.period or None,
                "sources": list(cited_sources(policy.citations)),
                "citations": citation_records(policy),
                "note": policy.note or None,
            }
        )
    rows.sort(
        key=lambda r: (
            r["date"] is None,
            PartialDate(r["date"]).sort_key() if r["date"] else (),
            r["place"],
            r["title"],
        )
    )
    return Result("policies", rows, {"places": places, "since": since, "until": until, "region": region})


def _origin(path: str) -> str:
    """Which base a source comes from: "bundled", or the path of the user's file."""

    return "bundled" if path and os.path.abspath(bundled_path("data", "cities.toml")) == path else path


def list_sources(base: Base) -> Result:
    cited = base.count_by_source()
    rows = [
        {
            "source": key,
            "title": s.title,
            "publisher": s.publisher,
            "published": str(s.published),
            "file": s.file,
            "sha256": s.sha256,
            "url": s.url or None,
            "origin": _origin(s.origin) or None,
            "facts": cited.get((key, "facts"), 0),
            "policies": cited.get((key, "policies"), 0),
            "programmes": cited.get((key, "programmes"), 0),
        }
        for key, s in base.sources.items()
    ]
    return Result("sources", rows)


def list_metrics(base: Base) -> Result:
    rows = []
    places = base.places_by_metric()
    for key, metric in base.metrics.items():
        rows.append(
            {
                "metric": key,
                "zh": metric.zh,
                "en": metric.en,
                "unit": metric.unit or None,
                "machine_unit": MACHINE_UNITS[metric.dimension],
                "higher_is_better": metric.higher_is_better,
                "scopes": [s.key for s in metric.scopes],
                "places": places.get(key, 0),
            }
        )
    return Result("metrics", rows)


def list_types(base: Base) -> Result:
    rows = [
        {
            "type": key,
            "en": t.en,
            "pinyin": t.pinyin or None,
            "category": t.category,
            "programmes": sum(1 for p in base.programmes if p.type == key),
        }
        for key, t in base.subsidy_types.items()
    ]
    return Result("types", rows)
