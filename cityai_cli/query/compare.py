"""`compare`: places side by side, one row per metric, the leader marked.

A row is compared only when every figure in it has the same scope and the same year; otherwise
it is flagged ("different scope", "different year") and no leader is named, because ranking
人工智能相关企业 against 人工智能企业, or 2024 against 2025, would mislead.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Dict, List, Optional

from ..models import Figure, KnowledgeBase
from ..report import Column, Record, Report, Table
from .figures import figure_fields, headline
from .subsidies import list_subsidies


def slug(kb: KnowledgeBase, name: str) -> str:
    """A stable English key prefix for a place's columns: 深圳 -> shenzhen."""
    place = kb.places[name]
    text = re.sub(r"[^a-z0-9]+", "_", (place.pinyin or place.english).lower()).strip("_")
    return text or name


def compare(kb: KnowledgeBase, names: List[str], metrics: Optional[List[str]] = None) -> Report:
    keys: Dict[str, str] = {}
    for name in names:
        key = slug(kb, name)
        while key in keys.values():
            key += "_"
        keys[name] = key
    chosen = metrics or list(kb.metrics)
    rows: List[Record] = []
    for kind in ("actual", "target"):
        for metric in chosen:
            picked = {name: headline(kb, name, metric, kind) for name in names}
            if metrics is None and not any(figure for figure, _ in picked.values()):
                continue
            rows.append(_row(kb, metric, kind, picked, keys))
    columns = [Column("metric", "metric", in_table=False),
               Column("metric_zh", "指标", cell=lambda r: r["metric_zh"] + (" (目标)" if r["kind"] == "target" else "")),
               Column("kind", "kind", in_table=False), Column("unit", "unit", in_table=False)]
    for name, key in keys.items():
        columns += [Column(f"{key}_{field}", f"{key}_{field}", "number" if field in ("value", "value_max") else "text", in_table=False)
                    for field in ("value", "value_max", "qualifier", "display", "date", "scope", "source")]
        columns.append(Column(f"{key}_leader", name, "bool", cell=_cell(key)))
    columns += [Column("leader", "leader", in_table=False), Column("flags", "说明")]
    subsidies = list_subsidies(kb, places=names).tables[0]
    # Side by side, the programme terms matter; eligibility stays in CSV/JSON and `subsidies`.
    subsidies.columns = [replace(c, in_table=False) if c.key == "eligibility" else c for c in subsidies.columns]
    # Many places have policy documents but no figure yet; say where to look rather than "(none)".
    empty = f"no figures for {' or '.join(names)}; cityai show {names[0]} lists its policy documents"
    return Report([Table("metrics", " vs ".join(names), columns, rows, empty=empty), subsidies])


def _row(kb: KnowledgeBase, metric: str, kind: str, picked: Dict[str, tuple], keys: Dict[str, str]) -> Record:
    definition = kb.metrics[metric]
    row: Record = {"metric": metric, "metric_zh": definition.zh, "kind": kind, "unit": definition.unit}
    present = {name: figure for name, (figure, _) in picked.items() if figure is not None}
    flags = []
    for name, (figure, conflicts) in picked.items():
        row.update(figure_fields(figure, keys[name] + "_"))
        row.pop(keys[name] + "_unit")
        for other in conflicts:
            flags.append(f"{name}: {other.source} gives {other.value.display()} ({other.refers_to})")
    scopes = {figure.scope for figure in present.values()}
    years = {figure.refers_to.year for figure in present.values()}
    if len(present) < 2:
        flags.insert(0, "only " + ", ".join(present) if present else "no figures")
    if len(scopes) > 1:
        flags.insert(0, "different scope: " + "; ".join(f"{n} {f.scope or '(unstated)'}" for n, f in present.items()))
    if len(years) > 1:
        flags.insert(0, "different year: " + "; ".join(f"{n} {f.refers_to.year}" for n, f in present.items()))
    leaders = _leaders(present, definition.higher_is_better) if len(present) > 1 and len(scopes) == 1 and len(years) == 1 else []
    for name in picked:
        row[keys[name] + "_leader"] = name in leaders
    row["leader"] = ";".join(leaders) or None
    row["flags"] = "; ".join(flags)
    return row


def _leaders(present: Dict[str, Figure], higher_is_better: bool) -> List[str]:
    """Qualifier-aware: 超2800 beats 2800 beats 约2800; equal figures share the lead."""
    keyed = {name: figure.value.sort_key() for name, figure in present.items()}
    best = max(keyed.values()) if higher_is_better else min(keyed.values())
    leaders = [name for name, key in keyed.items() if key == best]
    return leaders if len(leaders) < len(present) else []


def _cell(key: str):
    def cell(record: Record) -> str:
        display = record.get(f"{key}_display")
        if not display:
            return "—"
        star = " ★" if record.get(f"{key}_leader") else ""
        return f"{display}{star}\n{record[f'{key}_date']}"
    return cell
