"""Records -> labelled tables, in zh or en. All wording lives in this package.

`view(base, result, lang)` returns a `Report` for the renderers. Machine keys (the Column keys)
never change with the language; the header and the table cell do. Columns not shown in the
terminal table (`in_table=False`) still reach CSV and JSON, so they lose nothing the table shows.
"""

from __future__ import annotations

from typing import Callable, Dict, List

from ..core.facts import Base
from ..core.query.common import Result
from ..core.report import Column, Record, Report, Table
from . import names
from .words import LANGS, word

__all__ = ["view", "LANGS"]

Builder = Callable[[Base, Result, str], List[Table]]
_BUILDERS: Dict[str, Builder] = {}


def builder(name: str) -> Callable[[Builder], Builder]:
    def register(function: Builder) -> Builder:
        _BUILDERS[name] = function
        return function

    return register


def view(base: Base, result: Result, lang: str = "zh", **options) -> Report:
    # lazy: a command's builders load with its first table (start-up)
    from . import tables  # noqa: F401 - registers the builders

    if result.name.endswith("_long"):
        # lazy: a command's builders load with its first table (start-up)
        from . import long_tables  # noqa: F401 - registers the long builders (--long only: ~0.4 ms)

    built = _BUILDERS[result.name](base, result, lang, **options)
    return Report(built)


def fact_columns(
    base: Base,
    lang: str,
    prefix: str = "",
    metric_of: Callable[[Record], str] = lambda r: r["metric"],
    shown: bool = True,
    header: str = "figure",
) -> List[Column]:
    """The machine columns of one fact (hidden), and its figure and date as the table shows them."""
    p = prefix
    return [
        Column(f"{p}value", f"{p}value", "number", in_table=False),
        Column(f"{p}value_max", f"{p}value_max", "number", in_table=False),
        Column(f"{p}unit", f"{p}unit", in_table=False),
        Column(f"{p}bound", f"{p}bound", in_table=False),
        Column(f"{p}text", f"{p}text", in_table=False),
        Column(
            f"{p}display",
            word(lang, header),
            in_table=shown,
            atomic=True,
            cell=lambda r: names.figure(r.get(f"_{p}quantity"), lang, glue=True),
            value=lambda r: names.figure(r.get(f"_{p}quantity"), lang) if r.get(f"_{p}quantity") else None,
        ),
        Column(f"{p}kind", f"{p}kind", in_table=False),
        Column(
            f"{p}date",
            word(lang, "date"),
            in_table=shown,
            atomic=True,
            cell=lambda r: names.date(r.get(f"{p}date"), r.get(f"{p}date_basis")),
        ),
        Column(f"{p}date_basis", f"{p}date_basis", in_table=False),
        Column(f"{p}scope", f"{p}scope", in_table=False),
        Column(
            f"{p}scope_label",
            word(lang, "scope"),
            in_table=shown,
            cell=lambda r: names.scope(base, metric_of(r), r.get(f"{p}scope"), lang) if r.get(f"{p}scope") else "—",
            value=lambda r: names.scope(base, metric_of(r), r.get(f"{p}scope"), lang) if r.get(f"{p}scope") else None,
        ),
        Column(f"{p}sources", word(lang, "sources"), in_table=shown, atomic=True, role="sources"),
        Column(f"{p}citations", f"{p}citations", in_table=False),
    ]


def legend(rows: List[Record], lang: str, keys=("date_basis",)) -> str:
    """The marks the rows' dates carry (* published, ~ inferred), explained: read from every field
    whose name ends with one of `keys` (date_basis, a_date_basis …)."""
    suffixes = tuple(keys)
    fields = [k for k in set().union(*rows) if k.endswith(suffixes)]  # the union of keys is built in C
    bases = {r.get(k) for r in rows for k in fields}
    parts = [word(lang, f"legend.{basis}") for basis in ("published", "inferred") if basis in bases]
    return "  ".join(parts)


def label(lang: str, prefix: str, code) -> str:
    return word(lang, f"{prefix}.{code}") if code else ""
