"""How well `cityai_cli.core.extract.engine.extract` finds the figures curated in data/cities.toml.

    python benchmarks/extract_quality.py [--show]

For each seed document: candidates found, recall (curated figures from that source found
among the candidates with the same place, metric and value) and precision (candidates that
match a curated figure / all candidates). Values match when parse_figure gives the same value,
upper end and bound (超/逾/突破 are all "more than"; 达 and no qualifier are both exact).
--show lists misses and unmatched candidates.

Reads the knowledge base as plain TOML (no pydantic models): facts through `curated_figures`,
metric keywords from `[metrics.X] keywords`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import tomli as tomllib  # tomli parses TOML on every Python (a dependency of cityai)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not

from cityai_cli.core.extract.engine import Candidate, extract  # noqa: E402
from cityai_cli.core.extract.normalised import to_simplified  # noqa: E402
from cityai_cli.core.figures.quantity import QUALIFIER_BOUND, FigureError, parse_figure  # noqa: E402


class Curated(NamedTuple):
    source: str
    place: str
    metric: str
    value: str


def curated_figures(kb: dict) -> Iterator[Curated]:
    """Every curated fact once per citing source, as that source writes it (a citation's value)."""
    for name, place in kb.get("places", {}).items():
        for fact in place.get("facts", []):
            for citation in fact.get("citations", []):
                yield Curated(citation["source"], name, fact["metric"], citation.get("value", fact["value"]))


def place_forms(kb: dict) -> dict[str, str]:
    forms: dict[str, str] = {}
    for name, place in kb.get("places", {}).items():
        for form in [name, place.get("traditional"), *place.get("aliases", [])]:
            if form and not form.isascii():
                forms.setdefault(to_simplified(form), name)
    return forms


def load_inputs(kb_path: Path = ROOT / "data" / "cities.toml"):
    kb = tomllib.loads(kb_path.read_text(encoding="utf-8"))
    keywords = {key: metric.get("keywords", []) for key, metric in kb["metrics"].items()}
    dimensions = {key: metric["dimension"] for key, metric in kb["metrics"].items()}
    units = {key: metric.get("unit", "") for key, metric in kb["metrics"].items()}
    return kb, keywords, dimensions, units


def same_value(a: str, b: str) -> bool:
    try:
        x, y = parse_figure(a), parse_figure(b)
    except FigureError:
        return False
    return (x.value, x.upper, QUALIFIER_BOUND.get(x.qualifier)) == (y.value, y.upper, QUALIFIER_BOUND.get(y.qualifier))


def matches(candidate: Candidate, figure: Curated) -> bool:
    return (
        candidate.place == figure.place
        and candidate.metric == figure.metric
        and same_value(candidate.value, figure.value)
    )


def run(show: bool = False) -> list[tuple[str, int, int, int, int, int]]:
    kb, keywords, dimensions, units = load_inputs()
    places = place_forms(kb)
    figures = list(curated_figures(kb))
    rows = []
    for source_id, source in kb["sources"].items():
        text = (ROOT / "seeds" / source["file"]).read_text(encoding="utf-8")
        candidates = extract(
            text,
            published=source.get("published"),
            places=places,
            metric_keywords=keywords,
            metric_dimensions=dimensions,
            metric_units=units,
        )
        mine = [f for f in figures if f.source == source_id]
        found = [f for f in mine if any(matches(c, f) for c in candidates)]
        good = [c for c in candidates if any(matches(c, f) for f in mine)]
        rows.append((source_id, len(candidates), len(found), len(mine), len(good), len(candidates)))
        if show:
            print(f"== {source_id}")
            for f in mine:
                if f not in found:
                    print(f"  missed  {f.place} {f.metric} {f.value}")
            for c in candidates:
                if c not in good:
                    print(f"  extra   {c.place} {c.metric} {c.value} {c.kind} {c.date} | {c.quote}")
    return rows


def main() -> None:
    rows = run(show="--show" in sys.argv)
    print(f"{'source':26} {'candidates':>10} {'recall':>14} {'precision':>14}")
    for source_id, count, found, total, good, all_ in rows:
        recall = f"{found}/{total} {100 * found / total:3.0f}%" if total else "-"
        precision = f"{good}/{all_} {100 * good / all_:3.0f}%" if all_ else "-"
        print(f"{source_id:26} {count:>10} {recall:>14} {precision:>14}")
    found, total = sum(r[2] for r in rows), sum(r[3] for r in rows)
    good, all_ = sum(r[4] for r in rows), sum(r[5] for r in rows)
    print(
        f"{'all':26} {all_:>10} {found}/{total} {100 * found / total:3.0f}%  "
        f"{good}/{all_} {100 * good / max(all_, 1):3.0f}%"
    )


if __name__ == "__main__":
    main()
