"""Subsidy programmes (算力券, 训力券, 模型券, 语料券 …) and what a contract would get back.

The payout rule is `min(rate × spend, cap)`, with a special rate (e.g. 初创企业 60%) when the
user says the recipient qualifies. Unknown terms are never treated as zero: a programme whose
rate or per-recipient cap the sources do not state is listed with the reason it cannot be estimated.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, List, Optional

from ..models import KnowledgeBase, Subsidy, Term
from ..quantity import format_number
from ..report import Column, Record, Report, Table, count

PERIOD_ZH = {"year": "/年", "project": "/项目", "total": "(总额)", "": ""}


@dataclass(frozen=True)
class Estimate:
    payout: Optional[Decimal]
    rate: Optional[Decimal]
    rule: str
    capped: bool = False


def yuan(amount: Decimal) -> str:
    return format_number(amount, "money", "CNY")


def estimate(subsidy: Subsidy, spend: Decimal, flags: Iterable[str] = ()) -> Estimate:
    """min(rate × spend, cap), with the rule that produced it spelled out."""
    flags = set(flags)
    special = next((term for term in subsidy.special_rates if term.flag in flags), None)
    term = special or subsidy.rate
    if term is None:
        cap = f" (cap {_term_text(subsidy.cap)})" if subsidy.cap else ""
        return Estimate(None, None, f"cannot estimate: subsidy rate unknown{cap}")
    rate = term.value.value
    label = f"{term.value.display()}" + (f" ({special.applies_to})" if special else "")
    gross = rate * spend
    product = f"{label} × {yuan(spend)} = {yuan(gross)}"
    if subsidy.cap is None:
        return Estimate(None, rate, f"{product}; cannot estimate: per-recipient cap unknown")
    cap = subsidy.cap.value.value
    if gross > cap:
        return Estimate(cap, rate, f"{product}, capped at {_term_text(subsidy.cap)}", True)
    return Estimate(gross, rate, f"{product}, within the cap of {_term_text(subsidy.cap)}")


def _term_text(term: Optional[Term]) -> str:
    if term is None:
        return ""
    return term.value.display() + PERIOD_ZH[term.period]


def _term_fields(term: Optional[Term], name: str) -> Record:
    return {name: term.value.value if term else None,
            f"{name}_display": _term_text(term) or None,
            f"{name}_period": (term.period or None) if term else None,
            f"{name}_quote": term.quote if term else None}


def subsidy_record(kb: KnowledgeBase, place: str, subsidy: Subsidy) -> Record:
    kind = kb.subsidy_types.get(subsidy.type)
    return {
        "place": place, "type": subsidy.type, "type_en": kind.en if kind else None, "name": subsidy.name,
        "policy": subsidy.policy, "as_of": subsidy.as_of,
        **_term_fields(subsidy.pool, "pool"), **_term_fields(subsidy.rate, "rate"),
        "special_rates": "; ".join(f"{t.value.display()} {t.applies_to} [{t.flag}]" for t in subsidy.special_rates) or None,
        **_term_fields(subsidy.cap, "cap"),
        "eligibility": subsidy.eligibility, "source": subsidy.source, "quote": subsidy.quote or None,
        "note": subsidy.note,
    }


def subsidy_columns(with_quotes: bool = False, estimated: bool = False) -> List[Column]:
    columns = [Column("place", "地区"), Column("type", "类型"), Column("type_en", "type_en", in_table=False),
               Column("name", "名称"), Column("policy", "政策文件", in_table=False), Column("as_of", "日期", in_table=False)]
    for name, header in (("pool", "资金池"), ("rate", "比例"), ("special_rates", "特殊比例"), ("cap", "单个上限")):
        if name == "special_rates":
            columns.append(Column(name, header))
            continue
        columns += [Column(name, name, "number", in_table=False),
                    Column(f"{name}_display", header, in_table=not (estimated and name == "pool")),
                    Column(f"{name}_period", f"{name}_period", in_table=False),
                    Column(f"{name}_quote", f"{name}_quote", in_table=False)]
    columns += [Column("eligibility", "适用对象", in_table=not (estimated or with_quotes)),
                Column("source", "来源", in_table=not estimated),
                Column("quote", "引文", in_table=with_quotes, cell=_quotes), Column("note", "note", in_table=False)]
    if estimated:
        columns += [Column("spend", "spend", "number", in_table=False), Column("rate_used", "rate_used", "number", in_table=False),
                    Column("payout", "payout", "number", in_table=False),
                    Column("payout_display", "可得补贴"), Column("rule", "计算")]
    return columns


def _quotes(record: Record) -> str:
    """Every verbatim quote of a programme in one cell, each labelled with the term it supports."""
    parts = [record["quote"]] if record["quote"] else []
    parts += [f"{label}: {record[f'{name}_quote']}" for name, label in (("pool", "资金池"), ("rate", "比例"), ("cap", "上限"))
              if record[f"{name}_quote"]]
    return "\n".join(parts) or "—"


def list_subsidies(kb: KnowledgeBase, kind: Optional[str] = None, places: Optional[List[str]] = None,
                   spend: Optional[Decimal] = None, flags: Iterable[str] = ()) -> Report:
    rows = []
    for name, place in kb.places.items():
        if places and name not in places:
            continue
        for subsidy in place.subsidies:
            if kind and subsidy.type != kind:
                continue
            row = subsidy_record(kb, name, subsidy)
            if spend is not None:
                result = estimate(subsidy, spend, flags)
                row.update(spend=spend, rate_used=result.rate, payout=result.payout,
                           payout_display=yuan(result.payout) if result.payout is not None else None,
                           rule=result.rule)
            rows.append(row)
    rows.sort(key=_order(spend is not None))
    title = count(len(rows), "subsidy programme") + (f" · {kind}" if kind else "") + (f" · spend {yuan(spend)}" if spend else "")
    return Report([Table("subsidies", title, subsidy_columns(estimated=spend is not None), rows)])


def _order(by_payout: bool):
    """Largest first, unknown last: by payout (when estimating), then per-recipient cap, then pool."""
    def key(row: Record):
        parts = (["payout"] if by_payout else []) + ["cap", "pool"]
        return tuple(item for part in parts for item in (row[part] is None, -(row[part] or 0))) + (row["place"],)
    return key
