"""One builder per query: which columns, in what order, with which headers and cells."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..core.facts import Base
from ..core.figures.quantity import MEMO_LIMIT, format_number, parse_figure, remembered
from ..core.records import Term
from ..core.report import Column, Record, Table
from . import builder, fact_columns, legend, names
from .words import rate_basis, word


def _place(base: Base, lang: str, key: str = "place", shown: bool = True) -> List[Column]:
    return [
        Column(key, key, in_table=False),
        Column(
            f"{key}_label",
            word(lang, "place"),
            in_table=shown,
            cell=lambda r: names.place(base, r.get(key), lang),
            value=lambda r: names.place(base, r.get(key), lang),
        ),
    ]


def _metric(base: Base, lang: str, shown: bool = True) -> List[Column]:
    return [
        Column("metric", "metric", in_table=False),
        Column(
            "metric_label",
            word(lang, "metric"),
            in_table=shown,
            cell=lambda r: names.metric(base, r["metric"], lang),
            value=lambda r: names.metric(base, r["metric"], lang),
        ),
    ]


def _with(columns: List[Column], key: str, **changes: Any) -> List[Column]:
    """The columns with the one named `key` changed (a Column is immutable: a new one)."""
    return [Column(**{**{f: getattr(c, f) for f in c._fields}, **changes}) if c.key == key else c for c in columns]


def _as_of(result, lang: str) -> str:
    return word(lang, "t.as_of", as_of=result.meta["as_of"]) if result.meta.get("as_of") else ""


def _table(
    name: str,
    title: str,
    columns: List[Column],
    rows: List[Record],
    lang: str,
    dated: bool = False,
    chart: Optional[str] = None,
    empty: Optional[str] = None,
    absent: Optional[Callable[[Record], Optional[str]]] = None,
) -> Table:
    """A table as every command shows it: the language's word when there are no rows (or `empty`),
    when the rows carry dates (`dated`) the legend of the marks on them, and `absent` (a row's
    name when it has no data) listed after "无数据"."""
    return Table(
        name,
        title,
        columns,
        rows,
        chart=chart,
        empty=word(lang, "empty") if empty is None else empty,
        caption=legend(rows, lang) if dated else "",
        absent=absent,
        absent_label=word(lang, "no_data"),
    )


@builder("rank")
def rank_table(base: Base, result, lang: str) -> List[Table]:
    meta = result.meta

    def why(r: Record, glue: bool = True) -> str:
        year = (r["date"] or "")[:4]
        parts = [word(lang, f"reason.{r['reason']}", year=year)] if r["reason"] else []
        parts += [word(lang, "tie.bounds")] if r.get("tie") == "bounds" else []
        parts += [
            f"{names.figure(c['_quantity'], lang, glue)} ({', '.join(c['sources'])})" for c in r["conflicts"] or []
        ]
        return "; ".join(parts)

    columns = [
        Column("rank", "#", "number", atomic=True, cell=lambda r: str(r["rank"]) if r["rank"] else "—"),
        *_place(base, lang),
        Column("level", "level", in_table=False),
        *_with(fact_columns(base, lang, metric_of=lambda r: meta["metric"]), "sources", beside="display"),
        Column("comparable", "comparable", "bool", in_table=False),
        Column("reason", "reason", in_table=False),
        Column("tie", "tie", in_table=False),
        Column("conflicts", "conflicts", in_table=False),
        Column("why", word(lang, "why"), atomic=True, cell=why, value=lambda r: why(r, False) or None, role="note"),
    ]
    kind = "" if meta["kind"] == "actual" else f" ({word(lang, 'kind.' + meta['kind'])})"
    level = word(lang, f"level.{meta['level']}") if meta["level"] else word(lang, "t.all_levels")
    title = word(
        lang,
        "t.rank",
        metric=names.metric(base, meta["metric"], lang),
        kind=kind,
        level=level,
        ranked=meta["ranked"],
        window=meta["window"],
        others=meta["with_figure"] - meta["ranked"],
        without=meta["without"],
    )
    if meta["levels_with_figure"]:
        levels = ", ".join(
            word(lang, "t.level_option", level=word(lang, f"level.{level}"), value=level)
            for level in meta["levels_with_figure"]
        )
        title += word(lang, "t.rank_elsewhere", levels=levels)
    return [
        _table(
            "rank",
            title + _as_of(result, lang),
            columns,
            result.rows,
            lang,
            dated=True,
            chart="_chart",
            absent=lambda r: None if r.get("_quantity") is not None else names.place(base, r["place"], lang),
        )
    ]


def _flag_text(base: Base, flag: Record, lang: str, metric: str, glue: bool = False) -> str:
    code = flag["code"]
    if code in ("only_one", "tie"):
        return word(lang, f"flag.{code}", places=", ".join(names.place(base, p, lang) for p in flag["places"]))
    if code == "sources_disagree":
        return word(
            lang,
            "flag.sources_disagree",
            place=names.place(base, flag["place"], lang),
            sources=", ".join(flag["sources"]),
            text=names.figure(flag["_quantity"], lang, glue),
            date=flag["date"],
        )
    if code in ("different_scope", "outside_window", "dates_differ", "no_deadline"):
        show = (
            (lambda v: names.scope(base, metric, v, lang)) if code == "different_scope" else (lambda v: str(v or "—"))
        )
        detail = "; ".join(f"{names.place(base, p, lang)} {show(v)}" for p, v in flag["places"].items())
        return word(lang, f"flag.{code}", detail=detail, window=flag.get("window"))
    return word(lang, f"flag.{code}")


@builder("compare")
def compare_table(base: Base, result, lang: str) -> List[Table]:
    keys = result.meta["keys"]
    columns = [
        Column("metric", "metric", in_table=False),
        Column("kind", "kind", in_table=False),
        Column(
            "metric_label",
            word(lang, "metric"),
            cell=lambda r: (
                names.metric(base, r["metric"], lang)
                + ("" if r["kind"] == "actual" else f" ({word(lang, 'kind.' + r['kind'])})")
            ),
            value=lambda r: names.metric(base, r["metric"], lang),
        ),
    ]
    for name, key in keys.items():
        columns += [c for c in fact_columns(base, lang, prefix=key + "_", shown=False) if c.key != f"{key}_kind"]
        columns.append(
            Column(f"{key}_leader", names.place(base, name, lang), "bool", atomic=True, cell=_cell(key, lang))
        )
    columns += [
        Column("leader", "leader", in_table=False),
        Column("flags", "flags", in_table=False),
        Column(
            "notes",
            word(lang, "why"),
            atomic=True,
            cell=lambda r: "; ".join(_flag_text(base, f, lang, r["metric"], True) for f in r["flags"] or []),
            value=lambda r: "; ".join(_flag_text(base, f, lang, r["metric"]) for f in r["flags"] or []) or None,
            role="note",
            beside="metric_label",  # a column of markers would take the room the figures need
        ),
    ]
    places = result.meta["places"]
    title = " vs ".join(names.place(base, p, lang) for p in places) + _as_of(result, lang)
    empty = word(
        lang,
        "empty.compare",
        places=" / ".join(names.place(base, p, lang) for p in places),
        first=names.typeable(base, places[0], lang),
    )

    def absent(r: Record) -> Optional[str]:
        """A metric none of the places has a figure for: named under the table (--all: a row)."""
        if any(r.get(f"_{key}_quantity") is not None for key in keys.values()):
            return None
        kind = "" if r["kind"] == "actual" else f" ({word(lang, 'kind.' + r['kind'])})"
        return names.metric(base, r["metric"], lang) + kind

    return [_table("compare", title, columns, result.rows, lang, dated=True, empty=empty, absent=absent)]


def _cell(key: str, lang: str):
    def cell(record: Record) -> str:
        quantity = record.get(f"_{key}_quantity")
        if quantity is None:
            return "—"
        # The mark stays with its figure (glued); the date follows on the same line when it fits.
        star = names.glued(" " + word(lang, "leader")) if record.get(f"{key}_leader") else ""
        # A figure with a number is one word; one in words alone ("in the leading group") may fold.
        text = names.figure(quantity, lang)
        return (
            f"{names.glued(text) if any(ch.isdigit() for ch in text) else text}{star} "
            f"{names.date(record[f'{key}_date'], record[f'{key}_date_basis'])}"
        )

    return cell


@builder("targets")
def targets_table(base: Base, result, lang: str) -> List[Table]:
    def progress(r: Record) -> str:
        if r["progress"] is not None:
            return f"{r['progress'] * 100:.0f}%"
        if r["progress_reason"] == "not_an_amount" and r.get("met"):
            return word(lang, f"met.{r['met']}")
        scope = names.scope(base, r["metric"], r["actual_scope"], lang) if r["actual_scope"] else ""
        return word(lang, f"progress.{r['progress_reason']}", scope=scope)

    def latest(r: Record) -> str:
        if r["_actual_quantity"] is None:
            return "—"
        return (
            f"{names.figure(r['_actual_quantity'], lang, True)} "
            f"({names.date(r['actual_date'], r['actual_date_basis'])})"
        )

    def metric(r: Record) -> str:
        shown = names.metric(base, r["metric"], lang)
        scope = names.scope(base, r["metric"], r.get("scope"), lang) if r.get("scope") else ""
        return f"{shown}\n{scope}" if scope and scope != shown else shown

    def target(r: Record) -> str:
        quantity = r.get("_quantity")
        return f"{names.figure(quantity, lang, True)} {names.date(r.get('date'), r.get('date_basis'))}"

    # Four columns in one at 80 columns: the metric over its scope, the target beside its deadline
    # and its sources' markers. Scope and deadline keep their own (machine) columns.
    figure = fact_columns(base, lang, header="target")
    figure = _with(figure, "display", cell=target)
    figure = _with(figure, "date", in_table=False)
    figure = _with(figure, "scope_label", in_table=False)
    figure = _with(figure, "sources", beside="display")
    columns = [
        *_place(base, lang),
        *_with(
            _metric(base, lang), "metric_label", cell=metric, header=f"{word(lang, 'metric')} / {word(lang, 'scope')}"
        ),
        *figure,
        Column("set_on", "set_on", in_table=False),
        *fact_columns(base, lang, prefix="actual_", shown=False),
        Column(
            "actual_shown",
            word(lang, "latest_actual"),
            atomic=True,
            cell=latest,
            value=lambda r: names.figure(r["_actual_quantity"], lang) if r["_actual_quantity"] else None,
        ),
        Column("progress", word(lang, "progress"), "number", cell=progress),
        Column("progress_reason", "progress_reason", in_table=False),
        Column("met", "met", in_table=False),
    ]
    return [_table("targets", word(lang, "t.targets", n=len(result.rows)), columns, result.rows, lang, dated=True)]


@builder("conflicts")
def conflicts_table(base: Base, result, lang: str) -> List[Table]:
    columns = [
        *_place(base, lang),
        *_metric(base, lang),
        Column("kind", "kind", in_table=False),
        Column("scope", "scope", in_table=False),
        Column(
            "scope_label",
            word(lang, "scope"),
            cell=lambda r: names.scope(base, r["metric"], r["scope"], lang),
            value=lambda r: names.scope(base, r["metric"], r["scope"], lang),
        ),
    ]
    for side in ("a", "b"):
        columns += [
            # The side's sources: markers beside its figure in the terminal table, full ids elsewhere.
            Column(f"{side}_{k}", word(lang, "sources"), atomic=True, role="sources", beside=f"{side}_shown")
            if k == "sources"
            else Column(
                f"{side}_{k}", f"{side}_{k}", "number" if k in ("value", "value_max") else "text", in_table=False
            )
            for k in ("value", "value_max", "unit", "bound", "text", "date", "date_basis", "sources", "citations")
        ]
        columns.append(
            Column(
                f"{side}_shown",
                side.upper(),
                atomic=True,
                cell=_side_cell(side, lang),
                value=_side_cell(side, lang, machine=True),
            )
        )
    columns.append(Column("relation", "relation", in_table=False))
    columns.append(
        Column(
            "difference",
            word(lang, "difference"),
            "number",
            cell=lambda r: (
                word(lang, "relation.consistent")
                if r["relation"] == "consistent"
                else f"{r['difference'] * 100:.0f}%"
                if r["difference"] is not None
                else "—"
            ),
        )
    )
    if not isinstance(result.rows, list):
        # Rows made as they are written (CSV, JSON: no title, no legend): never counted here.
        return [_table("conflicts", "", columns, result.rows, lang)]
    contradictions = sum(r["relation"] == "contradiction" for r in result.rows)
    title = word(lang, "t.conflicts", n=contradictions)
    if result.meta.get("all"):
        title += word(lang, "t.variants", n=len(result.rows) - contradictions)
    return [_table("conflicts", title, columns, result.rows, lang, dated=True)]


def _side_cell(side: str, lang: str, machine: bool = False) -> Callable[[Record], Any]:
    """A side of a conflict: its figure and date (machine: the figure's label)."""

    def cell(r: Record) -> Any:
        if machine:
            return names.figure(r[f"_{side}_quantity"], lang)
        date = names.date(r[f"{side}_date"], r[f"{side}_date_basis"])
        return f"{names.figure(r[f'_{side}_quantity'], lang, True)} {date}"

    return cell


def _term_cell(name: str, lang: str, machine: bool = False) -> Callable[[Record], Any]:
    key = f"_{name}"  # the record's Term (query/subsidies.py), formatted once, not per row

    def cell(r: Record) -> Any:
        term = r.get(key)
        if machine and not term:
            return None
        return _term_text(term, lang, glue=not machine)

    return cell


def _headline_cell(prefix: str, lang: str, machine: bool = False) -> Callable[[Record], Any]:
    """A headline figure in `list`: figure (year); machine: the figure's label."""

    def cell(r: Record) -> Any:
        quantity = r.get(f"_{prefix}quantity")
        if quantity is None:
            return None if machine else "—"
        if machine:
            return names.figure(quantity, lang)
        return f"{names.figure(quantity, lang, True)} ({r[prefix + 'date'][:4]})"

    return cell


def _money(value, lang: str) -> str:
    key = (value, lang)
    text = _MONEY.get(key)
    if text is None:
        text = format_number(value, "money", "CNY") if lang == "zh" else names.number_en(value, "money", "CNY")
        remembered(_MONEY, key, value, text)
    return text


# (amount, lang) -> text: subsidies repeats its spend on every row, and payouts and caps recur.
_MONEY: Dict[Tuple[Decimal, str], str] = {}
_PERIODS = {
    "zh": {"year": "/年", "project": "/项目", "total": "(总额)"},
    "en": {"year": " a year", "project": " per project", "total": " in total"},
}


def _term_text(term: Optional[Term], lang: str, glue: bool = False) -> str:
    """A term (pool, rate, cap) as shown: its figure and its period (最高500万元/年)."""
    if term is None:
        return "—"
    return names.figure(term.value, lang, glue) + _PERIODS[lang].get(term.period, "")


def _special(term: Record, lang: str) -> str:
    """A special rate as the language reads it (不超过60% -> ≤60% in English), as the rate is, and its flag."""

    return f"{names.figure(parse_figure(term['text']), lang, glue=True)} [{term['flag']}]"


def programme_columns(base: Base, lang: str, estimated: bool = False) -> List[Column]:
    """A programme's columns; with `estimated` (subsidies --spend), the payout and its rule beside
    them, and the pool, special rates and sources left to the machine formats to fit the table."""
    columns = _programme_identity(base, lang)
    for name in ("pool", "rate", "cap"):
        columns += _term_columns(name, lang, estimated)
        if name == "rate":
            columns.append(Column("rate_basis", "rate_basis", in_table=False))
            columns.append(_special_rates_column(lang, estimated))
    columns += [
        Column("eligibility", word(lang, "eligibility"), in_table=False),
        Column("sources", word(lang, "sources"), atomic=True, in_table=not estimated, role="sources", beside="name"),
        Column("citations", "citations", in_table=False),
        Column("note", "note", in_table=False),
    ]
    if estimated:
        columns += _estimate_columns(lang)
    return columns


def _programme_identity(base: Base, lang: str) -> List[Column]:
    return [
        *_place(base, lang),
        Column("type", "type", in_table=False),
        Column(
            "type_label",
            word(lang, "type"),
            cell=lambda r: names.subsidy_type(base, r["type"], lang),
            value=lambda r: names.subsidy_type(base, r["type"], lang),
        ),
        Column("category", "category", in_table=False),
        Column("name", word(lang, "name")),
        Column("policy", "policy", in_table=False),
        Column("date", word(lang, "date"), in_table=False),
        Column("date_basis", "date_basis", in_table=False),
    ]


def _term_columns(name: str, lang: str, estimated: bool) -> List[Column]:
    """A term (pool, rate, cap): its number and parts for machines, one shown cell for people."""
    return [
        Column(name, name, "number", in_table=False),
        *[Column(f"{name}_{k}", f"{name}_{k}", in_table=False) for k in ("bound", "text", "period", "source", "quote")],
        Column(
            f"{name}_shown",
            word(lang, name),
            in_table=not (estimated and name == "pool"),
            cell=_term_cell(name, lang),
            value=_term_cell(name, lang, machine=True),
        ),
    ]


def _special_rates_column(lang: str, estimated: bool) -> Column:
    return Column(
        "special_rates",
        word(lang, "special_rates"),
        atomic=True,
        in_table=not estimated,
        cell=lambda r: "; ".join(_special(t, lang) for t in r["special_rates"] or ()) or "—",
        role="labelled",
        beside="rate_shown",
    )


def _estimate_columns(lang: str) -> List[Column]:
    """The payout estimate for the --spend given, and the rule that produced it, in words."""
    payout = _payout_text(lang)
    return [
        Column("spend", "spend", "number", in_table=False),
        Column("estimate", "estimate", in_table=False),
        Column("rate_used", "rate_used", "number", in_table=False),
        Column("rate_used_bound", "rate_used_bound", in_table=False),
        Column("special_used", "special_used", in_table=False),
        Column("gross", "gross", "number", in_table=False),
        Column("payout", "payout", "number", in_table=False),
        Column("payout_bound", "payout_bound", in_table=False),
        Column(
            "payout_shown",
            word(lang, "payout"),
            atomic=True,
            cell=lambda r: names.glued(payout(r) or "—"),
            value=payout,
        ),
        Column(
            "rule",
            word(lang, "rule"),
            atomic=True,
            cell=_rule_sentence(lang, glue=True),
            value=_rule_sentence(lang, glue=False),
            role="labelled",
            beside="payout_shown",
        ),
    ]


def _payout_text(lang: str) -> Callable[[Record], Optional[str]]:
    said: Dict[tuple, str] = {}  # (payout, its bound) -> the text; not for zero (see `remembered`)

    def payout(r: Record) -> Optional[str]:
        amount = r["payout"]
        if amount is None:
            return None
        key = (amount, r["payout_bound"])
        text = said.get(key)
        if text is None:
            text = names.qualified(_money(amount, lang), key[1], lang)
            if amount and len(said) < MEMO_LIMIT:
                said[key] = text
        return text

    return payout


def _rule_sentence(lang: str, glue: bool) -> Callable[[Record], str]:
    """How a row's payout was computed, as a sentence of the view's words."""
    # (estimate, rate used, its bound, spend, gross, cap) -> the sentence: rows that share them
    # (most programmes pay one of a few rates and caps) read the same; as `remembered` keeps
    # numbers, not when an amount is zero (-0 equals 0 but reads "-0").
    said: Dict[tuple, str] = {}

    def sentence(r: Record) -> str:
        code = r["estimate"]
        if code in ("fund", "rate_unknown"):
            return word(lang, f"estimate.{code}")
        cap = r.get("_cap")
        # the cap by what its text is made of (`_term_text`: its figure's fields, its period)
        cap_read = None if cap is None else (cap.value._values(cap.value), cap.period)
        key = (code, r["rate_used"], r["rate_used_bound"], r["spend"], r["gross"], cap_read)
        text = said.get(key)
        if text is None:
            text = _worded_rule(*key[:5], _term_text(cap, lang), lang, glue)
            if key[1] and key[3] and key[4] and len(said) < MEMO_LIMIT:
                said[key] = text
        return text

    return sentence


def _worded_rule(code: str, rate_used, bound: Optional[str], spend, gross, cap: str, lang: str, glue: bool) -> str:
    rate = names.qualified(names.number_en(rate_used, "ratio", "ratio"), bound, lang)
    amounts = {"rate": rate, "spend": _money(spend, lang), "gross": _money(gross, lang), "cap": cap}
    if glue:  # each amount stays whole in a table cell; the sentence wraps between them
        amounts = {key: names.glued(text) for key, text in amounts.items()}
    return word(lang, f"estimate.{code}", **amounts)


@builder("subsidies")
@builder("funds")
def programmes_table(base: Base, result, lang: str) -> List[Table]:
    spend, matched = result.meta.get("spend"), result.meta["matched"]
    title = word(lang, f"t.{result.name}", n=matched)
    if result.meta.get("types"):
        title += " · " + ", ".join(names.subsidy_type(base, t, lang) for t in result.meta["types"])
    if spend is not None:
        title += word(lang, "t.spend", spend=names.glued(_money(spend, lang)))  # whole when folded
    if len(result.rows) < matched:  # --top cut the list
        title += word(lang, "t.top", n=len(result.rows))
    return [_table(result.name, title, programme_columns(base, lang, spend is not None), result.rows, lang)]


@builder("places")
def places_table(base: Base, result, lang: str) -> List[Table]:
    columns = [
        *_place(base, lang),
        Column("level", "level", in_table=False),
        Column(
            "level_label",
            word(lang, "level"),
            cell=lambda r: word(lang, f"level.{r['level']}"),
            value=lambda r: word(lang, f"level.{r['level']}"),
        ),
        Column("province", word(lang, "province"), in_table=lang == "zh"),
        Column("city", "city", in_table=False),
        Column("regions", word(lang, "regions"), in_table=lang == "zh"),
        Column("pinyin", "pinyin", in_table=False),
        Column("english", "english", in_table=False),
    ]
    for metric in result.meta["metrics"]:
        p = metric + "_"
        columns += [
            Column(p + k, p + k, "number" if k in ("value", "value_max") else "text", in_table=False)
            for k in ("value", "value_max", "unit", "bound", "text", "date", "scope")
        ]
        columns.append(
            Column(
                p + "shown",
                names.metric(base, metric, lang),
                atomic=True,
                cell=_headline_cell(p, lang),
                value=_headline_cell(p, lang, machine=True),
            )
        )
    columns += [
        Column("facts", word(lang, "facts"), "number"),
        Column("policies", "policies", "number", in_table=False),
        Column("programmes", "programmes", "number", in_table=False),
    ]
    return [_table("places", word(lang, "t.places", n=len(result.rows)), columns, result.rows, lang)]


@builder("place")
def place_tables(base: Base, result, lang: str) -> List[Table]:
    name = result.meta["place"]
    shown = names.place(base, name, lang)
    profile = [
        Column("place", word(lang, "place"), cell=lambda r: names.place(base, r["place"], lang)),
        Column("level", word(lang, "level"), cell=lambda r: word(lang, f"level.{r['level']}")),
        Column("province", word(lang, "province"), cell=lambda r: names.place(base, r.get("province"), lang)),
        Column("city", word(lang, "city"), cell=lambda r: names.place(base, r.get("city"), lang)),
        Column(
            "regions",
            word(lang, "regions"),
            cell=lambda r: ", ".join(names.place(base, g, lang) for g in r.get("regions") or []) or "—",
        ),
        # in English the Chinese forms are CSV and JSON only (the place's name is the English one)
        Column("traditional", word(lang, "traditional"), in_table=lang == "zh"),
        Column("pinyin", word(lang, "pinyin")),
        Column("english", word(lang, "english"), in_table=lang == "zh"),
    ]
    facts_section, policies_section, programmes_section = result.sections
    facts = [
        *_place(base, lang, shown=False),
        *_metric(base, lang),
        Column(
            "kind_label",
            word(lang, "kind"),
            cell=lambda r: word(lang, f"kind.{r['kind']}"),
            value=lambda r: word(lang, f"kind.{r['kind']}"),
        ),
        *fact_columns(base, lang),
        Column("set_on", "set_on", in_table=False),
        Column("note", "note", in_table=False),
    ]
    policies = policy_columns(base, lang, with_place=False)
    return [
        _table("place", shown + _as_of(result, lang), profile, result.rows, lang),
        _table("facts", word(lang, "t.place_facts", place=shown), facts, facts_section.rows, lang, dated=True),
        _table("policies", word(lang, "t.place_policies", place=shown), policies, policies_section.rows, lang),
        _table(
            "subsidies",
            word(lang, "t.place_subsidies", place=shown),
            programme_columns(base, lang),
            programmes_section.rows,
            lang,
        ),
    ]


def policy_columns(base: Base, lang: str, with_place: bool = True) -> List[Column]:
    return [
        *_place(base, lang, shown=with_place),
        Column("title", word(lang, "title")),
        Column("date", word(lang, "date"), atomic=True, cell=lambda r: names.date(r["date"], r["date_basis"])),
        Column("date_basis", "date_basis", in_table=False),
        Column("period", word(lang, "period"), atomic=True),
        Column("sources", word(lang, "sources"), atomic=True, role="sources"),
        Column("citations", "citations", in_table=False),
        Column("note", "note", in_table=False),
    ]


@builder("policies")
def policies_table(base: Base, result, lang: str) -> List[Table]:
    return [
        _table(
            "policies",
            word(lang, "t.policies", n=len(result.rows)),
            policy_columns(base, lang),
            result.rows,
            lang,
            dated=True,
        )
    ]


@builder("sources")
def sources_table(base: Base, result, lang: str) -> List[Table]:
    columns = [
        Column("source", word(lang, "sources"), atomic=True),
        Column("title", word(lang, "title_source"), in_table=lang == "zh"),
        Column("publisher", word(lang, "publisher"), in_table=lang == "zh"),
        Column("published", word(lang, "published"), atomic=True),
        Column("file", word(lang, "file"), in_table=False),
        Column("sha256", "sha256", in_table=False),
        Column("url", "url", in_table=False),
        Column("origin", word(lang, "origin"), atomic=True),
        *[Column(k, word(lang, k), "number") for k in ("facts", "policies", "programmes")],
    ]
    return [_table("sources", word(lang, "t.sources", n=len(result.rows)), columns, result.rows, lang)]


@builder("metrics")
def metrics_table(base: Base, result, lang: str) -> List[Table]:
    columns = [
        Column("metric", word(lang, "metric_key"), atomic=True),
        Column("zh", word(lang, "zh"), in_table=lang == "zh"),
        Column("en", word(lang, "en")),
        Column("unit", "unit", in_table=False),
        Column("machine_unit", word(lang, "unit"), atomic=True),
        Column("higher_is_better", "higher_is_better", "bool", in_table=False),
        Column("scopes", word(lang, "scopes"), in_table=False),
        Column("places", word(lang, "places"), "number"),
    ]
    return [_table("metrics", word(lang, "t.metrics", n=len(result.rows)), columns, result.rows, lang)]


@builder("types")
def types_table(base: Base, result, lang: str) -> List[Table]:
    columns = [
        Column("type", word(lang, "type"), in_table=lang == "zh"),
        Column("en", word(lang, "en")),
        Column("pinyin", word(lang, "pinyin"), atomic=True),
        Column("category", "category", in_table=False),
        Column(
            "category_label",
            word(lang, "category"),
            cell=lambda r: word(lang, f"category.{r['category']}"),
            value=lambda r: word(lang, f"category.{r['category']}"),
        ),
        Column("programmes", word(lang, "programmes"), "number"),
    ]
    return [_table("types", word(lang, "t.types", n=len(result.rows)), columns, result.rows, lang)]


@builder("candidates")
def candidates_table(base: Base, result, lang: str) -> List[Table]:
    def metric(r: Record) -> str:
        return names.metric(base, r["metric"], lang) if r["metric"] in base.metrics else r["metric"]

    columns = [
        *_place(base, lang),
        Column("place_known", "place_known", "bool", in_table=False),
        Column("metric", "metric", in_table=False),
        Column("metric_label", word(lang, "metric"), cell=metric, value=metric),
        Column(
            "value", word(lang, "figure"), atomic=True, cell=lambda r: names.as_written(r["value"], lang, glue=True)
        ),
        Column("kind", "kind", in_table=False),
        Column(
            "kind_label",
            word(lang, "kind"),
            cell=lambda r: word(lang, f"kind.{r['kind']}"),
            value=lambda r: word(lang, f"kind.{r['kind']}"),
        ),
        Column("date", word(lang, "date"), atomic=True, cell=lambda r: names.date(r["date"], r["date_basis"])),
        Column("date_basis", "date_basis", in_table=False),
        Column("confidence", word(lang, "confidence"), "number", atomic=True),
        Column("known", word(lang, "known"), "bool", cell=lambda r: word(lang, "yes") if r["known"] else ""),
        Column("quote", word(lang, "quote")),
    ]
    title = word(lang, "t.candidates", n=len(result.rows))
    programmes, policies = result.meta.get("programmes", []), result.meta.get("policies", [])
    return [
        _table("candidates", title, columns, result.rows, lang, dated=True),
        _table(
            "programmes",
            word(lang, "t.programme_candidates", n=len(programmes)),
            programme_candidate_columns(base, lang),
            programmes,
            lang,
            dated=True,
        ),
        _table(
            "policies",
            word(lang, "t.policy_candidates", n=len(policies)),
            policy_candidate_columns(base, lang),
            policies,
            lang,
            dated=True,
        ),
    ]


def _special_rates(lang: str):
    """A candidate's special rates: each condition as written (it is the source's wording) and
    its rate in the language (初創企業: up to 60%)."""
    return lambda r: "; ".join(
        f"{t['applies_to']}: {names.as_written(t['value'], lang, glue=True)}" for t in r["special_rates"] or []
    )


def _with_period(role: str, lang: str):
    """A candidate term's cell: its value (as written in zh, read as a figure in en) and its
    period (最高3亿元/年, up to CNY 300 m a year)."""

    def cell(r: Record) -> str:
        if not r[role]:
            return "—"
        return names.as_written(r[role], lang, glue=True) + _PERIODS[lang].get(r.get(f"{role}_period") or "", "")

    return cell


def programme_candidate_columns(base: Base, lang: str) -> List[Column]:
    """A programme `extract` proposes: its terms as written, each period and the rate's basis."""
    known = Column("known", word(lang, "known"), "bool", cell=lambda r: word(lang, "yes") if r["known"] else "")
    return [
        *_place(base, lang),
        Column("place_known", "place_known", "bool", in_table=False),
        Column("type", word(lang, "type"), cell=lambda r: names.subsidy_type(base, r["type"], lang)),
        Column("name", "name", in_table=False),
        Column("policy", word(lang, "title"), in_table=False),
        Column("date", word(lang, "date"), atomic=True, cell=lambda r: names.date(r["date"], r["date_basis"])),
        Column("date_basis", "date_basis", in_table=False),
        Column("pool", word(lang, "pool"), atomic=True, cell=_with_period("pool", lang)),
        Column("pool_period", "pool_period", in_table=False),
        Column("rate", word(lang, "rate"), atomic=True, cell=_with_period("rate", lang)),
        Column("rate_basis", word(lang, "basis"), cell=lambda r: rate_basis(r["rate_basis"] or "", lang)),
        Column("special_rates", word(lang, "special_rates"), cell=_special_rates(lang)),
        Column("cap", word(lang, "cap"), atomic=True, cell=_with_period("cap", lang)),
        Column("cap_period", "cap_period", in_table=False),
        Column("eligibility", word(lang, "eligibility"), in_table=False),
        known,
        Column("quote", word(lang, "quote"), in_table=False),
    ]


def policy_candidate_columns(base: Base, lang: str) -> List[Column]:
    return [
        *_place(base, lang),
        Column("place_known", "place_known", "bool", in_table=False),
        Column("title", word(lang, "title")),
        Column("date", word(lang, "date"), atomic=True, cell=lambda r: names.date(r["date"], r["date_basis"])),
        Column("date_basis", "date_basis", in_table=False),
        Column("period", word(lang, "period"), atomic=True),
        Column("issuer", word(lang, "issuer")),
        Column("known", word(lang, "known"), "bool", cell=lambda r: word(lang, "yes") if r["known"] else ""),
        Column("quote", "quote", in_table=False),
    ]


def role_word(lang: str, role: str) -> str:
    """A cited term of a programme (the machine formats keep the code: pool, special_rates[0] …)."""
    if role.startswith("special_rates["):
        return word(lang, "role.special", n=int(role[len("special_rates[") : -1]) + 1)
    return word(lang, f"role.{role}")


@builder("cite")
def cite_table(base: Base, result, lang: str) -> List[Table]:
    is_fact = "metric" in result.meta
    # A fact's citations are of the one place the title names: its column would repeat it on every
    # row, and the eight columns left fit 100 cells (nine stacked the records below 120). The
    # machine formats keep it.
    columns = [*_place(base, lang, shown=not is_fact)]
    if is_fact:
        columns += [
            Column("metric", "metric", in_table=False),
            *[
                c
                for c in fact_columns(base, lang, metric_of=lambda r: result.meta["metric"])
                if c.key not in ("sources", "citations")
            ],
            Column(
                "kind_label",
                word(lang, "kind"),
                cell=lambda r: word(lang, f"kind.{r['kind']}"),
                value=lambda r: word(lang, f"kind.{r['kind']}"),
            ),
        ]
    else:
        columns += [
            Column("programme", word(lang, "name")),
            Column("role", word(lang, "term"), cell=lambda r: role_word(lang, r["role"])),
        ]
    columns += [
        Column("source", word(lang, "sources"), atomic=True, role="sources", beside="published"),
        Column("title", word(lang, "title_source")),
        Column("publisher", word(lang, "publisher"), in_table=False),
        Column("published", word(lang, "published"), atomic=True),
        Column("quote", "quote", in_table=False),
        Column("value_as_written", "value_as_written", in_table=False),
        Column("note", word(lang, "note"), in_table=False),
        Column(
            "paragraph",
            word(lang, "paragraph"),
            cell=lambda r: r["paragraph"] if r["paragraph"] is not None else word(lang, "not_found"),
        ),
    ]
    if is_fact:
        title = f"{names.place(base, result.meta['place'], lang)} · {names.metric(base, result.meta['metric'], lang)}"
    else:
        title = result.meta["programme"]
    return [
        _table("cite", word(lang, "t.cite", title=title, n=len(result.rows)), columns, result.rows, lang, dated=True)
    ]
